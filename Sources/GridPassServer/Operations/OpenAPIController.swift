import GridPassResources
import Hummingbird

/// `GET /openapi.yaml`: the OpenAPI 3.1 document of the JSON API, shipped as `Resources/openapi.yaml`
/// (a test checks it against the router).
struct OpenAPIController: Sendable {
    /// Read once, when first asked for.
    static let document = Result { ByteBuffer(string: try GridPassResources.text("openapi.yaml")) }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: try Self.document.get()))
        }
    }
}
