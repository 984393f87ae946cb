// SPDX-License-Identifier: MIT
/*
 * The token library: round trips (SHA-256 and SHA-512 realms, tag 399 and
 * 907, both platform profiles), every verify failure mode, malformed CBOR
 * with the error it must name, and the public Veraison test vectors with
 * their published keys (tests/attest/, see its README) and tampered copies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <openssl/ec.h>

#include "attest/attest.h"
#include "attest/refvals.h"
#include "harness.h"

#ifndef ATTEST_VECTORS
#define ATTEST_VECTORS "tests/attest"
#endif

static struct att_platform plat;
static struct att_rmm rmm;
static struct att_rmm rmm2; /* an RMM 2.0's: cca_platform#2.0.0 platform token */

static void claims(struct att_realm_claims *c, enum att_hash h)
{
	memset(c, 0, sizeof(*c));
	c->hash = h;
	for (unsigned i = 0; i < 64; i++) {
		c->challenge[i] = (uint8_t)(0x40 + i);
		c->rpv[i] = (uint8_t)i;
		c->rim[i] = (uint8_t)(0xa0 ^ i);
		for (unsigned r = 0; r < 4; r++)
			c->rem[r][i] = (uint8_t)(r * 16 + i);
	}
}

static bool verify(const uint8_t *tok, size_t len, const struct att_verify_opts *o,
		   struct att_report *r, char *err, size_t errlen)
{
	struct att_token t;
	bool ok;

	if (!att_decode(tok, len, &t, err, errlen))
		return false;
	ok = att_verify(&t, o, r);
	att_token_free(&t);
	return ok;
}

/* ---- an independent reading of a token: libcbor only, none of decode.c ---- */

static cbor_item_t *cbor_of(const uint8_t *p, size_t n)
{
	struct cbor_load_result res;
	cbor_item_t *it = cbor_load(p, n, &res);

	if (it && (res.error.code != CBOR_ERR_NONE || res.read != n)) {
		cbor_decref(&it);
		return NULL;
	}
	return it;
}

/* The value of integer key @k in map @m (borrowed), or NULL. */
static cbor_item_t *get(cbor_item_t *m, int64_t k)
{
	struct cbor_pair *p = cbor_map_handle(m);

	for (size_t i = 0; i < cbor_map_size(m); i++) {
		cbor_item_t *key = p[i].key;
		int64_t v;

		if (cbor_isa_uint(key))
			v = (int64_t)cbor_get_int(key);
		else if (cbor_isa_negint(key))
			v = -1 - (int64_t)cbor_get_int(key);
		else
			continue;
		if (v == k)
			return p[i].value;
	}
	return NULL;
}

static bool is_bytes(cbor_item_t *v, const void *want, size_t len)
{
	return v && cbor_isa_bytestring(v) && cbor_bytestring_is_definite(v) &&
	       cbor_bytestring_length(v) == len && !memcmp(cbor_bytestring_handle(v), want, len);
}

static bool is_text(cbor_item_t *v, const char *want)
{
	return v && cbor_isa_string(v) && cbor_string_is_definite(v) &&
	       cbor_string_length(v) == strlen(want) &&
	       !memcmp(cbor_string_handle(v), want, strlen(want));
}

static bool is_uint(cbor_item_t *v, uint64_t want)
{
	return v && cbor_isa_uint(v) && cbor_get_int(v) == want;
}

/*
 * The claims map inside a COSE_Sign1 (tag 18 taken off by hand: libcbor 0.8
 * refuses one-byte tags 6..20), new reference, or NULL.
 */
static cbor_item_t *sign1_claims(cbor_item_t *bstr)
{
	const uint8_t *p;
	size_t n;
	cbor_item_t *arr, *m = NULL;

	if (!bstr || !cbor_isa_bytestring(bstr))
		return NULL;
	p = cbor_bytestring_handle(bstr);
	n = cbor_bytestring_length(bstr);
	if (n < 2 || p[0] != 0xd2)
		return NULL;
	arr = cbor_of(p + 1, n - 1);
	if (arr && cbor_isa_array(arr) && cbor_array_size(arr) == 4 &&
	    cbor_isa_bytestring(cbor_array_handle(arr)[2]))
		m = cbor_of(cbor_bytestring_handle(cbor_array_handle(arr)[2]),
			    cbor_bytestring_length(cbor_array_handle(arr)[2]));
	if (arr)
		cbor_decref(&arr);
	if (m && !cbor_isa_map(m))
		cbor_decref(&m);
	return m;
}

/* Is every integer key of @m in CBOR's preferred (shortest) serialization? */
static bool shortest_keys(cbor_item_t *m)
{
	struct cbor_pair *pr = cbor_map_handle(m);

	for (size_t i = 0; i < cbor_map_size(m); i++) {
		cbor_item_t *k = pr[i].key;
		uint64_t v;
		cbor_int_width want;

		if (!cbor_isa_uint(k) && !cbor_isa_negint(k))
			continue;
		v = cbor_get_int(k);
		want = v <= UINT8_MAX ? CBOR_INT_8 : v <= UINT16_MAX ? CBOR_INT_16
			: v <= UINT32_MAX ? CBOR_INT_32 : CBOR_INT_64;
		if (cbor_int_get_width(k) != want)
			return false;
	}
	return true;
}

/* A collection's entry @key: a bstr (tag 399) or the bstr of a CMW record [263, bstr] (907). */
static cbor_item_t *entry(cbor_item_t *coll, int64_t key, bool cmw)
{
	cbor_item_t *v = get(coll, key);

	if (!cmw)
		return v;
	if (!v || !cbor_isa_array(v) || cbor_array_size(v) != 2 ||
	    !is_uint(cbor_array_handle(v)[0], ATT_CMW_CONTENT_FORMAT))
		return NULL;
	return cbor_array_handle(v)[1];
}

