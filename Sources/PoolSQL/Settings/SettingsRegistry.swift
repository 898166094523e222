import PoolSQLCore
import PoolSQLPool
import Synchronization

/// Where a setting's current value came from, as `connection_pool_settings.source` shows it.
public enum SettingSource: String, Sendable, Hashable {
    case `default` = "default"
    case set = "SET"
    case uri = "uri"
    case poolOverride = "pool override"
}

/// The engine's settings: definitions plus current values. `SET` changes the engine-wide value
/// (the default for every pool without a per-pool override); `RESET` goes back to the default.
public final class SettingsRegistry: Sendable {
    private let values: AnnotatedMutex<[String: SettingValue]>

    public init() {
        values = AnnotatedMutex([:])
    }

    /// The definition named `name` (case-insensitive), or 42704 naming the closest setting.
    public static func definition(named name: String, range: SourceRange? = nil) throws(PoolSQLError) -> SettingDefinition {
        let lowered = name.lowercased()
        if let definition = definitions.first(where: { $0.name == lowered }) { return definition }
        let closest = ClosestName.find(lowered, in: definitions.map(\.name))
        throw PoolSQLError(.undefinedObject, "unrecognized configuration parameter \"\(name)\"",
                           hint: closest.map { "did you mean \"\($0)\"?" } ?? "SHOW ALL lists the settings.", range: range)
    }

    /// The definition whose per-pool option is `option` (`max_pool_size`), or 42704.
    public static func definition(forPoolOption option: String, range: SourceRange? = nil) throws(PoolSQLError) -> SettingDefinition {
        let lowered = option.lowercased()
        if let definition = definitions.first(where: { $0.poolOption == lowered }) { return definition }
        let closest = ClosestName.find(lowered, in: definitions.compactMap(\.poolOption))
        throw PoolSQLError(.undefinedObject, "unrecognized pool option \"\(option)\"",
                           hint: closest.map { "did you mean \"\($0)\"?" } ?? "pool options: " + definitions.compactMap(\.poolOption).joined(separator: ", "),
                           range: range)
    }

    public func value(of definition: SettingDefinition) -> SettingValue {
        values.withLock { $0[definition.name] } ?? definition.defaultValue
    }

    public func source(of definition: SettingDefinition) -> SettingSource {
        values.withLock { $0[definition.name] } == nil ? .default : .set
    }

    public func set(_ definition: SettingDefinition, to value: SettingValue) {
        values.withLock { $0[definition.name] = value }
    }

    public func reset(_ definition: SettingDefinition) {
        _ = values.withLock { $0.removeValue(forKey: definition.name) }
    }

    public func resetAll() {
        values.withLock { $0.removeAll() }
    }

    /// Checks `value` against the definition's type and range and converts it (a duration from
    /// `'10s'`, an enumeration word to its listed spelling, …); 22023 when it does not fit.
    public static func validate(_ value: Value, for definition: SettingDefinition, range: SourceRange? = nil) throws(PoolSQLError) -> SettingValue {
        let typed = try validateKind(value, for: definition, range: range)
        return try checkPoolOptionValue(typed, for: definition, given: value, range: range)
    }

    /// Settings whose text must follow the MongoDB option's own rules, checked when the value is
    /// set (not only when a pool is opened with it): the write concern and the compressor list.
    /// Values are normalised the way the driver reads them (`'zstd, zlib'` → `zstd,zlib`).
    private static func checkPoolOptionValue(_ typed: SettingValue, for definition: SettingDefinition, given value: Value,
                                             range: SourceRange?) throws(PoolSQLError) -> SettingValue {
        guard case let .text(raw) = typed else { return typed }
        let text = raw.trimmingSpaces()
        func invalid(_ hint: String) -> PoolSQLError {
            PoolSQLError(.invalidParameterValue, "invalid value for parameter \"\(definition.name)\": \"\(value.description)\"",
                         hint: hint, range: range)
        }
        switch definition.name {
        case "connection_pool_write_concern":
            if text.isEmpty { return .text("") }
            if let number = Int(text) {
                guard number >= 0 else { throw invalid("w is a number of members (0 or more), majority, or a tag set name; '' leaves the server's default") }
                return .text(String(number))
            }
            guard !text.contains(where: { $0 == " " || $0 == "," }) else {
                throw invalid("w is a number of members (0 or more), majority, or a tag set name; '' leaves the server's default")
            }
            return .text(text)
        case "connection_pool_compressors":
            let names = text.split(separator: ",").map { String($0).trimmingSpaces().lowercased() }.filter { !$0.isEmpty }
            for name in names where !PoolOptions.compressorNames.contains(name) {
                let closest = ClosestName.find(name, in: PoolOptions.compressorNames)
                throw PoolSQLError(.invalidParameterValue, "invalid value for parameter \"\(definition.name)\": unknown compressor \"\(name)\"",
                                   hint: (closest.map { "did you mean \"\($0)\"? " } ?? "")
                                       + "Compressors: \(PoolOptions.compressorNames.joined(separator: ", ")), comma-separated in order of preference; '' for none.",
                                   range: range)
            }
            return .text(names.joined(separator: ","))
        case "connection_pool_tls_ca_file", "connection_pool_tls_certificate_key_file":
            return .text(text)
        case "metrics_store_max_size", "metrics_cache_size":
            guard let bytes = ByteSizeText.parseBytes(text) else {
                throw invalid("expects a size such as '500MB', '1GB', a number of bytes, or 0 for \(definition.name == "metrics_cache_size" ? "no cache" : "no limit")")
            }
            return .text(ByteSizeText.format(bytes: bytes))
        default:
            return typed
        }
    }

