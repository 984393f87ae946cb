/*
 * spi: a shared peripheral interrupt raised by the VMM.  The guest enables
 * SPI 40 in the distributor (priority, route to its own MPIDR), then writes
 * 40 to the doorbell at 0x0a000100 (an MMIO exit the host test answers with
 * KVM_IRQ_LINE for SPI 40: line high, then low) and waits with IRQs
 * unmasked until irq_handler has taken it through ICC_IAR1_EL1.  Prints:
 *
 *	ok <the checks>
 *	spi irqs=1 intid=40
 *	PASS
 */
#include "gicv3.h"

#define DOORBELL 0x0a000100UL
#define SPI      40

static volatile u64 irqs, last_intid;

void irq_handler(u64 intid)
{
	if (intid < 1020) {
		last_intid = intid;
		irqs++;
	}
}

int main(void)
{
	volatile u32 *bell = (volatile u32 *)(DOORBELL | rk_shared_bit);
	unsigned spins = 0;

	install_irq_vectors();
	CHECK_EQ("GICD_TYPER ITLinesNumber (64 INTIDs)", *gicd32(GICD_TYPER) & 0x1f, 1);
	*gicd8(GICD_IPRIORITYR + SPI) = 0x80;
	*(volatile u32 *)((GICD_BASE + GICD_IROUTER + 8 * SPI) | rk_shared_bit) = 0;
	*gicd32(GICD_ISENABLER + 4 * (SPI / 32)) = 1U << (SPI % 32);
	CHECK_EQ("GICD_ISENABLER1 reads back", *gicd32(GICD_ISENABLER + 4), 1U << (SPI % 32));
	*gicd32(GICD_CTLR) = 2;
	gic_cpu_init();

	irq_enable();
	*bell = SPI;
	while (!irqs && spins++ < 100000)
		wfi();
	irq_disable();
	rk_printf("spi irqs=%lu intid=%lu\n", irqs, last_intid);
	CHECK_EQ("SPI taken once", irqs, 1);
	CHECK_EQ("INTID", last_intid, SPI);
	CHECK_EQ("nothing pending after EOI", MRS(ICC_HPPIR1_EL1), 1023);
	rk_finish();
}
