import Language
import Models
import Tensors
import Tuning

// MARK: `model.loss(ids, labels)`

extension ModelBuiltins {
    /// `model.loss(ids, labels)`: the causal-LM loss of `model(ids)` against `labels`
    /// (shifted by one, -100 ignored, mean over counted tokens), computed without the
    /// [B, T, vocab] logits (lm_head and cross-entropy in row chunks). The embeddings go
    /// through the same path as the model call: NEFTune noise in training mode, and the
    /// `inputs_embeds` leaf of a frozen embedding table. `positions:` as in the model call.
    static let lossMethod = modelMethod(
        "loss", Signature(["ids"], labelled: [("labels", .nil), ("attention_mask", .nil), ("positions", .nil)]),
        doc: "the causal-LM loss of model(ids) against labels (default: ids), shifted, -100 ignored, without the [B, T, vocab] logits"
    ) { model, arguments in
        let mask = try optionalTensor(arguments, "attention_mask")
        let positions = try optionalTensor(arguments, "positions").map(positionRows)
        let ids = try ids(arguments["ids"], "ids", arguments: arguments)
        let labels: Tensor
        if case .nil = arguments["labels"] {
            labels = ids
        } else {
            labels = try ModelBuiltins.ids(arguments["labels"], "labels", arguments: arguments)
        }
        guard labels.shape == ids.shape else {
            throw arguments.badArgument(
                "labels", expected: "ids of the shape of ids \(ids.shape)", got: arguments["labels"])
        }
        let embeddings = try AdapterBuiltins.inputEmbeddings(TrainingMode.embed(model, ids: ids), model)
        return .tensor(try model.loss(embeddings: embeddings, labels: labels, attentionMask: mask, positions: positions))
    }
}
