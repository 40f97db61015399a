import ArgumentParser

/// In-process benchmarks used by `scripts/bench` (hidden from help).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "In-process benchmarks (used by scripts/bench).",
        shouldDisplay: false,
        subcommands: []
    )
}
