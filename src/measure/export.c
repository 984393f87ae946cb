// SPDX-License-Identifier: MIT
/*
 * Reference-value exports (export.h).  CoRIM/CoMID per
 * draft-ietf-rats-corim as Veraison's CCA realm profile
 * ("http://arm.com/cca/realm/1") uses it; the CoMID JSON shape is the one
 * cca-realm-measurements' --endorsements-output writes (base64 values,
 * "sha-256;..." integrity registers).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "attest/refvals.h"
#include "measure/export.h"

#define CBOR_TAG_CORIM_UNSIGNED 501
#define CBOR_TAG_COMID          506
#define CBOR_TAG_TAGGED_BYTES   560
#define CBOR_TAG_URI            32
#define CCA_REALM_PROFILE       "http://arm.com/cca/realm/1"

static const char *alg_text(const struct rkm_result *r)
{
	return r->hash_len == 64 ? "sha-512" : "sha-256";
}

/* A tag identity derived from the values: the same launch gives the same CoMID. */
static void tag_id(const struct rkm_refval *v, uint8_t id[16])
{
	uint8_t h[32];
	unsigned n;

	EVP_Digest(v->r->rim, v->r->hash_len, h, &n, EVP_sha256(), NULL);
	memcpy(id, h, 16);
	id[6] = (id[6] & 0x0f) | 0x80; /* RFC 9562 version 8 (custom), variant 10 */
	id[8] = (id[8] & 0x3f) | 0x80;
}

static bool push(cbor_item_t *arr, cbor_item_t *it)
{
	bool ok = it && cbor_array_push(arr, it);

	if (it)
		cbor_decref(&it);
	return ok;
}

static bool put(cbor_item_t *map, cbor_item_t *k, cbor_item_t *val)
{
	bool ok = k && val && cbor_map_add(map, (struct cbor_pair){ .key = k, .value = val });

	if (k)
		cbor_decref(&k);
	if (val)
		cbor_decref(&val);
	return ok;
}

static cbor_item_t *tagged(uint64_t tag, cbor_item_t *it)
{
	cbor_item_t *t = it ? cbor_build_tag(tag, it) : NULL;

	if (it)
		cbor_decref(&it);
	return t;
}

/* { 0: name, 1: { 2: [[alg, digest]] } } */
static cbor_item_t *digest_mm(const char *name, const char *alg, const uint8_t *d, size_t n)
{
	cbor_item_t *mm = cbor_new_definite_map(2), *mval = cbor_new_definite_map(1);
	cbor_item_t *digests = cbor_new_definite_array(1), *pair = cbor_new_definite_array(2);

	if (!mm || !mval || !digests || !pair)
		goto fail;
	if (!push(pair, cbor_build_string(alg)) || !push(pair, cbor_build_bytestring(d, n)) ||
	    !push(digests, pair))
		goto fail2;
	pair = NULL;
	if (!put(mval, cbor_build_uint8(2), digests))
		goto fail3;
	digests = NULL;
	if (!put(mm, cbor_build_uint8(0), cbor_build_string(name)) ||
	    !put(mm, cbor_build_uint8(1), mval)) {
		mval = NULL;
		goto fail;
	}
	return mm;
fail2:
	if (pair)
		cbor_decref(&pair);
fail3:
	if (digests)
		cbor_decref(&digests);
fail:
	if (mval)
		cbor_decref(&mval);
	if (mm)
		cbor_decref(&mm);
	return NULL;
}

