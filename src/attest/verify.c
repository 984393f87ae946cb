// SPDX-License-Identifier: MIT
/*
 * Verifying a decoded CCA token: profile rules of each claim, COSE_Sign1
 * signatures (OpenSSL), the realm-platform binding, trust-anchor identity,
 * the challenge, and reference values (docs/ATTESTATION.md, "Checks").
 */
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "attest/attest.h"
#include "attest/cose.h"
#include "attest/refvals.h"

static bool fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return false;
}

static const char *const check_names[ATT_CHECK_COUNT] = {
	[ATT_CHECK_FORMAT] = "format",
	[ATT_CHECK_PLATFORM_PROFILE] = "platform profile",
	[ATT_CHECK_REALM_PROFILE] = "realm profile",
	[ATT_CHECK_PLATFORM_SIGNATURE] = "platform signature",
	[ATT_CHECK_REALM_SIGNATURE] = "realm signature",
	[ATT_CHECK_BINDING] = "binding",
	[ATT_CHECK_IDENTITY] = "platform identity",
	[ATT_CHECK_CHALLENGE] = "challenge",
	[ATT_CHECK_PLATFORM_REFVALS] = "platform reference values",
	[ATT_CHECK_REALM_REFVALS] = "realm reference values",
};

const char *att_check_name(enum att_check c)
{
	return c < ATT_CHECK_COUNT ? check_names[c] : "?";
}

static bool str_is(struct att_str s, const char *want)
{
	return s.p && s.len == strlen(want) && !memcmp(s.p, want, s.len);
}

static enum att_hash str_hash(struct att_str s)
{
	return s.p ? att_hash_from_name(s.p, s.len) : ATT_HASH_UNKNOWN;
}

static const char *alg_name(int64_t alg)
{
	switch (alg) {
	case ATT_COSE_ES256:
		return "ES256";
	case ATT_COSE_ES384:
		return "ES384";
	case ATT_COSE_ES512:
		return "ES512";
	default:
		return "an unsupported algorithm";
	}
}

/* ---- profiles ---- */

