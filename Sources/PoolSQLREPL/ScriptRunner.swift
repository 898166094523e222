import Foundation
import PoolSQL
import PoolSQLCore
import PoolSQLSyntax

/// Runs statements and meta-commands — from `-c` text, a script file, a pipe or the REPL — and
/// prints their results, notices, errors and timings the way psql does.
///
/// A script (`run(lines:source:)`) stops at its first error; the REPL feeds items one by one
/// with `run(_:source:splitter:)` and carries on after errors.
public final class ScriptRunner {
    public enum Outcome: Sendable, Hashable {
        /// Everything ran.
        case completed
        /// A statement or meta-command failed; its error has been printed.
        case failed
        /// `\q` was given.
        case quit
    }

    public let executor: any StatementExecutor
    public var settings: DisplaySettings
    /// psql-style variables (`\set`, `\getenv`), substituted for `:name`, `:'name'`, `:"name"`.
    public var variables: [String: String] = [:]
    public let output: any TextSink
    public let errors: any TextSink
    /// Environment for `\getenv`.
    public var environment: [String: String]
    /// Milliseconds on a monotonic clock, for `\timing`.
    public var clock: () -> Double
    /// Terminal width for `\x auto`; nil when output is not a terminal.
    public var terminalColumns: () -> Int?

    /// Nesting of `\i` files, to stop a file that includes itself.
    var includeDepth = 0
    static let maximumIncludeDepth = 16

    public init(
        executor: any StatementExecutor,
        settings: DisplaySettings = DisplaySettings(),
        output: any TextSink,
        errors: any TextSink,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.executor = executor
        self.settings = settings
        self.output = output
        self.errors = errors
        self.environment = environment
        self.clock = ScriptRunner.monotonicMilliseconds
        self.terminalColumns = { nil }
    }

    /// Runs a script line by line: each statement runs as soon as its `;` has been read, so a
    /// pipe can drive a long session. Stops at the first error.
    public func run(lines: some Sequence<String>, source: ScriptSource) -> Outcome {
        var splitter = StatementSplitter()
        for line in lines {
            for item in splitter.feed(line) {
                let outcome = run(item, source: source, splitter: &splitter)
                if outcome != .completed { return outcome }
            }
        }
        for item in splitter.finish() {
            let outcome = run(item, source: source, splitter: &splitter)
            if outcome != .completed { return outcome }
        }
        return .completed
    }

    /// Runs text such as a `-c` argument (several statements allowed; the last needs no `;`).
    public func run(text: String, source: ScriptSource = .commandLine) -> Outcome {
        run(lines: text.linesKeepingBreaks(), source: source)
    }

    /// Runs a script file (`-f`, `\i`, the init file). Stops at the first error.
    /// - Parameters:
    ///   - source, line: where the `\i` that includes the file is, for error messages.
    public func runFile(path: String, includedFrom source: ScriptSource = .commandLine, line: Int? = nil) -> Outcome {
        guard includeDepth < Self.maximumIncludeDepth else {
            reportProblem("\(path): too many nested \\i files", source: source, line: line)
            return .failed
        }
        switch LineReader.open(path: path) {
        case let .failure(error):
            reportProblem(error.description, source: source, line: line)
            return .failed
        case let .success(reader):
            includeDepth += 1
            defer { includeDepth -= 1 }
            return run(lines: reader, source: .file(path))
        }
    }

    /// Runs one statement or meta-command. `splitter` is the one the item came from (`\r`
    /// clears its pending input).
    public func run(_ item: StatementSplitter.Item, source: ScriptSource, splitter: inout StatementSplitter) -> Outcome {
        switch item {
        case let .statement(statement):
            return run(statement, source: source)
        case let .metaCommand(command):
            return run(command, source: source, splitter: &splitter)
        }
    }

    /// Runs one statement, printing notices (stderr), results and the timing (stdout).
    public func run(_ statement: StatementSplitter.Statement, source: ScriptSource) -> Outcome {
        let sql = interpolateVariables(in: statement)
        let started = clock()
        let results: [QueryResult]
        do {
            results = try executor.execute(sql)
        } catch {
            output.flush()
            var message = error.rendered(source: sql)
            if let name = source.name {
                let line = statement.line + (error.range.map { $0.start.line - 1 } ?? 0)
                message = "poolsql:\(name):\(line): " + message
            }
            errors.write(message + "\n")
            errors.flush()
            return .failed
        }
        let elapsed = clock() - started
        let formatter = ResultFormatter(settings: settings, terminalColumns: terminalColumns())
        for result in results {
            if !result.notices.isEmpty {
                output.flush()
                for notice in result.notices { errors.write("NOTICE:  \(notice)\n") }
                errors.flush()
            }
            output.write(formatter.render(result))
        }
        if settings.timing { output.write(Self.timingLine(milliseconds: elapsed) + "\n") }
        output.flush()
        return .completed
    }

    /// psql's `\timing` line: `Time: 1.234 ms`, with `(mm:ss.fff)` and longer forms from one
    /// second on.
    public static func timingLine(milliseconds: Double) -> String {
        let ms = String(format: "%.3f", milliseconds)
        if milliseconds < 1000 { return "Time: \(ms) ms" }
        var seconds = milliseconds / 1000
        var minutes = (seconds / 60).rounded(.down)
        seconds -= 60 * minutes
        if minutes < 60 {
            return "Time: \(ms) ms (" + String(format: "%02d:%06.3f", Int(minutes), seconds) + ")"
        }
        var hours = (minutes / 60).rounded(.down)
        minutes -= 60 * hours
        if hours < 24 {
            return "Time: \(ms) ms (" + String(format: "%02d:%02d:%06.3f", Int(hours), Int(minutes), seconds) + ")"
        }
        let days = (hours / 24).rounded(.down)
        hours -= 24 * days
        return "Time: \(ms) ms (" + String(format: "%.0f d %02d:%02d:%06.3f", days, Int(hours), Int(minutes), seconds) + ")"
    }

    /// Prints a problem that is not a SQL error (a bad meta-command, an unreadable file), with
    /// the script prefix when there is one.
    func reportProblem(_ message: String, source: ScriptSource, line: Int?) {
        var text = message
        if let name = source.name, let line { text = "poolsql:\(name):\(line): " + text }
        output.flush()
        errors.write(text + "\n")
        errors.flush()
    }

    static func monotonicMilliseconds() -> Double {
        let now = ContinuousClock.now
        let sinceStart = now - processStart
        let (seconds, attoseconds) = sinceStart.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}

private let processStart = ContinuousClock.now

extension String {
    /// The text's lines, each with its line break (the last may have none).
    func linesKeepingBreaks() -> [String] {
        var lines: [String] = []
        var current = ""
        for character in self {
            current.append(character)
            if character == "\n" || character == "\r\n" {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
