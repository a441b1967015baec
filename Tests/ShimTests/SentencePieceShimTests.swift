import CSentencePiece
import Foundation
import XCTest

/// The extern "C" shim over libsentencepiece: train, load, encode, decode, vocabulary, errors.
final class SentencePieceShimTests: XCTestCase {
    private var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "yanfu-spm-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func trainSmallModel() throws -> String {
        var lines: [String] = []
        let zh = ["我们明天去北京。", "他慢慢地走了出去。", "宝玉听了，心中大喜。", "今天天气很好，我们去公园散步吧。", "这本书是我朋友送给我的。"]
        let en = ["We will go to Beijing tomorrow.", "He slowly walked out.", "Baoyu was delighted to hear it.",
                  "The weather is fine today, let us walk in the park.", "A friend of mine gave me this book."]
        for i in 0..<200 { lines.append(zh[i % 5] + " " + en[(i * 3) % 5] + " \(i)") }
        let input = dir + "/corpus.txt"
        try lines.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let prefix = dir + "/m"
        var err = [CChar](repeating: 0, count: 1024)
        let options = "--input=\(input) --model_prefix=\(prefix) --vocab_size=400 --model_type=bpe --byte_fallback=true "
            + "--normalization_rule_name=identity --remove_extra_whitespaces=false --hard_vocab_limit=false "
            + "--character_coverage=1.0 --seed_sentencepiece_size=10000 --minloglevel=2"
        let rc = spp_train(options, &err, err.count)
        XCTAssertEqual(rc, 0, cText(err))
        return prefix + ".model"
    }

    func testTrainEncodeDecodeRoundTrip() throws {
        let model = try trainSmallModel()
        let p = try XCTUnwrap(spp_create())
        defer { spp_free(p) }
        var err = [CChar](repeating: 0, count: 1024)
        XCTAssertEqual(spp_load_file(p, model, &err, err.count), 0, cText(err))
        XCTAssertGreaterThan(spp_vocab_size(p), 259)

        // Unseen characters (emoji, 𓀀, ꙮ), double spaces, tab and newline must survive via bytes.
        let text = "我们明天去北京。 We go  to\tBeijing 🦙 𓀀ꙮ!\n宝玉 smiled."
        let ids = try encode(p, text)
        XCTAssertFalse(ids.isEmpty)
        XCTAssertTrue(ids.contains { spp_piece_type(p, $0) == Int32(SPP_PIECE_BYTE) }, "expected byte-fallback pieces")
        XCTAssertEqual(try decode(p, ids), text)

        // Vocabulary queries agree with each other.
        for id in ids {
            var ptr: UnsafeMutablePointer<CChar>?
            var len = 0
            XCTAssertEqual(spp_piece(p, id, &ptr, &len), 0)
            let piece = String(decoding: UnsafeRawBufferPointer(start: ptr, count: len), as: UTF8.self)
            spp_free_text(ptr)
            XCTAssertEqual(spp_piece_to_id(p, piece, piece.utf8.count), id, piece)
        }
        XCTAssertEqual(spp_piece_type(p, spp_unk_id(p)), Int32(SPP_PIECE_UNKNOWN))
        XCTAssertEqual(spp_piece_type(p, spp_bos_id(p)), Int32(SPP_PIECE_CONTROL))
        XCTAssertEqual(spp_piece_type(p, 1_000_000), 0)
        var ptr: UnsafeMutablePointer<CChar>?
        var len = 0
        XCTAssertEqual(spp_piece(p, -1, &ptr, &len), Int32(SPP_ERROR_OUT_OF_RANGE))
        XCTAssertThrowsError(try decode(p, [1_000_000]))
    }

    func testErrorsAreReportedNotFatal() {
        let p = spp_create()!
        defer { spp_free(p) }
        var err = [CChar](repeating: 0, count: 512)
        XCTAssertNotEqual(spp_load_file(p, dir + "/missing.model", &err, err.count), 0)
        XCTAssertFalse(cText(err).isEmpty)
        let garbage: [UInt8] = [0xFF, 0xFF, 0xFF, 0x01, 0x02]
        err = [CChar](repeating: 0, count: 512)
        XCTAssertNotEqual(spp_load_proto(p, garbage, garbage.count, &err, err.count), 0)
        XCTAssertFalse(cText(err).isEmpty)
        // Encoding with no model loaded is an error, not a crash.
        var ids: UnsafeMutablePointer<Int32>?
        var count = 0
        XCTAssertNotEqual(spp_encode(p, "abc", 3, &ids, &count, &err, err.count), 0)
        err = [CChar](repeating: 0, count: 512)
        XCTAssertNotEqual(spp_train("--input=\(dir!)/none.txt --model_prefix=\(dir!)/x --vocab_size=50", &err, err.count), 0)
        XCTAssertFalse(cText(err).isEmpty)
    }

    private func encode(_ p: OpaquePointer, _ text: String) throws -> [Int32] {
        var ids: UnsafeMutablePointer<Int32>?
        var count = 0
        var err = [CChar](repeating: 0, count: 512)
        let rc = spp_encode(p, text, text.utf8.count, &ids, &count, &err, err.count)
        guard rc == 0 else { throw NSError(domain: cText(err), code: Int(rc)) }
        defer { spp_free_ids(ids) }
        return Array(UnsafeBufferPointer(start: ids, count: count))
    }

    private func decode(_ p: OpaquePointer, _ ids: [Int32]) throws -> String {
        var text: UnsafeMutablePointer<CChar>?
        var len = 0
        var err = [CChar](repeating: 0, count: 512)
        let rc = spp_decode(p, ids, ids.count, &text, &len, &err, err.count)
        guard rc == 0 else { throw NSError(domain: cText(err), code: Int(rc)) }
        defer { spp_free_text(text) }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: len), as: UTF8.self)
    }
}

/// The NUL-terminated message in an error buffer.
private func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
