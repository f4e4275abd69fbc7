/* Helpers shared by sysq's virtual table modules. */
#include "vtab_util.h"

#include "common/strbuf.h"

#include <sqlite3.h>
#include <string.h>

char *vtab_schema_sql(const struct table_def *def)
{
	struct strbuf sql = STRBUF_INIT;

	sb_puts(&sql, "CREATE TABLE x(");
	for (unsigned i = 0; i < def->ncolumns; i++) {
		const struct column_def *c = &def->columns[i];

		sb_printf(&sql, "%s\"%s\" %s%s", i ? ", " : "", c->name, column_type_sql(c->type),
			  c->hidden ? " HIDDEN" : "");
	}
	sb_putc(&sql, ')');
	return sb_detach(&sql);
}

void *vtab_zalloc(size_t size)
{
	void *p = sqlite3_malloc64(size);

	if (p)
		memset(p, 0, size);
	return p;
}
