// swift-tools-version:6.0
// Yanfu: whole-novel Chinese→English translation with a local decoder model and Temp-LoRA.
// Layering (see README): Base → C shims → Kernels → LLM;  Base → CICU → Text → Evaluate;  all → Translate → yanfu.
import PackageDescription

let package = Package(
    name: "Yanfu",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "yanfu", targets: ["yanfu"]),
        .library(name: "YanfuLLM", targets: ["LLM"]),
        .library(name: "YanfuText", targets: ["Text"]),
        .library(name: "YanfuEvaluate", targets: ["Evaluate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // EPUB books are ZIP archives; a maintained reader/writer rather than a hand-written inflate.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Thin C/C++ shims over the Debian libraries.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(
            name: "CSentencePiece",
            linkerSettings: [.linkedLibrary("sentencepiece"), .linkedLibrary("sentencepiece_train")]
        ),
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),
        // What every Swift layer shares: durable file writes, the seeded generator.
        .target(name: "Base"),
        // Hot inference loops in C (AVX2/FMA/F16C chosen at run time, scalar fallback).
        .target(name: "CKernels"),
        // Swift libraries, each depending only on those above it.
        .target(name: "Kernels", dependencies: ["Base", "CBLAS", "CKernels"]),
        .target(name: "LLM", dependencies: ["Base", "Kernels", "CSentencePiece"]),
        .target(name: "Text", dependencies: ["Base", "CICU", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "Evaluate", dependencies: ["Base", "Text"]),
        .target(name: "Translate", dependencies: ["Base", "LLM", "Text", "Evaluate"]),
        .executableTarget(
            name: "yanfu",
            dependencies: [
                "Base", "Translate", "LLM", "Text", "Evaluate", "Kernels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What the suites need from outside the repository (models, corpora, the binary): a skip
        // with a message, a failure under CI.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // One framework (XCTest) for every suite, so the closing line counts them all.
        .testTarget(name: "ShimTests", dependencies: ["Base", "CBLAS", "CSentencePiece", "CICU"]),
        .testTarget(name: "KernelsTests", dependencies: ["Base", "Kernels", "CKernels"]),
        .testTarget(name: "LLMTests", dependencies: ["Base", "LLM", "Kernels", "TestSupport"]),
        .testTarget(name: "TextTests", dependencies: ["Base", "Text", "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "EvaluateTests", dependencies: ["Base", "Evaluate", "Text"]),
        .testTarget(name: "TranslateTests", dependencies: ["Base", "Evaluate", "Translate", "Text", "LLM", "TestSupport"]),
    ],
    cxxLanguageStandard: .cxx17
)
