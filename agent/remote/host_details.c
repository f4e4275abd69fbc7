/* host_details for enrollment, from the host tables (see host_details.h). */
#include "host_details.h"

#include "registry/table_module.h"
#include "sql/catalog.h"
#include "sql/snapshot_vtab.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const detail_tables[] = {
	"os_version", "osquery_info", "system_info", "platform_info", NULL,
};

/* One value as osquery sends it: text as it is, numbers in decimal, NULL
 * as "". */
static void add_value(cJSON *obj, const char *name, const struct row *row, unsigned col)
{
	char num[32];

	switch (row->values[col].kind) {
	case ROW_INT:
		snprintf(num, sizeof(num), "%" PRId64, row->values[col].i);
		cJSON_AddStringToObject(obj, name, num);
		break;
	case ROW_TEXT: {
		char *text = strndup(row_text(row, col), row->values[col].len);

		cJSON_AddStringToObject(obj, name, text ? text : "");
		free(text);
		break;
	}
	default:
		cJSON_AddStringToObject(obj, name, "");
	}
}

static cJSON *first_row(const struct snapshot_module *m, const struct catalog *cat)
{
	struct snapshot_rows rows = {0};
	cJSON *obj = NULL;

	m->fill(cat, &rows);
	if (rows.n > 0) {
		obj = cJSON_CreateObject();
		for (unsigned c = 0; c < m->def->ncolumns; c++)
			add_value(obj, m->def->columns[c].name, rows.rows[0], c);
	}
	for (size_t i = 0; i < rows.n; i++)
		row_free(rows.rows[i]);
	free(rows.rows);
	return obj;
}

cJSON *remote_host_details(const struct catalog *cat)
{
	cJSON *details = cJSON_CreateObject();

	for (size_t i = 0; detail_tables[i]; i++) {
		const struct snapshot_module *m = snapshot_module_find(detail_tables[i]);
		cJSON *row = m ? first_row(m, cat) : NULL;

		if (row)
			cJSON_AddItemToObject(details, detail_tables[i], row);
	}
	return details;
}
