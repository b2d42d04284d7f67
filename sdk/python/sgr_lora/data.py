"""JSONL rows {"question", "sql", "difficulty", ...} -> padded token batches."""

import json

import torch

from . import tokenizer

IGNORE = -100  # cross_entropy's ignore_index


class DataError(ValueError):
    pass


def load_rows(path, difficulty=None):
    """Rows of a JSONL file; `difficulty` (list of ints or None) keeps only those levels."""
    rows = []
    try:
        f = open(path, "r", encoding="utf-8")
    except OSError as e:
        raise DataError("cannot read %s: %s" % (path, e.strerror)) from None
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as e:
                raise DataError("%s:%d: not valid JSON (%s)" % (path, n, e)) from None
            if not isinstance(row, dict) or not isinstance(row.get("question"), str) or not isinstance(row.get("sql"), str):
                raise DataError("%s:%d: a row needs string fields 'question' and 'sql'" % (path, n))
            if difficulty is not None and row.get("difficulty") not in difficulty:
                continue
            rows.append(row)
    if not rows:
        hint = " with difficulty in %s" % difficulty if difficulty is not None else ""
        raise DataError("%s has no rows%s" % (path, hint))
    return rows


def encode(row, max_len):
    """(ids, sql_start) of one row, fitting max_len + 1 tokens (inputs are ids[:-1]).

    An over-long row loses the start of its question, never its SQL: the SQL is what
    the fine-tune learns and what eval decodes.
    """
    ids, start = tokenizer.example_ids(row["question"], row["sql"])
    excess = len(ids) - (max_len + 1)
    if excess > 0:
        cut = min(excess, start - 2)  # keep BOS and SEP
        ids = ids[:1] + ids[1 + cut :]
        start -= cut
        ids = ids[: max_len + 1]
    return ids, start


def batch(encoded, sql_only, device):
    """(inputs, targets) LongTensors (B, T), right-padded to the longest row.

    Targets are the next token; padding, and with sql_only also the prompt, is IGNORE so
    the loss covers exactly the tokens being learned.
    """
    t = max(len(ids) for ids, _ in encoded) - 1
    inputs = torch.full((len(encoded), t), tokenizer.PAD, dtype=torch.long)
    targets = torch.full((len(encoded), t), IGNORE, dtype=torch.long)
    for i, (ids, start) in enumerate(encoded):
        n = len(ids) - 1
        inputs[i, :n] = torch.tensor(ids[:-1])
        targets[i, :n] = torch.tensor(ids[1:])
        if sql_only:
            # Target j predicts ids[j+1]; the first SQL token is ids[start], target index start-1.
            targets[i, : start - 1] = IGNORE
    return inputs.to(device), targets.to(device)


def prompt_ids(row, max_len):
    """Prompt tokens for greedy decoding: as in training, only a prompt that leaves no room
    for the answer loses the start of its question (BOS is kept)."""
    ids = tokenizer.prompt_ids(row["question"])
    room = max(2, max_len - 16)
    if len(ids) > room:
        ids = ids[:1] + ids[len(ids) - room + 1 :]
    return ids
