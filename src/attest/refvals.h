/* SPDX-License-Identifier: MIT */
/*
 * Reference values for CCA tokens: what `realmkit token verify --refvals`
 * reads and what `realmkit measure` and `realmkit platform show --refvals`
 * write.  JSON (docs/ATTESTATION.md, "Reference values"):
 *
 *   { "realm": [ { "name": "...", "cca.hash-alg": "sha-256",
 *                  "cca.rim": HEX, "cca.rem0": HEX, .. "cca.rem3": HEX,
 *                  "cca.rpv": HEX } ],
 *     "platform": [ { "implementation-id": HEX, "platform-configuration": HEX,
 *                     "sw-components": [ { "component-type": "RMM",
 *                       "measurement-value": HEX, "signer-id": HEX,
 *                       "version": "1.0" } ] } ] }
 *
 * Realm fields use Veraison's CCA realm reference-value names; the reader
 * also takes rust-ccatoken's store names (initial-measurement,
 * extensible-measurements[4], personalization-value, rak-hash-algorithm), so
 * its rv.json files load as they are.  Byte values are hex (either case), or
 * base64/base64url when not a valid hex string.  Every field but one
 * measurement is optional: an absent field is not compared.  A token
 * matches when some realm entry and some platform entry match it.
 */
#ifndef REALMKIT_ATTEST_REFVALS_H
#define REALMKIT_ATTEST_REFVALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ATT_RV_MAX_BYTES  64
#define ATT_RV_MAX_SWCOMP 16

struct att_rv_bytes {
	bool present;
	uint8_t b[ATT_RV_MAX_BYTES];
	size_t len;
};

struct att_rv_realm {
	char name[64];	   /* free text, "" if none */
	char hash_alg[16]; /* "sha-256"/"sha-512", "" if not given */
	char rak_hash_alg[16];
	struct att_rv_bytes rim, rem[4], rpv;
};

struct att_rv_swcomp {
	char type[32];	  /* component-type, "" if not given */
	char version[32]; /* "" if not given */
	struct att_rv_bytes meas, signer;
};

struct att_rv_platform {
	struct att_rv_bytes impl_id, config;
	struct att_rv_swcomp sw[ATT_RV_MAX_SWCOMP];
	unsigned nsw;
};

struct att_refvals {
	struct att_rv_realm *realm;
	unsigned nrealm;
	struct att_rv_platform *platform;
	unsigned nplatform;
};

/* Parse the JSON text / the file at @path (jansson); false with one line in @err. */
bool att_refvals_parse(const char *text, size_t len, struct att_refvals *rv, char *err,
		       size_t errlen);
bool att_refvals_load(const char *path, struct att_refvals *rv, char *err, size_t errlen);
/* The JSON text of @rv (malloc'd, ends in a newline); NULL if out of memory. */
char *att_refvals_write(const struct att_refvals *rv);
/* Append an entry; the returned pointer is zeroed and owned by @rv (NULL: no memory). */
struct att_rv_realm *att_refvals_add_realm(struct att_refvals *rv);
struct att_rv_platform *att_refvals_add_platform(struct att_refvals *rv);
void att_refvals_free(struct att_refvals *rv);

/* Set @dst from bytes; false if longer than ATT_RV_MAX_BYTES. */
bool att_rv_set(struct att_rv_bytes *dst, const void *b, size_t len);

#endif
