import PoolSQLCore

/// One SQL statement of the PoolSQL dialect.
public indirect enum Statement: Sendable, Hashable {
    case query(Query)
    case explain(Explain)
    /// `SET [SESSION|GLOBAL|LOCAL] name = value|DEFAULT` (also `name TO value`).
    case set(SetVariable)
    /// `SHOW name`, `SHOW ALL`.
    case show(VariableTarget)
    /// `RESET name`, `RESET ALL`.
    case reset(VariableTarget)
    case createPool(CreatePool)
    case alterPool(AlterPool)
    case checkPool(Ident)
    case runLoadTest(RunLoadTest)
    case createView(CreateView)
    case createTable(CreateTable)
    case insert(Insert)
    /// `DROP POOL|VIEW|TABLE [IF EXISTS] name, …`.
    case drop(Drop)
    case copy(Copy)
}

/// `EXPLAIN [ANALYZE] [VERBOSE] statement`.
public struct Explain: Sendable, Hashable {
    public var analyze: Bool
    public var verbose: Bool
    public var statement: Statement

    public init(analyze: Bool = false, verbose: Bool = false, statement: Statement) {
        self.analyze = analyze
        self.verbose = verbose
        self.statement = statement
    }
}

public enum SetScope: String, Sendable, Hashable {
    case session = "SESSION"
    case global = "GLOBAL"
    case local = "LOCAL"
    /// `SET PERSIST name = value`: the engine-wide value, also kept in the engine's store and
    /// applied again at every start; `SET PERSIST name = DEFAULT` forgets it.
    case persist = "PERSIST"
}

/// `SET [scope] name = value[, …] | DEFAULT`. `SET TIME ZONE x` is `SET timezone = x`.
public struct SetVariable: Sendable, Hashable {
    public var scope: SetScope?
    public var name: ObjectName
    public var value: SetValue

    public init(scope: SetScope? = nil, name: ObjectName, value: SetValue) {
        self.scope = scope
        self.name = name
        self.value = value
    }
}

public enum SetValue: Sendable, Hashable {
    case `default`
    /// One or more values: literals, bare words (`.identifier`), negative numbers.
    case values([Expr])
}

public enum VariableTarget: Sendable, Hashable {
    case all
    case name(ObjectName)
}

/// `name = value` in a `WITH (…)` option list or `ALTER POOL … SET`.
public struct SQLOption: Sendable, Hashable {
    public var name: Ident
    public var value: Expr

    public init(name: Ident, value: Expr) {
        self.name = name
        self.value = value
    }
}

/// `CREATE POOL [IF NOT EXISTS] name [URI] 'mongodb://…' [ENVIRONMENT 'env'] [WITH (…)]`.
public struct CreatePool: Sendable, Hashable {
    public var ifNotExists: Bool
    public var name: Ident
    public var uri: String
    public var environment: String?
    public var options: [SQLOption]

    public init(ifNotExists: Bool = false, name: Ident, uri: String, environment: String? = nil, options: [SQLOption] = []) {
        self.ifNotExists = ifNotExists
        self.name = name
        self.uri = uri
        self.environment = environment
        self.options = options
    }
}

/// `ALTER POOL name SET … | ENABLE | DISABLE`.
public struct AlterPool: Sendable, Hashable {
    public var name: Ident
    public var action: AlterPoolAction

    public init(name: Ident, action: AlterPoolAction) {
        self.name = name
        self.action = action
    }
}

public enum AlterPoolAction: Sendable, Hashable {
    case set([SQLOption])
    case enable
    case disable
}

/// `RUN LOAD TEST ON POOL name [SCENARIO 'name'] [WITH (…)]`.
public struct RunLoadTest: Sendable, Hashable {
    public var pool: Ident
    public var scenario: String?
    public var options: [SQLOption]

    public init(pool: Ident, scenario: String? = nil, options: [SQLOption] = []) {
        self.pool = pool
        self.scenario = scenario
        self.options = options
    }
}

