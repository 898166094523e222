import PoolSQLCore

/// The `WITH (…)` options of `RUN LOAD TEST`, validated.
///
/// The test ends when `duration` has passed or `operations` have been started, whichever comes
/// first; with neither it runs for `defaultDurationMilliseconds`. With
/// `targetOperationsPerSecond` the workers follow a fixed schedule (open loop): operation k is
/// due at start + k / rate, and its response time is measured from that due time, so a pool that
/// cannot keep up shows its queueing in the percentiles instead of silently slowing the schedule.
/// Without a target every worker runs operations back to back.
public struct LoadTestOptions: Sendable, Hashable {
    /// Worker threads, each running one operation at a time.
    public var concurrency: Int
    public var durationMilliseconds: Int64?
    /// Operations to run in total.
    public var operations: Int?
    public var operation: LoadTestOperation
    public var targetOperationsPerSecond: Double?
    public var database: String
    /// The collection to read (or write marked documents into); nil: one of the test's own,
    /// `poolsql_load_<run id>`, created and dropped by the test.
    public var collection: String?
    /// Keep what the test wrote instead of cleaning up afterwards.
    public var keepData: Bool

    public static let defaultDurationMilliseconds: Int64 = 30_000
    public static let defaultDatabase = "poolsql_load"
    public static let maximumConcurrency = 1_000
    public static let maximumDurationMilliseconds: Int64 = 86_400_000
    public static let maximumOperations = 1_000_000_000
    public static let maximumTargetOperationsPerSecond = 1_000_000.0

    public init(concurrency: Int = 10, durationMilliseconds: Int64? = nil, operations: Int? = nil,
                operation: LoadTestOperation = .ping, targetOperationsPerSecond: Double? = nil,
                database: String = LoadTestOptions.defaultDatabase, collection: String? = nil, keepData: Bool = false) {
        self.concurrency = concurrency
        self.durationMilliseconds = durationMilliseconds
        self.operations = operations
        self.operation = operation
        self.targetOperationsPerSecond = targetOperationsPerSecond
        self.database = database
        self.collection = collection
        self.keepData = keepData
    }

    /// How long the test may run: the given duration, the default when neither a duration nor
    /// an operation count is given, nil when only the count limits it.
    public var effectiveDurationMilliseconds: Int64? {
        if let durationMilliseconds { return durationMilliseconds }
        return operations == nil ? Self.defaultDurationMilliseconds : nil
    }

    /// Checks ranges and names; 22023 for the first value that does not fit.
    public func validate() throws(PoolSQLError) {
        if let problem = firstProblem() { throw PoolSQLError(.invalidParameterValue, problem.message) }
    }

    /// The first option whose value does not fit, and why.
    func firstProblem() -> (option: String, message: String)? {
        guard (1...Self.maximumConcurrency).contains(concurrency) else {
            return ("concurrency", "concurrency must be between 1 and \(Self.maximumConcurrency), not \(concurrency)")
        }
        if let durationMilliseconds, !(1...Self.maximumDurationMilliseconds).contains(durationMilliseconds) {
            return ("duration", "duration must be between 1ms and 24h, not \(DurationText.format(milliseconds: durationMilliseconds))")
        }
        if let operations, !(1...Self.maximumOperations).contains(operations) {
            return ("operations", "operations must be between 1 and \(Self.maximumOperations), not \(operations)")
        }
        if let target = targetOperationsPerSecond, !(target > 0 && target <= Self.maximumTargetOperationsPerSecond) {
            return ("target_ops_per_second",
                    "target_ops_per_second must be above 0 and at most \(Int(Self.maximumTargetOperationsPerSecond)), not \(Value.formatDouble(target))")
        }
        if let problem = Self.databaseNameProblem(database) {
            return ("database", "invalid database name \"\(database)\": \(problem)")
        }
        if let collection, let problem = Self.collectionNameProblem(collection) {
            return ("collection", "invalid collection name \"\(collection)\": \(problem)")
        }
        return nil
    }

    /// Why MongoDB would refuse `name` as a database name, or nil.
    static func databaseNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.count >= 64 { return "it is longer than 63 bytes" }
        if let bad = name.first(where: { "/\\. \"$".contains($0) || $0.asciiValue.map { $0 < 0x20 } == true }) {
            return "it contains \"\(bad)\""
        }
        return nil
    }

    /// Why MongoDB would refuse `name` as a collection name (or why a load test must not use
    /// it), or nil.
    static func collectionNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.hasPrefix("system.") { return "system collections cannot be used" }
        if let bad = name.first(where: { $0 == "$" || $0.asciiValue.map { $0 < 0x20 } == true }) {
            return "it contains \"\(bad.asciiValue.map { $0 < 0x20 } == true ? "control character" : String(bad))\""
        }
        return nil
    }
}
