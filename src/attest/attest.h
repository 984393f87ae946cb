/* SPDX-License-Identifier: MIT */
/*
 * Arm CCA attestation tokens: the simulated platform identity, the Realm
 * Attestation Key, realm and platform tokens (COSE_Sign1 ES384 over EAT
 * claims), the CCA token collection (CBOR tag 399, or the CMW collection
 * tag 907), and a decoder/verifier for every token generation in the wild
 * (docs/ATTESTATION.md).  OpenSSL signs and hashes; libcbor encodes and
 * decodes; this file's code is the glue between them.
 *
 * Used by the RMM (RSI_ATTEST_TOKEN_INIT/CONTINUE), `realmkit token` and
 * `realmkit platform`.  Thread-safe: no global state.
 */
#ifndef REALMKIT_ATTEST_H
#define REALMKIT_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* ---- claim keys (CCA platform profile, RMM 1.0 realm claims, EAT) ---- */
#define ATT_TAG_CCA_COLLECTION 399
#define ATT_TAG_CMW_COLLECTION 907
#define ATT_TAG_COSE_SIGN1     18
#define ATT_CMW_CONTENT_FORMAT 263 /* application/eat+cwt; in CMW records of tag 907 */
#define ATT_KEY_PLATFORM_TOKEN 44234
#define ATT_KEY_REALM_TOKEN    44241

#define ATT_CLAIM_NONCE	       10
#define ATT_CLAIM_INSTANCE_ID  256
#define ATT_CLAIM_PROFILE      265
#define ATT_CLAIM_LIFECYCLE    2395
#define ATT_CLAIM_IMPL_ID      2396
#define ATT_CLAIM_SW_COMPS     2399
#define ATT_CLAIM_VSV	       2400
#define ATT_CLAIM_CONFIG       2401
#define ATT_CLAIM_PLAT_HASH    2402
#define ATT_CLAIM_RPV	       44235
#define ATT_CLAIM_HASH_ALG     44236
#define ATT_CLAIM_RAK_PUB      44237
#define ATT_CLAIM_RIM	       44238
#define ATT_CLAIM_REMS	       44239
#define ATT_CLAIM_RAK_HASH_ALG 44240
#define ATT_CLAIM_MEC_POLICY   44243 /* realm#2.0.0: 0 shared, 1 private */
#define ATT_CLAIM_LFA_POLICY   44244 /* realm#2.0.0, optional: 0 disallow, 1 allow */
#define ATT_CLAIM_DEV_HASH     44257 /* realm#2.0.0, only with assigned devices */
#define ATT_CLAIM_CLIENT_ID    2394  /* cca_platform#2.0.0: 1 = RMSD */
#define ATT_CLAIM_MFG_CONFIG   2403  /* cca_platform#2.0.0, optional */
#define ATT_CLAIM_PLAT_EXT     2404  /* cca_platform#2.0.0, optional */

#define ATT_PROFILE_REALM_1   "tag:arm.com,2023:realm#1.0.0"
#define ATT_PROFILE_REALM_2   "tag:arm.com,2024:realm#2.0.0"
#define ATT_PROFILE_PLAT_2023 "tag:arm.com,2023:cca_platform#1.0.0"
#define ATT_PROFILE_PLAT_SSD  "http://arm.com/CCA-SSD/1.0.0"
#define ATT_PROFILE_PLAT_2024 "tag:arm.com,2024:cca_platform#2.0.0"

#define ATT_MEC_SHARED	     0
#define ATT_MEC_PRIVATE	     1
#define ATT_CLIENT_ID_RMSD   1

#define ATT_CHALLENGE_SIZE 64
#define ATT_RPV_SIZE	   64
#define ATT_MAX_HASH	   64
#define ATT_NUM_REMS	   4
#define ATT_MAX_SWCOMP	   16
#define ATT_IMPL_ID_SIZE   32
#define ATT_INST_ID_SIZE   33
#define ATT_REALM_INST_ID_SIZE 33 /* 0x01 (UEID type RAND) and 32 random bytes */

