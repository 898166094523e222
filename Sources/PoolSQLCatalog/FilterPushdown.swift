/// How a table handles a filter the planner offers it.
public enum FilterPushdown: String, Sendable, Hashable {
    /// The table returns only matching rows; the planner drops the filter.
    case exact
    /// The table may narrow its rows with it but can return extra rows; the planner re-applies it.
    case inexact
    /// The table ignores it; the planner does not send it and applies it itself.
    case unsupported
}
