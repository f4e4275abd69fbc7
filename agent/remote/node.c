/* Requests made as the enrolled node: enrollment first when there is no
 * node key, the key added to the body, and the key dropped when the
 * server calls it invalid (client.h). Above both the transport
 * (client.c) and enrollment (enroll.c), which do not call it.
 *
 * Several clients of one daemon (the config thread's, the TLS logger's)
 * share one node key through the database: a server such as FleetDM
 * keeps one key per host, so a second enrollment would invalidate the
 * first client's key and the two would take turns enrolling. */
#include "remote_internal.h"

#include "store/meta.h"

#include "common/strbuf.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Held while a client looks for a key and enrolls. */
static pthread_mutex_t enroll_lock = PTHREAD_MUTEX_INITIALIZER;

/* The server no longer knows our key: forget it, here and on disk, so
 * the next request enrolls again (osquery's node_invalid). */
static void drop_node_key(struct remote_client *c)
{
	char *saved = NULL;

	if (c->flags->disable_reenrollment)
		return;
	pthread_mutex_lock(&enroll_lock);
	/* Another client may have enrolled since: its key stays. */
	if (store_meta_get(c->flags->database_path, META_NODE_KEY, &saved) == 0 && c->node_key &&
	    strcmp(saved, c->node_key) == 0)
		store_meta_set(c->flags->database_path, META_NODE_KEY, NULL);
	pthread_mutex_unlock(&enroll_lock);
	free(saved);
	free(c->node_key);
	c->node_key = NULL;
}

/* The key another client of this daemon got, else a new enrollment. */
static int ensure_node_key(struct remote_client *c, char **err)
{
	int rc = 0;

	pthread_mutex_lock(&enroll_lock);
	if (store_meta_get(c->flags->database_path, META_NODE_KEY, &c->node_key) < 0)
		c->node_key = NULL;
	if (!c->node_key)
		rc = client_enroll(c, err);
	pthread_mutex_unlock(&enroll_lock);
	return rc;
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
		rc = ensure_node_key(c, err);
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
