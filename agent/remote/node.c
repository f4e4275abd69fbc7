/* Requests made as the enrolled node: enrollment first when there is no
 * node key, the key added to the body, and the key dropped when the
 * server calls it invalid (client.h). Above both the transport
 * (client.c) and enrollment (enroll.c), which do not call it.
 *
 * Several clients of one daemon (the config thread's, the live queries',
 * the TLS logger's) share one node key through the database: a server
 * such as FleetDM keeps one key per host, so a second enrollment would
 * invalidate the first client's key and the clients would take turns
 * enrolling. */
#include "remote_internal.h"

#include "store/meta.h"

#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The daemon's clients (config, live queries) each have their own
 * connection but share one node key: one of them enrolls at a time, and
 * a client without a key first takes the one another saved. Two
 * enrollments would each get a key, and a server such as Fleet keeps
 * only the last, so the clients would invalidate each other in turn. */
static pthread_mutex_t enroll_lock = PTHREAD_MUTEX_INITIALIZER;

/* Takes the lock, giving up when the daemon stops (another client may
 * hold it through its enrollment's retries). */
static bool lock_enrollment(const struct remote_client *c)
{
	for (;;) {
		struct timespec until;

		if (c->stopping && atomic_load(c->stopping))
			return false;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		if (pthread_mutex_timedlock(&enroll_lock, &until) == 0)
			return true;
	}
}

/* The key another client saved, or a new enrollment. */
static int get_node_key(struct remote_client *c, char **err)
{
	char *saved = NULL;
	int rc = 0;

	if (!lock_enrollment(c)) {
		*err = xstrdup("the daemon is stopping");
		return -ECANCELED;
	}
	if (store_meta_get(c->flags->database_path, META_NODE_KEY, &saved) == 0 && saved[0])
		c->node_key = saved;
	else {
		free(saved);
		rc = client_enroll(c, err);
	}
	pthread_mutex_unlock(&enroll_lock);
	return rc;
}

/* The server no longer knows our key: forget it, here and on disk, so
 * the next request enrolls again (osquery's node_invalid). On disk only
 * if it is still ours: another client may have enrolled since. */
static void drop_node_key(struct remote_client *c)
{
	char *saved = NULL;

	if (c->flags->disable_reenrollment)
		return;
	if (lock_enrollment(c)) {
		if (store_meta_get(c->flags->database_path, META_NODE_KEY, &saved) == 0 &&
		    c->node_key && strcmp(saved, c->node_key) == 0)
			store_meta_set(c->flags->database_path, META_NODE_KEY, NULL);
		pthread_mutex_unlock(&enroll_lock);
		free(saved);
	}
	free(c->node_key);
	c->node_key = NULL;
}

/* The message for node_invalid, with the server's own text if any (its
 * ownership passes here). */
static void node_invalid_error(struct remote_client *c, const char *endpoint, char *why,
			       char **err)
{
	struct strbuf sb = STRBUF_INIT;

	drop_node_key(c);
	sb_printf(&sb, "https://%s%s: the server says the node key is invalid",
		  c->flags->tls_hostname, endpoint);
	if (why)
		sb_printf(&sb, " (%s)", why);
	sb_puts(&sb, c->flags->disable_reenrollment ?
			     "; --disable_reenrollment: not enrolling again" :
			     "; the next request enrolls again");
	free(why);
	*err = sb_detach(&sb);
}

int remote_client_post(struct remote_client *c, const char *endpoint, cJSON *body,
		       cJSON **reply, char **err)
{
	struct remote_reply r;
	char *text;
	int rc;

	if (!c->node_key && !c->flags->disable_enrollment) {
		rc = get_node_key(c, err);
		if (rc < 0)
			return rc;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(body, "node_key");
	if (c->node_key)
		cJSON_AddStringToObject(body, "node_key", c->node_key);
	text = cJSON_PrintUnformatted(body);
	rc = client_send(c, endpoint, text ? text : "{}", &r, err);
	free(text);
	if (r.node_invalid) {
		node_invalid_error(c, endpoint, rc < 0 ? *err : NULL, err);
		cJSON_Delete(r.root);
		return -EACCES;
	}
	if (rc == 0)
		*reply = r.root;
	return rc;
}
