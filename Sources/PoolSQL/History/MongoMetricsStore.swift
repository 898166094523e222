import PoolSQLCore
import PoolSQLPool
import PoolSQLStore
import Synchronization

/// The metrics history in a MongoDB database, shared by every instance of an app that points
/// `metrics_store` at it (`instance_id` tells the instances apart).
///
/// Collections in the URI's database:
/// - `connection_pool_metrics`: the raw samples. A time-series collection (timeField
///   `metric_timestamp`, metaField `meta` = `{pool_name, environment, instance_id}`, granularity
///   seconds) where the server supports one; otherwise (the `create` is refused as unsupported)
///   a regular collection with the identity fields at top level and indexes
///   `{metric_timestamp: 1}` and `{pool_name: 1, metric_timestamp: 1}`. An existing collection
///   is used as it is, whichever kind it is.
/// - `connection_pool_metrics_hourly` / `_daily`: rollups, regular collections with a unique
///   index on `{bucket_start, pool_name, instance_id}`; written with upserts, so instances that
///   rebuild the same bucket at the same time cannot duplicate it.
/// - `connection_pool_metrics_state`: one document (`_id: "rollups"`) shared by all instances:
///   the newest hour already rolled up and the hours whose raw rows changed since (see
///   `maintain`).
///
/// Every instance's `maintain` rolls up the rows of every instance, not only its own: the
/// result is the same whoever builds it (rollups are a function of the raw rows), the shared
/// state document means an hour is normally built once, and an instance that died still gets
/// its last hours rolled up by the survivors.
///
/// The store talks to MongoDB through its own PoolSQL pool, `__metrics_store`, which is not one
/// of the engine's pools (it is not listed in `mongodb_connection_pools`, and `DROP POOL` cannot
/// reach it); closing the store closes it.
public final class MongoMetricsStore: MetricsStore {
    /// How the raw collection stores samples.
    public enum Layout: String, Sendable, Hashable {
        /// A time-series collection; pool, environment and instance live in `meta`.
        case timeSeries = "time-series"
        /// A regular collection with pool, environment and instance at top level.
        case regular
    }

    /// Name of the pool the store uses.
    public static let poolName = "__metrics_store"
    static let rawCollection = "connection_pool_metrics"
    static let hourlyCollection = "connection_pool_metrics_hourly"
    static let dailyCollection = "connection_pool_metrics_daily"
    static let stateCollection = "connection_pool_metrics_state"
    static let stateID = "rollups"
    /// Documents per cursor batch (`aggregate` and `getMore`).
    static let batchSize = 1000

    let pool: MongoPool
    let uri: MongoURI
    /// The URI's database.
    public let database: String
    /// What the raw collection is, found or decided when the store was opened.
    public let layout: Layout
    private let closed = Atomic<Bool>(false)

    public var kind: String { "mongodb" }
    public var location: String { uri.redacted }

    /// Opens the store: connects (a `ping`, so an unreachable server is an error now, not at the
    /// first sample), then finds or creates the collections and indexes.
    ///
    /// The pool waits at most 5 s for a server unless the URI sets `serverSelectionTimeoutMS`.
    /// Errors: 22023 for a URI without a database or one libmongoc rejects, 08001 when the server
    /// cannot be reached, HV000 when it refuses a command. No error shows the password.
    public init(uri text: String) throws(PoolSQLError) {
        let parsed: MongoURI
        do { parsed = try MongoURI(text) } catch { throw PoolSQLError.wrapping(error) }
        guard let database = parsed.database, !database.isEmpty else {
            throw PoolSQLError(.invalidParameterValue, "the metrics store URI names no database: \(parsed.redacted)",
                               hint: "give the database in the path: mongodb://host:port/dbname")
        }
        var options = PoolOptions(maxPoolSize: 4, waitQueueTimeoutMS: 30_000, serverSelectionTimeoutMS: 5_000, connectTimeoutMS: 5_000,
                                  appName: "poolsql-metrics-store")
        let pool: MongoPool
        do {
            options = try options.applying(parsed.options)
            pool = try MongoPool(name: MongoMetricsStore.poolName, uri: parsed, options: options, eventBufferSize: 100)
        } catch {
            throw PoolSQLError.wrapping(error)
        }
        do {
            try pool.ping()
        } catch {
            pool.close()
            // The pool's errors quote the URI only redacted, and scrub driver messages.
            let wrapped = PoolSQLError.wrapping(error)
            // The pool's message names the (redacted) URI already; say it once.
            let reason = wrapped.message.contains(parsed.redacted) ? wrapped.message : "\(parsed.redacted): \(wrapped.message)"
            if wrapped.code == "28000" {
                throw PoolSQLError(wrapped.code, "cannot log in to the metrics store: \(reason)", detail: wrapped.detail,
                                   hint: "check the user name, the password and authSource; the previous metrics store stays in use")
            }
            throw PoolSQLError(.sqlClientUnableToEstablishConnection, "cannot reach the metrics store: \(reason)",
                               detail: wrapped.detail,
                               hint: "check that the server is running and reachable; the previous metrics store stays in use")
        }
        self.pool = pool
        self.uri = parsed
        self.database = database
        do {
            layout = try MongoMetricsStore.prepareCollections(pool: pool, uri: parsed, database: database)
        } catch {
            pool.close()
            throw error
        }
    }

