import PoolSQLCore
import PoolSQLSyntax

/// PostgreSQL's rules for naming a select-list column that has no alias (FigureColname).
enum OutputNaming {
    static func name(of expr: Expr) -> String {
        figure(expr) ?? "?column?"
    }

    private static func figure(_ expr: Expr) -> String? {
        switch expr.kind {
        case let .identifier(name): return name.value
        case let .compoundIdentifier(parts): return parts.last?.value
        case let .function(call): return call.name.name.value
        case let .cast(inner, type, _): return figure(inner) ?? type.internalName
        case let .literal(.typed(type, _)): return type.internalName
        case .caseWhen: return "case"
        case .exists: return "exists"
        case .array, .arraySubquery: return "array"
        case .row: return "row"
        case .extract: return "extract"
        case .substring: return "substring"
        case .position: return "position"
        case let .trim(_, side, _): return side == .leading ? "ltrim" : side == .trailing ? "rtrim" : "btrim"
        case let .currentDateTime(kind): return kind.rawValue.lowercased()
        case let .subscripted(inner, _): return figure(inner)
        case let .subquery(query):
            if case let .select(select) = query.body, let first = select.projection.first, case let .expr(e, alias) = first {
                return alias?.value ?? figure(e)
            }
            return nil
        default: return nil
        }
    }
}
