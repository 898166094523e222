import PoolSQLCore
import PoolSQLCatalog

/// Rewrites a logical plan into a cheaper equivalent one. The rules run in this order:
/// constant folding, filter pushdown into table scans, limit pushdown, projection pushdown.
public struct Optimizer: Sendable {
    public init() {}

    public func optimize(_ plan: LogicalPlan, context: ExecutionContext) -> LogicalPlan {
        // Subqueries inside expressions are planned on their own.
        var plan = plan.mappingExpressions { $0.mappingSubqueries { optimize($0, context: context) } }
        plan = ConstantFolding(context: context).apply(plan)
        plan = FilterPushdownRule().apply(plan)
        plan = LimitPushdownRule().apply(plan)
        plan = ProjectionPushdownRule().apply(plan)
        plan = ProjectionMergeRule().apply(plan)
        return ConstantFolding(context: context).apply(plan)
    }
}

extension LogicalPlan {
    /// Rebuilds the node with each input replaced.
    func withInput(_ transform: (LogicalPlan) -> LogicalPlan) -> LogicalPlan {
        switch self {
        case .scan, .singleRow, .values, .generateSeries, .workTableScan: return self
        case let .recursiveUnion(t, all, a, r): return .recursiveUnion(t, all: all, anchor: transform(a), recursive: transform(r))
        case let .filter(p, input): return .filter(p, transform(input))
        case let .projection(e, c, input): return .projection(e, c, transform(input))
        case let .sort(k, input): return .sort(k, transform(input))
        case let .limit(n, o, input): return .limit(count: n, offset: o, transform(input))
        case let .distinct(input): return .distinct(transform(input))
        case let .distinctOn(keys, input): return .distinctOn(keys: keys, transform(input))
        case let .aggregate(g, a, c, input): return .aggregate(groups: g, aggregates: a, columns: c, transform(input))
        case let .subqueryAlias(c, input): return .subqueryAlias(columns: c, transform(input))
        case let .join(t, condition, l, r): return .join(t, condition: condition, left: transform(l), right: transform(r))
        case let .setOperation(t, all, l, r): return .setOperation(t, all: all, left: transform(l), right: transform(r))
        case let .window(calls, input): return .window(calls, transform(input))
        }
    }
}

extension LogicalPlan {
    /// Rebuilds every expression of every node.
    func mappingExpressions(_ f: (BoundExpr) -> BoundExpr) -> LogicalPlan {
        let plan = withInput { $0.mappingExpressions(f) }
        switch plan {
        case let .filter(p, input): return .filter(f(p), input)
        case let .projection(exprs, columns, input): return .projection(exprs.map(f), columns, input)
        case let .sort(keys, input):
            return .sort(keys.map { SortKey(expr: f($0.expr), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }, input)
        case let .aggregate(groups, aggregates, columns, input):
            return .aggregate(groups: groups.map(f), aggregates: aggregates.map { $0.mapExpressions(f) }, columns: columns, input)
        case let .join(type, condition, l, r): return .join(type, condition: condition.map(f), left: l, right: r)
        case let .values(rows, columns): return .values(rows: rows.map { $0.map(f) }, columns: columns)
        case let .window(calls, input): return .window(calls.map { $0.mapExpressions(f) }, input)
        case let .generateSeries(start, stop, step, column):
            return .generateSeries(start: f(start), stop: f(stop), step: step.map(f), column: column)
        default: return plan
        }
    }
}

/// Evaluates constant sub-expressions once at plan time (`NOW() - INTERVAL '1 hour'` becomes a
/// timestamp literal the scan can use). A constant that fails to evaluate is left as is, so the
/// error surfaces only if the row is actually computed (e.g. in an untaken CASE branch).
struct ConstantFolding {
    let context: ExecutionContext

    func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let folded = plan.withInput(apply)
        switch folded {
        case let .filter(p, input): return .filter(fold(p), input)
        case let .projection(exprs, columns, input): return .projection(exprs.map(fold), columns, input)
        case let .sort(keys, input):
            return .sort(keys.map { SortKey(expr: fold($0.expr), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }, input)
        case let .aggregate(groups, aggregates, columns, input):
            return .aggregate(groups: groups.map(fold), aggregates: aggregates.map { $0.mapExpressions(fold) }, columns: columns, input)
        case let .join(type, condition, l, r):
            return .join(type, condition: condition.map(fold), left: l, right: r)
        case let .values(rows, columns):
            return .values(rows: rows.map { $0.map(fold) }, columns: columns)
        default: return folded
        }
    }

