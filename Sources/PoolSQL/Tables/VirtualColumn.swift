import PoolSQLCatalog
import PoolSQLCore

/// A virtual table column: its definition and how to read it from the table's source object.
/// Keeping both in one list means schema and values cannot drift apart.
struct VirtualColumn<Source>: Sendable {
    var definition: ColumnDefinition
    var read: @Sendable (Source) -> Value

    init(_ name: String, _ type: DataType, _ description: String, nullable: Bool = false,
         _ read: @escaping @Sendable (Source) -> Value) {
        self.definition = ColumnDefinition(name: name, type: type, nullable: nullable, description: description)
        self.read = read
    }
}

extension Array {
    /// Evaluates the requested columns (all when `projection` is nil) for one source object.
    func row<Source>(for source: Source, projection: [Int]?) -> [Value] where Element == VirtualColumn<Source> {
        if let projection { return projection.map { self[$0].read(source) } }
        return map { $0.read(source) }
    }
}

extension Optional where Wrapped == String {
    var sqlValue: Value { map(Value.text) ?? .null }
}
