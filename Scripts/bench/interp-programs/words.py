# Word counts over generated text: string building, splitting and dict updates.
vocabulary = ["the", "model", "learns", "a", "low", "rank", "update", "of", "weights",
    "adapter", "loss", "falls", "slowly", "while", "rate", "warms", "up", "and", "decays"]
seed = 12345
words = []
for i in range(300000):
    seed = (seed * 1103515245 + 12345) % 2147483648
    words.append(vocabulary[seed % 19])
text = " ".join(words)
counts = {}
for word in text.split():
    counts[word] = counts.get(word, 0) + 1
total = 0
for key in counts.keys():
    total += counts[key]
print(len(counts), total, counts["model"])
