import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLPool
import PoolSQLSyntax

extension Session {
    /// `CREATE POOL [IF NOT EXISTS] name [URI] 'uri' [ENVIRONMENT 'env'] [WITH (option = value, …)]`.
    func runCreatePool(_ create: CreatePool, context: ExecutionContext) throws(PoolSQLError) -> QueryResult {
        let overrides = try poolOptions(create.options, context: context)
        let uri: MongoURI
        do { uri = try MongoURI(create.uri) } catch { throw PoolSQLError.wrapping(error) }
        let configuration = PoolConfiguration(name: create.name.value, uri: uri, environment: create.environment,
                                              enabled: true, overrides: overrides, createdAt: .now())
        let created = try engine.pools.create(configuration, ifNotExists: create.ifNotExists, range: create.name.range)
        if created == nil {
            return .command("CREATE POOL", notices: ["pool \"\(create.name.value)\" already exists, skipping"])
        }
        return .command("CREATE POOL")
    }

    /// `ALTER POOL name SET option = value, …` or `ALTER POOL name ENABLE|DISABLE`.
    func runAlterPool(_ alter: AlterPool, context: ExecutionContext) throws(PoolSQLError) -> QueryResult {
        switch alter.action {
        case let .set(options):
            let overrides = try poolOptions(options, context: context)
            try engine.pools.alter(alter.name.value, overrides: overrides, range: alter.name.range)
            let definitions = SettingsRegistry.definitions.filter { overrides[$0.name] != nil }
            let isOpen = (try? engine.pools.managedPool(named: alter.name.value))?.pool != nil
            return .command("ALTER POOL", notices: newConnectionsNotice(definitions, openPools: isOpen))
        case .enable:
            try engine.pools.setEnabled(alter.name.value, true, range: alter.name.range)
        case .disable:
            try engine.pools.setEnabled(alter.name.value, false, range: alter.name.range)
        }
        return .command("ALTER POOL")
    }

    /// `DROP POOL|VIEW|TABLE [IF EXISTS] name, …`.
    func runDrop(_ drop: Drop) throws(PoolSQLError) -> QueryResult {
        guard drop.kind == .pool else { return try runDropRelations(drop) }
        var notices: [String] = []
        // Check every name before dropping any, so a typo drops nothing.
        for name in drop.names where !drop.ifExists {
            _ = try engine.pools.managedPool(named: name.name.value, range: name.range)
        }
        for name in drop.names {
            try engine.runningLoadTests.checkNotInUse(name.name.value, range: name.range)
        }
        for name in drop.names where !engine.pools.drop(name.name.value) {
            notices.append("pool \"\(name.name.value)\" does not exist, skipping")
        }
        return .command("DROP POOL", notices: notices)
    }

    /// `CHECK POOL name`: runs a health check now and returns its outcome.
    func runCheckPool(_ name: Ident) throws(PoolSQLError) -> QueryResult {
        let managed = try engine.pools.managedPool(named: name.value, range: name.range)
        guard let pool = managed.pool else {
            throw PoolSQLError(.objectNotInPrerequisiteState, "pool \"\(name.value)\" is disabled",
                               hint: "ALTER POOL \(name.value) ENABLE opens it again.", range: name.range)
        }
        let status = pool.checkHealth()
        let statistics = pool.statistics()
        return QueryResult(
            columns: [ResultColumn(name: "pool_name", type: .text), ResultColumn(name: "health_status", type: .text),
                      ResultColumn(name: "latency_ms", type: .doublePrecision), ResultColumn(name: "checked_at", type: .timestamptz),
                      ResultColumn(name: "error", type: .text)],
            rows: [[.text(name.value), .text(status.rawValue), statistics.lastHealthLatencyMS.map(Value.double) ?? .null,
                    statistics.lastHealthCheck.map(Value.timestamp) ?? .null, statistics.lastHealthError.map(Value.text) ?? .null]],
            commandTag: "CHECK POOL")
    }

    /// Per-pool options by their SQL names (`max_pool_size = 80`), validated, keyed by setting.
    func poolOptions(_ options: [SQLOption], context: ExecutionContext) throws(PoolSQLError) -> [String: SettingValue] {
        var overrides: [String: SettingValue] = [:]
        for option in options {
            let definition = try SettingsRegistry.definition(forPoolOption: option.name.value, range: option.name.range)
            if overrides[definition.name] != nil {
                throw PoolSQLError(.syntaxError, "option \"\(option.name.value)\" specified more than once", range: option.name.range)
            }
            let value = try Session.optionValue(option.value, context: context)
            overrides[definition.name] = try SettingsRegistry.validate(value, for: definition, range: option.value.range)
        }
        return overrides
    }
}
