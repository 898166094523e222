import PoolSQLCore

/// What a scan of the history asks the store for: the pushed-down filters on time, pool,
/// environment and instance (all ANDed), plus an optional limit. Rows come back ordered by
/// time, then pool, then instance.
public struct MetricsQuery: Sendable, Hashable {
    /// Lower bound on `metric_timestamp` (rollups: `bucket_start`), `nil` for none.
    public var from: Timestamp?
    public var fromInclusive: Bool
    /// Upper bound, `nil` for none.
    public var to: Timestamp?
    public var toInclusive: Bool
    /// Only these pools; `nil` for every pool.
    public var poolNames: Set<String>?
    public var environments: Set<String>?
    public var instanceIDs: Set<String>?
    /// Only the newest sample of each (instance, pool): the fleet reader's live view.
    public var latestPerPoolAndInstance: Bool
    public var limit: Int?
    /// Whether the rows need their latency sketches. `false`: a store may leave every row's
    /// `latencySketch` empty and skip reading and decoding it (most of a row's bytes and of the
    /// cost of reading it), for scans that do not select `latency_sketch`. Not a filter.
    public var includeLatencySketch: Bool

    public init(from: Timestamp? = nil, fromInclusive: Bool = true, to: Timestamp? = nil, toInclusive: Bool = false,
                poolNames: Set<String>? = nil, environments: Set<String>? = nil, instanceIDs: Set<String>? = nil,
                latestPerPoolAndInstance: Bool = false, limit: Int? = nil, includeLatencySketch: Bool = true) {
        self.from = from
        self.fromInclusive = fromInclusive
        self.to = to
        self.toInclusive = toInclusive
        self.poolNames = poolNames
        self.environments = environments
        self.instanceIDs = instanceIDs
        self.latestPerPoolAndInstance = latestPerPoolAndInstance
        self.limit = limit
        self.includeLatencySketch = includeLatencySketch
    }

    /// Every row.
    public static let all = MetricsQuery()

    /// Whether `timestamp` lies in the time range.
    public func contains(_ timestamp: Timestamp) -> Bool {
        if let from, fromInclusive ? timestamp < from : timestamp <= from { return false }
        if let to, toInclusive ? timestamp > to : timestamp >= to { return false }
        return true
    }

    /// Whether a sample's identifying fields pass the pool/environment/instance filters.
    public func matches(pool: String, environment: String?, instance: String) -> Bool {
        if let poolNames, !poolNames.contains(pool) { return false }
        if let environments, !environments.contains(environment ?? "") || environment == nil { return false }
        if let instanceIDs, !instanceIDs.contains(instance) { return false }
        return true
    }
}