/// `CREATE [OR REPLACE] VIEW name [(cols)] AS query`.
public struct CreateView: Sendable, Hashable {
    public var orReplace: Bool
    public var name: ObjectName
    public var columns: [Ident]
    public var query: Query

    public init(orReplace: Bool = false, name: ObjectName, columns: [Ident] = [], query: Query) {
        self.orReplace = orReplace
        self.name = name
        self.columns = columns
        self.query = query
    }
}

/// `CREATE TABLE [IF NOT EXISTS] name (col type …, …)` or `CREATE TABLE name [(cols)] AS query`.
public struct CreateTable: Sendable, Hashable {
    public var ifNotExists: Bool
    public var name: ObjectName
    /// Column definitions; for `AS query` only names may be given (with `dataType` nil).
    public var columns: [ColumnDefinition]
    public var asQuery: Query?

    public init(ifNotExists: Bool = false, name: ObjectName, columns: [ColumnDefinition] = [], asQuery: Query? = nil) {
        self.ifNotExists = ifNotExists
        self.name = name
        self.columns = columns
        self.asQuery = asQuery
    }
}

public struct ColumnDefinition: Sendable, Hashable {
    public var name: Ident
    /// nil only in the column list of `CREATE TABLE t (a, b) AS query`.
    public var dataType: DataType?
    public var constraints: [ColumnConstraint]

    public init(name: Ident, dataType: DataType?, constraints: [ColumnConstraint] = []) {
        self.name = name
        self.dataType = dataType
        self.constraints = constraints
    }
}

public enum ColumnConstraint: Sendable, Hashable {
    case notNull
    case null
    case primaryKey
    case unique
    case `default`(Expr)
}

/// `INSERT INTO name [(cols)] VALUES …|query`.
public struct Insert: Sendable, Hashable {
    public var table: ObjectName
    public var columns: [Ident]
    /// A VALUES list is a query whose body is `.values`.
    public var source: Query

    public init(table: ObjectName, columns: [Ident] = [], source: Query) {
        self.table = table
        self.columns = columns
        self.source = source
    }
}

public enum ObjectKind: String, Sendable, Hashable {
    case pool = "POOL"
    case view = "VIEW"
    case table = "TABLE"
}

/// `DROP POOL|VIEW|TABLE [IF EXISTS] name, … [CASCADE | RESTRICT]`.
public struct Drop: Sendable, Hashable {
    public var kind: ObjectKind
    public var ifExists: Bool
    public var names: [ObjectName]
    /// `CASCADE`: also drop the views that depend on the dropped objects. `RESTRICT` (the
    /// default) refuses to drop an object others depend on.
    public var cascade: Bool

    public init(kind: ObjectKind, ifExists: Bool = false, names: [ObjectName], cascade: Bool = false) {
        self.kind = kind
        self.ifExists = ifExists
        self.names = names
        self.cascade = cascade
    }
}

public enum CopyDirection: String, Sendable, Hashable {
    case to = "TO"
    case from = "FROM"
}

/// `COPY table [(cols)] TO|FROM 'path' [WITH (FORMAT csv, HEADER [bool], DELIMITER ',')]`.
public struct Copy: Sendable, Hashable {
    public var table: ObjectName
    public var columns: [Ident]
    public var direction: CopyDirection
    public var path: String
    public var options: [CopyOption]

    public init(table: ObjectName, columns: [Ident] = [], direction: CopyDirection, path: String, options: [CopyOption] = []) {
        self.table = table
        self.columns = columns
        self.direction = direction
        self.path = path
        self.options = options
    }
}

/// `FORMAT csv`, `HEADER`, `HEADER false`, `DELIMITER ','`: a name and an optional value (no `=`).
public struct CopyOption: Sendable, Hashable {
    public var name: Ident
    public var value: Expr?

    public init(name: Ident, value: Expr? = nil) {
        self.name = name
        self.value = value
    }
}
