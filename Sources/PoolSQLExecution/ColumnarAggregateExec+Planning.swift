import PoolSQLCore
import PoolSQLPlanner

extension ColumnarAggregateExec {
    /// The columnar operator for an Aggregate node directly over a table scan when every GROUP
    /// BY expression and aggregate call is of a kind it computes (else nil: the row path runs).
    ///
    /// GROUP BY: columns of integer, boolean, text/varchar and date/time types, and
    /// `date_trunc('<literal unit>', <date/time column>)`; at most 63 of them.
    /// Aggregates (no DISTINCT, FILTER or ORDER BY inside the call): `count(*)`, `count(column)`,
    /// `sum`/`avg`/`min`/`max` of an integer or double precision column,
    /// `percentile_cont`/`percentile_disc(constant) WITHIN GROUP (ORDER BY <double precision column>)`.
    static func make(_ rowPath: AggregateExec, input: LogicalPlan) -> ColumnarAggregateExec? {
        guard case let .scan(scan) = input else { return nil }
        let types = scan.columns.map(\.type)
        guard rowPath.groups.count < 64 else { return nil }
        var keyParts: [KeyPart] = []
        var truncationUnits: [(unit: String, type: DataType)] = []
        for group in rowPath.groups {
            guard let part = keyPart(group, types: types, calendarUnits: &truncationUnits) else { return nil }
            keyParts.append(part)
        }
        var measures: [Measure] = []
        var fractions: [BoundExpr?] = []
        for aggregate in rowPath.aggregates {
            guard let measure = measure(aggregate, types: types) else { return nil }
            measures.append(measure)
            if case .percentile = measure { fractions.append(aggregate.arguments[0]) } else { fractions.append(nil) }
        }
        return ColumnarAggregateExec(rowPath: rowPath, scan: scan, keyParts: keyParts, measures: measures,
                                     fractions: fractions, truncationUnits: truncationUnits)
    }

    /// Microseconds in each `date_trunc` unit of fixed length (timestamps here have no time
    /// zone or leap seconds); longer units go through the calendar.
    static let fixedTruncationLengths: [String: Int64] = [
        "microseconds": 1, "milliseconds": 1_000, "second": 1_000_000, "minute": 60_000_000,
        "hour": 3_600_000_000, "day": 86_400_000_000,
    ]

    static func keyPart(_ expr: BoundExpr, types: [DataType], calendarUnits: inout [(unit: String, type: DataType)]) -> KeyPart? {
        switch expr {
        case let .column(index, _, type):
            guard index < types.count, types[index] == type else { return nil }
            switch type {
            case .smallint, .integer, .bigint: return .integer(index)
            case .boolean: return .boolean(index)
            case .text, .varchar: return .text(index)
            case .timestamp: return .timestamp(index, rekind: nil)
            case .timestamptz: return .timestamp(index, rekind: .timestamptz)
            case .date: return .timestamp(index, rekind: .date)
            default: return nil
            }
        case let .function(.dateTrunc, arguments, type, _):
            guard arguments.count == 2, type == .timestamp || type == .timestamptz,
                  case let .literal(.text(unit), _) = arguments[0],
                  case let .column(index, _, columnType) = arguments[1], index < types.count, types[index] == columnType
            else { return nil }
            switch columnType {
            case .timestamp, .timestamptz, .date: break
            default: return nil
            }
            let kind: Timestamp.Kind = type == .timestamptz ? .timestamptz : .timestamp
            let name = unit.lowercased()
            if let length = fixedTruncationLengths[name] { return .truncated(index, length: length, kind: kind) }
            // Calendar units, and unknown ones (whose error the row path reports).
            calendarUnits.append((name, type))
            return .truncatedToCalendar(index, unit: calendarUnits.count - 1, kind: kind)
        default:
            return nil
        }
    }

    static func measure(_ aggregate: AggregateCall, types: [DataType]) -> Measure? {
        guard !aggregate.distinct, aggregate.filter == nil else { return nil }
        if aggregate.function == .percentileCont || aggregate.function == .percentileDisc {
            guard aggregate.arguments.count == 1, aggregate.arguments[0].isConstant, aggregate.orderBy.count == 1,
                  case let .column(index, _, type) = aggregate.orderBy[0].expr,
                  index < types.count, types[index] == type, type == .doublePrecision
            else { return nil }
            return .percentile(index, ascending: aggregate.orderBy[0].ascending)
        }
        guard aggregate.orderBy.isEmpty else { return nil }
        if aggregate.function == .countStar { return .countStar }
        guard aggregate.arguments.count == 1, case let .column(index, _, type) = aggregate.arguments[0],
              index < types.count, types[index] == type
        else { return nil }
        let integers = type.isInteger
        let doubles = type == .doublePrecision
        let plainNumeric = DataType.numeric(precision: nil, scale: nil)
        switch aggregate.function {
        case .count:
            return .count(index)
        case .sum:
            if integers, aggregate.type == .bigint || aggregate.type == plainNumeric { return .sumIntegers(index) }
            if doubles, aggregate.type == .doublePrecision { return .sumDoubles(index) }
            return nil
        case .avg:
            if integers, aggregate.type == plainNumeric { return .avgIntegers(index) }
            if doubles, aggregate.type == .doublePrecision { return .avgDoubles(index) }
            return nil
        case .min, .max:
            let isMin = aggregate.function == .min
            if integers { return isMin ? .minIntegers(index) : .maxIntegers(index) }
            if doubles { return isMin ? .minDoubles(index) : .maxDoubles(index) }
            return nil
        default:
            return nil
        }
    }
}
