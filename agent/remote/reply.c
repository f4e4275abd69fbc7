/* Parsing and checking the fleet server's replies (see reply.h). */
#include "reply.h"

#include "common/escape.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Server text quoted in our log lines is cut to this many bytes. */
#define QUOTE_MAX 200

char *remote_escape(const char *s, size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = strlen(s);

	c_escape_append(&sb, s, len < max ? len : max);
	if (len > max)
		sb_puts(&sb, "...");
	return sb_detach(&sb);
}

/* The error text of a top-level "error": a string as sent, another JSON
 * value printed. */
static char *error_text(const cJSON *e)
{
	char *printed, *text;

	if (cJSON_IsString(e))
		return remote_escape(e->valuestring, QUOTE_MAX);
	printed = cJSON_PrintUnformatted(e);
	text = remote_escape(printed ? printed : "?", QUOTE_MAX);
	free(printed);
	return text;
}

int remote_reply_parse(const char *body, size_t len, struct remote_reply *out, char **err)
{
	const cJSON *e;
	char *text;

	memset(out, 0, sizeof(*out));
	if (len > REMOTE_REPLY_MAX) {
		*err = xasprintf("the reply is larger than %u bytes", REMOTE_REPLY_MAX);
		return -EBADMSG;
	}
	out->root = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(out->root)) {
		cJSON_Delete(out->root);
		out->root = NULL;
		*err = xstrdup("the reply is not a JSON object");
		return -EBADMSG;
	}
	out->node_invalid = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out->root,
									  "node_invalid"));
	e = cJSON_GetObjectItemCaseSensitive(out->root, "error");
	if (!e || cJSON_IsNull(e))
		return 0;
	text = error_text(e);
	*err = xasprintf("the server answered with an error: %s", text);
	free(text);
	cJSON_Delete(out->root);
	out->root = NULL;
	return -EPROTO;
}

static bool key_chars_ok(const char *s)
{
	for (; *s; s++) {
		if (*s <= 0x20 || *s >= 0x7f)
			return false;
	}
	return true;
}

int remote_reply_node_key(const cJSON *root, char **key, char **err)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(root, "node_key");
	size_t len;

	if (!cJSON_IsString(k) || !k->valuestring[0])
		k = cJSON_GetObjectItemCaseSensitive(root, "id");
	if (!cJSON_IsString(k) || !k->valuestring[0]) {
		*err = xstrdup("the enroll reply has no node_key");
		return -EBADMSG;
	}
	len = strlen(k->valuestring);
	if (len > REMOTE_NODE_KEY_MAX || !key_chars_ok(k->valuestring)) {
		*err = xasprintf("the enroll reply's node_key is not 1 to %d printable characters "
				 "without spaces",
				 REMOTE_NODE_KEY_MAX);
		return -EBADMSG;
	}
	*key = xstrdup(k->valuestring);
	return 0;
}
