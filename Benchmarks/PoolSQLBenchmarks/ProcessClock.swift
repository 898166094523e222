#if canImport(Glibc)
import Glibc
#endif

/// One reading of the wall clock and of this process's CPU time (user + system, all threads),
/// taken together so an interval gives both.
struct ProcessClock {
    let wall: ContinuousClock.Instant
    /// getrusage(RUSAGE_SELF) user and system time, in microseconds.
    let userMicroseconds: Double
    let systemMicroseconds: Double
    var cpuMicroseconds: Double { userMicroseconds + systemMicroseconds }

    static func now() -> ProcessClock {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec)
        let system = Double(usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_stime.tv_usec)
        return ProcessClock(wall: .now, userMicroseconds: user, systemMicroseconds: system)
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}

/// The median of a non-empty list (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
