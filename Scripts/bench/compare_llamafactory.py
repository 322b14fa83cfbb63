#!/usr/bin/env python3
"""LLaMA-Factory side of Scripts/bench/compare (the lora-llamafactory workload): the
LoRA SFT step of `llamafactory-cli train` on bench-llama, with the batch of the lora
workload, timed step by step, then a RESULT line like compare_torch.py's.

Usage:
  compare_llamafactory.py prepare <model dir> <tokens.json>
  compare_llamafactory.py lora <model dir> <tokens.json> <warmup> <steps> [--threads 2]
                               [--no-gradient-checkpointing]

prepare writes, next to the model folder (once; later calls reuse them):
  - <cache>/bench-llama-llamafactory/: symlinks to bench-llama's config and weights and a
    minimal word-level tokenizer (LLaMA-Factory loads one): 32000 tokens, <unk> 0, <s> 1,
    </s> 2 as in bench-llama's config.json, so no embedding is resized;
  - <cache>/llamafactory-<tokens file stem>/: the tokens file's rows as a pre-tokenized
    dataset (datasets.save_to_disk), input_ids = labels, full attention masks, which
    LLaMA-Factory loads through `tokenized_path` (no template or tokenizer involved).
and prints "RESULT ok version=<llamafactory version>".

lora runs LLaMA-Factory's own entry point (llamafactory.train.tuner.run_exp, what
`llamafactory-cli train config.yaml` calls on a machine without accelerators) with the
arguments below, LLaMA-Factory's defaults otherwise (gradient checkpointing on, AdamW,
max_grad_norm 1, linear schedule), plus one TrainerCallback: the seconds from
on_step_begin to on_step_end of each optimizer step (forward, backward, clipping,
AdamW, scheduler; not the batch fetch nor the logging between steps, which go to
standard error as intervals). The first `warmup` steps are dropped. Prints
    RESULT seconds=a,b,... interval=c,d,...
and, once, on standard error, what the model was fed (shapes, labels, tokens), so the
batch can be checked against the lora workload's.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

SPECIALS = ["<unk>", "<s>", "</s>"]  # ids 0, 1, 2: bench-llama's bos 1 and eos 2


def paths(model, tokens):
    cache = os.path.dirname(os.path.abspath(model))
    stem = os.path.splitext(os.path.basename(tokens))[0]
    return (os.path.join(cache, "bench-llama-llamafactory"),
            os.path.join(cache, f"llamafactory-{stem}"))


def write_model(model, target):
    """A folder LLaMA-Factory can load: bench-llama's files (symlinked) and a tokenizer."""
    with open(os.path.join(model, "config.json")) as f:
        config = json.load(f)
    vocabulary = int(config["vocab_size"])
    if (config.get("bos_token_id"), config.get("eos_token_id")) != (1, 2):
        raise SystemExit(f"compare_llamafactory.py: {model}/config.json: expected bos_token_id 1 "
                         f"and eos_token_id 2, found {config.get('bos_token_id')} and "
                         f"{config.get('eos_token_id')}")
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    vocab = {name: i for i, name in enumerate(SPECIALS)}
    vocab.update({f"t{i}": i for i in range(len(SPECIALS), vocabulary)})
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, unk_token="<unk>",
                                        bos_token="<s>", eos_token="</s>")
    if len(tokenizer) != vocabulary or tokenizer.eos_token_id != 2 or tokenizer.bos_token_id != 1:
        raise SystemExit("compare_llamafactory.py: the tokenizer does not match the model")
    temporary = tempfile.mkdtemp(prefix=".tmp-", dir=os.path.dirname(target))
    os.chmod(temporary, 0o755)
    for name in os.listdir(model):  # relative links: the cache folder may be shared or moved
        source = os.path.relpath(os.path.join(os.path.abspath(model), name), os.path.abspath(target))
        os.symlink(source, os.path.join(temporary, name))
    tokenizer.save_pretrained(temporary)
    os.rename(temporary, target)


