/*
 * timer: the generic timers' interrupts through the GICv3.  The guest
 * enables PPIs 27 (virtual timer) and 30 (physical timer) in its
 * redistributor, turns on the distributor and its CPU interface, programs
 * each timer 2 ms ahead, waits in WFI with IRQs unmasked, takes the
 * interrupt through ICC_IAR1_EL1 (irq_handler turns the timer off) and
 * ends it with ICC_EOIR1_EL1.  Prints:
 *
 *	ok <the checks>
 *	vtimer irqs=1 intid=27
 *	ptimer irqs=1 intid=30
 *	PASS
 */
#include "gicv3.h"

#define CNTV_CTL	"CNTV_CTL_EL0"
#define CNTP_CTL	"CNTP_CTL_EL0"

static volatile u64 irqs, last_intid, spurious;

void irq_handler(u64 intid)
{
	if (intid >= 1020) {
		spurious++;
		return;
	}
	last_intid = intid;
	irqs++;
	/* The timer output is a level: turn the timer off before the EOI. */
	if (intid == 27)
		MSR(CNTV_CTL, 0);
	if (intid == 30)
		MSR(CNTP_CTL, 0);
}

/* Program @which (0 virtual, 1 physical) @ticks ahead, wait for its interrupt. */
static void run_timer(const char *name, unsigned which, u64 ticks, u64 want_intid)
{
	u64 t0, cval, now, istatus;
	unsigned spins = 0;

	irqs = 0;
	last_intid = 0;
	if (which == 0) {
		t0 = MRS("CNTVCT_EL0");
		MSR("CNTV_TVAL_EL0", ticks);
		cval = MRS("CNTV_CVAL_EL0");
		CHECK_TRUE("TVAL sets CVAL = counter + TVAL", cval >= t0 + ticks &&
								 cval < t0 + ticks + 62500000);
		CHECK_EQ("ISTATUS clear before CVAL", MRS(CNTV_CTL) & 4, 0);
		MSR(CNTV_CTL, 1);
	} else {
		t0 = MRS("CNTPCT_EL0");
		MSR("CNTP_CVAL_EL0", t0 + ticks);
		MSR(CNTP_CTL, 1);
	}
	irq_enable();
	while (!irqs && spins++ < 100000)
		wfi();
	irq_disable();
	now = which ? MRS("CNTPCT_EL0") : MRS("CNTVCT_EL0");
	istatus = which ? MRS(CNTP_CTL) : MRS(CNTV_CTL);
	rk_printf("%s irqs=%lu intid=%lu\n", name, irqs, last_intid);
	rk_check2(name, "interrupt taken once", irqs, 1);
	rk_check2(name, "INTID", last_intid, want_intid);
	rk_check2(name, "not before CVAL", now >= t0 + ticks, 1);
	rk_check2(name, "handler turned the timer off", istatus & 1, 0);
	rk_check2(name, "running priority idle after EOI", MRS(ICC_RPR_EL1), 0xff);
}

int main(void)
{
	u64 frq = MRS("CNTFRQ_EL0");

	gic_discover();
	install_irq_vectors();
	CHECK_EQ("CNTFRQ_EL0 62.5 MHz", frq, 62500000);
	CHECK_EQ("ICC_SRE_EL1 SRE|DFB|DIB", MRS(ICC_SRE_EL1), 7);
	CHECK_EQ("GICD_PIDR2 GICv3", (*gicd32(GICD_PIDR2) >> 4) & 0xf, 3);
	CHECK_EQ("GICR_TYPER processor 0, last", *gicr32(GICR_TYPER) & 0xffff10, 0x10);
	CHECK_EQ("ICC_HPPIR1_EL1 nothing pending", MRS(ICC_HPPIR1_EL1), 1023);

	*gicr8(GICR_SGI + GICR_IPRIORITYR + 27) = 0xa0;
	*gicr8(GICR_SGI + GICR_IPRIORITYR + 30) = 0xa0;
	*gicr32(GICR_SGI + GICR_ISENABLER0) = (1U << 27) | (1U << 30);
	CHECK_EQ("GICR_ISENABLER0 reads back (SGIs always on)", *gicr32(GICR_SGI + GICR_ISENABLER0),
		 (1U << 27) | (1U << 30) | 0xffff);
	CHECK_EQ("IPRIORITYR 27 reads back", *gicr8(GICR_SGI + GICR_IPRIORITYR + 27), 0xa0);
	*gicd32(GICD_CTLR) = 2; /* EnableGrp1 */
	gic_cpu_init();
	CHECK_EQ("ICC_PMR_EL1 keeps 5 bits", MRS(ICC_PMR_EL1), 0xf8);

	run_timer("vtimer", 0, frq / 500, 27);
	run_timer("ptimer", 1, frq / 500, 30);
	CHECK_EQ("no spurious acknowledge", spurious, 0);
	rk_finish();
}
