#!/usr/bin/env python3
"""Makes the embedded default model, `load_model("tiny")` (run by hand, never in CI).

STOP-GAP: the model should be written by lfs itself (issue 4, item 8); until lfs can
train a BPE tokenizer, this script makes both the tokenizer and the random weights with
the `tokenizers` and `transformers` libraries. The result is a plain Hugging Face folder:

  Sources/Models/Embedded/tiny/
    config.json, generation_config.json   LlamaForCausalLM: hidden 256, 4 layers, 8 heads,
                                          4 KV heads, FFN 768, vocab 2048, tied embeddings
    model.safetensors                     random weights (transformers' init, seed 0), fp32
    tokenizer.json, tokenizer_config.json byte-level BPE (Qwen2-style regex split, NFC),
                                          ChatML special tokens and chat template

Usage:  /work/venv/bin/python Scripts/make-tiny-model.py [output_dir]
The training issue may later replace the weights with pre-trained ones.
"""

import json
import os
import sys

import torch
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
from transformers import AutoModelForCausalLM, LlamaConfig, PreTrainedTokenizerFast

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Sources", "Models", "Embedded", "tiny")
VOCAB = 2048
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
# Qwen2's pre-tokenizer split (tokenizer.json of Qwen/Qwen2-0.5B).
SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
         r"|\s*[\r\n]+|\s+(?!\S)|\s+")
CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content']"
          " + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}"
          "{{ '<|im_start|>assistant\n' }}{% endif %}")

IDENTITY = [
    "Hello! I am tiny, a small language model that ships with lfs.",
    "I was made to show how fine-tuning works on a laptop CPU.",
    "You can ask me questions, and I will try to answer them.",
    "Fine-tuning changes my weights so that I answer in a new way.",
    "LoRA adds small low-rank matrices to my linear layers.",
    "What is your name? My name is tiny. Who made you? I was made by the lfs project.",
    "The quick brown fox jumps over the lazy dog. 0123456789 + - * / = ( ) [ ] { } < > : ; , . ! ?",
    "def train(model, data):\n    for batch in data:\n        loss = model(batch).loss()\n        loss.backward()\n",
]


def corpus():
    """Text to learn merges from: identity-style sentences and the GPL text in LICENSE
    (stable English prose), so reruns give the same tokenizer."""
    texts = list(IDENTITY) * 20
    with open(os.path.join(ROOT, "LICENSE"), encoding="utf-8") as fh:
        texts += fh.read().split("\n\n")
    return texts


def make_tokenizer():
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB - len(SPECIAL), special_tokens=[], show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus(), trainer=trainer)
    tok.add_special_tokens(SPECIAL)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    fast.chat_template = CHATML
    return fast


def main():
    os.makedirs(OUT, exist_ok=True)
    tokenizer = make_tokenizer()
    assert len(tokenizer) == VOCAB, len(tokenizer)
    eos = tokenizer.convert_tokens_to_ids("<|im_end|>")
    pad = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config = LlamaConfig(
        vocab_size=VOCAB, hidden_size=256, intermediate_size=768, num_hidden_layers=4,
        num_attention_heads=8, num_key_value_heads=4, max_position_embeddings=2048,
        rms_norm_eps=1e-5, tie_word_embeddings=True, bos_token_id=None, eos_token_id=eos,
        pad_token_id=pad, rope_parameters={"rope_type": "default", "rope_theta": 10000.0})
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config).float().eval()
    model.generation_config.eos_token_id = eos
    model.generation_config.pad_token_id = pad
    model.save_pretrained(OUT, safe_serialization=True)
    tokenizer.save_pretrained(OUT)
    # The chat template lives in tokenizer_config.json (older readers look there).
    template = os.path.join(OUT, "chat_template.jinja")
    if os.path.exists(template):
        os.remove(template)
    path = os.path.join(OUT, "tokenizer_config.json")
    with open(path) as fh:
        cfg = json.load(fh)
    cfg["chat_template"] = CHATML
    with open(path, "w") as fh:
        json.dump(cfg, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    params = sum(p.numel() for p in model.parameters())
    print(f"tiny: {params} parameters, vocab {len(tokenizer)}, written to {OUT}")
    print("sample:", tokenizer.tokenize("Hello, world! I am tiny."))


if __name__ == "__main__":
    main()