/*
 * Check every claim of the token @tok against what went in (@c, the RAK of
 * @a, platform profile @pp), reading the CBOR with libcbor alone: the key
 * set is exact, each claim has its CDDL type and size, and the 2.0-only
 * claims are there exactly in the 2.0 profile.
 */
static void independent_check(const uint8_t *tok, size_t len, bool cmw,
			      const struct att_realm_claims *c, const struct att_rmm *a,
			      enum att_plat_profile pp)
{
	bool v2 = c->profile == ATT_REALM_2;
	size_t hl = att_hash_len(c->hash);
	cbor_item_t *top = cbor_of(tok, len), *coll, *realm = NULL, *ptok = NULL, *rems,
		    *key = NULL;

	if (!CHECK(top && cbor_isa_tag(top) &&
		   cbor_tag_value(top) == (cmw ? ATT_TAG_CMW_COLLECTION : ATT_TAG_CCA_COLLECTION)))
		goto out;
	coll = cbor_tag_item(top);
	if (CHECK(cbor_isa_map(coll) && cbor_map_size(coll) == 2)) {
		realm = sign1_claims(entry(coll, ATT_KEY_REALM_TOKEN, cmw));
		ptok = sign1_claims(entry(coll, ATT_KEY_PLATFORM_TOKEN, cmw));
	}
	cbor_decref(&coll);
	if (!CHECK(realm && ptok))
		goto out;
	/* Preferred serialization (RFC 8949 4.1), as TF-RMM encodes: no 9-byte claim keys. */
	CHECK(shortest_keys(realm));
	CHECK(shortest_keys(ptok));
	/* Realm claims: RMM spec 1.0 A7.2.3.1 / 2.0 A7.2.3.1 (docs/ATTESTATION.md). */
	CHECK_EQ(cbor_map_size(realm), v2 ? 10 : 8);
	CHECK(is_text(get(realm, 265),
		      v2 ? "tag:arm.com,2024:realm#2.0.0" : "tag:arm.com,2023:realm#1.0.0"));
	CHECK(is_bytes(get(realm, 10), c->challenge, 64));
	CHECK(is_bytes(get(realm, 44235), c->rpv, 64));
	CHECK(is_bytes(get(realm, 44237), a->rak_cose, a->rak_cose_len));
	CHECK(is_text(get(realm, 44240), "sha-256"));
	CHECK(is_text(get(realm, 44236), c->hash == ATT_SHA512 ? "sha-512" : "sha-256"));
	CHECK(is_bytes(get(realm, 44238), c->rim, hl));
	rems = get(realm, 44239);
	if (CHECK(rems && cbor_isa_array(rems) && cbor_array_size(rems) == 4))
		for (unsigned i = 0; i < 4; i++)
			CHECK(is_bytes(cbor_array_handle(rems)[i], c->rem[i], hl));
	if (v2) {
		CHECK(is_bytes(get(realm, 256), c->inst_id, 33));
		CHECK_EQ(c->inst_id[0], 0x01);
		CHECK(is_uint(get(realm, 44243), c->mec_policy));
	} else {
		CHECK(get(realm, 256) == NULL);
		CHECK(get(realm, 44243) == NULL);
	}
	CHECK(get(realm, 44244) == NULL && get(realm, 44257) == NULL);
	/* The RAK: a COSE_Key EC2 P-384 with x and y of 48 bytes. */
	key = cbor_of(a->rak_cose, a->rak_cose_len);
	if (CHECK(key && cbor_isa_map(key)))
		CHECK(is_uint(get(key, 1), 2) && is_uint(get(key, -1), 2) && get(key, -2) &&
		      cbor_bytestring_length(get(key, -2)) == 48 && get(key, -3) &&
		      cbor_bytestring_length(get(key, -3)) == 48);
	/* Platform: the profile, and the client ID (RMSD) only in cca_platform#2.0.0. */
	CHECK(is_text(get(ptok, 265), pp == ATT_PLAT_2024 ? "tag:arm.com,2024:cca_platform#2.0.0"
				      : pp == ATT_PLAT_SSD
					      ? "http://arm.com/CCA-SSD/1.0.0"
					      : "tag:arm.com,2023:cca_platform#1.0.0"));
	if (pp == ATT_PLAT_2024)
		CHECK(is_uint(get(ptok, 2394), 1));
	else
		CHECK(get(ptok, 2394) == NULL);
out:
	if (key)
		cbor_decref(&key);
	if (realm)
		cbor_decref(&realm);
	if (ptok)
		cbor_decref(&ptok);
	if (top)
		cbor_decref(&top);
}

