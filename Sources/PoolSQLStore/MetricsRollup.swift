import PoolSQLCore

/// Hourly or daily buckets of the history.
public enum RollupGranularity: String, Sendable, Hashable, CaseIterable {
    case hourly
    case daily

    /// The start of the bucket holding `timestamp` (UTC).
    public func bucketStart(of timestamp: Timestamp) -> Timestamp {
        let unit: Int64 = self == .hourly ? 3_600_000_000 : 86_400_000_000
        let us = timestamp.microseconds
        let floored = us >= 0 ? us / unit * unit : -((-us + unit - 1) / unit) * unit
        return Timestamp(microseconds: floored, kind: .timestamptz)
    }

    public var bucketLength: Int64 { self == .hourly ? 3_600_000_000 : 86_400_000_000 }
}

/// One row of `connection_pool_metrics_hourly` / `_daily`: the samples of one (bucket, pool,
/// instance). Percentiles come from the merged latency sketch, so they are true percentiles of
/// the bucket's operations within `LatencySketch.relativeAccuracy`, not averages of averages.
public struct MetricsRollup: Sendable, Hashable {
    public var bucketStart: Timestamp
    public var poolName: String
    public var environment: String?
    public var instanceID: String
    public var sampleCount: Int
    public var avgTotalConnections: Double
    public var maxTotalConnections: Int
    public var avgActiveConnections: Double
    public var maxActiveConnections: Int
    public var maxWaitQueueLength: Int
    public var avgConnectionUtilization: Double
    public var minConnectionUtilization: Double
    public var maxConnectionUtilization: Double
    /// Operation-weighted mean latency (ms) over the bucket.
    public var avgOperationTime: Double
    public var operations: Int
    public var errors: Int
    public var checkoutFailures: Int
    public var connectionsCreated: Int
    public var connectionsDestroyed: Int
    /// errors / operations over the bucket.
    public var errorRate: Double
    /// Sample-weighted mean of the samples' average checkout waits (ms).
    public var avgCheckoutWaitMS: Double
    /// Samples whose health_status was `unhealthy`.
    public var unhealthySamples: Int
    public var latencySketch: LatencySketch

    public init(bucketStart: Timestamp, poolName: String, environment: String?, instanceID: String,
                sampleCount: Int = 0, avgTotalConnections: Double = 0, maxTotalConnections: Int = 0,
                avgActiveConnections: Double = 0, maxActiveConnections: Int = 0, maxWaitQueueLength: Int = 0,
                avgConnectionUtilization: Double = 0, minConnectionUtilization: Double = 0,
                maxConnectionUtilization: Double = 0, avgOperationTime: Double = 0, operations: Int = 0,
                errors: Int = 0, checkoutFailures: Int = 0, connectionsCreated: Int = 0, connectionsDestroyed: Int = 0,
                errorRate: Double = 0, avgCheckoutWaitMS: Double = 0, unhealthySamples: Int = 0,
                latencySketch: LatencySketch = LatencySketch()) {
        self.bucketStart = bucketStart
        self.poolName = poolName
        self.environment = environment
        self.instanceID = instanceID
        self.sampleCount = sampleCount
        self.avgTotalConnections = avgTotalConnections
        self.maxTotalConnections = maxTotalConnections
        self.avgActiveConnections = avgActiveConnections
        self.maxActiveConnections = maxActiveConnections
        self.maxWaitQueueLength = maxWaitQueueLength
        self.avgConnectionUtilization = avgConnectionUtilization
        self.minConnectionUtilization = minConnectionUtilization
        self.maxConnectionUtilization = maxConnectionUtilization
        self.avgOperationTime = avgOperationTime
        self.operations = operations
        self.errors = errors
        self.checkoutFailures = checkoutFailures
        self.connectionsCreated = connectionsCreated
        self.connectionsDestroyed = connectionsDestroyed
        self.errorRate = errorRate
        self.avgCheckoutWaitMS = avgCheckoutWaitMS
        self.unhealthySamples = unhealthySamples
        self.latencySketch = latencySketch
    }

    /// p50/p95/p99 (ms) of the bucket's operations, from the sketch; `nil` without operations.
    public func percentile(_ q: Double) -> Double? { latencySketch.quantile(q) }
}

extension MetricsRollup {
    /// Rolls `samples` up into buckets of `granularity`, one per (bucket, pool, instance),
    /// ordered by bucket, pool, instance. Every store builds its rollups with this, so the
    /// embedded and the MongoDB store agree.
    public static func build(from samples: [MetricsSample], granularity: RollupGranularity) -> [MetricsRollup] {
        struct Key: Hashable { var bucket: Int64; var pool: String; var instance: String }
        var groups: [Key: [MetricsSample]] = [:]
        for sample in samples {
            let key = Key(bucket: granularity.bucketStart(of: sample.timestamp).microseconds,
                          pool: sample.poolName, instance: sample.instanceID)
            groups[key, default: []].append(sample)
        }
        return groups.keys.sorted { ($0.bucket, $0.pool, $0.instance) < ($1.bucket, $1.pool, $1.instance) }.map { key in
            rollup(of: groups[key] ?? [], bucketStart: Timestamp(microseconds: key.bucket, kind: .timestamptz))
        }
    }

