/// Walks of the place tree that every place repository does the same way.
public enum PlaceTree {
    /// Every door (poster) at or below `root`, depth-first in import order (a node's checkpoints
    /// after its other children), so that sheets print building by building, each with its
    /// path. `subtree` is every place at or below `root` grouped by parent id.
    public static func doors(under root: Place, ancestors: [Place], subtree: [Int64?: [Place]]) -> [PlacePath] {
        var out: [PlacePath] = []
        func walk(_ node: Place, ancestors: [Place]) {
            let kids = (subtree[node.id] ?? []).sorted { ($0.kind == .checkpoint ? 1 : 0, $0.id) < ($1.kind == .checkpoint ? 1 : 0, $1.id) }
            if node.isDoor(hasUnits: kids.contains { $0.kind == .unit }) {
                out.append(PlacePath(ancestors: ancestors, place: node))
            }
            for kid in kids { walk(kid, ancestors: ancestors + [node]) }
        }
        walk(root, ancestors: ancestors)
        return out
    }
}

extension PlaceTree {
    /// `root` and every place below it, parents before children, siblings in import order (the
    /// staff pages' lists). `subtree` is every place at or below `root` grouped by parent id, as
    /// stored; empty when `root` is not in it.
    public static func places(under root: Place, subtree: [Int64?: [Place]]) -> [Place] {
        var out: [Place] = []
        func walk(_ node: Place) {
            out.append(node)
            for kid in (subtree[node.id] ?? []).sorted(by: { $0.id < $1.id }) { walk(kid) }
        }
        if let top = subtree.values.joined().first(where: { $0.id == root.id }) { walk(top) }
        return out
    }
}
