// swift-tools-version:6.0
// lfs: a Swift scripting environment for fine-tuning large language models.
// The target graph enforces ARCHITECTURE's arrows:
//   lfs -> REPL -> Builtins -> {Language, Tuning, Graphs};  Tuning -> Models -> Tensors;
//   Graphs -> Tensors;  Tensors -> CBLAS, CKernels;  Language -> nothing of ours.
import PackageDescription

let package = Package(
    name: "lfs",
    products: [
        .executable(name: "lfs", targets: ["lfs"]),
        .library(name: "Language", targets: ["Language"]),
        .library(name: "Tensors", targets: ["Tensors"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // MARK: System libraries (apt providers named for `swift build` hints)
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CGraphviz", pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"])]),
        .systemLibrary(
            name: "CReadline", pkgConfig: "readline",
            providers: [.apt(["libreadline-dev"])]),

        // MARK: Libraries
        // Kernels for instructions Swift cannot name (bf16 weights): -O3 even in debug
        // builds; AVX2/FMA chosen at run time, with plain C fallbacks.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Tensors", dependencies: ["CBLAS", "CKernels"]),
        .target(name: "Models", dependencies: ["Tensors", "CKernels"], exclude: ["Embedded/tiny"]),
        .target(name: "Tuning", dependencies: ["Models", "Tensors", "CBLAS"]),
        .target(name: "Graphs", dependencies: ["Tensors", "CGraphviz"]),
        .target(
            name: "Language",
            // The interpreter's frames and counters are class fields touched on every
            // step; dynamic exclusivity checks on them cost more than the work itself.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(
            name: "Builtins",
            dependencies: ["Language", "Tensors", "Models", "Tuning", "Graphs"]),
        .target(name: "REPL", dependencies: ["Builtins", "Language", "CReadline"]),
        // LLaMA-Factory YAML recipes -> lfs code (`lfs train`); YAML stays out of the core.
        .target(name: "Recipes", dependencies: [.product(name: "Yams", package: "Yams")]),

        // MARK: Executables
        .executableTarget(
            name: "lfs",
            dependencies: [
                "REPL", "Builtins", "Language", "Tensors", "Recipes",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "bench-ops", dependencies: ["Tensors", "CBLAS"], path: "Sources/BenchOps"),
        .executableTarget(name: "bench-model", dependencies: ["Models", "Tensors", "Tuning"], path: "Sources/BenchModel"),
        .executableTarget(name: "bench-interp", dependencies: ["Language"], path: "Sources/BenchInterp"),
        .executableTarget(name: "bench-graph", dependencies: ["Graphs", "Tensors"], path: "Sources/BenchGraph"),
        .executableTarget(name: "bench-tokenizer", dependencies: ["Models"], path: "Sources/BenchTokenizer"),
        .executableTarget(name: "bench-compare", dependencies: ["Models", "Tensors", "CBLAS"], path: "Sources/BenchCompare"),

        // MARK: Tests
        .target(name: "TestSupport", dependencies: ["Tensors"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "TestSupport", "CBLAS", "CKernels"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Tensors", "TestSupport"]),
        .testTarget(name: "TuningTests", dependencies: ["Tuning", "Models", "Tensors", "TestSupport"]),
        .testTarget(
            name: "GraphsTests", dependencies: ["Graphs", "Tensors", "TestSupport"],
            exclude: ["Snapshots"]),
        .testTarget(name: "LanguageTests", dependencies: ["Language"], exclude: ["Conformance", "Snapshots"]),
        .testTarget(name: "BuiltinsTests", dependencies: ["Builtins", "Language", "TestSupport"]),
        .testTarget(name: "REPLTests", dependencies: ["REPL", "Builtins", "Language"]),
        .testTarget(
            name: "RecipesTests", dependencies: ["Recipes", "Builtins", "Language"], exclude: ["Golden"]),
    ]
)