    /// Merges rollups of a finer granularity (hours) into coarser buckets (days).
    public static func merge(_ rollups: [MetricsRollup], into granularity: RollupGranularity) -> [MetricsRollup] {
        struct Key: Hashable { var bucket: Int64; var pool: String; var instance: String }
        var groups: [Key: [MetricsRollup]] = [:]
        for r in rollups {
            let key = Key(bucket: granularity.bucketStart(of: r.bucketStart).microseconds, pool: r.poolName, instance: r.instanceID)
            groups[key, default: []].append(r)
        }
        return groups.keys.sorted { ($0.bucket, $0.pool, $0.instance) < ($1.bucket, $1.pool, $1.instance) }.map { key in
            let parts = groups[key] ?? []
            var out = MetricsRollup(bucketStart: Timestamp(microseconds: key.bucket, kind: .timestamptz), poolName: key.pool,
                                    environment: parts.first?.environment, instanceID: key.instance)
            let n = parts.reduce(0) { $0 + $1.sampleCount }
            let weight = { (r: MetricsRollup) in Double(r.sampleCount) / Double(max(n, 1)) }
            out.sampleCount = n
            out.avgTotalConnections = parts.reduce(0) { $0 + $1.avgTotalConnections * weight($1) }
            out.maxTotalConnections = parts.map(\.maxTotalConnections).max() ?? 0
            out.avgActiveConnections = parts.reduce(0) { $0 + $1.avgActiveConnections * weight($1) }
            out.maxActiveConnections = parts.map(\.maxActiveConnections).max() ?? 0
            out.maxWaitQueueLength = parts.map(\.maxWaitQueueLength).max() ?? 0
            out.avgConnectionUtilization = parts.reduce(0) { $0 + $1.avgConnectionUtilization * weight($1) }
            out.minConnectionUtilization = parts.map(\.minConnectionUtilization).min() ?? 0
            out.maxConnectionUtilization = parts.map(\.maxConnectionUtilization).max() ?? 0
            out.operations = parts.reduce(0) { $0 + $1.operations }
            out.avgOperationTime = out.operations > 0
                ? parts.reduce(0) { $0 + $1.avgOperationTime * Double($1.operations) } / Double(out.operations) : 0
            out.errors = parts.reduce(0) { $0 + $1.errors }
            out.checkoutFailures = parts.reduce(0) { $0 + $1.checkoutFailures }
            out.connectionsCreated = parts.reduce(0) { $0 + $1.connectionsCreated }
            out.connectionsDestroyed = parts.reduce(0) { $0 + $1.connectionsDestroyed }
            out.errorRate = out.operations > 0 ? Double(out.errors) / Double(out.operations) : 0
            out.avgCheckoutWaitMS = parts.reduce(0) { $0 + $1.avgCheckoutWaitMS * weight($1) }
            out.unhealthySamples = parts.reduce(0) { $0 + $1.unhealthySamples }
            for p in parts { out.latencySketch.merge(p.latencySketch) }
            return out
        }
    }

    static func rollup(of samples: [MetricsSample], bucketStart: Timestamp) -> MetricsRollup {
        var out = MetricsRollup(bucketStart: bucketStart, poolName: samples.first?.poolName ?? "",
                                environment: samples.first?.environment, instanceID: samples.first?.instanceID ?? "")
        let n = Double(max(samples.count, 1))
        out.sampleCount = samples.count
        out.avgTotalConnections = samples.reduce(0) { $0 + Double($1.totalConnections) } / n
        out.maxTotalConnections = samples.map(\.totalConnections).max() ?? 0
        out.avgActiveConnections = samples.reduce(0) { $0 + Double($1.activeConnections) } / n
        out.maxActiveConnections = samples.map(\.activeConnections).max() ?? 0
        out.maxWaitQueueLength = samples.map(\.waitQueueLength).max() ?? 0
        out.avgConnectionUtilization = samples.reduce(0) { $0 + $1.connectionUtilization } / n
        out.minConnectionUtilization = samples.map(\.connectionUtilization).min() ?? 0
        out.maxConnectionUtilization = samples.map(\.connectionUtilization).max() ?? 0
        out.operations = samples.reduce(0) { $0 + $1.operations }
        out.avgOperationTime = out.operations > 0
            ? samples.reduce(0) { $0 + $1.avgOperationTime * Double($1.operations) } / Double(out.operations) : 0
        out.errors = samples.reduce(0) { $0 + $1.errors }
        out.checkoutFailures = samples.reduce(0) { $0 + $1.checkoutFailures }
        out.connectionsCreated = samples.reduce(0) { $0 + $1.connectionsCreated }
        out.connectionsDestroyed = samples.reduce(0) { $0 + $1.connectionsDestroyed }
        out.errorRate = out.operations > 0 ? Double(out.errors) / Double(out.operations) : 0
        out.avgCheckoutWaitMS = samples.reduce(0) { $0 + $1.avgCheckoutWaitMS } / n
        out.unhealthySamples = samples.filter { $0.healthStatus == "unhealthy" }.count
        for s in samples { out.latencySketch.merge(s.latencySketch) }
        return out
    }
}
