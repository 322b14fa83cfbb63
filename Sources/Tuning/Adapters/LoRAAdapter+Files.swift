import Foundation
import Models
import Tensors

extension LoRAAdapter {
    /// The adapter's weights file in a PEFT folder.
    public static let weightsName = "adapter_model.safetensors"
    /// The adapter's config file in a PEFT folder.
    public static let configName = "adapter_config.json"

    /// Writes `directory/adapter_config.json` and `directory/adapter_model.safetensors`
    /// (float32, PEFT's key names) into a temporary folder renamed into place as a whole
    /// (``AdapterFolder``), so a reader never sees one file new and the other old, or a
    /// partial file. Other files already in the folder are kept.
    /// - Throws: `AdapterError.invalidFile` for file-system failures, safetensors errors.
    public func save(to directory: String) throws {
        var tensors: [String: Tensor] = [:]
        for (key, tensor) in namedParameters { tensors[key] = tensor.contiguousFloat32() }
        let text = try config.jsonText()
        try AdapterFolder.write(to: directory) { folder in
            try SafetensorsWriter.write(
                tensors: tensors, to: folder + "/" + Self.weightsName, metadata: ["format": "pt"])
            let configPath = folder + "/" + Self.configName
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
            } catch {
                throw AdapterError.invalidFile(path: directory + "/" + Self.configName, detail: "cannot write: \(error)")
            }
        }
    }

    /// Reads a LoRA folder written by PEFT (or by `save`) into `model` under `name`.
    /// - Throws: `AdapterError.invalidFile` (missing or mis-shaped tensor),
    ///   `.unsupported` (options lfs does not implement), `.duplicateName`.
    public static func load(into model: CausalLM, from directory: String, name: String = "default") throws
        -> LoRAAdapter
    {
        var config = try LoRAConfig.read(directory: directory)
        guard config.peftType == "LORA" else {
            throw AdapterError.invalidFile(path: directory, detail: "peft_type is \(config.peftType), not LORA")
        }
        let weightsPath = directory + "/" + weightsName
        let file: SafetensorsFile
        do { file = try SafetensorsFile(path: weightsPath) } catch {
            throw AdapterError.invalidFile(path: weightsPath, detail: "\(error)")
        }
        // The weights are copied from the file, so the start does not matter.
        config.initialization = .default
        let adapter = try attach(to: model, config: config, name: name)
        do {
            for site in adapter.sites {
                var parts = [(site.layer.a, peftKey(site.path, "lora_A")), (site.layer.b, peftKey(site.path, "lora_B"))]
                if let magnitude = site.layer.magnitude { parts.append((magnitude, magnitudeKey(site.path))) }
                for (tensor, key) in parts {
                    let stored = try file.tensor(key)
                    guard stored.shape == tensor.shape else {
                        throw AdapterError.invalidFile(
                            path: weightsPath, detail: "\(key) has shape \(stored.shape), expected \(tensor.shape)")
                    }
                    try tensor.copy(from: stored)
                }
            }
        } catch {
            adapter.detach()
            if let error = error as? AdapterError { throw error }
            throw AdapterError.invalidFile(path: weightsPath, detail: "\(error)")
        }
        return adapter
    }
}
