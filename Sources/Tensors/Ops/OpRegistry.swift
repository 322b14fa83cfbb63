/// Every op lfs declares, in one list: gradcheck iterates it, so an op without a
/// gradient test fails the suite, and tools (graphs, help) can enumerate ops.
public enum OpRegistry {
    /// All ops, core first, then the fused transformer ops.
    public static let all: [OpSpec] = {
        var ops: [OpSpec] = OpSpec.elementwiseOps
        ops += OpSpec.pointwiseOps
        ops += OpSpec.reductionOps
        ops.append(OpSpec.matmul)
        ops += OpSpec.shapeOps
        ops += OpSpec.indexingOps
        ops += [OpSpec.softmax, OpSpec.logSoftmax, OpSpec.dropout]
        ops += FusedOps.all
        return ops
    }()

    /// The op named `name`, if registered.
    public static func op(named name: String) -> OpSpec? {
        all.first { $0.name == name }
    }
}
