import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLSyntax
import Synchronization

/// A session runs SQL against an engine. Not thread-safe: use one session per thread or task.
public final class Session: @unchecked Sendable {
    public let engine: Engine
    /// Receives the progress of this session's `RUN LOAD TEST` statements a few times a second,
    /// on the thread running the statement (the REPL draws its progress line with it). nil: no
    /// progress, as for scripts and pipes.
    public var loadTestProgressHandler: (@Sendable (LoadTestProgress) -> Void)?
    /// The load test this session is running, so that another thread can stop it.
    let activeLoadTest = Mutex(ActiveLoadTest())

    init(engine: Engine) {
        self.engine = engine
    }

    /// Parses and runs every statement in `sql`, in order, and returns their results. The whole
    /// text is parsed first (a syntax error anywhere runs nothing, as in PostgreSQL); execution
    /// stops at the first failing statement and throws its error, whose range is relative to
    /// `sql`. Use `execute(_:onResult:)` to see the results of the statements before it.
    public func execute(_ sql: String) throws(PoolSQLError) -> [QueryResult] {
        var results: [QueryResult] = []
        try execute(sql) { results.append($0) }
        return results
    }

    /// Like `execute(_:)`, handing each statement's result to `onResult` as soon as it is ready.
    public func execute(_ sql: String, onResult: (QueryResult) -> Void) throws(PoolSQLError) {
        let statements = try Parser.parseStatements(sql)
        for statement in statements {
            onResult(try run(statement))
        }
    }

    /// Runs one parsed statement.
    public func run(_ statement: Statement) throws(PoolSQLError) -> QueryResult {
        // CURRENT_TIMESTAMP is fixed for the duration of one statement.
        let context = ExecutionContext(statementTimestamp: .now())
        switch statement {
        case let .query(query):
            let result = try QueryExecutor.execute(query: query, catalog: engine.relationCatalog(), context: context)
            return QueryResult(columns: result.columns.map { ResultColumn(name: $0.name, type: $0.type) },
                               rows: result.rows, commandTag: "SELECT \(result.rows.count)")
        case let .explain(explain):
            guard case let .query(query) = explain.statement else {
                throw PoolSQLError.notSupported("EXPLAIN of a statement other than a query")
            }
            if explain.analyze { throw PoolSQLError.notSupported("EXPLAIN ANALYZE") }
            let lines = try QueryExecutor.explain(query: query, catalog: engine.relationCatalog(), context: context)
            return QueryResult(columns: [ResultColumn(name: "QUERY PLAN", type: .text)],
                               rows: lines.map { [.text($0)] }, commandTag: "EXPLAIN")
        case let .set(set):
            return try runSet(set, context: context)
        case let .show(target):
            return try runShow(target)
        case let .reset(target):
            return try runReset(target)
        case let .createPool(create):
            return try runCreatePool(create, context: context)
        case let .alterPool(alter):
            return try runAlterPool(alter, context: context)
        case let .checkPool(name):
            return try runCheckPool(name)
        case let .drop(drop):
            return try runDrop(drop)
        case let .runLoadTest(loadTest):
            return try runLoadTest(loadTest, context: context)
        case let .createView(create):
            return try runCreateView(create)
        case let .createTable(create):
            return try runCreateTable(create, context: context)
        case let .insert(insert):
            return try runInsert(insert, context: context)
        case let .copy(copy):
            return try runCopy(copy, context: context)
        }
    }
}
