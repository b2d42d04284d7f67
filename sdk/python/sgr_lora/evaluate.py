"""eval: SQL-token loss and exact match of greedy-decoded SQL, of one model or an ensemble."""

import json

import torch

import sgr_worker

from . import data, lora, runtime, store, tokenizer
from .train import mean_loss

DECODE_BATCH = 64


def normalise(sql):
    return " ".join(sql.split())


@torch.no_grad()
def greedy(net, rows, max_len, max_new_tokens, device):
    """Decoded SQL strings: left-padded prompts, a KV cache, one token per step."""
    out = []
    for i in range(0, len(rows), DECODE_BATCH):
        prompts = [data.prompt_ids(r, max_len) for r in rows[i : i + DECODE_BATCH]]
        width = max(len(p) for p in prompts)
        idx = torch.full((len(prompts), width), tokenizer.PAD, dtype=torch.long)
        mask = torch.zeros((len(prompts), width), dtype=torch.bool)
        for j, p in enumerate(prompts):
            idx[j, width - len(p) :] = torch.tensor(p)
            mask[j, width - len(p) :] = True
        idx, mask = idx.to(device), mask.to(device)
        pos = (mask.long().cumsum(1) - 1).clamp(min=0)
        caches = net.new_caches() if hasattr(net, "new_caches") else [{} for _ in net.blocks]
        logits = net(idx, pos=pos, key_mask=mask, caches=caches)[:, -1]
        last = pos[:, -1:]
        generated = []
        finished = torch.zeros(len(prompts), dtype=torch.bool, device=device)
        eos = torch.full_like(finished, tokenizer.EOS, dtype=torch.long)
        for _ in range(max_new_tokens):
            # A row that is done (EOS, or its position reached max_len) keeps emitting EOS.
            nxt = torch.where(finished, eos, logits.argmax(-1))
            generated.append(nxt)
            finished |= nxt == tokenizer.EOS
            last = last + 1
            finished |= last.squeeze(1) >= max_len
            if bool(finished.all()):
                break
            mask = torch.cat([mask, torch.ones((len(prompts), 1), dtype=torch.bool, device=device)], dim=1)
            logits = net(nxt.unsqueeze(1), pos=last.clamp(max=max_len - 1), key_mask=mask, caches=caches)[:, -1]
        tokens = torch.stack(generated, dim=1).tolist()
        out.extend(tokenizer.decode(t) for t in tokens)
    return out


class Ensemble(torch.nn.Module):
    """Members' next-token distributions averaged: returns log(mean softmax), which works as
    logits for both the loss (cross-entropy of log-probabilities) and greedy decoding."""

    def __init__(self, members):
        super().__init__()
        self.members = torch.nn.ModuleList(members)
        self.arch = members[0].arch

    def new_caches(self):
        return [[{} for _ in m.blocks] for m in self.members]

    def forward(self, idx, pos=None, key_mask=None, caches=None):
        probs = None
        for i, m in enumerate(self.members):
            logits = m(idx, pos=pos, key_mask=key_mask, caches=None if caches is None else caches[i])
            p = torch.softmax(logits.double(), dim=-1)
            probs = p if probs is None else probs + p
        return torch.log(probs / len(self.members)).float()


def load_model(base_path, adapter_path, device):
    net, base_sha = store.load_base(base_path, device)
    if adapter_path:
        tensors, s = store.load_adapter(adapter_path, base_path, base_sha)
        lora.attach(net, s["rank"], s["alpha"], s["dropout"], s["targets"])
        lora.load_adapter_state(net, tensors)
        net.to(device)
    net.eval()
    return net


def evaluate(cfg, base_path, adapter_paths, data_path, out=None):
    """adapter_paths: None or [] for the base alone, one adapter, or several (an ensemble)."""
    device = runtime.setup(cfg)
    rows = data.load_rows(data_path)[: cfg["eval"]["limit"]]
    if isinstance(adapter_paths, str):
        adapter_paths = [adapter_paths]
    adapter_paths = adapter_paths or []
    if len(adapter_paths) > 1:
        net = Ensemble([load_model(base_path, a, device) for a in adapter_paths])
        net.eval()
    else:
        net = load_model(base_path, adapter_paths[0] if adapter_paths else None, device)
    max_len = net.arch["max_len"]
    loss = mean_loss(net, [data.encode(r, max_len) for r in rows], True, device)
    predictions = greedy(net, rows, max_len, cfg["eval"]["max_new_tokens"], device)
    hits = sum(normalise(p) == normalise(r["sql"]) for p, r in zip(predictions, rows))
    metrics = {"loss": loss, "exact_match": hits / len(rows), "n": len(rows), "members": max(1, len(adapter_paths))}
    sgr_worker.log_metric("loss", loss)
    sgr_worker.log_metric("exact_match", metrics["exact_match"])
    for k, v in metrics.items():
        sgr_worker.log_output(k, v)
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(dict(metrics, examples=[{"question": r["question"], "sql": r["sql"], "predicted": p} for r, p in list(zip(rows, predictions))[:5]]), f, indent=2)
            f.write("\n")
        sgr_worker.log_artifact(out, name="metrics", format="json")
    what = "ensemble of %d adapters" % len(adapter_paths) if len(adapter_paths) > 1 else "model"
    print("sgr_lora eval (%s): n=%d loss %.4f exact_match %.4f" % (what, len(rows), loss, metrics["exact_match"]), flush=True)
    for r, p in list(zip(rows, predictions))[:3]:
        print("  want: %s\n  got:  %s" % (r["sql"], p), flush=True)
    return 0
