import Foundation
import PoolSQL
import PoolSQLCore
import PoolSQLREPL
import Synchronization

/// An ordered record of what happened, shared by the fake executor and the line sources.
final class EventLog: Sendable {
    private let events = Mutex<[String]>([])

    func append(_ event: String) { events.withLock { $0.append(event) } }

    var all: [String] { events.withLock { $0 } }
}

/// Stands in for a Session: logs each SQL text and answers a few shapes of statement.
/// - `SELEC …` fails with a syntax error at `SELEC`, as the real parser would.
/// - `FAIL …` fails with an error without a position.
/// - `SELECT n` returns one integer column `?column?` with value n.
/// - `NOTICE text` returns a command with a notice.
/// - anything else is a command whose tag is the first word, upper-cased.
final class FakeExecutor: StatementExecutor {
    let log: EventLog
    private(set) var executed: [String] = []

    init(log: EventLog = EventLog()) {
        self.log = log
    }

    func execute(_ sql: String) throws(PoolSQLError) -> [QueryResult] {
        executed.append(sql)
        log.append("exec \(sql)")
        var text = Substring(sql)
        if text.hasSuffix(";") { text = text.dropLast() }
        if text.hasPrefix("SELEC ") {
            let range = SourceRange(start: SourceLocation(line: 1, column: 1, offset: 0), end: SourceLocation(line: 1, column: 6, offset: 5))
            throw PoolSQLError.syntax("syntax error at or near \"SELEC\"", at: range)
        }
        if text.hasPrefix("FAIL") {
            throw PoolSQLError(.dataException, "it failed")
        }
        if text.hasPrefix("NOTICE ") {
            return [.command("DO", notices: [String(text.dropFirst(7))])]
        }
        if text.hasPrefix("SELECT "), let number = Int64(text.dropFirst(7)) {
            return [QueryResult(columns: [ResultColumn(name: "?column?", type: .integer)], rows: [[.int(number)]], commandTag: "SELECT 1")]
        }
        let word = text.split(whereSeparator: \.isWhitespace).first.map { $0.uppercased() } ?? ""
        return [.command(word)]
    }
}

/// Lines handed out one at a time, logging each as it is read, like a pipe.
struct LoggedLines: Sequence, IteratorProtocol {
    var lines: [String]
    let log: EventLog

    mutating func next() -> String? {
        guard !lines.isEmpty else { return nil }
        let line = lines.removeFirst()
        log.append("read \(line.trimmingCharacters(in: .newlines))")
        return line
    }
}
