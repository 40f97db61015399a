/// One line of the audit log: who did what, when, to whom.
public struct AuditEntry: Sendable, Equatable {
    /// What was done. Stored as its raw value; never renumber or rename a case.
    public enum Action: String, Sendable, CaseIterable {
        case loginSuccess = "login"
        case loginFailure = "login_failed"
        case loginLocked = "login_locked"
        case logout
        case reveal
        case approve
        case reject
        case flag
        case risk
        case rotate
        case print
        case export
        case guardLink = "guard_link"
        case guardRevoke = "guard_revoke"
        /// A registration made by staff on the person's behalf (consent given in person).
        case assist
        case card
        /// A daily report entered by staff for the person.
        case report
        case appeal
        case appealUpheld = "appeal_upheld"
        case appealDismissed = "appeal_dismissed"
        case notice
        /// The list of people who have not read a notice (masked names and doors).
        case noticeUnread = "notice_unread"
        case problemAnswer = "problem_answer"
        case problemClose = "problem_close"
        /// Visitors shown to a guard or staff (masked names, hosts' doors).
        case visitorLookup = "visitor_lookup"
        /// A registration deleted (by the person, or by staff on their request): nothing else about them is kept.
        case deletion
    }

    /// Row id (0 before it is stored).
    public var id: Int64
    /// Unix seconds.
    public var at: Int64
    public var userID: Int64?
    /// The user's name as it was (or the name typed at a failed sign-in).
    public var userName: String
    public var action: Action
    /// What it was done to: `person:ID`, `place:CODE`, `region:CODE`, `user:NAME`.
    public var target: String
    /// Free text: which field was revealed, the flag, the reason…
    public var detail: String
    /// The client address, when known.
    public var address: String?

    public init(id: Int64 = 0, at: Int64, userID: Int64?, userName: String, action: Action, target: String,
                detail: String = "", address: String? = nil) {
        self.id = id
        self.at = at
        self.userID = userID
        self.userName = userName
        self.action = action
        self.target = target
        self.detail = detail
        self.address = address
    }
}
