// SPDX-License-Identifier: MIT
/*
 * The RMM's attestation keys, made while the first realm boots.
 *
 * Before it can answer RSI_ATTEST_TOKEN_INIT the RMM needs the platform
 * (the CPAK, here derived from the default seed unless the host gave one)
 * and its own RAK with the platform token that binds it (TF-RMM gets both
 * from EL3 at its cold boot).  That is a few milliseconds of elliptic-curve
 * work, more than a short realm's whole boot, and nothing needs it before a
 * realm asks for a token.  So the first REALM_ACTIVATE of this RMM starts a
 * thread that makes them, and the first token waits for it: the work runs
 * on another CPU while the realm boots (on platforms that prepare ahead,
 * rmm_platform.prepare_ahead; elsewhere the first token makes them).  A
 * host that never activates a realm never pays for it.  The thread writes only rmm->attest_plat and
 * rmm->attest, which nothing reads before attest_boot_wait() has joined it.
 */
#include <pthread.h>

#include "rmm/internal.h"

static void *attest_boot(void *arg)
{
	struct rmm *rmm = arg;
	struct att_platform p;

	if (!rmm->attest_plat.cpak && !att_platform_init(&rmm->attest_plat, NULL))
		return NULL;
	p = rmm->attest_plat; /* shares the CPAK, only read */
	if (rmm->plat.rmi_v2)
		p.profile = ATT_PLAT_2024;
	rmm->attest_ok = att_rmm_init(&rmm->attest, &p, rmm->plat.attest_cmw);
	return NULL;
}

void attest_boot_start(struct rmm *rmm)
{
	if (rmm->attest_started)
		return;
	rmm->attest_started = true;
	if (pthread_create(&rmm->attest_thread, NULL, attest_boot, rmm)) {
		/* No thread: make them here and now. */
		attest_boot(rmm);
		rmm->attest_joined = true;
	}
}

bool attest_boot_wait(struct rmm *rmm)
{
	attest_boot_start(rmm); /* a token without an activation: RMI scripts, tests */
	if (!rmm->attest_joined) {
		pthread_join(rmm->attest_thread, NULL);
		rmm->attest_joined = true;
	}
	/* Out of memory there: try again here, as every token did before (the realm may retry). */
	if (!rmm->attest_ok)
		attest_boot(rmm);
	return rmm->attest_ok;
}

void attest_boot_fini(struct rmm *rmm)
{
	if (rmm->attest_started && !rmm->attest_joined)
		pthread_join(rmm->attest_thread, NULL);
	att_rmm_free(&rmm->attest);
	att_platform_free(&rmm->attest_plat);
}
