import ArgumentParser
import PoolSQLREPL

extension OutputFormat: ExpressibleByArgument {}

/// `poolsql`'s command line.
struct PoolSQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poolsql",
        abstract: "Manage and observe MongoDB connection pools with SQL.",
        discussion: """
            With no -c or -f and a terminal on standard input, opens the interactive REPL \
            (type \\? for its commands). Otherwise runs the SQL given with -c, in -f files, \
            or piped to standard input, each statement as soon as it is complete; a script \
            stops at its first error and exits 1. Usage errors exit 2.
            """
    )

    @Option(name: [.customShort("c"), .customLong("command")], help: ArgumentHelp("Run SQL (several statements allowed) and exit; may be repeated.", valueName: "SQL"))
    var commands: [String] = []

    @Option(name: [.customShort("f"), .customLong("file")], help: ArgumentHelp("Run a SQL script ('-' is standard input) and exit; may be repeated.", valueName: "FILE"))
    var files: [String] = []

    @Option(help: "Output format: aligned, csv or json.")
    var format: OutputFormat = .aligned

    @Option(help: ArgumentHelp("Create a pool named 'default' for this MongoDB URI at start-up.", valueName: "URI"))
    var uri: String?

    @Option(help: ArgumentHelp("Keep the metrics history in this MongoDB database (as SET metrics_store does), shared with other instances; without --uri or pools, shows each instance's latest sample in mongodb_connection_pools.", valueName: "mongodb://HOST:PORT/DB"))
    var store: String?

    @Option(name: .customLong("init"), help: ArgumentHelp("Run this SQL file at start-up (default: ~/.poolsqlrc when it exists).", valueName: "FILE"))
    var initFile: String?

    @Flag(name: .customLong("no-init"), help: "Do not run an init file.")
    var noInit = false

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Directory for the engine's persistent state (default: $POOLSQL_DATA_DIR, else $XDG_DATA_HOME/poolsql or ~/.local/share/poolsql).", valueName: "DIR"))
    var dataDirectory: String?

    @Flag(name: [.customShort("v"), .customLong("version")], help: "Print the version and exit.")
    var version = false

    func validate() throws {
        if !commands.isEmpty && !files.isEmpty {
            throw ValidationError("-c and -f cannot be used together.")
        }
        if initFile != nil && noInit {
            throw ValidationError("--init and --no-init cannot be used together.")
        }
    }

    var launchOptions: LaunchOptions {
        LaunchOptions(commands: commands, files: files, format: format, uri: uri, initFile: initFile, skipInit: noInit,
                      store: store)
    }
}
