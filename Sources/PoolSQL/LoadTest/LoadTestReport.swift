import PoolSQLStore

/// What `Session.runLoadTest` returns: the row appended to `load_test_results` (with its
/// `testID`) and the notices `RUN LOAD TEST` would show (stopped early, failed operations, data
/// kept).
public struct LoadTestReport: Sendable, Hashable {
    public var result: LoadTestResult
    public var notices: [String]

    public init(result: LoadTestResult, notices: [String]) {
        self.result = result
        self.notices = notices
    }
}