    func fold(_ expr: BoundExpr) -> BoundExpr {
        if case .literal = expr { return expr }
        if case .column = expr { return expr }
        if expr.isConstant {
            do {
                return .literal(try expr.evaluate(row: [], context: context), expr.type)
            } catch {
                // Keep the node; see the type comment.
            }
        }
        return expr.mapChildren { (child: BoundExpr) -> BoundExpr in fold(child) }
    }
}

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

/// Passes `LIMIT n OFFSET m` to a table scan as `limit = n + m` when nothing between them can
/// drop or reorder rows (only projections) and the scan applies all its filters exactly.
struct LimitPushdownRule {
    func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.withInput(apply)
        guard case let .limit(count?, offset, input) = plan else { return plan }
        let (sum, overflow) = count.addingReportingOverflow(offset)
        if overflow { return plan }
        return .limit(count: count, offset: offset, push(sum, into: input))
    }

    private func push(_ limit: Int, into plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case let .projection(exprs, columns, input):
            return .projection(exprs, columns, push(limit, into: input))
        case let .subqueryAlias(columns, input):
            return .subqueryAlias(columns: columns, push(limit, into: input))
        case var .scan(scan) where scan.filters.allSatisfy({ $0.support == .exact }):
            scan.limit = min(scan.limit ?? limit, limit)
            return .scan(scan)
        default:
            return plan
        }
    }
}

/// Narrows each table scan to the columns the operators above it read.
struct ProjectionPushdownRule {
    func apply(_ plan: LogicalPlan) -> LogicalPlan {
        prune(plan, required: nil).plan
    }

