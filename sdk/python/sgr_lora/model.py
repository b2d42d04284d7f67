"""A small pre-LN causal transformer with separate q/k/v/o projections (LoRA targets).

Written against APIs present in both torch 1.13 and 2.x (no scaled_dot_product_attention).
forward() takes optional positions, a key mask and a KV cache so greedy decoding of a
left-padded batch costs one token per step.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import tokenizer

ARCH_KEYS = ("vocab_size", "d_model", "n_layers", "n_heads", "max_len", "dropout")
_NEG = -1e9  # finite "minus infinity": a fully masked row (left padding) stays NaN-free


def arch_from_config(model_cfg):
    arch = {k: model_cfg[k] for k in ARCH_KEYS if k != "vocab_size"}
    arch["vocab_size"] = tokenizer.VOCAB_SIZE
    return arch


class Attention(nn.Module):
    def __init__(self, d_model, n_heads, dropout):
        super().__init__()
        self.n_heads = n_heads
        self.q = nn.Linear(d_model, d_model)
        self.k = nn.Linear(d_model, d_model)
        self.v = nn.Linear(d_model, d_model)
        self.o = nn.Linear(d_model, d_model)
        self.drop = nn.Dropout(dropout)

    def _heads(self, x):
        b, t, d = x.shape
        return x.view(b, t, self.n_heads, d // self.n_heads).transpose(1, 2)

    def forward(self, x, bias, cache=None):
        q, k, v = self._heads(self.q(x)), self._heads(self.k(x)), self._heads(self.v(x))
        if cache is not None:
            if "k" in cache:
                k = torch.cat([cache["k"], k], dim=2)
                v = torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        b, h, t, hd = q.shape
        tk = k.shape[2]
        # One fused kernel for scale * q k^T + bias: the (T, T) score matrix is the
        # expensive tensor on CPU, so it is touched as few times as possible.
        att = torch.baddbmm(
            bias.expand(b, h, t, tk).reshape(b * h, t, tk),
            q.reshape(b * h, t, hd),
            k.reshape(b * h, tk, hd).transpose(1, 2),
            alpha=1.0 / math.sqrt(hd),
        )
        att = self.drop(F.softmax(att, dim=-1))
        y = torch.bmm(att, v.reshape(b * h, tk, hd)).view(b, h, t, hd).transpose(1, 2).reshape(x.shape)
        return self.o(y)


class Block(nn.Module):
    def __init__(self, d_model, n_heads, dropout):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = Attention(d_model, n_heads, dropout)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))
        self.drop = nn.Dropout(dropout)

    def forward(self, x, bias, cache=None):
        x = x + self.drop(self.attn(self.ln1(x), bias, cache))
        return x + self.drop(self.mlp(self.ln2(x)))


class TinyLM(nn.Module):
    def __init__(self, vocab_size, d_model, n_layers, n_heads, max_len, dropout=0.0):
        super().__init__()
        self.arch = {"vocab_size": vocab_size, "d_model": d_model, "n_layers": n_layers, "n_heads": n_heads, "max_len": max_len, "dropout": dropout}
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Embedding(max_len, d_model)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(d_model, n_heads, dropout) for _ in range(n_layers)])
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, idx, pos=None, key_mask=None, caches=None):
        """Logits (B, T, V). pos: (B, T) positions (default 0..T-1); key_mask: (B, T_total)
        bool, False for padding keys; caches: one dict per layer, filled in place."""
        b, t = idx.shape
        if pos is None:
            pos = torch.arange(t, device=idx.device).unsqueeze(0).expand(b, t)
        if int(pos.max()) >= self.arch["max_len"]:
            raise ValueError("sequence longer than model.max_len (%d)" % self.arch["max_len"])
        past = caches[0]["k"].shape[2] if caches and "k" in caches[0] else 0
        total = past + t
        # Causal: query i (absolute index past+i) sees keys 0..past+i.
        rows = torch.arange(past, total, device=idx.device).unsqueeze(1)
        cols = torch.arange(total, device=idx.device).unsqueeze(0)
        allowed = (cols <= rows).unsqueeze(0).unsqueeze(0)
        if key_mask is not None:
            allowed = allowed & key_mask[:, None, None, :total]
        x = self.drop(self.tok(idx) + self.pos(pos))
        bias = torch.zeros(allowed.shape, dtype=x.dtype, device=idx.device).masked_fill(~allowed, _NEG)
        for i, block in enumerate(self.blocks):
            x = block(x, bias, caches[i] if caches is not None else None)
        return self.head(self.ln_f(x))


def build(arch):
    return TinyLM(**{k: arch[k] for k in ARCH_KEYS})


def param_count(module, trainable_only=False):
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)