bool att_check_realm_profile(const struct att_realm_token *r, char *err, size_t n)
{
	bool v2 = str_is(r->profile, ATT_PROFILE_REALM_2);
	enum att_hash h = str_hash(r->hash_alg);
	size_t hl = att_hash_len(h);

	if (r->profile.p && !v2 && !str_is(r->profile, ATT_PROFILE_REALM_1))
		return fail(err, n, "claim 265 (profile) \"%.*s\" is not a realm profile (%s, %s)",
			    (int)(r->profile.len > 80 ? 80 : r->profile.len), r->profile.p,
			    ATT_PROFILE_REALM_1, ATT_PROFILE_REALM_2);
	if (r->profile.p && r->cose.present && r->cose.alg != ATT_COSE_ES384)
		return fail(err, n, "signed with %s; the realm profiles want ES384 (a P-384 RAK)",
			    alg_name(r->cose.alg));
	if (!r->challenge.p)
		return fail(err, n, "claim 10 (challenge) is missing");
	if (r->challenge.len != ATT_CHALLENGE_SIZE)
		return fail(err, n, "claim 10 (challenge) is %zu bytes, want 64", r->challenge.len);
	if (!r->rpv.p)
		return fail(err, n, "claim 44235 (personalization value) is missing");
	if (r->rpv.len != ATT_RPV_SIZE)
		return fail(err, n, "claim 44235 (personalization value) is %zu bytes, want 64",
			    r->rpv.len);
	if (!r->rak.p)
		return fail(err, n, "claim 44237 (RAK public key) is missing");
	if (r->rak_raw && r->profile.p)
		return fail(err, n,
			    "claim 44237 (RAK public key) is a raw EC point; the %.*s profile "
			    "wants a COSE_Key",
			    (int)r->profile.len, r->profile.p);
	if (!r->rak_hash_alg.p)
		return fail(err, n, "claim 44240 (RAK hash algorithm) is missing");
	if (str_hash(r->rak_hash_alg) == ATT_HASH_UNKNOWN)
		return fail(err, n,
			    "claim 44240 (RAK hash algorithm) \"%.*s\" is not sha-256, sha-384 or "
			    "sha-512",
			    (int)(r->rak_hash_alg.len > 40 ? 40 : r->rak_hash_alg.len),
			    r->rak_hash_alg.p);
	if (!r->hash_alg.p)
		return fail(err, n, "claim 44236 (hash algorithm) is missing");
	if (h == ATT_HASH_UNKNOWN)
		return fail(
			err, n,
			"claim 44236 (hash algorithm) \"%.*s\" is not sha-256, sha-384 or sha-512",
			(int)(r->hash_alg.len > 40 ? 40 : r->hash_alg.len), r->hash_alg.p);
	if (!r->rim.p)
		return fail(err, n, "claim 44238 (RIM) is missing");
	if (r->rim.len != hl)
		return fail(err, n, "claim 44238 (RIM) is %zu bytes, want %zu for %s", r->rim.len,
			    hl, att_hash_name(h));
	if (!r->rems_present)
		return fail(err, n, "claim 44239 (REMs) is missing");
	if (r->nrem != ATT_NUM_REMS)
		return fail(err, n, "claim 44239 (REMs) has %u entries, want 4", r->nrem);
	for (unsigned i = 0; i < ATT_NUM_REMS; i++)
		if (r->rem[i].len != hl)
			return fail(err, n, "claim 44239 (REMs) entry %u is %zu bytes, want %zu", i,
				    r->rem[i].len, hl);
	if (v2) {
		/* RMM specification 2.0, A7.2.3.1.3, .8, .9, .12. */
		if (!r->inst_id.p)
			return fail(err, n,
				    "claim 256 (realm instance ID) is missing (realm#2.0.0)");
		if (r->inst_id.len != ATT_REALM_INST_ID_SIZE || r->inst_id.p[0] != 0x01)
			return fail(err, n,
				    "claim 256 (realm instance ID) is not 0x01 and 32 bytes "
				    "(%zu bytes)",
				    r->inst_id.len);
		if (!r->has_mec)
			return fail(err, n, "claim 44243 (MEC policy) is missing (realm#2.0.0)");
		if (r->mec_text.p)
			return fail(err, n,
				    "claim 44243 (MEC policy) is the text \"%.*s\"; realm#2.0.0 "
				    "wants the integer 0 (shared) or 1 (private)",
				    (int)(r->mec_text.len > 40 ? 40 : r->mec_text.len),
				    r->mec_text.p);
		if (r->mec_policy > ATT_MEC_PRIVATE)
			return fail(err, n,
				    "claim 44243 (MEC policy) is %llu, want 0 (shared) or 1 "
				    "(private)",
				    (unsigned long long)r->mec_policy);
		if (r->has_lfa && r->lfa_policy > 1)
			return fail(err, n,
				    "claim 44244 (LFA policy) is %llu, want 0 (disallow) or 1 "
				    "(allow)",
				    (unsigned long long)r->lfa_policy);
		if (r->dev_hash.p && r->dev_hash.len != 32 && r->dev_hash.len != 48 &&
		    r->dev_hash.len != 64)
			return fail(err, n,
				    "claim 44257 (devices token hash) is %zu bytes, want 32, 48 "
				    "or 64",
				    r->dev_hash.len);
	}
	return true;
}

