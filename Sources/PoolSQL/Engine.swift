@_exported import PoolSQLCore
@_exported import PoolSQLPool
@_exported import PoolSQLStore
import PoolSQLCatalog
import Foundation
import Synchronization

/// Configuration of an embedded PoolSQL engine.
public struct EngineConfiguration: Sendable {
    /// Where the engine keeps persistent state (views, history, settings). `nil`: in memory only.
    public var dataDirectory: String?
    /// Where views are kept. `nil`: in the local store (memory without a data directory).
    public var viewStore: (any ViewStore)?
    /// The engine's local store (views, persisted settings, load-test results, the default
    /// metrics history). `nil`: the embedded SQLite store `poolsql.db` in `dataDirectory`, or
    /// memory without one.
    public var localStore: (any LocalStore)?
    /// Whether the engine samples its pools into the metrics history in the background (and
    /// writes, rolls up and expires it there). Off, nothing runs in the background; the history
    /// tables and `sampleMetricsNow()` / `runMetricsMaintenanceNow()` still work.
    public var metricsSampling: Bool
    /// `instance_id` of this engine's samples; nil: `host:pid`.
    public var instanceID: String?
    /// Most samples waiting for the store; beyond it the oldest are dropped and counted.
    public var metricsQueueCapacity: Int
    /// Where the engine writes its log lines (a failing metrics store, …); nil: standard error.
    public var logHandler: (@Sendable (String) -> Void)?

    public init(dataDirectory: String? = nil, viewStore: (any ViewStore)? = nil, localStore: (any LocalStore)? = nil,
                metricsSampling: Bool = true, instanceID: String? = nil, metricsQueueCapacity: Int = 10_000,
                logHandler: (@Sendable (String) -> Void)? = nil) {
        self.dataDirectory = dataDirectory
        self.viewStore = viewStore
        self.localStore = localStore
        self.metricsSampling = metricsSampling
        self.instanceID = instanceID
        self.metricsQueueCapacity = metricsQueueCapacity
        self.logHandler = logHandler
    }

    /// File name of the embedded store in the data directory.
    public static let storeFileName = "poolsql.db"

    /// The local store this configuration implies; opening the embedded store creates the data
    /// directory if needed.
    func resolvedLocalStore() throws(PoolSQLError) -> any LocalStore {
        if let localStore { return localStore }
        guard let dataDirectory else { return MemoryStore() }
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw PoolSQLError(.ioError, "could not create the data directory \"\(dataDirectory)\": \(error.localizedDescription)")
        }
        return try SQLiteStore(path: (dataDirectory as NSString).appendingPathComponent(Self.storeFileName))
    }

    /// The view store this configuration implies: views live in the local store (a legacy
    /// `views.json` in the data directory is imported once).
    func resolvedViewStore(local: any LocalStore) -> any ViewStore {
        if let viewStore { return viewStore }
        if localStore == nil, dataDirectory == nil { return MemoryViewStore() }
        return MetadataViewStore(store: local, legacyDirectory: dataDirectory)
    }
}

/// The PoolSQL engine: owns the pools, the settings and the catalog of virtual tables. One engine
/// per process is typical; sessions are cheap. Apps take their connections from the engine's
/// pools (`pool(named:)`, `createPool`) and query them with `makeSession().execute(sql)`.
public final class Engine: Sendable {
    public let configuration: EngineConfiguration
    let settings: SettingsRegistry
    let pools: PoolRegistry
    let catalog: EngineCatalog
    let relations: RelationRegistry
    /// The engine's own durable store: views, persisted settings, load-test results and (unless
    /// `metrics_store` points elsewhere) the metrics history. Memory without a data directory.
    let localStore: any LocalStore
    /// Where the metrics history is written and read now (`SET metrics_store` may move it).
    let currentMetricsStore: Mutex<any MetricsStore>
    /// Sampler, queue, writer and maintenance of the metrics history.
    let metricsHistory: MetricsHistory
    /// Pools with a `RUN LOAD TEST` in progress (they cannot be dropped meanwhile).
    let runningLoadTests = RunningLoadTests()

    /// Starts an engine. Its stored views are loaded now: an unreadable or corrupt view file is
    /// an error naming the file.
    public init(configuration: EngineConfiguration = .init()) throws(PoolSQLError) {
        self.configuration = configuration
        settings = SettingsRegistry()
        pools = PoolRegistry(settings: settings)
        let local = try configuration.resolvedLocalStore()
        let fleet = FleetView()
        let link = EngineLink()
        let history = MetricsHistory(pools: pools, settings: settings,
                                     instanceID: configuration.instanceID ?? MetricsSampler.defaultInstanceID,
                                     queueCapacity: configuration.metricsQueueCapacity,
                                     log: configuration.logHandler ?? Engine.standardErrorLog)
        metricsHistory = history
        catalog = EngineCatalog(pools: pools, settings: settings, fleet: fleet, history: history, localStore: local, engine: link)
        relations = try RelationRegistry(store: configuration.resolvedViewStore(local: local), builtInNames: Set(catalog.tables.keys))
        localStore = local
        currentMetricsStore = Mutex(local)
        fleet.attach(self)
        link.attach(self)
        try applyPersistedSettings()
        // Started last: the persisted metrics_* settings apply from the first tick, and an
        // engine that failed to start leaves no thread behind.
        history.attach { [weak self] in self?.metricsStore }
        if configuration.metricsSampling { history.start() }
    }

    /// The store the metrics history is read from and written to now.
    public var metricsStore: any MetricsStore { currentMetricsStore.withLock { $0 } }