static void round_trip(enum att_hash h, bool cmw, enum att_realm_profile prof)
{
	struct att_rmm *rk = prof == ATT_REALM_2 ? &rmm2 : &rmm;
	enum att_plat_profile pp = prof == ATT_REALM_2 ? ATT_PLAT_2024 : plat.profile;
	struct att_realm_claims c;
	struct att_anchor a = {.pkey = plat.cpak};
	struct att_verify_opts o = {.anchors = &a, .nanchors = 1};
	struct att_report r;
	struct att_token t;
	uint8_t *tok;
	size_t len;
	char err[200] = "";

	claims(&c, h);
	c.profile = prof;
	c.inst_id[0] = 0x01;
	for (unsigned i = 1; i < sizeof(c.inst_id); i++)
		c.inst_id[i] = (uint8_t)(0xc0 + i);
	/* Both MEC policy values: private with SHA-512, shared with SHA-256. */
	c.mec_policy = h == ATT_SHA512 ? ATT_MEC_PRIVATE : ATT_MEC_SHARED;
	rk->cmw = cmw;
	if (!CHECK(att_rmm_token(rk, &c, &tok, &len)))
		return;
	independent_check(tok, len, cmw, &c, rk, pp);
	CHECK(len <= ATT_TOKEN_MAX);
	CHECK_EQ(tok[0], 0xd9);
	CHECK_EQ((unsigned)tok[1] << 8 | tok[2], cmw ? 907 : 399);
	if (!t_check(att_decode(tok, len, &t, err, sizeof(err)), __FILE__, __LINE__, "%s", err))
		goto out;
	CHECK_EQ(t.format, cmw ? ATT_FMT_COLLECTION_907 : ATT_FMT_COLLECTION_399);
	CHECK_EQ(t.realm.rim.len, att_hash_len(h));
	CHECK(!memcmp(t.realm.rim.p, c.rim, att_hash_len(h)));
	CHECK(!memcmp(t.realm.rem[3].p, c.rem[3], att_hash_len(h)));
	CHECK(!memcmp(t.realm.challenge.p, c.challenge, 64));
	CHECK(!t.realm.rak_raw);
	CHECK(t.platform.profile.p && !strncmp(t.platform.profile.p,
					       pp == ATT_PLAT_2024  ? ATT_PROFILE_PLAT_2024
					       : pp == ATT_PLAT_SSD ? ATT_PROFILE_PLAT_SSD
								    : ATT_PROFILE_PLAT_2023,
					       t.platform.profile.len));
	/* What the decoder read is what went in (the 2.0 claims only in 2.0). */
	CHECK_EQ(t.realm.inst_id.p != NULL, prof == ATT_REALM_2);
	CHECK_EQ(t.realm.has_mec, prof == ATT_REALM_2);
	CHECK_EQ(t.platform.has_client_id, pp == ATT_PLAT_2024);
	if (prof == ATT_REALM_2) {
		CHECK(t.realm.inst_id.len == 33 && !memcmp(t.realm.inst_id.p, c.inst_id, 33));
		CHECK_EQ(t.realm.mec_policy, c.mec_policy);
		CHECK_EQ(t.platform.client_id, 1);
	}
	o.challenge = c.challenge;
	o.challenge_len = 64;
	CHECK(att_verify(&t, &o, &r));
	for (unsigned i = 0; i < ATT_CHECK_COUNT; i++)
		t_check(r.check[i].verdict != ATT_FAIL, __FILE__, __LINE__, "%s: %s",
			att_check_name(i), r.check[i].detail);
	CHECK_EQ(r.check[ATT_CHECK_BINDING].verdict, ATT_PASS);
	CHECK_EQ(r.check[ATT_CHECK_PLATFORM_SIGNATURE].verdict, ATT_PASS);
	CHECK_EQ(r.check[ATT_CHECK_REALM_SIGNATURE].verdict, ATT_PASS);
	att_token_free(&t);
out:
	free(tok);
}

/* A token whose claims are changed before signing, to hit one failure. */
struct mut {
	const char *name;
	enum att_check check; /* the check that must fail */
	const char *detail;   /* ... naming this */
	int kind;
};

enum {
	M_FLIP_REALM_SIG,
	M_FLIP_PLAT_SIG,
	M_OTHER_CPAK,
	M_UNBOUND,
	M_CHALLENGE,
	M_RIM,
	M_REM2,
	M_RPV,
	M_SWCOMP,
	M_IMPL_ID_ANCHOR,
	M_PLAT_PROFILE,
	M_LIFECYCLE,
	M_NOSW,
};