static cbor_item_t *comid(const struct rkm_refval *v)
{
	const struct rkm_result *r = v->r;
	cbor_item_t *c = cbor_new_definite_map(2), *ident = cbor_new_definite_map(1);
	cbor_item_t *triples = cbor_new_definite_map(1), *reftrips = cbor_new_definite_array(1);
	cbor_item_t *trip = cbor_new_definite_array(2), *env = cbor_new_definite_map(1);
	cbor_item_t *cls = cbor_new_definite_map(1);
	cbor_item_t *mms = cbor_new_definite_array(v->rems_known ? 6 : 2);
	cbor_item_t *rpv_mm = cbor_new_definite_map(2), *rpv_val = cbor_new_definite_map(1);
	uint8_t id[16];
	bool ok;

	if (!c || !ident || !triples || !reftrips || !trip || !env || !cls || !mms || !rpv_mm ||
	    !rpv_val)
		return NULL; /* (leaks on allocation failure only) */
	tag_id(v, id);
	ok = put(ident, cbor_build_uint8(0), cbor_build_bytestring(id, 16));
	ok = ok && put(cls, cbor_build_uint8(0),
		       tagged(CBOR_TAG_TAGGED_BYTES, cbor_build_bytestring(r->rim, r->hash_len)));
	ok = ok && put(env, cbor_build_uint8(0), cls);
	ok = ok && push(mms, digest_mm("cca.rim", alg_text(r), r->rim, r->hash_len));
	for (int i = 0; ok && v->rems_known && i < 4; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cca.rem%d", i);
		ok = push(mms, digest_mm(name, alg_text(r), r->rem[i], r->hash_len));
	}
	ok = ok && put(rpv_val, cbor_build_uint8(4),
		       tagged(CBOR_TAG_TAGGED_BYTES, cbor_build_bytestring(v->rpv, 64)));
	ok = ok && put(rpv_mm, cbor_build_uint8(0), cbor_build_string("cca.rpv"));
	ok = ok && put(rpv_mm, cbor_build_uint8(1), rpv_val);
	ok = ok && push(mms, rpv_mm);
	ok = ok && push(trip, env) && push(trip, mms);
	ok = ok && push(reftrips, trip);
	ok = ok && put(triples, cbor_build_uint8(0), reftrips);
	ok = ok && put(c, cbor_build_uint8(1), ident) && put(c, cbor_build_uint8(4), triples);
	if (!ok) {
		cbor_decref(&c);
		return NULL;
	}
	return c;
}

uint8_t *rkm_corim_cbor(const struct rkm_refval *v, size_t *len)
{
	cbor_item_t *cm = comid(v), *corim, *tags, *root;
	unsigned char *cbuf = NULL, *out = NULL;
	size_t csz = 0, clen, osz = 0;
	char idtext[64];
	uint8_t id[16];

	if (!cm)
		return NULL;
	clen = cbor_serialize_alloc(cm, &cbuf, &csz);
	cbor_decref(&cm);
	if (!clen)
		return NULL;
	tag_id(v, id);
	snprintf(idtext, sizeof(idtext),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", id[0], id[1],
		 id[2], id[3], id[4], id[5], id[6], id[7], id[8], id[9], id[10], id[11], id[12],
		 id[13], id[14], id[15]);
	corim = cbor_new_definite_map(3);
	tags = cbor_new_definite_array(1);
	if (corim && tags && push(tags, tagged(CBOR_TAG_COMID, cbor_build_bytestring(cbuf, clen))) &&
	    put(corim, cbor_build_uint8(0), cbor_build_string(idtext)) &&
	    put(corim, cbor_build_uint8(1), tags) &&
	    put(corim, cbor_build_uint8(3),
		tagged(CBOR_TAG_URI, cbor_build_string(CCA_REALM_PROFILE)))) {
		tags = NULL;
		root = tagged(CBOR_TAG_CORIM_UNSIGNED, corim);
		corim = NULL;
		if (root) {
			*len = cbor_serialize_alloc(root, &out, &osz);
			cbor_decref(&root);
			if (!*len) {
				free(out);
				out = NULL;
			}
		}
	}
	if (tags)
		cbor_decref(&tags);
	if (corim)
		cbor_decref(&corim);
	free(cbuf);
	return out;
}

static int write_file(const char *path, const void *b, size_t n, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;

	if (!f || fwrite(b, 1, n, f) != n || (f != stdout && fclose(f))) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		if (f && f != stdout)
			fclose(f);
		return -1;
	}
	if (f == stdout)
		fflush(stdout);
	return 0;
}

