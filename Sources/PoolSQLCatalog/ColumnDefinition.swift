import PoolSQLCore

/// One column a table declares: its name (lower-case unless it was created quoted), SQL type,
/// whether it may hold NULL, and a description shown by `\d`-style listings.
public struct ColumnDefinition: Sendable, Hashable {
    public var name: String
    public var type: DataType
    public var nullable: Bool
    public var description: String

    public init(name: String, type: DataType, nullable: Bool = true, description: String = "") {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.description = description
    }
}