static void mutations(void)
{
	static const struct mut m[] = {
		{"realm signature flipped", ATT_CHECK_REALM_SIGNATURE, "does not verify",
		 M_FLIP_REALM_SIG},
		{"platform signature flipped", ATT_CHECK_PLATFORM_SIGNATURE, "does not verify",
		 M_FLIP_PLAT_SIG},
		{"another platform key", ATT_CHECK_PLATFORM_SIGNATURE, "does not verify",
		 M_OTHER_CPAK},
		{"platform token of another RAK", ATT_CHECK_BINDING, "claim 44237", M_UNBOUND},
		{"other challenge", ATT_CHECK_CHALLENGE, "claim 10", M_CHALLENGE},
		{"RIM differs", ATT_CHECK_REALM_REFVALS, "cca.rim", M_RIM},
		{"REM2 differs", ATT_CHECK_REALM_REFVALS, "cca.rem2", M_REM2},
		{"RPV differs", ATT_CHECK_REALM_REFVALS, "cca.rpv", M_RPV},
		{"software component differs", ATT_CHECK_PLATFORM_REFVALS, "software component 2",
		 M_SWCOMP},
		{"implementation ID not the anchor's", ATT_CHECK_IDENTITY, "implementation ID",
		 M_IMPL_ID_ANCHOR},
		{"platform profile SSD ok but lifecycle bad", ATT_CHECK_PLATFORM_PROFILE,
		 "claim 2395", M_LIFECYCLE},
		{"no software components", ATT_CHECK_PLATFORM_PROFILE, "claim 2399", M_NOSW},
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		struct att_platform p = plat;
		struct att_realm_claims c, c0;
		struct att_anchor a = {.pkey = plat.cpak};
		struct att_verify_opts o = {.anchors = &a, .nanchors = 1};
		struct att_refvals rv = {0};
		struct att_rv_realm *rr = att_refvals_add_realm(&rv);
		struct att_rv_platform *rp = att_refvals_add_platform(&rv);
		struct att_rmm other = {0};
		uint8_t *plat_tok = NULL, *realm_tok = NULL, *tok = NULL, ch[32];
		size_t pl, rl, len;
		struct att_report r;
		char err[200];
		EVP_PKEY *k2 = NULL;

		claims(&c, ATT_SHA256);
		att_rv_set(&rr->rim, c.rim, 32);
		for (unsigned k = 0; k < 4; k++)
			att_rv_set(&rr->rem[k], c.rem[k], 32);
		att_rv_set(&rr->rpv, c.rpv, 64);
		att_rv_set(&rp->impl_id, plat.impl_id, 32);
		for (unsigned k = 0; k < plat.nsw; k++) {
			att_rv_set(&rp->sw[k].meas, plat.sw[k].meas, plat.sw[k].meas_len);
			snprintf(rp->sw[k].type, sizeof(rp->sw[k].type), "%s", plat.sw[k].type);
		}
		rp->nsw = plat.nsw;
		o.refvals = &rv;
		claims(&c0, ATT_SHA256);
		o.challenge = c0.challenge;
		o.challenge_len = 64;
		switch (m[i].kind) {
		case M_OTHER_CPAK:
			k2 = att_p384_generate();
			a.pkey = k2;
			break;
		case M_CHALLENGE:
			c.challenge[5] ^= 1;
			break;
		case M_RIM:
			c.rim[0] ^= 1;
			break;
		case M_REM2:
			c.rem[2][31] ^= 1;
			break;
		case M_RPV:
			c.rpv[63] ^= 1;
			break;
		case M_SWCOMP:
			p.sw[2].meas[0] ^= 1;
			break;
		case M_IMPL_ID_ANCHOR:
			a.impl_len = 32;
			memset(a.impl_id, 0xee, 32);
			break;
		case M_LIFECYCLE:
			p.profile = ATT_PLAT_SSD;
			p.lifecycle = 0x3700;
			break;
		case M_NOSW:
			p.nsw = 0;
			break;
		}
		att_rmm_init(&other, NULL, false);
		att_digest(ATT_SHA256, rmm.rak_cose, rmm.rak_cose_len, ch);
		CHECK(att_platform_token(&p, ch, 32, &plat_tok, &pl));
		if (m[i].kind == M_UNBOUND) {
			free(plat_tok);
			plat_tok = malloc(other.plat_len);
			memcpy(plat_tok, other.plat_token, other.plat_len);
			pl = other.plat_len;
		}
		CHECK(att_realm_token(rmm.rak, rmm.rak_hash, rmm.rak_cose, rmm.rak_cose_len, &c,
				      &realm_tok, &rl));
		/* The last byte of a COSE_Sign1 is the signature's. */
		if (m[i].kind == M_FLIP_REALM_SIG)
			realm_tok[rl - 1] ^= 1;
		if (m[i].kind == M_FLIP_PLAT_SIG)
			plat_tok[pl - 1] ^= 1;
		CHECK(att_collection(plat_tok, pl, realm_tok, rl, false, &tok, &len));
		err[0] = 0;
		if (t_check(!verify(tok, len, &o, &r, err, sizeof(err)) && !err[0], __FILE__,
			    __LINE__, "%s: verify passed or did not decode (%s)", m[i].name, err)) {
			t_check(r.check[m[i].check].verdict == ATT_FAIL &&
					strstr(r.check[m[i].check].detail, m[i].detail),
				__FILE__, __LINE__, "%s: check %s: %d '%s'", m[i].name,
				att_check_name(m[i].check), r.check[m[i].check].verdict,
				r.check[m[i].check].detail);
			for (unsigned k = 0; k < ATT_CHECK_COUNT; k++)
				if (k != m[i].check)
					t_check(r.check[k].verdict != ATT_FAIL, __FILE__, __LINE__,
						"%s: also failed %s: %s", m[i].name,
						att_check_name(k), r.check[k].detail);
		}
		att_rmm_free(&other);
		EVP_PKEY_free(k2);
		att_refvals_free(&rv);
		free(plat_tok);
		free(realm_tok);
		free(tok);
	}
}

/* Malformed inputs: decode fails with an error naming the fault. */
static void malformed(void)
{
	static const struct {
		const char *name, *hex, *want;
	} m[] = {
		{"empty", "", "empty"},
		{"not tagged", "a0", "top level is a map"},
		{"other tag", "c1a0", "tag 1,"},
		{"truncated", "d9018fa119acca58", "truncated"},
		{"collection not a map", "d9018f80", "not a map"},
		{"collection without realm", "d9018fa119acca40", "no realm token"},
		{"collection entry type", "d9018fa219acca0119acd140", "entry 44234 is an unsigned"},
		{"duplicate key", "d9018fa219acca4019acca40", "appears twice"},
		{"indefinite", "d9018fbfff", "indefinite"},
		{"huge array", "9bffffffffffffffff", "more items than the input"},
		{"deep", "818181818181818181818181818181818181818100", "nested deeper"},
		{"trailing", "a000", "bytes after the end"},
		{"cmw record", "d9038ba219acca4019acd140", "not a CMW record"},
		{"bare not sign1", "d28340a040", "not an array of 4"},
		{"sign1 field types", "d28401024040", "fields are not"},
		{"no alg", "d28441a0a04040", "no alg"},
		{"payload not map",
		 "d28443a10126a04101"
		 "40",
		 "payload is an unsigned"},
		{"claim wrong type",
		 "d28443a10126a0"
		 "4da10a6a0102030405060708090a"
		 "40",
		 "claim 10 (challenge) is a text string"},
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		uint8_t buf[64];
		size_t n = 0;
		struct att_token t;
		char err[200] = "";

		att_hex_decode(m[i].hex, strlen(m[i].hex), buf, sizeof(buf), &n);
		t_check(!att_decode(buf, n, &t, err, sizeof(err)) && strstr(err, m[i].want),
			__FILE__, __LINE__, "%s: want error with '%s', got '%s'", m[i].name,
			m[i].want, err);
	}
}

