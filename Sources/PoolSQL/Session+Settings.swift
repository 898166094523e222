import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLSyntax

extension Session {
    /// `SET [SESSION|GLOBAL|PERSIST] name = value | TO value | DEFAULT`. Pool settings are
    /// engine-wide defaults: the change applies to every live pool without its own value for the
    /// option. `PERSIST` also stores the value in the engine's store (`DEFAULT` removes it), so
    /// the next start of `poolsql` or of an embedding app applies it again.
    func runSet(_ set: SetVariable, context: ExecutionContext) throws(PoolSQLError) -> QueryResult {
        let definition = try SettingsRegistry.definition(named: set.name.name.value, range: set.name.range)
        if definition.name == MongoMetricsStore.settingName {
            return try runSetMetricsStore(set, definition: definition, context: context)
        }
        let registry = engine.settings
        let previous = registry.source(of: definition) == .default ? nil : registry.value(of: definition)
        switch set.value {
        case .default:
            registry.reset(definition)
        case let .values(expressions):
            guard expressions.count == 1, let expression = expressions.first else {
                throw PoolSQLError(.syntaxError, "SET \(definition.name) takes only one argument", range: expressions.dropFirst().first?.range)
            }
            let value = try Session.optionValue(expression, context: context)
            registry.set(definition, to: try SettingsRegistry.validate(value, for: definition, range: expression.range))
        }
        do {
            try engine.pools.applySettings()
        } catch {
            // A value some pool cannot take (e.g. max below that pool's min) changes nothing.
            if let previous { registry.set(definition, to: previous) } else { registry.reset(definition) }
            throw error
        }
        if set.scope == .persist {
            do {
                try engine.persistSetting(definition, value: set.value == .default ? nil : registry.value(of: definition))
            } catch {
                // Not stored means not changed: the value would silently vanish at the next start.
                if let previous { registry.set(definition, to: previous) } else { registry.reset(definition) }
                try? engine.pools.applySettings()
                throw error
            }
        }
        return .command("SET", notices: newConnectionsNotice([definition], openPools: engine.pools.hasOpenPools))
    }

    /// The notice for settings that only reach connections opened after a change, when there are
    /// open pools whose connections keep the old value.
    func newConnectionsNotice(_ definitions: [SettingDefinition], openPools: Bool) -> [String] {
        let names = definitions.filter { $0.applies == .newConnections }.map(\.name)
        guard !names.isEmpty, openPools else { return [] }
        return ["\(names.joined(separator: ", ")) \(names.count == 1 ? "applies" : "apply") to new connections: open pools start a new generation, and their connections are replaced as they become idle or are returned"]
    }

    /// `SHOW name` (one column named after the setting) or `SHOW ALL`.
    func runShow(_ target: VariableTarget) throws(PoolSQLError) -> QueryResult {
        let registry = engine.settings
        switch target {
        case .all:
            let rows = SettingsRegistry.definitions.map { definition -> [Value] in
                [.text(definition.name), .text(registry.value(of: definition).description), .text(definition.applies.rawValue),
                 .text(definition.description)]
            }
            return QueryResult(columns: [ResultColumn(name: "name", type: .text), ResultColumn(name: "setting", type: .text),
                                         ResultColumn(name: "applies", type: .text), ResultColumn(name: "description", type: .text)],
                               rows: rows, commandTag: "SHOW")
        case let .name(name):
            let definition = try SettingsRegistry.definition(named: name.name.value, range: name.range)
            // Said whether or not pools are open: SHOW is where people look before changing it.
            let notices = definition.applies == .newConnections
                ? ["\(definition.name) applies to new connections: a change starts a new pool generation, and open connections are replaced as they become idle or are returned"] : []
            return QueryResult(columns: [ResultColumn(name: definition.name, type: .text)],
                               rows: [[.text(registry.value(of: definition).description)]], commandTag: "SHOW", notices: notices)
        }
    }

    /// `RESET name` / `RESET ALL`: back to the built-in defaults, applied to the live pools.
    func runReset(_ target: VariableTarget) throws(PoolSQLError) -> QueryResult {
        let registry = engine.settings
        switch target {
        case .all:
            try resetMetricsStore()
            registry.resetAll()
        case let .name(name):
            let definition = try SettingsRegistry.definition(named: name.name.value, range: name.range)
            if definition.name == MongoMetricsStore.settingName { try resetMetricsStore() }
            registry.reset(definition)
        }
        try engine.pools.applySettings()
        return .command("RESET")
    }

    /// The value of a setting or option: a constant expression, or a bare word
    /// (`SET connection_pool_read_preference = secondary`) taken as text.
    static func optionValue(_ expression: Expr, context: ExecutionContext) throws(PoolSQLError) -> Value {
        if case let .identifier(word) = expression.kind { return .text(word.value) }
        return try ExpressionEvaluator.evaluateConstant(expression, context: context)
    }
}
