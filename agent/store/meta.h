/* Small key/value facts the daemon keeps in its database across runs,
 * such as the audit settings a run changed (so a run after a crash can
 * restore the original ones). Each call uses its own short connection, so
 * it is safe from any thread and never touches the writer's connection. */
#pragma once

/* Returns 0 with *ret set (free it), -ENOENT, or -EIO. */
int store_meta_get(const char *db_path, const char *key, char **ret);
/* Sets or, with value NULL, deletes a key. Returns 0 or -EIO. */
int store_meta_set(const char *db_path, const char *key, const char *value);
