/// What `stopLoadTest()` acts on: whether a load test is under way, its runner once the workers
/// start, and a stop asked for before they did.
struct ActiveLoadTest: Sendable {
    var isActive = false
    var runner: LoadTestRunner?
    var stopRequested = false
}