    /// `required`: the positions of this node's output the parent reads (nil: all of them).
    /// Returns the new node and how old output positions map to new ones.
    private func prune(_ plan: LogicalPlan, required: Set<Int>?) -> (plan: LogicalPlan, mapping: [Int: Int]) {
        switch plan {
        case var .scan(scan):
            let outputs = scan.outputIndices
            guard let required else { return (plan, identity(outputs.count)) }
            let kept = outputs.indices.filter { required.contains($0) }
            var mapping: [Int: Int] = [:]
            for (new, old) in kept.enumerated() { mapping[old] = new }
            scan.projection = kept.map { outputs[$0] }
            return (.scan(scan), mapping)
        case .singleRow, .values, .generateSeries, .workTableScan:
            return (plan, identity(plan.columns.count))
        case let .recursiveUnion(table, all, anchor, recursive):
            // Both terms must keep producing the work table's full rows.
            let a = prune(anchor, required: nil), r = prune(recursive, required: nil)
            return (.recursiveUnion(table, all: all, anchor: a.plan, recursive: r.plan), identity(plan.columns.count))
        case let .window(calls, input):
            // Window functions see whole rows of their partitions; keep the input as it is.
            let child = prune(input, required: nil)
            return (.window(calls.map { $0.mapExpressions { $0.remappingColumns(child.mapping) } }, child.plan), identity(plan.columns.count))
        case let .setOperation(type, all, left, right):
            // Every column takes part in the row comparison.
            let l = prune(left, required: nil), r = prune(right, required: nil)
            return (.setOperation(type, all: all, left: l.plan, right: r.plan), identity(plan.columns.count))
        case let .subqueryAlias(columns, input):
            // The alias renames its input's columns one to one; narrow both alike.
            let child = prune(input, required: required)
            var narrowed = [PlanColumn?](repeating: nil, count: child.plan.columns.count)
            for (old, new) in child.mapping where old < columns.count && new < narrowed.count { narrowed[new] = columns[old] }
            let kept = zip(narrowed, child.plan.columns).map { $0 ?? $1 }
            return (.subqueryAlias(columns: kept, child.plan), child.mapping)
        case let .join(type, condition, left, right):
            let leftWidth = left.columns.count
            var needed = required ?? Set(0..<(leftWidth + right.columns.count))
            if let condition { needed.formUnion(condition.referencedColumns) }
            if condition?.containsCorrelatedSubquery ?? false { needed = Set(0..<(leftWidth + right.columns.count)) }
            let l = prune(left, required: Set(needed.filter { $0 < leftWidth }))
            let r = prune(right, required: Set(needed.filter { $0 >= leftWidth }.map { $0 - leftWidth }))
            let newLeftWidth = l.plan.columns.count
            var mapping = l.mapping
            for (old, new) in r.mapping { mapping[old + leftWidth] = new + newLeftWidth }
            return (.join(type, condition: condition?.remappingColumns(mapping), left: l.plan, right: r.plan), mapping)
        case let .filter(predicate, input):
            let child = prune(input, required: predicate.containsCorrelatedSubquery ? nil : required.map { $0.union(predicate.referencedColumns) })
            return (.filter(predicate.remappingColumns(child.mapping), child.plan), child.mapping)
        case let .sort(keys, input):
            let used = keys.reduce(into: Set<Int>()) { $0.formUnion($1.expr.referencedColumns) }
            let opaque = keys.contains { $0.expr.containsCorrelatedSubquery }
            let child = prune(input, required: opaque ? nil : required.map { $0.union(used) })
            let newKeys = keys.map { SortKey(expr: $0.expr.remappingColumns(child.mapping), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
            return (.sort(newKeys, child.plan), child.mapping)
        case let .limit(count, offset, input):
            let child = prune(input, required: required)
            return (.limit(count: count, offset: offset, child.plan), child.mapping)
        case let .distinct(input):
            let child = prune(input, required: nil)
            return (.distinct(child.plan), child.mapping)
        case let .distinctOn(keys, input):
            let used = keys.reduce(into: Set<Int>()) { $0.formUnion($1.referencedColumns) }
            let child = prune(input, required: keys.contains(where: \.containsCorrelatedSubquery) ? nil : required.map { $0.union(used) })
            return (.distinctOn(keys: keys.map { $0.remappingColumns(child.mapping) }, child.plan), child.mapping)
        case let .projection(exprs, columns, input):
            // Drop outputs nobody above reads (e.g. unused columns of a subquery).
            let keep = required.map { r in exprs.indices.filter { r.contains($0) } } ?? Array(exprs.indices)
            let kept = keep.map { exprs[$0] }
            let used = kept.reduce(into: Set<Int>()) { $0.formUnion($1.referencedColumns) }
            let child = prune(input, required: kept.contains(where: \.containsCorrelatedSubquery) ? nil : used)
            var mapping: [Int: Int] = [:]
            for (new, old) in keep.enumerated() { mapping[old] = new }
            return (.projection(kept.map { $0.remappingColumns(child.mapping) }, keep.map { columns[$0] }, child.plan), mapping)
        case let .aggregate(groups, aggregates, columns, input):
            var used = Set<Int>()
            for e in groups + aggregates.flatMap(\.expressions) { used.formUnion(e.referencedColumns) }
            let opaque = (groups + aggregates.flatMap(\.expressions)).contains(where: \.containsCorrelatedSubquery)
            let child = prune(input, required: opaque ? nil : used)
            let remap = { (e: BoundExpr) in e.remappingColumns(child.mapping) }
            return (.aggregate(groups: groups.map(remap), aggregates: aggregates.map { $0.mapExpressions(remap) }, columns: columns, child.plan),
                    identity(columns.count))
        }
    }

    private func identity(_ n: Int) -> [Int: Int] {
        var m: [Int: Int] = [:]
        for i in 0..<n { m[i] = i }
        return m
    }
}

/// Collapses a projection directly over another into one (substituting the inner
/// expressions), so plans do not copy rows twice.
struct ProjectionMergeRule {
    func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.withInput(apply)
        guard case let .projection(outer, columns, .projection(inner, _, input)) = plan,
              !outer.contains(where: \.containsCorrelatedSubquery)
        else { return plan }
        return .projection(outer.map { $0.substitutingColumns(inner) }, columns, input)
    }
}
