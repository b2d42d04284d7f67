"""python -m sgr_lora <pretrain|finetune|eval|merge> ... (see docs/trainer.md)."""

import argparse
import os
import sys


def _parser():
    p = argparse.ArgumentParser(prog="python -m sgr_lora", description="SGR reference LoRA trainer")
    sub = p.add_subparsers(dest="command", required=True)

    pre = sub.add_parser("pretrain", help="train the base model as a language model")
    pre.add_argument("--config")
    pre.add_argument("--train", required=True)
    pre.add_argument("--val", required=True)
    pre.add_argument("--out", required=True)

    ft = sub.add_parser("finetune", help="train a LoRA adapter on the SQL tokens")
    ft.add_argument("--config")
    ft.add_argument("--base", required=True)
    ft.add_argument("--train", required=True)
    ft.add_argument("--val", required=True)
    ft.add_argument("--out", required=True)
    ft.add_argument("--init", help="start from this adapter (curriculum stages)")

    ev = sub.add_parser("eval", help="loss and exact match on a split")
    ev.add_argument("--config")
    ev.add_argument("--base", required=True)
    ev.add_argument("--adapter", action="append", help="repeat for an ensemble: next-token distributions are averaged")
    ev.add_argument("--data", required=True)
    ev.add_argument("--out")

    mg = sub.add_parser("merge", help="fuse an adapter into its base and verify")
    mg.add_argument("--base", required=True)
    mg.add_argument("--adapter", required=True)
    mg.add_argument("--out", required=True)
    mg.add_argument("--tol", type=float, default=1e-5)
    return p


def main(argv=None):
    args = _parser().parse_args(argv)
    # Config errors come before importing torch: fast, and clear on a machine without it.
    from .config import ConfigError, load

    try:
        cfg = load(getattr(args, "config", None))
    except ConfigError as e:
        sys.stderr.write("sgr_lora %s: error: %s\n" % (args.command, e))
        return 2
    # BLAS libraries size their own thread pools from the environment, before torch loads.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(cfg["threads"]))
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.stderr.write("sgr_lora: error: PyTorch is not installed for %s (pip install torch)\n" % sys.executable)
        return 2
    from . import checkpoint, evaluate, merge, store, train
    from .data import DataError

    checkpoint.install_stop_handlers()
    try:
        if args.command == "pretrain":
            return train.pretrain(cfg, args.train, args.val, args.out)
        if args.command == "finetune":
            return train.finetune(cfg, args.base, args.train, args.val, args.out, args.init)
        if args.command == "eval":
            return evaluate.evaluate(cfg, args.base, args.adapter, args.data, args.out)
        return merge.merge(args.base, args.adapter, args.out, args.tol)
    except (store.UsageError, DataError) as e:
        sys.stderr.write("sgr_lora %s: error: %s\n" % (args.command, e))
        return 2


if __name__ == "__main__":
    sys.exit(main())
