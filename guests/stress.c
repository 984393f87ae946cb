/*
 * stress: four vCPUs change RIPAS, touch the memory and do MMIO at the same
 * time, for the concurrency test (one host thread per vCPU, under
 * ThreadSanitizer in CI).  Needs 4 vCPUs.
 *
 * CPU 0 starts CPUs 1..3 (context id = CPU number), then every CPU runs
 * ROUNDS rounds on its own two pages at 0x80180000 + cpu * 0x2000:
 * IPA_STATE_SET to EMPTY, then back to RAM (each must be accepted in full),
 * a store and load of a per-round pattern (the page must read zero first:
 * memory that went EMPTY comes back zeroed), an 8-byte MMIO store to
 * 0x0a000100 + cpu * 8 (unprotected alias) and a PSCI AFFINITY_INFO of the
 * next CPU (an exit KVM completes with PSCI_COMPLETE).  Each CPU records its
 * failures; CPU 0 waits for all, prints one line per CPU and PASS.
 *
 *	cpu<n> rounds=<ROUNDS> failures=0       (n = 0..3)
 *	PASS
 */
#include "rk.h"
#include "psci.h"
#include "rsi.h"

#define NCPUS	4
#define ROUNDS	40
#define PAGES	0x80180000UL
#define POLLS	5000000

static volatile u64 fails[NCPUS];
static volatile u64 rounds[NCPUS];
static volatile u64 done[NCPUS];
static volatile u64 what[NCPUS]; /* which checks failed: bit per check */

static void work(u64 cpu)
{
	u64 base = PAGES + cpu * 0x2000, next, resp;
	volatile u64 *p = (volatile u64 *)base;
	volatile u64 *mmio = (volatile u64 *)((0x0a000100UL + cpu * 8) | rk_shared_bit);

	for (u64 r = 0; r < ROUNDS; r++) {
		if (rk_ipa_state_set_all(base, base + 0x2000, RSI_RIPAS_EMPTY,
					 RSI_NO_CHANGE_DESTROYED, &next, &resp) != RSI_SUCCESS ||
		    resp != RSI_ACCEPT || next != base + 0x2000)
			fails[cpu]++, what[cpu] |= 1;
		if (rk_ipa_state_set_all(base, base + 0x2000, RSI_RIPAS_RAM,
					 RSI_NO_CHANGE_DESTROYED, &next, &resp) != RSI_SUCCESS ||
		    resp != RSI_ACCEPT || next != base + 0x2000)
			fails[cpu]++, what[cpu] |= 2;
		if (p[0] != 0 || p[0x1000 / 8] != 0)
			fails[cpu]++, what[cpu] |= 4;
		p[0] = cpu << 32 | r;
		p[0x1000 / 8] = ~(cpu << 32 | r);
		rk_dmb();
		if (p[0] != (cpu << 32 | r) || p[0x1000 / 8] != ~(cpu << 32 | r))
			fails[cpu]++, what[cpu] |= 8;
		*mmio = cpu << 32 | r;
		if (psci_ret(psci_call(PSCI_AFFINITY_INFO, (cpu + 1) % NCPUS, 0, 0)) < 0)
			fails[cpu]++, what[cpu] |= 16;
		rounds[cpu] = r + 1;
	}
	rk_dmb();
	done[cpu] = 1;
	rk_dmb();
}

void secondary_main(u64 ctx)
{
	work(ctx & 3);
}

int main(void)
{
	u64 i;
	long w;

	for (i = 1; i < NCPUS; i++)
		CHECK_EQ("cpu_on", psci_ret(psci_call(PSCI_CPU_ON, i,
							(u64)rk_secondary_entry, i)),
			 PSCI_SUCCESS);
	work(0);
	for (i = 1; i < NCPUS; i++) {
		for (w = 0; w < POLLS && !done[i]; w++)
			psci_call(PSCI_AFFINITY_INFO, i, 0, 0);
		CHECK_TRUE("cpu finished", done[i]);
	}
	rk_dmb();
	for (i = 0; i < NCPUS; i++) {
		rk_printf("cpu%lu rounds=%lu failures=%lu\n", i, rounds[i], fails[i]);
		if (fails[i])
			rk_printf("cpu%lu failed checks=0x%lx (1 empty, 2 ram, 4 zero, 8 data, 16 psci)\n",
				  i, what[i]);
		if (fails[i] || rounds[i] != ROUNDS)
			rk_failures++;
	}
	rk_finish();
}
