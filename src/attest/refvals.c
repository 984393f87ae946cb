// SPDX-License-Identifier: MIT
/* Reference-value files (refvals.h): read with jansson, written with jansson. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"
#include "attest/refvals.h"

static bool fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return false;
}

bool att_rv_set(struct att_rv_bytes *dst, const void *b, size_t len)
{
	if (len > ATT_RV_MAX_BYTES)
		return false;
	memcpy(dst->b, b, len);
	dst->len = len;
	dst->present = true;
	return true;
}

/* A byte value: hex first, then base64. */
static bool get_bytes(json_t *v, struct att_rv_bytes *dst, const char *where, const char *field,
		      char *err, size_t n)
{
	const char *s = json_string_value(v);
	size_t len;

	if (!s)
		return fail(err, n, "%s: \"%s\" is not a string", where, field);
	len = json_string_length(v);
	if (!len)
		return fail(err, n, "%s: \"%s\" is empty", where, field);
	if (att_hex_decode(s, len, dst->b, sizeof(dst->b), &dst->len) ||
	    att_b64_decode(s, len, dst->b, sizeof(dst->b), &dst->len)) {
		dst->present = true;
		return true;
	}
	return fail(err, n, "%s: \"%s\" is not hex or base64 of at most %d bytes", where, field,
		    ATT_RV_MAX_BYTES);
}

static bool get_text(json_t *v, char *dst, size_t size, const char *where, const char *field,
		     char *err, size_t n)
{
	const char *s = json_string_value(v);

	if (!s)
		return fail(err, n, "%s: \"%s\" is not a string", where, field);
	if (json_string_length(v) >= size)
		return fail(err, n, "%s: \"%s\" is longer than %zu characters", where, field,
			    size - 1);
	memcpy(dst, s, json_string_length(v) + 1);
	return true;
}

static void *grow(void *arr, unsigned count, size_t elem)
{
	char *p = realloc(arr, (count + 1) * elem);

	if (p)
		memset(p + count * elem, 0, elem);
	return p;
}

struct att_rv_realm *att_refvals_add_realm(struct att_refvals *rv)
{
	struct att_rv_realm *p = grow(rv->realm, rv->nrealm, sizeof(*p));

	if (!p)
		return NULL;
	rv->realm = p;
	return &p[rv->nrealm++];
}

struct att_rv_platform *att_refvals_add_platform(struct att_refvals *rv)
{
	struct att_rv_platform *p = grow(rv->platform, rv->nplatform, sizeof(*p));

	if (!p)
		return NULL;
	rv->platform = p;
	return &p[rv->nplatform++];
}

void att_refvals_free(struct att_refvals *rv)
{
	free(rv->realm);
	free(rv->platform);
	memset(rv, 0, sizeof(*rv));
}

static bool parse_realm(json_t *o, struct att_rv_realm *r, unsigned idx, char *err, size_t n)
{
	char where[32];
	const char *key;
	json_t *v;
	bool any = false;

	snprintf(where, sizeof(where), "realm[%u]", idx);
	if (!json_is_object(o))
		return fail(err, n, "%s is not an object", where);
	json_object_foreach(o, key, v)
	{
		bool ok = true;

		if (!strcmp(key, "name")) {
			ok = get_text(v, r->name, sizeof(r->name), where, key, err, n);
		} else if (!strcmp(key, "cca.hash-alg") || !strcmp(key, "hash-algorithm")) {
			ok = get_text(v, r->hash_alg, sizeof(r->hash_alg), where, key, err, n);
		} else if (!strcmp(key, "rak-hash-algorithm") || !strcmp(key, "cca.rak-hash-alg")) {
			ok = get_text(v, r->rak_hash_alg, sizeof(r->rak_hash_alg), where, key, err,
				      n);
		} else if (!strcmp(key, "cca.rim") || !strcmp(key, "initial-measurement")) {
			ok = get_bytes(v, &r->rim, where, key, err, n);
			any = true;
		} else if (!strcmp(key, "cca.rpv") || !strcmp(key, "personalization-value")) {
			ok = get_bytes(v, &r->rpv, where, key, err, n);
		} else if (!strncmp(key, "cca.rem", 7) && key[7] >= '0' && key[7] <= '3' &&
			   !key[8]) {
			ok = get_bytes(v, &r->rem[key[7] - '0'], where, key, err, n);
			any = true;
		} else if (!strcmp(key, "extensible-measurements")) {
			if (!json_is_array(v) || json_array_size(v) != 4)
				return fail(err, n, "%s: \"%s\" is not an array of 4", where, key);
			for (unsigned i = 0; i < 4 && ok; i++)
				ok = get_bytes(json_array_get(v, i), &r->rem[i], where, key, err,
					       n);
			any = true;
		} else {
			return fail(err, n, "%s: unknown field \"%s\"", where, key);
		}
		if (!ok)
			return false;
	}
	if (!any)
		return fail(err, n, "%s has no measurement (cca.rim or cca.rem0..3)", where);
	return true;
}

