#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import PoolSQL
import PoolSQLCore
import PoolSQLREPL

let command: PoolSQLCommand
do {
    command = try PoolSQLCommand.parse()
} catch {
    // --help exits 0 with the help text; every other parse error is a usage error: exit 2, as
    // psql (ArgumentParser would use 64).
    if PoolSQLCommand.exitCode(for: error) == .success { PoolSQLCommand.exit(withError: error) }
    FileHandle.standardError.write(Data((PoolSQLCommand.fullMessage(for: error) + "\n").utf8))
    exit(2)
}

if command.version {
    print("poolsql \(PoolSQLVersion.current)")
    exit(0)
}

let environment = ProcessInfo.processInfo.environment
/// Where views and other state live when neither --data-dir nor POOLSQL_DATA_DIR says:
/// `$XDG_DATA_HOME/poolsql`, else `~/.local/share/poolsql` (created on first write).
func defaultDataDirectory(_ environment: [String: String]) -> String? {
    if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/poolsql" }
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    return home + "/.local/share/poolsql"
}
let dataDirectory = command.dataDirectory ?? environment["POOLSQL_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
    ?? defaultDataDirectory(environment)

let engine: Engine
do {
    engine = try Engine(configuration: EngineConfiguration(dataDirectory: dataDirectory))
} catch {
    FileHandle.standardError.write(Data(("poolsql: " + error.rendered(source: nil) + "\n").utf8))
    exit(1)
}
let session = engine.makeSession()

let launcher = Launcher(
    options: command.launchOptions,
    executor: session,
    createDefaultPool: { (uri: String) throws(PoolSQLError) in
        // Creates the `default` pool through SQL; Engine.createPool(name:uri:environment:) can
        // replace this once the façade has it.
        _ = try session.execute(Launcher.createPoolStatement(name: "default", uri: uri))
    },
    attachStore: { (uri: String) throws(PoolSQLError) in
        try engine.setMetricsStore(uri)
    },
    standardInputIsTerminal: isatty(0) == 1
)
let status = launcher.run()
engine.shutdown()
exit(status)
