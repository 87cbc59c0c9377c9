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
        // The C library of include/policy_runtime.h: libpolicy_runtime.so.
        .library(name: "policy_runtime", type: .dynamic, targets: ["PolicyRuntimeC"]),
        .executable(name: "policyc", targets: ["policyc"]),
        .executable(name: "policyc-bench", targets: ["policyc-bench"]),
    ],
    targets: [
        // The compiled-policy contract and (later) the evaluator. Never imports PolicyLang.
        .target(name: "PolicyRuntime"),
        // The C interface (@_cdecl functions) of include/policy_runtime.h, for in-process use from any language.
        .target(name: "PolicyRuntimeC", dependencies: ["PolicyRuntime"]),
        // The decision service: an HTTP/1.1 server on POSIX sockets and its endpoints (`policyc serve`).
        .target(name: "PolicyServer", dependencies: ["PolicyRuntime"]),
        // The language server of `policyc lsp`: documents, the protocol, navigation, completion, editor grammar.
        .target(name: "PolicyLanguageServer", dependencies: ["PolicyLang", "PolicyRuntime"]),
        // Lexer, parser, checker and lowering of `.pol` sources into the compiled model.
        .target(name: "PolicyLang", dependencies: ["PolicyRuntime"]),
        .executableTarget(name: "policyc", dependencies: ["PolicyLang", "PolicyRuntime", "PolicyServer", "PolicyLanguageServer"]),
        .executableTarget(name: "policyc-bench", dependencies: ["PolicyLang", "PolicyRuntime", "PolicyLanguageServer"]),
        .testTarget(name: "PolicyRuntimeTests", dependencies: ["PolicyRuntime"], exclude: ["testdata"]),
        .testTarget(
            name: "PolicyLangTests",
            dependencies: ["PolicyLang", "PolicyRuntime", "PolicyLanguageServer", "policyc"],
            exclude: ["testdata"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
