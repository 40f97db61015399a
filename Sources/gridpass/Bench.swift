import ArgumentParser
import Foundation
import GridPassCore
import GridPassServer
import QRImaging

/// In-process benchmarks used by `scripts/bench` (hidden from help).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "In-process benchmarks (used by scripts/bench).",
        shouldDisplay: false,
        subcommands: [BenchPosters.self, BenchVerify.self, BenchSeed.self, BenchRead.self, BenchIntake.self, BenchTally.self]
    )
}

/// `gridpass bench posters`: poster PNGs per second, single-threaded, through `PosterRenderer.png`
/// (300 dpi, 50 mm, ECC level Q), the code path of `gridpass posters --format png`.
/// `scripts/bench-src/poster_bench.c` does the same job in C over the same URLs.
struct BenchPosters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "posters",
                                                    abstract: "Poster PNGs per second, in-process.")

    @Option(help: "Distinct poster URLs to render.") var count = 1000
    @Option(help: "Minimum measuring time; the URL set is rendered again until it has passed.") var seconds = 3.0
    @Option(help: "Public URL the posters point to.") var publicURL = "http://127.0.0.1:8080"
    @Flag(name: .customLong("list-urls"), help: "Only print the URLs, one a line (for the qrencode CLI run of scripts/bench).") var listURLs = false

    func validate() throws {
        guard count >= 1, seconds >= 0 else { throw ValidationError("--count must be ≥ 1 and --seconds ≥ 0") }
    }

    func run() throws {
        let urls = Self.urls(count: count, publicURL: publicURL)
        if listURLs { urls.forEach { print($0) }; return }
        for url in urls.prefix(200) { _ = try PosterRenderer.png(url) }  // warm-up

        var renders = 0, bytes = 0
        let clock = ContinuousClock(), start = clock.now, cpuStart = Self.cpuSeconds()
        var elapsed = 0.0
        repeat {
            for url in urls { bytes += try PosterRenderer.png(url).count }
            renders += urls.count
            elapsed = (clock.now - start).inSeconds
        } while elapsed < seconds
        let cpu = Self.cpuSeconds() - cpuStart

        let modules = try PosterRenderer.matrix(urls[0]).size
        let side = try PNGDecoder.decodeGray(PosterRenderer.png(urls[0])).width
        print("impl=swift posters_png_per_sec=\(fmt(Double(renders) / elapsed))"
              + " posters_png_per_cpu_sec=\(fmt(Double(renders) / cpu)) count=\(count) renders=\(renders)"
              + " seconds=\(fmt(elapsed, 3)) cpu_seconds=\(fmt(cpu, 3)) mean_png_bytes=\(fmt(Double(bytes) / Double(renders)))"
              + " modules=\(modules) scale=\(side / (modules + 8)) side_px=\(side) url_example=\(urls[0])")
    }

    /// CPU time of the whole process (user + system), as the C program measures it.
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The same URLs as the C program: tokens of 32 base32 characters from xorshift64
    /// (seed 88172645463325252), one character from the top 5 bits of each step.
    static func urls(count: Int, publicURL: String) -> [String] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        var state: UInt64 = 88_172_645_463_325_252
        return (0..<count).map { _ in
            let token = (0..<32).map { _ in
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                return alphabet[Int(state >> 59)]
            }
            return PosterURL.make(publicURL: publicURL, token: String(decoding: token, as: UTF8.self))
        }
    }

    private func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
}
