/// Shared helpers for the test targets: fixtures, gradient checks, snapshots.
public enum TestSupport {}
