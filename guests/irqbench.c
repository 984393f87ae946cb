/*
 * irqbench: interrupt round trips for bench/bench_run.c (not a test; it
 * checks only that every interrupt came).  Writes a marker to
 * 0x0a000300 | shared bit before each phase and at the end (1, 2, 3):
 * those are the test VMM's addresses; under realmkit run the DTB's
 * "realmkit,doorbell" gives the doorbell, its offset 8 the marker, and
 * "arm,gic-v3" the GIC.
 *
 *  - timer: N times, the virtual timer set to fire at once (CNTV_TVAL 0),
 *    WFI until irq_handler took PPI 27 (it turns the timer off);
 *  - spi: N times, a doorbell write (0x0a000200 | shared bit) that the
 *    bench answers with KVM_IRQ_LINE for SPI 41, WFI until taken.
 *
 * Prints "irqbench timer=<n> spi=<n>" and PASS.
 */
#include "gicv3.h"

#define N        2000
#define SPI      41
#define DOORBELL 0x0a000200UL
#define MARKER   0x0a000300UL

static volatile u64 timer_irqs, spi_irqs;

void irq_handler(u64 intid)
{
	if (intid == 27) {
		MSR("CNTV_CTL_EL0", 0);
		timer_irqs++;
	} else if (intid == SPI) {
		spi_irqs++;
	}
}

static u64 marker = MARKER;

static void mark(u32 phase)
{
	*(volatile u32 *)(marker | rk_shared_bit) = phase;
}

int main(void)
{
	u64 reg[2] = { DOORBELL, 0 };
	volatile u32 *bell;

	/* Under realmkit run: the DTB's GIC and doorbell (marker at +8). */
	gic_discover();
	if (rk_fdt_lookup(rk_dtb(), "realmkit,doorbell", reg, 1, 0) == 1)
		marker = reg[0] + 8;
	bell = (volatile u32 *)(reg[0] | rk_shared_bit);
	install_irq_vectors();
	*gicr32(GICR_SGI + GICR_ISENABLER0) = 1U << 27;
	*gicd32(GICD_ISENABLER + 4 * (SPI / 32)) = 1U << (SPI % 32);
	*gicd32(GICD_CTLR) = 2;
	gic_cpu_init();
	irq_enable();
	mark(1);
	for (u64 i = 0; i < N; i++) {
		MSR("CNTV_TVAL_EL0", 0);
		MSR("CNTV_CTL_EL0", 1);
		while (timer_irqs == i)
			wfi();
	}
	mark(2);
	for (u64 i = 0; i < N; i++) {
		*bell = SPI;
		while (spi_irqs == i)
			wfi();
	}
	mark(3);
	irq_disable();
	rk_printf("irqbench timer=%lu spi=%lu\n", timer_irqs, spi_irqs);
	CHECK_EQ("timer interrupts", timer_irqs, N);
	CHECK_EQ("spi interrupts", spi_irqs, N);
	rk_finish();
}
