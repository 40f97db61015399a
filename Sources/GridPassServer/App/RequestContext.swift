import GridPassCore
import NIOCore
import Hummingbird
import HummingbirdAuth

/// The request context of every GridPass route; `identity` is the user of a valid bearer token.
public struct AppRequestContext: AuthRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: UserRecord?
    /// The connection (nil in router tests), for `clientAddress`.
    private let channel: (any Channel)?

    /// The address a trusted proxy forwarded the request for (`ClientAddressMiddleware`).
    public var forwardedFor: String?

    /// The client's IP address (nil in router tests); the staff sign-in throttle counts by it.
    /// Computed when asked: most requests never need it.
    public var clientAddress: String? { forwardedFor ?? channel?.remoteAddress?.ipAddress }

    /// The connection's own peer address.
    public var peerAddress: String? { channel?.remoteAddress?.ipAddress }

    public init(source: Source) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
