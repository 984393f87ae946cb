// SPDX-License-Identifier: MIT
/*
 * Hashes, EC keys (OpenSSL), COSE_Key (libcbor), and the simulated
 * platform's identity: what a CCA platform's RSE would hold.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cbor.h>

#include "attest/attest.h"
#include "attest/cose.h"

#ifndef REALMKIT_VERSION
#define REALMKIT_VERSION "0.1.0"
#endif

static const struct {
	const char *name;
	size_t len;
} hashes[] = {
	[ATT_SHA256] = {"sha-256", 32},
	[ATT_SHA384] = {"sha-384", 48},
	[ATT_SHA512] = {"sha-512", 64},
};

const char *att_hash_name(enum att_hash h)
{
	return h < ATT_HASH_UNKNOWN ? hashes[h].name : "unknown";
}

enum att_hash att_hash_from_name(const char *name, size_t len)
{
	for (unsigned h = 0; h < ATT_HASH_UNKNOWN; h++)
		if (name && strlen(hashes[h].name) == len && !memcmp(hashes[h].name, name, len))
			return (enum att_hash)h;
	return ATT_HASH_UNKNOWN;
}

size_t att_hash_len(enum att_hash h)
{
	return h < ATT_HASH_UNKNOWN ? hashes[h].len : 0;
}

const EVP_MD *att_hash_md(enum att_hash h)
{
	switch (h) {
	case ATT_SHA256:
		return EVP_sha256();
	case ATT_SHA384:
		return EVP_sha384();
	case ATT_SHA512:
		return EVP_sha512();
	default:
		return NULL;
	}
}

bool att_digest(enum att_hash h, const void *data, size_t len, uint8_t *out)
{
	const EVP_MD *md = att_hash_md(h);

	return md && EVP_Digest(data, len, out, NULL, md, NULL) == 1;
}

EVP_PKEY *att_p384_generate(void)
{
	return EVP_EC_gen("P-384");
}

static int key_nid(EVP_PKEY *key)
{
	char name[64];

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
	    !EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name),
					    NULL))
		return NID_undef;
	return OBJ_sn2nid(name);
}

/* An EC key from its group and (optional) private scalar and public point. */
static EVP_PKEY *ec_fromdata(int nid, const BIGNUM *priv, const uint8_t *pt, size_t ptlen)
{
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *key = NULL;

	if (!b || !ctx ||
	    !OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, OBJ_nid2sn(nid), 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pt, ptlen) ||
	    (priv && !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, priv)))
		goto out;
	params = OSSL_PARAM_BLD_to_param(b);
	if (!params || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) !=
		    1)
		key = NULL;
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

EVP_PKEY *att_ec_public(int nid, const uint8_t *point, size_t len)
{
	EVP_PKEY *key = ec_fromdata(nid, NULL, point, len);
	EVP_PKEY_CTX *c;
	int ok;

	if (!key)
		return NULL;
	/* fromdata does not check that the point is on the curve. */
	c = EVP_PKEY_CTX_new(key, NULL);
	/* On the curve; the curves used have cofactor 1, so the order check adds nothing. */
	ok = c && EVP_PKEY_public_check_quick(c) == 1;
	EVP_PKEY_CTX_free(c);
	if (!ok) {
		EVP_PKEY_free(key);
		ERR_clear_error();
		return NULL;
	}
	return key;
}

EVP_PKEY *att_p384_from_seed(const void *seed, size_t len)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp384r1);
	BIGNUM *d = NULL, *one = BN_new();
	EC_POINT *pub = NULL;
	BN_CTX *bc = BN_CTX_new();
	uint8_t h[48], pt[97];
	EVP_PKEY *key = NULL;

	if (!g || !one || !bc || !att_digest(ATT_SHA384, seed, len, h))
		goto out;
	/* d = (H(seed) mod (n - 1)) + 1: never zero. */
	d = BN_bin2bn(h, sizeof(h), NULL);
	BN_one(one);
	if (!d || !BN_sub(one, EC_GROUP_get0_order(g), one) || !BN_mod(d, d, one, bc) ||
	    !BN_add_word(d, 1))
		goto out;
	pub = EC_POINT_new(g);
	if (!pub || !EC_POINT_mul(g, pub, d, NULL, NULL, bc) ||
	    EC_POINT_point2oct(g, pub, POINT_CONVERSION_UNCOMPRESSED, pt, sizeof(pt), bc) != 97)
		goto out;
	key = ec_fromdata(NID_secp384r1, d, pt, sizeof(pt));
out:
	EC_POINT_free(pub);
	BN_clear_free(d);
	BN_free(one);
	BN_CTX_free(bc);
	EC_GROUP_free(g);
	return key;
}

size_t att_ec_point(EVP_PKEY *key, uint8_t *out, size_t size)
{
	size_t len = 0;

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
		return 0;
	/* The encoded public key is uncompressed unless the key was made otherwise. */
	EVP_PKEY_set_utf8_string_param(key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
				       "uncompressed");
	if (!EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out, size, &len))
		return 0;
	return len;
}

static int cose_crv(int nid)
{
	switch (nid) {
	case NID_X9_62_prime256v1:
		return 1;
	case NID_secp384r1:
		return 2;
	case NID_secp521r1:
		return 3;
	default:
		return 0;
	}
}

static bool map_put(cbor_item_t *map, cbor_item_t *k, cbor_item_t *v)
{
	bool ok = k && v && cbor_map_add(map, (struct cbor_pair){.key = k, .value = v});

	if (k)
		cbor_decref(&k);
	if (v)
		cbor_decref(&v);
	return ok;
}

