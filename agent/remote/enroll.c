/* Enrollment: the enroll secret, the request osquery sends, the node key
 * kept in the database, and the retries (see client.h). */
#include "remote_internal.h"

#include "host_details.h"

#include "scheduler/host.h"
#include "store/meta.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* osquery's platform_type for Linux (POSIX | LINUX), sent as a string. */
#define PLATFORM_TYPE_LINUX "9"
#define SECRET_MAX 4096

static char *trim_copy(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/* The secret file must be root's (or the running user's) and private,
 * like the node key it buys. */
static int check_secret_file(int fd, const char *path, char **err)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*err = xasprintf("the enroll secret %s is not a regular file", path);
		return -EINVAL;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		*err = xasprintf("the enroll secret %s is owned by uid %u; fix: chown root %s", path,
				 (unsigned)st.st_uid, path);
		return -EPERM;
	}
	if (st.st_mode & 077) {
		*err = xasprintf("the enroll secret %s is open to group or others (mode %04o); "
				 "fix: chmod 600 %s",
				 path, (unsigned)(st.st_mode & 07777), path);
		return -EPERM;
	}
	return 0;
}

static int secret_from_file(const char *path, char **secret, char **err)
{
	char buf[SECRET_MAX + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;
	int rc;

	if (fd < 0) {
		rc = -errno;
		*err = xasprintf("the enroll secret %s: %s", path, strerror(-rc));
		return rc;
	}
	rc = check_secret_file(fd, path, err);
	if (rc == 0) {
		n = read(fd, buf, SECRET_MAX);
		if (n < 0) {
			rc = -errno;
			*err = xasprintf("the enroll secret %s: %s", path, strerror(-rc));
		}
	}
	close(fd);
	if (rc == 0)
		*secret = trim_copy(buf, (size_t)n);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

static int read_secret(const struct sysq_flags *f, char **secret, char **err)
{
	const char *env;
	int rc;

	if (f->enroll_secret_path[0]) {
		rc = secret_from_file(f->enroll_secret_path, secret, err);
	} else if ((env = getenv(f->enroll_secret_env)) != NULL) {
		*secret = trim_copy(env, strlen(env));
		rc = 0;
	} else {
		*err = xasprintf("the environment variable %s (--enroll_secret_env) is not set",
				 f->enroll_secret_env);
		return -ENOENT;
	}
	if (rc == 0 && !**secret) {
		free(*secret);
		*err = xstrdup("the enroll secret is empty");
		rc = -EINVAL;
	}
	return rc;
}

static char *enroll_body(struct remote_client *c, const char *secret, char **err)
{
	char *ident = host_identifier(c->flags, err);
	cJSON *body;
	char *text;

	if (!ident)
		return NULL;
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "enroll_secret", secret);
	cJSON_AddStringToObject(body, "host_identifier", ident);
	cJSON_AddStringToObject(body, "platform_type", PLATFORM_TYPE_LINUX);
	cJSON_AddItemToObject(body, "host_details", remote_host_details(c->cat));
	text = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
	free(ident);
	return text;
}

static void forget(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

int remote_client_enroll_once(struct remote_client *c, char **err)
{
	struct remote_reply r = {0};
	char *secret = NULL, *text = NULL, *key = NULL;
	bool gzip_body = c->gzip_body;
	int rc = read_secret(c->flags, &secret, err);

	/* An enroll endpoint is not expected to take gzip (osquery never
	 * compresses enrollment). */
	c->gzip_body = false;
	if (rc == 0) {
		text = enroll_body(c, secret, err);
		rc = text ? 0 : -EINVAL;
	}
	if (rc == 0)
		rc = client_send(c, c->flags->enroll_tls_endpoint, text, &r, err);
	if (rc == 0)
		rc = remote_reply_node_key(r.root, &key, err);
	if (rc == 0) {
		forget(c->node_key);
		c->node_key = key;
		c->enrollments++;
		if (store_meta_set(c->flags->database_path, META_NODE_KEY, key) < 0)
			log_warn("fleet: the node key could not be saved; the next start enrolls "
				 "again");
	}
	cJSON_Delete(r.root);
	forget(text);
	forget(secret);
	c->gzip_body = gzip_body;
	return rc;
}

int client_enroll(struct remote_client *c, char **err)
{
	int64_t max = c->flags->tls_enroll_max_attempts;

	for (int64_t n = 1;; n++) {
		int64_t wait = n * n < c->flags->tls_enroll_max_interval ?
				       n * n :
				       c->flags->tls_enroll_max_interval;
		int rc = remote_client_enroll_once(c, err);

		if (rc == 0) {
			log_info("fleet: enrolled with %s", c->flags->tls_hostname);
			return 0;
		}
		if (rc == -ECANCELED || (max && n >= max)) {
			char *why = *err;

			*err = xasprintf("enrollment failed after %lld attempt(s): %s",
					 (long long)n, why);
			free(why);
			return rc;
		}
		log_warn("fleet: enrollment attempt %lld failed: %s; trying again in %lld s",
			 (long long)n, *err, (long long)wait);
		free(*err);
		*err = NULL;
		if (!c->sleep(c->sleep_arg, (int)wait)) {
			*err = xstrdup("the daemon is stopping");
			return -ECANCELED;
		}
	}
}
