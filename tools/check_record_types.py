#!/usr/bin/env python3
"""Checks sysq's table of audit record types against <linux/audit.h>.

    tools/check_record_types.py LINUX_AUDIT_H RECORD_TYPES_H [STAMP]

Run by the build (a failure stops it). Every name in the table that the
header defines (as AUDIT_<NAME>) must have the header's number, and every
number in the table that the header gives a record name must carry that
name. Names the header lacks (libaudit's userspace types, types of kernels
newer than the header) are allowed. On success, touches STAMP if given.
"""
import re
import sys

# Netlink commands and range markers share the header's AUDIT_ prefix but
# are not record types.
NOT_RECORDS = re.compile(r"^(FIRST_|LAST_)|_MSG2?$|^MESSAGE_TEXT_MAX$")


def header_types(path):
    """Name -> number and number -> names of the header's record types."""
    by_name, by_num = {}, {}
    with open(path, encoding="utf-8") as f:
        for m in re.finditer(r"^#define\s+AUDIT_([A-Z0-9_]+)\s+(\d{4})\b", f.read(), re.M):
            name, num = m.group(1), int(m.group(2))
            if NOT_RECORDS.search(name) or num < 1005 or 1007 <= num <= 1099:
                continue
            by_name[name] = num
            by_num.setdefault(num, set()).add(name)
    return by_name, by_num


def table_types(path):
    with open(path, encoding="utf-8") as f:
        return [(int(n), name) for n, name in re.findall(r"\bX\((\d+), (\w+)\)", f.read())]


def main():
    by_name, by_num = header_types(sys.argv[1])
    table = table_types(sys.argv[2])
    errors = []
    if [n for n, _ in table] != sorted({n for n, _ in table}):
        errors.append("the table must be sorted by number, each number once")
    for num, name in table:
        if name in by_name and by_name[name] != num:
            errors.append("%s is %d in the table, %d in %s" % (name, num, by_name[name],
                                                             sys.argv[1]))
        if num in by_num and name not in by_num[num]:
            errors.append("%d is %s in the table, %s in %s" % (num, name,
                                                             "/".join(sorted(by_num[num])),
                                                             sys.argv[1]))
    for e in errors:
        print("%s: %s" % (sys.argv[2], e), file=sys.stderr)
    if errors:
        return 1
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w", encoding="utf-8"):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
