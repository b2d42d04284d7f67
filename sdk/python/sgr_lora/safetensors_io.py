"""Read and write the safetensors format (https://github.com/huggingface/safetensors).

Layout: 8-byte little-endian u64 N, then N bytes of JSON header (padded with spaces to
a multiple of 8), then the byte buffer. The header maps each tensor name to
{"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the buffer) and
may hold "__metadata__": {str: str}. No safetensors package is needed.
"""

import json
import struct

import numpy as np
import torch

# safetensors dtype name -> (numpy little-endian dtype, torch dtype)
_DTYPES = {
    "F64": ("<f8", torch.float64),
    "F32": ("<f4", torch.float32),
    "F16": ("<f2", torch.float16),
    "I64": ("<i8", torch.int64),
    "I32": ("<i4", torch.int32),
    "I16": ("<i2", torch.int16),
    "I8": ("i1", torch.int8),
    "U8": ("u1", torch.uint8),
    "BOOL": ("?", torch.bool),
}
_BY_TORCH = {t: name for name, (_, t) in _DTYPES.items()}
_MAX_HEADER = 100 * 1024 * 1024


class SafetensorsError(ValueError):
    pass


def _alignment(dtype):
    return np.dtype(_DTYPES[dtype][0]).itemsize


def serialize(tensors, metadata=None):
    """bytes of a safetensors file holding `tensors` (name -> torch.Tensor)."""
    if metadata is not None:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise SafetensorsError("metadata must map str to str, got %r: %r" % (k, v))
    items = []
    for name, t in tensors.items():
        if not isinstance(name, str) or name == "__metadata__":
            raise SafetensorsError("bad tensor name %r" % (name,))
        t = t.detach().to("cpu").contiguous()
        dtype = _BY_TORCH.get(t.dtype)
        if dtype is None:
            raise SafetensorsError("unsupported dtype %s for %r" % (t.dtype, name))
        items.append((name, dtype, t))
    # Same order as the official writer: larger alignment first, then by name; this keeps
    # every tensor aligned to its element size inside the buffer.
    items.sort(key=lambda it: (-_alignment(it[1]), it[0]))
    header = {}
    chunks = []
    offset = 0
    for name, dtype, t in items:
        data = t.numpy().astype(_DTYPES[dtype][0], copy=False).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = dict(sorted(metadata.items()))
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def save_file(tensors, path, metadata=None):
    """Write atomically (temp file + rename) so a crash never leaves half a file."""
    import os

    data = serialize(tensors, metadata)
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def parse_header(data):
    """(header dict without __metadata__, metadata dict, buffer start) of file bytes."""
    if len(data) < 8:
        raise SafetensorsError("file too short for a safetensors header")
    (n,) = struct.unpack("<Q", data[:8])
    if n > _MAX_HEADER or 8 + n > len(data):
        raise SafetensorsError("header length %d is out of range" % n)
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise SafetensorsError("header is not valid JSON: %s" % e) from None
    if not isinstance(header, dict):
        raise SafetensorsError("header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    return header, metadata, 8 + n


def deserialize(data):
    """(tensors, metadata) from the bytes of a safetensors file; checks offsets per spec."""
    header, metadata, start = parse_header(data)
    buf_len = len(data) - start
    spans = []
    tensors = {}
    for name, info in header.items():
        dtype = info.get("dtype")
        if dtype not in _DTYPES:
            raise SafetensorsError("tensor %r: unsupported dtype %r" % (name, dtype))
        shape = [int(s) for s in info["shape"]]
        begin, end = (int(x) for x in info["data_offsets"])
        count = int(np.prod(shape)) if shape else 1
        np_dtype = np.dtype(_DTYPES[dtype][0])
        if end - begin != count * np_dtype.itemsize or begin < 0 or end > buf_len:
            raise SafetensorsError("tensor %r: data_offsets %r do not match shape %r" % (name, [begin, end], shape))
        spans.append((begin, end))
        arr = np.frombuffer(data, dtype=np_dtype, count=count, offset=start + begin).reshape(shape)
        tensors[name] = torch.from_numpy(arr.copy())
    spans.sort()
    pos = 0
    for begin, end in spans:
        if begin != pos:
            raise SafetensorsError("tensor data is not contiguous at offset %d" % begin)
        pos = end
    if pos != buf_len:
        raise SafetensorsError("buffer has %d trailing bytes" % (buf_len - pos))
    return tensors, metadata


def load_file(path):
    """(tensors, metadata) of a safetensors file."""
    with open(path, "rb") as f:
        return deserialize(f.read())
