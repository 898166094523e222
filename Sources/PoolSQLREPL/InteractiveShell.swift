#if canImport(Glibc)
import Glibc
#endif
import CReadline
import Foundation
import PoolSQLSyntax
import Synchronization

/// The interactive REPL over GNU readline: line editing, a persistent history, psql's prompts
/// (`poolsql=> `, and `poolsql-> `, `poolsql'> `, `poolsql"> `, `poolsql*> `, `poolsql(> ` while a
/// statement is unfinished), statements run when their `;` is typed, errors shown and the session
/// goes on. Ctrl-C discards the current input, or stops a running load test (which keeps its
/// partial result); Ctrl-D (or `\q`) leaves.
public final class InteractiveShell {
    public let runner: ScriptRunner
    /// Where history is kept between sessions; nil keeps none.
    public let historyFile: String?
    /// Entries kept in the history file, as psql's HISTSIZE.
    public var historySize: Int32 = 500

    private var lastHistoryEntry: String?

    public init(runner: ScriptRunner, historyFile: String?) {
        self.runner = runner
        self.historyFile = historyFile
    }

    /// `$POOLSQL_HISTFILE`, else `~/.poolsql_history`.
    public static func defaultHistoryFile(environment: [String: String]) -> String? {
        if let path = environment["POOLSQL_HISTFILE"], !path.isEmpty { return path }
        let home = environment["HOME"] ?? NSHomeDirectory()
        guard !home.isEmpty else { return nil }
        return home + "/.poolsql_history"
    }

    /// The prompt for the splitter's state.
    public static func prompt(for continuation: StatementSplitter.Continuation) -> String {
        switch continuation {
        case .none: return "poolsql=> "
        case .statement: return "poolsql-> "
        case .singleQuote: return "poolsql'> "
        case .doubleQuote: return "poolsql\"> "
        case .blockComment: return "poolsql*> "
        case .parenthesis: return "poolsql(> "
        }
    }

    /// Runs the REPL until `\q` or end of input. Returns the exit status (0).
    public func run() -> Int32 {
        let terminal = ReadlineTerminal()
        terminal.start()
        defer { terminal.stop() }
        runner.terminalColumns = {
            let columns = poolsql_terminal_columns(1)
            return columns > 0 ? Int(columns) : nil
        }
        // A load test draws a live progress line, on a terminal only.
        if isatty(1) == 1 {
            let line = LoadTestProgressLine(output: runner.output) {
                let columns = poolsql_terminal_columns(1)
                return columns > 0 ? Int(columns) : nil
            }
            runner.executor.setLoadTestProgressHandler(line.handler)
        }
        defer { runner.executor.setLoadTestProgressHandler(nil) }
        let interrupter = runner.executor.makeInterrupter()
        loadHistory()
        defer { saveHistory() }

        runner.output.write("poolsql (\(PoolSQLVersion.current))\nType \"help\" for help.\n\n")
        runner.output.flush()

        var splitter = StatementSplitter()
        var entryLines: [String] = []
        while true {
            runner.output.flush()
            runner.errors.flush()
            let prompt = splitter.hasPendingInput ? Self.prompt(for: splitter.continuation) : Self.prompt(for: .none)
            switch terminal.readLine(prompt: prompt) {
            case .interrupted:
                // As psql: Ctrl-C throws away what was typed so far and starts over.
                splitter.discardPendingInput()
                entryLines = []
                runner.output.write("\n")
            case .endOfInput:
                runner.output.write("\\q\n")
                return 0
            case let .line(line):
                if !splitter.hasPendingInput, let word = Self.bareWord(line) {
                    switch word {
                    case "quit", "exit":
                        addHistory(line)
                        return 0
                    case "help":
                        addHistory(line)
                        runner.output.write("You are using poolsql, the command-line interface to PoolSQL.\nType:  \\? for help with poolsql commands\n       \\q to quit\n")
                        continue
                    default:
                        break
                    }
                }
                entryLines.append(line)
                for item in splitter.feed(line + "\n") {
                    // Ctrl-C while a statement runs interrupts it (a load test stops and keeps
                    // its partial result) instead of ending poolsql.
                    let outcome = terminal.whileWatchingInterrupts(interrupter) {
                        runner.run(item, source: .commandLine, splitter: &splitter)
                    }
                    if outcome == .quit {
                        addHistory(entryLines.joined(separator: "\n"))
                        return 0
                    }
                }
                if !splitter.hasPendingInput {
                    addHistory(entryLines.joined(separator: "\n"))
                    entryLines = []
                }
            }
        }
    }

    /// `quit`, `exit` or `help` typed alone (optionally with `;`), which psql understands.
    private static func bareWord(_ line: String) -> String? {
        var word = line.trimmingCharacters(in: .whitespaces).lowercased()
        if word.hasSuffix(";") { word.removeLast() }
        return ["quit", "exit", "help"].contains(word) ? word : nil
    }

    private func addHistory(_ entry: String) {
        guard !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, entry != lastHistoryEntry else { return }
        add_history(entry)
        lastHistoryEntry = entry
    }

    private func loadHistory() {
        using_history()
        stifle_history(historySize)
        guard let historyFile else { return }
        _ = read_history(historyFile)
        rewriteHistory { $0.replacingOccurrences(of: Self.encodedLineBreak, with: "\n") }
    }

    /// The history file has one entry per line, so the line breaks of multi-line statements are
    /// stored as Ctrl-A, as psql does.
    private static let encodedLineBreak = "\u{01}"

    /// Applies `transform` to every entry of readline's history list.
    private func rewriteHistory(_ transform: (String) -> String) {
        guard let list = history_list() else { return }
        var index = 0
        while let entry = list[index] {
            if let line = entry.pointee.line {
                let text = String(cString: line)
                let changed = transform(text)
                if changed != text, let old = replace_history_entry(Int32(index), changed, entry.pointee.data) {
                    _ = free_history_entry(old)
                }
            }
            index += 1
        }
    }

    private func saveHistory() {
        guard let historyFile else { return }
        rewriteHistory { $0.replacingOccurrences(of: "\n", with: Self.encodedLineBreak) }
        let status = write_history(historyFile)
        if status != 0 {
            runner.errors.write("could not save history to file \"\(historyFile)\": \(String(cString: strerror(status)))\n")
            runner.errors.flush()
        }
    }
}
