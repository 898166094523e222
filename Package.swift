// swift-tools-version: 6.0
// PoolSQL: manage and observe MongoDB connection pools with SQL.
//
// Dependencies point one way:
//   Core ← Syntax ← Catalog ← Planner ← Execution ← PoolSQL (façade) ← REPL ← poolsql
//   Core ← Pool (the only module that imports libmongoc) ← PoolSQL
import PackageDescription

let package = Package(
    name: "PoolSQL",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PoolSQL", targets: ["PoolSQL"]),
        .executable(name: "poolsql", targets: ["poolsql"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    ],
    targets: [
        // Values, types, errors (SQLSTATE), source locations.
        .target(name: "PoolSQLCore"),
        // Lexer, parser, AST, SQL printer.
        .target(name: "PoolSQLSyntax", dependencies: ["PoolSQLCore"]),
        // The table-provider protocol and schemas.
        .target(name: "PoolSQLCatalog", dependencies: ["PoolSQLCore"]),
        // SQL AST → logical plan → optimizer rules.
        .target(name: "PoolSQLPlanner", dependencies: ["PoolSQLCore", "PoolSQLSyntax", "PoolSQLCatalog"]),
        // Physical operators and expression evaluation.
        .target(name: "PoolSQLExecution", dependencies: ["PoolSQLCore", "PoolSQLSyntax", "PoolSQLCatalog", "PoolSQLPlanner"]),
        // The metrics history, views, persisted settings and load-test results: the store
        // protocols, the in-memory store and the embedded SQLite store.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "PoolSQLStore", dependencies: ["PoolSQLCore", "CSQLite"]),
        // libmongoc / libbson.
        .systemLibrary(
            name: "CMongoC",
            path: "Sources/CMongoC",
            pkgConfig: "libmongoc-1.0",
            providers: [.apt(["libmongoc-dev", "libbson-dev"])]
        ),
        // MongoDB connection pools; the only module that imports libmongoc.
        .target(
            name: "PoolSQLPool",
            dependencies: ["PoolSQLCore", "CMongoC", .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        // Public façade: Engine, Session, settings, virtual tables.
        .target(
            name: "PoolSQL",
            dependencies: ["PoolSQLCore", "PoolSQLSyntax", "PoolSQLCatalog", "PoolSQLPlanner", "PoolSQLExecution", "PoolSQLPool", "PoolSQLStore"]
        ),
        // GNU readline.
        .systemLibrary(name: "CReadline", path: "Sources/CReadline", providers: [.apt(["libreadline-dev"])]),
        // The interactive REPL, script runner and result formatting.
        .target(name: "PoolSQLREPL", dependencies: ["PoolSQL", "PoolSQLCore", "PoolSQLSyntax", "CReadline"]),
        .executableTarget(
            name: "poolsql",
            dependencies: ["PoolSQLREPL", "PoolSQL", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Starts and stops throw-away SecantusDB servers for tests; not part of any product.
        .target(name: "PoolSQLTestSupport", dependencies: ["PoolSQLCore"]),

        // PoolSQL's pool against libmongoc's and the Node.js driver's (scripts/bench.sh); not part of `swift test`.
        .executableTarget(name: "PoolSQLBenchmarks", dependencies: ["PoolSQLPool", "CMongoC", "PoolSQLTestSupport"], path: "Benchmarks/PoolSQLBenchmarks"),

        // The analytics query on PoolSQL's engine, next to DuckDB and PostgreSQL (scripts/analytics-bench.sh); not part of `swift test`.
        .executableTarget(name: "PoolSQLAnalyticsBenchmark", dependencies: ["PoolSQLExecution", "PoolSQLPlanner", "PoolSQLCatalog", "PoolSQLSyntax", "PoolSQLCore"], path: "Benchmarks/PoolSQLAnalyticsBenchmark"),

        // The embedded store's ingest, read and size numbers (scripts/store-bench.sh); not part of `swift test`.
        .executableTarget(name: "PoolSQLStoreBenchmark", dependencies: ["PoolSQL", "PoolSQLStore", "PoolSQLCore", "PoolSQLTestSupport"], path: "Benchmarks/PoolSQLStoreBenchmark"),

        // An app embedding PoolSQL: creates pools, runs traffic, queries them (EmbeddingExampleTests runs it).
        .executableTarget(name: "EmbeddingExample", dependencies: ["PoolSQL"], path: "Examples/EmbeddingExample"),

        .testTarget(name: "PoolSQLCoreTests", dependencies: ["PoolSQLCore"]),
        .testTarget(name: "PoolSQLSyntaxTests", dependencies: ["PoolSQLSyntax", "PoolSQLCore"]),
        .testTarget(name: "PoolSQLEngineTests", dependencies: ["PoolSQLExecution", "PoolSQLPlanner", "PoolSQLCatalog", "PoolSQLSyntax", "PoolSQLCore"], exclude: ["slt"]),
        .testTarget(name: "PoolSQLStoreTests", dependencies: ["PoolSQLStore", "PoolSQLCore"]),
        .testTarget(name: "PoolSQLPoolTests", dependencies: ["PoolSQLPool", "PoolSQLCore", "PoolSQLTestSupport"]),
        .testTarget(name: "PoolSQLTests", dependencies: ["PoolSQL", "PoolSQLCore", "PoolSQLTestSupport"]),
        .testTarget(name: "PoolSQLREPLTests", dependencies: ["PoolSQLREPL", "PoolSQL", "PoolSQLCore", "PoolSQLTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
