/// Tensors: storage and dtypes, shapes and broadcasting, ops, the autograd tape,
/// BLAS and threading. Knows nothing about models or the language.
public enum TensorsModule {}
