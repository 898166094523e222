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

/// `ROWS BETWEEN … AND …` (row offsets) or `RANGE BETWEEN … AND …` (peers; only UNBOUNDED
/// and CURRENT ROW bounds).
public struct WindowFrameSpec: Sendable {
    public var rows: Bool
    public var start: WindowFrameBound
    public var end: WindowFrameBound

    public init(rows: Bool, start: WindowFrameBound, end: WindowFrameBound) {
        self.rows = rows
        self.start = start
        self.end = end
    }

    /// PostgreSQL's default: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (the whole
    /// partition when there is no ORDER BY, as every row is then a peer).
    public static let `default` = WindowFrameSpec(rows: false, start: .unboundedPreceding, end: .currentRow)
}
