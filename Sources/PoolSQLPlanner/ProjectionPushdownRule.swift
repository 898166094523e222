import PoolSQLCore
import PoolSQLCatalog

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
        case .singleRow, .values, .generateSeries, .workTableScan, .unnest:
            return (plan, identity(plan.columns.count))
        case let .lateralJoin(type, condition, left, right):
            // The right side reads left columns by position: keep both sides whole.
            let l = prune(left, required: nil), r = prune(right, required: nil)
            return (.lateralJoin(type, condition: condition, left: l.plan, right: r.plan), identity(plan.columns.count))
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
