"""LoRA on the attention projections: y = W x + b + (alpha/rank) * B A dropout(x).

A starts random, B at zero, so a fresh adapter leaves the model unchanged. Only A and B
train; the base weights are frozen. Tensor names in an adapter file are
`blocks.<i>.attn.<target>.lora_A|lora_B`.
"""

import math

import torch
import torch.nn as nn


class LoRALinear(nn.Module):
    def __init__(self, base, rank, alpha, dropout):
        super().__init__()
        self.base = base
        self.rank = rank
        self.scale = alpha / rank
        self.lora_A = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.drop = nn.Dropout(dropout)
        for p in self.base.parameters():
            p.requires_grad = False

    def forward(self, x):
        return self.base(x) + (self.drop(x) @ self.lora_A.t() @ self.lora_B.t()) * self.scale

    def merged_weight(self):
        return self.base.weight + self.scale * (self.lora_B @ self.lora_A)


def attach(model, rank, alpha, dropout, targets):
    """Freeze `model` and wrap its attention projections named in `targets` in place."""
    for p in model.parameters():
        p.requires_grad = False
    for block in model.blocks:
        for t in targets:
            setattr(block.attn, t, LoRALinear(getattr(block.attn, t), rank, alpha, dropout))
    return model


def adapter_state(model):
    """Only the LoRA tensors, under their adapter-file names."""
    out = {}
    for name, p in model.named_parameters():
        if name.endswith(".lora_A") or name.endswith(".lora_B"):
            out[name] = p.detach().clone()
    return out


def load_adapter_state(model, tensors):
    own = dict(model.named_parameters())
    wanted = {n for n in own if n.endswith(".lora_A") or n.endswith(".lora_B")}
    if set(tensors) != wanted:
        missing, extra = sorted(wanted - set(tensors)), sorted(set(tensors) - wanted)
        raise ValueError("adapter tensors do not fit this model (missing %s, unexpected %s)" % (missing[:4], extra[:4]))
    with torch.no_grad():
        for name, t in tensors.items():
            if own[name].shape != t.shape:
                raise ValueError("adapter tensor %s has shape %s, expected %s" % (name, list(t.shape), list(own[name].shape)))
            own[name].copy_(t)


def expected_trainable(arch, rank, targets):
    """rank x (d_in + d_out) per wrapped projection: n_layers * |targets| * rank * 2 d."""
    return arch["n_layers"] * len(targets) * rank * 2 * arch["d_model"]


def merge_into_base(model):
    """Base-model state_dict with every LoRA projection fused: W' = W + (alpha/rank) B A."""
    state = {}
    with torch.no_grad():
        for name, module in model.named_modules():
            if isinstance(module, LoRALinear):
                state[name + ".weight"] = module.merged_weight().detach().clone()
                if module.base.bias is not None:
                    state[name + ".bias"] = module.base.bias.detach().clone()
        for name, t in model.state_dict().items():
            if ".lora_" in name or ".base." in name:
                continue
            state[name] = t.detach().clone()
    return state
