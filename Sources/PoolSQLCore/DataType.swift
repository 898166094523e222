/// A SQL data type, as PostgreSQL names them.
public indirect enum DataType: Sendable, Hashable, CustomStringConvertible {
    case boolean
    case smallint
    case integer
    case bigint
    case real
    case doublePrecision
    /// `NUMERIC`, `NUMERIC(p)`, `NUMERIC(p, s)`.
    case numeric(precision: Int?, scale: Int?)
    case text
    case varchar(length: Int?)
    case timestamp
    case timestamptz
    case date
    case interval
    case array(DataType)
    /// The type of a bare NULL or an untyped string literal before resolution.
    case unknown

    /// The SQL spelling, e.g. `NUMERIC(10, 2)`, `DOUBLE PRECISION`, `TEXT[]`.
    public var description: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .smallint: return "SMALLINT"
        case .integer: return "INTEGER"
        case .bigint: return "BIGINT"
        case .real: return "REAL"
        case .doublePrecision: return "DOUBLE PRECISION"
        case let .numeric(p, s):
            switch (p, s) {
            case let (p?, s?): return "NUMERIC(\(p), \(s))"
            case let (p?, nil): return "NUMERIC(\(p))"
            default: return "NUMERIC"
            }
        case .text: return "TEXT"
        case let .varchar(n): return n.map { "VARCHAR(\($0))" } ?? "VARCHAR"
        case .timestamp: return "TIMESTAMP"
        case .timestamptz: return "TIMESTAMPTZ"
        case .date: return "DATE"
        case .interval: return "INTERVAL"
        case let .array(t): return "\(t)[]"
        case .unknown: return "UNKNOWN"
        }
    }

    /// PostgreSQL's name in error messages and `pg_typeof`, e.g. `double precision`.
    public var postgresName: String {
        switch self {
        case .timestamp: return "timestamp without time zone"
        case .timestamptz: return "timestamp with time zone"
        case .varchar: return "character varying"
        case .numeric: return "numeric"
        case let .array(t): return "\(t.postgresName)[]"
        default: return description.lowercased()
        }
    }

    public var isNumeric: Bool {
        switch self {
        case .smallint, .integer, .bigint, .real, .doublePrecision, .numeric: return true
        default: return false
        }
    }

    public var isInteger: Bool {
        switch self {
        case .smallint, .integer, .bigint: return true
        default: return false
        }
    }
}
