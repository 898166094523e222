import PoolSQLCore
import PoolSQLPool
import Synchronization

/// The engine's pools by name. Creating, altering and dropping pools, and re-applying settings to
/// the live pools when `SET` changes a default.
final class PoolRegistry: Sendable {
    private let pools = AnnotatedMutex<[String: ManagedPool]>([:])
    let settings: SettingsRegistry
    /// Every pool's events, for `Engine.subscribeToPoolEvents` (keeps no buffer of its own).
    let eventHub: PoolEventLog

    init(settings: SettingsRegistry, eventHub: PoolEventLog = PoolEventLog(capacity: 0)) {
        self.settings = settings
        self.eventHub = eventHub
    }

    /// The `connection_pool_event_buffer_size` in effect.
    var eventBufferSize: Int {
        guard let definition = try? SettingsRegistry.definition(named: "connection_pool_event_buffer_size"),
              let size = settings.value(of: definition).integerValue
        else { return 1000 }
        return Int(size)
    }

    /// Opens a `MongoPool` and connects its events to the engine: buffer size from the settings,
    /// forwarding (with the events it emitted while opening) to the engine's subscribers.
    private func open(_ name: String, uri: MongoURI, options: PoolOptions) throws -> MongoPool {
        let pool = try MongoPool(name: name, uri: uri, options: options)
        pool.events.resize(capacity: eventBufferSize)
        PoolEventForwarder.forward(pool.events, to: eventHub)
        return pool
    }

    /// Every pool, ordered by name.
    func snapshot() -> [ManagedPool] {
        pools.withLock { Array($0.values) }.sorted { $0.configuration.name < $1.configuration.name }
    }

    var names: [String] { pools.withLock { Array($0.keys) }.sorted() }

    /// Whether any pool is open (enabled).
    var hasOpenPools: Bool { pools.withLock { $0.values.contains { $0.pool != nil } } }

    func managedPool(named name: String, range: SourceRange? = nil) throws(PoolSQLError) -> ManagedPool {
        if let pool = pools.withLock({ $0[name] }) { return pool }
        throw undefinedPool(name, range: range)
    }

    func undefinedPool(_ name: String, range: SourceRange?) -> PoolSQLError {
        let closest = ClosestName.find(name, in: names)
        return PoolSQLError(.undefinedObject, "pool \"\(name)\" does not exist",
                            hint: closest.map { "did you mean \"\($0)\"?" } ?? (names.isEmpty ? "CREATE POOL name URI 'mongodb://…' creates one." : nil),
                            range: range)
    }

    /// Opens a pool for `configuration`; 42710 if the name is taken.
    @discardableResult
    func create(_ configuration: PoolConfiguration, ifNotExists: Bool = false, range: SourceRange? = nil) throws(PoolSQLError) -> MongoPool? {
        let options = try configuration.effectiveOptions(settings: settings)
        // Reserve the name first so two sessions cannot both create it.
        let taken = pools.withLock { pools -> Bool in
            if pools[configuration.name] != nil { return true }
            pools[configuration.name] = ManagedPool(configuration: configuration, pool: nil)
            return false
        }
        if taken {
            if ifNotExists { return nil }
            throw PoolSQLError(.duplicateObject, "pool \"\(configuration.name)\" already exists",
                               hint: "DROP POOL \(configuration.name) first, or ALTER POOL to change it.", range: range)
        }
        let pool: MongoPool?
        do {
            pool = configuration.enabled ? try open(configuration.name, uri: configuration.uri, options: options) : nil
        } catch {
            _ = pools.withLock { $0.removeValue(forKey: configuration.name) }
            throw PoolSQLError.wrapping(error)
        }
        pools.withLock { $0[configuration.name]?.pool = pool }
        return pool
    }

    /// Sets per-pool options and applies them to the live pool.
    func alter(_ name: String, overrides: [String: SettingValue], range: SourceRange?) throws(PoolSQLError) {
        var managed = try managedPool(named: name, range: range)
        managed.configuration.overrides.merge(overrides) { _, new in new }
        let options = try managed.configuration.effectiveOptions(settings: settings)
        if let pool = managed.pool {
            do { try pool.update(options: options) } catch { throw PoolSQLError.wrapping(error) }
        }
        let configuration = managed.configuration
        pools.withLock { $0[name]?.configuration = configuration }
    }

    /// ENABLE opens the pool again (new connections, counters from zero); DISABLE closes its
    /// connections and refuses checkouts until enabled.
    func setEnabled(_ name: String, _ enabled: Bool, range: SourceRange?) throws(PoolSQLError) {
        let managed = try managedPool(named: name, range: range)
        if managed.configuration.enabled == enabled { return }
        if enabled {
            let options = try managed.configuration.effectiveOptions(settings: settings)
            let pool: MongoPool
            do { pool = try open(name, uri: managed.configuration.uri, options: options) } catch { throw PoolSQLError.wrapping(error) }
            pools.withLock {
                $0[name]?.pool = pool
                $0[name]?.lastEvents = nil
                $0[name]?.configuration.enabled = true
            }
        } else {
            let last = managed.pool?.statistics()
            pools.withLock {
                $0[name]?.pool = nil
                $0[name]?.lastStatistics = last
                $0[name]?.lastEvents = managed.pool?.events
                $0[name]?.configuration.enabled = false
            }
            managed.pool?.close()
        }
    }

    /// Closes and forgets the pool; false if there was none.
    @discardableResult
    func drop(_ name: String) -> Bool {
        guard let managed = pools.withLock({ $0.removeValue(forKey: name) }) else { return false }
        managed.pool?.close()
        return true
    }

    /// Re-derives every live pool's options after a settings change. All pools are checked
    /// before any is changed, so a value that is invalid for one pool changes none.
    func applySettings() throws(PoolSQLError) {
        let current = snapshot()
        var updates: [(MongoPool, PoolOptions)] = []
        for managed in current {
            let options = try managed.configuration.effectiveOptions(settings: settings)
            if let pool = managed.pool { updates.append((pool, options)) }
        }
        for (pool, options) in updates {
            do { try pool.update(options: options) } catch { throw PoolSQLError.wrapping(error) }
        }
        let bufferSize = eventBufferSize
        for managed in current {
            if let events = managed.events, events.capacity != bufferSize { events.resize(capacity: bufferSize) }
        }
    }

    func closeAll() {
        let all = pools.withLock { pools -> [ManagedPool] in
            defer { pools.removeAll() }
            return Array(pools.values)
        }
        for managed in all { managed.pool?.close() }
    }
}

extension PoolSQLError {
    /// Any error from the pool layer as a PoolSQLError (the pool layer throws PoolSQLError
    /// already; anything else is reported as a connection exception).
    static func wrapping(_ error: any Error) -> PoolSQLError {
        if let error = error as? PoolSQLError { return error }
        return PoolSQLError(.connectionException, "\(error)")
    }
}
