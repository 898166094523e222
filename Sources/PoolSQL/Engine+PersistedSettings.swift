import PoolSQLCore

extension Engine {
    /// The store namespace of settings saved with `SET PERSIST`.
    static let persistedSettingsNamespace = "settings"

    /// Stores (or, with `nil`, forgets) the persisted value of a setting.
    func persistSetting(_ definition: SettingDefinition, value: SettingValue?) throws(PoolSQLError) {
        try localStore.setEntry(namespace: Engine.persistedSettingsNamespace, key: definition.name, value: value?.description)
    }

    /// Names and values of the settings saved with `SET PERSIST`, in the order first saved.
    public var persistedSettings: [(name: String, value: String)] {
        ((try? localStore.entries(namespace: Engine.persistedSettingsNamespace)) ?? []).map { ($0.key, $0.value) }
    }

    /// Applies the settings saved with `SET PERSIST` at start. A saved setting that no longer
    /// exists or whose value is no longer valid (a newer version changed its range) is an error
    /// naming it, so a start never silently runs with different settings than the user saved.
    func applyPersistedSettings() throws(PoolSQLError) {
        for entry in try localStore.entries(namespace: Engine.persistedSettingsNamespace) {
            if entry.key == MongoMetricsStore.settingName {
                do {
                    _ = try setMetricsStore(entry.value)
                } catch {
                    throw PoolSQLError(error.code, "persisted setting \(entry.key) cannot be applied: \(error.message)",
                                       hint: "SET PERSIST \(entry.key) = DEFAULT forgets it.")
                }
                continue
            }
            let definition: SettingDefinition
            let value: SettingValue
            do {
                definition = try SettingsRegistry.definition(named: entry.key)
                value = try SettingsRegistry.validate(.text(entry.value), for: definition)
            } catch {
                throw PoolSQLError(error.code, "persisted setting \(entry.key) = '\(entry.value)' cannot be applied: \(error.message)",
                                   hint: "SET PERSIST \(entry.key) = DEFAULT forgets it.")
            }
            settings.set(definition, to: value)
        }
    }
}
