/// Tuning: adapters, methods, losses, optimizers (Optim/), schedulers (Optim/), data sets
/// and their encoding (Data/), checkpoints and run logs (Logs/).
public enum TuningModule {}
