/// Graphs: compute and model graphs to DOT, rendered through libgvc. Not implemented yet.
public enum GraphsModule {}