bool att_check_platform_profile(const struct att_platform_token *p, char *err, size_t n)
{
	bool v2 = str_is(p->profile, ATT_PROFILE_PLAT_2024);
	unsigned major;

	if (!p->profile.p)
		return fail(err, n, "claim 265 (profile) is missing");
	if (!str_is(p->profile, ATT_PROFILE_PLAT_2023) &&
	    !str_is(p->profile, ATT_PROFILE_PLAT_SSD) && !v2)
		return fail(err, n, "claim 265 (profile) \"%.*s\" is not a CCA platform profile",
			    (int)(p->profile.len > 80 ? 80 : p->profile.len), p->profile.p);
	if (!p->challenge.p)
		return fail(err, n, "claim 10 (challenge) is missing");
	if (p->challenge.len != 32 && p->challenge.len != 48 && p->challenge.len != 64)
		return fail(err, n, "claim 10 (challenge) is %zu bytes, want 32, 48 or 64",
			    p->challenge.len);
	if (!p->impl_id.p)
		return fail(err, n, "claim 2396 (implementation ID) is missing");
	if (p->impl_id.len != 32)
		return fail(err, n, "claim 2396 (implementation ID) is %zu bytes, want 32",
			    p->impl_id.len);
	if (!p->inst_id.p)
		return fail(err, n, "claim 256 (instance ID) is missing");
	if (p->inst_id.len != 33 || p->inst_id.p[0] != 0x01)
		return fail(err, n,
			    "claim 256 (instance ID) is not a RAND UEID (0x01 and 32 bytes)");
	if (!p->config.p)
		return fail(err, n, "claim 2401 (platform configuration) is missing");
	if (!p->has_lifecycle)
		return fail(err, n, "claim 2395 (lifecycle) is missing");
	major = (unsigned)(p->lifecycle >> 8);
	if (p->lifecycle > 0x60ff || (major != 0 && major % 0x10))
		return fail(err, n, "claim 2395 (lifecycle) 0x%llx is not a PSA lifecycle state",
			    (unsigned long long)p->lifecycle);
	if (!p->sw_present || !p->nsw)
		return fail(err, n, "claim 2399 (software components) is missing or empty");
	for (unsigned i = 0; i < p->nsw; i++) {
		if (!p->sw[i].meas.p)
			return fail(err, n,
				    "claim 2399 (software components) entry %u has no "
				    "measurement-value",
				    i);
		if (!p->sw[i].signer.p)
			return fail(err, n,
				    "claim 2399 (software components) entry %u has no signer-id",
				    i);
	}
	if (p->vsv.p && !p->vsv.len)
		return fail(err, n, "claim 2400 (verification service) is empty");
	if (!p->hash_alg.p)
		return fail(err, n, "claim 2402 (platform hash algorithm) is missing");
	if (v2) {
		/* RMM specification 2.0, A7.2.3.3.11: the RMSD is the only client. */
		if (!p->has_client_id)
			return fail(err, n,
				    "claim 2394 (client ID) is missing (cca_platform#2.0.0)");
		if (p->client_id != ATT_CLIENT_ID_RMSD)
			return fail(err, n, "claim 2394 (client ID) is %lld, want 1 (RMSD)",
				    (long long)p->client_id);
	}
	return true;
}

/* ---- signatures ---- */

bool att_sign1_verify(const struct att_sign1 *s, EVP_PKEY *key, char *err, size_t n)
{
	enum att_hash h;
	size_t coord, tbslen, derlen;
	int alg = att_cose_alg_for_key(key, &h, &coord), der_len;
	uint8_t *tbs = NULL, *der = NULL;
	ECDSA_SIG *sig = NULL;
	BIGNUM *r = NULL, *sv = NULL;
	EVP_MD_CTX *md = NULL;
	bool ok = false;

	if (!alg)
		return fail(err, n, "the key is not an EC P-256/P-384/P-521 key");
	if (s->alg != alg)
		return fail(err, n, "signed with %s (alg %lld), the key is for %s",
			    alg_name(s->alg), (long long)s->alg, alg_name(alg));
	if (s->sig.len != 2 * coord)
		return fail(err, n, "signature is %zu bytes, want %zu for %s", s->sig.len,
			    2 * coord, alg_name(alg));
	if (!att_sig_structure(s->prot.p, s->prot.len, s->payload.p, s->payload.len, &tbs, &tbslen))
		return fail(err, n, "out of memory");
	sig = ECDSA_SIG_new();
	r = BN_bin2bn(s->sig.p, (int)coord, NULL);
	sv = BN_bin2bn(s->sig.p + coord, (int)coord, NULL);
	if (!sig || !r || !sv || !ECDSA_SIG_set0(sig, r, sv)) {
		BN_free(r);
		BN_free(sv);
		goto out;
	}
	der_len = i2d_ECDSA_SIG(sig, &der);
	if (der_len <= 0)
		goto out;
	derlen = (size_t)der_len;
	md = EVP_MD_CTX_new();
	ok = md && EVP_DigestVerifyInit(md, NULL, att_hash_md(h), NULL, key) == 1 &&
	     EVP_DigestVerify(md, der, derlen, tbs, tbslen) == 1;
	if (!ok)
		fail(err, n, "%s signature does not verify", alg_name(alg));
out:
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	free(tbs);
	return ok;
}

