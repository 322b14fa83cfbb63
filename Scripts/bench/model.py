#!/usr/bin/env python3
"""transformers' side of Scripts/bench/model: makes the bench-llama folder when missing
and times the same workloads as bench-model (forward of B x T random tokens, greedy
generation of N tokens after a P-token prompt at batch 1), fp32, eager attention.

Usage: model.py <folder> [--make] [--batch 8] [--tokens 256] [--prompt 16] [--new 128]
       [--runs 3] [--threads 2]
"""
import argparse
import os
import statistics
import time

import torch
from transformers import AutoModelForCausalLM, LlamaConfig

p = argparse.ArgumentParser()
p.add_argument("folder")
p.add_argument("--make", action="store_true")
p.add_argument("--batch", type=int, default=8)
p.add_argument("--tokens", type=int, default=256)
p.add_argument("--prompt", type=int, default=16)
p.add_argument("--new", type=int, default=128)
p.add_argument("--runs", type=int, default=3)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)

if a.make:
    # The performance issue's "bench-llama": 56M parameters.
    config = LlamaConfig(vocab_size=32000, hidden_size=512, intermediate_size=1376,
                         num_hidden_layers=8, num_attention_heads=8, num_key_value_heads=4,
                         head_dim=64, rms_norm_eps=1e-5, max_position_embeddings=2048,
                         tie_word_embeddings=False,
                         rope_parameters={"rope_type": "default", "rope_theta": 10000.0})
    torch.manual_seed(0)
    AutoModelForCausalLM.from_config(config).float().save_pretrained(a.folder)
    print("made", a.folder)
    raise SystemExit(0)

model = AutoModelForCausalLM.from_pretrained(a.folder, dtype=torch.float32,
                                             attn_implementation="sdpa").eval()
g = torch.Generator().manual_seed(1)
ids = torch.randint(0, model.config.vocab_size, (a.batch, a.tokens), generator=g)
times = []
with torch.no_grad():
    for _ in range(a.runs):
        start = time.perf_counter()
        model(ids)
        times.append(time.perf_counter() - start)
m = statistics.median(times)
print(f"forward {a.batch}x{a.tokens}: median {m:.3f} s ({a.batch * a.tokens / m:.0f} tokens/s)")
prompt = ids[:1, :a.prompt]
times = []
with torch.no_grad():
    for _ in range(a.runs):
        start = time.perf_counter()
        model.generate(prompt, max_new_tokens=a.new, min_new_tokens=a.new, do_sample=False,
                       pad_token_id=0)
        times.append(time.perf_counter() - start)
m = statistics.median(times)
print(f"generate {a.new} after {a.prompt}: median {m:.3f} s ({a.new / m:.1f} tokens/s)")
