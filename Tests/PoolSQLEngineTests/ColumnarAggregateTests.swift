import PoolSQLCatalog
import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import Testing

/// The columnar GROUP BY (`ColumnarAggregateExec`) against the row-at-a-time `AggregateExec` on
/// the same queries and data: identical rows (same group order, bit-identical doubles) or the
/// same error.
@Suite struct ColumnarAggregateTests {
    /// SplitMix64: a seeded generator, so a failure reproduces.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let columns: [ColumnDefinition] = [
        ColumnDefinition(name: "k_int", type: .integer),
        ColumnDefinition(name: "k_text", type: .text),
        ColumnDefinition(name: "k_bool", type: .boolean),
        ColumnDefinition(name: "ts", type: .timestamp),
        ColumnDefinition(name: "tstz", type: .timestamptz),
        ColumnDefinition(name: "d", type: .date),
        ColumnDefinition(name: "i", type: .integer),
        ColumnDefinition(name: "b", type: .bigint),
        ColumnDefinition(name: "x", type: .doublePrecision),
        ColumnDefinition(name: "note", type: .text),
    ]

    /// Random rows with about `nullShare` NULLs in every column; few distinct keys so groups
    /// repeat, negative instants and zeros (including -0) included.
    static func randomTable(rows: Int, seed: UInt64, nullShare: Double = 0.1) throws -> MemoryTable {
        var random = SeededGenerator(state: seed)
        func maybe(_ value: Value) -> Value { Double.random(in: 0..<1, using: &random) < nullShare ? .null : value }
        let hour: Int64 = 3_600_000_000
        var data: [[Value]] = []
        for _ in 0..<rows {
            let instant = Int64.random(in: -30 * hour...30 * hour, using: &random)
            let x: Double = [0.0, -0.0, 1.5, -2.25].randomElement(using: &random).map { Bool.random(using: &random) ? $0 : Double.random(in: -1000...1000, using: &random) } ?? 0
            data.append([
                maybe(.int(Int64.random(in: -3...3, using: &random))),
                maybe(.text(["pool-a", "pool-b", "Pool-C", "a much longer pool name than fits inline", ""].randomElement(using: &random) ?? "")),
                maybe(.bool(Bool.random(using: &random))),
                maybe(.timestamp(Timestamp(microseconds: instant))),
                maybe(.timestamp(Timestamp(microseconds: instant, kind: .timestamptz))),
                maybe(.timestamp(Timestamp(microseconds: instant / 86_400_000_000 * 86_400_000_000, kind: .date))),
                maybe(.int(Int64.random(in: -1_000_000...1_000_000, using: &random))),
                maybe(.int(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &random))),
                maybe(.double(x)),
                maybe(.text("n")),
            ])
        }
        let table = MemoryTable(columns: columns)
        try table.insert(contentsOf: data)
        return table
    }

    static let aggregates = """
        count(*), count(x), count(note), sum(i), sum(b), avg(i), avg(b), sum(x), avg(x), min(i), max(i), \
        min(b), max(b), min(x), max(x), \
        percentile_cont(0.95) WITHIN GROUP (ORDER BY x), percentile_cont(0.5) WITHIN GROUP (ORDER BY x DESC), \
        percentile_disc(0.25) WITHIN GROUP (ORDER BY x), percentile_cont(ARRAY[0.1, 0.9]) WITHIN GROUP (ORDER BY x)
        """

    static let groupings = [
        "k_int", "k_text", "k_bool", "ts", "tstz", "d",
        "k_text, date_trunc('hour', ts)", "date_trunc('day', tstz), k_bool", "date_trunc('hour', d)",
        "date_trunc('month', ts), k_int, k_text", "date_trunc('minute', ts)",
    ]

    func run(_ sql: String, _ tables: [String: any TableProvider], columnar: Bool) -> Result<[[Value]], PoolSQLError> {
        do {
            let result = try QueryExecutor.execute(query: try Harness.query(sql), catalog: StaticCatalog(tables: tables),
                                                   context: Harness.context, planner: PhysicalPlanner(columnarAggregates: columnar))
            return .success(result.rows)
        } catch {
            return .failure(error)
        }
    }

    /// Runs `sql` both ways and expects the same rows (or the same error code).
    func expectSame(_ sql: String, _ tables: [String: any TableProvider], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let columnar = run(sql, tables, columnar: true)
        let rowPath = run(sql, tables, columnar: false)
        switch (columnar, rowPath) {
        case let (.success(a), .success(b)):
            #expect(a == b, "\(sql)", sourceLocation: sourceLocation)
            // == treats -0 and 0 alike; the columnar sums must keep the row path's sign too.
            #expect(a.map { $0.map(\.description) } == b.map { $0.map(\.description) }, "\(sql)", sourceLocation: sourceLocation)
        case let (.failure(a), .failure(b)):
            #expect(a.code == b.code && a.message == b.message, "\(sql): \(a) vs \(b)", sourceLocation: sourceLocation)
        default:
            Issue.record("\(sql): columnar \(columnar) vs row path \(rowPath)", sourceLocation: sourceLocation)
        }
    }

    /// Whether the physical plan of `sql` computes its GROUP BY with the columnar operator
    /// (the operator tree's reflection names every operator in it).
    func usesColumnar(_ sql: String, _ tables: [String: any TableProvider]) throws -> Bool {
        let plan = try QueryExecutor.optimizedPlan(query: try Harness.query(sql), catalog: StaticCatalog(tables: tables),
                                                   context: Harness.context)
        let tree = String(describing: PhysicalPlanner().plan(plan))
        #expect(tree.contains("AggregateExec"), "\(sql) has no aggregate")
        return tree.contains("ColumnarAggregateExec")
    }

    @Test func randomDataMatchesTheRowPath() throws {
        // 9,001 rows: group keys are built in chunks of 4,096 rows (keyChunkRows); two boundaries.
        for (seed, rows) in [(UInt64(1), 2_000), (2, 300), (3, 37), (4, 9_001)] {
            let tables: [String: any TableProvider] = ["t": try Self.randomTable(rows: rows, seed: seed)]
            for grouping in Self.groupings {
                let sql = "SELECT \(grouping), \(Self.aggregates) FROM t GROUP BY \(grouping)"
                #expect(try usesColumnar(sql, tables), "\(sql)")
                expectSame(sql, tables)
            }
            expectSame("SELECT \(Self.aggregates) FROM t", tables)
        }
        // Columns without NULLs take the path that counts rows per group instead of per value
        // and starts sums, minima and maxima from neutral values (-0 included in the data).
        for (seed, rows) in [(UInt64(5), 5_000), (6, 3)] {
            let tables: [String: any TableProvider] = ["t": try Self.randomTable(rows: rows, seed: seed, nullShare: 0)]
            for grouping in Self.groupings {
                expectSame("SELECT \(grouping), \(Self.aggregates) FROM t GROUP BY \(grouping)", tables)
            }
            expectSame("SELECT \(Self.aggregates) FROM t", tables)
            expectSame("SELECT count(*), min(x), max(x), sum(x) FROM t WHERE false", tables)
        }
    }

    @Test func theHourlyShapeTakesTheColumnarPath() throws {
        let tables: [String: any TableProvider] = ["t": try Self.randomTable(rows: 10, seed: 4)]
        let hourly = "SELECT k_text, date_trunc('hour', ts), \(Self.aggregates) FROM t GROUP BY k_text, date_trunc('hour', ts)"
        #expect(try usesColumnar("SELECT * FROM (\(hourly)) AS h ORDER BY 1, 2", tables))
        #expect(try usesColumnar(hourly, tables))
        // Kinds it does not compute stay on the row path.
        for other in ["SELECT k_text, string_agg(note, ',') FROM t GROUP BY k_text",
                      "SELECT k_text, sum(x) FILTER (WHERE i > 0) FROM t GROUP BY k_text",
                      "SELECT k_text, count(DISTINCT i) FROM t GROUP BY k_text",
                      "SELECT x, count(*) FROM t GROUP BY x",
                      "SELECT k_text, sum(i + 1) FROM t GROUP BY k_text"] {
            #expect(try !usesColumnar(other, tables), "\(other)")
        }
    }

    @Test func emptyInputsAndAllNullGroups() throws {
        let empty: [String: any TableProvider] = ["t": MemoryTable(columns: Self.columns)]
        expectSame("SELECT \(Self.aggregates) FROM t", empty)
        expectSame("SELECT k_text, \(Self.aggregates) FROM t GROUP BY k_text", empty)
        let nulls: [String: any TableProvider] = ["t": try Self.randomTable(rows: 200, seed: 5, nullShare: 0.9)]
        expectSame("SELECT k_text, k_bool, \(Self.aggregates) FROM t GROUP BY k_text, k_bool", nulls)
        #expect(try usesColumnar("SELECT \(Self.aggregates) FROM t", nulls))
    }

    @Test func filtersAndOtherProvidersMatchTheRowPath() throws {
        let table = try Self.randomTable(rows: 500, seed: 6)
        let tables: [String: any TableProvider] = ["t": table]
        expectSame("SELECT k_text, \(Self.aggregates) FROM t WHERE k_int > 0 GROUP BY k_text", tables)
        expectSame("SELECT k_text, count(*), sum(i) FROM t WHERE ts >= '1970-01-01' GROUP BY k_text LIMIT 2", tables)
        let recording: [String: any TableProvider] = ["t": ForwardingTable(inner: table)]
        #expect(try usesColumnar("SELECT k_text, sum(i) FROM t GROUP BY k_text", recording))
        expectSame("SELECT k_text, date_trunc('hour', tstz), \(Self.aggregates) FROM t GROUP BY 1, 2", recording)
    }

    @Test func unusualValuesFallBackToTheRowPath() throws {
        // Overflowing integer sums, NaN and infinities, mixed value types in a column and an
        // unknown date_trunc unit: the columnar path hands them to the row path.
        let big = MemoryTable(columns: [ColumnDefinition(name: "k", type: .text), ColumnDefinition(name: "b", type: .bigint),
                                        ColumnDefinition(name: "x", type: .doublePrecision), ColumnDefinition(name: "ts", type: .timestamp)])
        try big.insert(contentsOf: [
            [.text("a"), .int(Int64.max), .double(.infinity), .timestamp(Timestamp(microseconds: 0))],
            [.text("a"), .int(Int64.max), .double(1), .timestamp(Timestamp(microseconds: 1))],
            [.text("b"), .int(1), .double(.nan), .null],
            [.text("b"), .int(-1), .double(2), .timestamp(Timestamp(microseconds: -1))],
        ])
        let tables: [String: any TableProvider] = ["t": big]
        expectSame("SELECT k, sum(b) FROM t GROUP BY k", tables)
        expectSame("SELECT k, avg(b), count(*) FROM t GROUP BY k", tables)
        expectSame("SELECT k, sum(x) FROM t WHERE k = 'a' GROUP BY k", tables)
        expectSame("SELECT k, count(x), min(b) FROM t WHERE k = 'b' GROUP BY k", tables)
        expectSame("SELECT date_trunc('fortnight', ts), count(*) FROM t GROUP BY 1", tables)
        expectSame("SELECT date_trunc('week', ts), date_trunc('quarter', ts), min(b) FROM t GROUP BY 1, 2", tables)

        let mixed = MixedTable()
        let mixedTables: [String: any TableProvider] = ["m": mixed]
        #expect(try usesColumnar("SELECT k, sum(v) FROM m GROUP BY k", mixedTables))
        expectSame("SELECT k, sum(v), count(*) FROM m GROUP BY k", mixedTables)
        expectSame("SELECT v, count(*) FROM m GROUP BY v", mixedTables)

        // A provider returning rows of the wrong width: the row path's internal error.
        let ragged: [String: any TableProvider] = ["r": RaggedTable()]
        #expect(try usesColumnar("SELECT k, count(*) FROM r GROUP BY k", ragged))
        expectSame("SELECT k, count(*) FROM r GROUP BY k", ragged)
        #expect(throws: PoolSQLError.self) { try run("SELECT k, count(*) FROM r GROUP BY k", ragged, columnar: true).get() }
    }
}

