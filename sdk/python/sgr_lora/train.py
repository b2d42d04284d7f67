"""pretrain and finetune: one training loop, two sets of trainable parameters.

pretrain: language modelling of BOS question SEP sql EOS over the whole model.
finetune: LoRA on the attention projections, loss on the SQL tokens only.
"""

import hashlib
import json
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F

import sgr_worker

from . import checkpoint, data, lora, model as model_mod, runtime, store
from .data import IGNORE

VAL_ROWS = 64  # intermediate val_loss uses at most this many rows
CLIP = 1.0


def _lr(base, step, total):
    """Linear warm-up over the first 5% of steps, then cosine decay to 10% of base."""
    warm = max(1, total // 20)
    if step < warm:
        return base * (step + 1) / warm
    progress = (step - warm) / max(1, total - warm)
    return base * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def _batch_indices(seed, kind, step, n, size):
    """Rows of one step, a function of (seed, kind, step) only: resuming needs no sampler state."""
    rng = np.random.default_rng([seed, 1 if kind == "finetune" else 0, step])
    return rng.choice(n, size=size, replace=n < size).tolist()


def mean_loss(net, encoded, sql_only, device, batch_size=32):
    """Token-mean NLL over `encoded` (SQL tokens only if sql_only)."""
    total, count = 0.0, 0
    was_training = net.training
    net.eval()
    with torch.no_grad():
        for i in range(0, len(encoded), batch_size):
            inputs, targets = data.batch(encoded[i : i + batch_size], sql_only, device)
            logits = net(inputs)
            nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=IGNORE, reduction="sum")
            total += float(nll)
            count += int((targets != IGNORE).sum())
    net.train(was_training)
    return total / max(1, count)


def _pruned(prune, value):
    if prune["direction"] == "minimize":
        return value > prune["threshold"]
    return value < prune["threshold"]


def _fingerprint(kind, cfg, files):
    h = hashlib.sha256(json.dumps({"kind": kind, "config": cfg}, sort_keys=True).encode())
    for path in files:
        h.update(b"\0" + (store.sha256_file(path) if path else "-").encode())
    return h.hexdigest()


def _loop(kind, net, params, section, cfg, train_rows, val_rows, sql_only, fingerprint, save_out):
    """Train `params` of `net`; returns the process exit code. save_out() writes the result file."""
    device = runtime.device()
    max_len = net.arch["max_len"]
    train_enc = [data.encode(r, max_len) for r in train_rows]
    val_enc = [data.encode(r, max_len) for r in val_rows[:VAL_ROWS]]
    steps, bs = section["steps"], section["batch_size"]
    log_every = cfg["train"]["log_every"]
    eval_every = cfg["train"]["eval_every"]
    ckpt_every = cfg["train"]["checkpoint_every"]
    # Pruning thresholds come from the HPO layer and are about the fine-tune's SQL loss;
    # a pretrain sharing the config file must not be cut short by them.
    prune = cfg["prune"] if kind == "finetune" else None
    rungs = {r["step"]: r["threshold"] for r in prune["rungs"]} if prune else {}
    opt = torch.optim.Adam(params, lr=section["lr"])

    start, acc_sum, acc_n, last_train = 0, 0.0, 0, None
    state = checkpoint.find(kind, fingerprint)
    if state is not None:
        net.load_state_dict(state["model"], strict=False)
        opt.load_state_dict(state["optim"])
        checkpoint.set_rng_state(state["rng"])
        start, acc_sum, acc_n, last_train = state["step"], state["acc_sum"], state["acc_n"], state["last_train"]
        print("sgr_lora %s: resuming from step %d" % (kind, start), flush=True)
        sys.stderr.flush()

    def trainable_state():
        names = {id(p) for p in params}
        return {n: p.detach().clone() for n, p in net.named_parameters() if id(p) in names}

    def save_ckpt(step):
        return checkpoint.save(kind, step, {
            "fingerprint": fingerprint, "model": trainable_state(), "optim": opt.state_dict(),
            "rng": checkpoint.rng_state(), "acc_sum": acc_sum, "acc_n": acc_n, "last_train": last_train,
        })

    def finish(step, val_loss, pruned):
        save_out()
        sgr_worker.log_output("val_loss", val_loss)
        sgr_worker.log_output("steps", step)
        sgr_worker.log_output("pruned", pruned)
        print("sgr_lora %s: %s at step %d, val_loss %.4f" % (kind, "pruned" if pruned else "done", step, val_loss), flush=True)
        return 0

    if start == 0:
        initial = mean_loss(net, val_enc, sql_only, device)
        sgr_worker.log_metric("val_loss", initial, step=0)
        sgr_worker.log_output("initial_val_loss", initial)
        print("sgr_lora %s: step 0 val_loss %.4f" % (kind, initial), flush=True)

    val_loss = None
    net.train()
    for step in range(start, steps):
        if checkpoint.should_stop():
            return _preempt(kind, save_ckpt, step)
        for group in opt.param_groups:
            group["lr"] = _lr(section["lr"], step, steps)
        idx = _batch_indices(cfg["seed"], kind, step, len(train_enc), bs)
        inputs, targets = data.batch([train_enc[i] for i in idx], sql_only, device)
        logits = net(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=IGNORE)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, CLIP)
        opt.step()
        acc_sum, acc_n = acc_sum + float(loss), acc_n + 1
        done = step + 1
        if done % log_every == 0 or done == steps:
            last_train = acc_sum / acc_n
            acc_sum, acc_n = 0.0, 0
            sgr_worker.log_metric("train_loss", last_train, step=done)
        if done % eval_every == 0 or done in rungs or done == steps:
            val_loss = mean_loss(net, val_enc, sql_only, device)
            sgr_worker.log_metric("val_loss", val_loss, step=done)
            print("sgr_lora %s: step %d train_loss %.4f val_loss %.4f" % (kind, done, last_train or float("nan"), val_loss), flush=True)
            if done in rungs:
                value = val_loss if prune["metric"] == "val_loss" else last_train
                if value is not None and _pruned({**prune, "threshold": rungs[done]}, value):
                    sgr_worker.log_output("pruned_at", done)
                    return finish(done, val_loss, True)
        sgr_worker.progress(done / steps, "%s step %d/%d" % (kind, done, steps))
        if checkpoint.should_stop():
            return _preempt(kind, save_ckpt, done)
        if done % ckpt_every == 0 and done < steps:
            save_ckpt(done)
    if val_loss is None:  # nothing left to train (steps == 0 or resumed at the end)
        val_loss = mean_loss(net, val_enc, sql_only, device)
    return finish(steps, val_loss, False)


