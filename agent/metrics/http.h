/* The HTTP endpoint (libmicrohttpd, on its own thread): GET /metrics, the
 * text format, and GET /healthz, 200 "ok" or 503 with the reasons. Any
 * other path is 404, any other method on these two 405. At most 16
 * clients at once, each dropped after 10 s of silence. */
#pragma once

#include "listen_addr.h"
#include "sources.h"

struct metrics_http;

/* Listens on `addr` (`text` is how the flag spelled it, for messages).
 * `src` must outlive the endpoint. Returns 0 or -errno with *err set. */
int metrics_http_start(const struct listen_addr *addr, const char *text,
		       const struct metrics_sources *src, struct metrics_http **ret, char **err);

/* Stops answering and closes the socket; NULL does nothing. */
void metrics_http_stop(struct metrics_http *h);
