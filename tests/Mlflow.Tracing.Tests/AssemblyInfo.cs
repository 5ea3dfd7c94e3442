// Activity listeners are process-wide: a tracer provider of one test would record the spans of another running at
// the same time, so the tests of this assembly run one after the other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
