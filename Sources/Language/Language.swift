/// Language: lexer, parser, resolver and interpreter of the lfs language.
/// Knows nothing about tensors. Not implemented yet.
public enum LanguageModule {}
