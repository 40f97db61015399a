/// A person as the coverage figures see them (one row of the store's query).
public struct CoveragePerson: Sendable, Equatable {
    public var id: String
    public var kind: PersonKind
    public var status: PersonRecord.Status
    public var placeID: Int64
    public var name: String
    public var room: String?
    public var color: HealthColor?
    /// The last day with a declaration (registration or daily report), China time.
    public var lastReport: Day?

    public init(id: String, kind: PersonKind, status: PersonRecord.Status, placeID: Int64, name: String, room: String?,
                color: HealthColor?, lastReport: Day?) {
        self.id = id
        self.kind = kind
        self.status = status
        self.placeID = placeID
        self.name = name
        self.room = room
        self.color = color
        self.lastReport = lastReport
    }
}

/// The coverage of one grid (CONTRACT §7): households expected against registered, today's
/// daily reports, colour counts, the rooms with nobody registered and the people who have not
/// reported today. "不漏一企、不落一人".
public struct Coverage: Sendable, Equatable {
    /// One door where residents register (a unit, or a building without units).
    public struct Home: Sendable, Equatable {
        public var path: PlacePath
        /// Households expected: the place's `households`, else the number of its rooms.
        public var expected: Int?
        /// Distinct rooms with at least one active resident.
        public var registered: Int
        /// Rooms of the room list with nobody registered, in list order.
        public var unregisteredRooms: [String]
        public var residents: Int
    }

    public struct Enterprise: Sendable, Equatable {
        public var place: Place
        public var active: Int
        public var pending: Int
        public var reportedToday: Int
    }

    public var grid: Place
    public var today: Day
    /// The grid's `households`, else the sum over its homes; nil when nothing is known.
    public var expectedHouseholds: Int?
    public var registeredHouseholds: Int
    public var homes: [Home]
    public var enterprises: [Enterprise]
    /// Active people (residents and approved workers).
    public var activePeople: Int
    public var reportedToday: Int
    /// Active people without a declaration today, by place then name.
    public var notReported: [CoveragePerson]
    public var colors: [HealthColor: Int]

    /// Computes the figures.
    /// - Parameters:
    ///   - homes: the units and unit-less buildings of the grid, in tree order.
    ///   - enterprises: the enterprises of the grid.
    ///   - people: everyone registered at those homes and enterprises.
    public init(grid: Place, homes: [PlacePath], enterprises: [Place], people: [CoveragePerson], today: Day) {
        self.grid = grid
        self.today = today
        let active = people.filter { $0.status == .active }
        var byPlace: [Int64: [CoveragePerson]] = [:]
        for person in active { byPlace[person.placeID, default: []].append(person) }

        var knownExpected = 0
        var anyExpected = false
        var registeredTotal = 0
        self.homes = homes.map { path in
            let residents = (byPlace[path.place.id] ?? []).filter { $0.kind == .resident }
            let rooms = Set(residents.map { $0.room ?? "" })
            let expected = path.place.households ?? (path.place.rooms.isEmpty ? nil : path.place.rooms.count)
            if let expected { knownExpected += expected; anyExpected = true }
            registeredTotal += rooms.count
            return Home(path: path, expected: expected, registered: rooms.count,
                        unregisteredRooms: path.place.rooms.filter { !rooms.contains($0) }, residents: residents.count)
        }
        registeredHouseholds = registeredTotal
        expectedHouseholds = grid.households ?? (anyExpected ? knownExpected : nil)

        self.enterprises = enterprises.map { place in
            let workers = people.filter { $0.placeID == place.id && $0.kind == .worker }
            let approved = workers.filter { $0.status == .active }
            return Enterprise(place: place, active: approved.count, pending: workers.filter { $0.status == .pending }.count,
                              reportedToday: approved.filter { $0.lastReport == today }.count)
        }

        // Only people at this grid's homes and enterprises count.
        let places = Set(homes.map(\.place.id)).union(enterprises.map(\.id))
        let counted = active.filter { places.contains($0.placeID) }
        activePeople = counted.count
        reportedToday = counted.filter { $0.lastReport == today }.count
        let order = Dictionary(uniqueKeysWithValues: (homes.map(\.place.id) + enterprises.map(\.id)).enumerated().map { ($1, $0) })
        notReported = counted.filter { $0.lastReport != today }.sorted {
            (order[$0.placeID] ?? 0, $0.room ?? "", $0.name) < (order[$1.placeID] ?? 0, $1.room ?? "", $1.name)
        }
        var colors: [HealthColor: Int] = [:]
        for color in HealthColor.allCases { colors[color] = 0 }
        for person in counted { if let color = person.color { colors[color, default: 0] += 1 } }
        self.colors = colors
    }

    /// Registered over expected, as a whole percentage (nil when nothing is expected).
    public var registeredPercent: Int? {
        guard let expected = expectedHouseholds, expected > 0 else { return nil }
        return Int((Double(registeredHouseholds) * 100 / Double(expected)).rounded(.down))
    }

    /// Reported today over active people, as a whole percentage (nil when nobody is active).
    public var reportedPercent: Int? {
        guard activePeople > 0 else { return nil }
        return Int((Double(reportedToday) * 100 / Double(activePeople)).rounded(.down))
    }
}
