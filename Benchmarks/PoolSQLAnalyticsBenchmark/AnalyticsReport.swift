/// The JSON object the benchmark prints: what was loaded, which candidate queries PoolSQL could
/// not run (and why), and the timings of the one it ran.
struct AnalyticsReport: Encodable {
    struct Attempt: Encodable {
        var name: String
        var ok: Bool
        /// `ERROR 42883: function to_char(…) does not exist`, when PoolSQL cannot run the query.
        var error: String?
    }

    var engine = "poolsql"
    var rowsLoaded: Int
    var loadMilliseconds: Double
    var attempts: [Attempt] = []
    /// The first candidate PoolSQL ran, or nil when it could run none.
    var chosen: String?
    var runsMilliseconds: [Double] = []
    var medianMilliseconds: Double?
    var resultRows: Int?
    var resultFile: String?

    enum CodingKeys: String, CodingKey {
        case engine, attempts, chosen
        case rowsLoaded = "rows_loaded"
        case loadMilliseconds = "load_ms"
        case runsMilliseconds = "runs_ms"
        case medianMilliseconds = "median_ms"
        case resultRows = "result_rows"
        case resultFile = "result_file"
    }
}
