import PoolSQLCore
import PoolSQLSyntax

/// One end of a window frame. Offsets are constant expressions (evaluated per statement).
public enum WindowFrameBound: Sendable {
    case unboundedPreceding
    case preceding(BoundExpr)
    case currentRow
    case following(BoundExpr)
    case unboundedFollowing
}

/// `ROWS|RANGE|GROUPS BETWEEN … AND …`: row offsets, distances in the ORDER BY value (or
/// only UNBOUNDED/CURRENT ROW), or peer-group offsets.
public struct WindowFrameSpec: Sendable {
    public enum Units: Sendable { case rows, range, groups }

    public var units: Units
    public var start: WindowFrameBound
    public var end: WindowFrameBound

    public init(units: Units, start: WindowFrameBound, end: WindowFrameBound) {
        self.units = units
        self.start = start
        self.end = end
    }

    /// Whether offsets count rows or peer groups (integers), rather than ORDER BY distances.
    public var countsPositions: Bool { units != .range }

    /// PostgreSQL's default: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (the whole
    /// partition when there is no ORDER BY, as every row is then a peer).
    public static let `default` = WindowFrameSpec(units: .range, start: .unboundedPreceding, end: .currentRow)
}
