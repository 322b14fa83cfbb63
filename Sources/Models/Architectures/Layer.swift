import Tensors

/// A node of a model's module tree, as torch's `nn.Module`: it owns named parameters and
/// named children, so every parameter has a dotted path equal to its Hugging Face key
/// (`model.layers.0.self_attn.q_proj.weight`).
public protocol Layer: AnyObject {
    /// The kind shown in `tree()` (`Linear`, `RMSNorm`, `LlamaAttention` ...).
    var kind: String { get }
    /// This node's own parameters, by local name (`weight`, `bias`), in a stable order.
    var localParameters: [(String, Tensor)] { get }
    /// The child modules, by local name, in forward order.
    var children: [(String, any Layer)] { get }
    /// Extra detail for `tree()` (`in 64, out 96, bias`); empty for none.
    var detail: String { get }
}

extension Layer {
    /// Default: no detail.
    public var detail: String { "" }

    /// Every parameter below this node with its full dotted name, depth first in forward
    /// order. O(number of modules).
    /// - Parameter prefix: the path of this node (`model.layers.0`), empty at the root.
    public func namedParameters(prefix: String = "") -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        collect(prefix: prefix, into: &out)
        return out
    }

    private func collect(prefix: String, into out: inout [(String, Tensor)]) {
        for (name, tensor) in localParameters {
            out.append((prefix.isEmpty ? name : prefix + "." + name, tensor))
        }
        for (name, child) in children {
            child.collectAny(prefix: prefix.isEmpty ? name : prefix + "." + name, into: &out)
        }
    }

    fileprivate func collectAny(prefix: String, into out: inout [(String, Tensor)]) {
        collect(prefix: prefix, into: &out)
    }

    /// Every module below this node (itself included) with its dotted path.
    public func namedModules(prefix: String = "") -> [(String, any Layer)] {
        var out: [(String, any Layer)] = [(prefix, self)]
        for (name, child) in children {
            out += child.namedModules(prefix: prefix.isEmpty ? name : prefix + "." + name)
        }
        return out
    }

    /// The number of parameter elements below this node (shared tensors counted once).
    public var parameterCount: Int {
        var seen = Set<ObjectIdentifier>()
        var total = 0
        for (_, tensor) in namedParameters() where seen.insert(ObjectIdentifier(tensor)).inserted {
            total += tensor.count
        }
        return total
    }

    /// An indented description of the subtree, one module per line, in torch's
    /// `print(model)` spirit: `(q_proj): Linear(in 64, out 96)`. Runs of identical
    /// decoder layers are shown once with their index range.
    public func tree(name: String = "") -> String {
        var lines: [String] = []
        describe(name: name, indent: 0, into: &lines)
        return lines.joined(separator: "\n")
    }

    fileprivate func describe(
        name: String, repeats: Int = 1, indent: Int, into lines: inout [String]
    ) {
        let pad = String(repeating: "  ", count: indent)
        let times = repeats > 1 ? "\(repeats) x " : ""
        let head = name.isEmpty ? kind : "(\(name)): \(times)\(kind)"
        let detailText = detail.isEmpty ? "" : "(\(detail))"
        if children.isEmpty {
            lines.append(pad + head + detailText)
            return
        }
        lines.append(pad + head + detailText + " {")
        var index = 0
        let items = children
        while index < items.count {
            let (childName, child) = items[index]
            // Collapse runs of numbered siblings with the same structure (layers.0 ... 31).
            var end = index
            if Int(childName) != nil {
                let shape = child.tree()
                while end + 1 < items.count, Int(items[end + 1].0) != nil,
                    items[end + 1].1.tree() == shape
                {
                    end += 1
                }
            }
            let label = end > index ? "\(childName)-\(items[end].0)" : childName
            child.describe(
                name: label, repeats: end - index + 1, indent: indent + 1, into: &lines)
            index = end + 1
        }
        lines.append(pad + "}")
    }
}

/// An ordered list of child layers named `0`, `1`, ... (torch's `nn.ModuleList`).
public final class LayerList<Element: Layer>: Layer {
    /// The layers, in order.
    public var layers: [Element]

    /// A list of `layers`.
    public init(_ layers: [Element]) { self.layers = layers }

    /// `ModuleList`.
    public var kind: String { "ModuleList" }
    /// None.
    public var localParameters: [(String, Tensor)] { [] }
    /// The layers named by their index.
    public var children: [(String, any Layer)] {
        layers.enumerated().map { (String($0.offset), $0.element as any Layer) }
    }
}