/* ---- hashes ---- */
enum att_hash { ATT_SHA256, ATT_SHA384, ATT_SHA512, ATT_HASH_UNKNOWN };
const char *att_hash_name(enum att_hash h); /* "sha-256", ... (IANA Named Information) */
enum att_hash att_hash_from_name(const char *name, size_t len);
size_t att_hash_len(enum att_hash h);
const EVP_MD *att_hash_md(enum att_hash h);
bool att_digest(enum att_hash h, const void *data, size_t len, uint8_t *out);

/* ---- keys ---- */
/* A new P-384 key pair; NULL on failure. */
EVP_PKEY *att_p384_generate(void);
/* The P-384 key pair whose private scalar is derived from @seed (deterministic). */
EVP_PKEY *att_p384_from_seed(const void *seed, size_t len);
/* The uncompressed SEC1 point 0x04||X||Y of an EC key; 0 on failure. */
size_t att_ec_point(EVP_PKEY *key, uint8_t *out, size_t size);
/* COSE_Key (EC2: kty, crv, x, y) of an EC public key, malloc'd CBOR. */
bool att_cose_key(EVP_PKEY *key, uint8_t **out, size_t *len);

/* ---- the simulated platform ---- */
struct att_swcomp {
	char type[32];		    /* measurement-type (1) */
	uint8_t meas[ATT_MAX_HASH]; /* measurement-value (2) */
	size_t meas_len;
	char version[32];	      /* version (4) */
	uint8_t signer[ATT_MAX_HASH]; /* signer-id (5) */
	size_t signer_len;
	char hash_alg[16]; /* measurement-description / hash-algo-id (6), "" if absent */
};

/* ATT_PLAT_2024: RMM 2.0's platform token (adds the client ID claim 2394). */
enum att_plat_profile { ATT_PLAT_2023, ATT_PLAT_SSD, ATT_PLAT_2024 };

struct att_platform {
	EVP_PKEY *cpak; /* CCA Platform Attestation Key, P-384, private */
	enum att_plat_profile profile;
	uint8_t impl_id[ATT_IMPL_ID_SIZE];
	uint8_t inst_id[ATT_INST_ID_SIZE]; /* 0x01 || SHA-256(CPAK point) */
	uint32_t lifecycle;
	uint8_t config[32];
	size_t config_len;
	enum att_hash hash; /* platform hash algorithm claim */
	char vsv[128];	    /* verification service indicator */
	struct att_swcomp sw[ATT_MAX_SWCOMP];
	unsigned nsw;
};

/*
 * Fill @p around @cpak (taken over: freed by att_platform_free): realmkit's
 * implementation ID, the instance ID derived from the key, lifecycle
 * "secured", the firmware software components of this build.
 * @cpak NULL: the default identity, a key derived from a fixed, published
 * seed (docs/ATTESTATION.md): not secret, for tests and demos only.
 */
bool att_platform_init(struct att_platform *p, EVP_PKEY *cpak);
void att_platform_free(struct att_platform *p);
/* Load a CPAK private key from a PEM file; NULL with a message in @err on failure. */
EVP_PKEY *att_load_private_pem(const char *path, char *err, size_t errlen);
/* Write @key's private key as PKCS#8 PEM, file mode 0600; false with @err. */
bool att_save_private_pem(EVP_PKEY *key, const char *path, char *err, size_t errlen);
/* The public key as JWK JSON text (malloc'd). */
char *att_jwk(EVP_PKEY *key);

/* ---- tokens ---- */
/* The realm token profile: RMM 1.0's, or RMM 2.0's (docs/ATTESTATION.md). */
enum att_realm_profile { ATT_REALM_1, ATT_REALM_2 };

struct att_realm_claims {
	enum att_realm_profile profile;
	uint8_t challenge[ATT_CHALLENGE_SIZE];
	uint8_t rpv[ATT_RPV_SIZE];
	enum att_hash hash; /* realm hash algorithm: RIM and REMs are att_hash_len() bytes */
	uint8_t rim[ATT_MAX_HASH];
	uint8_t rem[ATT_NUM_REMS][ATT_MAX_HASH];
	/* ATT_REALM_2 only: */
	uint8_t inst_id[ATT_REALM_INST_ID_SIZE]; /* realm instance ID (claim 256) */
	unsigned mec_policy;			 /* ATT_MEC_SHARED or ATT_MEC_PRIVATE */
};

