/// REPL: line editing on GNU readline, completion, `:` commands and history. Not implemented yet.
public enum REPLModule {}
