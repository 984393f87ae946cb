/* SPDX-License-Identifier: MIT */
/* COSE internals shared by the encoder and the verifier. */
#ifndef REALMKIT_ATTEST_COSE_H
#define REALMKIT_ATTEST_COSE_H

#include <cbor.h>

#include "attest/attest.h"

#define ATT_COSE_ES256 (-7)
#define ATT_COSE_ES384 (-35)
#define ATT_COSE_ES512 (-36)

/* The COSE algorithm for an EC key (0 if unsupported), its hash and coordinate size. */
int att_cose_alg_for_key(EVP_PKEY *key, enum att_hash *h, size_t *coord);
/* Sig_structure ["Signature1", protected, h'', payload], CBOR-encoded, malloc'd. */
bool att_sig_structure(const uint8_t *prot, size_t plen, const uint8_t *payload, size_t len,
		       uint8_t **out, size_t *outlen);

/*
 * An integer in CBOR's preferred serialization (RFC 8949 4.1: the shortest
 * head that holds it, as TF-RMM's encoder writes claim keys and values).
 */
cbor_item_t *att_cbor_int(int64_t v);

/* One CBOR item checked by the decoder's scanner, then loaded (caller decrefs); NULL + @err. */
cbor_item_t *att_cbor_load_checked(const uint8_t *buf, size_t len, char *err, size_t errlen,
				   const char *what);

#endif