static int crv_nid(int64_t crv)
{
	return crv == 1	  ? NID_X9_62_prime256v1
	       : crv == 2 ? NID_secp384r1
	       : crv == 3 ? NID_secp521r1
			  : NID_undef;
}

EVP_PKEY *att_realm_rak(const struct att_realm_token *r, char *err, size_t n)
{
	cbor_item_t *m;
	int64_t kty = 0, crv = 0;
	const uint8_t *x = NULL, *y = NULL;
	size_t xl = 0, yl = 0;
	uint8_t pt[133];
	EVP_PKEY *key = NULL;

	if (!r->rak.p) {
		fail(err, n, "claim 44237 (RAK public key) is missing");
		return NULL;
	}
	if (r->rak_raw) {
		int nid = r->rak.len == 65    ? NID_X9_62_prime256v1
			  : r->rak.len == 97  ? NID_secp384r1
			  : r->rak.len == 133 ? NID_secp521r1
					      : NID_undef;

		key = nid != NID_undef ? att_ec_public(nid, r->rak.p, r->rak.len) : NULL;
		if (!key)
			fail(err, n,
			     "claim 44237 (RAK public key): not an EC point on P-256/P-384/P-521");
		return key;
	}
	/* A COSE_Key map, checked like any token CBOR before it is loaded. */
	m = att_cbor_load_checked(r->rak.p, r->rak.len, err, n, "claim 44237 (RAK public key)");
	if (!m)
		return NULL;
	if (!cbor_isa_map(m) || cbor_map_size(m) > 16) {
		fail(err, n, "claim 44237 (RAK public key) is not a COSE_Key map");
		goto out;
	}
	for (size_t i = 0; i < cbor_map_size(m); i++) {
		struct cbor_pair *p = &cbor_map_handle(m)[i];
		int64_t k;

		if (cbor_isa_uint(p->key))
			k = (int64_t)cbor_get_int(p->key);
		else if (cbor_isa_negint(p->key))
			k = -1 - (int64_t)cbor_get_int(p->key);
		else
			continue;
		if (k == 1 && cbor_isa_uint(p->value))
			kty = (int64_t)cbor_get_int(p->value);
		else if (k == -1 && cbor_isa_uint(p->value))
			crv = (int64_t)cbor_get_int(p->value);
		else if (k == -2 && cbor_isa_bytestring(p->value)) {
			x = cbor_bytestring_handle(p->value);
			xl = cbor_bytestring_length(p->value);
		} else if (k == -3 && cbor_isa_bytestring(p->value)) {
			y = cbor_bytestring_handle(p->value);
			yl = cbor_bytestring_length(p->value);
		}
	}
	if (kty != 2 || crv_nid(crv) == NID_undef || !x || !y || xl != yl || xl > 66) {
		fail(err, n,
		     "claim 44237 (RAK public key) is not an EC2 COSE_Key on P-256/P-384/P-521 "
		     "with x and y");
		goto out;
	}
	pt[0] = 4;
	memcpy(pt + 1, x, xl);
	memcpy(pt + 1 + xl, y, yl);
	key = att_ec_public(crv_nid(crv), pt, 1 + 2 * xl);
	if (!key)
		fail(err, n, "claim 44237 (RAK public key): the point is not on the curve");
out:
	cbor_decref(&m);
	return key;
}