static bool put(cbor_item_t *m, int64_t k, cbor_item_t *v)
{
	cbor_item_t *key =
		k >= 0 ? cbor_build_uint32((uint32_t)k) : cbor_build_negint32((uint32_t)(-1 - k));
	bool ok = cbor_map_add(m, (struct cbor_pair){.key = cbor_move(key), .value = cbor_move(v)});

	return ok;
}

/*
 * A realm#2.0.0 token (realm instance ID, MEC policy), as TF-RMM main makes
 * them, in a CMW collection: decoded, shown and verified; without the MEC
 * policy its profile check fails naming claim 44243.
 */
static void realm2(bool with_mec)
{
	cbor_item_t *m = cbor_new_definite_map(12), *rems = cbor_new_definite_array(4);
	uint8_t b64[64], inst[33], *payload = NULL, *realm_tok, *tok;
	size_t plen, cap, rl, len;
	struct att_anchor a = {.pkey = plat.cpak};
	struct att_token t;
	struct att_report r;
	char err[200] = "";

	memset(b64, 0x41, sizeof(b64));
	memset(inst, 0xde, sizeof(inst));
	inst[0] = 0x01;
	for (int i = 0; i < 4; i++)
		cbor_array_push(rems, cbor_move(cbor_build_bytestring(b64, 32)));
	put(m, ATT_CLAIM_PROFILE, cbor_build_string(ATT_PROFILE_REALM_2));
	put(m, ATT_CLAIM_NONCE, cbor_build_bytestring(b64, 64));
	put(m, ATT_CLAIM_RPV, cbor_build_bytestring(b64, 64));
	put(m, ATT_CLAIM_RIM, cbor_build_bytestring(b64, 32));
	put(m, ATT_CLAIM_REMS, rems);
	put(m, ATT_CLAIM_HASH_ALG, cbor_build_string("sha-256"));
	put(m, ATT_CLAIM_RAK_PUB, cbor_build_bytestring(rmm.rak_cose, rmm.rak_cose_len));
	put(m, ATT_CLAIM_RAK_HASH_ALG, cbor_build_string("sha-256"));
	if (with_mec)
		put(m, ATT_CLAIM_MEC_POLICY, cbor_build_uint8(1));
	put(m, 99999, cbor_build_uint8(7)); /* a claim outside the profile: kept by key */
	put(m, ATT_CLAIM_INSTANCE_ID, cbor_build_bytestring(inst, sizeof(inst)));
	plen = cbor_serialize_alloc(m, &payload, &cap);
	cbor_decref(&m);
	CHECK(att_cose_sign1(rmm.rak, payload, plen, &realm_tok, &rl));
	CHECK(att_collection(rmm.plat_token, rmm.plat_len, realm_tok, rl, true, &tok, &len));
	if (t_check(att_decode(tok, len, &t, err, sizeof(err)), __FILE__, __LINE__, "%s", err)) {
		CHECK_EQ(t.format, ATT_FMT_COLLECTION_907);
		CHECK_EQ(t.realm.has_mec, with_mec);
		CHECK_EQ(t.realm.inst_id.len, 33);
		CHECK_EQ(t.realm.unknown, 1);
		CHECK_EQ(t.realm.nunknown_keys, 1);
		CHECK_EQ(t.realm.unknown_keys[0], 99999);
		att_verify(&t, &(struct att_verify_opts){.anchors = &a, .nanchors = 1}, &r);
		if (with_mec) {
			CHECK(r.ok);
			CHECK(strstr(r.check[ATT_CHECK_REALM_PROFILE].detail, "realm#2.0.0") !=
			      NULL);
		} else {
			CHECK_EQ(r.check[ATT_CHECK_REALM_PROFILE].verdict, ATT_FAIL);
			CHECK(strstr(r.check[ATT_CHECK_REALM_PROFILE].detail, "44243") != NULL);
		}
		att_token_free(&t);
	}
	free(payload);
	free(realm_tok);
	free(tok);
}

/*
 * The 2.0-specific failure modes (RMM specification 2.0 A7.2.3.1.3, .8,
 * .9, .12), one row each: a realm#2.0.0 claims map made here with libcbor
 * (not by token.c), one claim left out or replaced, signed by the RAK of
 * an RMM 2.0 and verified.  want_decode: decoding fails naming this;
 * want: the realm profile check fails naming this; both NULL: verifies.
 */
enum { V_OMIT, V_BSTR, V_UINT, V_TEXT, V_NEGINT };

struct r2row {
	const char *name;
	int64_t key;
	int kind;
	uint64_t n;	  /* V_BSTR: length; V_UINT: the value */
	uint8_t first;	  /* V_BSTR: first byte */
	const char *text; /* V_TEXT */
	const char *want_decode, *want;
};

static cbor_item_t *row_value(const struct r2row *w)
{
	uint8_t b[80];

	switch (w->kind) {
	case V_BSTR:
		memset(b, 0xab, sizeof(b));
		b[0] = w->first;
		return cbor_build_bytestring(b, w->n);
	case V_UINT:
		return cbor_build_uint64(w->n);
	case V_TEXT:
		return cbor_build_string(w->text);
	case V_NEGINT:
		return cbor_build_negint8(0);
	}
	return NULL;
}

