/// How result rows are printed: psql's `aligned`, `csv`, or a JSON array of objects.
public enum OutputFormat: String, Sendable, Hashable, CaseIterable {
    case aligned
    case csv
    case json
}

/// psql's `\x`: one column per line for each record, or only when the table is too wide.
public enum ExpandedMode: String, Sendable, Hashable, CaseIterable {
    case off
    case on
    case auto
}

/// The display settings the meta-commands change.
public struct DisplaySettings: Sendable, Hashable {
    public var format: OutputFormat
    public var expanded: ExpandedMode
    /// `\timing`: print `Time: … ms` after each statement.
    public var timing: Bool

    public init(format: OutputFormat = .aligned, expanded: ExpandedMode = .off, timing: Bool = false) {
        self.format = format
        self.expanded = expanded
        self.timing = timing
    }
}
