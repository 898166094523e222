@testable import PoolSQL
import PoolSQLCore
import PoolSQLStore
import Testing

/// The recommendation rules on made-up evidence: each rule, its thresholds and its evidence text.
@Suite struct RecommendationRulesTests {
    static let now = Timestamp.now()

    static func samples(_ count: Int = 5, utilization: Double, maxPoolSize: Int = 20, operations: Int = 100, errors: Int = 0,
                        avgOperationTime: Double = 5, checkoutFailures: Int = 0, avgCheckoutWaitMS: Double = 0,
                        health: String = "healthy") -> [MetricsSample] {
        (0..<count).map { index in
            MetricsSample(timestamp: Timestamp(microseconds: now.microseconds - Int64(index) * 10_000_000), poolName: "p",
                          instanceID: "test:1", activeConnections: Int(utilization * Double(maxPoolSize)), maxPoolSize: maxPoolSize,
                          connectionUtilization: utilization, avgOperationTime: avgOperationTime, errorRate: Double(errors) / Double(max(operations, 1)),
                          healthStatus: health, operations: operations, errors: errors, checkoutFailures: checkoutFailures,
                          avgCheckoutWaitMS: avgCheckoutWaitMS)
        }
    }

    static func evidence(maxPoolSize: Int = 20, minPoolSize: Int = 0, statistics: PoolStatistics? = PoolStatistics(healthStatus: .healthy),
                         samples: [MetricsSample] = [], loadTest: LoadTestResult? = nil, enabled: Bool = true,
                         thresholds: RecommendationThresholds = RecommendationThresholds()) -> PoolEvidence {
        PoolEvidence(poolName: "p", enabled: enabled, maxPoolSize: maxPoolSize, minPoolSize: minPoolSize, statistics: statistics,
                     window: samples.count >= thresholds.minimumSamples ? MetricsWindowSummary(samples) : nil,
                     windowSampleCount: samples.count, latestLoadTest: loadTest)
    }

    static func loadTest(concurrency: Int = 10, target: Double? = 100, actual: Double = 100, successRate: Double = 100,
                         utilizationPeak: Double = 0.3, timeouts: Int = 0, checkoutWait: Double = 0) -> LoadTestResult {
        LoadTestResult(testID: 7, poolName: "p", scenarioName: "peak_load", startedAt: now, concurrentConnections: concurrency,
                       operationType: "mixed", testDurationMinutes: 0.5, targetOperationsPerSecond: target,
                       actualOperationsPerSecond: actual, totalOperations: 3000, successRate: successRate, avgResponseTimeMS: 3,
                       p50ResponseTimeMS: 2, p95ResponseTimeMS: 8, p99ResponseTimeMS: 12, maxResponseTimeMS: 30,
                       peakConnectionsUsed: Int(utilizationPeak * 20), avgConnectionsUsed: 2, connectionUtilizationPeak: utilizationPeak,
                       totalErrors: Int((100 - successRate) * 30), timeoutErrors: timeouts, connectionErrors: 0, avgCheckoutWaitMS: checkoutWait)
    }