static void realm2_rows(void)
{
	static const struct r2row rows[] = {
		{"valid: every mandatory claim", 0, V_OMIT, 0, 0, NULL, NULL, NULL},
		{"no realm instance ID", 256, V_OMIT, 0, 0, NULL, NULL,
		 "claim 256 (realm instance ID) is missing"},
		{"realm instance ID of 32 bytes", 256, V_BSTR, 32, 0x01, NULL, NULL,
		 "claim 256 (realm instance ID) is not 0x01 and 32 bytes"},
		{"realm instance ID of 34 bytes", 256, V_BSTR, 34, 0x01, NULL, NULL,
		 "claim 256 (realm instance ID) is not 0x01 and 32 bytes"},
		{"realm instance ID of UEID type 2 (IEEE EUI)", 256, V_BSTR, 33, 0x02, NULL, NULL,
		 "claim 256 (realm instance ID) is not 0x01 and 32 bytes"},
		{"realm instance ID as text", 256, V_TEXT, 0, 0, "01abab",
		 "claim 256 (realm instance ID) is a text string", NULL},
		{"no MEC policy", 44243, V_OMIT, 0, 0, NULL, NULL,
		 "claim 44243 (MEC policy) is missing"},
		{"MEC policy 1 (private)", 44243, V_UINT, 1, 0, NULL, NULL, NULL},
		{"MEC policy 2", 44243, V_UINT, 2, 0, NULL, NULL,
		 "claim 44243 (MEC policy) is 2, want 0"},
		{"MEC policy 255 (Veraison ccatoken's invalid vector)", 44243, V_UINT, 255, 0, NULL,
		 NULL, "claim 44243 (MEC policy) is 255"},
		{"MEC policy \"private\" (draft-ffm-rats-cca-token-03)", 44243, V_TEXT, 0, 0,
		 "private", NULL, "claim 44243 (MEC policy) is the text \"private\""},
		{"MEC policy negative", 44243, V_NEGINT, 0, 0, NULL,
		 "claim 44243 (MEC policy) is a negative integer, want an unsigned integer or a "
		 "text string",
		 NULL},
		{"LFA policy 1 (allow)", 44244, V_UINT, 1, 0, NULL, NULL, NULL},
		{"LFA policy 2", 44244, V_UINT, 2, 0, NULL, NULL, "claim 44244 (LFA policy) is 2"},
		{"LFA policy as text", 44244, V_TEXT, 0, 0, "allow",
		 "claim 44244 (LFA policy) is a text string", NULL},
		{"devices token hash of 48 bytes", 44257, V_BSTR, 48, 0xaa, NULL, NULL, NULL},
		{"devices token hash of 20 bytes", 44257, V_BSTR, 20, 0xaa, NULL, NULL,
		 "claim 44257 (devices token hash) is 20 bytes, want 32, 48 or 64"},
		{"2.0 claims under the 1.0 profile: extra claims, accepted", 265, V_TEXT, 0, 0,
		 ATT_PROFILE_REALM_1, NULL, NULL},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct r2row *w = &rows[i];
		cbor_item_t *m = cbor_new_definite_map(14), *rems = cbor_new_definite_array(4);
		uint8_t b64[64], inst[33], *payload = NULL, *realm_tok = NULL, *tok = NULL;
		size_t plen, cap, rl = 0, len = 0;
		struct att_anchor a = {.pkey = plat.cpak};
		struct att_token t;
		struct att_report r;
		char err[200] = "";
		bool replaced = false;
		/* The claims of a valid token, in TF-RMM main's order. */
		const int64_t keys[] = {10,    256,   44235, 44237, 44236,
					44240, 44243, 265,   44238, 44239};

		memset(b64, 0x5c, sizeof(b64));
		memset(inst, 0x3d, sizeof(inst));
		inst[0] = 0x01;
		for (int k = 0; k < 4; k++)
			cbor_array_push(rems, cbor_move(cbor_build_bytestring(b64, 32)));
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			cbor_item_t *v;

			if (keys[k] == w->key) {
				replaced = true;
				if (w->kind == V_OMIT)
					continue;
				put(m, keys[k], row_value(w));
				continue;
			}
			switch (keys[k]) {
			case 10:
			case 44235:
				v = cbor_build_bytestring(b64, 64);
				break;
			case 256:
				v = cbor_build_bytestring(inst, sizeof(inst));
				break;
			case 44237:
				v = cbor_build_bytestring(rmm2.rak_cose, rmm2.rak_cose_len);
				break;
			case 44236:
			case 44240:
				v = cbor_build_string("sha-256");
				break;
			case 44243:
				v = cbor_build_uint8(0);
				break;
			case 265:
				v = cbor_build_string(ATT_PROFILE_REALM_2);
				break;
			case 44238:
				v = cbor_build_bytestring(b64, 32);
				break;
			default:
				v = rems;
				cbor_incref(rems);
			}
			put(m, keys[k], v);
		}
		if (!replaced && w->key)
			put(m, w->key, row_value(w)); /* an optional claim */
		cbor_decref(&rems);
		plen = cbor_serialize_alloc(m, &payload, &cap);
		cbor_decref(&m);
		CHECK(att_cose_sign1(rmm2.rak, payload, plen, &realm_tok, &rl));
		CHECK(att_collection(rmm2.plat_token, rmm2.plat_len, realm_tok, rl, false, &tok,
				     &len));
		if (!att_decode(tok, len, &t, err, sizeof(err))) {
			t_check(w->want_decode && strstr(err, w->want_decode), __FILE__, __LINE__,
				"%s: decode failed: %s", w->name, err);
		} else {
			t_check(!w->want_decode, __FILE__, __LINE__, "%s: decoded, want '%s'",
				w->name, w->want_decode);
			att_verify(&t, &(struct att_verify_opts){.anchors = &a, .nanchors = 1}, &r);
			if (!w->want) {
				t_check(r.ok, __FILE__, __LINE__, "%s: realm profile: %s", w->name,
					r.check[ATT_CHECK_REALM_PROFILE].detail);
			} else {
				t_check(r.check[ATT_CHECK_REALM_PROFILE].verdict == ATT_FAIL &&
						strstr(r.check[ATT_CHECK_REALM_PROFILE].detail,
						       w->want),
					__FILE__, __LINE__, "%s: want '%s', got '%s'", w->name,
					w->want, r.check[ATT_CHECK_REALM_PROFILE].detail);
				/* Only the profile check fails: the signatures and binding hold. */
				for (unsigned k = 0; k < ATT_CHECK_COUNT; k++)
					if (k != ATT_CHECK_REALM_PROFILE)
						t_check(r.check[k].verdict != ATT_FAIL, __FILE__,
							__LINE__, "%s: also failed %s: %s", w->name,
							att_check_name(k), r.check[k].detail);
			}
			att_token_free(&t);
		}
		free(payload);
		free(realm_tok);
		free(tok);
	}
}