/* The per-boot attestation state of an RMM: the RAK and the platform token bound to it. */
struct att_rmm {
	EVP_PKEY *rak;
	enum att_hash rak_hash;
	uint8_t *rak_cose; /* the RAK public key as COSE_Key: the realm token's 44237 claim */
	size_t rak_cose_len;
	uint8_t *plat_token; /* COSE_Sign1 by the CPAK, challenge H(rak_cose) */
	size_t plat_len;
	bool cmw; /* collection as CMW (tag 907) instead of tag 399 */
};

/* A new RAK, and the platform token for it.  @p NULL: the default platform. */
bool att_rmm_init(struct att_rmm *a, const struct att_platform *p, bool cmw);
void att_rmm_free(struct att_rmm *a);
/* The whole CCA token for @c, malloc'd; false on failure. */
bool att_rmm_token(const struct att_rmm *a, const struct att_realm_claims *c, uint8_t **out,
		   size_t *len);
/* Upper bound of any att_rmm_token() length (what ATTEST_TOKEN_INIT reports). */
#define ATT_TOKEN_MAX 4096

/* Building blocks (also used by tests to make tokens of every shape). */
bool att_platform_token(const struct att_platform *p, const uint8_t *challenge, size_t clen,
			uint8_t **out, size_t *len);
bool att_realm_token(EVP_PKEY *rak, enum att_hash rak_hash, const uint8_t *rak_cose,
		     size_t rak_cose_len, const struct att_realm_claims *c, uint8_t **out,
		     size_t *len);
bool att_collection(const uint8_t *plat, size_t plat_len, const uint8_t *realm, size_t realm_len,
		    bool cmw, uint8_t **out, size_t *len);
/* COSE_Sign1 (tag 18) over @payload with @key: ES256/ES384/ES512 by the key's curve. */
bool att_cose_sign1(EVP_PKEY *key, const uint8_t *payload, size_t plen, uint8_t **out, size_t *len);

/* ---- decoding and verification (decode.c, verify.c) ---- */
struct att_bytes {
	const uint8_t *p; /* into the decoded token's CBOR; NULL when absent */
	size_t len;
};

struct att_str {
	const char *p; /* not NUL-terminated; NULL when absent */
	size_t len;
};

struct att_sw_claim {
	struct att_str type, version, hash_alg;
	struct att_bytes meas, signer;
};

enum att_format {
	ATT_FMT_COLLECTION_399,
	ATT_FMT_COLLECTION_907,
	ATT_FMT_REALM,	  /* a bare realm COSE_Sign1 */
	ATT_FMT_PLATFORM, /* a bare platform COSE_Sign1 */
};

struct att_sign1 {
	bool present;
	int64_t alg;	       /* protected header 1 */
	struct att_bytes prot; /* protected header bytes (for Sig_structure) */
	struct att_bytes payload, sig;
};

struct att_realm_token {
	struct att_sign1 cose;
	struct att_str profile, hash_alg, rak_hash_alg;
	struct att_bytes challenge, rpv, rak, rim, inst_id;
	struct att_bytes rem[ATT_NUM_REMS];
	unsigned nrem;
	bool rems_present;
	bool rak_raw; /* 44237 holds a raw EC point, not a COSE_Key (pre-1.0 tokens) */
	bool has_mec;
	uint64_t mec_policy;
	struct att_str mec_text; /* 44243 as text ("private"/"shared": draft-ffm-rats-cca-token-03) */
	bool has_lfa;
	uint64_t lfa_policy;
	struct att_bytes dev_hash; /* 44257, realm devices token hash */
	unsigned unknown;	 /* claims this decoder does not know */
	int64_t unknown_keys[8]; /* the first integer keys of those (text keys are not kept) */
	unsigned nunknown_keys;
};

struct att_platform_token {
	struct att_sign1 cose;
	struct att_str profile, vsv, hash_alg;
	struct att_bytes challenge, impl_id, inst_id, config, mfg_config;
	bool has_client_id;
	int64_t client_id;  /* 2394 (cca_platform#2.0.0) */
	unsigned next;	    /* 2404: number of platform extension entries */
	bool ext_present;
	bool has_lifecycle;
	uint64_t lifecycle;
	struct att_sw_claim sw[ATT_MAX_SWCOMP];
	unsigned nsw;
	bool sw_present;
	unsigned unknown;
	int64_t unknown_keys[8];
	unsigned nunknown_keys;
};

