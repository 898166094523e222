import Foundation
import Synchronization
import Testing

/// Runs the built `poolsql` executable, which sits next to the test bundle in the build
/// directory (`.build/debug`).
@Suite("poolsql process")
struct PoolsqlProcessTests {
    struct Run {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    static func executableURL() throws -> URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("poolsql"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("poolsql"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("poolsql"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/poolsql"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates.map(\.path).joined(separator: ", ")])
        }
        return found
    }

    /// The environment of a poolsql child: a throw-away HOME, no history file, and no data
    /// directory unless `extra` names one.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("poolsql-no-home-\(UUID().uuidString)").path
        environment["POOLSQL_HISTFILE"] = "/dev/null"
        // Views go to the throw-away HOME unless a test names a data directory.
        environment["XDG_DATA_HOME"] = nil
        environment["POOLSQL_DATA_DIR"] = nil
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Runs poolsql without an init file and with a throw-away HOME, feeding `input` on stdin.
    func poolsql(_ arguments: [String], input: String = "", environment extra: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = try Self.executableURL()
        process.arguments = arguments
        process.environment = Self.environment(extra)
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, standardOutput: String(decoding: out, as: UTF8.self), standardError: String(decoding: err, as: UTF8.self))
    }

    // Needs the engine: passes once Session.execute runs SQL.
    @Test func commandPrintsCSV() throws {
        let run = try poolsql(["-c", "SELECT 1 + 1 AS two", "--format", "csv"])
        #expect(run.standardOutput == "two\n2\n")
        #expect(run.status == 0)
    }

    // Needs the engine: passes once Session.execute reports syntax errors.
    @Test func syntaxErrorExitsOneWithCodeAndCaret() throws {
        let run = try poolsql(["-c", "SELEC 1"])
        #expect(run.status == 1)
        #expect(run.standardError.contains("42601"))
        let lines = run.standardError.split(separator: "\n")
        #expect(lines.contains(where: { $0.hasPrefix("LINE 1: SELEC 1") }))
        #expect(lines.contains(where: { $0.wholeMatch(of: /\s+\^/) != nil }))
    }

    @Test func usageErrorsExitTwo() throws {
        let unknown = try poolsql(["--no-such-option"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("--no-such-option"))
        #expect(try poolsql(["--format", "xml", "-c", "SELECT 1"]).status == 2)
        #expect(try poolsql(["-c", "SELECT 1", "-f", "x.sql"]).status == 2)
        #expect(try poolsql(["--init", "a.sql", "--no-init"]).status == 2)
    }

    @Test func versionAndHelpExitZero() throws {
        let version = try poolsql(["--version"])
        #expect(version.status == 0)
        #expect(version.standardOutput.hasPrefix("poolsql "))
        #expect(try poolsql(["-v"]).status == 0)
        let help = try poolsql(["--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("--format"))
    }

    @Test func metaCommandsRunFromAPipe() throws {
        let run = try poolsql(["--no-init"], input: "\\echo one\n\\set x two\n\\echo :x\n\\q\n\\echo never\n")
        #expect(run.status == 0)
        #expect(run.standardOutput == "one\ntwo\n")
    }

    /// The first command's output must arrive while standard input is still open: poolsql
    /// reads a pipe line by line instead of waiting for its end.
    @Test func pipedInputRunsBeforeEndOfInput() throws {
        let process = Process()
        process.executableURL = try Self.executableURL()
        process.arguments = ["--no-init"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let inputClosed = Mutex<Bool>(false)
        // Only a guard against hanging forever if poolsql waited for end of input.
        let watchdog = DispatchWorkItem {
            inputClosed.withLock { closed in
                if !closed { try? stdin.fileHandleForWriting.close() }
                closed = true
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        stdin.fileHandleForWriting.write(Data("\\echo first\n".utf8))
        var received = Data()
        while !received.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received.append(chunk)
        }
        let closedEarly = inputClosed.withLock { closed in
            let wasClosed = closed
            closed = true
            return wasClosed
        }
        watchdog.cancel()
        #expect(!closedEarly)
        #expect(String(decoding: received, as: UTF8.self) == "first\n")
        if !closedEarly {
            stdin.fileHandleForWriting.write(Data("\\echo second\n".utf8))
            try stdin.fileHandleForWriting.close()
        }
        let rest = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(closedEarly || String(decoding: rest, as: UTF8.self) == "second\n")
    }

    @Test func failingMetaCommandInAPipeExitsOne() throws {
        let run = try poolsql(["--no-init"], input: "\\echo before\n\\nonsense\n\\echo after\n")
        #expect(run.status == 1)
        #expect(run.standardOutput == "before\n")
        #expect(run.standardError.contains("poolsql:<stdin>:2: invalid command \\nonsense"))
    }

    @Test func missingScriptFileExitsOne() throws {
        let run = try poolsql(["-f", "/nonexistent/script.sql"])
        #expect(run.status == 1)
        #expect(run.standardError.contains("No such file or directory"))
    }
}
