import Language
import Tensors

/// A domain of the vocabulary: its functions and host types, declared once in tables
/// (STYLE.md 12). `TensorBuiltins` is one; `ModelBuiltins`, `AdapterBuiltins` and
/// `GraphBuiltins` follow the same shape.
public protocol BuiltinDomain {
    /// The domain's global functions.
    static var functions: [Builtin] { get }
    /// The domain's host types (registered so `help("Tensor")` finds them).
    static var types: [HostType] { get }
}

/// Every domain of the vocabulary, in load order (Lua's `stdlibs[]`).
public enum Library {
    /// The domains, in the order they are registered; later ones may use earlier ones.
    public static let domains: [any BuiltinDomain.Type] = [
        TensorBuiltins.self,
        ModelBuiltins.self,
        OptimBuiltins.self,
        DatasetBuiltins.self,
        LossBuiltins.self,
        AdapterBuiltins.self,
        ValueHeadBuiltins.self,
        GraphBuiltins.self,
        ProfileBuiltins.self, MemoryBuiltins.self,
        TrainBuiltins.self,
    ]

    /// Registers every domain's types and functions in `interpreter`.
    public static func install(into interpreter: Interpreter) {
        for domain in domains {
            for type in domain.types { interpreter.register(type) }
            for function in domain.functions { interpreter.register(function) }
        }
    }
}

// MARK: Interruption

extension Library {
    /// Asks running tensor ops to stop (Ctrl-C); one atomic store, async-signal-safe once
    /// ``prepareInterrupts()`` ran.
    public static func requestInterrupt() {
        TensorRuntime.requestInterrupt()
    }

    /// Clears pending interrupts before a new input runs.
    public static func clearInterrupts() {
        TensorRuntime.clearInterrupt()
    }

    /// Initialises the flags outside signal context, before a handler may touch them.
    public static func prepareInterrupts() {
        TensorRuntime.clearInterrupt()
    }
}
