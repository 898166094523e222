import Foundation
import PoolSQLCore
import PoolSQLPool
import PoolSQLStore

/// The rules behind `connection_pool_recommendations`. Pure functions of a pool's evidence and
/// the thresholds, so each rule can be tested without a server.
///
/// Where a rule speaks of "the recent window" it uses the pool's `connection_pool_metrics`
/// samples of the last `recommendation_window` when there are at least
/// `recommendation_min_samples` of them, and the live statistics otherwise (except for lowering
/// `max_pool_size`, which needs the history: an idle pool is not evidence of an oversized one).
enum RecommendationRules {
    static func evaluate(_ pool: PoolEvidence, thresholds: RecommendationThresholds) -> [Recommendation] {
        guard pool.enabled else {
            return [Recommendation(poolName: pool.poolName, category: .health, priority: .info, rule: "pool_disabled",
                                   message: "pool is disabled: ALTER POOL \(pool.poolName) ENABLE opens it again",
                                   currentValue: "disabled", evidence: "connection_pool_settings: enabled = false")]
        }
        var findings: [Recommendation] = []
        findings += health(pool, thresholds)
        findings += sizing(pool, thresholds)
        findings += performance(pool, thresholds)
        findings += reliability(pool, thresholds)
        findings += loadTestHeadroom(pool, thresholds)
        if findings.isEmpty {
            findings.append(Recommendation(poolName: pool.poolName, category: .health, priority: .info, rule: "no_issues",
                                           message: "no issues found", currentValue: pool.statistics?.healthStatus.rawValue,
                                           evidence: checkedEvidence(pool, thresholds)))
        }
        return findings.sorted { $0.priority < $1.priority }
    }

    // MARK: Health

    static func health(_ pool: PoolEvidence, _ thresholds: RecommendationThresholds) -> [Recommendation] {
        guard let statistics = pool.statistics else { return [] }
        let checked = statistics.lastHealthCheck.map { " at \($0)" } ?? ""
        switch statistics.healthStatus {
        case .unhealthy:
            return [Recommendation(
                poolName: pool.poolName, category: .health, priority: .critical, rule: "unhealthy",
                message: "pool is unhealthy: its server does not answer health checks; check the server and the network, then CHECK POOL \(pool.poolName)",
                currentValue: "unhealthy", suggestedValue: "healthy",
                evidence: "mongodb_connection_pools.health_status = unhealthy (last health check\(checked)"
                    + (statistics.lastHealthError.map { ": \($0)" } ?? "") + ")")]
        case .degraded, .warning:
            let latency = statistics.lastHealthLatencyMS.map { "\(format($0)) ms" } ?? "unknown"
            return [Recommendation(
                poolName: pool.poolName, category: .health,
                priority: statistics.healthStatus == .degraded ? .high : .medium, rule: "health_degraded",
                message: "health checks are slow (\(latency) round trip): the server or the network is overloaded",
                currentValue: latency, suggestedValue: "under 1000 ms",
                evidence: "mongodb_connection_pools.health_status = \(statistics.healthStatus.rawValue), last_health_latency_ms = \(latency) (last health check\(checked))")]
        case .healthy, .initializing:
            guard let window = pool.window, window.unhealthySamples > 0 else { return [] }
            return [Recommendation(
                poolName: pool.poolName, category: .health, priority: .medium, rule: "health_flapping",
                message: "pool was unhealthy in \(window.unhealthySamples) of \(window.sampleCount) samples recently although it is \(statistics.healthStatus.rawValue) now",
                currentValue: "\(window.unhealthySamples) unhealthy samples", suggestedValue: "0",
                evidence: "connection_pool_metrics.health_status over the last \(thresholds.windowText) (\(window.sampleCount) samples)")]
        }
    }

    // MARK: Pool sizing

