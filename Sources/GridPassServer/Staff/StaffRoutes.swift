import GridPassCore
import Hummingbird

/// The staff web pages under `/staff` (CONTRACT §7): sign-in, places and posters, the review
/// queue, coverage per grid, people, risk and flags, the audit log.
enum StaffRoutes {
    static func add(to router: Router<AppRequestContext>, services: AppServices, codes: HealthCodeService, intake: IntakeService,
                    publicURL: String) {
        let env = StaffEnvironment(services: services, codes: codes, publicURL: publicURL)
        StaffLoginController(env: env).addRoutes(to: router)
        StaffPlacesController(env: env).addRoutes(to: router)
        StaffReviewController(env: env).addRoutes(to: router)
        StaffCoverageController(env: env).addRoutes(to: router)
        StaffPersonController(env: env).addRoutes(to: router)
        StaffRiskController(env: env).addRoutes(to: router)
        StaffAuditController(env: env).addRoutes(to: router)
        GuardSignInController(env: env).addRoutes(to: router)
        AssistedController(env: env, intake: intake).addRoutes(to: router)
        AppealController(env: env).addRoutes(to: router)
        ChannelController(env: env).addRoutes(to: router)
        ChannelPages(env: env).addRoutes(to: router)
        PersonDataController(env: env).addRoutes(to: router)
    }
}
