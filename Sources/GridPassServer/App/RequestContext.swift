import GridPassCore
import Hummingbird
import HummingbirdAuth

/// The request context of every GridPass route; `identity` is the user of a valid bearer token.
public struct AppRequestContext: AuthRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: UserRecord?

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}
