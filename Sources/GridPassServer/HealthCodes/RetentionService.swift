import Foundation
import GridPassCore
import Logging
import ServiceLifecycle

/// Deletes scan logs and daily reports older than 28 days, at start and every hour after.
struct RetentionService: Service {
    static let keepSeconds: Int64 = 28 * 86_400
    let health: any HealthRepository
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let now = Int64(Date().timeIntervalSince1970)
                do {
                    let removed = try await health.purge(before: now - Self.keepSeconds)
                    if removed > 0 { logger.info("retention: old scans and daily reports deleted", metadata: ["rows": "\(removed)"]) }
                } catch {
                    logger.error("retention failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }
}
