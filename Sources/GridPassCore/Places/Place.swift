/// The kinds of node in the grid hierarchy, plus enterprises and checkpoints (CONTRACT §2).
public enum PlaceKind: String, Sendable, CaseIterable, Codable {
    case district, street, community, grid, building, unit, enterprise, checkpoint

    /// Stable one-byte code used inside poster tokens (never renumber).
    public var wireValue: UInt8 {
        switch self {
        case .district: 1
        case .street: 2
        case .community: 3
        case .grid: 4
        case .building: 5
        case .unit: 6
        case .enterprise: 7
        case .checkpoint: 8
        }
    }

    public init?(wireValue: UInt8) {
        guard let kind = Self.allCases.first(where: { $0.wireValue == wireValue }) else { return nil }
        self = kind
    }

    /// Kinds that the parent of this kind may have.
    public var allowedParents: Set<PlaceKind> {
        switch self {
        case .district: []
        case .street: [.district]
        case .community: [.street]
        case .grid: [.community]
        case .building: [.grid, .community]
        case .unit: [.building]
        case .enterprise: [.grid, .community]
        case .checkpoint: [.grid, .community, .enterprise]
        }
    }

    public var chineseName: String {
        switch self {
        case .district: "区"
        case .street: "街道"
        case .community: "社区"
        case .grid: "网格"
        case .building: "楼栋"
        case .unit: "单元"
        case .enterprise: "企业"
        case .checkpoint: "卡口"
        }
    }
}

/// A node of the place tree as stored.
public struct Place: Sendable, Equatable, Codable {
    public var id: Int64
    public var code: String
    public var kind: PlaceKind
    public var name: String
    public var parentID: Int64?
    /// Room numbers of a unit (or of a building without units), expanded; empty when not given.
    public var rooms: [String]
    public var households: Int?
    /// Serial of the poster in force; `poster rotate` increments it.
    public var posterSerial: Int

    public init(id: Int64, code: String, kind: PlaceKind, name: String, parentID: Int64?,
                rooms: [String] = [], households: Int? = nil, posterSerial: Int = 1) {
        self.id = id
        self.code = code
        self.kind = kind
        self.name = name
        self.parentID = parentID
        self.rooms = rooms
        self.households = households
        self.posterSerial = posterSerial
    }
}

/// A place together with its ancestors, root first: everything needed to name it.
public struct PlacePath: Sendable, Equatable {
    public let ancestors: [Place]
    public let place: Place

    public init(ancestors: [Place], place: Place) {
        self.ancestors = ancestors
        self.place = place
    }

    /// The postal-style full name, e.g. `平山区东明街道东进社区 3号楼 2单元`. Grids are an
    /// administrative division and not part of an address, so they are left out.
    public var fullName: String {
        var head = ""
        var tail: [String] = []
        for node in ancestors + [place] where node.kind != .grid {
            switch node.kind {
            case .district, .street, .community: head += node.name
            default: tail.append(node.name)
            }
        }
        return ([head] + tail).filter { !$0.isEmpty }.joined(separator: " ")
    }

    public func nearest(_ kind: PlaceKind) -> Place? {
        if place.kind == kind { return place }
        return ancestors.last { $0.kind == kind }
    }
}

extension Place {
    /// Whether this place is a door that gets a poster (CONTRACT §3): a unit, an enterprise,
    /// a checkpoint, or a building without units (`hasUnits` tells which).
    public func isDoor(hasUnits: Bool) -> Bool {
        switch kind {
        case .unit, .enterprise, .checkpoint: true
        case .building: !hasUnits
        default: false
        }
    }
}