static bool parse_swcomp(json_t *o, struct att_rv_swcomp *s, const char *where, char *err, size_t n)
{
	const char *key;
	json_t *v;

	if (!json_is_object(o))
		return fail(err, n, "%s is not an object", where);
	json_object_foreach(o, key, v)
	{
		bool ok;

		if (!strcmp(key, "component-type"))
			ok = get_text(v, s->type, sizeof(s->type), where, key, err, n);
		else if (!strcmp(key, "version"))
			ok = get_text(v, s->version, sizeof(s->version), where, key, err, n);
		else if (!strcmp(key, "measurement-value"))
			ok = get_bytes(v, &s->meas, where, key, err, n);
		else if (!strcmp(key, "signer-id"))
			ok = get_bytes(v, &s->signer, where, key, err, n);
		else
			return fail(err, n, "%s: unknown field \"%s\"", where, key);
		if (!ok)
			return false;
	}
	if (!s->meas.present)
		return fail(err, n, "%s has no measurement-value", where);
	return true;
}

static bool parse_platform(json_t *o, struct att_rv_platform *p, unsigned idx, char *err, size_t n)
{
	char where[48];
	const char *key;
	json_t *v;

	snprintf(where, sizeof(where), "platform[%u]", idx);
	if (!json_is_object(o))
		return fail(err, n, "%s is not an object", where);
	json_object_foreach(o, key, v)
	{
		bool ok = true;

		if (!strcmp(key, "implementation-id")) {
			ok = get_bytes(v, &p->impl_id, where, key, err, n);
		} else if (!strcmp(key, "platform-configuration")) {
			ok = get_bytes(v, &p->config, where, key, err, n);
		} else if (!strcmp(key, "sw-components")) {
			size_t i;
			json_t *c;

			if (!json_is_array(v) || json_array_size(v) > ATT_RV_MAX_SWCOMP)
				return fail(err, n,
					    "%s: \"sw-components\" is not an array of at most %d",
					    where, ATT_RV_MAX_SWCOMP);
			json_array_foreach(v, i, c)
			{
				char w[128];

				snprintf(w, sizeof(w), "%s.sw-components[%zu]", where, i);
				if (!parse_swcomp(c, &p->sw[i], w, err, n))
					return false;
			}
			p->nsw = (unsigned)json_array_size(v);
		} else {
			return fail(err, n, "%s: unknown field \"%s\"", where, key);
		}
		if (!ok)
			return false;
	}
	return true;
}

