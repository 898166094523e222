/// What `poolsql`'s command line asked for, after parsing.
public struct LaunchOptions: Sendable, Hashable {
    /// `-c SQL`, run in order.
    public var commands: [String]
    /// `-f FILE`, run in order; `-` is standard input.
    public var files: [String]
    /// `--format`.
    public var format: OutputFormat
    /// `--uri`: create a pool named `default` before anything else runs.
    public var uri: String?
    /// `--store URI`: keep the metrics history in this MongoDB database (`SET metrics_store`)
    /// before anything else runs. Without pools of its own, the session is a fleet reader.
    public var store: String?
    /// `--init FILE`; nil means `~/.poolsqlrc` when it exists.
    public var initFile: String?
    /// `--no-init`.
    public var skipInit: Bool

    public init(
        commands: [String] = [], files: [String] = [], format: OutputFormat = .aligned,
        uri: String? = nil, initFile: String? = nil, skipInit: Bool = false, store: String? = nil
    ) {
        self.commands = commands
        self.files = files
        self.format = format
        self.uri = uri
        self.initFile = initFile
        self.skipInit = skipInit
        self.store = store
    }
}
