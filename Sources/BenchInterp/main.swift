// Benchmark of the interpreter against python3; run by Scripts/bench/interp.
print("bench-interp: not implemented yet")
