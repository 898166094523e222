import PoolSQLCore

/// The rows a query produced, with each column's output name and SQL type.
public struct ResultSet: Sendable {
    public var columns: [(name: String, type: DataType)]
    public var rows: [[Value]]

    public init(columns: [(name: String, type: DataType)], rows: [[Value]]) {
        self.columns = columns
        self.rows = rows
    }
}
