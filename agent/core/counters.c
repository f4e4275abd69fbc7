/* Counter names, generated from counters.h. */
#include "counters.h"

const char *const counter_names[COUNTER_COUNT] = {
#define X(name, desc) #name,
	SYSQ_COUNTERS(X)
#undef X
};

const char *const counter_descriptions[COUNTER_COUNT] = {
#define X(name, desc) desc,
	SYSQ_COUNTERS(X)
#undef X
};
