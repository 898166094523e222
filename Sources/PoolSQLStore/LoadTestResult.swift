import PoolSQLCore

/// One row of `load_test_results` (RUN LOAD TEST appends it).
public struct LoadTestResult: Sendable, Hashable {
    /// Assigned by the store when appended (1, 2, …); 0 before.
    public var testID: Int64
    public var poolName: String
    public var scenarioName: String?
    public var startedAt: Timestamp
    public var concurrentConnections: Int
    public var operationType: String
    public var testDurationMinutes: Double
    public var targetOperationsPerSecond: Double?
    public var actualOperationsPerSecond: Double
    public var totalOperations: Int
    /// Percent, 0…100.
    public var successRate: Double
    public var avgResponseTimeMS: Double
    public var p50ResponseTimeMS: Double
    public var p95ResponseTimeMS: Double
    public var p99ResponseTimeMS: Double
    public var maxResponseTimeMS: Double
    public var peakConnectionsUsed: Int
    public var avgConnectionsUsed: Double
    /// 0…1.
    public var connectionUtilizationPeak: Double
    public var totalErrors: Int
    public var timeoutErrors: Int
    public var connectionErrors: Int
    public var avgCheckoutWaitMS: Double

    public init(testID: Int64 = 0, poolName: String, scenarioName: String? = nil, startedAt: Timestamp,
                concurrentConnections: Int, operationType: String, testDurationMinutes: Double,
                targetOperationsPerSecond: Double? = nil, actualOperationsPerSecond: Double, totalOperations: Int,
                successRate: Double, avgResponseTimeMS: Double, p50ResponseTimeMS: Double, p95ResponseTimeMS: Double,
                p99ResponseTimeMS: Double, maxResponseTimeMS: Double, peakConnectionsUsed: Int,
                avgConnectionsUsed: Double, connectionUtilizationPeak: Double, totalErrors: Int, timeoutErrors: Int,
                connectionErrors: Int, avgCheckoutWaitMS: Double) {
        self.testID = testID
        self.poolName = poolName
        self.scenarioName = scenarioName
        self.startedAt = startedAt
        self.concurrentConnections = concurrentConnections
        self.operationType = operationType
        self.testDurationMinutes = testDurationMinutes
        self.targetOperationsPerSecond = targetOperationsPerSecond
        self.actualOperationsPerSecond = actualOperationsPerSecond
        self.totalOperations = totalOperations
        self.successRate = successRate
        self.avgResponseTimeMS = avgResponseTimeMS
        self.p50ResponseTimeMS = p50ResponseTimeMS
        self.p95ResponseTimeMS = p95ResponseTimeMS
        self.p99ResponseTimeMS = p99ResponseTimeMS
        self.maxResponseTimeMS = maxResponseTimeMS
        self.peakConnectionsUsed = peakConnectionsUsed
        self.avgConnectionsUsed = avgConnectionsUsed
        self.connectionUtilizationPeak = connectionUtilizationPeak
        self.totalErrors = totalErrors
        self.timeoutErrors = timeoutErrors
        self.connectionErrors = connectionErrors
        self.avgCheckoutWaitMS = avgCheckoutWaitMS
    }
}

/// Where load-test results persist (the embedded store; memory without a data directory).
public protocol LoadTestResultStore: Sendable {
    /// Stores `result`, returning it with its assigned `testID`.
    func appendLoadTestResult(_ result: LoadTestResult) throws(PoolSQLError) -> LoadTestResult
    /// Every result, oldest first.
    func loadTestResults() throws(PoolSQLError) -> [LoadTestResult]
}
