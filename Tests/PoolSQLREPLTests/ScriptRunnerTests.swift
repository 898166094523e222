import Foundation
import PoolSQL
import PoolSQLCore
import PoolSQLREPL
import Testing

@Suite("Script runner")
struct ScriptRunnerTests {
    let executor = FakeExecutor()
    let output = StringSink()
    let errors = StringSink()

    func makeRunner(environment: [String: String] = [:]) -> ScriptRunner {
        ScriptRunner(executor: executor, output: output, errors: errors, environment: environment)
    }

    /// A fresh directory for script files, removed by the caller.
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("poolsql-repl-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func scriptStopsAtTheFirstErrorWithPositionAndCaret() {
        let runner = makeRunner()
        let outcome = runner.run(lines: ["SELECT 1;\n", "\n", "SELEC 2;\n", "SELECT 3;\n"], source: .standardInput)
        #expect(outcome == .failed)
        #expect(executor.executed == ["SELECT 1;", "SELEC 2;"])
        #expect(output.text == " ?column? \n----------\n        1\n(1 row)\n\n")
        #expect(errors.text == """
            poolsql:<stdin>:3: ERROR 42601: syntax error at or near "SELEC"
            LINE 1: SELEC 2;
                    ^

            """)
    }

    @Test func commandLineErrorsHaveNoScriptPrefix() {
        let runner = makeRunner()
        #expect(runner.run(text: "SELEC 1") == .failed)
        #expect(errors.text.hasPrefix("ERROR 42601: syntax error at or near \"SELEC\"\nLINE 1: SELEC 1\n        ^"))
    }

    @Test func eachStatementRunsAsSoonAsItsLineArrives() {
        let log = EventLog()
        let executor = FakeExecutor(log: log)
        let runner = ScriptRunner(executor: executor, output: output, errors: errors)
        let lines = LoggedLines(lines: ["SET a = 1;\n", "SHOW\n", "a;\n", "SELECT 4"], log: log)
        #expect(runner.run(lines: lines, source: .standardInput) == .completed)
        #expect(log.all == [
            "read SET a = 1;", "exec SET a = 1;",
            "read SHOW", "read a;", "exec SHOW\na;",
            "read SELECT 4", "exec SELECT 4",
        ])
        #expect(output.text.hasPrefix("SET\nSHOW\n ?column? \n"))
    }

    @Test func commandTextMayHoldSeveralStatementsAndTheLastNeedsNoSemicolon() {
        let runner = makeRunner()
        #expect(runner.run(text: "SET x = 1; SELECT 2") == .completed)
        #expect(executor.executed == ["SET x = 1;", "SELECT 2"])
    }

    @Test func timingPrintsPsqlStyleLineAfterEachStatement() {
        let runner = makeRunner()
        var ticks: [Double] = [100, 101.5, 200, 200.25]
        runner.clock = { ticks.isEmpty ? 0 : ticks.removeFirst() }
        #expect(runner.run(text: "\\timing on\nSET a = 1;\nSELECT 7;\n\\timing off\nSET b = 2;\n") == .completed)
        #expect(output.text == """
            Timing is on.
            SET
            Time: 1.500 ms
             ?column? 
            ----------
                    7
            (1 row)

            Time: 0.250 ms
            Timing is off.
            SET

            """)
    }

    @Test func timingOutputOfARealClockHasThreeDecimals() throws {
        let runner = makeRunner()
        _ = runner.run(text: "\\timing\nSET a = 1;")
        let line = try #require(output.text.split(separator: "\n").last)
        #expect(line.wholeMatch(of: /Time: \d+\.\d{3} ms/) != nil)
    }

    @Test func includeRunsAFileInPlace() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let included = directory.appendingPathComponent("setup.sql")
        try "SET a = 1;\nSET b = 2;\n".write(to: included, atomically: true, encoding: .utf8)
        let runner = makeRunner()
        #expect(runner.run(text: "SELECT 1;\n\\i \(included.path)\nSELECT 2;\n") == .completed)
        #expect(executor.executed == ["SELECT 1;", "SET a = 1;", "SET b = 2;", "SELECT 2;"])
    }

    @Test func includeRelativeResolvesAgainstTheScriptAndErrorsNameTheFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "\\ir inner.sql\nSELECT 9;\n".write(to: directory.appendingPathComponent("outer.sql"), atomically: true, encoding: .utf8)
        try "SET a = 1;\n\nFAIL now;\n".write(to: directory.appendingPathComponent("inner.sql"), atomically: true, encoding: .utf8)
        let runner = makeRunner()
        let outer = directory.appendingPathComponent("outer.sql").path
        #expect(runner.runFile(path: outer) == .failed)
        #expect(executor.executed == ["SET a = 1;", "FAIL now;"])
        #expect(errors.text == "poolsql:\(directory.path)/inner.sql:3: ERROR 22000: it failed\n")
    }

    @Test func includeOfAMissingFileFails() {
        let runner = makeRunner()
        #expect(runner.run(lines: ["\\i /nonexistent/poolsql.sql\n", "SELECT 1;\n"], source: .standardInput) == .failed)
        #expect(executor.executed.isEmpty)
        #expect(errors.text == "poolsql:<stdin>:1: /nonexistent/poolsql.sql: No such file or directory\n")
    }

    @Test func fileIncludingItselfStopsInsteadOfLoopingForever() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("loop.sql").path
        try "\\i \(path)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let runner = makeRunner()
        #expect(runner.runFile(path: path) == .failed)
        #expect(errors.text.contains("too many nested"))
    }

    @Test func quitStopsTheScript() {
        let runner = makeRunner()
        #expect(runner.run(text: "SET a = 1;\n\\q\nSET b = 2;\n") == .quit)
        #expect(executor.executed == ["SET a = 1;"])
    }

    @Test func expandedAndFormatSwitchesChangeTheOutput() {
        let runner = makeRunner()
        #expect(runner.run(text: "\\x on\nSELECT 5;\n\\x off\n\\format csv\nSELECT 6;\nSET a = 1;\n\\format json\nSELECT 7;\n") == .completed)
        #expect(output.text == """
            Expanded display is on.
            -[ RECORD 1 ]
            ?column? | 5

            Expanded display is off.
            Output format is csv.
            ?column?
            6
            Output format is json.
            [
              {"?column?": 7}
            ]

            """)
    }

    @Test func noticesGoToStandardError() {
        let runner = makeRunner()
        #expect(runner.run(text: "NOTICE pool p is unhealthy;") == .completed)
        #expect(errors.text == "NOTICE:  pool p is unhealthy\n")
        #expect(output.text == "DO\n")
    }

    @Test func variablesAreSubstitutedAsTextLiteralsAndIdentifiers() {
        let runner = makeRunner(environment: ["MONGODB_URI": "mongodb://h:1/?appName=it's"])
        let script = """
            \\getenv uri MONGODB_URI
            \\getenv unset NOT_IN_THE_ENVIRONMENT
            \\set name my"pool
            \\set size 5
            CREATE POOL :"name" URI :'uri' WITH (max_pool_size = :size);
            SELECT ':size', :unset;
            """
        #expect(runner.run(text: script) == .completed)
        #expect(executor.executed == [
            "CREATE POOL \"my\"\"pool\" URI 'mongodb://h:1/?appName=it''s' WITH (max_pool_size = 5);",
            "SELECT ':size', :unset;",
        ])
    }

    @Test func setWithoutArgumentsListsVariables() {
        let runner = makeRunner()
        #expect(runner.run(text: "\\set b 'two words'\n\\set a 1\n\\set\n\\echo :a :'b'\n") == .completed)
        #expect(output.text == "a = '1'\nb = 'two words'\n1 'two words'\n")
    }

    @Test func unknownMetaCommandsAndBadValuesFail() {
        let runner = makeRunner()
        #expect(runner.run(lines: ["\\frobnicate\n"], source: .standardInput) == .failed)
        #expect(errors.text == "poolsql:<stdin>:1: invalid command \\frobnicate\nTry \\? for help.\n")
        #expect(makeRunner().run(text: "\\x sideways") == .failed)
        #expect(makeRunner().run(text: "\\format xml") == .failed)
    }

    @Test func helpListsTheMetaCommands() {
        let runner = makeRunner()
        #expect(runner.run(text: "\\?") == .completed)
        for command in ["\\q", "\\?", "\\timing", "\\x", "\\i FILE", "\\format", "\\set", "\\getenv"] {
            #expect(output.text.contains(command))
        }
    }

    @Test func resetClearsThePendingStatement() {
        let runner = makeRunner()
        #expect(runner.run(text: "SET a =\n\\r\nSET b = 1;\n") == .completed)
        #expect(executor.executed == ["SET b = 1;"])
    }
}
