/* Audit rule construction and bookkeeping. */
#include "rules.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct audit_rule_data *audit_rule_build(const struct audit_abi *abi,
					 const bool want[AUDIT_SYSCALL_COUNT], const char *key,
					 size_t *len)
{
	size_t keylen = strlen(key);
	struct audit_rule_data *r;
	bool any = false;

	*len = sizeof(*r) + keylen;
	r = xcalloc(1, *len);
	r->flags = AUDIT_FILTER_EXIT;
	r->action = AUDIT_ALWAYS;
	for (int s = 0; s < AUDIT_SYSCALL_COUNT; s++) {
		int nr = abi->nr[s];

		if (!want[s] || nr < 0)
			continue;
		r->mask[AUDIT_WORD(nr)] |= AUDIT_BIT(nr);
		any = true;
	}
	if (!any) {
		free(r);
		*len = 0;
		return NULL;
	}
	/* The arch field must come first: the kernel interprets syscall
	 * numbers in the mask for that arch. */
	r->fields[0] = AUDIT_ARCH;
	r->values[0] = abi->arch;
	r->fieldflags[0] = AUDIT_EQUAL;
	r->field_count = 1;
	audit_rule_add_key(r, key, keylen);
	return r;
}

void audit_rule_add_key(struct audit_rule_data *rule, const char *key, size_t keylen)
{
	uint32_t i = rule->field_count++;

	rule->fields[i] = AUDIT_FILTERKEY;
	rule->values[i] = (uint32_t)keylen;
	rule->fieldflags[i] = AUDIT_EQUAL;
	rule->buflen = (uint32_t)keylen;
	memcpy(rule->buf, key, keylen);
}

/* Fields whose value is a length of text in buf, in field order. */
static bool is_string_field(uint32_t field)
{
	switch (field) {
	case AUDIT_SUBJ_USER:
	case AUDIT_SUBJ_ROLE:
	case AUDIT_SUBJ_TYPE:
	case AUDIT_SUBJ_SEN:
	case AUDIT_SUBJ_CLR:
	case AUDIT_OBJ_USER:
	case AUDIT_OBJ_ROLE:
	case AUDIT_OBJ_TYPE:
	case AUDIT_OBJ_LEV_LOW:
	case AUDIT_OBJ_LEV_HIGH:
	case AUDIT_WATCH:
	case AUDIT_DIR:
	case AUDIT_FILTERKEY:
	case AUDIT_EXE:
		return true;
	default:
		return false;
	}
}

/* Is `key` one of the \x01-separated keys in [p, p+n)? */
static bool key_list_has(const char *p, size_t n, const char *key)
{
	size_t klen = strlen(key);
	const char *end = p + n;

	while (p <= end) {
		const char *sep = memchr(p, 0x01, (size_t)(end - p));
		size_t len = sep ? (size_t)(sep - p) : (size_t)(end - p);

		if (len == klen && memcmp(p, key, klen) == 0)
			return true;
		if (!sep)
			break;
		p = sep + 1;
	}
	return false;
}

bool audit_rule_has_key(const struct audit_rule_data *rule, size_t len, const char *key)
{
	size_t off = 0;

	if (len < sizeof(*rule) || rule->field_count > AUDIT_MAX_FIELDS ||
	    rule->buflen > len - sizeof(*rule))
		return false;
	for (uint32_t i = 0; i < rule->field_count; i++) {
		uint32_t vlen = rule->values[i];

		if (!is_string_field(rule->fields[i]))
			continue;
		if (vlen > rule->buflen - off)
			return false;
		if (rule->fields[i] == AUDIT_FILTERKEY && key_list_has(rule->buf + off, vlen, key))
			return true;
		off += vlen;
	}
	return false;
}

int audit_rules_add(struct audit_nl *ctl, const bool want[AUDIT_SYSCALL_COUNT],
		    struct audit_rule_set *added)
{
	for (int a = 0; a < AUDIT_ABI_COUNT; a++) {
		size_t len;
		struct audit_rule_data *r = audit_rule_build(&audit_abis[a], want, SYSQ_RULE_KEY,
							     &len);
		int err;

		if (!r)
			continue;
		err = audit_nl_request_ack(ctl, AUDIT_ADD_RULE, r, len, NULL, NULL);
		if (err == -EEXIST) {
			/* An identical rule is loaded, so it cannot be ours to
			 * delete later: leave it alone and rely on it. */
			log_warn("audit: an identical arch=%s rule keyed '%s' is already loaded; "
				 "using it",
				 audit_abis[a].rule_name, SYSQ_RULE_KEY);
			free(r);
			continue;
		}
		if (err < 0) {
			free(r);
			return err;
		}
		added->rules[added->n] = r;
		added->lens[added->n++] = len;
	}
	return 0;
}

int audit_rules_remove(struct audit_nl *ctl, struct audit_rule_set *set)
{
	int first_err = 0;

	for (size_t i = 0; i < set->n; i++) {
		int err = audit_nl_request_ack(ctl, AUDIT_DEL_RULE, set->rules[i], set->lens[i],
					       NULL, NULL);

		if (err < 0 && err != -ENOENT && first_err == 0)
			first_err = err;
		free(set->rules[i]);
	}
	set->n = 0;
	return first_err;
}

/* Copies of the stale rules found while listing; they are deleted after
 * the listing ends, since the socket carries the list meanwhile. */
struct stale_list {
	struct audit_rule_data **rules;
	size_t *lens;
	size_t n;
	size_t cap;
	size_t lens_cap;
};

static void collect_stale(void *ctx, const struct audit_rule_data *rule, size_t len)
{
	struct stale_list *sl = ctx;
	struct audit_rule_data *copy;

	if (!audit_rule_has_key(rule, len, SYSQ_RULE_KEY))
		return;
	copy = xmalloc(len);
	memcpy(copy, rule, len);
	sl->rules = xgrow(sl->rules, &sl->cap, sl->n + 1, sizeof(*sl->rules));
	sl->lens = xgrow(sl->lens, &sl->lens_cap, sl->n + 1, sizeof(*sl->lens));
	sl->rules[sl->n] = copy;
	sl->lens[sl->n++] = len;
}

int audit_rules_remove_stale(struct audit_nl *ctl)
{
	struct stale_list sl = {0};
	int err = audit_nl_list_rules(ctl, collect_stale, &sl);
	int removed = 0;

	for (size_t i = 0; i < sl.n; i++) {
		if (err == 0) {
			int e = audit_nl_request_ack(ctl, AUDIT_DEL_RULE, sl.rules[i], sl.lens[i],
						     NULL, NULL);
			if (e == 0)
				removed++;
			else if (e != -ENOENT)
				err = e;
		}
		free(sl.rules[i]);
	}
	free(sl.rules);
	free(sl.lens);
	return err < 0 ? err : removed;
}
