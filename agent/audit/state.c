/* Saving, changing and restoring the kernel audit status. */
#include "state.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The settings sysq may change, with accessors into audit_status. */
struct setting {
	uint32_t mask;
	const char *name;
	size_t offset;
};

static const struct setting settings[] = {
	{AUDIT_STATUS_ENABLED, "enabled", offsetof(struct audit_status, enabled)},
	{AUDIT_STATUS_BACKLOG_LIMIT, "backlog_limit", offsetof(struct audit_status, backlog_limit)},
	{AUDIT_STATUS_BACKLOG_WAIT_TIME, "backlog_wait_time",
	 offsetof(struct audit_status, backlog_wait_time)},
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static uint32_t *field(struct audit_status *s, const struct setting *set)
{
	return (uint32_t *)((char *)s + set->offset);
}

static uint32_t value(const struct audit_status *s, const struct setting *set)
{
	return *(const uint32_t *)((const char *)s + set->offset);
}

static int set_one(struct audit_nl *ctl, const struct setting *set, uint32_t v)
{
	struct audit_status s;

	memset(&s, 0, sizeof(s));
	s.mask = set->mask;
	*field(&s, set) = v;
	return audit_nl_set_status(ctl, &s);
}

int audit_state_apply(struct audit_nl *ctl, uint32_t backlog_limit, uint32_t backlog_wait_time,
		      struct audit_state *st)
{
	const uint32_t wanted[NSETTINGS] = {1, backlog_limit, backlog_wait_time};
	int err;

	memset(st, 0, sizeof(*st));
	err = audit_nl_get_status(ctl, &st->found);
	if (err < 0)
		return err;
	if (st->found.enabled == 2)
		return -EPERM;
	for (size_t i = 0; i < NSETTINGS; i++) {
		if (value(&st->found, &settings[i]) == wanted[i])
			continue;
		err = set_one(ctl, &settings[i], wanted[i]);
		if (err < 0) {
			log_warn("audit: cannot set %s=%u: %s", settings[i].name, wanted[i],
				 strerror(-err));
			return err;
		}
		*field(&st->set, &settings[i]) = wanted[i];
		st->changed |= settings[i].mask;
	}
	return 0;
}

void audit_state_adopt(struct audit_state *st, const struct audit_state *crashed)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &settings[i];

		if (!(crashed->changed & s->mask))
			continue;
		/* The crashed run changed it; what it found is the original. */
		*field(&st->found, s) = value(&crashed->found, s);
		if (!(st->changed & s->mask)) {
			/* This run found the crashed run's value in place. */
			*field(&st->set, s) = value(&crashed->set, s);
			st->changed |= s->mask;
		}
	}
}

int audit_state_restore(struct audit_nl *ctl, const struct audit_state *st)
{
	struct audit_status now;
	int err, first_err = 0;

	if (!st->changed)
		return 0;
	err = audit_nl_get_status(ctl, &now);
	if (err < 0)
		return err;
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &settings[i];

		if (!(st->changed & s->mask))
			continue;
		if (value(&now, s) != value(&st->set, s)) {
			log_info("audit: leaving %s=%u, changed by another tool since sysq set %u",
				 s->name, value(&now, s), value(&st->set, s));
			continue;
		}
		err = set_one(ctl, s, value(&st->found, s));
		if (err < 0 && first_err == 0)
			first_err = err;
	}
	return first_err;
}

char *audit_state_format(const struct audit_state *st)
{
	return xasprintf("changed=%u found=%u,%u,%u set=%u,%u,%u", st->changed,
			 st->found.enabled, st->found.backlog_limit, st->found.backlog_wait_time,
			 st->set.enabled, st->set.backlog_limit, st->set.backlog_wait_time);
}

int audit_state_parse(const char *text, struct audit_state *st)
{
	int end = 0;

	memset(st, 0, sizeof(*st));
	if (sscanf(text, "changed=%u found=%u,%u,%u set=%u,%u,%u%n", &st->changed,
		   &st->found.enabled, &st->found.backlog_limit, &st->found.backlog_wait_time,
		   &st->set.enabled, &st->set.backlog_limit, &st->set.backlog_wait_time,
		   &end) != 7 ||
	    text[end] != '\0')
		return -EINVAL;
	return 0;
}
