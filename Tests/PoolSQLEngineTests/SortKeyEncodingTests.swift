import PoolSQLCore
@testable import PoolSQLExecution
import Testing

/// ORDER BY keys encoded as integers sort rows exactly as comparing the `Value`s does
/// (`SortExec.compare`, ties in input order), and columns they cannot carry are refused.
@Suite struct SortKeyEncodingTests {
    /// The reference: a stable sort comparing Values.
    static func reference(_ columns: [[Value]], _ directions: [(ascending: Bool, nullsFirst: Bool)]) -> [Int] {
        Array(columns[0].indices).enumerated().sorted { a, b in
            for k in columns.indices {
                let c = SortExec.compare(columns[k][a.element], columns[k][b.element],
                                         ascending: directions[k].ascending, nullsFirst: directions[k].nullsFirst)
                if c != 0 { return c < 0 }
            }
            return a.offset < b.offset
        }.map(\.element)
    }

    static let doubles: [Value] = [.double(1.5), .double(-0.0), .double(0.0), .double(.nan), .double(-.infinity), .double(.infinity),
                                   .double(-2.25), .double(-1e-300), .double(1e300), .null, .double(.greatestFiniteMagnitude),
                                   .double(-.leastNonzeroMagnitude), .double(.leastNonzeroMagnitude)]
    static let texts: [Value] = [.text("b"), .text("a"), .text(""), .text("ab"), .text("é"), .text("z"), .null, .text("B"), .text("a\u{0}")]
    static let integers: [Value] = [.int(3), .int(-1), .int(.min), .int(.max), .int(0), .null]
    static let times: [Value] = [.timestamp(Timestamp(microseconds: 5, kind: .timestamptz)), .timestamp(Timestamp(microseconds: -7, kind: .timestamp)), .null]

    /// `rows` rows drawn from the given value pools, seeded.
    static func column(_ pool: [Value], rows: Int, seed: UInt64) -> [Value] {
        var generator = ColumnarAggregateTests.SeededGenerator(state: seed)
        return (0..<rows).map { _ in pool[Int(generator.next() % UInt64(pool.count))] }
    }

    @Test func encodedSortsMatchValueSorts() throws {
        let pools = [Self.doubles, Self.texts, Self.integers, Self.times, [.bool(true), .bool(false), .null]]
        for seed in UInt64(1)...40 {
            let first = pools[Int(seed) % pools.count], second = pools[Int(seed / 3) % pools.count]
            let columns = [Self.column(first, rows: 300, seed: seed), Self.column(second, rows: 300, seed: seed &* 7)]
            for directions in [[(true, false), (true, false)], [(false, true), (true, true)], [(true, true), (false, false)]] {
                let encoded = try #require(SortKeyEncoding(columns: columns, directions: directions))
                #expect(encoded.sorted(Array(columns[0].indices)) == Self.reference(columns, directions), "seed \(seed)")
                // A subset of the positions (a window partition) keeps its own input order on ties.
                let subset = Array(columns[0].indices.filter { $0 % 3 != 1 })
                let expected = Self.reference(columns, directions).filter { $0 % 3 != 1 }
                #expect(encoded.sorted(subset) == expected, "seed \(seed)")
            }
        }
    }

    @Test func doublesOrderAsPostgreSQLOrdersThem() {
        let bits = Self.doubles.compactMap { value -> (Double, Int64)? in
            if case let .double(x) = value { return (x, SortKeyEncoding.orderedBits(x)) }
            return nil
        }
        for (x, a) in bits {
            for (y, b) in bits {
                let expected = Value.sortCompare(.double(x), .double(y))
                #expect((a < b ? -1 : a == b ? 0 : 1) == expected, "\(x) vs \(y)")
            }
        }
    }

    @Test func columnsOfOtherKindsAreRefused() {
        let directions = [(ascending: true, nullsFirst: false)]
        #expect(SortKeyEncoding(columns: [[.int(1), .double(1)]], directions: directions) == nil)
        #expect(SortKeyEncoding(columns: [[.numeric(SQLNumeric(1)), .numeric(SQLNumeric(2))]], directions: directions) == nil)
        #expect(SortKeyEncoding(columns: [[.text("a"), .int(1)]], directions: directions) == nil)
        // Booleans sort before numbers whatever their values; one integer each would not say so.
        #expect(SortKeyEncoding(columns: [[.bool(true), .int(0)]], directions: directions) == nil)
        #expect(SortKeyEncoding(columns: [[.timestamp(Timestamp(microseconds: 0)), .int(5)]], directions: directions) == nil)
        // Equal as Strings, different bytes: byte order tells them apart, ranks could not.
        #expect(SortKeyEncoding(columns: [[.text("\u{E9}"), .text("e\u{301}")]], directions: directions) == nil)
        #expect(SortKeyEncoding(columns: [[.null, .null]], directions: directions) != nil)
    }
}