extension ColumnarAggregateTests {
    /// percentile_cont/percentile_disc (which select the order statistics they need instead of
    /// sorting when they can) against percentiles computed here from the sorted values.
    @Test func percentilesMatchTheSortedValues() throws {
        var random = SeededGenerator(state: 7)
        for size in [1, 2, 3, 5, 10, 101, 1_000, 1_001, 997] {
            // Few distinct values (many ties) or many, negatives, and sometimes a zero (the
            // sorting path).
            let distinct = size % 2 == 0 ? max(1, size / 3) : size
            let pool = (0..<distinct).map { _ in Double(Int.random(in: -5000...5000, using: &random)) / 4 + 0.125 }
            var values = (0..<size).map { _ in pool.randomElement(using: &random) ?? 1 }
            if size % 4 == 2 { values[0] = 0 }
            let table = MemoryTable(columns: [ColumnDefinition(name: "x", type: .doublePrecision)])
            try table.insert(contentsOf: values.map { [.double($0)] })
            let sorted = values.sorted()
            for fraction in [0.0, 0.1, 0.25, 0.5, 0.95, 0.999, 1.0] {
                let position = fraction * Double(size - 1)
                let lower = sorted[Int(position.rounded(.down))], upper = sorted[Int(position.rounded(.up))]
                let cont = lower == upper ? lower : lower + (position - position.rounded(.down)) * (upper - lower)
                let disc = sorted[min(max(0, Int((fraction * Double(size)).rounded(.up)) - 1), size - 1)]
                let descending = sorted.reversed().map { $0 }
                let dLower = descending[Int(position.rounded(.down))], dUpper = descending[Int(position.rounded(.up))]
                let contDesc = dLower == dUpper ? dLower : dLower + (position - position.rounded(.down)) * (dUpper - dLower)
                for columnar in [true, false] {
                    let rows = try run("""
                        SELECT percentile_cont(\(fraction)) WITHIN GROUP (ORDER BY x), percentile_disc(\(fraction)) WITHIN GROUP (ORDER BY x),
                               percentile_cont(\(fraction)) WITHIN GROUP (ORDER BY x DESC) FROM t
                        """, ["t": table], columnar: columnar).get()
                    #expect(rows == [[.double(cont), .double(disc), .double(contDesc)]], "size \(size) fraction \(fraction)")
                }
            }
        }
    }

