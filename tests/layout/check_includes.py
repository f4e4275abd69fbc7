#!/usr/bin/env python3
"""The layout docs/architecture.md maps, checked against the code.

1. Every quoted #include in agent/ and tables/ names exactly one file: a
   header beside the including file (bare name), or a path under agent/
   or bpf/include/. An include that could resolve two ways, or only by the
   order of the include path, fails.
2. Folders include only folders below them in LAYERS (the map's order),
   apart from the one-way exceptions in ALLOWED.
3. No two files include each other, directly or around a longer circle.
"""
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROOTS = [os.path.join(ROOT, "agent"), os.path.join(ROOT, "bpf", "include")]

# Top first; a folder may include itself and anything after it.
LAYERS = [
    "agent/cmd",
    "agent/metrics",
    "agent/control", "agent/scheduler", "agent/shell", "agent/remote",
    "agent/logger",
    "agent/shipping",
    "tables",
    "agent/container",
    "agent/sql",
    "agent/registry",
    "agent/audit", "agent/bpf",
    "agent/config",
    "agent/store",
    "agent/core",
    "agent/common",
    "bpf/include",
]
# Same-rank folders that may not include each other unless listed here.
SAME_RANK = {
    "agent/control": LAYERS.index("agent/control"), "agent/scheduler": LAYERS.index("agent/control"),
    "agent/shell": LAYERS.index("agent/control"), "agent/remote": LAYERS.index("agent/control"),
    "agent/logger": LAYERS.index("agent/logger"), "agent/shipping": LAYERS.index("agent/logger"),
    "agent/audit": LAYERS.index("agent/audit"), "agent/bpf": LAYERS.index("agent/audit"),
}
ALLOWED = {
    ("agent/scheduler", "agent/control"),  # the query watch (control/watch.h)
    ("agent/shell", "agent/control"),  # the wire protocol (control/wire.h)
    ("agent/remote", "agent/scheduler"),  # the host identifier (scheduler/host.h)
    ("agent/remote", "agent/control"),  # live queries' query watch (control/watch.h)
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def rank(folder):
    for i, layer in enumerate(LAYERS):
        if folder == layer or folder.startswith(layer + "/"):
            return SAME_RANK.get(layer, i), layer
    return None, None


def sources():
    for top in ("agent", "tables"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                if f.endswith((".c", ".h")):
                    yield os.path.join(dirpath, f)


def resolve(path, name):
    here = os.path.join(os.path.dirname(path), name)
    found = [here] if "/" not in name and os.path.exists(here) else []
    found += [os.path.join(r, name) for r in ROOTS if os.path.exists(os.path.join(r, name))]
    return sorted(set(os.path.normpath(p) for p in found))


def main():
    errors = []
    edges = {}
    for path in sources():
        rel = os.path.relpath(path, ROOT)
        src_rank, src_layer = rank(os.path.dirname(rel))
        if src_layer is None:
            errors.append(f"{rel}: its folder is not on the map (LAYERS)")
            continue
        for name in INCLUDE.findall(open(path, encoding="utf-8").read()):
            if name.endswith(".skel.h"):
                continue  # generated in the build tree
            found = resolve(path, name)
            if len(found) != 1:
                errors.append(f"{rel}: #include \"{name}\" resolves to {len(found)} files "
                              f"{[os.path.relpath(f, ROOT) for f in found]}")
                continue
            target = os.path.relpath(found[0], ROOT)
            edges.setdefault(rel, set()).add(target)
            dst_rank, dst_layer = rank(os.path.dirname(target))
            if dst_layer == src_layer or (src_layer, dst_layer) in ALLOWED:
                continue
            if dst_rank is None or dst_rank <= src_rank:
                errors.append(f"{rel}: includes {target}, which is not below {src_layer}")
    errors += circles(edges)
    for e in errors:
        print(e)
    print(f"{len(errors)} layout error(s) in {len(list(sources()))} files")
    return 1 if errors else 0


def circles(edges):
    found, state = [], {}

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                found.append("include circle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return found


if __name__ == "__main__":
    sys.exit(main())
