/* fuzz_config: the JSON config parser, config_load_text.
 *
 * Covers comment blanking, cJSON parsing and the error position, the
 * member position index (json_pos), typed reads with their file:line:col
 * errors, unknown-key warnings, "options" applied to flags through the
 * flag parsers, the schedule, inline packs and their discovery queries,
 * decorators (load, always, interval) and the events key. Pack paths are
 * resolved next to a config path that does not exist, so relative packs
 * fail to open rather than read the machine's files.
 *
 * Why untrusted: the config is written by fleet tooling or by hand and
 * reused from osquery deployments; a damaged or hostile file must give an
 * error with a position, never a crash, and reload must be safe to retry.
 *
 * Input: the config file's bytes. */
#include "config/config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_message(const char *what, const struct strbuf *sb)
{
	/* Every message starts with the file name and a position. */
	if (strncmp(sb_str(sb), "/nonexistent-sysq-fuzz/sysq.conf", 32) != 0) {
		fprintf(stderr, "%s without the file name: %s\n", what, sb_str(sb));
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT, warnings = STRBUF_INIT;
	struct sysq_flags flags;
	struct config cfg;
	int rc;

	flags_init(&flags);
	rc = config_load_text("/nonexistent-sysq-fuzz/sysq.conf", (const char *)data, size, &flags,
			      &cfg, &err, &warnings);
	if (rc != 0 && rc != -EINVAL && rc != -ENOENT && rc != -EIO) {
		fprintf(stderr, "config_load_text: unexpected %d\n", rc);
		abort();
	}
	if (rc == -EINVAL)
		check_message("an error", &err);
	if (warnings.len)
		check_message("a warning", &warnings);
	if (rc == 0) {
		for (size_t i = 0; i < cfg.nqueries; i++) {
			if (!cfg.queries[i].name || !cfg.queries[i].sql ||
			    cfg.queries[i].interval < 1) {
				fprintf(stderr, "an accepted query without name, SQL or interval\n");
				abort();
			}
		}
		(void)config_subscriber_enabled(&cfg, "process_events");
		config_free(&cfg);
	}
	sb_free(&err);
	sb_free(&warnings);
	flags_free(&flags);
	return 0;
}
