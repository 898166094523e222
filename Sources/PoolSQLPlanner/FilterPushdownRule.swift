import PoolSQLCore
import PoolSQLCatalog

/// Moves filters as close to the tables as possible: below projections (by substituting the
/// projected expressions), sorts, DISTINCT and aliases, into the sides of joins, and finally
/// into table scans as far as the table accepts them. Exact scan filters leave the plan;
/// inexact ones are applied again above the scan.
struct FilterPushdownRule {
    func apply(_ plan: LogicalPlan) -> LogicalPlan {
        guard case let .filter(predicate, input) = plan else {
            if case let .join(type, condition?, left, right) = plan {
                return pushJoinCondition(type, condition, left, right)
            }
            return plan.withInput(apply)
        }
        // Conjuncts with correlated subqueries read this exact input row layout: they stay.
        let opaque = predicate.conjuncts.filter(\.containsCorrelatedSubquery)
        if let kept = BoundExpr.conjunction(opaque) {
            let movable = predicate.conjuncts.filter { !$0.containsCorrelatedSubquery }
            return .filter(kept, apply(BoundExpr.conjunction(movable).map { .filter($0, input) } ?? input))
        }
        switch input {
        case let .filter(other, inner):
            if other.containsCorrelatedSubquery { return .filter(predicate, apply(input)) }
            return apply(.filter(.and(other, predicate), inner))
        case let .projection(exprs, columns, inner):
            return .projection(exprs, columns, apply(.filter(predicate.substitutingColumns(exprs), inner)))
        case let .sort(keys, inner):
            return .sort(keys, apply(.filter(predicate, inner)))
        case let .distinct(inner):
            return .distinct(apply(.filter(predicate, inner)))
        case let .subqueryAlias(columns, inner):
            return .subqueryAlias(columns: columns, apply(.filter(predicate, inner)))
        case let .scan(scan):
            return pushIntoScan(predicate, scan)
        case let .join(type, condition, left, right):
            return pushIntoJoin(predicate, type, condition, left, right)
        default:
            return .filter(predicate, apply(input))
        }
    }

    /// WHERE conjuncts over one side of a join go into that side when that cannot change the
    /// result: either side of an inner join, the preserved side of an outer join. For inner
    /// joins the rest joins the condition.
    private func pushIntoJoin(_ predicate: BoundExpr, _ type: JoinType, _ condition: BoundExpr?, _ left: LogicalPlan,
                              _ right: LogicalPlan) -> LogicalPlan {
        let leftWidth = left.columns.count
        var toLeft: [BoundExpr] = [], toRight: [BoundExpr] = [], kept: [BoundExpr] = []
        for conjunct in predicate.conjuncts {
            let refs = conjunct.referencedColumns
            if refs.allSatisfy({ $0 < leftWidth }), type == .inner || type == .left {
                toLeft.append(conjunct)
            } else if refs.allSatisfy({ $0 >= leftWidth }), type == .inner || type == .right {
                toRight.append(conjunct.shiftingColumns(by: -leftWidth))
            } else {
                kept.append(conjunct)
            }
        }
        var newCondition = condition
        if type == .inner, !kept.isEmpty {
            newCondition = BoundExpr.conjunction((condition.map { [$0] } ?? []) + kept)
            kept = []
        }
        let newLeft = BoundExpr.conjunction(toLeft).map { LogicalPlan.filter($0, left) } ?? left
        let newRight = BoundExpr.conjunction(toRight).map { LogicalPlan.filter($0, right) } ?? right
        let join = apply(.join(type, condition: newCondition, left: newLeft, right: newRight))
        return BoundExpr.conjunction(kept).map { .filter($0, join) } ?? join
    }

