"""merge: fuse an adapter into its base (W' = W + (alpha/rank) B A) and verify the result."""

import os
import sys

import torch

import sgr_worker

from . import lora, model as model_mod, runtime, store

EXIT_NOT_EQUIVALENT = 3


def _probe(arch):
    """A fixed batch of token ids: the same for every run, independent of the global RNG."""
    g = torch.Generator().manual_seed(1234)
    length = min(64, arch["max_len"])
    return torch.randint(4, arch["vocab_size"], (4, length), generator=g)


def merge(base_path, adapter_path, out, tol=1e-5):
    device = runtime.setup({"seed": 0, "threads": 1})
    net, base_sha = store.load_base(base_path, device)
    tensors, s = store.load_adapter(adapter_path, base_path, base_sha)
    lora.attach(net, s["rank"], s["alpha"], s["dropout"], s["targets"])
    lora.load_adapter_state(net, tensors)
    net.to(device).eval()

    merged = model_mod.build(net.arch)
    merged.load_state_dict(lora.merge_into_base(net))
    store.save_base(merged, out, kind="merged", extra={"base_sha256": base_sha, "adapter_sha256": store.sha256_file(adapter_path)})

    # Verify what was written: read the file back and compare logits with the unmerged
    # base+adapter forward. float64 so the check measures the merge, not float32 summation order.
    reread, _ = store.load_base(out, device)
    probe = _probe(reread.arch).to(device)
    with torch.no_grad():
        want = net.double()(probe)
        got = reread.double()(probe)
    diff = float((want - got).abs().max())
    sgr_worker.log_output("max_abs_diff", diff)
    if diff > tol:
        sgr_worker.log_output("verified", False)
        os.remove(out)  # never leave an unverified merge where a later step would pick it up
        sys.stderr.write("sgr_lora merge: merged model is NOT equivalent to base+adapter: max abs logit difference %.3g exceeds --tol %.3g\n" % (diff, tol))
        return EXIT_NOT_EQUIVALENT
    sgr_worker.log_output("verified", True)
    sgr_worker.log_artifact(out, name="merged", format="safetensors", kind="merged")
    print("sgr_lora merge: wrote %s; max abs logit difference %.3g <= %.3g (verified)" % (out, diff, tol), flush=True)
    return 0
