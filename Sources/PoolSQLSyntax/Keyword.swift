/// The keywords of the PoolSQL dialect (`Grammar/keywords.md` is the written list). Reserved
/// keywords cannot be used as identifiers unless quoted; non-reserved ones are identifiers
/// wherever their keyword meaning does not apply.
public enum Keyword: String, Sendable, Hashable, CaseIterable {
    // Reserved.
    case all = "ALL", alter = "ALTER", analyze = "ANALYZE", and = "AND", any = "ANY", array = "ARRAY", `as` = "AS"
    case asc = "ASC", between = "BETWEEN", both = "BOTH", `case` = "CASE", cast = "CAST", check = "CHECK"
    case create = "CREATE", cross = "CROSS", currentDate = "CURRENT_DATE", currentTime = "CURRENT_TIME"
    case currentTimestamp = "CURRENT_TIMESTAMP", `default` = "DEFAULT", desc = "DESC", distinct = "DISTINCT"
    case drop = "DROP", `else` = "ELSE", end = "END", except = "EXCEPT", exists = "EXISTS", explain = "EXPLAIN"
    case `false` = "FALSE", fetch = "FETCH", `for` = "FOR", from = "FROM", full = "FULL", group = "GROUP"
    case having = "HAVING", ilike = "ILIKE", `in` = "IN", inner = "INNER", insert = "INSERT"
    case intersect = "INTERSECT", into = "INTO", `is` = "IS", isnull = "ISNULL", join = "JOIN"
    case lateral = "LATERAL", leading = "LEADING", left = "LEFT", like = "LIKE", limit = "LIMIT"
    case localTime = "LOCALTIME", localTimestamp = "LOCALTIMESTAMP", natural = "NATURAL", not = "NOT"
    case notnull = "NOTNULL", null = "NULL", offset = "OFFSET", on = "ON", or = "OR", order = "ORDER"
    case outer = "OUTER", primary = "PRIMARY", right = "RIGHT", select = "SELECT", some = "SOME", table = "TABLE"
    case then = "THEN", to = "TO", trailing = "TRAILING", `true` = "TRUE", union = "UNION", unique = "UNIQUE"
    case using = "USING", values = "VALUES", when = "WHEN", `where` = "WHERE", window = "WINDOW", with = "WITH"
    // Non-reserved.
    case bigint = "BIGINT", boolean = "BOOLEAN", by = "BY", cascade = "CASCADE", char = "CHAR", character = "CHARACTER", copy = "COPY"
    case current = "CURRENT", date = "DATE", decimal = "DECIMAL", delimiter = "DELIMITER", disable = "DISABLE"
    case double = "DOUBLE", enable = "ENABLE", environment = "ENVIRONMENT", escape = "ESCAPE", extract = "EXTRACT"
    case filter = "FILTER", first = "FIRST", float = "FLOAT", following = "FOLLOWING", format = "FORMAT"
    case global = "GLOBAL", groups = "GROUPS", header = "HEADER", `if` = "IF", int = "INT", integer = "INTEGER"
    case interval = "INTERVAL", key = "KEY", last = "LAST", load = "LOAD", local = "LOCAL", nulls = "NULLS"
    case numeric = "NUMERIC", replace = "REPLACE", over = "OVER", partition = "PARTITION", persist = "PERSIST"
    case pool = "POOL", position = "POSITION", preceding = "PRECEDING", precision = "PRECISION", range = "RANGE"
    case real = "REAL", recursive = "RECURSIVE", reset = "RESET", restrict = "RESTRICT", row = "ROW", rows = "ROWS", run = "RUN"
    case scenario = "SCENARIO", session = "SESSION", set = "SET", show = "SHOW", smallint = "SMALLINT"
    case substring = "SUBSTRING", test = "TEST", text = "TEXT", time = "TIME", timestamp = "TIMESTAMP"
    case timestamptz = "TIMESTAMPTZ", trim = "TRIM", unbounded = "UNBOUNDED", unknown = "UNKNOWN", uri = "URI"
    case varchar = "VARCHAR", varying = "VARYING", verbose = "VERBOSE", view = "VIEW", within = "WITHIN"
    case without = "WITHOUT", zone = "ZONE"

    /// Reserved keywords: an identifier spelled like one must be quoted.
    public static let reserved: Set<Keyword> = [
        .all, .alter, .analyze, .and, .any, .array, .as, .asc, .between, .both, .case, .cast, .check, .create,
        .cross, .currentDate, .currentTime, .currentTimestamp, .default, .desc, .distinct, .drop, .else, .end,
        .except, .exists, .explain, .false, .fetch, .for, .from, .full, .group, .having, .ilike, .in, .inner,
        .insert, .intersect, .into, .is, .isnull, .join, .lateral, .leading, .left, .like, .limit, .localTime,
        .localTimestamp, .natural, .not, .notnull, .null, .offset, .on, .or, .order, .outer, .primary, .right,
        .select, .some, .table, .then, .to, .trailing, .true, .union, .unique, .using, .values, .when, .where,
        .window, .with,
    ]

    public var isReserved: Bool { Keyword.reserved.contains(self) }

    private static let byName: [String: Keyword] = {
        var map: [String: Keyword] = [:]
        for k in Keyword.allCases { map[k.rawValue] = k }
        return map
    }()

    /// The keyword spelled `word` (any case), if any.
    public init?(word: String) {
        guard let k = Keyword.byName[word.uppercased()] else { return nil }
        self = k
    }

    /// Every keyword spelling, for "did you mean …?" hints.
    public static let allSpellings: [String] = Keyword.allCases.map(\.rawValue)
}
