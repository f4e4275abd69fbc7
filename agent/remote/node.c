/* Requests made as the enrolled node: enrollment first when there is no
 * node key, the key added to the body, and the key dropped when the
 * server calls it invalid (client.h). Above both the transport
 * (client.c) and enrollment (enroll.c), which do not call it. */
#include "remote_internal.h"

#include "store/meta.h"

#include "common/strbuf.h"

#include <errno.h>
#include <stdlib.h>

/* The server no longer knows our key: forget it, here and on disk, so
 * the next request enrolls again (osquery's node_invalid). */
static void drop_node_key(struct remote_client *c)
{
	if (c->flags->disable_reenrollment)
		return;
	free(c->node_key);
	c->node_key = NULL;
	store_meta_set(c->flags->database_path, META_NODE_KEY, NULL);
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
		rc = client_enroll(c, err);
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
