import PoolSQLCatalog
import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLStore
import PoolSQLSyntax

extension Session {
    /// `INSERT INTO connection_pool_metrics [(columns)] VALUES … | query`: adds samples to the
    /// current metrics store in one append (all or none), with the same defaults and checks as
    /// `COPY … FROM` — seeding a demo history or importing from another table.
    func insertMetrics(_ insert: Insert, context: ExecutionContext) throws(PoolSQLError) -> QueryResult {
        let columns = Session.metricsSchema.columns
        let targets = try Session.metricsTargets(insert.columns, verb: "INSERT INTO")
        let catalog = engine.relationCatalog()
        let instanceID = engine.metricsHistory.sampler.instanceID
        var samples: [MetricsSample] = []

        func sample(_ cells: [(value: Value, type: DataType, range: SourceRange?)]) throws(PoolSQLError) -> MetricsSample {
            if cells.count > targets.count {
                throw PoolSQLError(.syntaxError, "INSERT has more expressions than target columns", range: cells[targets.count].range)
            }
            if cells.count < targets.count, !insert.columns.isEmpty {
                throw PoolSQLError(.syntaxError, "INSERT has more target columns than expressions", range: insert.columns[cells.count].range)
            }
            var sample = MetricsSample(timestamp: Timestamp(microseconds: 0, kind: .timestamptz), poolName: "", instanceID: instanceID)
            var given = Set<String>()
            for (cell, target) in zip(cells, targets) {
                let column = columns[target]
                let value = try Session.assign(cell.value, from: cell.type, to: column, range: cell.range)
                do { try Session.set(column.name, of: &sample, to: value) } catch { throw error.located(cell.range) }
                given.insert(column.name)
            }
            for required in ["metric_timestamp", "pool_name"] where !given.contains(required) {
                throw PoolSQLError(.notNullViolation, "null value in column \"\(required)\" of relation \"\(Session.metricsTableName)\" violates not-null constraint")
            }
            return sample
        }

        let source = insert.source
        if case let .values(values) = source.body, source.with == nil, source.orderBy.isEmpty, source.limit == nil, source.offset == nil {
            // Each VALUES cell is typed against its own column, as for user tables.
            let planner = QueryPlanner(catalog: catalog)
            for cells in values.rows {
                var typed: [(value: Value, type: DataType, range: SourceRange?)] = []
                for cell in cells {
                    let bound = try planner.bindConstant(cell)
                    let value: Value
                    do { value = try bound.evaluate(row: [], context: context) } catch { throw error.located(cell.range) }
                    typed.append((value, bound.type, cell.range))
                }
                samples.append(try sample(typed))
            }
        } else {
            let result = try QueryExecutor.execute(query: source, catalog: catalog, context: context)
            let ranges = Session.selectItemRanges(source)
            let untyped = Session.untypedSelectItems(source)
            for row in result.rows {
                samples.append(try sample(row.enumerated().map { i, value in
                    (value, untyped.contains(i) ? DataType.unknown : result.columns[i].type, i < ranges.count ? ranges[i] : nil)
                }))
            }
        }
        try engine.metricsStore.append(samples)
        return .command("INSERT 0 \(samples.count)")
    }
}
