/* The fleet client's HTTPS transport with libcurl (see client.h). */
#include "remote_internal.h"

#include "store/meta.h"

#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <zlib.h>
#include <stdlib.h>
#include <string.h>

/* osquery's request timeout. */
#define REQUEST_TIMEOUT_S 16L
#define MAX_REDIRECTS 5L

/* --enroll_always has dropped the saved node key in this run. */
static atomic_flag enroll_always_done = ATOMIC_FLAG_INIT;

struct reply_buf {
	struct strbuf sb;
	bool too_large;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct reply_buf *b = arg;
	size_t len = size * n;

	/* Stop reading a reply past the limit instead of holding it all. */
	if (b->sb.len + len > REMOTE_REPLY_MAX) {
		b->too_large = true;
		return 0;
	}
	sb_append(&b->sb, data, len);
	return len;
}

/* Aborts a request in flight when the daemon stops. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	const struct remote_client *c = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return c->stopping && atomic_load(c->stopping) ? 1 : 0;
}

static void set_tls(CURL *h, const struct sysq_flags *f)
{
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (f->tls_server_certs[0]) {
		/* Only these CAs: not also the system's directory of them. */
		curl_easy_setopt(h, CURLOPT_CAINFO, f->tls_server_certs);
		curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	}
	if (f->tls_client_cert[0])
		curl_easy_setopt(h, CURLOPT_SSLCERT, f->tls_client_cert);
	if (f->tls_client_key[0])
		curl_easy_setopt(h, CURLOPT_SSLKEY, f->tls_client_key);
	if (!f->tls_session_reuse) {
		curl_easy_setopt(h, CURLOPT_SSL_SESSIONID_CACHE, 0L);
		curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	}
}

static void set_http(struct remote_client *c, CURL *h, struct reply_buf *buf, char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
	/* A 301/302 must not turn the POST into a GET without its body. */
	curl_easy_setopt(h, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, REQUEST_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "sysq/" SYSQ_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, buf);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (c->flags->proxy_hostname[0])
		curl_easy_setopt(h, CURLOPT_PROXY, c->flags->proxy_hostname);
	if (c->flags->tls_accept_gzip)
		curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
}

/* `text` as a gzip stream into `out`. Returns 0 or -ENOMEM. */
static int gzip_text(const char *text, size_t len, struct strbuf *out)
{
	z_stream z = {0};
	int rc;

	/* 15 + 16: a gzip header and trailer rather than zlib's. */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return -ENOMEM;
	sb_reserve(out, deflateBound(&z, len));
	z.next_in = (Bytef *)text;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->buf;
	z.avail_out = (uInt)(out->cap - 1);
	rc = deflate(&z, Z_FINISH);
	out->len = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -ENOMEM;
}

/* The request body: the text as it is, or gzipped (client.h). */
static void set_body(CURL *h, const struct remote_client *c, const char *text, struct strbuf *gz)
{
	size_t len = strlen(text);

	if (c->gzip_body && gzip_text(text, len, gz) == 0) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, gz->buf);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)gz->len);
		return;
	}
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
}

static struct curl_slist *headers(const struct remote_client *c)
{
	struct curl_slist *list = NULL;

