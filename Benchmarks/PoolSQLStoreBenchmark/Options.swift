import Foundation

/// Command line: which sections run and on what.
struct Options {
    enum Section: String, CaseIterable {
        /// Ingest by batch size, the million-sample read, size raw and after rollup, year projection.
        case store
        /// `LatencySketch` text encode/parse against the split-based reference.
        case sketch
        /// The sampler's work per pool per tick (`Engine.sampleMetricsNow`).
        case sampler
        /// The hourly-trend query through the engine over the store, cold and warm.
        case trend
    }

    var sections: [Section] = [.store, .sketch]
    var samples = 1_000_000
    var directory = NSTemporaryDirectory() + "poolsql-store-bench-\(getpid())"
    var keep = false
    /// sampler: pools, ticks, operations per pool between ticks; a server URI (else SecantusDB
    /// is started when found, else the pools point at a closed port and stay idle).
    var samplerPools = 20
    var samplerTicks = 5
    var samplerOperations = 100
    var samplerURI: String?
    /// trend: the analytics benchmark's CSV, the query file, the stored copy of the CSV
    /// (reused when present), timed warm runs, where to write the result rows and the report.
    var trendCSV: String?
    var trendQuery = "Benchmarks/analytics/queries/hourly_trend.sql"
    var trendStore: String?
    var trendRuns = 5
    var trendResult: String?
    var jsonPath: String?

    static let usage = """
        usage: PoolSQLStoreBenchmark [--sections store,sketch,sampler,trend] [--samples N] [--dir DIR] [--keep]
                                     [--sampler-pools N] [--sampler-ticks N] [--sampler-ops N] [--sampler-uri URI]
                                     [--trend-csv FILE] [--trend-query FILE] [--trend-store DIR] [--trend-runs N]
                                     [--trend-result FILE] [--json FILE]
        """

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        func int(_ fallback: Int) -> Int { rest.popFirst().flatMap { Int($0) } ?? fallback }
        while let argument = rest.popFirst() {
            switch argument {
            case "--sections":
                let names = (rest.popFirst() ?? "").split(separator: ",").map(String.init)
                let parsed = names.compactMap(Section.init(rawValue:))
                guard parsed.count == names.count, !parsed.isEmpty else { Self.fail() }
                sections = parsed
            case "--samples": samples = int(samples)
            case "--dir": directory = rest.popFirst() ?? directory
            case "--keep": keep = true
            case "--sampler-pools": samplerPools = int(samplerPools)
            case "--sampler-ticks": samplerTicks = int(samplerTicks)
            case "--sampler-ops": samplerOperations = int(samplerOperations)
            case "--sampler-uri": samplerURI = rest.popFirst()
            case "--trend-csv": trendCSV = rest.popFirst()
            case "--trend-query": trendQuery = rest.popFirst() ?? trendQuery
            case "--trend-store": trendStore = rest.popFirst()
            case "--trend-runs": trendRuns = int(trendRuns)
            case "--trend-result": trendResult = rest.popFirst()
            case "--json": jsonPath = rest.popFirst()
            default: Self.fail()
            }
        }
    }

    private static func fail() -> Never {
        print(usage)
        exit(2)
    }
}
