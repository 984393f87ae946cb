/*
 * spi: a shared peripheral interrupt raised by the VMM.  The guest enables
 * SPI 40 in the distributor (priority, route to its own MPIDR), then writes
 * 40 to the doorbell (an MMIO exit the VMM answers with KVM_IRQ_LINE for
 * SPI 40: line high, then low) and waits with IRQs
 * unmasked until irq_handler has taken it through ICC_IAR1_EL1.  Prints:
 *
 *	ok <the checks>
 *	spi irqs=1 intid=40
 *	PASS
 */
#include "gicv3.h"

/*
 * The doorbell: the test VMM's at 0x0a000100; under realmkit run the DTB's
 * "realmkit,doorbell" node (0x0a001000), as are the GIC's addresses.
 */
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
	u64 reg[2] = { DOORBELL, 0 };
	volatile u32 *bell;
	unsigned spins = 0;
	u32 spi = SPI;

	/* Under realmkit run the DTB names the GIC and the doorbell (and its first SPI). */
	gic_discover();
	rk_fdt_lookup(rk_dtb(), "realmkit,doorbell", reg, 1, &spi);
	CHECK_EQ("the doorbell's SPI", spi, SPI);
	bell = (volatile u32 *)(reg[0] | rk_shared_bit);
	install_irq_vectors();
	CHECK_EQ("GICD_TYPER ITLinesNumber (64 INTIDs)", *gicd32(GICD_TYPER) & 0x1f, 1);
	*gicd8(GICD_IPRIORITYR + SPI) = 0x80;
	*gicd32(GICD_IROUTER + 8 * SPI) = 0;
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
