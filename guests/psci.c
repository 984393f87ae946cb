/*
 * psci: PSCI 1.1 as the RMM and host serve it.  Needs 2 vCPUs (MPIDR 0 and
 * 1; only vCPU 0 runnable at start).
 *
 * VERSION (1.1), FEATURES, then CPU_ON of MPIDR 1 at rk_secondary_entry with
 * context id CTX; the secondary prints "cpu1 up ctx=0xc0ffee01", writes CTX to
 * a flag in RAM and waits for the primary's go-ahead before CPU_OFF.
 * Meanwhile the primary checks AFFINITY_INFO(1) = ON, that CPU_ON of 1 again
 * is ALREADY_ON and CPU_ON of a missing MPIDR (7) is INVALID_PARAMETERS; then
 * it lets the secondary go and polls AFFINITY_INFO(1) until OFF.
 * While waiting, each CPU calls PSCI AFFINITY_INFO in its loop: that exits to
 * the host, so the other vCPU gets to run even if the host only switches
 * vCPUs at exits.  Waits are bounded (FAIL on timeout).
 */
#include "rk.h"
#include "psci.h"

#define CTX	0xc0ffee01UL	/* low bits 1: the secondary's stack (start.S) */
#define POLLS	1000000

static volatile u64 up_flag;	/* secondary: the context id it got */
static volatile u64 go_flag;	/* primary: the secondary may CPU_OFF */
static volatile u64 go_seen;	/* secondary: about to call CPU_OFF */

static s64 affinity(u64 mpidr)
{
	return psci_ret(psci_call(PSCI_AFFINITY_INFO, mpidr, 0, 0));
}

void secondary_main(u64 ctx)
{
	rk_printf("cpu1 up ctx=0x%lx\n", ctx);
	rk_dmb();
	up_flag = ctx;
	rk_dmb();
	for (long i = 0; i < POLLS && !go_flag; i++)
		affinity(0);
	rk_dmb();
	go_seen = 1;
	rk_dmb();
	psci_cpu_off();
	/* CPU_OFF returned: the primary's AFFINITY_INFO poll times out and fails. */
	for (;;)
		;
}

int main(void)
{
	u64 r;
	long i;

	r = psci_call(PSCI_VERSION, 0, 0, 0);
	CHECK_EQ("psci version 1.1", r & 0xffffffffUL, 0x10001);

	CHECK_EQ("features cpu_on", psci_ret(psci_call(PSCI_FEATURES, PSCI_CPU_ON, 0, 0)),
		 PSCI_SUCCESS);
	CHECK_EQ("features cpu_off", psci_ret(psci_call(PSCI_FEATURES, PSCI_CPU_OFF, 0, 0)),
		 PSCI_SUCCESS);
	CHECK_EQ("features affinity_info",
		 psci_ret(psci_call(PSCI_FEATURES, PSCI_AFFINITY_INFO, 0, 0)), PSCI_SUCCESS);
	CHECK_EQ("features system_off",
		 psci_ret(psci_call(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0)), PSCI_SUCCESS);
	CHECK_EQ("features unknown 0x8400001f",
		 psci_ret(psci_call(PSCI_FEATURES, 0x8400001FUL, 0, 0)), PSCI_NOT_SUPPORTED);

	CHECK_EQ("affinity_info self on", affinity(0), PSCI_AFFINITY_ON);
	CHECK_EQ("affinity_info cpu1 off before cpu_on", affinity(1), PSCI_AFFINITY_OFF);

	/* No output from here until cpu1 has printed: the two would interleave. */
	r = psci_call(PSCI_CPU_ON, 1, (u64)rk_secondary_entry, CTX);
	for (i = 0; psci_ret(r) == PSCI_SUCCESS && i < POLLS && up_flag == 0; i++)
		affinity(1);
	rk_dmb();
	CHECK_EQ("cpu_on cpu1", psci_ret(r), PSCI_SUCCESS);
	CHECK_EQ("cpu1 ran with the context id", up_flag, CTX);

	CHECK_EQ("affinity_info cpu1 on", affinity(1), PSCI_AFFINITY_ON);
	r = psci_call(PSCI_CPU_ON, 1, (u64)rk_secondary_entry, CTX);
	CHECK_EQ("cpu_on cpu1 again already on", psci_ret(r), PSCI_ALREADY_ON);
	r = psci_call(PSCI_CPU_ON, 1, (u64)rk_secondary_entry, CTX);
	CHECK_EQ("cpu_on cpu1 third time already on", psci_ret(r), PSCI_ALREADY_ON);
	r = psci_call(PSCI_CPU_ON, 0, (u64)rk_secondary_entry, CTX);
	CHECK_EQ("cpu_on self already on", psci_ret(r), PSCI_ALREADY_ON);
	r = psci_call(PSCI_CPU_ON, 7, (u64)rk_secondary_entry, CTX);
	CHECK_EQ("cpu_on missing mpidr 7", psci_ret(r), PSCI_INVALID_PARAMETERS);
	CHECK_EQ("affinity_info missing mpidr 7", affinity(7), PSCI_INVALID_PARAMETERS);

	rk_dmb();
	go_flag = 1;
	rk_dmb();
	s64 a = PSCI_AFFINITY_ON;
	for (i = 0; i < POLLS; i++) {
		a = affinity(1);
		if (a != PSCI_AFFINITY_ON)
			break;
	}
	CHECK_EQ("cpu1 reached cpu_off", go_seen, 1);
	CHECK_EQ("affinity_info cpu1 off after cpu_off", a, PSCI_AFFINITY_OFF);
	return 0;
}