    static func rules(_ evidence: PoolEvidence, _ thresholds: RecommendationThresholds = RecommendationThresholds()) -> [String: Recommendation] {
        Dictionary(RecommendationRules.evaluate(evidence, thresholds: thresholds).map { ($0.rule, $0) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func highUtilizationOverTheWindowRaisesMaxPoolSizeByHalf() throws {
        let found = Self.rules(Self.evidence(maxPoolSize: 7, samples: Self.samples(utilization: 0.95, maxPoolSize: 7)))
        let raise = try #require(found["raise_max_pool_size"])
        #expect(raise.category == .poolSizing && raise.priority == .high)
        #expect(raise.currentValue == "7" && raise.suggestedValue == "11")
        #expect(raise.evidence.contains("connection_pool_metrics") && raise.evidence.contains("5 samples") && raise.evidence.contains("15min"))
        #expect(found["lower_max_pool_size"] == nil)
    }

    @Test func lowUtilizationOverTheWindowLowersItButNotBelowTheMinimum() throws {
        let lower = try #require(Self.rules(Self.evidence(samples: Self.samples(utilization: 0.1)))["lower_max_pool_size"])
        #expect(lower.priority == .low && lower.currentValue == "20" && lower.suggestedValue == "14")
        let floored = try #require(Self.rules(Self.evidence(minPoolSize: 18, samples: Self.samples(utilization: 0.1)))["lower_max_pool_size"])
        #expect(floored.suggestedValue == "18")
        // An idle pool without history is not evidence of an oversized one.
        #expect(Self.rules(Self.evidence(samples: []))["lower_max_pool_size"] == nil)
        // Nor are too few samples.
        #expect(Self.rules(Self.evidence(samples: Self.samples(2, utilization: 0.1)))["lower_max_pool_size"] == nil)
    }

    @Test func withoutEnoughSamplesLiveUtilizationDecides() throws {
        let busy = PoolStatistics(activeConnections: 19, healthStatus: .healthy)
        let raise = try #require(Self.rules(Self.evidence(statistics: busy))["raise_max_pool_size"])
        #expect(raise.suggestedValue == "30")
        #expect(raise.evidence.contains("live connection_utilization 0.95"))
    }

    @Test func thresholdsAreTheSettings() {
        var thresholds = RecommendationThresholds()
        thresholds.highUtilization = 0.99
        let samples = Self.samples(utilization: 0.95)
        #expect(Self.rules(Self.evidence(samples: samples), thresholds)["raise_max_pool_size"] == nil)
        thresholds.highUtilization = 0.9
        thresholds.scaleUpFactor = 2
        #expect(Self.rules(Self.evidence(samples: samples), thresholds)["raise_max_pool_size"]?.suggestedValue == "40")
        thresholds.minimumSamples = 10
        let fewer = Self.evidence(samples: samples, thresholds: thresholds)
        #expect(Self.rules(fewer, thresholds)["raise_max_pool_size"] == nil)
    }

    @Test func unhealthyIsCriticalAndComesFirst() throws {
        let statistics = PoolStatistics(healthStatus: .unhealthy, lastHealthCheck: Self.now, lastHealthError: "connection refused")
        let findings = RecommendationRules.evaluate(Self.evidence(statistics: statistics, samples: Self.samples(utilization: 0.95)),
                                                    thresholds: RecommendationThresholds())
        let first = try #require(findings.first)
        #expect(first.rule == "unhealthy" && first.priority == .critical && first.category == .health)
        #expect(first.evidence.contains("connection refused"))
        #expect(findings.contains { $0.rule == "raise_max_pool_size" })
    }

    @Test func slowHealthChecksAndPastUnhealthySamplesAreHealthFindings() {
        let degraded = PoolStatistics(healthStatus: .degraded, lastHealthLatencyMS: 6000)
        #expect(Self.rules(Self.evidence(statistics: degraded))["health_degraded"]?.priority == .high)
        let flapping = Self.samples(utilization: 0.5) + Self.samples(2, utilization: 0.5, health: "unhealthy")
        #expect(Self.rules(Self.evidence(samples: flapping))["health_flapping"]?.currentValue == "2 unhealthy samples")
    }

    @Test func slowOperationsArePerformanceFindings() throws {
        let slow = try #require(Self.rules(Self.evidence(samples: Self.samples(utilization: 0.5, avgOperationTime: 2500)))["slow_operations"])
        #expect(slow.category == .performance && slow.currentValue == "2500 ms")
        #expect(Self.rules(Self.evidence(samples: Self.samples(utilization: 0.5, avgOperationTime: 1500)))["slow_operations"] == nil)
        // Live statistics when there is no history.
        let live = PoolStatistics(operations: 10, avgOperationTimeMS: 3000, healthStatus: .healthy)
        #expect(Self.rules(Self.evidence(statistics: live))["slow_operations"]?.evidence.contains("mongodb_connection_pools") == true)
    }

    @Test func aHighErrorRateIsAReliabilityFinding() throws {
        let failing = try #require(Self.rules(Self.evidence(samples: Self.samples(utilization: 0.5, operations: 100, errors: 15)))["high_error_rate"])
        #expect(failing.category == .reliability && failing.priority == .high && failing.currentValue == "15 %")
        #expect(failing.evidence.contains("75 errors in 500 operations"))
        #expect(Self.rules(Self.evidence(samples: Self.samples(utilization: 0.5, operations: 100, errors: 5)))["high_error_rate"] == nil)
        let test = Self.loadTest(successRate: 80, timeouts: 600)
        #expect(Self.rules(Self.evidence(loadTest: test))["load_test_errors"]?.category == .reliability)
    }

    @Test func checkoutWaitsAndTimeoutsAreSizingFindings() throws {
        let failures = try #require(Self.rules(Self.evidence(samples: Self.samples(utilization: 0.5, checkoutFailures: 1)))["checkout_waits"])
        #expect(failures.category == .poolSizing && failures.evidence.contains("5 checkout failures"))
        #expect(Self.rules(Self.evidence(samples: Self.samples(utilization: 0.5, avgCheckoutWaitMS: 250)))["checkout_waits"] != nil)
        #expect(Self.rules(Self.evidence(samples: Self.samples(utilization: 0.5, avgCheckoutWaitMS: 20)))["checkout_waits"] == nil)
        let starved = Self.loadTest(utilizationPeak: 1, timeouts: 12, checkoutWait: 80)
        let found = Self.rules(Self.evidence(loadTest: starved))
        #expect(found["checkout_waits"]?.evidence.contains("12 checkout timeouts") == true)
        #expect(found["raise_max_pool_size"]?.evidence.contains("load_test_results: test 7 (peak_load)") == true)
    }

    @Test func aLoadTestThatMetItsTargetWithRoomToSpareSaysSo() throws {
        let spare = try #require(Self.rules(Self.evidence(loadTest: Self.loadTest(concurrency: 10, utilizationPeak: 0.3)))["more_concurrency"])
        #expect(spare.category == .scaling && spare.priority == .info)
        #expect(spare.currentValue == "10" && spare.suggestedValue == "30")
        // Missed target, errors or a busy pool: no such finding.
        #expect(Self.rules(Self.evidence(loadTest: Self.loadTest(actual: 60)))["more_concurrency"] == nil)
        #expect(Self.rules(Self.evidence(loadTest: Self.loadTest(successRate: 95)))["more_concurrency"] == nil)
        #expect(Self.rules(Self.evidence(loadTest: Self.loadTest(utilizationPeak: 0.8)))["more_concurrency"] == nil)
    }

    @Test func aQuietHealthyPoolHasOneInfoRowAndADisabledOneSaysSo() {
        let quiet = RecommendationRules.evaluate(Self.evidence(samples: Self.samples(utilization: 0.5)), thresholds: RecommendationThresholds())
        #expect(quiet.map(\.rule) == ["no_issues"])
        #expect(quiet.first?.priority == .info)
        let disabled = RecommendationRules.evaluate(Self.evidence(statistics: nil, enabled: false), thresholds: RecommendationThresholds())
        #expect(disabled.map(\.rule) == ["pool_disabled"])
    }
}