    /// Text keys group as the row path's `Value` hashing does: canonically equal spellings
    /// together (the Kelvin sign and "K", precomposed and combining accents), long and empty
    /// strings too.
    @Test func textKeysGroupByCanonicalEquality() throws {
        let table = MemoryTable(columns: [ColumnDefinition(name: "k", type: .text), ColumnDefinition(name: "i", type: .integer)])
        let keys = ["\u{212A}", "K", "k", "e\u{301}", "\u{E9}", "", "a-very-long-ascii-pool-name", "a-very-long-ascii-pool-name",
                    "sixteen-bytes-ok", "sixteen-bytes-ok", "seventeen-bytes-x", "K", "\u{E9}"]
        try table.insert(contentsOf: keys.enumerated().map { [.text($0.element), .int(Int64($0.offset))] })
        let tables: [String: any TableProvider] = ["t": table]
        let sql = "SELECT k, count(*), sum(i), min(i) FROM t GROUP BY k"
        #expect(try usesColumnar(sql, tables))
        expectSame(sql, tables)
        let rows = try run(sql, tables, columnar: true).get()
        #expect(rows.count == 7)
        #expect(rows.first == [.text("\u{212A}"), .int(3), .int(12), .int(0)])
    }

    /// Numeric literals next to double precision operands are folded to doubles at plan time;
    /// the answers stay those of converting them per row.
    @Test func numericLiteralsAgainstDoubles() throws {
        let table = MemoryTable(columns: [ColumnDefinition(name: "x", type: .doublePrecision)])
        try table.insert(contentsOf: [[.double(0.85)], [.double(0.8500000000000001)], [.null]])
        let rows = try Harness.run("SELECT x > 0.85, x >= 0.85, 1.5 * x, x / 1.5, 0.1 + x FROM t", tables: ["t": table]).rows
        #expect(rows == [
            [.bool(false), .bool(true), .double(1.5 * 0.85), .double(0.85 / 1.5), .double(0.1 + 0.85)],
            [.bool(true), .bool(true), .double(1.5 * 0.8500000000000001), .double(0.8500000000000001 / 1.5), .double(0.1 + 0.8500000000000001)],
            [.null, .null, .null, .null, .null],
        ])
    }

    /// to_char with only numeric fields (written byte by byte) prints as PostgreSQL does.
    @Test func toCharDigitTemplates() throws {
        let rows = try Harness.run("""
            SELECT to_char(TIMESTAMP '0900-01-02 03:04:05', 'YYYY-MM-DD HH24:MI:SS'),
                   to_char(TIMESTAMP '2026-11-28 23:59:00', 'YYYY-MM-DD HH24:MI'),
                   to_char(TIMESTAMP '2026-11-28 07:08:09', 'yyyy/mm/dd "at" hh24.mi.ss'),
                   to_char(TIMESTAMP '2026-11-28 07:08:09', 'FMMM-DD HH24th'),
                   to_char(INTERVAL '25 hours 3 minutes', 'HH24:MI')
            """).rows
        #expect(rows == [[.text("0900-01-02 03:04:05"), .text("2026-11-28 23:59"), .text("2026/11/28 at 07.08.09"),
                          .text("11-28 07th"), .text("25:03")]])
    }

    /// avg of integers (computed from an Int64 sum by the columnar path) against NUMERIC
    /// division of the same sum and count.
    @Test func integerAveragesMatchNumericDivision() throws {
        var random = SeededGenerator(state: 8)
        var samples: [[Int64]] = [[0], [1], [-1], [9_999, 1], [10_000, -3], [Int64.max / 2, Int64.max / 2], [7, 7, 8]]
        for _ in 0..<200 {
            let count = Int.random(in: 1...12, using: &random)
            let magnitude: Int64 = [9, 99_999, 123_456_789, 1_000_000_000_000].randomElement(using: &random) ?? 9
            samples.append((0..<count).map { _ in Int64.random(in: -magnitude...magnitude, using: &random) })
        }
        for size in [180, 999, 5_000] {
            for magnitude: Int64 in [3, 1_000_000_000_000_000] {
                samples.append((0..<size).map { _ in Int64.random(in: (magnitude / 3)...magnitude, using: &random) })
                samples.append((0..<size).map { _ in Int64.random(in: -magnitude...(magnitude / 2), using: &random) })
            }
        }
        samples.append([-1, 0, 0, 0])
        samples.append([1, -2])
        let table = MemoryTable(columns: [ColumnDefinition(name: "g", type: .integer), ColumnDefinition(name: "b", type: .bigint)])
        var rows: [[Value]] = []
        for (g, sample) in samples.enumerated() { for b in sample { rows.append([.int(Int64(g)), .int(b)]) } }
        try table.insert(contentsOf: rows)
        let sql = "SELECT g, avg(b) FROM t GROUP BY g"
        #expect(try usesColumnar(sql, ["t": table]))
        let result = try run(sql, ["t": table], columnar: true).get()
        for (g, sample) in samples.enumerated() {
            let expected = try Value.arithmetic(.divide, .numeric(SQLNumeric(sample.reduce(0, +))), .int(Int64(sample.count)),
                                                resultType: .numeric(precision: nil, scale: nil))
            #expect(result[g] == [.int(Int64(g)), expected])
            #expect(result[g][1].description == expected.description)
        }
    }
}

