import ArgumentParser
import Foundation
import Kernels
import LLM
import Text

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that this machine has everything Yanfu needs.",
        discussion: """
            Prints the versions of Swift, OpenBLAS (and the kernel it chose), sentencepiece and ICU \
            that this process loaded, the CPU's SIMD features, the thread count, and whether the \
            default model is in the cache with the right SHA-256.

            Exit code 0 only when everything needed is there; 1 otherwise (the report says what is missing).
            Example:
              yanfu doctor
              yanfu doctor --json
            """
    )

    @Flag(help: "Print one JSON object instead of the text report.")
    var json = false

    func run() throws {
        var checks: [(name: String, value: String, ok: Bool)] = []
        checks.append(("yanfu", Yanfu.version, true))
        checks.append(("swift", swiftVersion, true))
        let cpu = CPUInfo.current()
        checks.append(("cpu", cpu.modelName, true))
        checks.append(("simd", cpu.simdFeatures.joined(separator: " "), true))
        checks.append(("training", Int16Weights.fast
            ? "integer products through quantized weights (AVX512-VNNI: Q4_K/Q6_K forward in int8, the rest int16); --f32-products for exact f32"
            : "f32 products (no AVX512-VNNI for the int16 kernel)", true))
        checks.append(("threads", "\(cpu.logicalCores) logical cores; commands use \(KernelThreads.cores) threads unless --threads says otherwise (OpenBLAS runs single-threaded inside the kernel pool)", true))
        // OpenBLAS 0.3.21 falls back to its SSE3 kernel on processors it does not know by model
        // number (seen on a virtual AVX-512 Xeon): attention, LoRA and SGEMM prefill then run 3–5× slower.
        let generic = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Northwood", "Banias"]
        let slow = generic.contains(KernelThreads.blasCoreName) && cpu.simdFeatures.contains("avx2")
            ? "; a pre-AVX kernel on an AVX2 processor (OpenBLAS did not recognise it): its f32 products run several times slower; OPENBLAS_CORETYPE=Haswell in the environment picks a fitting one"
            : ""
        checks.append(("openblas", "\(KernelThreads.blasConfig); kernel \(KernelThreads.blasCoreName)\(library("libopenblas"))\(slow)", true))
        for (name, prefix, reported) in [("sentencepiece", "libsentencepiece.so", ""), ("icu", "libicuuc", "ICU \(ICU.version); ")] {
            let found = LoadedLibraries.find(prefix)
            let loaded = library(prefix).trimmingCharacters(in: CharacterSet(charactersIn: "; "))
            checks.append((name, found.isEmpty ? "not loaded" : reported + loaded, !found.isEmpty))
        }
        let store = ModelStore()
        let model = ModelCatalog.defaultModel
        let status = try store.verify(model)
        let modelPath = store.path(of: model)
        let modelText: String
        switch status {
        case .ok: modelText = "\(modelPath) (SHA-256 verified)"
        case .missing: modelText = "\(modelPath) is missing: run `yanfu model fetch`"
        case .wrongSize(let n): modelText = "\(modelPath) has \(n) bytes, expected \(model.byteCount): run `yanfu model fetch` to repair it"
        case .wrongDigest(let d): modelText = "\(modelPath) has SHA-256 \(d), expected \(model.sha256): run `yanfu model fetch` to repair it"
        }
        checks.append(("default model", modelText, status == .ok))

        if json {
            var object: [String: Any] = [:]
            for check in checks { object[check.name.replacingOccurrences(of: " ", with: "_")] = ["value": check.value, "ok": check.ok] }
            object["ok"] = checks.allSatisfy(\.ok)
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
        } else {
            let width = checks.map(\.name.count).max() ?? 0
            for check in checks {
                print("\(check.ok ? "ok " : "NO ") \(check.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(check.value)")
            }
        }
        if !checks.allSatisfy(\.ok) { throw ExitCode.failure }
    }

    private func library(_ prefix: String) -> String {
        LoadedLibraries.find(prefix).map { lib in
            "; loaded \(lib.path)" + (lib.package.map { " (Debian \($0) \(lib.packageVersion ?? "?"))" } ?? "")
        }.joined()
    }

    private var swiftVersion: String {
        #if compiler(>=6.4)
        return "6.4 or later"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #else
        return "6.0 or 6.1"
        #endif
    }
}
