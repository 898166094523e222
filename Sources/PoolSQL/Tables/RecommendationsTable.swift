import PoolSQLCatalog
import PoolSQLCore
import PoolSQLPool
import PoolSQLStore

/// `connection_pool_recommendations`: one row per finding about each pool, most urgent first,
/// computed at scan time from the live statistics, the recent window of `connection_pool_metrics`
/// samples and the latest `load_test_results` row of each pool (rules: `RecommendationRules`;
/// thresholds: the `recommendation_*` settings).
///
/// Filters on `pool_name` are applied before a pool is looked at; every filter is exact.
struct RecommendationsTable: TableProvider {
    let pools: PoolRegistry
    let settings: SettingsRegistry
    let loadTests: any LoadTestResultStore
    let engine: EngineLink

    static let columns: [VirtualColumn<Recommendation>] = [
        .init("pool_name", .text, "The pool") { .text($0.poolName) },
        .init("category", .text, "pool_sizing | performance | reliability | health | scaling") { .text($0.category.rawValue) },
        .init("priority", .text, "critical | high | medium | low | info") { .text($0.priority.rawValue) },
        .init("priority_rank", .integer, "1 (critical) … 5 (info), for ORDER BY") { .int(Int64($0.priority.rank)) },
        .init("rule", .text, "The rule that found it (raise_max_pool_size, lower_max_pool_size, checkout_waits, slow_operations, high_error_rate, load_test_errors, unhealthy, health_degraded, health_flapping, more_concurrency, pool_disabled, no_issues)") {
            .text($0.rule)
        },
        .init("message", .text, "What to do and why") { .text($0.message) },
        .init("current_value", .text, "The value now (max_pool_size, a rate, a time…)", nullable: true) { $0.currentValue.sqlValue },
        .init("suggested_value", .text, "The value to aim for or set", nullable: true) { $0.suggestedValue.sqlValue },
        .init("evidence", .text, "Which metrics over which window the finding rests on") { .text($0.evidence) },
    ]

    let schema = TableSchema(columns: RecommendationsTable.columns.map(\.definition))

    func supportsFilter(_ filter: ScanFilter) -> FilterPushdown {
        filter.column < RecommendationsTable.columns.count ? .exact : .unsupported
    }

    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        let poolFilters = request.filters.filter { $0.column == 0 }
        let otherFilters = request.filters.filter { $0.column != 0 }
        let managedPools = pools.snapshot()
            .filter { managed in poolFilters.allSatisfy { $0.matches(.text(managed.configuration.name)) } }
            .sorted { $0.configuration.name < $1.configuration.name }
        guard !managedPools.isEmpty else { return [] }

        let thresholds = RecommendationThresholds(settings: settings)
        let names = Set(managedPools.map(\.configuration.name))
        let samplesByPool = try recentSamples(of: names, thresholds: thresholds)
        var latestLoadTests: [String: LoadTestResult] = [:]
        for result in try loadTests.loadTestResults() where names.contains(result.poolName) {
            latestLoadTests[result.poolName] = result
        }

        var findings: [Recommendation] = []
        for managed in managedPools {
            let name = managed.configuration.name
            let options = managed.pool?.options ?? (try? managed.configuration.effectiveOptions(settings: settings)) ?? PoolOptions()
            let samples = samplesByPool[name] ?? []
            let evidence = PoolEvidence(
                poolName: name, enabled: managed.pool != nil, maxPoolSize: options.maxPoolSize, minPoolSize: options.minPoolSize,
                statistics: managed.pool?.statistics(),
                window: samples.count >= thresholds.minimumSamples ? MetricsWindowSummary(samples) : nil,
                windowSampleCount: samples.count, latestLoadTest: latestLoadTests[name])
            findings += RecommendationRules.evaluate(evidence, thresholds: thresholds)
        }
        // Most urgent first across pools; pools in name order within a priority.
        findings = findings.enumerated().sorted { lhs, rhs in
            lhs.element.priority != rhs.element.priority ? lhs.element.priority < rhs.element.priority : lhs.offset < rhs.offset
        }.map(\.element)
        findings = findings.filter { finding in
            otherFilters.allSatisfy { $0.matches(RecommendationsTable.columns[$0.column].read(finding)) }
        }
        if let limit = request.limit { findings = Array(findings.prefix(limit)) }
        return findings.map { RecommendationsTable.columns.row(for: $0, projection: request.projection) }
    }

    /// The samples of the recent window, by pool. Without a reachable engine (being torn
    /// down) there are none.
    private func recentSamples(of names: Set<String>, thresholds: RecommendationThresholds) throws(PoolSQLError) -> [String: [MetricsSample]] {
        guard let engine = engine.engine else { return [:] }
        let from = Timestamp(microseconds: Timestamp.now().microseconds - thresholds.windowMilliseconds * 1000)
        let samples = try engine.metricsStore.samples(MetricsQuery(from: from, poolNames: names))
        return Dictionary(grouping: samples, by: \.poolName)
    }
}
