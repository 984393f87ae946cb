// SPDX-License-Identifier: MIT
/*
 * Token encoding: EAT claim sets (libcbor), COSE_Sign1 with ECDSA (OpenSSL),
 * the CCA token collection, and the RMM's per-boot attestation state.
 */
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "attest/attest.h"
#include "attest/cose.h"

cbor_item_t *att_cbor_int(int64_t v)
{
	uint64_t u = v >= 0 ? (uint64_t)v : (uint64_t)(-1 - v);
	bool neg = v < 0;

	if (u <= UINT8_MAX)
		return neg ? cbor_build_negint8((uint8_t)u) : cbor_build_uint8((uint8_t)u);
	if (u <= UINT16_MAX)
		return neg ? cbor_build_negint16((uint16_t)u) : cbor_build_uint16((uint16_t)u);
	if (u <= UINT32_MAX)
		return neg ? cbor_build_negint32((uint32_t)u) : cbor_build_uint32((uint32_t)u);
	return neg ? cbor_build_negint64(u) : cbor_build_uint64(u);
}

/* Add key -> value to @map, taking both references; false if any is NULL or it fails. */
static bool put(cbor_item_t *map, int64_t key, cbor_item_t *v)
{
	cbor_item_t *k = att_cbor_int(key);
	bool ok = k && v && cbor_map_add(map, (struct cbor_pair){.key = k, .value = v});

	if (k)
		cbor_decref(&k);
	if (v)
		cbor_decref(&v);
	return ok;
}

static cbor_item_t *bstr(const void *p, size_t len)
{
	return cbor_build_bytestring(p, len);
}

static cbor_item_t *tstr(const char *s)
{
	return cbor_build_string(s);
}

static bool serialize(cbor_item_t *item, uint8_t **out, size_t *len)
{
	size_t cap;

	*out = NULL;
	*len = item ? cbor_serialize_alloc(item, out, &cap) : 0;
	if (item)
		cbor_decref(&item);
	return *len != 0;
}

/* ---- COSE ---- */

int att_cose_alg_for_key(EVP_PKEY *key, enum att_hash *h, size_t *coord)
{
	char name[64];

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
	    !EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name),
					    NULL))
		return 0;
	switch (OBJ_sn2nid(name)) {
	case NID_X9_62_prime256v1:
		*h = ATT_SHA256;
		*coord = 32;
		return ATT_COSE_ES256;
	case NID_secp384r1:
		*h = ATT_SHA384;
		*coord = 48;
		return ATT_COSE_ES384;
	case NID_secp521r1:
		*h = ATT_SHA512;
		*coord = 66;
		return ATT_COSE_ES512;
	default:
		return 0;
	}
}

bool att_sig_structure(const uint8_t *prot, size_t plen, const uint8_t *payload, size_t len,
		       uint8_t **out, size_t *outlen)
{
	cbor_item_t *a = cbor_new_definite_array(4);
	bool ok = a && cbor_array_push(a, cbor_move(tstr("Signature1"))) &&
		  cbor_array_push(a, cbor_move(bstr(prot, plen))) &&
		  cbor_array_push(a, cbor_move(bstr("", 0))) &&
		  cbor_array_push(a, cbor_move(bstr(payload, len)));

	if (!ok) {
		if (a)
			cbor_decref(&a);
		return false;
	}
	return serialize(a, out, outlen);
}

bool att_cose_sign1(EVP_PKEY *key, const uint8_t *payload, size_t plen, uint8_t **out, size_t *len)
{
	enum att_hash h;
	size_t coord, tbslen = 0, protlen = 0, derlen = 0;
	int alg = att_cose_alg_for_key(key, &h, &coord);
	uint8_t *prot = NULL, *tbs = NULL, der[160], raw[132];
	const unsigned char *dp = der;
	EVP_MD_CTX *md = NULL;
	ECDSA_SIG *sig = NULL;
	cbor_item_t *hdr, *arr = NULL;
	bool ok = false;

	if (!alg)
		return false;
	hdr = cbor_new_definite_map(1);
	if (!hdr)
		goto out;
	if (!put(hdr, 1, att_cbor_int(alg))) {
		cbor_decref(&hdr);
		goto out;
	}
	if (!serialize(hdr, &prot, &protlen))
		goto out;
	if (!att_sig_structure(prot, protlen, payload, plen, &tbs, &tbslen))
		goto out;
	md = EVP_MD_CTX_new();
	derlen = sizeof(der);
	if (!md || EVP_DigestSignInit(md, NULL, att_hash_md(h), NULL, key) != 1 ||
	    EVP_DigestSign(md, der, &derlen, tbs, tbslen) != 1)
		goto out;
	sig = d2i_ECDSA_SIG(NULL, &dp, (long)derlen);
	if (!sig || BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, (int)coord) < 0 ||
	    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + coord, (int)coord) < 0)
		goto out;
	arr = cbor_new_definite_array(4);
	if (!arr || !cbor_array_push(arr, cbor_move(bstr(prot, protlen))) ||
	    !cbor_array_push(arr, cbor_move(cbor_new_definite_map(0))) ||
	    !cbor_array_push(arr, cbor_move(bstr(payload, plen))) ||
	    !cbor_array_push(arr, cbor_move(bstr(raw, 2 * coord))))
		goto out;
	ok = serialize(cbor_build_tag(ATT_TAG_COSE_SIGN1, cbor_move(arr)), out, len);
	arr = NULL;