int rkm_write_corim(const char *path, const struct rkm_refval *v, char *err, size_t errlen)
{
	size_t n = 0;
	uint8_t *b = rkm_corim_cbor(v, &n);
	int ret;

	if (!b) {
		snprintf(err, errlen, "cannot encode the CoRIM");
		return -1;
	}
	ret = write_file(path, b, n, err, errlen);
	free(b);
	return ret;
}

static json_t *b64(const uint8_t *b, size_t n)
{
	char out[256];

	EVP_EncodeBlock((unsigned char *)out, b, (int)n);
	return json_string(out);
}

static json_t *ireg(const char *alg, const uint8_t *b, size_t n)
{
	char out[256], val[300];

	EVP_EncodeBlock((unsigned char *)out, b, (int)n);
	snprintf(val, sizeof(val), "%s;%s", alg, out);
	return json_pack("{s:s,s:[s]}", "key-type", "text", "value", val);
}

int rkm_write_comid_json(const char *path, const struct rkm_refval *v, char *err, size_t errlen)
{
	const struct rkm_result *r = v->r;
	const char *alg = alg_text(r);
	char idtext[40];
	uint8_t id[16];
	json_t *root;
	char *text;
	int ret;

	tag_id(v, id);
	snprintf(idtext, sizeof(idtext),
		 "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X", id[0], id[1],
		 id[2], id[3], id[4], id[5], id[6], id[7], id[8], id[9], id[10], id[11], id[12],
		 id[13], id[14], id[15]);
	root = json_pack(
		"{s:s,s:{s:s,s:i},s:{s:[{s:{s:{s:s,s:o}},s:[{s:{s:{s:s,s:o},s:{s:o,s:o,s:o,s:o,s:o}}}]}]}}",
		"lang", "en-GB", "tag-identity", "id", idtext, "version", 0, "triples",
		"reference-values", "environment", "instance", "type", "bytes", "value",
		b64(r->rim, r->hash_len), "measurements", "value", "raw-value", "type", "bytes",
		"value", b64(v->rpv, 64), "integrity-registers", "rim",
		ireg(alg, r->rim, r->hash_len), "rem0", ireg(alg, r->rem[0], r->hash_len), "rem1",
		ireg(alg, r->rem[1], r->hash_len), "rem2", ireg(alg, r->rem[2], r->hash_len), "rem3",
		ireg(alg, r->rem[3], r->hash_len));
	if (root && !v->rems_known) {
		json_t *ir = json_object_get(json_object_get(json_array_get(json_object_get(
			json_array_get(json_object_get(json_object_get(root, "triples"),
						       "reference-values"), 0), "measurements"), 0),
			"value"), "integrity-registers");

		for (int i = 0; ir && i < 4; i++) {
			char k[8];

			snprintf(k, sizeof(k), "rem%d", i);
			json_object_del(ir, k);
		}
	}
	text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	if (!text) {
		snprintf(err, errlen, "cannot encode the CoMID JSON");
		return -1;
	}
	{
		size_t n = strlen(text);
		char *t = realloc(text, n + 2);

		if (!t) {
			free(text);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		text = t;
		text[n] = '\n';
		text[n + 1] = 0;
	}
	ret = write_file(path, text, strlen(text), err, errlen);
	free(text);
	return ret;
}

int rkm_write_refvals(const char *path, const struct rkm_refval *v, char *err, size_t errlen)
{
	struct att_refvals rv = { 0 };
	struct att_rv_realm *e = att_refvals_add_realm(&rv);
	char *text;
	int ret;

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(e->name, sizeof(e->name), "%s", v->name ? v->name : "");
	snprintf(e->hash_alg, sizeof(e->hash_alg), "%s", alg_text(v->r));
	att_rv_set(&e->rim, v->r->rim, v->r->hash_len);
	for (int i = 0; v->rems_known && i < 4; i++)
		att_rv_set(&e->rem[i], v->r->rem[i], v->r->hash_len);
	att_rv_set(&e->rpv, v->rpv, 64);
	text = att_refvals_write(&rv);
	att_refvals_free(&rv);
	if (!text) {
		snprintf(err, errlen, "cannot encode the reference values");
		return -1;
	}
	ret = write_file(path, text, strlen(text), err, errlen);
	free(text);
	return ret;
}
