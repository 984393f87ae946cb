// SPDX-License-Identifier: MIT
/*
 * Trust anchors for `realmkit token verify --cpak`: a PEM public key (or
 * private key, whose public half is used), a JWK, or rust-ccatoken's JSON
 * trust-anchor store [{"pkey": JWK, "implementation-id": HEX,
 * "instance-id": HEX}, ...].
 */
#include <errno.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"

static bool fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return false;
}

static EVP_PKEY *jwk_key(json_t *j, const char *where, char *err, size_t n)
{
	const char *kty = json_string_value(json_object_get(j, "kty"));
	const char *crv = json_string_value(json_object_get(j, "crv"));
	const char *x = json_string_value(json_object_get(j, "x"));
	const char *y = json_string_value(json_object_get(j, "y"));
	uint8_t pt[1 + 2 * 66];
	size_t xl, yl, c;
	int nid;
	EVP_PKEY *k;

	if (!kty || strcmp(kty, "EC")) {
		fail(err, n, "%s: not an EC JWK (kty \"%s\")", where, kty ? kty : "");
		return NULL;
	}
	nid = !crv		      ? NID_undef
	      : !strcmp(crv, "P-256") ? NID_X9_62_prime256v1
	      : !strcmp(crv, "P-384") ? NID_secp384r1
	      : !strcmp(crv, "P-521") ? NID_secp521r1
				      : NID_undef;
	c = nid == NID_X9_62_prime256v1 ? 32 : nid == NID_secp384r1 ? 48 : 66;
	if (nid == NID_undef) {
		fail(err, n, "%s: JWK curve \"%s\" is not P-256, P-384 or P-521", where,
		     crv ? crv : "");
		return NULL;
	}
	if (!x || !y || !att_b64_decode(x, strlen(x), pt + 1, c, &xl) ||
	    !att_b64_decode(y, strlen(y), pt + 1 + c, c, &yl) || xl != c || yl != c) {
		fail(err, n, "%s: JWK x/y are not base64url coordinates of %zu bytes", where, c);
		return NULL;
	}
	pt[0] = 4;
	k = att_ec_public(nid, pt, 1 + 2 * c);
	if (!k)
		fail(err, n, "%s: JWK point is not on %s", where, crv);
	return k;
}

static bool hex_field(json_t *o, const char *key, uint8_t *out, size_t *len, const char *where,
		      char *err, size_t n)
{
	json_t *v = json_object_get(o, key);
	const char *s = json_string_value(v);

	*len = 0;
	if (!v)
		return true;
	if (!s || !(att_hex_decode(s, strlen(s), out, 64, len) ||
		    att_b64_decode(s, strlen(s), out, 64, len)))
		return fail(err, n, "%s: \"%s\" is not hex or base64 of at most 64 bytes", where,
			    key);
	return true;
}

void att_anchors_free(struct att_anchor *a, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		EVP_PKEY_free(a[i].pkey);
	free(a);
}

bool att_anchors_load(const char *path, struct att_anchor **out, unsigned *count, char *err,
		      size_t n)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t len;
	json_error_t je;
	json_t *j;
	struct att_anchor *a;
	BIO *bio;
	EVP_PKEY *k;

	*out = NULL;
	*count = 0;
	if (!f)
		return fail(err, n, "%s: %s", path, strerror(errno));
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = 0;
	if (strstr(buf, "-----BEGIN")) {
		bio = BIO_new_mem_buf(buf, (int)len);
		k = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
		if (!k && bio) {
			BIO_free(bio);
			bio = BIO_new_mem_buf(buf, (int)len);
			k = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"") : NULL;
		}
		BIO_free(bio);
		ERR_clear_error();
		if (!k || EVP_PKEY_get_base_id(k) != EVP_PKEY_EC) {
			EVP_PKEY_free(k);
			return fail(err, n, "%s: not a PEM EC public or private key", path);
		}
		*out = calloc(1, sizeof(**out));
		if (!*out) {
			EVP_PKEY_free(k);
			return fail(err, n, "out of memory");
		}
		(*out)->pkey = k;
		*count = 1;
		return true;
	}
	j = json_loadb(buf, len, 0, &je);
	if (!j)
		return fail(err, n, "%s: not PEM, and not JSON (line %d: %s)", path, je.line,
			    je.text);
	if (json_is_object(j)) {
		k = jwk_key(j, path, err, n);
		json_decref(j);
		if (!k)
			return false;
		*out = calloc(1, sizeof(**out));
		if (!*out) {
			EVP_PKEY_free(k);
			return fail(err, n, "out of memory");
		}
		(*out)->pkey = k;
		*count = 1;
		return true;
	}
	if (!json_is_array(j) || !json_array_size(j) || json_array_size(j) > 256) {
		json_decref(j);
		return fail(err, n, "%s: not a JWK object or a trust-anchor store array", path);
	}
	a = calloc(json_array_size(j), sizeof(*a));
	for (size_t i = 0; a && i < json_array_size(j); i++) {
		json_t *e = json_array_get(j, i);
		char where[300];

		snprintf(where, sizeof(where), "%s: entry %zu", path, i);
		if (!json_is_object(e) || !json_object_get(e, "pkey")) {
			fail(err, n, "%s has no \"pkey\"", where);
			goto bad;
		}
		a[i].pkey = jwk_key(json_object_get(e, "pkey"), where, err, n);
		*count = (unsigned)i + 1;
		if (!a[i].pkey ||
		    !hex_field(e, "implementation-id", a[i].impl_id, &a[i].impl_len, where, err,
			       n) ||
		    !hex_field(e, "instance-id", a[i].inst_id, &a[i].inst_len, where, err, n))
			goto bad;
	}
	json_decref(j);
	if (!a)
		return fail(err, n, "out of memory");
	*out = a;
	return true;
bad:
	json_decref(j);
	att_anchors_free(a, *count);
	*count = 0;
	return false;
}