    static func sizing(_ pool: PoolEvidence, _ thresholds: RecommendationThresholds) -> [Recommendation] {
        var findings: [Recommendation] = []
        let raised = raisedPoolSize(pool.maxPoolSize, thresholds)
        var raiseEvidence: String?
        if let window = pool.window {
            if window.averageUtilization > thresholds.highUtilization {
                raiseEvidence = "connection_pool_metrics: average connection_utilization \(format(window.averageUtilization)) (peak \(format(window.peakUtilization))) over \(window.sampleCount) samples in the last \(thresholds.windowText), above recommendation_high_utilization \(format(thresholds.highUtilization))"
            }
        } else if let live = pool.liveUtilization, live > thresholds.highUtilization, let statistics = pool.statistics {
            raiseEvidence = "mongodb_connection_pools: live connection_utilization \(format(live)) (\(statistics.activeConnections) of \(pool.maxPoolSize) connections in use), above recommendation_high_utilization \(format(thresholds.highUtilization)); \(pool.windowSampleCount) samples in the last \(thresholds.windowText), fewer than recommendation_min_samples"
        }
        if raiseEvidence == nil, let test = pool.latestLoadTest, test.connectionUtilizationPeak > thresholds.highUtilization {
            raiseEvidence = "load_test_results: test \(test.testID)\(scenario(test)) peaked at connection_utilization \(format(test.connectionUtilizationPeak)) (\(test.peakConnectionsUsed) connections), above recommendation_high_utilization \(format(thresholds.highUtilization)); avg checkout wait \(format(test.avgCheckoutWaitMS)) ms, \(test.timeoutErrors) checkout timeouts"
        }
        if let raiseEvidence, raised > pool.maxPoolSize {
            findings.append(Recommendation(
                poolName: pool.poolName, category: .poolSizing, priority: .high, rule: "raise_max_pool_size",
                message: "raise max_pool_size: nearly every connection is in use, so operations queue for one",
                currentValue: String(pool.maxPoolSize), suggestedValue: String(raised), evidence: raiseEvidence))
        }

        if raiseEvidence == nil, let window = pool.window, window.averageUtilization < thresholds.lowUtilization,
           window.peakUtilization <= thresholds.highUtilization, !recentLoadTestNeedsTheConnections(pool, thresholds) {
            let lowered = loweredPoolSize(pool.maxPoolSize, minimum: max(1, pool.minPoolSize), thresholds)
            if lowered < pool.maxPoolSize {
                findings.append(Recommendation(
                    poolName: pool.poolName, category: .poolSizing, priority: .low, rule: "lower_max_pool_size",
                    message: "lower max_pool_size: most connections stay idle, holding server resources for nothing",
                    currentValue: String(pool.maxPoolSize), suggestedValue: String(lowered),
                    evidence: "connection_pool_metrics: average connection_utilization \(format(window.averageUtilization)) (peak \(format(window.peakUtilization))) over \(window.sampleCount) samples in the last \(thresholds.windowText), below recommendation_low_utilization \(format(thresholds.lowUtilization))"))
            }
        }

        if let waits = checkoutWaitEvidence(pool, thresholds) {
            findings.append(Recommendation(
                poolName: pool.poolName, category: .poolSizing, priority: .medium, rule: "checkout_waits",
                message: "operations wait for connections: raise max_pool_size (or wait_queue_timeout_ms), or return connections sooner",
                currentValue: String(pool.maxPoolSize), suggestedValue: raised > pool.maxPoolSize ? String(raised) : nil,
                evidence: waits))
        }
        return findings
    }

