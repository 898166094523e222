import PoolSQLCore

/// What one worker (or, merged, the whole test) measured: outcomes, response times, checkout
/// waits and how long connections were held.
struct LoadTestTally: Sendable {
    var successes = 0
    var errors = 0
    var timeoutErrors = 0
    var connectionErrors = 0
    /// Response times of the successful operations, ms, measured from each one's due time.
    var responseTimes = LatencySketch()
    var checkoutWaitTotalMS = 0.0
    var checkouts = 0
    /// Sum of the time connections were checked out by the test, ms (Little's law: divided by
    /// the elapsed time, the average number of connections in use).
    var connectionHoldTotalMS = 0.0
    var firstError: PoolSQLError?

    var completed: Int { successes + errors }

    mutating func merge(_ other: LoadTestTally) {
        successes += other.successes
        errors += other.errors
        timeoutErrors += other.timeoutErrors
        connectionErrors += other.connectionErrors
        responseTimes.merge(other.responseTimes)
        checkoutWaitTotalMS += other.checkoutWaitTotalMS
        checkouts += other.checkouts
        connectionHoldTotalMS += other.connectionHoldTotalMS
        if firstError == nil { firstError = other.firstError }
    }

    /// Counts a failed operation in its class.
    mutating func recordFailure(_ error: PoolSQLError) {
        errors += 1
        switch LoadTestErrorClass(error) {
        case .timeout: timeoutErrors += 1
        case .connection: connectionErrors += 1
        case .other: break
        }
        if firstError == nil { firstError = error }
    }
}

/// How `load_test_results` counts a failed operation.
enum LoadTestErrorClass: Sendable, Hashable {
    /// No connection became free in time (53300), a socket timeout on an established
    /// connection (08006 "timed out"), a canceled statement (57014).
    case timeout
    /// The connection could not be opened (08001) or broke (08006, 08000).
    case connection
    /// Everything else: the server rejected the command, a write error, …
    case other

    init(_ error: PoolSQLError) {
        switch error.code.code {
        case "53300", SQLState.queryCanceled.code:
            self = .timeout
        case SQLState.connectionFailure.code:
            // An established connection failed; libmongoc reports a socket timeout as a network
            // error whose message says so.
            self = error.message.lowercased().contains("timed out") ? .timeout : .connection
        case SQLState.sqlClientUnableToEstablishConnection.code, SQLState.connectionException.code:
            self = .connection
        default:
            self = .other
        }
    }
}
