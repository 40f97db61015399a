import Foundation
import GridPassCore
import GridPassPostgres
import Hummingbird
import Logging

/// Builds the GridPass application. `gridpass serve` and the tests both call this, so what is
/// tested is what ships.
public func buildApplication(_ config: AppConfiguration, logger: Logger? = nil) async throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "gridpass")
    LocalZone.use(config.timeZone)
    switch config.effectiveStore {
    case .sqlite(let path): logger[metadataKey: "data"] = .string(path)
    case .postgres(let url, _): logger[metadataKey: "database"] = .string((try? PostgresURL(url))?.description ?? "?")
    }
    let services = try await AppServices.open(config.effectiveStore, rules: .serve(file: config.rulesFile))
    try await services.settings.setSetting(SettingKey.publicURL, config.effectivePublicURL)
    try await services.settings.setSetting(SettingKey.codeTTL, String(config.codeTTL))
    try await services.settings.setSetting(SettingKey.timeZone, config.timeZone.identifier)
    if config.demo {
        let summary = try await DemoData.load(into: services.places)
        logger.info("demo street loaded", metadata: ["inserted": "\(summary.inserted)", "updated": "\(summary.updated)"])
    }
    let scanLog = ScanLogWriter(health: services.health, logger: logger)
    let router = buildRouter(services, config: config, scanLog: scanLog)
    let recompute = RecomputeService(codes: HealthCodeService(services: services, codeTTL: config.codeTTL),
                                     health: services.health, logger: logger)
    let runningLogger = logger
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "GridPass"),
        services: [RetentionService(health: services.health, logger: logger), scanLog] + (config.recomputePass ? [recompute] : []),
        onServerRunning: { channel in
            runningLogger.info("serving", metadata: ["address": "\(channel.localAddress?.description ?? "?")",
                                              "public_url": .string(config.effectivePublicURL)])
        },
        logger: logger
    )
}

/// The routes of every capability, each added by its own controller.
/// With `scanLog`, scans are written in batches by that service; without, at once.
func buildRouter(_ services: AppServices, config: AppConfiguration, scanLog: ScanLogWriter? = nil) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    if !config.trustedProxies.isEmpty { router.add(middleware: ClientAddressMiddleware(trusted: Set(config.trustedProxies))) }
    router.add(middleware: RequestObserverMiddleware(metrics: services.metrics))
    if services.data == nil {  // PostgreSQL: 503 while the database cannot be reached (CONTRACT §8)
        router.add(middleware: DatabaseAvailabilityMiddleware(deadline: config.unavailableAfter))
    }
    router.add(middleware: BearerAuthMiddleware(users: services.users, staff: services.staff, places: services.places))
    router.get("/healthz") { _, _ in
        if services.data == nil { _ = try await services.places.count() }  // the database answers
        return "ok\n"
    }
    MetricsController(services: services, token: config.metricsToken).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    let codes = HealthCodeService(services: services, codeTTL: config.codeTTL)
    let intake = IntakeService(services: services, codes: codes, publicURL: config.effectivePublicURL)
    PosterController(services: services, intake: intake).addRoutes(to: router)
    RegistrationController(intake: intake).addRoutes(to: router)
    PersonalPage(services: services, codes: codes).addRoutes(to: router)
    CodeController(services: services, codes: codes).addRoutes(to: router)
    FlagController(services: services, codes: codes).addRoutes(to: router)
    let verifier = scanLog.map { writer in VerifyService(services: services, repeatWindow: config.repeatWindow, log: { writer.append($0) }) }
        ?? VerifyService(services: services, repeatWindow: config.repeatWindow)
    VerifyController(services: services, verifier: verifier).addRoutes(to: router)
    CheckpointPage(services: services).addRoutes(to: router)
    RegionController(services: services).addRoutes(to: router)
    ReviewController(services: services, intake: intake).addRoutes(to: router)
    StaffRoutes.add(to: router, services: services, codes: codes, intake: intake, publicURL: config.effectivePublicURL)
    return router
}
