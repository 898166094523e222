import PoolSQLCore

/// Where the metrics history lives: the embedded SQLite store (default), a shared MongoDB
/// collection (fleets), or memory (an engine without a data directory).
///
/// Contract every implementation keeps (tests run the same checks against each):
/// - `append` is atomic: all samples of the call are stored, or none and an error.
/// - `samples`/`rollups` apply every filter of the query (the tables report them as exact),
///   ordered by time, pool, instance.
/// - Rollups of an hour/day are built by `maintain` once the bucket has ended, from the raw
///   rows with `MetricsRollup.build`/`merge`; if raw rows of an already rolled-up bucket arrive
///   later (an import), the next `maintain` rebuilds that bucket.
/// - `maintain` deletes expired rows in small batches (at most `policy.deleteBatchSize` rows
///   per statement) so it never blocks writers for long, and reports whether more remain.
public protocol MetricsStore: Sendable {
    /// `sqlite`, `mongodb` or `memory`.
    var kind: String { get }
    /// The file path or the URI with its password redacted.
    var location: String { get }

    func append(_ samples: [MetricsSample]) throws(PoolSQLError)
    func samples(_ query: MetricsQuery) throws(PoolSQLError) -> [MetricsSample]
    func rollups(_ granularity: RollupGranularity, _ query: MetricsQuery) throws(PoolSQLError) -> [MetricsRollup]
    /// Builds due rollups and applies retention as of `now`.
    @discardableResult
    func maintain(now: Timestamp, policy: RetentionPolicy) throws(PoolSQLError) -> MaintenanceReport
    func statistics() throws(PoolSQLError) -> MetricsStoreStatistics
    /// Flushes and releases the store; later calls fail with 55000.
    func close()
}

/// Retention and size limits, from the `metrics_*` settings.
public struct RetentionPolicy: Sendable, Hashable {
    /// Raw samples older than this (µs) are deleted. Default 7 days.
    public var rawRetentionMicroseconds: Int64
    /// Hourly rollups older than this are deleted. Default 365 days. Daily rollups are kept
    /// for the same span.
    public var rollupRetentionMicroseconds: Int64
    /// When the store is larger than this many bytes, the oldest raw samples are deleted
    /// first, then the oldest rollups. `nil`: no size limit.
    public var maxSizeBytes: Int64?
    /// Rows deleted per statement.
    public var deleteBatchSize: Int

    public init(rawRetentionMicroseconds: Int64 = 7 * 86_400_000_000,
                rollupRetentionMicroseconds: Int64 = 365 * 86_400_000_000,
                maxSizeBytes: Int64? = nil, deleteBatchSize: Int = 1000) {
        self.rawRetentionMicroseconds = rawRetentionMicroseconds
        self.rollupRetentionMicroseconds = rollupRetentionMicroseconds
        self.maxSizeBytes = maxSizeBytes
        self.deleteBatchSize = deleteBatchSize
    }
}

/// What one `maintain` call did.
public struct MaintenanceReport: Sendable, Hashable {
    public var hourlyRollupsWritten: Int
    public var dailyRollupsWritten: Int
    public var rawRowsDeleted: Int
    public var rollupRowsDeleted: Int
    /// More expired rows remain (the batch limit was reached); call again soon.
    public var moreToDelete: Bool

    public init(hourlyRollupsWritten: Int = 0, dailyRollupsWritten: Int = 0, rawRowsDeleted: Int = 0,
                rollupRowsDeleted: Int = 0, moreToDelete: Bool = false) {
        self.hourlyRollupsWritten = hourlyRollupsWritten
        self.dailyRollupsWritten = dailyRollupsWritten
        self.rawRowsDeleted = rawRowsDeleted
        self.rollupRowsDeleted = rollupRowsDeleted
        self.moreToDelete = moreToDelete
    }
}

/// Sizes for `SHOW metrics_store` and the size benchmark.
public struct MetricsStoreStatistics: Sendable, Hashable {
    public var rawSamples: Int
    public var hourlyRollups: Int
    public var dailyRollups: Int
    /// Bytes on disk (file + WAL) or, for MongoDB, the collections' storage size; 0 for memory.
    public var sizeBytes: Int64
    public var oldestSample: Timestamp?
    public var newestSample: Timestamp?

    public init(rawSamples: Int = 0, hourlyRollups: Int = 0, dailyRollups: Int = 0, sizeBytes: Int64 = 0,
                oldestSample: Timestamp? = nil, newestSample: Timestamp? = nil) {
        self.rawSamples = rawSamples
        self.hourlyRollups = hourlyRollups
        self.dailyRollups = dailyRollups
        self.sizeBytes = sizeBytes
        self.oldestSample = oldestSample
        self.newestSample = newestSample
    }
}