def _preempt(kind, save_ckpt, step):
    path = save_ckpt(step)
    where = "checkpoint %s" % path if path else "no checkpoint ($SGR_CHECKPOINT_DIR is not set)"
    print("sgr_lora %s: stop requested at step %d; saved %s; exiting %d" % (kind, step, where, sgr_worker.EXIT_PREEMPTED), flush=True)
    return sgr_worker.EXIT_PREEMPTED


def pretrain(cfg, train_path, val_path, out):
    device = runtime.setup(cfg)
    train_rows, val_rows = data.load_rows(train_path), data.load_rows(val_path)
    net = model_mod.build(model_mod.arch_from_config(cfg["model"])).to(device)
    params = list(net.parameters())
    n = model_mod.param_count(net)
    sgr_worker.log_params(runtime.flat_params(cfg, ("seed", "model", "pretrain")))
    sgr_worker.log_params(total_params=n, trainable_params=n)
    sgr_worker.log_output("total_params", n)
    fingerprint = _fingerprint("pretrain", cfg, [train_path, val_path])

    def save_out():
        store.save_base(net, out)
        sgr_worker.log_artifact(out, name="model", format="safetensors", kind="base")

    return _loop("pretrain", net, params, cfg["pretrain"], cfg, train_rows, val_rows, False, fingerprint, save_out)


def finetune(cfg, base_path, train_path, val_path, out, init=None):
    device = runtime.setup(cfg)
    train_rows = data.load_rows(train_path, cfg["train"]["difficulty"])
    val_rows = data.load_rows(val_path)
    net, base_sha = store.load_base(base_path, device)
    lc = cfg["lora"]
    lora.attach(net, lc["rank"], lc["alpha"], lc["dropout"], lc["targets"])
    net.to(device)
    if init:
        tensors, settings = store.load_adapter(init, base_path, base_sha)
        if settings["rank"] != lc["rank"] or settings["targets"] != lc["targets"]:
            raise store.UsageError(
                "--init adapter %s has rank %d and targets %s, but the config asks for rank %d and targets %s"
                % (init, settings["rank"], settings["targets"], lc["rank"], lc["targets"])
            )
        lora.load_adapter_state(net, tensors)
    params = [p for p in net.parameters() if p.requires_grad]
    trainable, total = model_mod.param_count(net, True), model_mod.param_count(net)
    print("sgr_lora finetune: %d trainable of %d parameters (%d train rows)" % (trainable, total, len(train_rows)), flush=True)
    sgr_worker.log_params(runtime.flat_params(cfg, ("seed", "lora", "train")))
    sgr_worker.log_params(trainable_params=trainable, total_params=total, train_rows=len(train_rows))
    sgr_worker.log_output("trainable_params", trainable)
    sgr_worker.log_output("total_params", total)
    fingerprint = _fingerprint("finetune", cfg, [base_path, train_path, val_path, init])

    def save_out():
        extra = {"init_sha256": store.sha256_file(init)} if init else None
        store.save_adapter(net, out, lc, base_sha, extra)
        sgr_worker.log_artifact(out, name="adapter", format="safetensors", kind="adapter")

    return _loop("finetune", net, params, cfg["train"], cfg, train_rows, val_rows, True, fingerprint, save_out)
