/// Builtins: binds Tensors, Models, Tuning and Graphs into the language. Not implemented yet.
public enum BuiltinsModule {}
