import PoolSQLCore
import PoolSQLPool

/// What the user declared about one pool: `CREATE POOL name URI … ENVIRONMENT … WITH (…)`, later
/// `ALTER POOL`s. The effective options are derived from it and the engine's settings.
struct PoolConfiguration: Sendable {
    var name: String
    var uri: MongoURI
    var environment: String?
    var enabled: Bool
    /// Per-pool options, keyed by setting name (`connection_pool_max_size`).
    var overrides: [String: SettingValue]
    var createdAt: Timestamp

    /// One pool setting's effective value and where it came from: per-pool option > URI option >
    /// SET > built-in default.
    func effective(_ definition: SettingDefinition, settings: SettingsRegistry) -> (value: SettingValue, source: SettingSource) {
        if let value = overrides[definition.name] { return (value, .poolOverride) }
        // The option's own name wins over its aliases (`tls` over `ssl`), as in the URI spec.
        let uriNames = definition.uriOption.map { [$0] + definition.uriOptionAliases } ?? []
        if let text = uriNames.lazy.compactMap({ uri.options[$0] }).first,
           let value = try? SettingsRegistry.validate(.text(text), for: definition) {
            return (value, .uri)
        }
        return (settings.value(of: definition), settings.source(of: definition))
    }

    /// The options to hand the pool, validated as a whole (min ≤ max, …).
    func effectiveOptions(settings: SettingsRegistry) throws(PoolSQLError) -> PoolOptions {
        var options = PoolOptions()
        for definition in SettingsRegistry.definitions where definition.poolOption != nil {
            options.apply(definition, effective(definition, settings: settings).value)
        }
        do {
            try options.validate()
        } catch let error as PoolSQLError {
            // The values may come from different places (WITH, the URI, SET): say where to look.
            throw PoolSQLError(error.code, "pool \"\(name)\": \(error.message)",
                               hint: error.hint ?? "connection_pool_settings shows each value of the pool and where it comes from (pool override > uri > SET > default).")
        } catch {
            throw PoolSQLError(.invalidParameterValue, "pool \"\(name)\": \(error)")
        }
        return options
    }
}
