import Foundation

/// A reading of `CLOCK_MONOTONIC` in nanoseconds: what a connection pool times checkout
/// waits, idleness and event durations with.
///
/// The pool reads the clock once per critical section (once per checkout, once per check-in)
/// and derives everything of that moment from the one reading: the events' wall-clock times
/// (`PoolEventLog.timestamp(at:)`), the checkout's wait and the idle timer. A clock read is a
/// vDSO call of about 20 ns on the CI machine, and `ContinuousClock.now` adds `Duration`'s
/// 128-bit arithmetic on top; with five reads per checkout and check-in the clock had been a
/// quarter of the pair's cost.
struct PoolInstant: Comparable, Sendable {
    var nanoseconds: Int64

    static func now() -> PoolInstant {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return PoolInstant(nanoseconds: Int64(now.tv_sec) &* 1_000_000_000 &+ Int64(now.tv_nsec))
    }

    static func < (lhs: PoolInstant, rhs: PoolInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Nanoseconds from `rhs` to `lhs`.
    static func - (lhs: PoolInstant, rhs: PoolInstant) -> Int64 { lhs.nanoseconds &- rhs.nanoseconds }

    func adding(milliseconds: Int) -> PoolInstant {
        PoolInstant(nanoseconds: nanoseconds &+ Int64(milliseconds) &* 1_000_000)
    }

    /// Nanoseconds as a `Duration` (for public APIs that report one).
    static func duration(nanoseconds: Int64) -> Duration { .nanoseconds(nanoseconds) }

    /// Nanoseconds as fractional milliseconds (event durations, counters).
    static func milliseconds(nanoseconds: Int64) -> Double { Double(nanoseconds) / 1_000_000 }
}