out:
	if (arr)
		cbor_decref(&arr);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	free(prot);
	free(tbs);
	return ok;
}

/* ---- claim sets ---- */

static cbor_item_t *sw_component(const struct att_swcomp *c)
{
	cbor_item_t *m = cbor_new_definite_map(c->hash_alg[0] ? 5 : 4);

	if (!m)
		return NULL;
	if (!put(m, 1, tstr(c->type)) || !put(m, 2, bstr(c->meas, c->meas_len)) ||
	    !put(m, 4, tstr(c->version)) || !put(m, 5, bstr(c->signer, c->signer_len)) ||
	    (c->hash_alg[0] && !put(m, 6, tstr(c->hash_alg)))) {
		cbor_decref(&m);
		return NULL;
	}
	return m;
}

bool att_platform_token(const struct att_platform *p, const uint8_t *challenge, size_t clen,
			uint8_t **out, size_t *len)
{
	bool v2 = p->profile == ATT_PLAT_2024;
	cbor_item_t *m = cbor_new_definite_map(8 + (p->vsv[0] ? 1 : 0) + (v2 ? 1 : 0)), *sw;
	uint8_t *payload = NULL;
	size_t plen;
	const char *profile = v2			   ? ATT_PROFILE_PLAT_2024
			      : p->profile == ATT_PLAT_SSD ? ATT_PROFILE_PLAT_SSD
							   : ATT_PROFILE_PLAT_2023;
	bool ok;

	if (!m)
		return false;
	sw = cbor_new_definite_array(p->nsw);
	for (unsigned i = 0; sw && i < p->nsw; i++)
		if (!cbor_array_push(sw, cbor_move(sw_component(&p->sw[i])))) {
			cbor_decref(&sw);
			break;
		}
	ok = put(m, ATT_CLAIM_PROFILE, tstr(profile)) &&
	     put(m, ATT_CLAIM_NONCE, bstr(challenge, clen)) &&
	     put(m, ATT_CLAIM_IMPL_ID, bstr(p->impl_id, sizeof(p->impl_id))) &&
	     put(m, ATT_CLAIM_INSTANCE_ID, bstr(p->inst_id, sizeof(p->inst_id))) &&
	     put(m, ATT_CLAIM_CONFIG, bstr(p->config, p->config_len)) &&
	     put(m, ATT_CLAIM_LIFECYCLE, att_cbor_int(p->lifecycle)) && put(m, ATT_CLAIM_SW_COMPS, sw) &&
	     (!p->vsv[0] || put(m, ATT_CLAIM_VSV, tstr(p->vsv))) &&
	     put(m, ATT_CLAIM_PLAT_HASH, tstr(att_hash_name(p->hash))) &&
	     /* 2.0: the security domain that asked for the token, always the RMSD. */
	     (!v2 || put(m, ATT_CLAIM_CLIENT_ID, att_cbor_int(ATT_CLIENT_ID_RMSD)));
	if (!ok) {
		cbor_decref(&m);
		return false;
	}
	if (!serialize(m, &payload, &plen))
		return false;
	ok = att_cose_sign1(p->cpak, payload, plen, out, len);
	free(payload);
	return ok;
}

