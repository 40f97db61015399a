import GridPassCore
import Hummingbird
import HummingbirdAuth

/// The request context of every GridPass route; `identity` is the user of a valid bearer token.
public struct AppRequestContext: AuthRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: UserRecord?
    /// The client's IP address (nil in router tests); the staff sign-in throttle counts by it.
    public var clientAddress: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
