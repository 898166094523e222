import PoolSQLCore

/// A fixed set of named tables.
public struct StaticCatalog: Catalog {
    public var tables: [String: any TableProvider]

    public init(tables: [String: any TableProvider] = [:]) {
        self.tables = tables
    }

    public func table(named name: String) -> (any TableProvider)? { tables[name] }

    public var tableNames: [String] { tables.keys.sorted() }
}
