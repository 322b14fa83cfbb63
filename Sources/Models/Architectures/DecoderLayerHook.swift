import Tensors

/// Something that changes how a whole decoder layer is applied, such as Mixture-of-Depths
/// routing: it receives the layer's input and a closure running the layer (with a key
/// mask of its choice) and returns the layer's output.
///
/// The Tuning module implements it. Like `LinearAdapter`, a hook is not a child in the
/// module tree, so the model's parameters stay exactly the checkpoint's keys.
public protocol DecoderLayerHook: AnyObject {
    /// A short name for trees and graphs (`mod`).
    var name: String { get }
    /// The hook's own tensors, named relative to the layer (`router.weight`).
    var namedParameters: [(String, Tensor)] { get }
    /// The layer over a whole sequence.
    /// - Parameters:
    ///   - x: [B, T, hidden], the layer's input.
    ///   - keyMask: [B, T], 0 for padding, or nil.
    ///   - block: runs the unhooked layer on `x` with the given key mask; returns
    ///     [B, T, hidden] (residuals included).
    /// - Throws: tensor errors.
    func forward(_ x: Tensor, keyMask: Tensor?, block: (Tensor?) throws -> Tensor) throws -> Tensor
    /// The layer for new tokens with a cache.
    /// - Parameters:
    ///   - x: [B, S, hidden], the new tokens.
    ///   - cache: the layer's cache, holding the previous tokens (before this call appends).
    ///   - keyMask: [B * (past + S)], 0 for padding.
    ///   - block: runs the unhooked layer with the given key mask (same layout), appending
    ///     the new keys and values to the cache.
    /// - Throws: tensor errors.
    func forward(
        _ x: Tensor, cache: LayerCache, keyMask: [Float], block: ([Float]) throws -> Tensor
    ) throws -> Tensor
}
