import PoolSQLCore

/// One column of a statement's result.
public struct ResultColumn: Sendable, Hashable {
    public var name: String
    public var type: DataType

    public init(name: String, type: DataType) {
        self.name = name
        self.type = type
    }
}

/// What one statement produced: a row set (for SELECT, SHOW, EXPLAIN, …) and/or a command tag
/// such as `SELECT 2`, `SET`, `CREATE POOL`, plus notices to show the user.
public struct QueryResult: Sendable {
    public var columns: [ResultColumn]
    public var rows: [[Value]]
    /// psql-style completion tag: `SELECT 3`, `SET`, `CREATE POOL`, `DROP POOL`.
    public var commandTag: String
    /// Whether the statement returns rows (a `SELECT` with zero rows still does).
    public var returnsRows: Bool
    public var notices: [String]

    public init(columns: [ResultColumn], rows: [[Value]], commandTag: String, returnsRows: Bool = true, notices: [String] = []) {
        self.columns = columns
        self.rows = rows
        self.commandTag = commandTag
        self.returnsRows = returnsRows
        self.notices = notices
    }

    /// A result without rows, e.g. `SET` or `CREATE POOL`.
    public static func command(_ tag: String, notices: [String] = []) -> QueryResult {
        QueryResult(columns: [], rows: [], commandTag: tag, returnsRows: false, notices: notices)
    }
}
