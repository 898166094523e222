import PoolSQLCore

/// A pool of MongoDB connections with its own bookkeeping, bounded size, FIFO wait queue,
/// idle expiry, minimum size, statistics and health checks.
///
/// Each connection is a single-threaded libmongoc client (one server socket). The blocking API
/// (`withConnection`, `runCommand`, `checkHealth`, `close`) must not be called from Swift's
/// cooperative thread pool; from async code use the `async` overloads, which run the work on a
/// dedicated thread. Dropping the last reference closes the pool.
public final class MongoPool: Sendable {
    public let name: String
    public let uri: MongoURI
    let core: PoolCore
    /// This pool's CMAP and SDAM events: the ring buffer behind `connection_pool_events`, and
    /// where an app subscribes.
    public let events: PoolEventLog
    public let createdAt: Timestamp

    /// Creates the pool and starts its maintenance thread, which runs the first health check and
    /// opens `minPoolSize` connections in the background (creation does not wait for the server).
    /// Invalid options are a 22023 error.
    public init(name: String, uri: MongoURI, options: PoolOptions = PoolOptions()) throws {
        try options.validate()
        LibMongoC.ensureInitialized()
        self.name = name
        self.uri = uri
        self.core = PoolCore(name: name, uri: uri, options: options)
        self.events = PoolEventLog(capacity: 1000)
        self.createdAt = .now()
        core.startMaintenanceThread()
    }

    /// Parses `uri` (22023 if libmongoc rejects it) and creates the pool.
    public convenience init(name: String, uri: String, options: PoolOptions = PoolOptions()) throws {
        try self.init(name: name, uri: MongoURI(uri), options: options)
    }

    deinit {
        core.close()
    }

    /// The options in effect.
    public var options: PoolOptions { core.state.withLock { $0.options } }

    /// Applies new options live: a lower `maxPoolSize` closes surplus idle connections now and
    /// in-use ones as they come back; a higher `minPoolSize` makes the maintenance thread open
    /// connections; a new `healthCheckIntervalMS` reschedules the next check; timeouts, appName
    /// and readPreference apply to connections opened from now on (existing ones keep theirs).
    public func update(options: PoolOptions) throws {
        try options.validate()
        if core.isClosed { throw PoolSQLError.poolClosed(name) }
        core.update(options: options)
    }

    /// Checks a connection out, runs `body` with it and checks it back in (closing it instead if
    /// it broke). Blocks while waiting for a connection (up to `waitQueueTimeoutMS`, 53300 after
    /// that), while opening one (08001 if that fails) and while `body` runs. 55000 once closed.
    public func withConnection<T>(_ body: (MongoConnection) throws -> T) throws -> T {
        let client = try core.checkOut()
        let connection = MongoConnection(client: client, core: core)
        defer {
            connection.invalidate()
            core.checkIn(client)
        }
        return try body(connection)
    }

    /// Checks out a connection, runs the command, checks the connection in; the reply is relaxed
    /// extended JSON.
    public func runCommand(database: String, commandJSON: String) throws -> String {
        try withConnection { try $0.runCommand(database: database, commandJSON: commandJSON) }
    }

    /// Runs `ping` through a pool connection.
    public func ping() throws {
        try withConnection { try $0.ping() }
    }

    /// A snapshot of the counters, sizes and health.
    public func statistics() -> PoolStatistics {
        core.state.withLock { $0.statistics }
    }

    /// Everything about the pool in one consistent reading.
    public func snapshot() -> PoolSnapshot {
        let (statistics, options, generation, closed) = core.state.withLock { ($0.statistics, $0.options, $0.generation, $0.closed) }
        let servers = uri.hosts.compactMap(ServerAddress.init(parsing:)).map { ServerSnapshot(address: $0, serverType: "Unknown") }
        return PoolSnapshot(
            name: name, statistics: statistics, state: closed ? .closed : .ready, generation: generation, createdAt: createdAt,
            topologyType: "Unknown", servers: servers, serverPools: [], options: options)
    }

    /// The status of the last finished health check (`initializing` before the first).
    public var healthStatus: HealthStatus { core.state.withLock { $0.health.status } }

    /// Runs a health check now, on the calling thread (blocks up to the server selection
    /// timeout), records it and returns its status. On a closed pool it returns the last status
    /// without contacting the server.
    @discardableResult
    public func checkHealth() -> HealthStatus {
        if core.isClosed { return healthStatus }
        return core.runHealthCheck()
    }

    /// Closes the pool: waiting checkouts fail, idle connections close now, checked-out ones when
    /// they are returned, and the maintenance thread stops after its current step (closing the
    /// health-check connection). Later checkouts fail with 55000. Calling it again does nothing.
    public func close() {
        core.close()
    }

    public var isClosed: Bool { core.isClosed }
}

extension MongoPool: CustomStringConvertible {
    public var description: String { "MongoPool(\(name), \(uri.redacted))" }
}
