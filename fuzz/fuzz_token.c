// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the CCA token decoder and verifier (src/attest):
 * any input must decode or fail with one non-empty error line, never
 * crash, leak or loop; a decoded token goes through every verify check
 * (signatures against a fixed key, binding, challenge, reference values).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"
#include "attest/refvals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct att_platform plat;
static struct att_refvals rv;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct att_token t;
	struct att_report r;
	struct att_anchor a;
	struct att_verify_opts o = {0};
	uint8_t ch[64] = {0x40};
	char err[256] = "";

	if (!ready) {
		struct att_rv_realm *e;

		if (!att_platform_init(&plat, NULL))
			abort();
		e = att_refvals_add_realm(&rv);
		att_rv_set(&e->rim, ch, 32);
		att_refvals_add_platform(&rv);
		ready = true;
	}
	if (!att_decode(data, size, &t, err, sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort(); /* a failure must say why, on one line */
		return 0;
	}
	a = (struct att_anchor){.pkey = plat.cpak};
	o.anchors = &a;
	o.nanchors = 1;
	o.refvals = &rv;
	o.challenge = ch;
	o.challenge_len = sizeof(ch);
	att_verify(&t, &o, &r);
	att_token_free(&t);
	return 0;
}
