import PoolSQLCore
import Testing

/// Exact numeric sqrt/ln/log/exp/power at PostgreSQL 15's result scales, and how the
/// date/time kinds of `Timestamp` print (values checked against PostgreSQL 15).
@Suite struct NumericMathTests {
    func n(_ text: String) throws -> SQLNumeric { try #require(SQLNumeric(parsing: text)) }

    @Test func squareRootAndLogarithms() throws {
        #expect(try n("2.0").squareRoot().description == "1.414213562373095")
        #expect(try n("1234567.0").squareRoot().description == "1111.1107055554815")
        #expect(try n("10.0").naturalLogarithm().description == "2.3025850929940457")
        #expect(try n("1.05").naturalLogarithm().description == "0.048790164169432003")
        #expect(try SQLNumeric.logarithm(base: n("2.0"), n("1024")).description == "10.0000000000000000")
        #expect(try n("-5.0").exponential().description == "0.006737946999085467")
    }

    @Test func powers() throws {
        #expect(try SQLNumeric.power(n("10.0"), n("20")).description == "100000000000000000000.0000000000000000")
        #expect(try SQLNumeric.power(n("1.5"), n("2.5")).description == "2.7556759606310754")
        #expect(throws: PoolSQLError.self) { try SQLNumeric.power(n("0.0"), n("-1")) }
        #expect(throws: PoolSQLError.self) { try SQLNumeric.power(n("-8.0"), n("0.5")) }
    }

    @Test func timestampKindsPrintAsTheirTypes() throws {
        let t = try Timestamp(parsing: "2024-03-05 14:07:09.5")
        #expect(t.description == "2024-03-05 14:07:09.5")
        #expect(t.with(kind: .timestamptz).description == "2024-03-05 14:07:09.5+00")
        #expect(try Value.timestamp(t).cast(to: .date).description == "2024-03-05")
        #expect(t.with(kind: .date) == t)
        #expect(Timestamp(fields: .init(year: 0, month: 1, day: 1)).description == "0001-01-01 00:00:00 BC")
    }
}
