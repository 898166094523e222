import Synchronization

#if POOLSQL_TSAN
@usableFromInline @_silgen_name("__tsan_acquire") func tsanAcquire(_ address: UnsafeRawPointer)
@usableFromInline @_silgen_name("__tsan_release") func tsanRelease(_ address: UnsafeRawPointer)
#endif

/// `Synchronization.Mutex` that ThreadSanitizer can see.
///
/// On Linux `Mutex` locks with raw futex system calls, which ThreadSanitizer does not intercept,
/// so every access to state guarded by a `Mutex` is reported as a data race (a 10-line program
/// reproduces it). Built with `-Xswiftc -DPOOLSQL_TSAN` (see the README's sanitizer command),
/// this wrapper tells ThreadSanitizer about each acquire and release, so the reports that remain
/// are real; in every other build it is exactly a `Mutex`.
public struct AnnotatedMutex<Value: ~Copyable>: ~Copyable, @unchecked Sendable {
    // @unchecked: it is a Mutex (Sendable for any Value) plus annotations that have no state.
    @usableFromInline let mutex: Mutex<Value>

    public init(_ initialValue: consuming sending Value) {
        mutex = Mutex(initialValue)
    }

    @inlinable
    public borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        try mutex.withLock { (value: inout sending Value) throws(E) -> sending Result in
            #if POOLSQL_TSAN
            withUnsafePointer(to: mutex) { tsanAcquire(UnsafeRawPointer($0)) }
            defer { withUnsafePointer(to: mutex) { tsanRelease(UnsafeRawPointer($0)) } }
            #endif
            return try body(&value)
        }
    }
}