    private static func validateKind(_ value: Value, for definition: SettingDefinition, range: SourceRange?) throws(PoolSQLError) -> SettingValue {
        func invalid(_ hint: String?) -> PoolSQLError {
            PoolSQLError(.invalidParameterValue, "invalid value for parameter \"\(definition.name)\": \"\(value.description)\"",
                         hint: hint, range: range)
        }
        func inRange(_ v: Int64, _ lo: Int64, _ hi: Int64, unit: String = "") throws(PoolSQLError) -> Int64 {
            guard v >= lo, v <= hi else {
                throw PoolSQLError(.invalidParameterValue,
                                   "\(v)\(unit) is outside the valid range for parameter \"\(definition.name)\" (\(lo)\(unit) .. \(hi)\(unit))",
                                   range: range)
            }
            return v
        }
        switch definition.kind {
        case let .integer(lo, hi):
            switch value {
            case let .int(i): return .integer(try inRange(i, lo, hi))
            case let .numeric(n) where n.value == n.rounded(toPlaces: 0).value:
                return .integer(try inRange(Int64(n.doubleValue), lo, hi))
            case let .text(s):
                guard let i = Int64(s.trimmingSpaces()) else { throw invalid("expects an integer") }
                return .integer(try inRange(i, lo, hi))
            default: throw invalid("expects an integer")
            }
        case let .real(lo, hi):
            let number: Double?
            switch value {
            case let .int(i): number = Double(i)
            case let .numeric(n): number = n.doubleValue
            case let .double(d): number = d
            case let .text(s): number = Double(s.trimmingSpaces())
            default: number = nil
            }
            guard let number, number.isFinite else { throw invalid("expects a number") }
            guard number >= lo, number <= hi else {
                throw PoolSQLError(.invalidParameterValue,
                                   "\(Value.formatDouble(number)) is outside the valid range for parameter \"\(definition.name)\" (\(Value.formatDouble(lo)) .. \(Value.formatDouble(hi)))",
                                   range: range)
            }
            return .real(number)
        case let .duration(lo, hi):
            let ms: Int64?
            switch value {
            case let .int(i): ms = i
            case let .numeric(n): ms = n.doubleValue.isFinite && abs(n.doubleValue) < 9e18 ? Int64(n.doubleValue.rounded()) : nil
            case let .double(d): ms = d.isFinite && abs(d) < 9e18 ? Int64(d.rounded()) : nil
            case let .text(s): ms = DurationText.parseMilliseconds(s)
            case let .interval(iv): ms = iv.approximateMicroseconds / 1000
            default: ms = nil
            }
            guard let ms else { throw invalid("expects a duration such as '500ms', '10s', '5 minutes' or a number of milliseconds") }
            return .milliseconds(try inRange(ms, lo, hi, unit: "ms"))
        case .boolean:
            switch value {
            case let .bool(b): return .boolean(b)
            case let .int(i) where i == 0 || i == 1: return .boolean(i == 1)
            case let .text(s):
                switch s.lowercased() {
                case "on", "true", "yes", "1", "t": return .boolean(true)
                case "off", "false", "no", "0", "f": return .boolean(false)
                default: throw invalid("expects on or off")
                }
            default: throw invalid("expects on or off")
            }
        case .optionalBoolean:
            switch value {
            case .null: return .text("")
            case let .text(s) where s.trimmingSpaces().isEmpty: return .text("")
            default:
                var plain = definition
                plain.kind = .boolean
                do {
                    return try validateKind(value, for: plain, range: range)
                } catch {
                    throw invalid("expects on or off, or '' to leave the server's default")
                }
            }
        case .text:
            switch value {
            case .null: throw invalid(nil)
            case let .text(s): return .text(s)
            default: return .text(value.description)
            }
        case let .enumeration(words):
            let text = value.description
            if let word = words.first(where: { $0.lowercased() == text.lowercased() }) { return .text(word) }
            throw invalid("available values: " + words.map { $0.isEmpty ? "'' (the server's default)" : $0 }.joined(separator: ", "))
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
