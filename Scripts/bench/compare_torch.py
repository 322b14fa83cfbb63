#!/usr/bin/env python3
"""PyTorch side of Scripts/bench/compare: one workload in one process, on the
bench-llama folder lfs wrote, with the same tokens file, then a RESULT line.

Usage: compare_torch.py <workload> <model dir> <tokens.json> <warmup> <steps> [--threads 2]
Workloads: lora dora freeze full forward generate decode, and lora-bf16 (the fp32 model
under torch.autocast("cpu", dtype=torch.bfloat16)), generate-bf16 and decode-bf16 (the
model loaded in bfloat16). Prints
    RESULT seconds=a,b,... [key=value ...]
The harness measures this process's peak RSS itself (wait4).
fp32, SDPA attention, transformers + PEFT as users run them.
"""
import argparse
import json
import time

import torch
from transformers import AutoModelForCausalLM

p = argparse.ArgumentParser()
p.add_argument("workload")
p.add_argument("model")
p.add_argument("tokens")
p.add_argument("warmup", type=int)
p.add_argument("steps", type=int)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)

with open(a.tokens) as f:
    tokens = json.load(f)
ids = torch.tensor(tokens["ids"], dtype=torch.long)
prompt = torch.tensor([tokens["prompt"]], dtype=torch.long)
new_tokens = int(tokens["new_tokens"])

bf16 = a.workload.endswith("-bf16")
workload = a.workload[:-5] if bf16 else a.workload
weights = torch.bfloat16 if bf16 and workload != "lora" else torch.float32
model = AutoModelForCausalLM.from_pretrained(a.model, dtype=weights,
                                             attn_implementation="sdpa")
PROJECTIONS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def training_step(parameters):
    opt = torch.optim.AdamW(parameters, lr=1e-4)
    model.train()

    def step():
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
    return step


def make_step(workload):
    if workload in ("lora", "dora"):
        from peft import LoraConfig, get_peft_model
        global model
        config = LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, target_modules=PROJECTIONS,
                            use_dora=workload == "dora", task_type="CAUSAL_LM")
        model = get_peft_model(model, config)
        return training_step([q for q in model.parameters() if q.requires_grad])
    if workload == "freeze":
        # LLaMA-Factory freeze-tuning: the last 2 decoder layers, all their modules.
        layers = model.config.num_hidden_layers
        keep = {f"model.layers.{i}." for i in range(layers - 2, layers)}
        for name, q in model.named_parameters():
            q.requires_grad_(any(name.startswith(k) for k in keep))
        return training_step([q for q in model.parameters() if q.requires_grad])
    if workload == "full":
        return training_step(list(model.parameters()))
    if workload == "forward":
        model.eval()

        def step():
            with torch.no_grad():
                model(input_ids=ids, labels=ids).loss.item()
        return step
    if workload == "generate":
        model.eval()

        def step():
            with torch.no_grad():
                model.generate(prompt, max_new_tokens=new_tokens, min_new_tokens=new_tokens,
                               do_sample=False, pad_token_id=0)
        return step
    if workload == "decode":
        model.eval()

        def step():
            # The bare loop: prefill, then one token at a time against the KV cache.
            with torch.no_grad():
                out = model(input_ids=prompt, use_cache=True)
                token = out.logits[:, -1].argmax(-1, keepdim=True)
                for _ in range(new_tokens - 1):
                    out = model(input_ids=token, past_key_values=out.past_key_values,
                                use_cache=True)
                    token = out.logits[:, -1].argmax(-1, keepdim=True)
        return step
    raise SystemExit(f"compare_torch.py: unknown workload '{workload}'")


step = make_step(workload)
if bf16 and workload == "lora":
    inner = step

    def step():
        with torch.autocast("cpu", dtype=torch.bfloat16):
            inner()
for _ in range(a.warmup):
    step()
seconds = []
for _ in range(a.steps):
    start = time.perf_counter()
    step()
    seconds.append(time.perf_counter() - start)
print("RESULT seconds=" + ",".join(f"{s:.6f}" for s in seconds), flush=True)
