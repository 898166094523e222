import PoolSQLCore

/// A type-checked expression whose column references are positions in its input row. Produced
/// by the binder from the AST; evaluated by `evaluate(row:context:)`. Nodes that can fail at run
/// time keep the source range of their AST node so errors point at it.
public indirect enum BoundExpr: Sendable {
    case literal(Value, DataType)
    case column(index: Int, name: String, type: DataType)
    /// A column of an enclosing query's current row (in a correlated subquery); `depth` 1 is
    /// the query immediately around the subquery.
    case outerColumn(depth: Int, index: Int, name: String, type: DataType)
    case arithmetic(ArithmeticOperator, BoundExpr, BoundExpr, type: DataType, range: SourceRange?)
    case negate(BoundExpr, type: DataType, range: SourceRange?)
    case comparison(ComparisonOperator, BoundExpr, BoundExpr)
    /// `a IS [NOT] DISTINCT FROM b`.
    case isDistinct(BoundExpr, BoundExpr, negated: Bool)
    case and(BoundExpr, BoundExpr)
    case or(BoundExpr, BoundExpr)
    case not(BoundExpr)
    case isNull(BoundExpr, negated: Bool)
    /// `x IS [NOT] TRUE|FALSE` (never NULL).
    case isBoolean(BoundExpr, value: Bool, negated: Bool)
    case between(BoundExpr, low: BoundExpr, high: BoundExpr, negated: Bool)
    case inList(BoundExpr, [BoundExpr], negated: Bool)
    case like(BoundExpr, pattern: BoundExpr, caseInsensitive: Bool, negated: Bool)
    /// `a || b`: NULL if either is NULL.
    case concat(BoundExpr, BoundExpr)
    /// Searched CASE; the simple form is bound into this with equality tests.
    case caseWhen([(condition: BoundExpr, result: BoundExpr)], otherwise: BoundExpr?, type: DataType)
    case cast(BoundExpr, to: DataType, range: SourceRange?)
    case function(ScalarFunction, [BoundExpr], type: DataType, range: SourceRange?)
    /// `(SELECT x …)`: the single value of a one-column subquery (NULL when it has no rows).
    case scalarSubquery(SubqueryPlan, type: DataType, range: SourceRange?)
    case exists(SubqueryPlan)
    /// `x [NOT] IN (SELECT y …)`.
    case inSubquery(BoundExpr, SubqueryPlan, negated: Bool)
    /// `x op ANY|ALL (array)` or `x op ANY|ALL (SELECT …)`.
    case quantified(ComparisonOperator, all: Bool, BoundExpr, QuantifiedSource)

    /// The SQL type of the expression's values.
    public var type: DataType {
        switch self {
        case let .literal(_, t): return t
        case let .column(_, _, t): return t
        case let .outerColumn(_, _, _, t): return t
        case let .arithmetic(_, _, _, t, _): return t
        case let .negate(_, t, _): return t
        case .comparison, .isDistinct, .and, .or, .not, .isNull, .isBoolean, .between, .inList, .like, .exists, .inSubquery, .quantified: return .boolean
        case let .scalarSubquery(_, t, _): return t
        case .concat: return .text
        case let .caseWhen(_, _, t): return t
        case let .cast(_, t, _): return t
        case let .function(_, _, t, _): return t
        }
    }

    /// The direct sub-expressions.
    public var children: [BoundExpr] {
        switch self {
        case .literal, .column, .outerColumn, .scalarSubquery, .exists: return []
        case let .inSubquery(e, _, _): return [e]
        case let .quantified(_, _, e, .array(a)): return [e, a]
        case let .quantified(_, _, e, .subquery): return [e]
        case let .arithmetic(_, l, r, _, _): return [l, r]
        case let .negate(e, _, _): return [e]
        case let .comparison(_, l, r): return [l, r]
        case let .isDistinct(l, r, _): return [l, r]
        case let .and(l, r), let .or(l, r), let .concat(l, r): return [l, r]
        case let .not(e): return [e]
        case let .isNull(e, _): return [e]
        case let .isBoolean(e, _, _): return [e]
        case let .between(e, l, h, _): return [e, l, h]
        case let .inList(e, list, _): return [e] + list
        case let .like(e, p, _, _): return [e, p]
        case let .caseWhen(branches, otherwise, _):
            return branches.flatMap { [$0.condition, $0.result] } + (otherwise.map { [$0] } ?? [])
        case let .cast(e, _, _): return [e]
        case let .function(_, args, _, _): return args
        }
    }

    /// Rebuilds the node with each direct child replaced by `transform(child)`.
    public func mapChildren<E: Error>(_ transform: (BoundExpr) throws(E) -> BoundExpr) throws(E) -> BoundExpr {
        switch self {
        case .literal, .column, .outerColumn, .scalarSubquery, .exists: return self
        case let .inSubquery(e, plan, n): return .inSubquery(try transform(e), plan, negated: n)
        case let .quantified(op, all, e, .array(a)): return .quantified(op, all: all, try transform(e), .array(try transform(a)))
        case let .quantified(op, all, e, .subquery(plan)): return .quantified(op, all: all, try transform(e), .subquery(plan))
        case let .arithmetic(op, l, r, t, range): return .arithmetic(op, try transform(l), try transform(r), type: t, range: range)
        case let .negate(e, t, range): return .negate(try transform(e), type: t, range: range)
        case let .comparison(op, l, r): return .comparison(op, try transform(l), try transform(r))
        case let .isDistinct(l, r, n): return .isDistinct(try transform(l), try transform(r), negated: n)
        case let .and(l, r): return .and(try transform(l), try transform(r))
        case let .or(l, r): return .or(try transform(l), try transform(r))
        case let .concat(l, r): return .concat(try transform(l), try transform(r))
        case let .not(e): return .not(try transform(e))
        case let .isNull(e, n): return .isNull(try transform(e), negated: n)
        case let .isBoolean(e, v, n): return .isBoolean(try transform(e), value: v, negated: n)
        case let .between(e, l, h, n): return .between(try transform(e), low: try transform(l), high: try transform(h), negated: n)
        case let .inList(e, list, n):
            var mapped: [BoundExpr] = []
            for item in list { mapped.append(try transform(item)) }
            return .inList(try transform(e), mapped, negated: n)
        case let .like(e, p, ci, n): return .like(try transform(e), pattern: try transform(p), caseInsensitive: ci, negated: n)
        case let .caseWhen(branches, otherwise, t):
            var mapped: [(condition: BoundExpr, result: BoundExpr)] = []
            for b in branches { mapped.append((try transform(b.condition), try transform(b.result))) }
            return .caseWhen(mapped, otherwise: try otherwise.map { e throws(E) in try transform(e) }, type: t)
        case let .cast(e, t, range): return .cast(try transform(e), to: t, range: range)
        case let .function(f, args, t, range):
            var mapped: [BoundExpr] = []
            for a in args { mapped.append(try transform(a)) }
            return .function(f, mapped, type: t, range: range)
        }
    }

    /// Positions of every input column the expression reads.
    public var referencedColumns: Set<Int> {
        if case let .column(index, _, _) = self { return [index] }
        var out: Set<Int> = []
        for child in children { out.formUnion(child.referencedColumns) }
        return out
    }

    /// Renumbers column references (used when projection pushdown narrows the input).
    public func remappingColumns(_ mapping: [Int: Int]) -> BoundExpr {
        if case let .column(index, name, type) = self {
            return .column(index: mapping[index] ?? index, name: name, type: type)
        }
        return mapChildren { (child: BoundExpr) -> BoundExpr in child.remappingColumns(mapping) }
    }

    /// Replaces each column reference `i` by `exprs[i]` (moving an expression below the
    /// projection that computed its inputs).
    public func substitutingColumns(_ exprs: [BoundExpr]) -> BoundExpr {
        if case let .column(index, _, _) = self, index < exprs.count { return exprs[index] }
        return mapChildren { (child: BoundExpr) -> BoundExpr in child.substitutingColumns(exprs) }
    }

    /// Adds `offset` to every column reference.
    public func shiftingColumns(by offset: Int) -> BoundExpr {
        if case let .column(index, name, type) = self { return .column(index: index + offset, name: name, type: type) }
        return mapChildren { (child: BoundExpr) -> BoundExpr in child.shiftingColumns(by: offset) }
    }

    /// Whether the value depends only on the statement (no column references).
    public var isConstant: Bool {
        switch self {
        case .column, .outerColumn, .scalarSubquery, .exists, .inSubquery, .quantified(_, _, _, .subquery): return false
        default: break
        }
        return children.allSatisfy(\.isConstant)
    }

    /// Splits `a AND b AND c` into its conjuncts.
    public var conjuncts: [BoundExpr] {
        if case let .and(l, r) = self { return l.conjuncts + r.conjuncts }
        return [self]
    }

    public static func conjunction(_ parts: [BoundExpr]) -> BoundExpr? {
        guard var result = parts.first else { return nil }
        for part in parts.dropFirst() { result = .and(result, part) }
        return result
    }
}

