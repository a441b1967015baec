import Foundation
import LLM
import XCTest

final class ModelStoreTests: XCTestCase {
    func testSHA256KnownVectors() {
        func digest(_ s: String) -> String {
            var h = SHA256()
            h.update(Array(s.utf8))
            return SHA256.hex(h.finalize())
        }
        XCTAssertEqual(digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // Fed in uneven pieces, across block boundaries.
        var h = SHA256()
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var i = 0
        while i < million.count { let n = min(777, million.count - i); h.update(million[i..<i + n]); i += n }
        XCTAssertEqual(SHA256.hex(h.finalize()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    private func temporaryHome() throws -> String {
        let dir = NSTemporaryDirectory() + "yanfu-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/models", withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    /// A model whose sources cannot work: no such registry package, an upstream nobody listens on.
    private func unreachableModel(content: [UInt8]) -> ModelDescriptor {
        var h = SHA256()
        h.update(content)
        return ModelDescriptor(fileName: "tiny.gguf", byteCount: content.count, sha256: SHA256.hex(h.finalize()),
                               chunkWheels: [], upstreamURL: "http://127.0.0.1:9/tiny.gguf")
    }

    func testVerifiedCacheFileIsUsedAsIs() throws {
        let home = try temporaryHome()
        let content = Array("GGUF test bytes".utf8)
        let model = unreachableModel(content: content)
        let store = ModelStore(environment: ["YANFU_HOME": home])
        XCTAssertEqual(try store.verify(model), .missing)
        FileManager.default.createFile(atPath: store.path(of: model), contents: Data(content))
        XCTAssertEqual(try store.verify(model), .ok)
        XCTAssertEqual(try store.fetch(model), store.path(of: model))
    }

    func testCorruptCacheIsReportedAndNeverReplacedByABrokenDownload() throws {
        let home = try temporaryHome()
        let content = Array("GGUF test bytes".utf8)
        let model = unreachableModel(content: content)
        let store = ModelStore(environment: ["YANFU_HOME": home])
        var corrupt = content
        corrupt[3] ^= 1
        FileManager.default.createFile(atPath: store.path(of: model), contents: Data(corrupt))
        guard case .wrongDigest = try store.verify(model) else { return XCTFail("corruption not detected") }
        XCTAssertThrowsError(try store.fetch(model)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("cache:"), text)
            XCTAssertTrue(text.contains("upstream"), text)
        }
        // No partial file is left behind, and the existing file is untouched.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home + "/models")
        XCTAssertEqual(leftovers, ["tiny.gguf"])
        XCTAssertEqual(FileManager.default.contents(atPath: store.path(of: model)), Data(corrupt))
    }
}
