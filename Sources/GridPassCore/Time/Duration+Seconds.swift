extension Duration {
    /// The duration in seconds, as a `Double` (for timings in logs and benchmarks).
    public var inSeconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
