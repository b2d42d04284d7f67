"""Trainer configuration: defaults, deep-merge of a JSON file, validation.

Every key is optional; an unknown key is refused with its dotted path so a typo never
silently falls back to a default.
"""

import copy
import json

DEFAULTS = {
    "seed": 0,
    "threads": 1,
    "model": {"d_model": 64, "n_layers": 2, "n_heads": 2, "max_len": 400, "dropout": 0.0},
    "pretrain": {"steps": 300, "lr": 6e-3, "batch_size": 32},
    "lora": {"rank": 8, "alpha": 16, "dropout": 0.0, "targets": ["q", "v"]},
    "train": {
        "steps": 150,
        "lr": 5e-3,
        "batch_size": 16,
        "difficulty": None,
        "log_every": 10,
        "eval_every": 50,
        "checkpoint_every": 25,
    },
    "eval": {"limit": 200, "max_new_tokens": 192},
    "prune": None,
}

TARGETS = ("q", "k", "v", "o")
PRUNE_METRICS = ("val_loss", "train_loss")


class ConfigError(ValueError):
    pass


def _merge(defaults, given, path):
    out = copy.deepcopy(defaults)
    for key, value in given.items():
        where = "%s.%s" % (path, key) if path else key
        if key not in defaults:
            known = ", ".join(sorted(defaults))
            raise ConfigError("unknown config key '%s' (known keys%s: %s)" % (where, " in " + path if path else "", known))
        if isinstance(defaults[key], dict):
            if not isinstance(value, dict):
                raise ConfigError("config key '%s' must be an object, got %s" % (where, json.dumps(value)))
            out[key] = _merge(defaults[key], value, where)
        else:
            out[key] = value
    return out


def _num(cfg, path, kind=float, low=None, high=None, integer=False):
    node = cfg
    for part in path.split("."):
        node = node[part]
    ok = isinstance(node, (int, float)) and not isinstance(node, bool)
    if integer:
        ok = ok and float(node).is_integer()
    if not ok or (low is not None and node < low) or (high is not None and node > high):
        bounds = "" if low is None else " >= %s" % low
        bounds += "" if high is None else " and <= %s" % high
        raise ConfigError("config key '%s' must be %s%s, got %s" % (path, "an integer" if integer else "a number", bounds, json.dumps(node)))
    return kind(node)


def _validate_prune(prune):
    if prune is None:
        return None
    if not isinstance(prune, dict):
        raise ConfigError("config key 'prune' must be an object or null")
    for key in prune:
        if key not in ("metric", "direction", "rungs"):
            raise ConfigError("unknown config key 'prune.%s' (known keys in prune: direction, metric, rungs)" % key)
    metric = prune.get("metric", "val_loss")
    if metric not in PRUNE_METRICS:
        raise ConfigError("config key 'prune.metric' must be one of %s, got %s" % (", ".join(PRUNE_METRICS), json.dumps(metric)))
    direction = prune.get("direction", "minimize")
    if direction not in ("minimize", "maximize"):
        raise ConfigError("config key 'prune.direction' must be minimize or maximize, got %s" % json.dumps(direction))
    rungs = []
    for i, rung in enumerate(prune.get("rungs") or []):
        if not isinstance(rung, dict) or set(rung) - {"step", "threshold"}:
            raise ConfigError("config key 'prune.rungs[%d]' must be {step, threshold}, got %s" % (i, json.dumps(rung)))
        step, threshold = rung.get("step"), rung.get("threshold")
        if isinstance(step, bool) or not isinstance(step, int) or step < 1:
            raise ConfigError("config key 'prune.rungs[%d].step' must be an integer >= 1" % i)
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise ConfigError("config key 'prune.rungs[%d].threshold' must be a number" % i)
        rungs.append({"step": step, "threshold": float(threshold)})
    return {"metric": metric, "direction": direction, "rungs": sorted(rungs, key=lambda r: r["step"])}


def validate(cfg):
    """Check types and ranges in place; returns cfg with ints/floats normalised."""
    cfg["seed"] = _num(cfg, "seed", int, 0, integer=True)
    cfg["threads"] = _num(cfg, "threads", int, 1, integer=True)
    m = cfg["model"]
    m["d_model"] = _num(cfg, "model.d_model", int, 8, integer=True)
    m["n_layers"] = _num(cfg, "model.n_layers", int, 1, integer=True)
    m["n_heads"] = _num(cfg, "model.n_heads", int, 1, integer=True)
    m["max_len"] = _num(cfg, "model.max_len", int, 16, integer=True)
    m["dropout"] = _num(cfg, "model.dropout", float, 0, 0.9)
    if m["d_model"] % m["n_heads"]:
        raise ConfigError("config key 'model.d_model' (%d) must be divisible by 'model.n_heads' (%d)" % (m["d_model"], m["n_heads"]))
    for section in ("pretrain", "train"):
        cfg[section]["steps"] = _num(cfg, section + ".steps", int, 0, integer=True)
        cfg[section]["lr"] = _num(cfg, section + ".lr", float, 0)
        cfg[section]["batch_size"] = _num(cfg, section + ".batch_size", int, 1, integer=True)
    for key in ("log_every", "eval_every", "checkpoint_every"):
        cfg["train"][key] = _num(cfg, "train." + key, int, 1, integer=True)
    diff = cfg["train"]["difficulty"]
    if diff is not None:
        if isinstance(diff, int) and not isinstance(diff, bool):
            diff = [diff]
        if not isinstance(diff, list) or not all(isinstance(d, int) and not isinstance(d, bool) for d in diff):
            raise ConfigError("config key 'train.difficulty' must be a list of integers or null, got %s" % json.dumps(diff))
        cfg["train"]["difficulty"] = diff
    lora = cfg["lora"]
    lora["rank"] = _num(cfg, "lora.rank", int, 1, integer=True)
    lora["alpha"] = _num(cfg, "lora.alpha", float, 0)
    lora["dropout"] = _num(cfg, "lora.dropout", float, 0, 0.9)
    targets = lora["targets"]
    if not isinstance(targets, list) or not targets or any(t not in TARGETS for t in targets) or len(set(targets)) != len(targets):
        raise ConfigError("config key 'lora.targets' must be a non-empty list of distinct values from %s, got %s" % (list(TARGETS), json.dumps(targets)))
    lora["targets"] = [t for t in TARGETS if t in targets]
    cfg["eval"]["limit"] = _num(cfg, "eval.limit", int, 1, integer=True)
    cfg["eval"]["max_new_tokens"] = _num(cfg, "eval.max_new_tokens", int, 1, integer=True)
    cfg["prune"] = _validate_prune(cfg["prune"])
    return cfg


def load(path=None):
    """Validated config: the defaults overlaid with the JSON file at `path` (if any)."""
    given = {}
    if path:
        try:
            with open(path, "r", encoding="utf-8") as f:
                given = json.load(f)
        except OSError as e:
            raise ConfigError("cannot read config file %s: %s" % (path, e.strerror)) from None
        except ValueError as e:
            raise ConfigError("config file %s is not valid JSON: %s" % (path, e)) from None
        if not isinstance(given, dict):
            raise ConfigError("config file %s must hold a JSON object" % path)
    return validate(_merge(DEFAULTS, given, ""))