/// MemoryTable's typed columns (`columnarSnapshot()`), which the columnar path reads instead of
/// the rows when they hold what the query reads.
extension ColumnarAggregateTests {
    /// Row `r` of a typed column as a `Value`; nil for an untyped column.
    static func value(_ column: TypedColumn, _ r: Int) -> Value? {
        if column.isNull(r) { return .null }
        switch column.kind {
        case .untyped: return nil
        case .integer: return .int(column.integers[r])
        case .double: return .double(column.doubles[r])
        case .boolean: return .bool(column.integers[r] != 0)
        case let .timestamp(kind): return .timestamp(Timestamp(microseconds: column.integers[r], kind: kind))
        case .text: return .text(column.dictionary[Int(column.textIDs[r])])
        }
    }

    @Test func typedColumnsHoldTheRows() throws {
        let table = try Self.randomTable(rows: 1_000, seed: 9, nullShare: 0.2)
        // More rows one at a time, as INSERT adds them.
        try table.insert([.int(1), .text("pool-z"), .bool(true), .null, .null, .null, .int(2), .int(3), .double(-0.0), .null])
        try table.insert([.null, .null, .null, .timestamp(Timestamp(microseconds: -1)), .null, .null, .null, .null, .null, .text("n")])
        let rows = table.rows
        let columns = try #require(table.columnarSnapshot())
        #expect(columns.count == Self.columns.count)
        for (c, column) in columns.enumerated() {
            #expect(column.kind != .untyped, "column \(c)")
            #expect(column.count == rows.count)
            #expect(column.nullCount == rows.filter { $0[c].isNull }.count)
            let values = (0..<column.count).map { Self.value(column, $0) }
            #expect(values == rows.map { $0[c] }, "column \(c)")
            // Same sign of zero, same timestamp kind: the descriptions agree too.
            #expect(values.map { $0?.description } == rows.map { $0[c].description }, "column \(c)")
        }
        // A snapshot is a value: later inserts do not change it.
        try table.insert(Array(repeating: Value.null, count: 6) + [.int(5), .int(6), .double(1), .null])
        #expect(columns[0].count == rows.count)
        #expect(table.columnarSnapshot()?[0].count == rows.count + 1)
        #expect(throws: PoolSQLError.self) { try table.insert(contentsOf: [[.int(1)]]) }
        #expect(table.columnarSnapshot()?[0].count == rows.count + 1)
    }

