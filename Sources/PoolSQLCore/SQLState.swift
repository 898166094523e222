/// A five-character SQLSTATE code. PostgreSQL's codes are used where one fits; the full list the
/// project uses is in `Grammar/sqlstate.md`.
public struct SQLState: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let code: String

    public init(_ code: String) { self.code = code }
    public init(stringLiteral value: String) { self.code = value }

    public var description: String { code }

    // Class 08 — connection exception
    public static let connectionException: SQLState = "08000"
    public static let connectionFailure: SQLState = "08006"
    public static let sqlClientUnableToEstablishConnection: SQLState = "08001"
    // Class 0A — feature not supported
    public static let featureNotSupported: SQLState = "0A000"
    // Class 21 — cardinality violation
    public static let cardinalityViolation: SQLState = "21000"
    // Class 22 — data exception
    public static let dataException: SQLState = "22000"
    public static let stringDataRightTruncation: SQLState = "22001"
    public static let numericValueOutOfRange: SQLState = "22003"
    public static let invalidDatetimeFormat: SQLState = "22007"
    public static let datetimeFieldOverflow: SQLState = "22008"
    public static let divisionByZero: SQLState = "22012"
    public static let invalidParameterValue: SQLState = "22023"
    public static let invalidTextRepresentation: SQLState = "22P02"
    public static let badCopyFileFormat: SQLState = "22P04"
    public static let invalidEscapeSequence: SQLState = "22025"
    public static let arraySubscriptError: SQLState = "2202E"
    public static let characterNotInRepertoire: SQLState = "22021"
    // Class 23 — integrity constraint violation
    public static let notNullViolation: SQLState = "23502"
    public static let uniqueViolation: SQLState = "23505"
    // Class 25/40 — transactions
    // Class 2B — dependent privilege descriptors still exist
    public static let dependentObjectsStillExist: SQLState = "2BP01"
    // Class 3F — invalid schema name
    public static let invalidSchemaName: SQLState = "3F000"
    // Class 42 — syntax error or access rule violation
    public static let syntaxError: SQLState = "42601"
    public static let undefinedTable: SQLState = "42P01"
    public static let undefinedColumn: SQLState = "42703"
    public static let undefinedFunction: SQLState = "42883"
    public static let undefinedObject: SQLState = "42704"
    public static let duplicateObject: SQLState = "42710"
    public static let duplicateTable: SQLState = "42P07"
    public static let duplicateColumn: SQLState = "42701"
    public static let ambiguousColumn: SQLState = "42702"
    public static let datatypeMismatch: SQLState = "42804"
    public static let groupingError: SQLState = "42803"
    public static let windowingError: SQLState = "42P20"
    public static let invalidColumnReference: SQLState = "42P10"
    public static let wrongObjectType: SQLState = "42809"
    public static let cannotCoerce: SQLState = "42846"
    public static let undefinedParameter: SQLState = "42P02"
    public static let invalidRecursion: SQLState = "42P19"
    public static let invalidTableDefinition: SQLState = "42P16"
    public static let invalidObjectDefinition: SQLState = "42P17"
    // Class 53/54 — resources, program limits
    public static let programLimitExceeded: SQLState = "54001"
    public static let tooManyColumns: SQLState = "54011"
    // Class 55 — object not in prerequisite state
    public static let objectNotInPrerequisiteState: SQLState = "55000"
    public static let cantChangeRuntimeParam: SQLState = "55P02"
    public static let objectInUse: SQLState = "55006"
    // Class 57 — operator intervention
    public static let queryCanceled: SQLState = "57014"
    // Class 58 — system error
    public static let ioError: SQLState = "58030"
    public static let undefinedFile: SQLState = "58P01"
    // Class XX — internal error
    public static let internalError: SQLState = "XX000"
    public static let dataCorrupted: SQLState = "XX001"
}