/*
 * cca_platform#2.0.0 (RMM specification 2.0 A7.2.3.3.11): the client ID
 * claim 2394 must be there and be 1 (the RMSD).  The decoded token of an
 * RMM 2.0 is changed in one field at a time and the profile rule judged.
 */
static void platform2_rows(void)
{
	uint8_t *tok = NULL;
	size_t len;
	struct att_realm_claims c;
	struct att_token t;
	char err[200] = "";

	claims(&c, ATT_SHA256);
	c.profile = ATT_REALM_2;
	c.inst_id[0] = 0x01;
	rmm2.cmw = false;
	if (!CHECK(att_rmm_token(&rmm2, &c, &tok, &len)))
		return;
	if (t_check(att_decode(tok, len, &t, err, sizeof(err)), __FILE__, __LINE__, "%s", err)) {
		struct att_platform_token p = t.platform;

		CHECK(att_check_platform_profile(&p, err, sizeof(err)));
		p.has_client_id = false;
		CHECK(!att_check_platform_profile(&p, err, sizeof(err)) &&
		      strstr(err, "claim 2394 (client ID) is missing"));
		p = t.platform;
		p.client_id = 2;
		CHECK(!att_check_platform_profile(&p, err, sizeof(err)) &&
		      strstr(err, "claim 2394 (client ID) is 2, want 1 (RMSD)"));
		p = t.platform;
		p.profile = (struct att_str){"tag:arm.com,2024:cca_platform#2.0.1", 35};
		CHECK(!att_check_platform_profile(&p, err, sizeof(err)) &&
		      strstr(err, "is not a CCA platform profile"));
		att_token_free(&t);
	}
	free(tok);
}

/* Bare tokens: a platform token alone, a realm token alone. */
static void bare(void)
{
	struct att_realm_claims c;
	struct att_anchor a = {.pkey = plat.cpak};
	struct att_verify_opts o = {.anchors = &a, .nanchors = 1};
	struct att_token t;
	struct att_report r;
	uint8_t *realm_tok;
	size_t rl;
	char err[200] = "";

	if (t_check(att_decode(rmm.plat_token, rmm.plat_len, &t, err, sizeof(err)), __FILE__,
		    __LINE__, "%s", err)) {
		CHECK_EQ(t.format, ATT_FMT_PLATFORM);
		CHECK(!t.realm.cose.present);
		CHECK(att_verify(&t, &o, &r));
		CHECK_EQ(r.check[ATT_CHECK_PLATFORM_SIGNATURE].verdict, ATT_PASS);
		CHECK_EQ(r.check[ATT_CHECK_BINDING].verdict, ATT_SKIPPED);
		att_token_free(&t);
	}
	claims(&c, ATT_SHA512);
	CHECK(att_realm_token(rmm.rak, rmm.rak_hash, rmm.rak_cose, rmm.rak_cose_len, &c, &realm_tok,
			      &rl));
	if (t_check(att_decode(realm_tok, rl, &t, err, sizeof(err)), __FILE__, __LINE__, "%s",
		    err)) {
		CHECK_EQ(t.format, ATT_FMT_REALM);
		CHECK(!t.platform.cose.present);
		CHECK(att_verify(&t, &o, &r));
		CHECK_EQ(r.check[ATT_CHECK_REALM_SIGNATURE].verdict, ATT_PASS);
		att_token_free(&t);
	}
	free(realm_tok);

	/* A realm token signed by a P-256 RAK: its signature holds, its profile does not. */
	{
		EVP_PKEY *k = EVP_EC_gen("P-256");
		uint8_t *cose = NULL;
		size_t cl = 0;

		CHECK(k && att_cose_key(k, &cose, &cl));
		CHECK(att_realm_token(k, ATT_SHA256, cose, cl, &c, &realm_tok, &rl));
		if (t_check(att_decode(realm_tok, rl, &t, err, sizeof(err)), __FILE__, __LINE__,
			    "%s", err)) {
			CHECK(!att_verify(&t, &o, &r));
			CHECK_EQ(r.check[ATT_CHECK_REALM_SIGNATURE].verdict, ATT_PASS);
			CHECK(strstr(r.check[ATT_CHECK_REALM_PROFILE].detail, "want ES384") !=
			      NULL);
			att_token_free(&t);
		}
		free(realm_tok);
		free(cose);
		EVP_PKEY_free(k);
	}
}

static uint8_t *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	uint8_t *b = malloc(1 << 16);

	snprintf(path, sizeof(path), "%s/%s", ATTEST_VECTORS, name);
	f = fopen(path, "rb");
	*len = f ? fread(b, 1, 1 << 16, f) : 0;
	if (f)
		fclose(f);
	return b;
}

/*
 * Veraison's published tokens with their published keys: which checks pass
 * and which fail (tests/attest/README.md explains each), then tampered
 * copies rejected for the right reason.
 */
