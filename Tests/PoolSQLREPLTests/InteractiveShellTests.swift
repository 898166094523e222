import PoolSQLREPL
import PoolSQLSyntax
import Testing

@Suite("Interactive shell")
struct InteractiveShellTests {
    @Test func promptsFollowPsql() {
        #expect(InteractiveShell.prompt(for: .none) == "poolsql=> ")
        #expect(InteractiveShell.prompt(for: .statement) == "poolsql-> ")
        #expect(InteractiveShell.prompt(for: .singleQuote) == "poolsql'> ")
        #expect(InteractiveShell.prompt(for: .doubleQuote) == "poolsql\"> ")
        #expect(InteractiveShell.prompt(for: .blockComment) == "poolsql*> ")
        #expect(InteractiveShell.prompt(for: .parenthesis) == "poolsql(> ")
    }

    @Test func historyFileComesFromTheEnvironmentOrHome() {
        #expect(InteractiveShell.defaultHistoryFile(environment: ["POOLSQL_HISTFILE": "/tmp/h", "HOME": "/home/u"]) == "/tmp/h")
        #expect(InteractiveShell.defaultHistoryFile(environment: ["HOME": "/home/u"]) == "/home/u/.poolsql_history")
    }
}