bool att_refvals_parse(const char *text, size_t len, struct att_refvals *rv, char *err,
		       size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je), *a, *e;
	const char *key;
	size_t i;
	bool ok = true;

	memset(rv, 0, sizeof(*rv));
	if (!root)
		return fail(err, errlen, "line %d: %s", je.line, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return fail(err, errlen, "not a JSON object with \"realm\" and/or \"platform\"");
	}
	json_object_foreach(root, key, a)
	{
		if (strcmp(key, "realm") && strcmp(key, "platform")) {
			ok = fail(err, errlen, "unknown field \"%s\" (want realm, platform)", key);
			break;
		}
		if (!json_is_array(a)) {
			ok = fail(err, errlen, "\"%s\" is not an array", key);
			break;
		}
		json_array_foreach(a, i, e)
		{
			if (!strcmp(key, "realm")) {
				struct att_rv_realm *r = att_refvals_add_realm(rv);

				ok = r ? parse_realm(e, r, (unsigned)i, err, errlen)
				       : fail(err, errlen, "out of memory");
			} else {
				struct att_rv_platform *p = att_refvals_add_platform(rv);

				ok = p ? parse_platform(e, p, (unsigned)i, err, errlen)
				       : fail(err, errlen, "out of memory");
			}
			if (!ok)
				break;
		}
		if (!ok)
			break;
	}
	if (ok && !rv->nrealm && !rv->nplatform)
		ok = fail(err, errlen,
			  "no reference values (\"realm\" and \"platform\" are empty)");
	json_decref(root);
	if (!ok)
		att_refvals_free(rv);
	return ok;
}

bool att_refvals_load(const char *path, struct att_refvals *rv, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	bool ok;

	if (!f)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	do {
		if (len == cap) {
			char *nb = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (!nb || cap > (16u << 20)) {
				free(nb ? nb : buf);
				fclose(f);
				return fail(err, errlen, "%s: too large", path);
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got);
	fclose(f);
	ok = att_refvals_parse(buf, len, rv, err, errlen);
	if (!ok) {
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%s: %s", path, err);
		snprintf(err, errlen, "%s", tmp);
	}
	free(buf);
	return ok;
}

static void put_bytes(json_t *o, const char *key, const struct att_rv_bytes *b)
{
	char hex[2 * ATT_RV_MAX_BYTES + 1];

	if (!b->present)
		return;
	att_hex(b->b, b->len, hex);
	json_object_set_new(o, key, json_string(hex));
}

char *att_refvals_write(const struct att_refvals *rv)
{
	json_t *root = json_object(), *ra = json_array(), *pa = json_array();
	char *out, *nl;

	for (unsigned i = 0; i < rv->nrealm; i++) {
		const struct att_rv_realm *r = &rv->realm[i];
		json_t *o = json_object();

		if (r->name[0])
			json_object_set_new(o, "name", json_string(r->name));
		if (r->hash_alg[0])
			json_object_set_new(o, "cca.hash-alg", json_string(r->hash_alg));
		if (r->rak_hash_alg[0])
			json_object_set_new(o, "rak-hash-algorithm", json_string(r->rak_hash_alg));
		put_bytes(o, "cca.rim", &r->rim);
		for (unsigned k = 0; k < 4; k++) {
			char key[16];

			snprintf(key, sizeof(key), "cca.rem%u", k);
			put_bytes(o, key, &r->rem[k]);
		}
		put_bytes(o, "cca.rpv", &r->rpv);
		json_array_append_new(ra, o);
	}
	for (unsigned i = 0; i < rv->nplatform; i++) {
		const struct att_rv_platform *p = &rv->platform[i];
		json_t *o = json_object(), *sw = json_array();

		put_bytes(o, "implementation-id", &p->impl_id);
		put_bytes(o, "platform-configuration", &p->config);
		for (unsigned k = 0; k < p->nsw; k++) {
			json_t *c = json_object();

			if (p->sw[k].type[0])
				json_object_set_new(c, "component-type",
						    json_string(p->sw[k].type));
			put_bytes(c, "measurement-value", &p->sw[k].meas);
			put_bytes(c, "signer-id", &p->sw[k].signer);
			if (p->sw[k].version[0])
				json_object_set_new(c, "version", json_string(p->sw[k].version));
			json_array_append_new(sw, c);
		}
		json_object_set_new(o, "sw-components", sw);
		json_array_append_new(pa, o);
	}
	if (rv->nrealm)
		json_object_set_new(root, "realm", ra);
	else
		json_decref(ra);
	if (rv->nplatform)
		json_object_set_new(root, "platform", pa);
	else
		json_decref(pa);
	out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!out)
		return NULL;
	nl = realloc(out, strlen(out) + 2);
	if (!nl) {
		free(out);
		return NULL;
	}
	strcat(nl, "\n");
	return nl;
}
