import PoolSQLSyntax

extension Expr {
    /// The expressions directly inside this one, not descending into subqueries.
    var subexpressions: [Expr] {
        switch kind {
        case .identifier, .compoundIdentifier, .literal, .currentDateTime, .exists, .subquery, .arraySubquery: return []
        case let .unary(_, e): return [e]
        case let .binary(l, _, r): return [l, r]
        case let .isNull(e, _): return [e]
        case let .isTruthValue(e, _, _): return [e]
        case let .isDistinctFrom(l, r, _): return [l, r]
        case let .inList(e, list, _): return [e] + list
        case let .inSubquery(e, _, _): return [e]
        case let .between(e, lo, hi, _): return [e, lo, hi]
        case let .like(e, p, esc, _, _): return [e, p] + (esc.map { [$0] } ?? [])
        case let .caseWhen(operand, branches, elseResult):
            return (operand.map { [$0] } ?? []) + branches.flatMap { [$0.condition, $0.result] } + (elseResult.map { [$0] } ?? [])
        case let .cast(e, _, _): return [e]
        case let .function(call): return call.arguments + (call.filter.map { [$0] } ?? []) + call.orderBy.map(\.expr)
        case let .extract(_, e): return [e]
        case let .substring(e, from, len): return [e] + (from.map { [$0] } ?? []) + (len.map { [$0] } ?? [])
        case let .position(a, b): return [a, b]
        case let .trim(e, _, chars): return [e] + (chars.map { [$0] } ?? [])
        case let .quantified(e, _, _, operand):
            if case let .array(a) = operand { return [e, a] }
            return [e]
        case let .array(items): return items
        case let .subscripted(e, sub):
            switch sub {
            case let .index(i): return [e, i]
            case let .slice(lo, hi): return [e] + (lo.map { [$0] } ?? []) + (hi.map { [$0] } ?? [])
            }
        case let .row(items): return items
        }
    }

    /// Whether an aggregate call (without OVER) occurs in the expression.
    var containsAggregate: Bool {
        if case let .function(call) = kind, call.over == nil, ExpressionBinder.aggregateNames.contains(call.name.name.value),
           call.name.parts.count == 1 {
            return true
        }
        return subexpressions.contains(where: \.containsAggregate)
    }
}
