import PoolSQL
import PoolSQLCore

/// Turns a statement's result into the text printed on standard output, following the display
/// settings: a row set in the chosen format, or the command tag (`SET`, `CREATE POOL`) in
/// aligned mode as psql prints it. CSV and JSON output carry rows only, so they stay parseable.
public struct ResultFormatter: Sendable {
    public var settings: DisplaySettings
    /// Width of the terminal, for `\x auto`; nil when unknown (auto then never expands).
    public var terminalColumns: Int?

    public init(settings: DisplaySettings, terminalColumns: Int? = nil) {
        self.settings = settings
        self.terminalColumns = terminalColumns
    }

    public func render(_ result: QueryResult) -> String {
        guard result.returnsRows else {
            guard settings.format == .aligned, !result.commandTag.isEmpty else { return "" }
            return result.commandTag + "\n"
        }
        switch settings.format {
        case .csv:
            return CSVFormatter().format(columns: result.columns, rows: result.rows)
        case .json:
            return JSONFormatter().format(columns: result.columns, rows: result.rows)
        case .aligned:
            switch settings.expanded {
            case .on:
                return ExpandedFormatter().format(columns: result.columns, rows: result.rows)
            case .off:
                return AlignedFormatter().format(columns: result.columns, rows: result.rows)
            case .auto:
                let table = AlignedFormatter().format(columns: result.columns, rows: result.rows)
                // As psql: expand only when the table is wider than the screen, and never a
                // single column (expanded would be wider still).
                guard let terminalColumns, terminalColumns > 0, result.columns.count > 1 else { return table }
                let width = table.split(separator: "\n").map { String($0).displayWidth }.max() ?? 0
                return width > terminalColumns ? ExpandedFormatter().format(columns: result.columns, rows: result.rows) : table
            }
        }
    }
}