static void vectors(void)
{
	static const struct {
		const char *token, *key, *refvals;
		enum att_check fails; /* ATT_CHECK_COUNT: none */
		const char *detail;
	} v[] = {
		{"rust-cca-token-01.cbor", "go-tf-rmm-cca_platform.pub", "rust-rv.json",
		 ATT_CHECK_COUNT, NULL},
		{"rust-cca-token-01.cbor", "rust-cpak.json", NULL, ATT_CHECK_COUNT, NULL},
		{"rust-cca-token-draft-ffm-00.cbor", "rust-ta-tfa.json", NULL, ATT_CHECK_COUNT,
		 NULL},
		{"rust-cca-token-02.cbor", "rust-ta-02-ok.json", NULL, ATT_CHECK_REALM_PROFILE,
		 "claim 44238 (RIM) is 64 bytes, want 32 for sha-256"},
		{"rust-bug-33-repro.cbor", "rust-ta-tfa.json", NULL, ATT_CHECK_BINDING,
		 "platform challenge"},
		{"rust-cca-token-01.cbor", "rust-ta.json", NULL, ATT_CHECK_PLATFORM_SIGNATURE,
		 "signed with ES384 (alg -35), the key is for ES256"},
		/* realmkit's own: a running realm's token from an RMM 2.0 (README). */
		{"realmkit-rmm2-token.cbor", "realmkit-default-cpak.pem", NULL, ATT_CHECK_COUNT,
		 NULL},
		{"realmkit-rmm2-token.cbor", "go-tf-rmm-cca_platform.pub", NULL,
		 ATT_CHECK_PLATFORM_SIGNATURE, "does not verify"},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct att_anchor *a;
		unsigned na;
		struct att_refvals rv;
		struct att_verify_opts o = {0};
		struct att_report r;
		char err[256] = "", path[512];
		size_t len;
		uint8_t *tok = slurp(v[i].token, &len);

		snprintf(path, sizeof(path), "%s/%s", ATTEST_VECTORS, v[i].key);
		if (!t_check(att_anchors_load(path, &a, &na, err, sizeof(err)), __FILE__, __LINE__,
			     "%s", err)) {
			free(tok);
			continue;
		}
		o.anchors = a;
		o.nanchors = na;
		if (v[i].refvals) {
			snprintf(path, sizeof(path), "%s/%s", ATTEST_VECTORS, v[i].refvals);
			CHECK(att_refvals_load(path, &rv, err, sizeof(err)));
			o.refvals = &rv;
		}
		if (t_check(len > 0, __FILE__, __LINE__, "%s missing", v[i].token)) {
			bool ok = verify(tok, len, &o, &r, err, sizeof(err));

			t_check(ok == (v[i].fails == ATT_CHECK_COUNT) && !err[0], __FILE__,
				__LINE__, "%s with %s: verify %d (%s)", v[i].token, v[i].key, ok,
				err);
			for (unsigned k = 0; k < ATT_CHECK_COUNT; k++)
				t_check((r.check[k].verdict == ATT_FAIL) == (k == v[i].fails) &&
						(k != v[i].fails ||
						 strstr(r.check[k].detail, v[i].detail)),
					__FILE__, __LINE__, "%s: %s: %d %s", v[i].token,
					att_check_name(k), r.check[k].verdict, r.check[k].detail);
			if (v[i].refvals) {
				CHECK_EQ(r.check[ATT_CHECK_REALM_REFVALS].verdict, ATT_PASS);
				CHECK_EQ(r.check[ATT_CHECK_PLATFORM_REFVALS].verdict, ATT_PASS);
			}
		}
		if (v[i].fails == ATT_CHECK_COUNT && len > 200) {
			/* Tampered: a byte of the realm signature (the last), then the platform
			 * challenge's first byte (found in the token), each fails its check. */
			uint8_t *bad = malloc(len);

			memcpy(bad, tok, len);
			bad[len - 1] ^= 0x01;
			verify(bad, len, &o, &r, err, sizeof(err));
			CHECK_EQ(r.check[ATT_CHECK_REALM_SIGNATURE].verdict, ATT_FAIL);
			CHECK_EQ(r.check[ATT_CHECK_PLATFORM_SIGNATURE].verdict, ATT_PASS);
			memcpy(bad, tok, len);
			bad[40] ^= 0x01; /* inside the platform token's claims */
			err[0] = 0;
			if (verify(bad, len, &o, &r, err, sizeof(err)) || !err[0])
				CHECK_EQ(r.check[ATT_CHECK_PLATFORM_SIGNATURE].verdict, ATT_FAIL);
			memcpy(bad, tok, len);
			bad[len / 2] = 0xff; /* a break byte: never valid in definite CBOR */
			err[0] = 0;
			CHECK(!verify(bad, len, &o, &r, err, sizeof(err)) || !r.ok);
			free(bad);
		}
		if (v[i].refvals)
			att_refvals_free(&rv);
		att_anchors_free(a, na);
		free(tok);
	}
}

int main(void)
{
	CHECK(att_platform_init(&plat, NULL));
	CHECK(att_rmm_init(&rmm, &plat, false));
	{
		struct att_platform p2 = plat;

		p2.profile = ATT_PLAT_2024;
		CHECK(att_rmm_init(&rmm2, &p2, false));
	}
	for (int prof = ATT_REALM_1; prof <= ATT_REALM_2; prof++) {
		round_trip(ATT_SHA256, false, prof);
		round_trip(ATT_SHA512, false, prof);
		round_trip(ATT_SHA256, true, prof);
		round_trip(ATT_SHA512, true, prof);
	}
	plat.profile = ATT_PLAT_SSD; /* the legacy platform profile, signed and verified */
	att_rmm_free(&rmm);
	CHECK(att_rmm_init(&rmm, &plat, false));
	round_trip(ATT_SHA256, false, ATT_REALM_1);
	plat.profile = ATT_PLAT_2023;
	att_rmm_free(&rmm);
	CHECK(att_rmm_init(&rmm, &plat, false));
	mutations();
	malformed();
	vectors();
	bare();
	realm2(true);
	realm2(false);
	realm2_rows();
	platform2_rows();
	att_rmm_free(&rmm);
	att_rmm_free(&rmm2);
	att_platform_free(&plat);
	return t_done();
}
