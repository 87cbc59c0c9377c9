// swift-tools-version:6.0
// PolicyLang: a policy language, compiler and embeddable runtime for governing AI model use.
// No package dependencies by design: Foundation and the toolchain's own modules only.
import PackageDescription

let package = Package(
    name: "PolicyLang",
    products: [
        .library(name: "PolicyRuntime", targets: ["PolicyRuntime"]),
        .library(name: "PolicyLang", targets: ["PolicyLang"]),
        .library(name: "PolicyServer", targets: ["PolicyServer"]),
        .executable(name: "policyc", targets: ["policyc"]),
        .executable(name: "policyc-bench", targets: ["policyc-bench"]),
    ],
    targets: [
        // The compiled-policy contract and (later) the evaluator. Never imports PolicyLang.
        .target(name: "PolicyRuntime"),
        // The decision service: an HTTP/1.1 server on POSIX sockets and its endpoints (`policyc serve`).
        .target(name: "PolicyServer", dependencies: ["PolicyRuntime"]),
        // Lexer, parser, checker and lowering of `.pol` sources into the compiled model.
        .target(name: "PolicyLang", dependencies: ["PolicyRuntime"]),
        .executableTarget(name: "policyc", dependencies: ["PolicyLang", "PolicyRuntime", "PolicyServer"]),
        .executableTarget(name: "policyc-bench", dependencies: ["PolicyLang", "PolicyRuntime"]),
        .testTarget(name: "PolicyRuntimeTests", dependencies: ["PolicyRuntime"], exclude: ["testdata"]),
        .testTarget(
            name: "PolicyLangTests",
            dependencies: ["PolicyLang", "PolicyRuntime", "policyc"],
            exclude: ["testdata"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