def write_dataset(tokens, target):
    from datasets import Dataset
    with open(tokens) as f:
        rows = json.load(f)["ids"]
    data = Dataset.from_dict({"input_ids": rows, "attention_mask": [[1] * len(r) for r in rows],
                              "labels": rows})
    temporary = tempfile.mkdtemp(prefix=".tmp-", dir=os.path.dirname(target))
    os.chmod(temporary, 0o755)
    data.save_to_disk(temporary)
    os.rename(temporary, target)


def prepare(model, tokens):
    model_dir, data_dir = paths(model, tokens)
    if not os.path.isdir(model_dir):
        write_model(model, model_dir)
    if not os.path.isdir(data_dir):
        write_dataset(tokens, data_dir)
    return model_dir, data_dir


def stub_torchaudio():
    """llamafactory.data.mm_plugin imports torchaudio at module level, for audio data only;
    PyPI has no torchaudio for this torch (2.13). Without it, an empty module stands in:
    text SFT never touches it, and any use would fail loudly (AttributeError)."""
    import importlib.machinery
    import importlib.util
    import types
    if importlib.util.find_spec("torchaudio") is None:
        import transformers  # noqa: F401  (its cached is_torchaudio_available() stays False)
        transformers.utils.import_utils.is_torchaudio_available()
        stub = types.ModuleType("torchaudio")
        stub.__spec__ = importlib.machinery.ModuleSpec("torchaudio", None)
        sys.modules["torchaudio"] = stub
        log("torchaudio is not installed: an empty stand-in module is used (audio data only)")


def adapt_checkpointing():
    """LLaMA-Factory's gradient checkpointing wrapper finds the layer as
    `func.func.__self__`: transformers <= 5.6 passes a partial of the bound forward; newer
    5.x pass partial(forward, layer, ...), which it rejects (AttributeError). This turns
    the latter into the former before LLaMA-Factory's own wrapper runs, so its logic
    (checkpoint the layers that have trainable parameters) runs unchanged."""
    from functools import partial, wraps
    from types import MethodType
    from llamafactory.model.model_utils import checkpointing
    original = checkpointing.get_custom_gradient_checkpointing_func

    def get_custom(gradient_checkpointing_func):
        custom = original(gradient_checkpointing_func)

        @wraps(custom)
        def call(func, *args, **kwargs):
            if isinstance(func, partial) and not hasattr(func.func, "__self__") and func.args:
                func = partial(MethodType(func.func, func.args[0]), *func.args[1:], **func.keywords)
            return custom(func, *args, **kwargs)
        return call

    checkpointing.get_custom_gradient_checkpointing_func = get_custom


def log(text):
    print(f"compare_llamafactory.py: {text}", file=sys.stderr, flush=True)