bool att_cose_key(EVP_PKEY *key, uint8_t **out, size_t *len)
{
	uint8_t pt[133];
	size_t n = att_ec_point(key, pt, sizeof(pt)), c, buflen;
	int crv = cose_crv(key_nid(key));
	cbor_item_t *m;
	bool ok;

	if (!n || !crv || pt[0] != 4)
		return false;
	c = (n - 1) / 2;
	m = cbor_new_definite_map(4);
	if (!m)
		return false;
	ok = map_put(m, att_cbor_int(1), att_cbor_int(2)) && /* kty: EC2 */
	     map_put(m, att_cbor_int(-1), att_cbor_int(crv)) &&
	     map_put(m, att_cbor_int(-2), cbor_build_bytestring(pt + 1, c)) &&
	     map_put(m, att_cbor_int(-3), cbor_build_bytestring(pt + 1 + c, c));
	*out = NULL;
	*len = ok ? cbor_serialize_alloc(m, out, &buflen) : 0;
	cbor_decref(&m);
	return *len != 0;
}

/* ---- the platform ---- */

/* The published seed of the default CPAK (docs/ATTESTATION.md): not a secret. */
static const char default_cpak_seed[] = "realmkit default CCA platform attestation key, v1";

static void sha256_str(const char *s, uint8_t *out)
{
	att_digest(ATT_SHA256, s, strlen(s), out);
}

static void add_comp(struct att_platform *p, const char *type, const char *what)
{
	struct att_swcomp *c = &p->sw[p->nsw++];
	char buf[160];

	snprintf(c->type, sizeof(c->type), "%s", type);
	snprintf(c->version, sizeof(c->version), "%s", REALMKIT_VERSION);
	snprintf(buf, sizeof(buf), "realmkit %s %s", REALMKIT_VERSION, what);
	sha256_str(buf, c->meas);
	c->meas_len = 32;
	sha256_str("realmkit firmware signer", c->signer);
	c->signer_len = 32;
	snprintf(c->hash_alg, sizeof(c->hash_alg), "sha-256");
}

bool att_platform_init(struct att_platform *p, EVP_PKEY *cpak)
{
	uint8_t pt[133];
	size_t n;

	memset(p, 0, sizeof(*p));
	if (!cpak)
		cpak = att_p384_from_seed(default_cpak_seed, strlen(default_cpak_seed));
	if (!cpak)
		return false;
	p->cpak = cpak;
	n = att_ec_point(cpak, pt, sizeof(pt));
	if (!n)
		return false;
	p->profile = ATT_PLAT_2023;
	sha256_str("realmkit simulated CCA platform", p->impl_id);
	/* Instance ID: UEID type RAND (0x01) and the hash of the CPAK public key. */
	p->inst_id[0] = 0x01;
	att_digest(ATT_SHA256, pt, n, p->inst_id + 1);
	p->lifecycle = 0x3000; /* PSA "secured" */
	memcpy(p->config, "RKCF", 4);
	p->config_len = 4;
	p->hash = ATT_SHA256;
	snprintf(p->vsv, sizeof(p->vsv),
		 "https://veraison.example/.well-known/veraison/verification");
	add_comp(p, "BL1", "simulated boot ROM (src/hw)");
	add_comp(p, "BL2", "simulated trusted boot (src/machine)");
	add_comp(p, "RMM", "software RMM (src/rmm, RMI 1.0, RSI 1.0)");
	return true;
}

void att_platform_free(struct att_platform *p)
{
	EVP_PKEY_free(p->cpak);
	p->cpak = NULL;
}

static void errf(char *err, size_t n, const char *path, const char *what)
{
	snprintf(err, n, "%s: %s", path, what);
}

EVP_PKEY *att_load_private_pem(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	EVP_PKEY *key;
	char msg[160];
	int nid;

	if (!f) {
		errf(err, errlen, path, strerror(errno));
		return NULL;
	}
	key = PEM_read_PrivateKey(f, NULL, NULL, (void *)"");
	fclose(f);
	if (!key) {
		ERR_clear_error();
		errf(err, errlen, path, "not a PEM private key (damaged, encrypted or not a key)");
		return NULL;
	}
	nid = key_nid(key);
	if (nid != NID_secp384r1) {
		snprintf(msg, sizeof(msg), "a %s key, not an EC P-384 private key",
			 nid != NID_undef ? OBJ_nid2sn(nid) : EVP_PKEY_get0_type_name(key));
		errf(err, errlen, path, msg);
		EVP_PKEY_free(key);
		return NULL;
	}
	return key;
}

bool att_save_private_pem(EVP_PKEY *key, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f;
	bool ok;

	if (fd < 0 || fchmod(fd, 0600)) {
		errf(err, errlen, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		errf(err, errlen, path, strerror(errno));
		return false;
	}
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
	ok = (fclose(f) == 0) && ok;
	if (!ok)
		errf(err, errlen, path, "could not write the key");
	return ok;
}

char *att_jwk(EVP_PKEY *key)
{
	uint8_t pt[133];
	size_t n = att_ec_point(key, pt, sizeof(pt)), c;
	char x[100], y[100], *s;
	const char *crv;
	json_t *o;

	switch (key_nid(key)) {
	case NID_X9_62_prime256v1:
		crv = "P-256";
		break;
	case NID_secp384r1:
		crv = "P-384";
		break;
	case NID_secp521r1:
		crv = "P-521";
		break;
	default:
		return NULL;
	}
	if (!n || pt[0] != 4)
		return NULL;
	c = (n - 1) / 2;
	att_b64url(pt + 1, c, x);
	att_b64url(pt + 1 + c, c, y);
	o = json_pack("{s:s, s:s, s:s, s:s}", "kty", "EC", "crv", crv, "x", x, "y", y);
	s = o ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	return s;
}