extension BoundExpr {
    /// Rebuilds every subquery plan inside the expression (the optimizer optimizes them).
    public func mappingSubqueries(_ transform: (LogicalPlan) -> LogicalPlan) -> BoundExpr {
        switch self {
        case let .scalarSubquery(sub, type, range):
            return .scalarSubquery(SubqueryPlan(plan: transform(sub.plan), correlated: sub.correlated), type: type, range: range)
        case let .exists(sub): return .exists(SubqueryPlan(plan: transform(sub.plan), correlated: sub.correlated))
        case let .inSubquery(e, sub, n):
            return .inSubquery(e.mappingSubqueries(transform), SubqueryPlan(plan: transform(sub.plan), correlated: sub.correlated), negated: n)
        case let .quantified(op, all, e, .subquery(sub)):
            return .quantified(op, all: all, e.mappingSubqueries(transform), .subquery(SubqueryPlan(plan: transform(sub.plan), correlated: sub.correlated)))
        default: return mapChildren { (child: BoundExpr) -> BoundExpr in child.mappingSubqueries(transform) }
        }
    }
}

extension BoundExpr {
    /// Whether a correlated subquery occurs in the expression. Such expressions read their
    /// input row from inside the subquery, so the optimizer leaves them where they are.
    public var containsCorrelatedSubquery: Bool {
        switch self {
        case let .scalarSubquery(sub, _, _), let .exists(sub), let .quantified(_, _, _, .subquery(sub)):
            if sub.correlated { return true }
        case let .inSubquery(_, sub, _):
            if sub.correlated { return true }
        default: break
        }
        return children.contains(where: \.containsCorrelatedSubquery)
    }
}
