#!/usr/bin/env python3
"""Regenerates Tests/Fixtures/text/encodings/: one small book (written for the project) encoded
by Python's own codecs (an implementation independent of ICU) as UTF-8, UTF-8 with BOM,
UTF-16LE/BE with BOM, GB18030, GBK, Big5, plus damaged copies. The Swift tests decode every file
and must get exactly sample.utf8.txt back (damaged files: the error offsets computed here).

Run: python3 Eval/text/make_encoding_fixtures.py   (any Python 3; no third-party packages)
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "Fixtures", "text", "encodings")

# Traditional characters only, all present in Big5 and GB18030, CRLF line endings on purpose.
BOOK = (
    "山中小記\r\n"
    "\r\n"
    "第一回　老人上山　少年問路\r\n"
    "\u3000\u3000話說山下有一個小村，村中住著一位老人。老人每天早上都要上山看雲，"
    "回來的時候總是很高興。\r\n"
    "\u3000\u3000有一天，一個少年來問路：「請問，上山的路怎麼走？」老人笑了：「跟我來吧。」\r\n"
    "\r\n"
    "第二回　雲中見月　夜裡回家\r\n"
    "\u3000\u3000兩個人走了很久，天已經黑了。少年說：「我們回家吧……明天再來。」"
    "老人說：「好。」\r\n"
)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    text = BOOK.replace("\r\n", "\n")
    write("sample.utf8.txt", text.encode("utf-8"))
    write("sample.crlf.utf8bom.txt", b"\xef\xbb\xbf" + BOOK.encode("utf-8"))
    write("sample.cr.txt", BOOK.replace("\r\n", "\r").encode("utf-8"))
    write("sample.utf16le.txt", b"\xff\xfe" + BOOK.encode("utf-16-le"))
    write("sample.utf16be.txt", b"\xfe\xff" + BOOK.encode("utf-16-be"))
    write("sample.gb18030.txt", BOOK.encode("gb18030"))
    write("sample.gbk.txt", BOOK.encode("gbk"))
    write("sample.big5.txt", BOOK.encode("big5"))
    # Damage: a lone lead byte in the middle of line 4 of the GB18030 and UTF-8 files.
    expected = {}
    for name, enc in [("bad.gb18030.txt", "gb18030"), ("bad.utf8.txt", "utf-8")]:
        good = BOOK.encode(enc)
        cut = good.index("老人每天".encode(enc))
        bad = good[:cut] + b"\xff" + good[cut:]
        write(name, bad)
        expected[name] = {"offset": cut, "line": bad[:cut].count(b"\n") + 1}
    # A binary file: a PNG header and some zero bytes.
    write("binary.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64)))
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