bool att_realm_token(EVP_PKEY *rak, enum att_hash rak_hash, const uint8_t *rak_cose,
		     size_t rak_cose_len, const struct att_realm_claims *c, uint8_t **out,
		     size_t *len)
{
	size_t hl = att_hash_len(c->hash);
	bool v2 = c->profile == ATT_REALM_2;
	cbor_item_t *m = cbor_new_definite_map(v2 ? 10 : 8),
		    *rems = cbor_new_definite_array(ATT_NUM_REMS);
	uint8_t *payload = NULL;
	size_t plen;
	bool ok = m && rems && hl && (c->profile == ATT_REALM_1 || v2) &&
		  (!v2 || c->mec_policy <= ATT_MEC_PRIVATE);

	for (unsigned i = 0; ok && i < ATT_NUM_REMS; i++)
		ok = cbor_array_push(rems, cbor_move(bstr(c->rem[i], hl)));
	if (!ok) {
		if (m)
			cbor_decref(&m);
		if (rems)
			cbor_decref(&rems);
		return false;
	}
	/*
	 * 2.0 (RMM specification 2.0 A7.2.3.1) adds the realm instance ID and
	 * the MEC policy; the optional LFA policy and devices token hash are
	 * not made (no live firmware activation, no device assignment).
	 */
	ok = put(m, ATT_CLAIM_PROFILE, tstr(v2 ? ATT_PROFILE_REALM_2 : ATT_PROFILE_REALM_1)) &&
	     put(m, ATT_CLAIM_NONCE, bstr(c->challenge, ATT_CHALLENGE_SIZE)) &&
	     (!v2 || put(m, ATT_CLAIM_INSTANCE_ID, bstr(c->inst_id, ATT_REALM_INST_ID_SIZE))) &&
	     put(m, ATT_CLAIM_RPV, bstr(c->rpv, ATT_RPV_SIZE)) &&
	     put(m, ATT_CLAIM_RAK_PUB, bstr(rak_cose, rak_cose_len)) &&
	     put(m, ATT_CLAIM_RAK_HASH_ALG, tstr(att_hash_name(rak_hash))) &&
	     put(m, ATT_CLAIM_HASH_ALG, tstr(att_hash_name(c->hash))) &&
	     (!v2 || put(m, ATT_CLAIM_MEC_POLICY, att_cbor_int(c->mec_policy))) &&
	     put(m, ATT_CLAIM_RIM, bstr(c->rim, hl)) && put(m, ATT_CLAIM_REMS, rems);
	if (!ok) {
		cbor_decref(&m);
		return false;
	}
	if (!serialize(m, &payload, &plen))
		return false;
	ok = att_cose_sign1(rak, payload, plen, out, len);
	free(payload);
	return ok;
}

static cbor_item_t *cmw_record(const uint8_t *p, size_t len)
{
	cbor_item_t *a = cbor_new_definite_array(2);

	if (a && (!cbor_array_push(a, cbor_move(att_cbor_int(ATT_CMW_CONTENT_FORMAT))) ||
		  !cbor_array_push(a, cbor_move(bstr(p, len))))) {
		cbor_decref(&a);
		return NULL;
	}
	return a;
}

bool att_collection(const uint8_t *plat, size_t plat_len, const uint8_t *realm, size_t realm_len,
		    bool cmw, uint8_t **out, size_t *len)
{
	cbor_item_t *m = cbor_new_definite_map(2);

	if (!m)
		return false;
	if (!put(m, ATT_KEY_PLATFORM_TOKEN,
		 cmw ? cmw_record(plat, plat_len) : bstr(plat, plat_len)) ||
	    !put(m, ATT_KEY_REALM_TOKEN,
		 cmw ? cmw_record(realm, realm_len) : bstr(realm, realm_len))) {
		cbor_decref(&m);
		return false;
	}
	return serialize(
		cbor_build_tag(cmw ? ATT_TAG_CMW_COLLECTION : ATT_TAG_CCA_COLLECTION, cbor_move(m)),
		out, len);
}

/* ---- the RMM's attestation state ---- */

bool att_rmm_init(struct att_rmm *a, const struct att_platform *p, bool cmw)
{
	struct att_platform def;
	uint8_t ch[ATT_MAX_HASH];
	bool ok;

	memset(a, 0, sizeof(*a));
	a->cmw = cmw;
	a->rak_hash = ATT_SHA256;
	if (!p) {
		if (!att_platform_init(&def, NULL))
			return false;
		p = &def;
	}
	/*
	 * The RAK is new at every boot (every RMM).  The platform token is
	 * made once, for the challenge that binds it to this RAK.
	 */
	a->rak = att_p384_generate();
	ok = a->rak && att_cose_key(a->rak, &a->rak_cose, &a->rak_cose_len) &&
	     att_digest(a->rak_hash, a->rak_cose, a->rak_cose_len, ch) &&
	     att_platform_token(p, ch, att_hash_len(a->rak_hash), &a->plat_token, &a->plat_len);
	if (p == &def)
		att_platform_free(&def);
	if (!ok)
		att_rmm_free(a);
	return ok;
}

void att_rmm_free(struct att_rmm *a)
{
	EVP_PKEY_free(a->rak);
	free(a->rak_cose);
	free(a->plat_token);
	memset(a, 0, sizeof(*a));
}

bool att_rmm_token(const struct att_rmm *a, const struct att_realm_claims *c, uint8_t **out,
		   size_t *len)
{
	uint8_t *realm = NULL;
	size_t rlen;
	bool ok = att_realm_token(a->rak, a->rak_hash, a->rak_cose, a->rak_cose_len, c, &realm,
				  &rlen) &&
		  att_collection(a->plat_token, a->plat_len, realm, rlen, a->cmw, out, len);

	free(realm);
	if (ok && *len > ATT_TOKEN_MAX) {
		free(*out);
		return false;
	}
	return ok;
}
