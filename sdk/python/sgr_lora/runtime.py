"""Device, seeds, threads and determinism switches, set once per command."""

import os
import random

import numpy as np
import torch


def device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _keep_freed_memory():
    """Stop glibc from returning every large freed block to the OS.

    Each step allocates and frees the same (T x T) attention buffers; with glibc's default
    mmap threshold each one is a fresh mmap whose pages fault in zeroed, which cost 10-20%
    of a CPU step in system time. Best effort: a no-op off glibc.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 30)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


def setup(cfg):
    """Seed everything and make kernels deterministic; returns the device."""
    _keep_freed_memory()
    # cuBLAS needs this before its first use to be deterministic.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.set_num_threads(cfg["threads"])
    try:
        torch.set_num_interop_threads(cfg["threads"])
    except RuntimeError:  # already set, or parallel work already started
        pass
    random.seed(cfg["seed"])
    np.random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    try:
        torch.use_deterministic_algorithms(True, warn_only=True)
    except TypeError:  # warn_only is newer than this torch
        torch.use_deterministic_algorithms(True)
    if torch.backends.cudnn.is_available():
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
    return device()


def flat_params(cfg, sections):
    """{"lora.rank": 8, ...} for log_params; lists are JSON-encoded."""
    import json

    out = {}
    for key in sections:
        value = cfg[key]
        if isinstance(value, dict):
            for k, v in value.items():
                out["%s.%s" % (key, k)] = json.dumps(v) if isinstance(v, list) else v
        else:
            out[key] = value
    return out
