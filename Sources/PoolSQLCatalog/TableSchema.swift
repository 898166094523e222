import PoolSQLCore

/// The ordered columns of a table. Column positions are what scans, projections and filters use.
public struct TableSchema: Sendable, Hashable {
    public var columns: [ColumnDefinition]

    public init(columns: [ColumnDefinition]) {
        self.columns = columns
    }

    public var columnNames: [String] { columns.map(\.name) }

    /// The position of the column with exactly this (already case-folded) name.
    public func index(of name: String) -> Int? {
        columns.firstIndex(where: { $0.name == name })
    }
}
