import PoolSQLCore
import PoolSQLSyntax

/// Window calls collected while binding a select list; they are computed by a Window node
/// whose output is its input's columns followed by one column per call. Until the input's
/// width is final, references to call `k` use the placeholder column index `-1 - k`.
final class WindowContext {
    private(set) var calls: [WindowCall] = []
    private var asts: [Expr] = []
    /// `WINDOW name AS (…)` definitions of the SELECT.
    let named: [String: WindowSpecification]

    init(named: [NamedWindow] = []) {
        var byName: [String: WindowSpecification] = [:]
        for w in named { byName[w.name.value] = w.specification }
        self.named = byName
    }

    func reference(for expr: Expr, bind: () throws(PoolSQLError) -> WindowCall) throws(PoolSQLError) -> BoundExpr {
        if let k = asts.firstIndex(of: expr) {
            return .column(index: -1 - k, name: calls[k].function.name, type: calls[k].type)
        }
        let call = try bind()
        calls.append(call)
        asts.append(expr)
        return .column(index: -calls.count, name: call.function.name, type: call.type)
    }

    /// Maps the placeholders to their final positions after `inputWidth` input columns.
    func placeholderMapping(inputWidth: Int) -> [Int: Int] {
        var mapping: [Int: Int] = [:]
        for k in calls.indices { mapping[-1 - k] = inputWidth + k }
        return mapping
    }
}