	list = curl_slist_append(list, "Content-Type: application/json");
	if (c->gzip_body)
		list = curl_slist_append(list, "Content-Encoding: gzip");
	list = curl_slist_append(list, "Accept: application/json");
	if (c->node_key) {
		char *auth = xasprintf("Authorization: NodeKey %s", c->node_key);

		list = curl_slist_append(list, auth);
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	return list;
}

static int transport_error(struct remote_client *c, CURLcode rc, const char *url,
			   const struct reply_buf *buf, const char *errbuf, char **err)
{
	if (buf->too_large) {
		*err = xasprintf("%s: the reply is larger than %u bytes", url, REMOTE_REPLY_MAX);
		return -EBADMSG;
	}
	if (rc == CURLE_ABORTED_BY_CALLBACK && c->stopping && atomic_load(c->stopping)) {
		*err = xstrdup("the daemon is stopping");
		return -ECANCELED;
	}
	*err = xasprintf("%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	return -EIO;
}

int client_send(struct remote_client *c, const char *endpoint, const char *text,
		struct remote_reply *out, char **err)
{
	CURL *h = c->curl;
	char errbuf[CURL_ERROR_SIZE] = "";
	struct reply_buf buf = {STRBUF_INIT, false};
	struct strbuf gz = STRBUF_INIT;
	char *url = xasprintf("https://%s%s", c->flags->tls_hostname, endpoint);
	struct curl_slist *list = headers(c);
	long status = 0;
	CURLcode rc;
	int ret;

	memset(out, 0, sizeof(*out));
	/* A reset keeps the open connection and the TLS session cache. */
	curl_easy_reset(h);
	set_http(c, h, &buf, errbuf);
	set_tls(h, c->flags);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
	set_body(h, c, text, &gz);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		ret = transport_error(c, rc, url, &buf, errbuf, err);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	log_debug("fleet: %s: HTTP %ld, %zu bytes", url, status, buf.sb.len);
	/* The status is not trusted: the body says what happened. */
	ret = remote_reply_parse(sb_str(&buf.sb), buf.sb.len, out, err);
	if (ret < 0) {
		char *why = *err;

		*err = xasprintf("%s (HTTP %ld): %s", url, status, why);
		free(why);
	}
out:
	curl_slist_free_all(list);
	sb_free(&gz);
	sb_free(&buf.sb);
	free(url);
	return ret;
}

int remote_client_check_server(const struct sysq_flags *f, const char *who, char **err)
{
	const char *missing = NULL;

	if (!f->tls_hostname[0])
		missing = "--tls_hostname";
	else if (!f->disable_enrollment && !f->enroll_tls_endpoint[0])
		missing = "--enroll_tls_endpoint (or --disable_enrollment)";
	else if (!f->disable_enrollment && !f->enroll_secret_path[0] && !f->enroll_secret_env[0])
		missing = "--enroll_secret_path or --enroll_secret_env (or --disable_enrollment)";
	if (!missing)
		return 0;
	*err = xasprintf("%s needs %s", who, missing);
	return -EINVAL;
}

int remote_client_check_flags(const struct sysq_flags *f, char **err)
{
	if (f->tls_hostname[0] && !f->config_tls_endpoint[0]) {
		*err = xstrdup("--config_plugin=tls needs --config_tls_endpoint");
		return -EINVAL;
	}
	return remote_client_check_server(f, "--config_plugin=tls", err);
}

int remote_client_init(struct remote_client *c, const struct sysq_flags *flags,
		       const struct catalog *cat, char **err)
{
	memset(c, 0, sizeof(*c));
	c->flags = flags;
	c->cat = cat;
	c->curl = curl_easy_init();
	if (!c->curl) {
		*err = xstrdup("cannot set up libcurl");
		return -ENOMEM;
	}
	/* Once per run: a second client (live queries, the TLS logger) must
	 * not drop the key the first one has just enrolled for. */
	if (flags->enroll_always && !atomic_flag_test_and_set(&enroll_always_done))
		store_meta_set(flags->database_path, META_NODE_KEY, NULL);
	else if (flags->enroll_always)
		c->node_key = NULL;
	else if (store_meta_get(flags->database_path, META_NODE_KEY, &c->node_key) < 0)
		c->node_key = NULL;
	return 0;
}

void remote_client_free(struct remote_client *c)
{
	if (c->curl)
		curl_easy_cleanup(c->curl);
	if (c->node_key) {
		explicit_bzero(c->node_key, strlen(c->node_key));
		free(c->node_key);
	}
	memset(c, 0, sizeof(*c));
}
