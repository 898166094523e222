import PoolSQLCore

/// The PostgreSQL codes for views, user tables and COPY (listed in Grammar/sqlstate.md).
extension SQLState {
    static let notNullViolation: SQLState = "23502"
    static let characterNotInRepertoire: SQLState = "22021"
    static let dependentObjectsStillExist: SQLState = "2BP01"
    static let invalidSchemaName: SQLState = "3F000"
    static let invalidTableDefinition: SQLState = "42P16"
    static let invalidObjectDefinition: SQLState = "42P17"
    static let undefinedFile: SQLState = "58P01"
    static let dataCorrupted: SQLState = "XX001"
}
