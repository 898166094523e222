import PoolSQL
import PoolSQLCore
import PoolSQLREPL
import Testing

@Suite("Result formatting")
struct ResultFormatterTests {
    let poolColumns = [ResultColumn(name: "pool_name", type: .text), ResultColumn(name: "active", type: .integer)]
    let poolRows: [[Value]] = [[.text("orders"), .int(3)], [.text("analytics_replica"), .int(12)]]

    @Test func alignedCentersHeadersRightAlignsNumbersAndCountsRows() {
        let text = AlignedFormatter().format(columns: poolColumns, rows: poolRows)
        #expect(text == """
                 pool_name     | active 
            -------------------+--------
             orders            |      3
             analytics_replica |     12
            (2 rows)


            """)
    }

    @Test func alignedSingleRowNullsAndLastNumericColumn() {
        let columns = [ResultColumn(name: "two", type: .integer)]
        #expect(AlignedFormatter().format(columns: columns, rows: [[.int(2)]]) == " two \n-----\n   2\n(1 row)\n\n")
        let mixed = [ResultColumn(name: "a", type: .text), ResultColumn(name: "ratio", type: .numeric(precision: nil, scale: nil))]
        let text = AlignedFormatter().format(columns: mixed, rows: [[.null, .numeric(SQLNumeric(parsing: "0.75")!)], [.text("x"), .null]])
        #expect(text == " a | ratio \n---+-------\n   |  0.75\n x |      \n(2 rows)\n\n")
    }

    @Test func alignedWithoutRows() {
        #expect(AlignedFormatter().format(columns: poolColumns, rows: []) == " pool_name | active \n-----------+--------\n(0 rows)\n\n")
    }

    @Test func alignedMarksContinuedLinesOfMultiLineValues() {
        let columns = [ResultColumn(name: "c", type: .text), ResultColumn(name: "d", type: .integer)]
        let text = AlignedFormatter().format(columns: columns, rows: [[.text("a\nbb"), .int(1)]])
        #expect(text == " c  | d \n----+---\n a +| 1\n bb | \n(1 row)\n\n")
        let last = AlignedFormatter().format(columns: [ResultColumn(name: "?column?", type: .text)], rows: [[.text("a\nbb")]])
        #expect(last == " ?column? \n----------\n a       +\n bb\n(1 row)\n\n")
    }

    @Test func alignedMeasuresWideCharacters() {
        let text = AlignedFormatter().format(columns: [ResultColumn(name: "n", type: .text)], rows: [[.text("日本")], [.text("abc")]])
        #expect(text == "  n   \n------\n 日本\n abc\n(2 rows)\n\n")
    }

    @Test func expandedShowsOneRecordPerBlock() {
        let text = ExpandedFormatter().format(columns: poolColumns, rows: poolRows)
        #expect(text == """
            -[ RECORD 1 ]----------------
            pool_name | orders
            active    | 3
            -[ RECORD 2 ]----------------
            pool_name | analytics_replica
            active    | 12


            """)
    }

    @Test func expandedRuleGrowsWithLongColumnNames() {
        let columns = [ResultColumn(name: "connection_utilization", type: .doublePrecision)]
        let text = ExpandedFormatter().format(columns: columns, rows: [[.double(0.5)]])
        #expect(text == "-[ RECORD 1 ]----------+----\nconnection_utilization | 0.5\n\n")
        let narrow = ExpandedFormatter().format(columns: [ResultColumn(name: "a", type: .integer)], rows: [[.int(1)]])
        #expect(narrow == "-[ RECORD 1 ]\na | 1\n\n")
        #expect(ExpandedFormatter().format(columns: columns, rows: []) == "(0 rows)\n\n")
    }

    @Test func csvQuotesOnlyWhenNeeded() {
        let columns = [ResultColumn(name: "name", type: .text), ResultColumn(name: "note, with comma", type: .text), ResultColumn(name: "n", type: .integer)]
        let rows: [[Value]] = [
            [.text("plain"), .text("say \"hi\""), .int(1)],
            [.text("two\nlines"), .null, .int(-2)],
            [.text(""), .text("\\."), .null],
        ]
        let expected = "name,\"note, with comma\",n\n"
            + "plain,\"say \"\"hi\"\"\",1\n"
            + "\"two\nlines\",,-2\n"
            + ",\"\\.\",\n"
        #expect(CSVFormatter().format(columns: columns, rows: rows) == expected)
    }

    @Test func jsonUsesNativeTypes() {
        let columns = [
            ResultColumn(name: "name", type: .text), ResultColumn(name: "n", type: .integer),
            ResultColumn(name: "ratio", type: .doublePrecision), ResultColumn(name: "ok", type: .boolean),
            ResultColumn(name: "missing", type: .text), ResultColumn(name: "price", type: .numeric(precision: 10, scale: 2)),
        ]
        let rows: [[Value]] = [[.text("a \"q\"\n"), .int(7), .double(0.25), .bool(true), .null, .numeric(SQLNumeric(parsing: "12.50")!)]]
        #expect(JSONFormatter().format(columns: columns, rows: rows) == """
            [
              {"name": "a \\"q\\"\\n", "n": 7, "ratio": 0.25, "ok": true, "missing": null, "price": 12.50}
            ]

            """)
        #expect(JSONFormatter().format(columns: columns, rows: []) == "[]\n")
    }

    @Test func commandTagsPrintOnlyInAlignedMode() {
        let result = QueryResult.command("CREATE POOL")
        #expect(ResultFormatter(settings: DisplaySettings(format: .aligned)).render(result) == "CREATE POOL\n")
        #expect(ResultFormatter(settings: DisplaySettings(format: .csv)).render(result) == "")
        #expect(ResultFormatter(settings: DisplaySettings(format: .json)).render(result) == "")
    }

    @Test func expandedAutoExpandsOnlyWhenTooWide() {
        let result = QueryResult(columns: poolColumns, rows: poolRows, commandTag: "SELECT 2")
        let auto = DisplaySettings(format: .aligned, expanded: .auto)
        #expect(ResultFormatter(settings: auto, terminalColumns: 80).render(result).hasPrefix("     pool_name"))
        #expect(ResultFormatter(settings: auto, terminalColumns: 20).render(result).hasPrefix("-[ RECORD 1 ]"))
        #expect(ResultFormatter(settings: auto, terminalColumns: nil).render(result).hasPrefix("     pool_name"))
    }

    @Test func timingLinesFollowPsql() {
        #expect(ScriptRunner.timingLine(milliseconds: 1.2344) == "Time: 1.234 ms")
        #expect(ScriptRunner.timingLine(milliseconds: 0) == "Time: 0.000 ms")
        #expect(ScriptRunner.timingLine(milliseconds: 61_234) == "Time: 61234.000 ms (01:01.234)")
        #expect(ScriptRunner.timingLine(milliseconds: 3_723_000) == "Time: 3723000.000 ms (01:02:03.000)")
    }
}
