import Builtins
import Language

/// The interrupt flag shared by every interpreter lfs creates, reachable from the SIGINT
/// handler (a C function cannot capture one).
public enum SharedInterrupt {
    /// Pass it to `Interpreter(interrupt:)`.
    public static let flag = InterruptFlag()

    /// Installs the SIGINT handler with two targets: this flag (the interpreter stops at
    /// its next step) and the tensor runtime's (the next tensor op stops).
    /// Idempotent.
    public static func install() {
        _ = installed
    }

    private static let installed: Bool = {
        _ = flag
        Library.prepareInterrupts()
        InterruptController.register(
            request: { SharedInterrupt.flag.request() }, clear: { SharedInterrupt.flag.clear() })
        InterruptController.register(
            request: { Library.requestInterrupt() }, clear: { Library.clearInterrupts() })
        InterruptController.install()
        return true
    }()
}
