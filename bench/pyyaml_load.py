"""Times PyYAML's pure-Python SafeLoader on blueprint files, with authentik's tags registered.

authentik loads blueprints with a SafeLoader subclass that adds a constructor per tag; this
loader does the same with one generic constructor so that the YAML work is what gets measured.
Prints one JSON object: {"files": n, "repeats": r, "ms": total milliseconds per repeat}.
"""

import json
import sys
import time

import yaml

TAGS = ["KeyOf", "Env", "Find", "FindObject", "Context", "Format", "If", "Condition",
        "Enumerate", "Index", "Value", "AtIndex", "ParseJSON", "File"]


class Tagged:
    def __init__(self, tag, value):
        self.tag = tag
        self.value = value


class BlueprintLoader(yaml.SafeLoader):
    pass


def construct(loader, node):
    if isinstance(node, yaml.ScalarNode):
        return Tagged(node.tag, loader.construct_scalar(node))
    return Tagged(node.tag, loader.construct_sequence(node, deep=True))


for name in TAGS:
    BlueprintLoader.add_constructor("!" + name, construct)


def main():
    repeats = int(sys.argv[1])
    texts = [open(path, encoding="utf-8").read() for path in sys.argv[2:]]
    for text in texts:
        yaml.load(text, Loader=BlueprintLoader)
    start = time.perf_counter()
    for _ in range(repeats):
        for text in texts:
            yaml.load(text, Loader=BlueprintLoader)
    elapsed = (time.perf_counter() - start) * 1000 / repeats
    print(json.dumps({"files": len(texts), "repeats": repeats, "ms": elapsed}))


if __name__ == "__main__":
    main()
