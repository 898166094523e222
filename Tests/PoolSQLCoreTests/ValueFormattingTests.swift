import PoolSQLCore
import Testing

@Suite struct ValueFormattingTests {
    @Test func numericKeepsScaleAndRoundsHalfAwayFromZero() throws {
        let n = try #require(SQLNumeric(parsing: "2.345"))
        #expect(n.rounded(toPlaces: 2).description == "2.35")
        #expect(SQLNumeric(parsing: "-2.345")!.rounded(toPlaces: 2).description == "-2.35")
        #expect(SQLNumeric(parsing: "1.50")!.description == "1.50")
        #expect(SQLNumeric(parsing: "12.3")!.rounded(toPlaces: 2).description == "12.30")
    }

    @Test func doublesPrintLikePostgres() {
        #expect(Value.double(0.1).description == "0.1")
        #expect(Value.double(2).description == "2")
        #expect(Value.double(1e20).description == "1e+20")
        #expect(Value.double(1.5e-5).description == "1.5e-05")
        #expect(Value.double(123456.789).description == "123456.789")
    }

    @Test func timestampsAndIntervals() {
        let t = Timestamp(fields: .init(year: 2026, month: 11, day: 27, hour: 18, minute: 5, second: 9, microsecond: 500_000))
        #expect(t.description == "2026-11-27 18:05:09.5")
        #expect(Timestamp(microseconds: t.microseconds).fields == t.fields)
        #expect(Interval(days: 1, microseconds: 7_200_000_000).description == "1 day 02:00:00")
        #expect(Interval(months: 14).description == "1 year 2 mons")
        #expect(Interval().description == "00:00:00")
    }

    @Test func errorRendersCaretUnderOffendingText() {
        let sql = "\nSELECT pool_name FORM mongodb_connection_pools"
        let at = SourceLocation(line: 2, column: 18, offset: 18)
        let e = PoolSQLError.syntax("syntax error at or near \"FORM\"", hint: "did you mean FROM?", at: SourceRange(at: at))
        #expect(e.rendered(source: sql) == """
            ERROR 42601: syntax error at or near "FORM"
            LINE 2: SELECT pool_name FORM mongodb_connection_pools
                                     ^
            HINT: did you mean FROM?
            """)
        #expect(ClosestName.find("FORM", in: ["FROM", "WHERE"]) == "FROM")
        #expect(ClosestName.find("xyzzy", in: ["FROM", "WHERE"]) == nil)
    }
}

@Suite struct CredentialRedactionTests {
    @Test func passwordsAreMaskedAndTheCaretFollowsTheText() {
        #expect(CredentialRedaction.redact("CREATE POOL p URI 'mongodb://app:hunter2@db1:27017/?x=1'")
                == "CREATE POOL p URI 'mongodb://app:****@db1:27017/?x=1'")
        #expect(CredentialRedaction.redact("mongodb+srv://u:p%40ss@cluster/db") == "mongodb+srv://u:****@cluster/db")
        #expect(CredentialRedaction.redact("mongodb://nopassword@db1") == "mongodb://nopassword@db1")
        let sql = "CREATE POOL p URI 'mongodb://app:longpassword@db1' ENVIRONMEN 'x'"
        let environ = sql.range(of: "ENVIRONMEN")!
        let caret = sql.distance(from: sql.startIndex, to: environ.lowerBound) + 1
        let error = PoolSQLError.syntax("syntax error at or near \"ENVIRONMEN\"", at: SourceRange(at: SourceLocation(line: 1, column: caret, offset: caret - 1)))
        let lines = error.rendered(source: sql).split(separator: "\n").map(String.init)
        #expect(!lines[1].contains("longpassword"))
        let caretIndex = lines[2].firstIndex(of: "^").map { lines[2].distance(from: lines[2].startIndex, to: $0) }
        let wordIndex = lines[1].range(of: "ENVIRONMEN").map { lines[1].distance(from: lines[1].startIndex, to: $0.lowerBound) }
        #expect(caretIndex == wordIndex)
    }
}