    /// The views, in creation order, as they are stored (temporary views over user tables
    /// included).
    public var views: [StoredView] {
        let state = relations.snapshot
        return state.viewOrder.compactMap { state.views[$0]?.stored }
    }

    /// Names of the user tables (`CREATE TABLE`), sorted.
    public var tableNames: [String] { relations.snapshot.tables.keys.sorted() }

    /// The relations a statement sees: virtual tables, user tables and views as of now.
    func relationCatalog() -> RelationCatalog {
        RelationCatalog(builtIn: catalog.tables, relations: relations.snapshot)
    }

    deinit {
        metricsHistory.stop(flushingInto: metricsStore)
        pools.closeAll()
    }

    /// A new session.
    public func makeSession() -> Session {
        Session(engine: self)
    }

    /// Creates and opens a pool, as `CREATE POOL name URI 'uri' ENVIRONMENT 'environment'
    /// WITH (options)` does. `options` are per-pool options by their SQL names
    /// (`max_pool_size`, `app_name`, …) with values as SQL would take them.
    @discardableResult
    public func createPool(name: String, uri: String, environment: String? = nil,
                           options: [String: Value] = [:]) throws(PoolSQLError) -> MongoPool {
        var overrides: [String: SettingValue] = [:]
        for (option, value) in options {
            let definition = try SettingsRegistry.definition(forPoolOption: option)
            overrides[definition.name] = try SettingsRegistry.validate(value, for: definition)
        }
        let parsed: MongoURI
        do { parsed = try MongoURI(uri) } catch { throw PoolSQLError.wrapping(error) }
        let configuration = PoolConfiguration(name: name, uri: parsed, environment: environment, enabled: true,
                                              overrides: overrides, createdAt: .now())
        guard let pool = try pools.create(configuration) else {
            throw PoolSQLError(.internalError, "pool \"\(name)\" was not created")
        }
        return pool
    }

    /// The live pool named `name`: 42704 if there is none, 55000 while it is disabled.
    public func pool(named name: String) throws(PoolSQLError) -> MongoPool {
        let managed = try pools.managedPool(named: name)
        guard let pool = managed.pool else {
            throw PoolSQLError(.objectNotInPrerequisiteState, "pool \"\(name)\" is disabled",
                               hint: "ALTER POOL \(name) ENABLE opens it again.")
        }
        return pool
    }

    /// Calls `handler` for every CMAP and SDAM event of every pool of this engine, including
    /// pools created (or enabled again) later, until the subscription is cancelled. Events of one
    /// pool arrive in the order they happened; a newly created pool's events start with its
    /// `pool_created`.
    ///
    /// The handler runs synchronously on the thread that emitted the event, while the pool holds
    /// its lock: copy the event somewhere (a queue, an `AsyncStream` continuation) and return;
    /// never call back into a pool or the engine from it. For one pool only, use
    /// `pool(named:).events.subscribe(_:)`.
    @discardableResult
    public func subscribeToPoolEvents(_ handler: @escaping @Sendable (PoolEvent) -> Void) -> PoolEventSubscription {
        pools.eventHub.subscribe(handler)
    }

    /// Names of every pool.
    public var poolNames: [String] { pools.names }

    /// Stops sampling (writing what is queued) and closes every pool. Sessions of this engine
    /// then see no pools.
    public func shutdown() {
        metricsHistory.stop(flushingInto: metricsStore)
        // An attached fleet store has its own internal pool; the local store stays open for
        // the engine's tables.
        if hasAttachedMetricsStore { metricsStore.close() }
        pools.closeAll()
    }
}

/// A store that keeps everything an engine persists locally.
public typealias LocalStore = MetricsStore & MetadataStore & LoadTestResultStore

/// A weak way back to the engine for tables built before it finished initializing (the
/// recommendations read the metrics store the engine points at now).
final class EngineLink: Sendable {
    private struct Reference: Sendable { weak var engine: Engine? }
    private let reference = Mutex(Reference())

    func attach(_ engine: Engine) { reference.withLock { $0.engine = engine } }

    var engine: Engine? { reference.withLock { $0.engine } }
}

/// The engine's tables: the virtual tables over pools and settings.
struct EngineCatalog: Catalog {
    let tables: [String: any TableProvider]

    init(pools: PoolRegistry, settings: SettingsRegistry, fleet: FleetView, history: MetricsHistory,
         localStore: any LocalStore, engine: EngineLink) {
        tables = [
            "connection_pool_metrics": MetricsHistoryTable(history: history),
            "connection_pool_metrics_hourly": MetricsRollupTable(history: history, granularity: .hourly),
            "connection_pool_metrics_daily": MetricsRollupTable(history: history, granularity: .daily),
            "connection_pool_metrics_status": MetricsStatusTable(history: history),
            "load_test_results": LoadTestResultsTable(store: localStore),
            "connection_pool_recommendations": RecommendationsTable(pools: pools, settings: settings, loadTests: localStore, engine: engine),
            "mongodb_connection_pools": PoolStatsTable(pools: pools, fleet: fleet),
            "connection_pool_settings": PoolSettingsTable(pools: pools),
            "mongodb_connections": ConnectionsTable(pools: pools),
            "mongodb_servers": ServersTable(pools: pools),
            "connection_pool_events": PoolEventsTable(pools: pools),
        ]
    }

    func table(named name: String) -> (any TableProvider)? { tables[name] }

    var tableNames: [String] { tables.keys.sorted() }
}
