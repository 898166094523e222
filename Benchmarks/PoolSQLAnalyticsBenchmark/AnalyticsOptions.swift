/// Command-line options of PoolSQLAnalyticsBenchmark. Hand-parsed: the benchmark takes a few
/// flags and stays free of dependencies beyond the engine modules.
struct AnalyticsOptions {
    /// One candidate query: a name for the report and the file holding its SQL.
    struct QueryFile {
        var name: String
        var path: String
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    struct HelpRequested: Error {}

    var csvPath = ""
    /// Candidates in order of preference: every one is tried, the first that PoolSQL runs is timed.
    var queries: [QueryFile] = []
    var runs = 5
    var warmups = 1
    /// Where the chosen query's result rows are written (tab-separated, PostgreSQL text form).
    var resultPath: String?
    /// Stop after this many data rows (for profiling on a smaller data set).
    var rowLimit: Int?
    /// Plan GROUP BY with the row-at-a-time AggregateExec only (no columnar aggregate), to
    /// measure what the columnar path gains.
    var rowPath = false

    static let usage = """
        usage: PoolSQLAnalyticsBenchmark --csv FILE --query NAME=FILE [--query NAME=FILE ...]
                                         [--runs N] [--warmups N] [--result FILE] [--limit ROWS]
                                         [--row-path]
        Loads the metrics-history CSV into an in-memory table named metrics_history, tries each
        query in order, times the first one PoolSQL can run (median of --runs after --warmups),
        and prints one JSON object on stdout. --row-path turns the columnar GROUP BY off.
        """

    static func parse(_ arguments: [String]) throws -> AnalyticsOptions {
        var options = AnalyticsOptions()
        var iterator = arguments.makeIterator()
        func value(for flag: String) throws -> String {
            guard let next = iterator.next() else { throw UsageError(description: "\(flag) needs a value") }
            return next
        }
        func positive(_ text: String, _ flag: String, allowZero: Bool = false) throws -> Int {
            guard let n = Int(text), n > 0 || (allowZero && n == 0) else {
                throw UsageError(description: "\(flag) needs a \(allowZero ? "non-negative" : "positive") integer, not \(text)")
            }
            return n
        }
        while let argument = iterator.next() {
            switch argument {
            case "--csv": options.csvPath = try value(for: argument)
            case "--query":
                let spec = try value(for: argument)
                guard let equals = spec.firstIndex(of: "="), equals != spec.startIndex else {
                    throw UsageError(description: "--query takes NAME=FILE, not \(spec)")
                }
                options.queries.append(QueryFile(name: String(spec[..<equals]), path: String(spec[spec.index(after: equals)...])))
            case "--runs": options.runs = try positive(value(for: argument), argument)
            case "--warmups": options.warmups = try positive(value(for: argument), argument, allowZero: true)
            case "--result": options.resultPath = try value(for: argument)
            case "--limit": options.rowLimit = try positive(value(for: argument), argument)
            case "--row-path": options.rowPath = true
            case "-h", "--help": throw HelpRequested()
            default: throw UsageError(description: "unknown argument \(argument)\n\(usage)")
            }
        }
        if options.csvPath.isEmpty { throw UsageError(description: "--csv is required\n\(usage)") }
        if options.queries.isEmpty { throw UsageError(description: "at least one --query is required\n\(usage)") }
        return options
    }
}