    /// Why checkouts look starved, or nil.
    static func checkoutWaitEvidence(_ pool: PoolEvidence, _ thresholds: RecommendationThresholds) -> String? {
        if let window = pool.window {
            if window.checkoutFailures > 0 || window.averageCheckoutWaitMS > thresholds.checkoutWaitMS || window.longestWaitQueue > 0 {
                return "connection_pool_metrics over the last \(thresholds.windowText) (\(window.sampleCount) samples): \(window.checkoutFailures) checkout failures, average checkout wait \(format(window.averageCheckoutWaitMS)) ms (recommendation_checkout_wait \(format(thresholds.checkoutWaitMS)) ms), longest wait queue \(window.longestWaitQueue)"
            }
        } else if let statistics = pool.statistics, statistics.waitQueueLength > 0 {
            return "mongodb_connection_pools: live wait_queue_length \(statistics.waitQueueLength); \(pool.windowSampleCount) samples in the last \(thresholds.windowText), fewer than recommendation_min_samples"
        }
        if let test = pool.latestLoadTest, test.timeoutErrors > 0 || test.avgCheckoutWaitMS > thresholds.checkoutWaitMS {
            return "load_test_results: test \(test.testID)\(scenario(test)) had \(test.timeoutErrors) checkout timeouts and an average checkout wait of \(format(test.avgCheckoutWaitMS)) ms (recommendation_checkout_wait \(format(thresholds.checkoutWaitMS)) ms) at concurrency \(test.concurrentConnections)"
        }
        return nil
    }

    /// A load test of the window drove utilization above the low threshold: the connections
    /// are needed at peak, whatever the average says.
    static func recentLoadTestNeedsTheConnections(_ pool: PoolEvidence, _ thresholds: RecommendationThresholds) -> Bool {
        guard let test = pool.latestLoadTest, let window = pool.window else { return false }
        let windowStart = window.newest.microseconds - thresholds.windowMilliseconds * 1000
        return test.startedAt.microseconds >= windowStart && test.connectionUtilizationPeak >= thresholds.lowUtilization
    }

    static func raisedPoolSize(_ current: Int, _ thresholds: RecommendationThresholds) -> Int {
        min(10_000, Int((Double(current) * thresholds.scaleUpFactor).rounded(.up)))
    }

    static func loweredPoolSize(_ current: Int, minimum: Int, _ thresholds: RecommendationThresholds) -> Int {
        max(minimum, Int((Double(current) * thresholds.scaleDownFactor).rounded(.up)))
    }

    // MARK: Performance

    static func performance(_ pool: PoolEvidence, _ thresholds: RecommendationThresholds) -> [Recommendation] {
        let average: Double
        let evidence: String
        if let window = pool.window, window.operations > 0 {
            average = window.averageOperationTimeMS
            evidence = "connection_pool_metrics: average avg_operation_time over \(window.operations) operations in the last \(thresholds.windowText) (\(window.sampleCount) samples)"
        } else if pool.window == nil, let statistics = pool.statistics, statistics.operations > 0 {
            average = statistics.avgOperationTimeMS
            evidence = "mongodb_connection_pools: avg_operation_time over the pool's \(statistics.operations) operations so far (p95 \(format(statistics.p95OperationTimeMS)) ms)"
        } else if let test = pool.latestLoadTest, test.totalOperations > 0 {
            average = test.avgResponseTimeMS
            evidence = "load_test_results: test \(test.testID)\(scenario(test)) avg_response_time_ms (p95 \(format(test.p95ResponseTimeMS)) ms)"
        } else {
            return []
        }
        guard average > thresholds.slowOperationMS else { return [] }
        return [Recommendation(
            poolName: pool.poolName, category: .performance, priority: .medium, rule: "slow_operations",
            message: "operations are slow: look for missing indexes, large results and server load",
            currentValue: "\(format(average)) ms", suggestedValue: "under \(format(thresholds.slowOperationMS)) ms",
            evidence: evidence + ", above recommendation_slow_operation_time \(format(thresholds.slowOperationMS)) ms")]
    }

    // MARK: Reliability

