import PoolSQLCatalog
import PoolSQLCore

/// `connection_pool_settings`: every setting with its current value, type, range and source; plus
/// one row per pool whose value differs by a per-pool option or a URI option (`pool_name` set).
struct PoolSettingsTable: TableProvider {
    let pools: PoolRegistry

    struct Entry: Sendable {
        var definition: SettingDefinition
        var value: SettingValue
        var source: SettingSource
        var poolName: String?
    }

    static let columns: [VirtualColumn<Entry>] = [
        .init("name", .text, "Setting name") { .text($0.definition.name) },
        .init("pool_name", .text, "The pool this row is for; NULL for the engine-wide value", nullable: true) { $0.poolName.sqlValue },
        .init("setting", .text, "Current value as text (durations in ms)") { entry in
            if case let .milliseconds(ms) = entry.value { return .text(String(ms)) }
            return .text(entry.value.description)
        },
        .init("unit", .text, "Unit of setting", nullable: true) { $0.definition.unit.sqlValue },
        .init("type", .text, "integer | real | duration | bool | string | enum") { .text($0.definition.kind.typeName) },
        .init("default_value", .text, "Built-in default") { entry in
            if case let .milliseconds(ms) = entry.definition.defaultValue { return .text(String(ms)) }
            return .text(entry.definition.defaultValue.description)
        },
        .init("min_value", .text, "Smallest allowed value", nullable: true) { $0.definition.minValue.sqlValue },
        .init("max_value", .text, "Largest allowed value", nullable: true) { $0.definition.maxValue.sqlValue },
        .init("allowed_values", .array(.text), "Allowed words for enum settings", nullable: true) { entry in
            entry.definition.allowedValues.map { .array($0.map(Value.text)) } ?? .null
        },
        .init("source", .text, "default | SET | uri | pool override") { .text($0.source.rawValue) },
        .init("pool_option", .text, "Per-pool option name (CREATE POOL … WITH, ALTER POOL … SET)", nullable: true) { $0.definition.poolOption.sqlValue },
        .init("uri_option", .text, "MongoDB URI option name", nullable: true) { $0.definition.uriOption.sqlValue },
        .init("applies", .text, "live: a change reaches open pools at once | new connections: only connections opened after the change use it") {
            .text($0.definition.applies.rawValue)
        },
        .init("description", .text, "What the setting does") { .text($0.definition.description) },
    ]

    let schema = TableSchema(columns: PoolSettingsTable.columns.map(\.definition))

    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        let settings = pools.settings
        var entries: [Entry] = SettingsRegistry.definitions.map {
            Entry(definition: $0, value: settings.value(of: $0), source: settings.source(of: $0), poolName: nil)
        }
        for managed in pools.snapshot() {
            for definition in SettingsRegistry.definitions where definition.poolOption != nil {
                let (value, source) = managed.configuration.effective(definition, settings: settings)
                if source == .poolOverride || source == .uri {
                    entries.append(Entry(definition: definition, value: value, source: source, poolName: managed.configuration.name))
                }
            }
        }
        return entries.map { PoolSettingsTable.columns.row(for: $0, projection: request.projection) }
    }
}
