"""Mines Loghub systems with Drain3 for `vigil bench loghub`, as the peer it is compared with.

Reads one JSON object from standard input: {"rounds": N, "systems": [{"name": ..., "contents": [...]}]}.
Each system is mined from a fresh drain3.TemplateMiner with Drain3's default configuration (no config
file, no masking) N times; only the loop over add_log_message is timed and the fastest pass counts.
Prints one JSON object: the Drain3 version, the configuration used and, per system, the line count, the
mining seconds, lines per second and each line's template as its cluster stood after the last line.
"""

import importlib.metadata
import json
import sys
import time

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig


def mine(contents):
    miner = TemplateMiner(config=TemplateMinerConfig())
    add = miner.add_log_message
    cluster_ids = [0] * len(contents)
    start = time.perf_counter()
    for i, line in enumerate(contents):
        cluster_ids[i] = add(line)["cluster_id"]
    seconds = time.perf_counter() - start
    clusters = miner.drain.id_to_cluster
    return seconds, [clusters[c].get_template() for c in cluster_ids]


def main():
    request = json.load(sys.stdin)
    rounds = max(1, int(request.get("rounds", 1)))
    config = TemplateMinerConfig()
    systems = {}
    for system in request["systems"]:
        contents = system["contents"]
        fastest = None
        templates = []
        for _ in range(rounds):
            seconds, templates = mine(contents)
            fastest = seconds if fastest is None else min(fastest, seconds)
        systems[system["name"]] = {
            "lines": len(contents),
            "seconds": fastest,
            "linesPerSecond": len(contents) / fastest if fastest > 0 else None,
            "templates": templates,
        }
    json.dump(
        {
            "drain3Version": importlib.metadata.version("drain3"),
            "config": {"sim_th": config.drain_sim_th, "depth": config.drain_depth, "max_children": config.drain_max_children, "masking": len(config.masking_instructions)},
            "systems": systems,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
