/// The few character classes `NameFinder` knows in advance, each in traditional and simplified
/// forms (books come in either, and machine conversions mix them). Everything else it learns from
/// the book's own statistics.
enum NameCharacters {
    /// Follow a person who speaks or acts: 寶玉笑道, 襲人聽了, 孔明曰.
    static let speechAfter = set("道說说笑問问聽听便忙曰")
    /// Come before a person spoken to or met: 叫襲人, 問寶玉, 與黛玉.
    static let addressBefore = set("叫問问對对和同見见與与向請请給给")
    /// Come before a place gone to or left (到榮府, 進大觀園) …
    static let placeBefore = set("在到往至進进入出回離离從从由住")
    /// … or after it (榮府中, 怡紅院來).
    static let placeAfter = set("中內内里裡去來来門门前")
    /// How place names end: 榮國府, 怡紅院, 大觀園, 瀟湘館, 鐵檻寺, 青石鎮, 徐州. Only such n-grams
    /// count the place cues, which would otherwise favour ordinary rooms (書房中, 上房里).
    static let placeSuffix = set("府院園园館馆軒轩齋斋寺廟庙庵樓楼閣阁堂亭州城縣县鎮镇村街巷山河江湖橋桥宮宫殿")
    /// Common surnames: a name that starts with one (賈政, 王夫人, 劉姥姥) is a little more likely.
    static let surnames = set("""
        王李張张劉刘陳陈楊杨黃黄趙赵吳吴周徐孫孙馬马朱胡郭何高林羅罗鄭郑梁謝谢宋唐許许韓韩馮冯\
        鄧邓曹彭曾蕭萧田董潘袁蔡蔣蒋余于杜葉叶程蘇苏魏呂吕丁任沈姚盧卢姜崔鍾钟譚谭陸陆汪范金石\
        廖賈贾夏韋韦付方白鄒邹孟熊秦邱江尹薛閻阎段雷侯龍龙史陶黎賀贺顧顾毛郝龔龚邵萬万錢钱嚴严\
        覃武戴莫孔湯汤常溫温康施文牛樊葛邢安齊齐易喬乔伍龐庞顏颜倪莊庄聶聂章魯鲁岳翟殷詹申歐欧\
        耿關关蘭兰焦俞左柳甘祝包寧宁尚符舒阮柯紀纪梅童凌畢毕單单季裴霍塗涂成苗谷盛曲翁冉駱骆藍蓝\
        路游辛靳管柴蒙鮑鲍華华喻祁蒲房滕屈饒饶解牟艾尤陽阳時时穆農农司卓古吉繆缪簡简車车項项連连\
        芦麥麦褚婁娄竇窦戚岑景黨党宮宫費费卜冷晏席衛卫米柏宗瞿桂全佟應应臧閔闵苟鄔邬邊边卞姬師师\
        仇欒栾隋商刁沙榮荣巫寇桑郎甄叢丛仲虞敖鞏巩明佘池查麻苑遲迟鄺邝封甯
        """)
    /// Function characters that never open a name: pronouns, demonstratives, particles, adverbs,
    /// the verbs that surround names (見寶玉, 問黛玉), and 自/別/回/入/出 (自己, 別人, 回家, 入城).
    static let neverFirst = set("""
        我你他她它這这那哪誰谁什甚怎麼么的了是不在有也都就又還还與与及之而被把將将給给讓让叫對对\
        向從从到此其所以為为著着過过得地見见和同問问請请令命便忙說说道笑聽听只才已卻却但若如再每\
        各眾众諸诸些個个呢嗎吗啊罷罢吧呀哩啦自別别回入出
        """)
    /// … or close one: the same function characters, the directions and times that follow a noun
    /// (房中, 外頭, 次日), the speech verbs (寶玉道) and 兵/軍 (蜀兵, 曹軍: an army, not its leader).
    static let neverLast = set("""
        我你他她它這这那哪的了是不在有也都就又還还與与及之而被把將将給给讓让叫對对向從从到此其所\
        以為为著着過过得地見见和同問问請请令命便忙說说道笑聽听只才已卻却但若再每各些個个麼么呢嗎\
        吗啊罷罢吧呀哩啦來来去上下裡里中時时頭头日曰兵軍军
        """)
    /// Particles that no name contains at all (說了一, 的人).
    static let neverInside = set("的了著着是不也都就呢嗎吗麼么")

    private static func set(_ text: String) -> Set<Unicode.Scalar> {
        Set(text.unicodeScalars.filter { !$0.properties.isWhitespace })
    }
}
