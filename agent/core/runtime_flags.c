/* The fleet server's run-time flag values (runtime_flags.h). */
#include "runtime_flags.h"

#include <stdatomic.h>

struct runtime_value {
	enum flag_id id;
	atomic_bool set;
	_Atomic int64_t value;
};

static struct runtime_value values[] = {
	{.id = FLAG_config_refresh},	     {.id = FLAG_config_tls_refresh},
	{.id = FLAG_distributed_interval},   {.id = FLAG_logger_tls_period},
	{.id = FLAG_logger_tls_max_lines},
};

#define NVALUES (sizeof(values) / sizeof(values[0]))

static struct runtime_value *find(enum flag_id id)
{
	for (size_t i = 0; i < NVALUES; i++) {
		if (values[i].id == id)
			return &values[i];
	}
	return NULL;
}

bool runtime_flag_listed(enum flag_id id)
{
	return find(id) != NULL;
}

bool runtime_flag_override(enum flag_id id, int64_t *value)
{
	struct runtime_value *v = find(id);

	if (!v || !atomic_load(&v->set))
		return false;
	*value = atomic_load(&v->value);
	return true;
}

int64_t runtime_flag(const struct sysq_flags *flags, enum flag_id id)
{
	int64_t value;

	if (runtime_flag_override(id, &value))
		return value;
	return flags_get_int(flags, id);
}

void runtime_flags_take(const struct sysq_flags *from, struct strbuf *changed)
{
	for (size_t i = 0; i < NVALUES; i++) {
		struct runtime_value *v = &values[i];
		bool set = from->source[v->id] == FLAG_SOURCE_CONFIG;
		int64_t before = atomic_load(&v->set) ? atomic_load(&v->value) : INT64_MIN;
		int64_t now = set ? flags_get_int(from, v->id) : INT64_MIN;

		if (set)
			atomic_store(&v->value, now);
		atomic_store(&v->set, set);
		if (set && now != before)
			sb_printf(changed, "%s%s=%lld", changed->len ? ", " : "", flag_defs[v->id].name,
				  (long long)now);
	}
}
