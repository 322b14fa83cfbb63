import Foundation
import Models
import Synchronization
import Tensors

/// The scalar value head of a reward model: TRL's `ValueHead` as LLaMA-Factory's RM
/// stage attaches it (`AutoModelForCausalLMWithValueHead`): dropout (p 0.1, TRL's
/// `summary_dropout_prob` default, in training mode only) then `Linear(hidden, 1)` on
/// the final-norm hidden states. Its tensors are saved as `value_head.safetensors` with
/// TRL's keys `v_head.summary.weight` [1, hidden] and `v_head.summary.bias` [1].
/// (Unchecked Sendable: the heads table is shared; a head is used by one thread at a time.)
public final class ValueHead: @unchecked Sendable {
    /// The weights file LLaMA-Factory writes next to the adapter.
    public static let fileName = "value_head.safetensors"
    /// TRL's key of the weight.
    public static let weightKey = "v_head.summary.weight"
    /// TRL's key of the bias.
    public static let biasKey = "v_head.summary.bias"

    /// [1, hidden], trainable.
    public let weight: Tensor
    /// [1], trainable.
    public let bias: Tensor
    /// Dropout on the hidden states in training mode.
    public var dropout: Double

    /// A head initialised as torch's `nn.Linear(hidden, 1)`: weight and bias uniform in
    /// ±1/sqrt(hidden).
    /// - Throws: `AdapterError.invalidArgument` for a hidden size below 1.
    public init(hidden: Int, dropout: Double = 0.1, generator: RandomGenerator = .global) throws {
        guard hidden >= 1 else {
            throw AdapterError.invalidArgument(name: "hidden", reason: "must be positive, got \(hidden)")
        }
        let bound = 1 / Float(hidden).squareRoot()
        weight = try Tensor.rand([1, hidden], low: -bound, high: bound, generator: generator)
        bias = try Tensor.rand([1], low: -bound, high: bound, generator: generator)
        weight.requiresGrad = true
        bias.requiresGrad = true
        self.dropout = dropout
    }

    /// The head's tensors under TRL's key names.
    public var namedParameters: [(String, Tensor)] { [(Self.weightKey, weight), (Self.biasKey, bias)] }

    /// The head applied to hidden states [N, hidden]: [N] values.
    /// - Throws: tensor errors for a wrong width.
    public func callAsFunction(_ hidden: Tensor, training: Bool) throws -> Tensor {
        let dropped = try hidden.dropout(p: dropout, training: training)
        return try dropped.matmul(weight.transposed()).add(bias).squeeze(1)
    }

    // MARK: Scores

    /// The value at each row's last non-padding token (LLaMA-Factory's
    /// `values.gather(-1, attention_mask.sum(-1) - 1)` for right padding; here the last
    /// position whose mask is 1, which is the same for right-padded rows).
    /// - Parameters:
    ///   - model: the model the head sits on (NEFTune and dropout follow its mode).
    ///   - ids: [B, T] token ids.
    ///   - attentionMask: [B, T] 1/0; nil means every token counts.
    /// - Returns: [B] scores on the tape.
    /// - Throws: `AdapterError.invalidArgument` for a row without tokens, model errors.
    public func scores(model: CausalLM, ids: Tensor, attentionMask: Tensor?) throws -> Tensor {
        let embeddings = try TrainingMode.embed(model, ids: ids)
        let hidden = try model.hiddenStates(embeddings: embeddings, attentionMask: attentionMask)
        let (b, t) = (hidden.shape[0], hidden.shape[1])
        let mask = attentionMask?.toIntArray() ?? [Int](repeating: 1, count: b * t)
        var rows: [Int] = []
        for row in 0..<b {
            guard let last = (0..<t).last(where: { mask[row * t + $0] != 0 }) else {
                throw AdapterError.invalidArgument(
                    name: "attention_mask", reason: "row \(row) has no token to score")
            }
            rows.append(row * t + last)
        }
        let selected = try hidden.reshape([b * t, hidden.shape[2]])
            .indexSelect(dim: 0, index: Tensor(ids: rows, shape: [b]))
        return try Tensor.withScope("v_head") { try self(selected, training: TrainingMode.isTraining(model)) }
    }

    // MARK: Files

    /// Writes `directory/value_head.safetensors` (float32, TRL's keys) through a
    /// temporary file renamed into place; creates the folder if needed.
    /// - Throws: `AdapterError.invalidFile` for file-system failures, safetensors errors.
    public func save(to directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AdapterError.invalidFile(path: directory, detail: "cannot create the folder: \(error)")
        }
        try SafetensorsWriter.write(
            tensors: [Self.weightKey: weight.contiguousFloat32(), Self.biasKey: bias.contiguousFloat32()],
            to: directory + "/" + Self.fileName, metadata: ["format": "pt"])
    }

    /// Copies the weights of a `value_head.safetensors` file (or of the one in a folder)
    /// into this head.
    /// - Throws: `AdapterError.invalidFile` naming the file and the missing or
    ///   mis-shaped key.
    public func load(from path: String) throws {
        var isDirectory: ObjCBool = false
        let file =
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? path + "/" + Self.fileName : path
        do {
            let weights = try SafetensorsFile(path: file)
            for (key, tensor) in namedParameters {
                guard weights.contains(key) else {
                    throw AdapterError.invalidFile(path: file, detail: "has no tensor \(key)")
                }
                let stored = try weights.tensor(key)
                guard stored.shape == tensor.shape else {
                    throw AdapterError.invalidFile(
                        path: file, detail: "\(key) has shape \(stored.shape), expected \(tensor.shape)")
                }
                try GradMode.withNoGrad { try tensor.copy(from: stored.to(.float32)) }
            }
        } catch let error as AdapterError {
            throw error
        } catch {
            throw AdapterError.invalidFile(path: file, detail: "\(error)")
        }
    }

    // MARK: The head of each model

    /// A model's head; the weak reference tells a model from a later one at the same address.
    private struct Entry: @unchecked Sendable {
        weak var model: CausalLM?
        let head: ValueHead
    }

    private static let heads = Mutex<[ObjectIdentifier: Entry]>([:])

    /// The head attached to `model`, if any.
    public static func head(of model: CausalLM) -> ValueHead? {
        heads.withLock { table in
            guard let entry = table[ObjectIdentifier(model)], entry.model === model else { return nil }
            return entry.head
        }
    }

    /// The head of `model`, attaching a new one (sized to its hidden size) the first time.
    /// - Throws: `AdapterError.invalidArgument` for a model without a hidden size.
    @discardableResult
    public static func attach(to model: CausalLM, generator: RandomGenerator = .global) throws -> ValueHead {
        if let existing = head(of: model) { return existing }
        let head = try ValueHead(hidden: model.config.hiddenSize, generator: generator)
        return heads.withLock { table in
            if let entry = table[ObjectIdentifier(model)], entry.model === model { return entry.head }
            table = table.filter { $0.value.model != nil }
            table[ObjectIdentifier(model)] = Entry(model: model, head: head)
            return head
        }
    }

    /// The head's tensors of `model` (empty without a head), for optimizers.
    public static func parameters(of model: CausalLM) -> [Tensor] {
        head(of: model).map { [$0.weight, $0.bias] } ?? []
    }
}