/* ---- reference values ---- */

static bool bytes_eq(struct att_bytes b, const struct att_rv_bytes *rv)
{
	return b.p && b.len == rv->len && !memcmp(b.p, rv->b, b.len);
}

static void short_hex(const uint8_t *b, size_t len, char *out)
{
	char full[17];

	att_hex(b, len > 8 ? 8 : len, full);
	snprintf(out, 32, "%s%s", full, len > 8 ? ".." : "");
}

/* 0 if @e matches; else the mismatch described in @why. */
static bool realm_entry_matches(const struct att_realm_token *r, const struct att_rv_realm *e,
				char *why, size_t n)
{
	char a[32], b[32];

	if (e->hash_alg[0] && !str_is(r->hash_alg, e->hash_alg))
		return fail(why, n, "cca.hash-alg: token %.*s, reference %s", (int)r->hash_alg.len,
			    r->hash_alg.p ? r->hash_alg.p : "", e->hash_alg);
	if (e->rak_hash_alg[0] && !str_is(r->rak_hash_alg, e->rak_hash_alg))
		return fail(why, n, "rak-hash-algorithm: token %.*s, reference %s",
			    (int)r->rak_hash_alg.len, r->rak_hash_alg.p ? r->rak_hash_alg.p : "",
			    e->rak_hash_alg);
	if (e->rim.present && !bytes_eq(r->rim, &e->rim)) {
		short_hex(r->rim.p, r->rim.len, a);
		short_hex(e->rim.b, e->rim.len, b);
		return fail(why, n, "cca.rim (claim 44238): token %s, reference %s", a, b);
	}
	for (unsigned i = 0; i < 4; i++)
		if (e->rem[i].present && !bytes_eq(r->rem[i], &e->rem[i])) {
			short_hex(r->rem[i].p, r->rem[i].len, a);
			short_hex(e->rem[i].b, e->rem[i].len, b);
			return fail(why, n, "cca.rem%u (claim 44239[%u]): token %s, reference %s",
				    i, i, a, b);
		}
	if (e->rpv.present && !bytes_eq(r->rpv, &e->rpv)) {
		short_hex(r->rpv.p, r->rpv.len, a);
		short_hex(e->rpv.b, e->rpv.len, b);
		return fail(why, n, "cca.rpv (claim 44235): token %s, reference %s", a, b);
	}
	return true;
}

static bool sw_matches(const struct att_sw_claim *c, const struct att_rv_swcomp *s)
{
	return bytes_eq(c->meas, &s->meas) && (!s->type[0] || str_is(c->type, s->type)) &&
	       (!s->signer.present || bytes_eq(c->signer, &s->signer)) &&
	       (!s->version[0] || str_is(c->version, s->version));
}

static bool platform_entry_matches(const struct att_platform_token *p,
				   const struct att_rv_platform *e, char *why, size_t n)
{
	if (e->impl_id.present && !bytes_eq(p->impl_id, &e->impl_id))
		return fail(why, n, "implementation-id (claim 2396) differs");
	if (e->config.present && !bytes_eq(p->config, &e->config))
		return fail(why, n, "platform-configuration (claim 2401) differs");
	for (unsigned i = 0; i < p->nsw; i++) {
		bool found = false;

		for (unsigned k = 0; k < e->nsw && !found; k++)
			found = sw_matches(&p->sw[i], &e->sw[k]);
		if (!found)
			return fail(why, n,
				    "software component %u (%.*s, claim 2399) matches no reference",
				    i, (int)(p->sw[i].type.len > 30 ? 30 : p->sw[i].type.len),
				    p->sw[i].type.p ? p->sw[i].type.p : "");
	}
	return true;
}

/* ---- the whole verification ---- */

