"""Statistics of one shard of the numbers; reports metrics through the SGR line protocol."""
import json
import os
import sys

shard, shards = int(sys.argv[1]), int(sys.argv[2])
with open(os.environ["SGR_INPUT_NUMBERS"]) as f:
    numbers = [int(line) for line in f if line.strip()]
mine = numbers[shard::shards]
stats = {"shard": shard, "count": len(mine), "sum": sum(mine), "min": min(mine), "max": max(mine),
         "mean": sum(mine) / len(mine)}
with open("stats.json", "w") as f:
    json.dump(stats, f, sort_keys=True)


def report(event):
    with open(os.environ["SGR_EVENTS_FILE"], "a") as f:
        f.write(json.dumps(event) + "\n")


report({"type": "metric", "name": "mean", "value": stats["mean"], "step": 0})
report({"type": "output", "name": "count", "value": stats["count"]})
print(f"shard {shard}/{shards}: {stats['count']} numbers, mean {stats['mean']:.2f}")
