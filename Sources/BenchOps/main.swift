// Benchmark of tensor ops against direct BLAS and memcpy; run by Scripts/bench/ops.
print("bench-ops: not implemented yet")
