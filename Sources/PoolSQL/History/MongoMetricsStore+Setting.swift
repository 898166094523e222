import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLStore
import PoolSQLSyntax

extension MongoMetricsStore {
    /// The setting that moves the history: `'local'` (the engine's own store) or a
    /// `mongodb://…/dbname` URI.
    public static let settingName = "metrics_store"
}

extension Engine {
    /// Moves the metrics history to `setting`: `'local'` (or `''`) for the engine's own store, or
    /// a `mongodb://` / `mongodb+srv://` URI with a database for a shared `MongoMetricsStore`
    /// (what `SET metrics_store` and `poolsql --store` do). The new store is opened first: if
    /// that fails (unreachable server, bad URI, refused command) the error says why and the
    /// current store stays in place. A MongoDB store that is replaced is closed (with its
    /// pool); the local store is never closed here.
    ///
    /// Records the setting, so `SHOW metrics_store` shows the new value too. Returns the value
    /// `SHOW metrics_store` shows: `local`, or the URI with its password
    /// replaced by `****`.
    @discardableResult
    public func setMetricsStore(_ setting: String) throws(PoolSQLError) -> String {
        let text = setting.trimmingSpaces()
        let replacement: any MetricsStore
        let shown: String
        if text.isEmpty || text.lowercased() == "local" {
            replacement = localStore
            shown = "local"
        } else if text.lowercased().hasPrefix("mongodb://") || text.lowercased().hasPrefix("mongodb+srv://") {
            let store = try MongoMetricsStore(uri: text)
            replacement = store
            shown = store.location
        } else {
            // The value is not echoed: a mistyped scheme may still carry a password.
            throw PoolSQLError(.invalidParameterValue, "invalid value for parameter \"\(MongoMetricsStore.settingName)\"",
                               hint: "metrics_store takes 'local' or a MongoDB URI with a database: 'mongodb://host:port/dbname'")
        }
        let previous = currentMetricsStore.withLock { current -> any MetricsStore in
            let old = current
            current = replacement
            return old
        }
        if !isLocalStore(previous), !isSameStore(previous, replacement) { previous.close() }
        // SHOW and SHOW ALL read the registry: it only ever holds the redacted form.
        if let definition = try? SettingsRegistry.definition(named: MongoMetricsStore.settingName) {
            if shown == "local" { settings.reset(definition) } else { settings.set(definition, to: .text(shown)) }
        }
        return shown
    }

    /// Whether the history is written somewhere other than the engine's own store (a fleet
    /// store is attached).
    public var hasAttachedMetricsStore: Bool { !isLocalStore(metricsStore) }

    func isLocalStore(_ store: any MetricsStore) -> Bool { isSameStore(store, localStore) }

    private func isSameStore(_ a: any MetricsStore, _ b: any MetricsStore) -> Bool {
        (a as AnyObject) === (b as AnyObject)
    }
}

extension Session {
    /// `SET metrics_store = …`: opens the new store before anything changes, then records the
    /// redacted value so `SHOW` and `SHOW ALL` never show the password.
    func runSetMetricsStore(_ set: SetVariable, definition: SettingDefinition,
                            context: ExecutionContext) throws(PoolSQLError) -> QueryResult {
        let text: String
        switch set.value {
        case .default:
            text = "local"
        case let .values(expressions):
            guard expressions.count == 1, let expression = expressions.first else {
                throw PoolSQLError(.syntaxError, "SET \(definition.name) takes only one argument", range: expressions.dropFirst().first?.range)
            }
            let value = try Session.optionValue(expression, context: context)
            guard case let .text(given) = value else {
                throw PoolSQLError(.invalidParameterValue, "invalid value for parameter \"\(definition.name)\"",
                                   hint: "metrics_store takes 'local' or a MongoDB URI with a database: 'mongodb://host:port/dbname'",
                                   range: expression.range)
            }
            text = given
        }
        try engine.setMetricsStore(text)
        if set.scope == .persist {
            // The full URI is stored (the next start must log in again); it is only ever shown
            // redacted, as the registry holds it.
            let isLocal = text.trimmingSpaces().isEmpty || text.trimmingSpaces().lowercased() == "local"
            try engine.localStore.setEntry(namespace: Engine.persistedSettingsNamespace, key: definition.name,
                                           value: isLocal ? nil : text)
        }
        return .command("SET")
    }

    /// `RESET metrics_store` / `RESET ALL`: back to the local store.
    func resetMetricsStore() throws(PoolSQLError) {
        guard engine.hasAttachedMetricsStore else { return }
        try engine.setMetricsStore("local")
    }
}
