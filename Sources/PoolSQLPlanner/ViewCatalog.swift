import PoolSQLCatalog
import PoolSQLSyntax

/// A catalog that also knows views. The planner inlines a view's query where its name is
/// used (with the statement's own NOW(), filters pushed into the view's tables), so views
/// need no table provider. `tableNames` should list views too, for hints.
public protocol ViewCatalog: Catalog {
    /// The stored query of the view, or nil when `name` is not a view.
    func view(named name: String) -> Query?
}
