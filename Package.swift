// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "gridpass",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gridpass", targets: ["gridpass"]),
        .executable(name: "gridpass-echo", targets: ["gridpass-echo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),  // tests only
    ],
    targets: [
        // MARK: - C libraries (module.modulemap + shim.h, nothing else)
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZBar", pkgConfig: "zbar", providers: [.apt(["libzbar-dev"])]),
        // Our one C function: a 1-bit PNG through libpng's low-level writer, its setjmp kept inside C.
        .target(name: "CPNGWrite", dependencies: ["CPNG"]),

        // MARK: - Thin Swift owners of the C libraries
        .target(name: "GridPassCrypto", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
        .target(name: "QRImaging", dependencies: ["CQRencode", "CPNG", "CPNGWrite", "CZBar"], swiftSettings: swiftSettings),

        // MARK: - Domain, persistence, HTTP, CLI
        .target(name: "GridPassResources", path: "Resources",
                exclude: ["README.md", "regions/SOURCE.md", "rules/README.md"],
                resources: [.copy("templates"), .copy("demo"), .copy("regions"), .copy("rules"), .copy("openapi.yaml")],
                swiftSettings: swiftSettings),
        .target(name: "GridPassCore", dependencies: ["GridPassCrypto"], swiftSettings: swiftSettings),
        .target(name: "GridPassStore", dependencies: [
            "GridPassCore", "GridPassCrypto",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Atomics", package: "swift-atomics"),
        ], swiftSettings: swiftSettings),
        .target(name: "GridPassPostgres", dependencies: [
            "GridPassCore", "GridPassCrypto",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        .target(name: "GridPassServer", dependencies: [
            "GridPassCore", "GridPassStore", "GridPassPostgres", "QRImaging", "GridPassResources", "GridPassCrypto",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: swiftSettings),
        .executableTarget(name: "gridpass", dependencies: [
            "GridPassServer", "GridPassStore", "GridPassPostgres", "GridPassCore", "QRImaging",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),

        .executableTarget(name: "gridpass-echo", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
        ], swiftSettings: swiftSettings),

        // MARK: - Tests
        .target(name: "GridPassTestSupport", dependencies: ["GridPassPostgres"], path: "Tests/Support", swiftSettings: swiftSettings),
        .testTarget(name: "GridPassCryptoTests", dependencies: ["GridPassCrypto"], swiftSettings: swiftSettings),
        .testTarget(name: "QRImagingTests", dependencies: ["QRImaging", "GridPassTestSupport"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(name: "GridPassCoreTests", dependencies: ["GridPassCore"], exclude: ["Vectors"], swiftSettings: swiftSettings),
        .testTarget(name: "GridPassStoreTests", dependencies: ["GridPassStore", "GridPassPostgres", "GridPassCore", "GridPassTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "GridPassServerTests", dependencies: [
            "GridPassServer", "GridPassStore", "GridPassCore", "QRImaging", "GridPassTestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: swiftSettings),
    ]
)
