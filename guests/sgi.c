/*
 * sgi: a software-generated interrupt from one vCPU to another through the
 * in-kernel vGIC.  Needs 2 vCPUs.  The primary turns the distributor on and
 * starts CPU 1, which sets up its CPU interface, unmasks IRQs and waits in
 * WFI (its vCPU thread sleeps in KVM_RUN).  The primary then writes
 * ICC_SGI1R_EL1 for SGI 5 to Aff0 = 1: the RMM hands the write to KVM,
 * which makes SGI 5 pending for vCPU 1 and wakes it; CPU 1 takes it through
 * ICC_IAR1_EL1, reports, and powers off.  Prints:
 *
 *	sgi cpu1 irqs=1 intid=5
 *	ok <the checks>
 *	PASS
 */
#include "gicv3.h"
#include "psci.h"

#define CTX	0x5919e001UL	/* low bits 1: the secondary's stack */
#define POLLS	2000000
#define SGI	5

static volatile u64 ready, woke, irqs, last_intid;

void irq_handler(u64 intid)
{
	if (intid < 1020) {
		last_intid = intid;
		irqs++;
	}
}

void secondary_main(u64 ctx)
{
	(void)ctx;
	gic_discover();
	install_irq_vectors();
	gic_cpu_init();
	rk_dmb();
	ready = 1;
	rk_dmb();
	irq_enable();
	for (long i = 0; i < POLLS && !irqs; i++)
		wfi();
	irq_disable();
	rk_dmb();
	woke = 1;
	rk_dmb();
	psci_cpu_off();
	for (;;)
		;
}

int main(void)
{
	long i;

	*gicd32(GICD_CTLR) = 2;
	CHECK_EQ("cpu_on 1", psci_ret(psci_call(PSCI_CPU_ON, 1, (u64)rk_secondary_entry, CTX)),
		 PSCI_SUCCESS);
	for (i = 0; i < POLLS && !ready; i++)
		rk_dmb();
	CHECK_TRUE("cpu1 ready", ready);
	/* TargetList bit 1 (Aff0 = 1), Aff1..3 = 0, INTID in bits [27:24]. */
	MSR("S3_0_C12_C11_5", (u64)SGI << 24 | 1UL << 1);
	for (i = 0; i < POLLS && !woke; i++)
		rk_dmb();
	rk_printf("sgi cpu1 irqs=%lu intid=%lu\n", irqs, last_intid);
	CHECK_EQ("cpu1 took one SGI", irqs, 1);
	CHECK_EQ("INTID", last_intid, SGI);
	for (i = 0; i < POLLS; i++)
		if (psci_ret(psci_call(PSCI_AFFINITY_INFO, 1, 0, 0)) == PSCI_AFFINITY_OFF)
			break;
	CHECK_TRUE("cpu1 off", i < POLLS);
	rk_finish();
}
