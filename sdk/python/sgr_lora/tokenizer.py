"""Character-level tokenizer with a fixed vocabulary, so token ids never depend on data."""

PAD, BOS, EOS, SEP = 0, 1, 2, 3
SPECIALS = ["<pad>", "<bos>", "<eos>", "<sep>"]
_FIRST, _LAST = 32, 126  # printable ASCII
VOCAB = SPECIALS + [chr(c) for c in range(_FIRST, _LAST + 1)]
VOCAB_SIZE = len(VOCAB)
_UNKNOWN = ord("?")


def encode_text(text):
    """Token ids of `text`; whitespace becomes a space, other characters outside printable ASCII '?'."""
    ids = []
    for ch in text:
        c = ord(ch)
        if ch in "\t\n\r":
            c = 32
        elif c < _FIRST or c > _LAST:
            c = _UNKNOWN
        ids.append(c - _FIRST + len(SPECIALS))
    return ids


def decode(ids):
    """Text of token ids, stopping at EOS; special tokens are dropped."""
    out = []
    for i in ids:
        if i == EOS:
            break
        if i >= len(SPECIALS):
            out.append(VOCAB[i])
    return "".join(out)


def prompt_ids(question):
    """BOS question SEP: what the model is given before it writes the SQL."""
    return [BOS] + encode_text(question) + [SEP]


def example_ids(question, sql):
    """(ids, index of the first SQL token) of BOS question SEP sql EOS."""
    prompt = prompt_ids(question)
    return prompt + encode_text(sql) + [EOS], len(prompt)
