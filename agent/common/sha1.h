/* SHA-1 (FIPS 180-4), for identifiers osquery spells as a SHA-1 in hex:
 * osquery_info.config_hash names the config in force, so a fleet manager
 * can see which hosts run which config. Not for anything that needs
 * collision resistance. */
#pragma once

#include <stddef.h>

#define SHA1_HEX_LEN 40

/* Writes the digest of `len` bytes at `data` as 40 lowercase hex digits
 * and a NUL into `out`. */
void sha1_hex(const void *data, size_t len, char out[SHA1_HEX_LEN + 1]);
