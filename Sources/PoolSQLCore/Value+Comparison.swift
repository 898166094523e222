import Foundation

extension Value {
    /// SQL comparison of two non-NULL values: negative, zero or positive; `nil` when either side
    /// is NULL (the result of the comparison is then unknown). Numbers compare across integer,
    /// numeric and double; values of unrelated kinds are ordered by kind so sorting stays total.
    public func sqlCompare(_ other: Value) -> Int? {
        if isNull || other.isNull { return nil }
        return Value.compareNonNull(self, other)
    }

    /// The total order used by ORDER BY, DISTINCT and MIN/MAX: NULL sorts after every value, as
    /// PostgreSQL's default (NULLs are "larger" than everything).
    public static func sortCompare(_ lhs: Value, _ rhs: Value) -> Int {
        switch (lhs.isNull, rhs.isNull) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): return compareNonNull(lhs, rhs)
        }
    }

    /// Whether two values are equal in SQL's sense of "not distinct" (NULL equals NULL), as
    /// DISTINCT and GROUP BY need; 1 and 1.0 are not distinct.
    public func isNotDistinct(from other: Value) -> Bool {
        Value.sortCompare(self, other) == 0
    }

    private static func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }

    private static func compareNonNull(_ lhs: Value, _ rhs: Value) -> Int {
        switch (lhs, rhs) {
        case let (.bool(a), .bool(b)): return sign(a ? 1 : 0, b ? 1 : 0)
        case let (.int(a), .int(b)): return sign(a, b)
        case let (.double(a), .double(b)): return compareDoubles(a, b)
        case let (.numeric(a), .numeric(b)): return sign(a.value, b.value)
        case let (.int(a), .numeric(b)): return sign(Decimal(a), b.value)
        case let (.numeric(a), .int(b)): return sign(a.value, Decimal(b))
        case let (.int(a), .double(b)): return compareDoubles(Double(a), b)
        case let (.double(a), .int(b)): return compareDoubles(a, Double(b))
        case let (.numeric(a), .double(b)): return compareDoubles(a.doubleValue, b)
        case let (.double(a), .numeric(b)): return compareDoubles(a, b.doubleValue)
        case let (.text(a), .text(b)): return compareText(a, b)
        case let (.timestamp(a), .timestamp(b)): return sign(a, b)
        case let (.interval(a), .interval(b)): return sign(a.approximateMicroseconds, b.approximateMicroseconds)
        case let (.array(a), .array(b)):
            for (x, y) in zip(a, b) {
                let c = sortCompare(x, y)
                if c != 0 { return c }
            }
            return sign(a.count, b.count)
        default: return sign(lhs.kindRank, rhs.kindRank)
        }
    }

    /// PostgreSQL orders NaN above every other double and equal to itself.
    private static func compareDoubles(_ a: Double, _ b: Double) -> Int {
        switch (a.isNaN, b.isNaN) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): return sign(a, b)
        }
    }

    /// Byte-wise (C collation) order, which is what PostgreSQL's "C" locale gives and what
    /// stays predictable across platforms.
    private static func compareText(_ a: String, _ b: String) -> Int {
        var ai = a.utf8.makeIterator(), bi = b.utf8.makeIterator()
        while true {
            switch (ai.next(), bi.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (x?, y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }

    private var kindRank: Int {
        switch self {
        case .null: return 9
        case .bool: return 0
        case .int, .double, .numeric: return 1
        case .text: return 2
        case .timestamp: return 3
        case .interval: return 4
        case .array: return 5
        }
    }
}
