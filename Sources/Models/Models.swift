/// Models: safetensors, Hugging Face config.json and tokenizer.json, chat templates,
/// the LLaMA family and generation. Not implemented yet.
public enum ModelsModule {}
