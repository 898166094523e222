import PoolSQLCore

/// Typed columns built from vectors a table already holds (a store's column cache), without a
/// `Value` per row. Each initializer makes exactly the column that appending the same values
/// one by one would make.
extension TypedColumn {
    /// A non-null integer column.
    public init(integers: [Int64]) {
        self.init(type: .bigint)
        setVectors(count: integers.count) { $0.integers = integers }
    }

    /// A non-null double precision column (NaN is a value, not NULL).
    public init(doubles: [Double]) {
        self.init(type: .doublePrecision)
        setVectors(count: doubles.count) { $0.doubles = doubles }
    }

    /// A non-null column of instants in microseconds, all of `kind`.
    public init(timestamps: [Int64], kind: Timestamp.Kind) {
        self.init(type: kind == .timestamptz ? .timestamptz : kind == .date ? .date : .timestamp)
        setVectors(count: timestamps.count) { $0.integers = timestamps }
    }

    /// A text column: row `r` is `dictionary[textIDs[r]]`, or NULL when bit `r` of `nullBits`
    /// is set (`nil`: no NULLs). The column is `.untyped` (readers use rows) when two entries of
    /// `dictionary` are equal as Strings — ids would split what the row path groups together —
    /// or an id is out of range.
    public init(textIDs: [UInt32], dictionary: [String], nullBits: [UInt64]? = nil) {
        self.init(type: .text)
        let count = textIDs.count
        let nullCount = nullBits.map { bits in bits.reduce(0) { $0 + $1.nonzeroBitCount } } ?? 0
        guard Set(dictionary).count == dictionary.count,
              textIDs.allSatisfy({ Int($0) < dictionary.count }) || (nullCount > 0 && dictionary.isEmpty && textIDs.allSatisfy { $0 == 0 })
        else {
            setVectors(count: count, nullBits: nullBits, nullCount: nullCount) { $0.kind = .untyped }
            return
        }
        setVectors(count: count, nullBits: nullBits, nullCount: nullCount) { column in
            column.textIDs = textIDs
            column.dictionary = dictionary
        }
    }

    /// Stands for a column the scan did not read: `.untyped` with no rows, so no operator can
    /// take it for data.
    public static var notRead: TypedColumn { TypedColumn(type: .unknown) }
}
