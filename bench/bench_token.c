// SPDX-License-Identifier: MIT
/*
 * Token generation and verification per second against OpenSSL's own
 * ECDSA on the same work, in the same run (the limit):
 *   sign:   att_rmm_token() (realm claims -> CBOR -> COSE_Sign1 ES384 ->
 *           collection) vs one EVP_DigestSign ES384 over a payload of the
 *           realm token's size;
 *   verify: att_decode() + att_verify() of the whole CCA token (two ES384
 *           signatures, the binding hash, profile checks) vs two
 *           EVP_DigestVerify ES384 calls.
 * Goal >= 0.9x: the CBOR around the signatures should cost nothing.
 * --rmm 2.0: the tokens of an RMM 2.0 (realm#2.0.0 with its instance ID and
 * MEC policy, cca_platform#2.0.0) instead of 1.0's.
 *
 *	bench_token [--quick] [--rmm 1.0|2.0]
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attest/attest.h"
#include "series.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	bool quick = false, v2 = false;
	unsigned iters, runs;
	struct att_platform plat;
	struct att_rmm rmm;
	struct att_realm_claims c;
	struct att_anchor a;
	struct series s_sign = {0}, s_osign = {0}, s_ver = {0}, s_over = {0};
	uint8_t *tok, payload[700], sig[2][128];
	size_t len, siglen[2];
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[i], "--rmm") && i + 1 < argc &&
			   (!strcmp(argv[i + 1], "1.0") || !strcmp(argv[i + 1], "2.0"))) {
			v2 = !strcmp(argv[++i], "2.0");
		} else {
			fprintf(stderr, "usage: bench_token [--quick] [--rmm 1.0|2.0]\n");
			return 2;
		}
	}
	iters = quick ? 5 : 300;
	runs = quick ? 1 : 7;
	if (!att_platform_init(&plat, NULL) || !md)
		return 1;
	if (v2)
		plat.profile = ATT_PLAT_2024;
	if (!att_rmm_init(&rmm, &plat, false))
		return 1;
	memset(&c, 0x5a, sizeof(c));
	c.profile = v2 ? ATT_REALM_2 : ATT_REALM_1;
	c.mec_policy = ATT_MEC_SHARED;
	c.inst_id[0] = 0x01;
	c.hash = ATT_SHA256;
	a = (struct att_anchor){.pkey = plat.cpak};
	memset(payload, 0xa5, sizeof(payload));
	for (int k = 0; k < 2; k++) {
		siglen[k] = sizeof(sig[k]);
		EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, k ? plat.cpak : rmm.rak);
		EVP_DigestSign(md, sig[k], &siglen[k], payload, sizeof(payload));
	}
	if (!att_rmm_token(&rmm, &c, &tok, &len))
		return 1;
	for (unsigned run = 0; run < runs; run++) {
		double t0 = now();

		for (unsigned i = 0; i < iters; i++) {
			uint8_t *t;
			size_t l;

			if (!att_rmm_token(&rmm, &c, &t, &l))
				return 1;
			free(t);
		}
		series_add(&s_sign, iters / (now() - t0));
		t0 = now();
		for (unsigned i = 0; i < iters; i++) {
			uint8_t out[128];
			size_t ol = sizeof(out);

			if (EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, rmm.rak) != 1 ||
			    EVP_DigestSign(md, out, &ol, payload, sizeof(payload)) != 1)
				return 1;
		}
		series_add(&s_osign, iters / (now() - t0));
		t0 = now();
		for (unsigned i = 0; i < iters; i++) {
			struct att_token t;
			struct att_report r;
			char err[200];

			if (!att_decode(tok, len, &t, err, sizeof(err)) ||
			    !att_verify(&t, &(struct att_verify_opts){.anchors = &a, .nanchors = 1},
					&r))
				return 1;
			att_token_free(&t);
		}
		series_add(&s_ver, iters / (now() - t0));
		t0 = now();
		for (unsigned i = 0; i < iters; i++)
			for (int k = 0; k < 2; k++)
				if (EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL,
							 k ? plat.cpak : rmm.rak) != 1 ||
				    EVP_DigestVerify(md, sig[k], siglen[k], payload,
						     sizeof(payload)) != 1)
					return 1;
		series_add(&s_over, iters / (now() - t0));
	}
	{
		/* Where verify's time goes besides the two ECDSA verifies. */
		struct att_token t;
		char err[200];
		double t0 = now(), dec, rak;
		unsigned n = quick ? 10 : 2000;

		for (unsigned i = 0; i < n; i++) {
			if (!att_decode(tok, len, &t, err, sizeof(err)))
				return 1;
			att_token_free(&t);
		}
		dec = (now() - t0) / n;
		att_decode(tok, len, &t, err, sizeof(err));
		t0 = now();
		for (unsigned i = 0; i < n; i++)
			EVP_PKEY_free(att_realm_rak(&t.realm, err, sizeof(err)));
		rak = (now() - t0) / n;
		att_token_free(&t);
		printf("per token: decode %.1f us, RAK key from its COSE_Key %.1f us\n", dec * 1e6,
		       rak * 1e6);
	}
	printf("token size: %zu bytes (tag 399, SHA-256 realm, %s)\n", len,
	       v2 ? "realm#2.0.0" : "realm#1.0.0");
	printf("sign:   realmkit %.0f tokens/s, OpenSSL ES384 sign %.0f/s: %.2fx [%.2f..%.2f]\n",
	       series_median(&s_sign), series_median(&s_osign),
	       series_median(&s_sign) / series_median(&s_osign),
	       series_min(&s_sign) / series_max(&s_osign),
	       series_max(&s_sign) / series_min(&s_osign));
	printf("verify: realmkit %.0f tokens/s, OpenSSL 2x ES384 verify %.0f/s: %.2fx "
	       "[%.2f..%.2f]\n",
	       series_median(&s_ver), series_median(&s_over),
	       series_median(&s_ver) / series_median(&s_over),
	       series_min(&s_ver) / series_max(&s_over), series_max(&s_ver) / series_min(&s_over));
	free(tok);
	EVP_MD_CTX_free(md);
	att_rmm_free(&rmm);
	att_platform_free(&plat);
	return 0;
}
