# 3,000,000 iterations of float arithmetic.
x = 0.0
for i in range(3000000):
    x = x * 0.999 + 1.5 / (i + 1)
print(x)
