import Base
import Foundation
import LLM
import XCTest

final class SafetensorsTests: XCTestCase {
    private var dir: String!
    static let tinyLlama = TokenizerTests.packageRoot.appendingPathComponent("Tests/Fixtures/llm/tiny-llama").path

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "yanfu-st-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testRoundTrip() throws {
        var w = SafetensorsWriter(metadata: ["format": "pt", "note": "quote \" and 汉字"])
        w.add("b.weight", shape: [2, 3], floats: [1, 2, 3, 4, 5, -6])
        w.add("a.bias", shape: [2], floats: [0.5, -0.25])
        w.add("h", dtype: .f16, shape: [2], bytes: [0x00, 0x3C, 0x00, 0xC0])
        w.add("bf", dtype: .bf16, shape: [1], bytes: [0x80, 0x3F])
        w.add("empty", shape: [0, 4], floats: [])
        let path = dir + "/t.safetensors"
        try w.write(to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } % 8, 0)
        let f = try SafetensorsFile(path: path)
        XCTAssertEqual(f.metadata, ["format": "pt", "note": "quote \" and 汉字"])
        XCTAssertEqual(Set(f.tensors.keys), ["a.bias", "b.weight", "h", "bf", "empty"])
        XCTAssertEqual(f.tensors["b.weight"]?.shape, [2, 3])
        XCTAssertEqual(try f.floats(f.tensors["b.weight"]!), [1, 2, 3, 4, 5, -6])
        XCTAssertEqual(try f.floats(f.tensors["a.bias"]!), [0.5, -0.25])
        XCTAssertEqual(try f.floats(f.tensors["h"]!), [1, -2])
        XCTAssertEqual(try f.floats(f.tensors["bf"]!), [1])
        XCTAssertEqual(try f.floats(f.tensors["empty"]!), [])
    }

    /// The file is streamed tensor by tensor: the same bytes as `serialized()`; a write that fails
    /// partway leaves the file it was to replace as it was, and no temporary.
    func testStreamedWriteAndFailedWrite() throws {
        var w = SafetensorsWriter(metadata: ["format": "pt"])
        w.add("m", shape: [3, 2], floats: [1, -2, 3.5, 0, .pi, -0.0])
        w.add("z", dtype: .f16, shape: [1], bytes: [0x00, 0x3C])
        let path = dir + "/s.safetensors"
        try w.write(to: path)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), w.serialized())
        struct Cut: Error {}
        var parts = 0
        XCTAssertThrowsError(try DurableFile.write(to: path) { emit in
            try [1, 2, 3].withUnsafeBytes { try emit($0) }
            parts += 1
            throw Cut()
        }) { XCTAssertTrue("\($0)".contains(path), "\($0)") }
        XCTAssertEqual(parts, 1)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), w.serialized())
        XCTAssertFalse(FileManager.default.fileExists(atPath: DurableFile.temporary(path)))
    }

    private func expectError(_ bytes: [UInt8], _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        let path = dir + "/bad.safetensors"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        XCTAssertThrowsError(try SafetensorsFile(path: path), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(path + ": "), text, file: file, line: line)
            for f in fragments { XCTAssertTrue(text.contains(f), "'\(f)' missing in: \(text)", file: file, line: line) }
        }
    }

    private func file(header: String, data: Int) -> [UInt8] {
        le(UInt64(header.utf8.count)) + Array(header.utf8) + [UInt8](repeating: 0, count: data)
    }

    func testMalformedFiles() {
        expectError(le(UInt64(1) << 40) + [0, 0], ["header size at byte 0"])
        expectError([1, 2, 3], ["header size", "truncated"])
        expectError(file(header: "[1,2]", data: 0), ["header at byte 8", "JSON object"])
        expectError(file(header: "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", data: 4),
                    ["tensor 't' data_offsets", "inside the data buffer (4 bytes)"])
        expectError(file(header: "{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", data: 8),
                    ["tensor 't' data_offsets", "12 bytes for shape [3] F32, found 8"])
        expectError(file(header: "{\"t\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", data: 8), ["tensor 't' dtype", "found Q4"])
        expectError(file(header: "{\"t\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", data: 8), ["tensor 't' shape"])
        expectError(file(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", data: 12),
                    ["tensor 'b' data_offsets", "not overlapping tensor 'a'"])
    }

    /// Random mutations of a valid file give a clean parse or a ModelFileError, never a crash.
    func testFuzzMutations() throws {
        var w = SafetensorsWriter(metadata: ["format": "pt"])
        w.add("a.weight", shape: [3, 4], floats: (0..<12).map(Float.init))
        w.add("b", dtype: .bf16, shape: [2], bytes: [0x80, 0x3F, 0x00, 0x40])
        let valid = w.serialized()
        let path = dir + "/fuzz.safetensors"
        var rng = SplitMix64(seed: 0x5AFE)
        let deadline = Date().addingTimeInterval(2)
        var runs = 0, accepted = 0
        while Date() < deadline {
            var b = valid
            switch rng.next() % 3 {
            case 0:
                for _ in 0..<(1 + Int(rng.next() % 3)) { b[Int(rng.next() % UInt64(b.count))] ^= 1 << UInt8(rng.next() % 8) }
            case 1:
                b = Array(b[0..<max(1, Int(rng.next() % UInt64(b.count)))])
            default:
                let i = Int(rng.next() % UInt64(b.count - 8))
                b.replaceSubrange(i..<(i + 8), with: le(rng.next() % 2 == 0 ? rng.next() : rng.next() % 256))
            }
            _ = FileManager.default.createFile(atPath: path, contents: Data(b))
            do {
                let f = try SafetensorsFile(path: path)
                accepted += 1
                for t in f.tensors.values where t.dtype.tensorType != nil { _ = try f.floats(t) }
            } catch let e as ModelFileError {
                XCTAssertEqual(e.file, path)
            }
            runs += 1
        }
        XCTAssertGreaterThan(runs, 100)
        XCTAssertGreaterThan(accepted, 0)
        XCTAssertLessThan(accepted, runs)
    }

    // MARK: Hugging Face folders (the tiny Llama fixture from Eval/llm/tiny_llama.py)

    func testTinyLlamaFolders() throws {
        let f32 = try HFModelFolder(path: Self.tinyLlama + "/hf")
        let c = f32.config
        XCTAssertEqual(c.modelType, "llama")
        XCTAssertEqual([c.vocabSize, c.hiddenSize, c.intermediateSize, c.numHiddenLayers, c.numAttentionHeads, c.numKeyValueHeads, c.headDim],
                       [400, 64, 128, 2, 4, 2, 16])
        XCTAssertEqual(c.rmsNormEps, 1e-5)
        XCTAssertEqual(c.ropeTheta, 10000)  // from v5's rope_parameters
        XCTAssertNil(c.ropeScalingType)
        XCTAssertEqual(c.eosTokenIds, [2])
        XCTAssertFalse(f32.tiedEmbeddings)
        XCTAssertEqual(f32.tensorNames.count, 2 * 9 + 3)
        XCTAssertEqual(f32.tensor(named: "model.layers.0.self_attn.k_proj.weight")?.shape, [32, 64])
        XCTAssertNotNil(f32.tokenizerModelPath)

        // The bf16 and f16 folders hold the same weights, rounded to nearest even.
        for (folder, dtype) in [("hf-bf16", SafetensorDType.bf16), ("hf-f16", .f16)] {
            let half = try HFModelFolder(path: Self.tinyLlama + "/" + folder)
            XCTAssertEqual(Set(half.tensorNames), Set(f32.tensorNames))
            for name in f32.tensorNames {
                XCTAssertEqual(half.tensor(named: name)?.dtype, dtype, name)
                let full = try f32.floats(named: name)
                let rounded = full.map { dtype == .bf16 ? bf16ToF32(f32ToBF16($0)) : f16ToF32(f32ToF16($0)) }
                XCTAssertEqual(try half.floats(named: name), rounded, "\(folder) \(name)")
            }
        }
    }

    /// llama.cpp's converter reorders Q and K rows for adjacent-pair RoPE (research formats.md §1.4):
    /// GGUF row 2j ← HF row j and row 2j+1 ← HF row j + hd/2, within each head.
    func testTinyLlamaGGUFMatchesHFAfterUndoingPermutation() throws {
        let hf = try HFModelFolder(path: Self.tinyLlama + "/hf")
        let gguf = try GGUFFile(path: Self.tinyLlama + "/tiny-llama-f32.gguf")
        XCTAssertEqual(gguf.architecture, "llama")
        XCTAssertEqual(gguf.archValue("attention.head_count_kv")?.int, 2)
        XCTAssertEqual(gguf.tensors.count, hf.tensorNames.count)
        let layerMap = ["input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
                        "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output", "post_attention_layernorm": "ffn_norm",
                        "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"]
        var names = ["model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight", "lm_head.weight": "output.weight"]
        for l in 0..<2 { for (h, g) in layerMap { names["model.layers.\(l).\(h).weight"] = "blk.\(l).\(g).weight" } }
        let hd = hf.config.headDim
        for name in hf.tensorNames {
            let ggufName = try XCTUnwrap(names[name], name)
            let t = try XCTUnwrap(gguf.tensor(named: ggufName), ggufName)
            let hfInfo = hf.tensor(named: name)!
            XCTAssertEqual(t.dims, hfInfo.shape.reversed(), name)
            var expected = try hf.floats(named: name)
            if name.contains("q_proj") || name.contains("k_proj") {
                let cols = hfInfo.shape[1], rows = hfInfo.shape[0]
                var permuted = expected
                for head in 0..<(rows / hd) {
                    for j in 0..<(hd / 2) {
                        for (dst, src) in [(2 * j, j), (2 * j + 1, j + hd / 2)] {
                            let d = (head * hd + dst) * cols, s = (head * hd + src) * cols
                            permuted[d..<(d + cols)] = expected[s..<(s + cols)]
                        }
                    }
                }
                XCTAssertNotEqual(permuted, expected)
                expected = permuted
            }
            XCTAssertEqual(try gguf.floats(t), expected, name)
        }
    }

    func testShardedFolderAndErrors() throws {
        let folder = dir + "/sharded"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"model_type":"llama","hidden_size":8,"num_attention_heads":2,"num_key_value_heads":1,"rope_theta":500000.0,"rope_scaling":{"rope_type":"llama3","factor":8.0},"eos_token_id":[128001,128009],"tie_word_embeddings":true}"#
            .write(toFile: folder + "/config.json", atomically: true, encoding: .utf8)
        var a = SafetensorsWriter(), b = SafetensorsWriter()
        a.add("model.embed_tokens.weight", shape: [3, 8], floats: (0..<24).map(Float.init))
        b.add("model.norm.weight", shape: [8], floats: [Float](repeating: 1, count: 8))
        try a.write(to: folder + "/model-00001-of-00002.safetensors")
        try b.write(to: folder + "/model-00002-of-00002.safetensors")
        let index = #"{"metadata":{"total_size":128},"weight_map":{"model.embed_tokens.weight":"model-00001-of-00002.safetensors","model.norm.weight":"model-00002-of-00002.safetensors"}}"#
        try index.write(toFile: folder + "/model.safetensors.index.json", atomically: true, encoding: .utf8)
        let m = try HFModelFolder(path: folder)
        XCTAssertEqual(m.config.headDim, 4)
        XCTAssertEqual(m.config.numKeyValueHeads, 1)
        XCTAssertEqual(m.config.ropeTheta, 500000)
        XCTAssertEqual(m.config.ropeScalingType, "llama3")
        XCTAssertEqual(m.config.ropeScalingFactor, 8)
        XCTAssertEqual(m.config.eosTokenIds, [128001, 128009])
        XCTAssertEqual(m.config.vocabSize, 32000)  // transformers' default
        XCTAssertTrue(m.tiedEmbeddings)
        XCTAssertEqual(try m.floats(named: "model.embed_tokens.weight")[23], 23)
        XCTAssertNil(m.tokenizerModelPath)
        XCTAssertThrowsError(try m.makeTokenizer()) { XCTAssertTrue("\($0)".contains("tokenizer.model"), "\($0)") }
        XCTAssertThrowsError(try m.floats(named: "missing")) { XCTAssertTrue("\($0)".contains("tensor 'missing'"), "\($0)") }

        // A shard listed in the index but missing from disk, then a missing config.json.
        try FileManager.default.removeItem(atPath: folder + "/model-00002-of-00002.safetensors")
        XCTAssertThrowsError(try HFModelFolder(path: folder)) { XCTAssertTrue("\($0)".contains("model-00002-of-00002.safetensors"), "\($0)") }
        try FileManager.default.removeItem(atPath: folder + "/config.json")
        XCTAssertThrowsError(try HFModelFolder(path: folder)) { XCTAssertTrue("\($0)".contains("config.json"), "\($0)") }
        XCTAssertThrowsError(try HFModelFolder(path: dir + "/nowhere")) { XCTAssertTrue("\($0)".contains("folder"), "\($0)") }
    }
}
