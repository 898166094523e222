import PoolSQLCore

/// ORDER BY keys of many rows turned into 64-bit integers that order as the values do, so a
/// sort compares integers instead of `Value`s (no enum dispatch, no reference counting of
/// strings on every comparison).
///
/// Each key column is encoded only when all its non-NULL values are of one kind whose order an
/// integer can carry exactly: integers, booleans, date/time instants (by microseconds, as
/// `Value.sortCompare` compares them), doubles (PostgreSQL's order: -0 equals 0, NaN above
/// everything, equal to itself) and text (dense ranks of the distinct strings in byte order).
/// Any other column (numeric, interval, arrays, mixed kinds) makes `init` fail, and callers sort
/// the `Value`s as before.
struct SortKeyEncoding {
    let keyCount: Int
    let rowCount: Int
    /// Row-major: key `k` of row `r` at `r * keyCount + k`.
    private let words: [Int64]
    /// Bit `k` set when key `k` of the row is NULL.
    private let nullMasks: [UInt64]
    private let ascending: [Bool]
    private let nullsFirst: [Bool]

    /// `columns[k][r]` is key `k` of row `r`.
    init?(columns: [[Value]], directions: [(ascending: Bool, nullsFirst: Bool)]) {
        guard !columns.isEmpty, columns.count <= 64, columns.count == directions.count else { return nil }
        let rows = columns[0].count
        guard columns.allSatisfy({ $0.count == rows }) else { return nil }
        var words = [Int64](repeating: 0, count: rows * columns.count)
        var masks = [UInt64](repeating: 0, count: rows)
        for (k, column) in columns.enumerated() {
            guard let encoded = SortKeyEncoding.encode(column) else { return nil }
            for r in 0..<rows {
                if let word = encoded[r] { words[r * columns.count + k] = word } else { masks[r] |= 1 << UInt64(k) }
            }
        }
        keyCount = columns.count
        rowCount = rows
        self.words = words
        nullMasks = masks
        ascending = directions.map(\.ascending)
        nullsFirst = directions.map(\.nullsFirst)
    }

    /// `positions` (rows of the columns) in key order; equal keys keep the order they come in.
    func sorted(_ positions: [Int]) -> [Int] {
        var items = positions.enumerated().map { (position: $0.element, arrival: $0.offset) }
        words.withUnsafeBufferPointer { words in
            nullMasks.withUnsafeBufferPointer { masks in
                ascending.withUnsafeBufferPointer { ascending in
                    nullsFirst.withUnsafeBufferPointer { nullsFirst in
                        let width = keyCount
                        items.sort { a, b in
                            let ma = masks[a.position], mb = masks[b.position]
                            for k in 0..<width {
                                let bit: UInt64 = 1 << UInt64(k)
                                let na = ma & bit != 0, nb = mb & bit != 0
                                if na || nb {
                                    if na && nb { continue }
                                    // NULL against a value: NULLS FIRST puts the NULL first.
                                    return na == nullsFirst[k]
                                }
                                let x = words[a.position * width + k], y = words[b.position * width + k]
                                if x != y { return (x < y) == ascending[k] }
                            }
                            return a.arrival < b.arrival
                        }
                    }
                }
            }
        }
        return items.map(\.position)
    }

    /// One word per value (nil for NULL) ordering as `Value.sortCompare` orders the values, or
    /// nil when the column cannot be encoded.
    static func encode(_ column: [Value]) -> [Int64?]? {
        // Each kind on its own: `Value.sortCompare` orders values of different kinds by kind
        // (booleans before numbers before text before instants), which one integer per value
        // would not.
        enum Kind { case none, integer, boolean, instant, double, text }
        var kind = Kind.none
        for value in column {
            let this: Kind
            switch value {
            case .null: continue
            case .int: this = .integer
            case .bool: this = .boolean
            case .timestamp: this = .instant
            case .double: this = .double
            case .text: this = .text
            default: return nil
            }
            if kind == .none { kind = this } else if kind != this { return nil }
        }
        switch kind {
        case .none:
            return column.map { _ in nil }
        case .integer, .boolean, .instant:
            return column.map { value -> Int64? in
                switch value {
                case let .int(x): return x
                case let .bool(b): return b ? 1 : 0
                case let .timestamp(t): return t.microseconds
                default: return nil
                }
            }
        case .double:
            return column.map { value -> Int64? in
                if case let .double(x) = value { return orderedBits(x) }
                return nil
            }
        case .text:
            return textRanks(column)
        }
    }

    /// A double as an integer of the same order: NaN above everything (and equal to itself),
    /// -0 equal to 0.
    static func orderedBits(_ x: Double) -> Int64 {
        if x.isNaN { return .max }
        let bits = (x == 0 ? 0.0 : x).bitPattern
        let sign: UInt64 = 1 << 63
        // Negative doubles: all bits flipped (larger magnitude, smaller key); positive: the
        // sign bit set. Then shifted into signed order.
        let unsigned = bits & sign != 0 ? ~bits : bits | sign
        return Int64(bitPattern: unsigned ^ sign)
    }

    /// Dense ranks of the texts in byte order (`Value.sortCompare`); nil when two strings are
    /// equal as Strings but differ in bytes (the ranks would merge what byte order separates).
    static func textRanks(_ column: [Value]) -> [Int64?]? {
        var numbers: [String: Int] = [:]
        var distinct: [String] = []
        var ids = [Int](repeating: -1, count: column.count)
        for (r, value) in column.enumerated() {
            guard case let .text(s) = value else { continue }
            if let id = numbers[s] {
                guard distinct[id].utf8.elementsEqual(s.utf8) else { return nil }
                ids[r] = id
            } else {
                numbers[s] = distinct.count
                ids[r] = distinct.count
                distinct.append(s)
            }
        }
        let order = distinct.indices.sorted { Value.sortCompare(.text(distinct[$0]), .text(distinct[$1])) < 0 }
        var rank = [Int64](repeating: 0, count: distinct.count)
        for (r, id) in order.enumerated() { rank[id] = Int64(r) }
        return ids.map { $0 < 0 ? nil : rank[$0] }
    }
}
