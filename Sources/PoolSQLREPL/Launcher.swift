import Foundation
import PoolSQLCore

/// What `poolsql` does once its options are parsed: create the `default` pool for `--uri`, run
/// the init file, then `-c` texts, `-f` files, the REPL (standard input is a terminal) or the
/// SQL piped to standard input. Returns the exit status: 0, or 1 after a failed statement.
public final class Launcher {
    /// Creates the pool named `default` for `--uri`.
    public typealias PoolCreator = (_ uri: String) throws(PoolSQLError) -> Void
    /// Attaches the metrics store for `--store`.
    public typealias StoreAttacher = (_ uri: String) throws(PoolSQLError) -> Void

    public let options: LaunchOptions
    public let runner: ScriptRunner
    private let createDefaultPool: PoolCreator?
    private let attachStore: StoreAttacher?
    private let standardInputIsTerminal: Bool
    private let environment: [String: String]

    /// - Parameters:
    ///   - createDefaultPool: how `--uri` creates its pool; nil runs
    ///     `CREATE POOL "default" URI '…'` through the executor.
    ///   - attachStore: how `--store` attaches the metrics store; nil runs
    ///     `SET metrics_store = '…'` through the executor.
    ///   - standardInputIsTerminal: whether to open the REPL when there is no `-c`/`-f`.
    public init(
        options: LaunchOptions,
        executor: any StatementExecutor,
        createDefaultPool: PoolCreator? = nil,
        attachStore: StoreAttacher? = nil,
        output: any TextSink = FileDescriptorSink.standardOutput,
        errors: any TextSink = FileDescriptorSink.standardError,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        standardInputIsTerminal: Bool
    ) {
        self.options = options
        self.runner = ScriptRunner(
            executor: executor, settings: DisplaySettings(format: options.format),
            output: output, errors: errors, environment: environment
        )
        self.createDefaultPool = createDefaultPool
        self.attachStore = attachStore
        self.standardInputIsTerminal = standardInputIsTerminal
        self.environment = environment
    }

    /// The statement `--uri` runs when no pool creator is given: the URI as a string literal
    /// (quotes doubled), the name quoted because DEFAULT is a reserved word.
    public static func createPoolStatement(name: String = "default", uri: String) -> String {
        "CREATE POOL \(VariableName.identifier(name)) URI \(VariableName.literal(uri))"
    }

    /// The init file to run: `--init FILE`, else `~/.poolsqlrc` when it exists; nil with
    /// `--no-init`.
    public func initFilePath() -> String? {
        if options.skipInit { return nil }
        if let path = options.initFile { return ScriptRunner.expandingTilde(path, environment: environment) }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let path = home + "/.poolsqlrc"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    public func run() -> Int32 {
        defer {
            runner.output.flush()
            runner.errors.flush()
        }
        if let store = options.store, !attach(store: store) { return 1 }
        if let uri = options.uri, !createPool(uri: uri) { return 1 }

        if let path = initFilePath() {
            // As psql's psqlrc: a failing init file is reported, and the session still starts,
            // except that an unreadable explicit --init file is an error.
            let outcome = runner.runFile(path: path)
            if outcome == .quit { return 0 }
            if outcome == .failed, options.initFile != nil, !FileManager.default.isReadableFile(atPath: path) { return 1 }
        }

        if !options.commands.isEmpty {
            for text in options.commands {
                switch runner.run(text: text, source: .commandLine) {
                case .completed: continue
                case .failed: return 1
                case .quit: return 0
                }
            }
            return 0
        }
        if !options.files.isEmpty {
            for path in options.files {
                let outcome: ScriptRunner.Outcome
                if path == "-" {
                    guard let reader = LineReader.standardInput() else { return 1 }
                    outcome = runner.run(lines: reader, source: .standardInput)
                } else {
                    outcome = runner.runFile(path: ScriptRunner.expandingTilde(path, environment: environment))
                }
                switch outcome {
                case .completed: continue
                case .failed: return 1
                case .quit: return 0
                }
            }
            return 0
        }
        if standardInputIsTerminal {
            let shell = InteractiveShell(runner: runner, historyFile: InteractiveShell.defaultHistoryFile(environment: environment))
            return shell.run()
        }
        guard let reader = LineReader.standardInput() else { return 1 }
        return runner.run(lines: reader, source: .standardInput) == .failed ? 1 : 0
    }

    private func createPool(uri: String) -> Bool {
        do {
            if let createDefaultPool {
                try createDefaultPool(uri)
            } else {
                let statement = Self.createPoolStatement(uri: uri)
                do {
                    // Results are not printed: start-up should not add a `CREATE POOL` line to
                    // the output of `-c` or a script.
                    _ = try runner.executor.execute(statement)
                } catch {
                    runner.errors.write(error.rendered(source: statement) + "\n")
                    runner.errors.flush()
                    return false
                }
            }
            return true
        } catch {
            // The error is about the URI, not about any text the user typed.
            var error = error
            error.range = nil
            runner.errors.write(error.rendered(source: nil) + "\n")
            runner.errors.flush()
            return false
        }
    }

    /// Attaches `--store`. Errors are printed without the statement: it holds the URI, whose
    /// password the error must not show (the store's errors show it redacted).
    private func attach(store uri: String) -> Bool {
        do {
            if let attachStore {
                try attachStore(uri)
            } else {
                _ = try runner.executor.execute("SET metrics_store = \(VariableName.literal(uri))")
            }
            return true
        } catch {
            var error = error
            error.range = nil
            runner.errors.write(error.rendered(source: nil) + "\n")
            runner.errors.flush()
            return false
        }
    }
}
