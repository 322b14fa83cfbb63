import Language
import Tensors

/// The profiler vocabulary: `profile { body }` runs a block under the op profiler and
/// returns a `Profile`, which prints as a table of per-op calls, self time, share,
/// GFLOP/s (from the ops' declared costs) and bytes allocated, with the host time spent
/// outside ops (interpreter and autograd bookkeeping) on its own line.
public enum ProfileBuiltins: BuiltinDomain {
    /// The host types this domain registers.
    public static var types: [HostType] { [ProfileValue.type] }

    /// The functions this domain registers.
    public static let functions: [Builtin] = [
        Builtin(
            "profile", Signature(["body"], labelled: [("limit", .int(25))]),
            doc: "runs a block under the op profiler and returns a Profile (prints as a table "
                + "of ops by self time; .result is the block's value)"
        ) { arguments in
            let body = try arguments.callable(0)
            let limit = try arguments.int("limit")
            guard limit > 0 else {
                throw HostError("bad argument 'limit' to 'profile' (must be 1 or more, got \(limit))")
            }
            let (result, report) = try Profiler.measure { try arguments.call(body) }
            return .host(ProfileValue(report: report, result: result, limit: limit))
        }
    ]
}
