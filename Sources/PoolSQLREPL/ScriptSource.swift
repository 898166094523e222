/// Where statements come from, for error messages (`poolsql:setup.sql:12: ERROR …`) and for
/// resolving `\ir` paths.
public struct ScriptSource: Sendable, Hashable {
    /// Shown before errors as psql does for scripts; nil for `-c` and the interactive prompt.
    public var name: String?
    /// Directory `\ir` resolves relative paths against; nil means the working directory.
    public var directory: String?

    public init(name: String?, directory: String? = nil) {
        self.name = name
        self.directory = directory
    }

    /// `-c` text and the interactive prompt: errors carry no file prefix.
    public static let commandLine = ScriptSource(name: nil)
    /// SQL piped to standard input.
    public static let standardInput = ScriptSource(name: "<stdin>")

    /// A script file; `\ir` inside it resolves against its directory.
    public static func file(_ path: String) -> ScriptSource {
        var directory: String?
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        }
        return ScriptSource(name: path, directory: directory)
    }
}