    deinit {
        pool.close()
    }

    func checkOpen() throws(PoolSQLError) {
        if closed.load(ordering: .acquiring) {
            throw PoolSQLError(.objectNotInPrerequisiteState, "the metrics store \(location) is closed")
        }
    }

    public func close() {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        pool.close()
    }

    // MARK: Reading

    public func samples(_ query: MetricsQuery) throws(PoolSQLError) -> [MetricsSample] {
        try checkOpen()
        let documents = try aggregate(MongoMetricsStore.rawCollection, pipeline: samplePipeline(query))
        var samples: [MetricsSample] = []
        samples.reserveCapacity(documents.count)
        for document in documents { samples.append(try decodeSample(document)) }
        return samples
    }

    public func rollups(_ granularity: RollupGranularity, _ query: MetricsQuery) throws(PoolSQLError) -> [MetricsRollup] {
        try checkOpen()
        let documents = try aggregate(MongoMetricsStore.collection(for: granularity), pipeline: MongoMetricsStore.rollupPipeline(query))
        var rollups: [MetricsRollup] = []
        rollups.reserveCapacity(documents.count)
        for document in documents { rollups.append(try MongoMetricsStore.decodeRollup(document)) }
        return rollups
    }

    static func collection(for granularity: RollupGranularity) -> String {
        granularity == .hourly ? hourlyCollection : dailyCollection
    }

    public func statistics() throws(PoolSQLError) -> MetricsStoreStatistics {
        try checkOpen()
        var statistics = MetricsStoreStatistics()
        statistics.rawSamples = try count(MongoMetricsStore.rawCollection)
        statistics.hourlyRollups = try count(MongoMetricsStore.hourlyCollection)
        statistics.dailyRollups = try count(MongoMetricsStore.dailyCollection)
        let bounds = try aggregate(MongoMetricsStore.rawCollection, pipeline: [
            .object([("$group", .object([
                ("_id", .null),
                ("oldest", .object([("$min", .string("$metric_timestamp_us"))])),
                ("newest", .object([("$max", .string("$metric_timestamp_us"))])),
            ]))]),
        ])
        if let first = bounds.first {
            statistics.oldestSample = first["oldest"]?.int64Value.map { Timestamp(microseconds: $0, kind: .timestamptz) }
            statistics.newestSample = first["newest"]?.int64Value.map { Timestamp(microseconds: $0, kind: .timestamptz) }
        }
        // collStats is deprecated on recent servers but still answers everywhere; a server that
        // refuses it leaves the size at 0 rather than failing the statistics.
        var size: Int64 = 0
        for name in [MongoMetricsStore.rawCollection, MongoMetricsStore.hourlyCollection, MongoMetricsStore.dailyCollection] {
            if let reply = try? command(.object([("collStats", .string(name))])),
               let bytes = reply["storageSize"]?.int64Value {
                size += bytes
            }
        }
        statistics.sizeBytes = size
        return statistics
    }

    func count(_ collection: String) throws(PoolSQLError) -> Int {
        let reply = try command(.object([("count", .string(collection)), ("query", .object([]))]))
        return Int(reply["n"]?.int64Value ?? 0)
    }
}
