import Hummingbird

/// `GET /checkpoint`: the guard's page. The guard signs in with the API token of their account
/// (kept in the browser); the page scans with the camera where the browser has BarcodeDetector,
/// takes a typed or pasted code otherwise, and shows the verdict full-screen in its colour.
struct CheckpointPage: Sendable {
    let services: AppServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/checkpoint") { request, _ in
            try services.pages.page("checkpoint", ["title": Language(request).strings["guard_title"]!], language: Language(request))
        }
    }
}
