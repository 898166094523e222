import PoolSQLCore

/// One column of a `MemoryTable` as a typed vector plus a null bitmap, kept alongside the rows
/// so that a columnar operator can read it without unpacking a `Value` per row.
///
/// The vector holds exactly what the rows hold: integers (`.int`), doubles (`.double`),
/// booleans (0/1), date/time instants in microseconds (all of one `Timestamp.Kind`), or text as
/// ids into `dictionary` (ids are distinct for strings that are not byte-equal). A value that
/// does not fit (another `Value` case, a timestamp of another kind, or a string canonically
/// equal to but spelled differently from one already seen, which `String` equality would
/// merge) makes the column `.untyped`: it then keeps only its null bitmap, and readers use the
/// rows. A null row holds 0 in the vector.
public struct TypedColumn: Sendable {
    public enum Kind: Sendable, Equatable {
        case untyped
        case integer
        case double
        case boolean
        case timestamp(Timestamp.Kind)
        case text
    }

    public private(set) var kind: Kind
    /// `.integer` values, `.boolean` as 0/1 and `.timestamp` microseconds.
    public private(set) var integers: [Int64] = []
    public private(set) var doubles: [Double] = []
    /// `.text` values: indices into `dictionary`.
    public private(set) var textIDs: [UInt32] = []
    /// Each distinct string of a `.text` column once, in order of first appearance.
    public private(set) var dictionary: [String] = []
    private var textNumbers: [String: UInt32] = [:]
    /// Bit `row % 64` of word `row / 64` is set when the row's value is NULL.
    public private(set) var nullBits: [UInt64] = []
    public private(set) var count = 0
    public private(set) var nullCount = 0

    /// An empty column for values of `type` (after assignment conversion).
    public init(type: DataType) {
        switch type {
        case .smallint, .integer, .bigint: kind = .integer
        case .doublePrecision: kind = .double
        case .boolean: kind = .boolean
        case .timestamp: kind = .timestamp(.timestamp)
        case .timestamptz: kind = .timestamp(.timestamptz)
        case .date: kind = .timestamp(.date)
        case .text, .varchar: kind = .text
        default: kind = .untyped
        }
    }

    public func isNull(_ row: Int) -> Bool {
        nullCount > 0 && nullBits[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    mutating func append(_ value: Value) {
        let row = count
        while nullBits.count <= row >> 6 { nullBits.append(0) }
        count += 1
        if value.isNull {
            nullBits[row >> 6] |= 1 << UInt64(row & 63)
            nullCount += 1
            switch kind {
            case .integer, .boolean, .timestamp: integers.append(0)
            case .double: doubles.append(0)
            case .text: textIDs.append(0)
            case .untyped: break
            }
            return
        }
        switch (kind, value) {
        case (.untyped, _): break
        case let (.integer, .int(x)): integers.append(x)
        case let (.double, .double(x)): doubles.append(x)
        case let (.boolean, .bool(b)): integers.append(b ? 1 : 0)
        case let (.timestamp(expected), .timestamp(t)) where t.kind == expected: integers.append(t.microseconds)
        case let (.text, .text(s)):
            if let id = textNumbers[s] {
                // Canonically equal but spelled differently: ids could not give back each row's spelling.
                guard dictionary[Int(id)].utf8.elementsEqual(s.utf8) else { return becomeUntyped() }
                textIDs.append(id)
            } else {
                guard dictionary.count < Int(UInt32.max) else { return becomeUntyped() }
                let id = UInt32(dictionary.count)
                dictionary.append(s)
                textNumbers[s] = id
                textIDs.append(id)
            }
        default:
            becomeUntyped()
        }
    }

    /// Sets the vectors in one go (`TypedColumn+Vectors.swift`): `count` rows, the null bitmap
    /// (all clear when nil) and whatever `body` assigns.
    mutating func setVectors(count: Int, nullBits: [UInt64]? = nil, nullCount: Int = 0, _ body: (inout VectorParts) -> Void) {
        var parts = VectorParts(kind: kind)
        body(&parts)
        kind = parts.kind
        integers = parts.integers
        doubles = parts.doubles
        textIDs = parts.textIDs
        dictionary = parts.dictionary
        if kind == .text {
            textNumbers = Dictionary(uniqueKeysWithValues: dictionary.enumerated().map { ($1, UInt32($0)) })
        }
        // Without NULLs the bitmap stays empty (`isNull` checks `nullCount` first): no
        // megabits of zeros per column per query for the store's columns.
        let words = (count + 63) / 64
        self.nullBits = nullCount == 0 ? [] : nullBits.map { $0.count >= words ? $0 : $0 + Array(repeating: 0, count: words - $0.count) } ?? []
        self.count = count
        self.nullCount = nullCount
    }

    /// What `setVectors` lets a builder assign.
    struct VectorParts {
        var kind: Kind
        var integers: [Int64] = []
        var doubles: [Double] = []
        var textIDs: [UInt32] = []
        var dictionary: [String] = []
    }

    private mutating func becomeUntyped() {
        kind = .untyped
        integers = []
        doubles = []
        textIDs = []
        dictionary = []
        textNumbers = [:]
    }
}