    /// ON conjuncts over only the non-preserved side (either side of an inner join) filter
    /// that side before joining.
    private func pushJoinCondition(_ type: JoinType, _ condition: BoundExpr, _ left: LogicalPlan, _ right: LogicalPlan) -> LogicalPlan {
        let leftWidth = left.columns.count
        var toLeft: [BoundExpr] = [], toRight: [BoundExpr] = [], kept: [BoundExpr] = []
        for conjunct in condition.conjuncts {
            let refs = conjunct.referencedColumns
            if conjunct.containsCorrelatedSubquery {
                kept.append(conjunct)
            } else if !refs.isEmpty, refs.allSatisfy({ $0 < leftWidth }), type == .inner || type == .right {
                toLeft.append(conjunct)
            } else if !refs.isEmpty, refs.allSatisfy({ $0 >= leftWidth }), type == .inner || type == .left {
                toRight.append(conjunct.shiftingColumns(by: -leftWidth))
            } else {
                kept.append(conjunct)
            }
        }
        let newLeft = apply(BoundExpr.conjunction(toLeft).map { LogicalPlan.filter($0, left) } ?? left)
        let newRight = apply(BoundExpr.conjunction(toRight).map { LogicalPlan.filter($0, right) } ?? right)
        return .join(type, condition: BoundExpr.conjunction(kept), left: newLeft, right: newRight)
    }

    private func pushIntoScan(_ predicate: BoundExpr, _ original: TableScan) -> LogicalPlan {
        var scan = original
        var kept: [BoundExpr] = []
        let outputs = scan.outputIndices
        for conjunct in predicate.conjuncts {
            guard let filters = FilterPushdownRule.scanFilters(for: conjunct, outputs: outputs) else {
                kept.append(conjunct)
                continue
            }
            var allExact = true
            for filter in filters {
                let support = scan.provider.supportsFilter(filter)
                if support != .exact { allExact = false }
                if support != .unsupported, !scan.filters.contains(where: { $0.filter == filter }) {
                    scan.filters.append(PushedFilter(filter: filter, support: support))
                }
            }
            if !allExact { kept.append(conjunct) }
        }
        guard let remaining = BoundExpr.conjunction(kept) else { return .scan(scan) }
        return .filter(remaining, .scan(scan))
    }

    /// The scan filters equivalent to a conjunct, or nil when it is not of a pushable shape.
    static func scanFilters(for expr: BoundExpr, outputs: [Int]) -> [ScanFilter]? {
        func column(_ e: BoundExpr) -> Int? {
            if case let .column(i, _, _) = e, i < outputs.count { return outputs[i] }
            return nil
        }
        func constant(_ e: BoundExpr) -> Value? {
            if case let .literal(v, _) = e, !v.isNull { return v }
            return nil
        }
        switch expr {
        case .column:
            // A boolean column on its own: `WHERE enabled`.
            guard let c = column(expr), expr.type == .boolean else { return nil }
            return [ScanFilter(column: c, op: .equal, value: .bool(true))]
        case let .not(inner):
            guard let c = column(inner), inner.type == .boolean else { return nil }
            return [ScanFilter(column: c, op: .equal, value: .bool(false))]
        case let .comparison(op, l, r):
            if let c = column(l), let v = constant(r) { return [ScanFilter(column: c, op: op.scanOperator, value: v)] }
            if let c = column(r), let v = constant(l) { return [ScanFilter(column: c, op: op.flipped.scanOperator, value: v)] }
            return nil
        case let .isNull(e, negated):
            guard let c = column(e) else { return nil }
            return [ScanFilter(column: c, op: negated ? .isNotNull : .isNull)]
        case let .inList(e, list, false):
            guard let c = column(e) else { return nil }
            var values: [Value] = []
            for item in list {
                guard case let .literal(v, _) = item else { return nil }
                values.append(v)
            }
            return [ScanFilter(column: c, op: .in, value: .array(values))]
        case let .like(e, pattern, caseInsensitive, false):
            guard let c = column(e), case let .literal(.text(p), _) = pattern else { return nil }
            return [ScanFilter(column: c, op: caseInsensitive ? .ilike : .like, value: .text(p))]
        case let .between(e, low, high, false):
            guard let c = column(e), let lo = constant(low), let hi = constant(high) else { return nil }
            return [ScanFilter(column: c, op: .greaterOrEqual, value: lo), ScanFilter(column: c, op: .lessOrEqual, value: hi)]
        default:
            return nil
        }
    }
}

extension ComparisonOperator {
    var scanOperator: ScanFilter.Operator {
        switch self {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessOrEqual: return .lessOrEqual
        case .greater: return .greater
        case .greaterOrEqual: return .greaterOrEqual
        }
    }
}
