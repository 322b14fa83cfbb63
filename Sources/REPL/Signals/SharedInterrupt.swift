import Builtins
import Language

/// The interrupt flag shared by every interpreter lfs creates, reachable from the SIGINT
/// handler (a C function cannot capture one).
public enum SharedInterrupt {
    /// Pass it to `Interpreter(interrupt:)`.
    public static let flag = InterruptFlag()

    /// Installs the SIGINT handler with two targets: this flag (the interpreter stops at
    /// its next step) and the tensor runtime's (the next tensor op stops).
    public static func install() {
        _ = flag
        Library.prepareInterrupts()
        InterruptController.register { SharedInterrupt.flag.request() }
        InterruptController.register { Library.requestInterrupt() }
        InterruptController.install()
    }
}
