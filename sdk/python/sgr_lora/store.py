"""Model files: a base (or merged) model and a LoRA adapter, both safetensors.

A base file carries its architecture and vocabulary in `__metadata__`, so the file alone
rebuilds the model. An adapter carries its LoRA settings and the sha256 of the exact
base file it was trained on; loading it against another base is refused.
"""

import hashlib
import json

from . import lora, model as model_mod, tokenizer
from .safetensors_io import SafetensorsError, load_file, save_file

FORMAT_VERSION = "1"


class UsageError(ValueError):
    """A problem with the user's files or arguments: reported without a traceback."""


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _load(path, what):
    try:
        return load_file(path)
    except OSError as e:
        raise UsageError("cannot read %s %s: %s" % (what, path, e.strerror)) from None
    except SafetensorsError as e:
        raise UsageError("%s %s is not a valid safetensors file: %s" % (what, path, e)) from None


def save_base(model, path, kind="base", extra=None):
    meta = {
        "sgr_lora": kind,
        "format_version": FORMAT_VERSION,
        "arch": json.dumps(model.arch, sort_keys=True),
        "vocab": json.dumps(tokenizer.VOCAB),
    }
    meta.update(extra or {})
    save_file(model.state_dict(), path, meta)


def load_base(path, device):
    """(model in eval mode, sha256 of the file) from a base or merged file."""
    tensors, meta = _load(path, "base model")
    if meta.get("sgr_lora") not in ("base", "merged"):
        raise UsageError("%s is not an sgr_lora base model (metadata sgr_lora=%r)" % (path, meta.get("sgr_lora")))
    if json.loads(meta.get("vocab", "null")) != tokenizer.VOCAB:
        raise UsageError("%s was built with a different vocabulary than this sgr_lora version" % path)
    arch = json.loads(meta["arch"])
    net = model_mod.build(arch)
    net.load_state_dict(tensors)
    return net.to(device).eval(), sha256_file(path)


def save_adapter(net, path, lora_cfg, base_sha, extra=None):
    meta = {
        "sgr_lora": "adapter",
        "format_version": FORMAT_VERSION,
        "rank": str(lora_cfg["rank"]),
        "alpha": repr(float(lora_cfg["alpha"])),
        "dropout": repr(float(lora_cfg["dropout"])),
        "targets": json.dumps(list(lora_cfg["targets"])),
        "base_sha256": base_sha,
    }
    meta.update(extra or {})
    save_file(lora.adapter_state(net), path, meta)


def load_adapter(path, base_path, base_sha):
    """(tensors, lora settings) of an adapter, refusing one trained on another base."""
    tensors, meta = _load(path, "adapter")
    if meta.get("sgr_lora") != "adapter":
        raise UsageError("%s is not an sgr_lora adapter (metadata sgr_lora=%r)" % (path, meta.get("sgr_lora")))
    if meta.get("base_sha256") != base_sha:
        raise UsageError(
            "adapter %s was trained on a different base model: its base_sha256 is %s, but %s has sha256 %s"
            % (path, meta.get("base_sha256"), base_path, base_sha)
        )
    settings = {
        "rank": int(meta["rank"]),
        "alpha": float(meta["alpha"]),
        "dropout": float(meta["dropout"]),
        "targets": json.loads(meta["targets"]),
    }
    return tensors, settings
