import Synchronization

/// One recorded op application: the node `backward()` walks and the Graphs module
/// draws. Reachable from the output tensor's `producer`; inputs lead to earlier nodes.
public final class TapeNode: @unchecked Sendable {
    /// The op's declaration.
    public let op: OpSpec
    /// The inputs, in order (leaves, or outputs of earlier nodes).
    public private(set) var inputs: [Tensor]
    /// The attributes the op was applied with.
    public let attributes: OpAttributes
    /// The module path at the time of the call (`model.layers.0.mlp`), empty at top level.
    public let scope: String
    /// A process-wide increasing number: the order nodes were recorded in.
    public let sequence: Int
    /// Whether a backward without `retainGraph` has freed the saved tensors.
    public private(set) var isReleased: Bool = false
    /// What the forward saved for backward.
    var saved: [Tensor]

    private static let counter = Atomic<Int>(0)

    init(op: OpSpec, inputs: [Tensor], attributes: OpAttributes, saved: [Tensor], scope: String) {
        self.op = op
        self.inputs = inputs
        self.attributes = attributes
        self.saved = saved
        self.scope = scope
        self.sequence = TapeNode.counter.add(1, ordering: .relaxed).newValue
        TapeRegistry.insert(self)  // for memory(): bytes the tape keeps alive
    }

    /// The op's registry name.
    public var opName: String { op.name }
    /// The op's label with its attributes (`sum(dims=[1], keepdim=True)`).
    public var label: String { op.label(attributes) }

    deinit {
        TapeRegistry.remove(self)
        // Release long chains iteratively: letting each node free its inputs
        // recursively overflows the stack for graphs of many thousand ops (a script
        // summing losses in a loop without no_grad).
        var pending = inputs
        inputs = []
        saved = []
        while var tensor = pending.popLast() {
            guard isKnownUniquelyReferenced(&tensor), var node = tensor.producer else { continue }
            tensor.producer = nil
            if isKnownUniquelyReferenced(&node) {
                pending.append(contentsOf: node.inputs)
                pending.append(contentsOf: node.saved)
                node.inputs = []
                node.saved = []
            }
        }
    }

    /// Frees the saved tensors; a later backward through this node throws.
    func release() {
        saved = []
        isReleased = true
    }
}
