import PoolSQLCore
import PoolSQLPlanner

/// WITH RECURSIVE evaluation: the anchor's rows, then the recursive term over the previous
/// iteration's new rows until it yields none. A runaway recursion stops with 54001.
public struct RecursiveUnionExec: PhysicalOperator {
    public let table: WorkTable
    public let all: Bool
    public let anchor: any PhysicalOperator
    public let recursive: any PhysicalOperator

    public var columns: [PlanColumn] { table.columns }

    static let maximumRows = 1_000_000

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        var seen: Set<[Value]> = []
        func fresh(_ rows: [[Value]]) -> [[Value]] {
            all ? rows : rows.filter { seen.insert($0).inserted }
        }
        var result = fresh(try anchor.execute(context))
        var working = result
        while !working.isEmpty {
            try context.checkCancellation()
            context.workTables.set(working, for: table)
            working = fresh(try recursive.execute(context))
            result += working
            if result.count > RecursiveUnionExec.maximumRows {
                throw PoolSQLError(.programLimitExceeded, "recursive query \"\(table.name)\" produced more than \(RecursiveUnionExec.maximumRows) rows",
                                   hint: "Check the recursive term's stop condition.")
            }
        }
        return result
    }
}