static void set(struct att_report *r, enum att_check c, enum att_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set(struct att_report *r, enum att_check c, enum att_verdict v, const char *fmt, ...)
{
	va_list ap;

	r->check[c].verdict = v;
	va_start(ap, fmt);
	vsnprintf(r->check[c].detail, sizeof(r->check[c].detail), fmt, ap);
	va_end(ap);
	if (v == ATT_FAIL)
		r->ok = false;
}

bool att_verify(const struct att_token *t, const struct att_verify_opts *o, struct att_report *r)
{
	const struct att_realm_token *rt = t->realm.cose.present ? &t->realm : NULL;
	const struct att_platform_token *pt = t->platform.cose.present ? &t->platform : NULL;
	const struct att_anchor *anchor = NULL;
	char err[200];

	memset(r, 0, sizeof(*r));
	r->ok = true;
	set(r, ATT_CHECK_FORMAT, ATT_PASS, "%s",
	    t->format == ATT_FMT_COLLECTION_399	  ? "CCA token collection (tag 399)"
	    : t->format == ATT_FMT_COLLECTION_907 ? "CMW collection (tag 907)"
	    : t->format == ATT_FMT_REALM	  ? "bare realm token"
						  : "bare platform token");
	if (pt) {
		if (att_check_platform_profile(pt, err, sizeof(err)))
			set(r, ATT_CHECK_PLATFORM_PROFILE, ATT_PASS, "%.*s", (int)pt->profile.len,
			    pt->profile.p);
		else
			set(r, ATT_CHECK_PLATFORM_PROFILE, ATT_FAIL, "%s", err);
	}
	if (rt) {
		if (att_check_realm_profile(rt, err, sizeof(err)))
			set(r, ATT_CHECK_REALM_PROFILE, ATT_PASS, "%.*s",
			    rt->profile.p ? (int)rt->profile.len : 41,
			    rt->profile.p ? rt->profile.p : "no profile claim (pre-RMM-1.0 token)");
		else
			set(r, ATT_CHECK_REALM_PROFILE, ATT_FAIL, "%s", err);
	}
	/* Platform signature: the first trust anchor that verifies it. */
	if (pt && o->nanchors) {
		char first[200] = "";

		for (unsigned i = 0; i < o->nanchors && !anchor; i++) {
			if (att_sign1_verify(&pt->cose, o->anchors[i].pkey, err, sizeof(err)))
				anchor = &o->anchors[i];
			else if (!first[0])
				snprintf(first, sizeof(first), "%s", err);
		}
		if (anchor)
			set(r, ATT_CHECK_PLATFORM_SIGNATURE, ATT_PASS,
			    "verified with trust anchor %u", (unsigned)(anchor - o->anchors));
		else
			set(r, ATT_CHECK_PLATFORM_SIGNATURE, ATT_FAIL, "%s%s", first,
			    o->nanchors > 1 ? " (nor with any other trust anchor)" : "");
	} else if (pt) {
		set(r, ATT_CHECK_PLATFORM_SIGNATURE, ATT_SKIPPED, "no trust anchor given");
	}
	if (rt) {
		EVP_PKEY *rak = att_realm_rak(rt, err, sizeof(err));

		if (!rak)
			set(r, ATT_CHECK_REALM_SIGNATURE, ATT_FAIL, "%s", err);
		else if (att_sign1_verify(&rt->cose, rak, err, sizeof(err)))
			set(r, ATT_CHECK_REALM_SIGNATURE, ATT_PASS,
			    "verified with the RAK in claim 44237");
		else
			set(r, ATT_CHECK_REALM_SIGNATURE, ATT_FAIL, "%s", err);
		EVP_PKEY_free(rak);
	}
	if (rt && pt) {
		enum att_hash h = str_hash(rt->rak_hash_alg);
		uint8_t d[ATT_MAX_HASH];

		if (h == ATT_HASH_UNKNOWN || !rt->rak.p)
			set(r, ATT_CHECK_BINDING, ATT_FAIL,
			    "no RAK or RAK hash algorithm to compute the binding with");
		else if (!att_digest(h, rt->rak.p, rt->rak.len, d))
			set(r, ATT_CHECK_BINDING, ATT_FAIL, "hash failed");
		else if (!pt->challenge.p || pt->challenge.len != att_hash_len(h) ||
			 memcmp(pt->challenge.p, d, att_hash_len(h)))
			set(r, ATT_CHECK_BINDING, ATT_FAIL,
			    "platform challenge (claim 10) is not %s(RAK public key claim 44237)",
			    att_hash_name(h));
		else
			set(r, ATT_CHECK_BINDING, ATT_PASS,
			    "platform challenge = %s(RAK public key)", att_hash_name(h));
	}
	if (anchor && (anchor->impl_len || anchor->inst_len)) {
		if (anchor->impl_len && (pt->impl_id.len != anchor->impl_len ||
					 memcmp(pt->impl_id.p, anchor->impl_id, anchor->impl_len)))
			set(r, ATT_CHECK_IDENTITY, ATT_FAIL,
			    "implementation ID (claim 2396) is not the trust anchor's");
		else if (anchor->inst_len &&
			 (pt->inst_id.len != anchor->inst_len ||
			  memcmp(pt->inst_id.p, anchor->inst_id, anchor->inst_len)))
			set(r, ATT_CHECK_IDENTITY, ATT_FAIL,
			    "instance ID (claim 256) is not the trust anchor's");
		else
			set(r, ATT_CHECK_IDENTITY, ATT_PASS, "IDs match the trust anchor");
	}
	if (o->challenge) {
		/* The realm's challenge is 64 bytes, zero-padded from what the realm was given. */
		const struct att_bytes *c = rt ? &rt->challenge : &pt->challenge;
		uint8_t want[ATT_CHALLENGE_SIZE] = {0};
		size_t wl = rt ? ATT_CHALLENGE_SIZE : o->challenge_len;

		memcpy(want, o->challenge, o->challenge_len > 64 ? 64 : o->challenge_len);
		if (o->challenge_len <= 64 && c->p && c->len == wl && !memcmp(c->p, want, wl))
			set(r, ATT_CHECK_CHALLENGE, ATT_PASS,
			    "%s challenge (claim 10) is the one given", rt ? "realm" : "platform");
		else
			set(r, ATT_CHECK_CHALLENGE, ATT_FAIL,
			    "%s challenge (claim 10) is not the one given",
			    rt ? "realm" : "platform");
	}
	if (o->refvals && rt) {
		if (!o->refvals->nrealm) {
			set(r, ATT_CHECK_REALM_REFVALS, ATT_SKIPPED, "no realm reference values");
		} else {
			char why[200] = "";
			unsigned i;

			for (i = 0; i < o->refvals->nrealm; i++)
				if (realm_entry_matches(rt, &o->refvals->realm[i], i ? err : why,
							sizeof(err)))
					break;
			if (i < o->refvals->nrealm)
				set(r, ATT_CHECK_REALM_REFVALS, ATT_PASS,
				    "matches realm entry %u%s%s", i,
				    o->refvals->realm[i].name[0] ? " " : "",
				    o->refvals->realm[i].name);
			else
				set(r, ATT_CHECK_REALM_REFVALS, ATT_FAIL, "%s%s", why,
				    o->refvals->nrealm > 1 ? " (entry 0; no other entry matches)"
							   : "");
		}
	}
	if (o->refvals && pt) {
		if (!o->refvals->nplatform) {
			set(r, ATT_CHECK_PLATFORM_REFVALS, ATT_SKIPPED,
			    "no platform reference values");
		} else {
			char why[200] = "";
			unsigned i;

			for (i = 0; i < o->refvals->nplatform; i++)
				if (platform_entry_matches(pt, &o->refvals->platform[i],
							   i ? err : why, sizeof(err)))
					break;
			if (i < o->refvals->nplatform)
				set(r, ATT_CHECK_PLATFORM_REFVALS, ATT_PASS,
				    "matches platform entry %u", i);
			else
				set(r, ATT_CHECK_PLATFORM_REFVALS, ATT_FAIL, "%s%s", why,
				    o->refvals->nplatform > 1 ? " (entry 0; no other entry matches)"
							      : "");
		}
	}
	return r->ok;
}
