import PoolSQLCore
import PoolSQLCatalog
import PoolSQLSyntax

extension BoundExpr {
    func isColumn(_ index: Int) -> Bool {
        if case let .column(i, _, _) = self { return i == index }
        return false
    }
}
