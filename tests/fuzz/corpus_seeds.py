#!/usr/bin/env python3
"""Writes fuzz seeds from the public audit logs beside the project.

    tests/fuzz/corpus_seeds.py CORPUS_DIR RECORD_TYPES_H OUT_DIR [STAMP]

Run by the fuzz build (tests/fuzz/CMakeLists.txt), never committed: the logs
in CORPUS_DIR (../shared/corpus, see its SOURCES.md) stay where they are and
the seeds go to the build tree.
  OUT_DIR/fuzz_event/<source>-<log>: each log whole, as the harness reads it;
  OUT_DIR/fuzz_record/<source>-<log>-<n>: each record line in the kernel's
      form, a 2-byte little-endian type then "audit(...): ...", without the
      node= prefix and the enriched part auditd adds.
Lines whose type the table does not name and that are not UNKNOWN[n] are
left out of fuzz_record (the harness takes a number, not a name).
"""
import glob
import os
import re
import struct
import sys

LINE = re.compile(rb"^(?:node=\S+ )?type=(\S+) msg=(audit\(.*)$")


def type_numbers(path):
    with open(path, encoding="utf-8") as f:
        return {name.encode(): int(num)
                for num, name in re.findall(r"\bX\((\d+), (\w+)\)", f.read())}


def type_of(name, numbers):
    m = re.match(rb"UNKNOWN\[(\d+)\]$", name)
    if m:
        return int(m.group(1)) if 0 < int(m.group(1)) <= 0xffff else None
    return numbers.get(name)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    corpus, types_h, out = sys.argv[1:4]
    numbers = type_numbers(types_h)
    count = 0
    for log in sorted(glob.glob(os.path.join(corpus, "*", "*.log"))):
        name = "%s-%s" % (os.path.basename(os.path.dirname(log)),
                          os.path.splitext(os.path.basename(log))[0])
        with open(log, "rb") as f:
            data = f.read()
        write(os.path.join(out, "fuzz_event", name), data)
        for i, line in enumerate(data.splitlines()):
            m = LINE.match(line.split(b"\x1d")[0])
            num = m and type_of(m.group(1), numbers)
            if num:
                write(os.path.join(out, "fuzz_record", "%s-%03d" % (name, i)),
                      struct.pack("<H", num) + m.group(2))
                count += 1
    if len(sys.argv) > 4:
        with open(sys.argv[4], "w", encoding="utf-8") as f:
            f.write("%d record seeds\n" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