    /// Values a typed column cannot hold (rows given to `init(rows:)` unconverted, a timestamp
    /// of another kind, text spelled differently from a canonically equal one) leave that
    /// column to the rows; rows of the wrong width leave the whole table to them.
    @Test func columnsThatCannotBeTypedUseTheRows() throws {
        let columns = [ColumnDefinition(name: "k", type: .text), ColumnDefinition(name: "v", type: .integer),
                       ColumnDefinition(name: "ts", type: .timestamp), ColumnDefinition(name: "x", type: .doublePrecision)]
        let odd = MemoryTable(columns: columns, rows: [
            [.text("a"), .int(1), .timestamp(Timestamp(microseconds: 0)), .double(1)],
            [.text("a"), .text("2"), .timestamp(Timestamp(microseconds: 5, kind: .date)), .int(2)],
            [.text("b"), .double(2.5), .null, .double(3)],
            [.text("\u{E9}"), .int(3), .timestamp(Timestamp(microseconds: 3_600_000_000)), .null],
            [.text("e\u{301}"), .int(4), .timestamp(Timestamp(microseconds: 1)), .double(4)],
        ])
        let kinds = try #require(odd.columnarSnapshot()).map(\.kind)
        #expect(kinds == [.untyped, .untyped, .untyped, .untyped])
        let tables: [String: any TableProvider] = ["t": odd]
        for sql in ["SELECT k, sum(v), count(*), count(x) FROM t GROUP BY k", "SELECT date_trunc('hour', ts), count(v) FROM t GROUP BY 1",
                    "SELECT k, sum(x) FROM t GROUP BY k", "SELECT count(*), count(k), min(v) FROM t"] {
            #expect(try usesColumnar(sql, tables), "\(sql)")
            expectSame(sql, tables)
        }
        // One untyped column does not keep the others from being read typed.
        let partly = MemoryTable(columns: columns, rows: [
            [.text("a"), .int(1), .timestamp(Timestamp(microseconds: 0)), .double(1)],
            [.text("b"), .int(2), .timestamp(Timestamp(microseconds: 7_200_000_000)), .int(2)],
            [.text("a"), .null, .null, .null],
        ])
        #expect(try #require(partly.columnarSnapshot()).map(\.kind) == [.text, .integer, .timestamp(.timestamp), .untyped])
        for sql in ["SELECT k, sum(v), count(x), min(x) FROM t GROUP BY k", "SELECT k, date_trunc('hour', ts), sum(v), avg(v) FROM t GROUP BY 1, 2"] {
            expectSame(sql, ["t": partly])
        }

        let ragged = MemoryTable(columns: columns, rows: [[.text("a"), .int(1), .null, .null], [.text("a")]])
        #expect(ragged.columnarSnapshot() == nil)
        expectSame("SELECT k, count(*), sum(v) FROM t GROUP BY k", ["t": ragged])
    }
}

