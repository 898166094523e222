import PoolSQLCore

/// The kind of value a setting holds, with its allowed range.
public enum SettingKind: Sendable, Hashable {
    case integer(min: Int64, max: Int64)
    /// A number with a fraction (thresholds such as `recommendation_high_utilization = 0.9`).
    case real(min: Double, max: Double)
    /// A duration held in milliseconds; accepts `'1s'`, `'500ms'`, `'10 seconds'`, `'7 days'`
    /// or a plain number of milliseconds.
    case duration(minMS: Int64, maxMS: Int64)
    case boolean
    /// A boolean that may also be unset (`''`), leaving the choice to the server (`journal`).
    case optionalBoolean
    case text
    /// One of a fixed list of words (compared case-insensitively, stored as listed).
    case enumeration([String])

    /// `integer`, `duration`, … as shown in `connection_pool_settings.type`.
    public var typeName: String {
        switch self {
        case .integer: return "integer"
        case .real: return "real"
        case .duration: return "duration"
        case .boolean, .optionalBoolean: return "bool"
        case .text: return "string"
        case .enumeration: return "enum"
        }
    }
}

/// A typed setting value.
public enum SettingValue: Sendable, Hashable, CustomStringConvertible {
    case integer(Int64)
    case real(Double)
    case milliseconds(Int64)
    case boolean(Bool)
    case text(String)

    /// Text as `SHOW` prints it: durations with their unit (`30000ms` → `30s`), as PostgreSQL
    /// prints `statement_timeout`.
    public var description: String {
        switch self {
        case let .integer(i): return String(i)
        case let .real(r): return Value.formatDouble(r)
        case let .milliseconds(ms): return DurationText.format(milliseconds: ms)
        case let .boolean(b): return b ? "on" : "off"
        case let .text(s): return s
        }
    }

    /// The value as a SQL value (durations as milliseconds, a bigint).
    public var sqlValue: Value {
        switch self {
        case let .integer(i), let .milliseconds(i): return .int(i)
        case let .real(r): return .double(r)
        case let .boolean(b): return .bool(b)
        case let .text(s): return .text(s)
        }
    }

    public var integerValue: Int64? {
        switch self {
        case let .integer(i), let .milliseconds(i): return i
        default: return nil
        }
    }

    public var textValue: String? {
        if case let .text(s) = self { return s }
        return nil
    }
}

/// When a changed setting takes effect on a pool that is already open.
public enum SettingApplication: String, Sendable, Hashable {
    /// At once: sizes, idle timeout, wait queue, maxConnecting, intervals, buffers.
    case live = "live"
    /// Baked into each connection when it is opened (timeouts, appName, read preference, read
    /// and write concern, retries, compressors, TLS): a change starts a new pool generation, and
    /// open connections are replaced as they become idle or are returned.
    case newConnections = "new connections"
}

/// One setting: its name, type, default, unit, description and allowed range. Pool settings also
/// name the per-pool option (`max_pool_size`) and the URI option (`maxpoolsize`) they stand for.
public struct SettingDefinition: Sendable, Hashable {
    public var name: String
    public var kind: SettingKind
    public var defaultValue: SettingValue
    /// Unit shown in `SHOW ALL` and `connection_pool_settings` (`ms`, or nil).
    public var unit: String?
    public var description: String
    /// The per-pool option (`CREATE POOL … WITH (max_pool_size = 80)`), for pool settings.
    public var poolOption: String?
    /// The MongoDB URI option (lower case, e.g. `maxpoolsize`), where one exists.
    public var uriOption: String?
    /// Other URI options that set the same value when `uriOption` is absent (`ssl` for `tls`,
    /// `tlsinsecure` for both `tlsAllowInvalid…`).
    public var uriOptionAliases: [String]
    /// Whether a change reaches open connections of a live pool, or only connections opened later.
    public var applies: SettingApplication

    public init(name: String, kind: SettingKind, defaultValue: SettingValue, unit: String? = nil, description: String,
                poolOption: String? = nil, uriOption: String? = nil, uriOptionAliases: [String] = [],
                applies: SettingApplication = .live) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.unit = unit
        self.description = description
        self.poolOption = poolOption
        self.uriOption = uriOption
        self.uriOptionAliases = uriOptionAliases
        self.applies = applies
    }

    public var minValue: String? {
        switch kind {
        case let .integer(min, _): return String(min)
        case let .real(min, _): return Value.formatDouble(min)
        case let .duration(min, _): return String(min)
        default: return nil
        }
    }

    public var maxValue: String? {
        switch kind {
        case let .integer(_, max): return String(max)
        case let .real(_, max): return Value.formatDouble(max)
        case let .duration(_, max): return String(max)
        default: return nil
        }
    }

    public var allowedValues: [String]? {
        switch kind {
        case let .enumeration(words): return words
        case .boolean: return ["on", "off"]
        case .optionalBoolean: return ["on", "off", ""]
        default: return nil
        }
    }
}
