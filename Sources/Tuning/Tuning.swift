/// Tuning: adapters, methods, losses, optimizers, schedulers, datasets and
/// checkpoints. Not implemented yet.
public enum TuningModule {}
