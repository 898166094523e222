import PoolSQLCore

/// How a running load test is doing, reported a few times a second to the session's
/// `loadTestProgressHandler` (the REPL's progress line).
public struct LoadTestProgress: Sendable, Hashable {
    public var poolName: String
    public var scenarioName: String?
    public var elapsedSeconds: Double
    /// The planned duration, when the test is limited by time.
    public var plannedSeconds: Double?
    /// The planned operation count, when the test is limited by a count.
    public var plannedOperations: Int?
    /// Operations finished so far (successful or not).
    public var completedOperations: Int
    public var errors: Int
    /// Finished operations per second since the start.
    public var operationsPerSecond: Double
    /// 95th percentile response time so far, ms (0 before the first success).
    public var p95ResponseTimeMS: Double
    /// Connections of the pool in use at the last reading.
    public var connectionsInUse: Int
    /// The last report of the run: the workers have stopped (a progress line can be cleared).
    public var isFinished: Bool

    public init(poolName: String, scenarioName: String? = nil, elapsedSeconds: Double, plannedSeconds: Double? = nil,
                plannedOperations: Int? = nil, completedOperations: Int, errors: Int, operationsPerSecond: Double,
                p95ResponseTimeMS: Double, connectionsInUse: Int, isFinished: Bool = false) {
        self.poolName = poolName
        self.scenarioName = scenarioName
        self.elapsedSeconds = elapsedSeconds
        self.plannedSeconds = plannedSeconds
        self.plannedOperations = plannedOperations
        self.completedOperations = completedOperations
        self.errors = errors
        self.operationsPerSecond = operationsPerSecond
        self.p95ResponseTimeMS = p95ResponseTimeMS
        self.connectionsInUse = connectionsInUse
        self.isFinished = isFinished
    }

    /// Share of the test done, 0…1: the larger of the time and operation shares.
    public var fractionDone: Double {
        var fraction = 0.0
        if let plannedSeconds, plannedSeconds > 0 { fraction = max(fraction, elapsedSeconds / plannedSeconds) }
        if let plannedOperations, plannedOperations > 0 { fraction = max(fraction, Double(completedOperations) / Double(plannedOperations)) }
        return min(1, fraction)
    }

    /// One line for a terminal: `load test p: 12.0s/30s  5,980 ops  498 ops/s  p95 2.31 ms  0 errors`.
    public var line: String {
        var text = "load test \(poolName)"
        if let scenarioName { text += " (\(scenarioName))" }
        text += ": " + Self.seconds(elapsedSeconds)
        if let plannedSeconds {
            text += "/" + Self.seconds(plannedSeconds)
        }
        text += "  \(completedOperations)"
        if let plannedOperations { text += "/\(plannedOperations)" }
        text += " ops  \(Int(operationsPerSecond.rounded())) ops/s"
        text += "  p95 " + Self.milliseconds(p95ResponseTimeMS)
        text += "  \(errors) error\(errors == 1 ? "" : "s")"
        return text
    }

    private static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)s"
    }

    private static func milliseconds(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) ms"
    }
}
