import Synchronization

/// The tape nodes alive in the process, held weakly, so `memory()` can say how many
/// bytes the recorded graphs keep alive. A node registers itself when recorded and
/// leaves when freed; the cost is one lock per op.
public enum TapeRegistry {
    private struct WeakNode {
        weak var node: TapeNode?
    }

    private static let nodes = Mutex<[ObjectIdentifier: WeakNode]>([:])

    static func insert(_ node: TapeNode) {
        let entry = WeakNode(node: node)
        nodes.withLock { $0[ObjectIdentifier(node)] = entry }
    }

    static func remove(_ node: TapeNode) {
        let key = ObjectIdentifier(node)
        _ = nodes.withLock { $0.removeValue(forKey: key) }
    }

    /// The number of tape nodes alive.
    public static var liveNodeCount: Int { nodes.withLock { $0.count } }

    /// Bytes of tensor storage the live tape keeps alive: the distinct storages of the
    /// nodes' inputs and saved tensors, leaving out parameters and trainable leaves
    /// (reported as parameters) and storage shared with them (a saved transposed
    /// weight). Counts memory a user variable may also hold (the last activation).
    /// Cost: one pass over the live nodes.
    public static var bytesHeld: Int {
        // Strong references taken under the lock, released after it: freeing a node
        // takes the lock again.
        let live: [TapeNode] = nodes.withLock { table in table.values.compactMap(\.node) }
        var parameters = Set<ObjectIdentifier>()
        for node in live {
            for input in node.inputs where input.isParameter || (input.isLeaf && input.requiresGrad) {
                parameters.insert(ObjectIdentifier(input.storage))
            }
        }
        var counted = Set<ObjectIdentifier>()
        var total = 0
        for node in live {
            for tensor in node.inputs + node.saved {
                let key = ObjectIdentifier(tensor.storage)
                guard !parameters.contains(key), counted.insert(key).inserted else { continue }
                total &+= tensor.storage.byteCount
            }
        }
        return total
    }
}
