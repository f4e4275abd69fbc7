/* Record type name lookups, generated from record_types.h. */
#include "record_types.h"

#include <stdlib.h>
#include <string.h>

struct type_entry {
	uint16_t num;
	const char *name;
};

static const struct type_entry type_table[] = {
#define X(num, name) {num, #name},
	AUDIT_RECORD_TYPES(X)
#undef X
};

#define TYPE_COUNT (sizeof(type_table) / sizeof(type_table[0]))

const char *audit_type_name(uint16_t type)
{
	size_t lo = 0, hi = TYPE_COUNT;

	/* The table is sorted by number, so a binary search suffices. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (type_table[mid].num == type)
			return type_table[mid].name;
		if (type_table[mid].num < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int audit_type_from_name(const char *name, size_t len)
{
	if (len > 9 && strncmp(name, "UNKNOWN[", 8) == 0 && name[len - 1] == ']') {
		char *end;
		long v = strtol(name + 8, &end, 10);

		if (end == name + len - 1 && v > 0 && v <= 0xffff)
			return (int)v;
		return -1;
	}
	for (size_t i = 0; i < TYPE_COUNT; i++) {
		if (strlen(type_table[i].name) == len && memcmp(type_table[i].name, name, len) == 0)
			return type_table[i].num;
	}
	return -1;
}

bool audit_type_is_standalone(uint16_t type)
{
	return type == AUDIT_TYPE_USER || (type >= 1100 && type <= 1299) ||
	       (type >= 2100 && type <= 2999);
}