def make_timer(rows):
    from transformers import TrainerCallback

    class StepTimer(TrainerCallback):
        """Seconds of each optimizer step; logs the first batch the model is fed."""

        def __init__(self):
            self.seconds, self.ends, self.start, self.checked = [], [], None, False

        def on_train_begin(self, args, state, control, model=None, **kwargs):
            inner = model.get_base_model() if hasattr(model, "get_base_model") else model
            trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
            dtypes = sorted({str(p.dtype) for p in model.parameters()})
            log(f"model {type(model).__name__}, parameter dtypes {dtypes}, {trainable} trainable, "
                f"gradient checkpointing {getattr(inner, 'is_gradient_checkpointing', '?')}, "
                f"torch threads {__import__('torch').get_num_threads()}, "
                f"batch {args.per_device_train_batch_size} x accumulation "
                f"{args.gradient_accumulation_steps}, lr {args.learning_rate}, "
                f"max_grad_norm {args.max_grad_norm}, optim {args.optim}")
            model.register_forward_pre_hook(self.check, with_kwargs=True)

        def check(self, module, positional, kwargs):
            if self.checked:
                return
            self.checked = True
            ids, labels = kwargs.get("input_ids"), kwargs.get("labels")
            mask = kwargs.get("attention_mask")
            if ids is None or labels is None:
                log(f"first batch: no input_ids/labels keywords ({sorted(kwargs)})")
                return
            known = {tuple(r) for r in rows}
            fed = {tuple(r) for r in ids.tolist()}
            log(f"first batch: input_ids {list(ids.shape)}, labels {list(labels.shape)}, "
                f"{int((labels != -100).sum())} label tokens, labels == input_ids "
                f"{bool((labels == ids).all())}, attention mask "
                f"{'none' if mask is None else f'{int(mask.sum())} ones'}, rows from the tokens "
                f"file {len(fed & known)}/{len(rows)}")

        def on_step_begin(self, args, state, control, **kwargs):
            self.start = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):
            end = time.perf_counter()
            self.seconds.append(end - self.start)
            self.ends.append(end)

    return StepTimer()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["prepare", "lora"])
    p.add_argument("model")
    p.add_argument("tokens")
    p.add_argument("warmup", type=int, nargs="?", default=1)
    p.add_argument("steps", type=int, nargs="?", default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--no-gradient-checkpointing", action="store_true")
    a = p.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    # LLaMA-Factory 0.9.5 pins transformers<=5.6.0; the venv has a newer 5.x (the one the
    # PyTorch side uses). Its documented switch skips the check; the versions are logged.
    os.environ.setdefault("DISABLE_VERSION_CHECK", "1")
    stub_torchaudio()
    import llamafactory
    model_dir, data_dir = prepare(a.model, a.tokens)
    if a.mode == "prepare":
        print(f"RESULT ok version={llamafactory.__version__}", flush=True)
        return
    import torch
    torch.set_num_threads(a.threads)
    from llamafactory.train.tuner import run_exp
    import transformers
    log(f"llamafactory {llamafactory.__version__}, transformers {transformers.__version__}, "
        f"torch {torch.__version__}")
    adapt_checkpointing()
    with open(a.tokens) as f:
        rows = json.load(f)["ids"]
    timer = make_timer(rows)
    output = tempfile.mkdtemp(prefix="lfs-bench-llamafactory-")
    args = {
        "model_name_or_path": model_dir,
        "stage": "sft", "do_train": True,
        "finetuning_type": "lora", "lora_rank": 8, "lora_alpha": 16, "lora_dropout": 0.0,
        "lora_target": "all",
        # dataset is required by the argument checks; with tokenized_path present,
        # LLaMA-Factory loads that and ignores the other data arguments.
        "dataset": "bench_tokens", "tokenized_path": data_dir, "cutoff_len": len(rows[0]),
        "per_device_train_batch_size": len(rows), "gradient_accumulation_steps": 1,
        "learning_rate": 1e-4, "max_steps": a.warmup + a.steps,
        "output_dir": output,
    }
    if a.no_gradient_checkpointing:
        args["disable_gradient_checkpointing"] = True
    try:
        run_exp(args=args, callbacks=[timer])
    finally:
        shutil.rmtree(output, ignore_errors=True)
    if len(timer.seconds) != a.warmup + a.steps:
        raise SystemExit(f"compare_llamafactory.py: {len(timer.seconds)} steps ran, expected "
                         f"{a.warmup + a.steps}")
    intervals = [b - e for e, b in zip(timer.ends, timer.ends[1:])][a.warmup - 1:] if a.warmup else []
    log("step seconds " + ", ".join(f"{s:.3f}" for s in timer.seconds)
        + "; end-to-end intervals after warm-up " + ", ".join(f"{s:.3f}" for s in intervals))
    print("RESULT seconds=" + ",".join(f"{s:.6f}" for s in timer.seconds[a.warmup:])
          + (" interval=" + ",".join(f"{s:.6f}" for s in intervals) if intervals else ""),
          flush=True)


if __name__ == "__main__":
    main()
