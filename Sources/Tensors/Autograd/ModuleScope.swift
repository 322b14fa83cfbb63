/// The module path ops are recorded under (`model.layers.3.self_attn`), so graphs can
/// cluster nodes by module. Task-local: nested scopes join with dots.
public enum ModuleScope {
    @TaskLocal static var path: String = ""

    /// The current dotted module path; empty at top level.
    public static var current: String { path }

    /// Runs `body` inside the scope `component` appended to the current path.
    public static func with<R>(_ component: String, _ body: () throws -> R) rethrows -> R {
        let next = path.isEmpty ? component : component.isEmpty ? path : path + "." + component
        return try $path.withValue(next, operation: body)
    }
}

extension Tensor {
    /// Runs `body` with ops recorded under the module path `component` (appended to
    /// the enclosing one): `Tensor.withScope("model.layers.3.self_attn") { ... }`.
    public static func withScope<R>(_ component: String, _ body: () throws -> R) rethrows -> R {
        try ModuleScope.with(component, body)
    }
}