struct att_token {
	enum att_format format;
	struct att_realm_token realm;	    /* cose.present: a realm token is there */
	struct att_platform_token platform; /* cose.present: a platform token is there */
	void *priv;			    /* the CBOR trees the fields point into */
};

/*
 * Decode a CCA token (binary CBOR).  Structure only: claims are located and
 * their CBOR types checked, not their profile rules (att_verify does that).
 * False with one line in @err naming the structure or claim at fault.
 */
bool att_decode(const uint8_t *buf, size_t len, struct att_token *t, char *err, size_t errlen);
void att_token_free(struct att_token *t);
/* The name of a claim key in a realm or platform token; NULL if unknown. */
const char *att_claim_name(bool realm, int64_t key);

/* Hex (either case, even length) into @out; false if not hex or longer than @cap. */
bool att_hex_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen);
/* Base64 or base64url, padded or not, into @out; false if not base64 or too long. */
bool att_b64_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen);
/* Lower-case hex of @len bytes into @out (2 * len + 1 bytes). */
void att_hex(const uint8_t *b, size_t len, char *out);
/* Base64url without padding into @out (4 * ((len + 2) / 3) + 1 bytes). */
void att_b64url(const uint8_t *b, size_t len, char *out);

/* Text input: hex or base64 (standard or URL-safe) becomes binary; binary is copied. */
bool att_read_input(const uint8_t *in, size_t inlen, uint8_t **out, size_t *outlen);

/* ---- verification ---- */
enum att_check {
	ATT_CHECK_FORMAT,
	ATT_CHECK_PLATFORM_PROFILE,
	ATT_CHECK_REALM_PROFILE,
	ATT_CHECK_PLATFORM_SIGNATURE,
	ATT_CHECK_REALM_SIGNATURE,
	ATT_CHECK_BINDING,
	ATT_CHECK_IDENTITY, /* implementation/instance ID against the trust anchor */
	ATT_CHECK_CHALLENGE,
	ATT_CHECK_PLATFORM_REFVALS,
	ATT_CHECK_REALM_REFVALS,
	ATT_CHECK_COUNT,
};

enum att_verdict { ATT_SKIPPED, ATT_PASS, ATT_FAIL };

struct att_check_result {
	enum att_verdict verdict;
	char detail[200];
};

/* A trust anchor: a platform public key, optionally pinned to IDs. */
struct att_anchor {
	EVP_PKEY *pkey;
	uint8_t impl_id[64], inst_id[64];
	size_t impl_len, inst_len;
};

/* Trust anchors from a PEM key, a JWK, or a rust-ccatoken JSON store (anchors.c). */
bool att_anchors_load(const char *path, struct att_anchor **out, unsigned *count, char *err,
		      size_t errlen);
void att_anchors_free(struct att_anchor *a, unsigned n);

struct att_refvals; /* refvals.h */

struct att_verify_opts {
	const struct att_anchor *anchors;
	unsigned nanchors;
	const struct att_refvals *refvals; /* NULL: not checked */
	const uint8_t *challenge;	   /* NULL: not checked */
	size_t challenge_len;
};

struct att_report {
	struct att_check_result check[ATT_CHECK_COUNT];
	bool ok;
};

const char *att_check_name(enum att_check c);
/* Run every check on a decoded token; returns report->ok. */
bool att_verify(const struct att_token *t, const struct att_verify_opts *o, struct att_report *r);
/* Profile rules alone (presence, type, size of each claim); false with @err. */
bool att_check_realm_profile(const struct att_realm_token *r, char *err, size_t errlen);
bool att_check_platform_profile(const struct att_platform_token *p, char *err, size_t errlen);
/* Verify one COSE_Sign1 with @key. */
bool att_sign1_verify(const struct att_sign1 *s, EVP_PKEY *key, char *err, size_t errlen);
/* The public key of a realm token's RAK claim (COSE_Key or raw point). */
EVP_PKEY *att_realm_rak(const struct att_realm_token *r, char *err, size_t errlen);
/* An EC public key from a curve NID and uncompressed point. */
EVP_PKEY *att_ec_public(int nid, const uint8_t *point, size_t len);

#endif
