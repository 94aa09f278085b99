"""Mines Loghub systems with Drain3 for `vigil bench loghub`, as the peer it is compared with.

Reads one JSON object from standard input: {"rounds": N, "config": "default" | "example",
"systems": [{"name": ..., "contents": [...]}]}. Each system is mined from a fresh drain3.TemplateMiner
N times; only the loop over add_log_message is timed and the fastest pass counts. "default" is Drain3's
configuration without a config file (no masking); "example" is the configuration Drain3 ships as
examples/drain3.ini (its masking of IDs, IPs, hex and numbers, sim_th 0.4, depth 4, "_" as an extra
delimiter), without its profiler, snapshots and cluster limit (which only add time or evict templates). Masks such as <:NUM:> are written
as <*> so that the templates are scored as Vigil's are.
Prints one JSON object: the Drain3 version, the configuration used and, per system, the line count, the
mining seconds, lines per second and each line's template as its cluster stood after the last line.
"""

import importlib.metadata
import json
import re
import sys
import time

from drain3 import TemplateMiner
from drain3.masking import MaskingInstruction
from drain3.template_miner_config import TemplateMinerConfig

# The [MASKING] section of Drain3's examples/drain3.ini.
EXAMPLE_MASKING = [
    (r"((?<=[^A-Za-z0-9])|^)(([0-9a-f]{2,}:){3,}([0-9a-f]{2,}))((?=[^A-Za-z0-9])|$)", "ID"),
    (r"((?<=[^A-Za-z0-9])|^)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})((?=[^A-Za-z0-9])|$)", "IP"),
    (r"((?<=[^A-Za-z0-9])|^)([0-9a-f]{6,} ?){3,}((?=[^A-Za-z0-9])|$)", "SEQ"),
    (r"((?<=[^A-Za-z0-9])|^)([0-9A-F]{4} ?){4,}((?=[^A-Za-z0-9])|$)", "SEQ"),
    (r"((?<=[^A-Za-z0-9])|^)(0x[a-f0-9A-F]+)((?=[^A-Za-z0-9])|$)", "HEX"),
    (r"((?<=[^A-Za-z0-9])|^)([\-\+]?\d+)((?=[^A-Za-z0-9])|$)", "NUM"),
    (r"(?<=executed cmd )(\".+?\")", "CMD"),
]
MASK = re.compile(r"<:[A-Z]+:>")


def make_config(name):
    config = TemplateMinerConfig()
    if name == "example":
        config.masking_instructions = [MaskingInstruction(pattern, mask) for pattern, mask in EXAMPLE_MASKING]
        config.mask_prefix = "<:"
        config.mask_suffix = ":>"
        config.drain_sim_th = 0.4
        config.drain_depth = 4
        config.drain_max_children = 100
        config.drain_extra_delimiters = ["_"]
    elif name != "default":
        raise ValueError(f"unknown config {name!r}: expected default or example")
    return config


def mine(contents, config_name):
    miner = TemplateMiner(config=make_config(config_name))
    add = miner.add_log_message
    cluster_ids = [0] * len(contents)
    start = time.perf_counter()
    for i, line in enumerate(contents):
        cluster_ids[i] = add(line)["cluster_id"]
    seconds = time.perf_counter() - start
    clusters = miner.drain.id_to_cluster
    return seconds, [MASK.sub("<*>", clusters[c].get_template()) for c in cluster_ids]


def main():
    request = json.load(sys.stdin)
    rounds = max(1, int(request.get("rounds", 1)))
    config_name = request.get("config", "default")
    config = make_config(config_name)
    systems = {}
    for system in request["systems"]:
        contents = system["contents"]
        fastest = None
        templates = []
        for _ in range(rounds):
            seconds, templates = mine(contents, config_name)
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
