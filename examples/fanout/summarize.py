"""Combines the shard statistics into one summary."""
import json
import os

with open(os.environ["SGR_INPUT_SHARDS"]) as f:
    shards = [json.loads(line) for line in f if line.strip()]
total = sum(s["count"] for s in shards)
summary = {"shards": len(shards), "count": total, "mean": sum(s["sum"] for s in shards) / total,
           "min": min(s["min"] for s in shards), "max": max(s["max"] for s in shards)}
with open("summary.json", "w") as f:
    json.dump(summary, f, sort_keys=True)
with open(os.environ["SGR_EVENTS_FILE"], "a") as f:
    f.write(json.dumps({"type": "output", "name": "mean", "value": summary["mean"]}) + "\n")
print(json.dumps(summary))
