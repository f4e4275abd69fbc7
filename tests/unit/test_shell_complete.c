/* Unit tests for the shell's Tab completion (shell/complete.c): which word
 * the cursor is on and what it may be (a dot command, the table of .tables
 * or .schema, a .mode, a name in SQL, the column after "t."), matching
 * that ignores case, the shared prefix, and sorted distinct name lists;
 * and list mode's separator in shell/format.c. */
#include "shell/complete.h"
#include "shell/format.h"

#include "check.h"

#include <stdlib.h>
#include <string.h>

static enum complete_kind locate(const char *line, bool in_sql, const char **word)
{
	size_t start = 99;
	enum complete_kind kind = complete_locate(line, strlen(line), in_sql, &start);

	*word = start <= strlen(line) ? line + start : "(bad start)";
	return kind;
}

static void test_locate(void)
{
	const char *word;

	CHECK_EQ_INT(locate(".sch", false, &word), COMPLETE_DOT);
	CHECK_EQ_STR(word, ".sch");
	CHECK_EQ_INT(locate("  .", false, &word), COMPLETE_DOT);
	CHECK_EQ_STR(word, ".");
	CHECK_EQ_INT(locate(".schema proc", false, &word), COMPLETE_TABLE);
	CHECK_EQ_STR(word, "proc");
	CHECK_EQ_INT(locate(".tables ", false, &word), COMPLETE_TABLE);
	CHECK_EQ_STR(word, "");
	CHECK_EQ_INT(locate(".mode js", false, &word), COMPLETE_MODE);
	CHECK_EQ_STR(word, "js");
	CHECK_EQ_INT(locate(".timer o", false, &word), COMPLETE_NONE);
	CHECK_EQ_INT(locate("SELECT * FROM process_ev", false, &word), COMPLETE_SQL);
	CHECK_EQ_STR(word, "process_ev");
	CHECK_EQ_INT(locate("SELECT p.cmd", false, &word), COMPLETE_SQL);
	CHECK_EQ_STR(word, "cmd");
	CHECK_EQ_INT(locate("SELECT count(pi", false, &word), COMPLETE_SQL);
	CHECK_EQ_STR(word, "pi");
	/* A continued statement's line is SQL even when it starts with '.'. */
	CHECK_EQ_INT(locate(".5 + pi", true, &word), COMPLETE_SQL);
	CHECK_EQ_STR(word, "pi");
	CHECK_EQ_INT(locate("", false, &word), COMPLETE_SQL);
	CHECK_EQ_STR(word, "");
}

static void fill(struct name_list *l, const char *const *names)
{
	for (; *names; names++)
		name_list_add(l, *names, strlen(*names));
	name_list_finish(l);
}

static void test_lists_and_matches(void)
{
	struct name_list names = {0}, got = {0};

	fill(&names, (const char *const[]){"sysq_flags", "process_events", "sysq_events",
					   "sysq_flags", "pid", NULL});
	if (!CHECK_EQ_UINT(names.n, 4))
		return;
	CHECK_EQ_STR(names.names[0], "pid");
	CHECK_EQ_STR(names.names[3], "sysq_flags");
	complete_matches(&names, "SYSQ_", 5, &got);
	CHECK_EQ_UINT(got.n, 2);
	CHECK_EQ_UINT(complete_common_prefix(&got), 5);
	name_list_free(&got);
	complete_matches(&names, "sysq_f", 6, &got);
	if (CHECK_EQ_UINT(got.n, 1))
		CHECK_EQ_STR(got.names[0], "sysq_flags");
	CHECK_EQ_UINT(complete_common_prefix(&got), strlen("sysq_flags"));
	name_list_free(&got);
	complete_matches(&names, "", 0, &got);
	CHECK_EQ_UINT(got.n, 4);
	CHECK_EQ_UINT(complete_common_prefix(&got), 0);
	name_list_free(&got);
	complete_matches(&names, "zzz", 3, &got);
	CHECK_EQ_UINT(got.n, 0);
	CHECK_EQ_UINT(complete_common_prefix(&got), 0);
	name_list_free(&got);
	name_list_free(&names);
}

static void test_list_separator(void)
{
	struct shell_value names[2] = {{.type = WIRE_TEXT, .s = "a", .len = 1},
				       {.type = WIRE_TEXT, .s = "b", .len = 1}};
	struct shell_value row[2] = {{.type = WIRE_INTEGER, .i = 1},
				     {.type = WIRE_TEXT, .s = "x\ny", .len = 3}};
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	struct formatter *f = formatter_new(OUTPUT_LIST, true, mem);

	formatter_set_separator(f, ", ");
	formatter_columns(f, 2, names);
	formatter_row(f, row);
	formatter_end(f);
	formatter_free(f);
	fclose(mem);
	CHECK_EQ_STR(text, "a, b\n1, x\\ny\n");
	free(text);
}

int main(void)
{
	test_locate();
	test_lists_and_matches();
	test_list_separator();
	return check_finish();
}
