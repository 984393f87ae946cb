/*
 * GICv3 for guests that take interrupts: the distributor and
 * redistributor at the addresses the test VMM gives the in-kernel vGIC
 * (kvmtool's layout: GICD 0x3fff0000, redistributors from 0x3fef0000,
 * reached at their unprotected alias), and the ICC system registers.
 */
#ifndef RK_GICV3_H
#define RK_GICV3_H

#include "fdt.h"
#include "rk.h"

/*
 * Where the distributor and vCPU 0's redistributor are: the DTB's
 * "arm,gic-v3" node when the VMM passed one (gic_discover()), else the test
 * VMM's addresses (tests/kvm_util.h: redistributors for 8 vCPUs below GICD).
 */
static u64 gic_dist_base = 0x3fff0000UL;
static u64 gic_redist_base = 0x3fef0000UL;	/* vCPU 0's; 128 KiB per vCPU */
#define GICR_SGI	0x10000UL

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_ISENABLER	0x0100
#define GICD_ICFGR	0x0c00
#define GICD_IPRIORITYR	0x0400
#define GICD_IROUTER	0x6000
#define GICD_PIDR2	0xffe8
#define GICR_TYPER	0x0008
#define GICR_ISENABLER0	0x0100
#define GICR_IPRIORITYR	0x0400

#define MRS(reg) ({ u64 _v; __asm__ volatile("mrs %0, " reg : "=r"(_v)); _v; })
#define MSR(reg, v) __asm__ volatile("msr " reg ", %0" ::"r"((u64)(v)) : "memory")

#define ICC_PMR_EL1	"S3_0_C4_C6_0"
#define ICC_RPR_EL1	"S3_0_C12_C11_3"
#define ICC_SRE_EL1	"S3_0_C12_C12_5"
#define ICC_CTLR_EL1	"S3_0_C12_C12_4"
#define ICC_IGRPEN1_EL1	"S3_0_C12_C12_7"
#define ICC_HPPIR1_EL1	"S3_0_C12_C12_2"

static inline volatile u32 *gicd32(u64 off)
{
	return (volatile u32 *)((gic_dist_base + off) | rk_shared_bit);
}

static inline volatile u8 *gicd8(u64 off)
{
	return (volatile u8 *)((gic_dist_base + off) | rk_shared_bit);
}

static inline volatile u32 *gicr32(u64 off)
{
	return (volatile u32 *)((gic_redist_base + off) | rk_shared_bit);
}

static inline volatile u8 *gicr8(u64 off)
{
	return (volatile u8 *)((gic_redist_base + off) | rk_shared_bit);
}

/* The guest's own: called by the IRQ entry with the acknowledged INTID. */
void irq_handler(u64 intid);
void install_irq_vectors(void);

static inline void irq_enable(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

/* Take the GIC's addresses from the DTB, if the VMM gave one (gicv3.h header). */
static inline void gic_discover(void)
{
	u64 reg[4];

	if (rk_fdt_lookup(rk_dtb(), "arm,gic-v3", reg, 2, 0) == 2) {
		gic_dist_base = reg[0];
		gic_redist_base = reg[2];
	}
}

/* The CPU interface: Group 1 on, every priority unmasked. */
static inline void gic_cpu_init(void)
{
	MSR(ICC_PMR_EL1, 0xff);
	MSR(ICC_IGRPEN1_EL1, 1);
	__asm__ volatile("isb");
}

#endif
