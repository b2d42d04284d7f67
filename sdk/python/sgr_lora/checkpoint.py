"""Preemption support: resumable checkpoints in $SGR_CHECKPOINT_DIR and a stop flag.

A checkpoint holds the trainable state, the optimizer, the step, the running train-loss
sum and the RNG states, so a resumed run produces the same file as an uninterrupted one.
It also holds a fingerprint of the run (command, config, input files); a checkpoint from
another run is ignored with a warning rather than silently mixed in.
"""

import os
import random
import sys

import torch

import sgr_worker

def install_stop_handlers():
    """SIGTERM/SIGUSR1 set should_stop(), under SGR and in a plain run alike."""
    sgr_worker.install_stop_handlers()


def should_stop():
    return sgr_worker.should_stop()


def _directory():
    return os.environ.get("SGR_CHECKPOINT_DIR") or None


def enabled():
    return _directory() is not None


def rng_state():
    state = {"torch": torch.get_rng_state(), "python": random.getstate()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state):
    torch.set_rng_state(state["torch"])
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save(kind, step, payload):
    """Write ckpt-<kind>-<step>.pt atomically, announce it, drop this run's older ones."""
    directory = _directory()
    if directory is None:
        return None
    directory = os.path.abspath(directory)
    os.makedirs(directory, exist_ok=True)
    path = os.path.abspath(os.path.join(directory, "ckpt-%s-%06d.pt" % (kind, step)))
    tmp = path + ".tmp"
    torch.save(dict(payload, kind=kind, step=step), tmp)
    os.replace(tmp, path)
    sgr_worker.save_checkpoint(path, step)
    prefix = "ckpt-%s-" % kind
    for name in os.listdir(directory):
        full = os.path.join(directory, name)
        if name.startswith(prefix) and name.endswith(".pt") and full != path:
            try:
                os.remove(full)
            except OSError:
                pass
    return path


def _load(path):
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except TypeError:  # a torch without the weights_only argument
        return torch.load(path, map_location="cpu")


def find(kind, fingerprint):
    """The newest usable checkpoint of this run, or None."""
    if _directory() is None:
        return None
    candidates = []
    recorded = sgr_worker.latest_checkpoint()
    if recorded and os.path.isfile(recorded):
        candidates.append(recorded)
    directory = _directory()
    if os.path.isdir(directory):
        own = sorted(n for n in os.listdir(directory) if n.startswith("ckpt-%s-" % kind) and n.endswith(".pt"))
        candidates.extend(os.path.join(directory, n) for n in reversed(own))
    for path in candidates:
        try:
            state = _load(path)
        except Exception as e:  # a torn or foreign file: try the next one
            sys.stderr.write("sgr_lora: ignoring unreadable checkpoint %s (%s)\n" % (path, e))
            continue
        if not isinstance(state, dict) or state.get("kind") != kind:
            continue
        if state.get("fingerprint") != fingerprint:
            sys.stderr.write("sgr_lora: ignoring checkpoint %s: it belongs to a run with other settings or inputs\n" % path)
            continue
        return state
    return None