/// A provider that is not a MemoryTable: the columnar path goes through `scan(_:)`.
final class ForwardingTable: TableProvider {
    let inner: MemoryTable
    init(inner: MemoryTable) { self.inner = inner }
    var schema: TableSchema { inner.schema }
    func supportsFilter(_ filter: ScanFilter) -> FilterPushdown { inner.supportsFilter(filter) }
    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] { try inner.scan(request) }
}

/// A provider whose integer column also holds a text and a double, as a careless virtual
/// table might.
final class MixedTable: TableProvider {
    let schema = TableSchema(columns: [ColumnDefinition(name: "k", type: .text), ColumnDefinition(name: "v", type: .integer)])
    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        let rows: [[Value]] = [[.text("a"), .int(1)], [.text("a"), .text("2")], [.text("b"), .double(2.5)], [.text("b"), .int(3)]]
        guard let projection = request.projection else { return rows }
        return rows.map { row in projection.map { row[$0] } }
    }
}

/// A provider whose second row lacks a column.
final class RaggedTable: TableProvider {
    let schema = TableSchema(columns: [ColumnDefinition(name: "k", type: .text), ColumnDefinition(name: "v", type: .integer)])
    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        let rows: [[Value]] = [[.text("a"), .int(1)], [.text("a")]]
        guard let projection = request.projection else { return rows }
        return rows.map { row in projection.map { $0 < row.count ? row[$0] : .null } }.enumerated().map { $0.offset == 1 ? [] : $0.element }
    }
}
