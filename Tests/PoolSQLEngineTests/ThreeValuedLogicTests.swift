import PoolSQLCore
import Testing

/// SQL's three-valued logic: TRUE, FALSE and NULL (unknown).
@Suite struct ThreeValuedLogicTests {
    static let operands: [(sql: String, value: Bool?)] = [("TRUE", true), ("FALSE", false), ("NULL::boolean", nil)]

    static func show(_ b: Bool?) -> String { b.map { $0 ? "t" : "f" } ?? "NULL" }

    @Test func andOrTruthTables() throws {
        for (a, av) in Self.operands {
            for (b, bv) in Self.operands {
                let expectedAnd: Bool? = (av == false || bv == false) ? false : (av == nil || bv == nil ? nil : true)
                let expectedOr: Bool? = (av == true || bv == true) ? true : (av == nil || bv == nil ? nil : false)
                let row = try Harness.lines("SELECT \(a) AND \(b), \(a) OR \(b)")
                #expect(row == ["\(Self.show(expectedAnd)) \(Self.show(expectedOr))"], "\(a) AND/OR \(b)")
            }
        }
    }

    @Test func notAndIsTests() throws {
        #expect(try Harness.lines("SELECT NOT TRUE, NOT FALSE, NOT NULL::boolean") == ["f t NULL"])
        #expect(try Harness.lines("SELECT NULL::boolean IS TRUE, NULL::boolean IS NOT TRUE, NULL::boolean IS UNKNOWN, FALSE IS NOT FALSE") == ["f t t f"])
    }

    @Test func comparisonsWithNullAreUnknown() throws {
        #expect(try Harness.lines("SELECT 1 = NULL, NULL <> NULL, 1 IN (2, NULL), 1 NOT IN (2, NULL), 1 IN (1, NULL)") == ["NULL NULL NULL NULL t"])
        #expect(try Harness.lines("SELECT NULL IS DISTINCT FROM NULL, 1 IS DISTINCT FROM NULL") == ["f t"])
    }

    @Test func whereKeepsOnlyTrueRows() throws {
        // enabled is TRUE for 3 pools, FALSE for 1, NULL for 1: neither half sees the NULL row.
        #expect(try Harness.lines("SELECT pool_name FROM pools WHERE enabled").count == 3)
        #expect(try Harness.lines("SELECT pool_name FROM pools WHERE NOT enabled") == ["search"])
        #expect(try Harness.lines("SELECT pool_name FROM pools WHERE enabled OR NOT enabled").count == 4)
    }

    @Test func andShortCircuitsOnFalse() throws {
        // The right side would fail; a definite FALSE on the left decides the result.
        let table = RecordingTable(support: { _ in .unsupported })
        #expect(try Harness.lines("SELECT pool_name FROM pools WHERE in_use > 100 AND 10 / (in_use - in_use) > 1", tables: ["pools": table]) == [])
        #expect(try Harness.lines("SELECT pool_name FROM pools WHERE in_use <> 0 AND 10 / in_use > 1 ORDER BY 1", tables: ["pools": table]) == ["analytics"])
        #expect(try Harness.lines("SELECT pool_name FROM pools WHERE in_use < 100 OR 10 / (in_use - in_use) > 1", tables: ["pools": table]).count == 5)
    }
}