    static func reliability(_ pool: PoolEvidence, _ thresholds: RecommendationThresholds) -> [Recommendation] {
        var findings: [Recommendation] = []
        var rate: Double?
        var evidence = ""
        if let window = pool.window, let windowRate = window.errorRate {
            rate = windowRate
            evidence = "connection_pool_metrics: \(window.errors) errors in \(window.operations) operations over the last \(thresholds.windowText) (\(window.sampleCount) samples)"
        } else if pool.window == nil, let statistics = pool.statistics, statistics.operations > 0 {
            rate = statistics.errorRate
            evidence = "mongodb_connection_pools: \(statistics.errors) errors in the pool's \(statistics.operations) operations so far"
        }
        if let rate, rate > thresholds.highErrorRate {
            findings.append(Recommendation(
                poolName: pool.poolName, category: .reliability, priority: .high, rule: "high_error_rate",
                message: "many operations fail: see connection_pool_events and the server's log for the errors",
                currentValue: "\(format(rate * 100)) %", suggestedValue: "under \(format(thresholds.highErrorRate * 100)) %",
                evidence: evidence + ", above recommendation_high_error_rate \(format(thresholds.highErrorRate))"))
        }
        if let test = pool.latestLoadTest, test.totalOperations > 0 {
            let failed = 100 - test.successRate
            if failed > thresholds.highErrorRate * 100 {
                findings.append(Recommendation(
                    poolName: pool.poolName, category: .reliability, priority: .high, rule: "load_test_errors",
                    message: "the last load test failed \(format(failed)) % of its operations (\(test.timeoutErrors) timeouts, \(test.connectionErrors) connection errors)",
                    currentValue: "\(format(test.successRate)) % success", suggestedValue: "over \(format(100 - thresholds.highErrorRate * 100)) % success",
                    evidence: "load_test_results: test \(test.testID)\(scenario(test)), \(test.totalErrors) errors in \(test.totalOperations) operations at concurrency \(test.concurrentConnections)"))
            }
        }
        return findings
    }

    // MARK: Scaling

    /// A load test that reached its target without errors and left utilization to spare.
    static func loadTestHeadroom(_ pool: PoolEvidence, _ thresholds: RecommendationThresholds) -> [Recommendation] {
        guard let test = pool.latestLoadTest, test.totalOperations > 0, test.successRate >= 99,
              test.connectionUtilizationPeak < thresholds.headroomUtilization else { return [] }
        let metTarget = test.targetOperationsPerSecond.map { test.actualOperationsPerSecond >= 0.95 * $0 } ?? true
        guard metTarget else { return [] }
        // Utilization grows about linearly with concurrency while the pool keeps up.
        let peak = max(test.connectionUtilizationPeak, 0.01)
        let estimate = max(test.concurrentConnections + 1, Int((Double(test.concurrentConnections) * thresholds.highUtilization / peak).rounded(.down)))
        let target = test.targetOperationsPerSecond.map { " its target of \(format($0)) ops/s with" } ?? ""
        return [Recommendation(
            poolName: pool.poolName, category: .scaling, priority: .info, rule: "more_concurrency",
            message: "the pool can take more concurrency: the last load test met\(target) \(format(test.actualOperationsPerSecond)) ops/s at peak utilization \(format(test.connectionUtilizationPeak))",
            currentValue: String(test.concurrentConnections), suggestedValue: String(estimate),
            evidence: "load_test_results: test \(test.testID)\(scenario(test)), success_rate \(format(test.successRate)) %, connection_utilization_peak \(format(test.connectionUtilizationPeak)) below recommendation_headroom_utilization \(format(thresholds.headroomUtilization))")]
    }

    // MARK: Text

    static func checkedEvidence(_ pool: PoolEvidence, _ thresholds: RecommendationThresholds) -> String {
        var parts: [String] = []
        if let window = pool.window {
            parts.append("connection_pool_metrics: \(window.sampleCount) samples in the last \(thresholds.windowText), average connection_utilization \(format(window.averageUtilization))")
        } else if let live = pool.liveUtilization {
            parts.append("mongodb_connection_pools: live connection_utilization \(format(live)); \(pool.windowSampleCount) samples in the last \(thresholds.windowText)")
        }
        if let test = pool.latestLoadTest { parts.append("load_test_results: test \(test.testID)\(scenario(test))") }
        return parts.joined(separator: "; ")
    }

    private static func scenario(_ test: LoadTestResult) -> String {
        test.scenarioName.map { " (\($0))" } ?? ""
    }

    /// Up to two decimals, without trailing zeros: `0.95`, `1.5`, `120`.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int64(rounded)) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
