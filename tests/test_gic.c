// SPDX-License-Identifier: MIT
/*
 * The RMM's GICv3 virtual CPU interface and timers (src/rmm/gic.c) on a REC
 * alone, without a realm: the ICV_* behaviour of each ICC register over
 * list registers the test writes as the host would, what REC exit reports,
 * and the timer registers over the system counter.  The same code serves
 * realms in tests/test_guests.c (guests timer, spi).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rmm/gic.h"

#define LR(intid, prio, state, eoi)                                                         \
	((uint64_t)(intid) | 1ULL << 60 | (uint64_t)(prio) << 48 | (uint64_t)(state) << 62 |  \
	 ((eoi) ? 1ULL << 41 : 0))
#define ICC(crn, crm, op2) CPU_SYSREG(3, 0, crn, crm, op2)
#define PMR     ICC(4, 6, 0)
#define IAR1    ICC(12, 12, 0)
#define EOIR1   ICC(12, 12, 1)
#define HPPIR1  ICC(12, 12, 2)
#define BPR1    ICC(12, 12, 3)
#define CTLR    ICC(12, 12, 4)
#define SRE     ICC(12, 12, 5)
#define IGRPEN1 ICC(12, 12, 7)
#define RPR     ICC(12, 11, 3)
#define DIR     ICC(12, 11, 1)
#define SGI1R   ICC(12, 11, 5)
#define AP1R0   ICC(12, 9, 0)

static struct rec *rec;

static uint64_t rd(uint32_t enc)
{
	uint64_t v = 0xdead, esr = 0;

	CHECK_EQ(gic_sysreg(rec, enc, true, &v, &esr), GIC_DONE);
	return v;
}

static enum gic_result wr(uint32_t enc, uint64_t v)
{
	uint64_t esr = 0;

	return gic_sysreg(rec, enc, false, &v, &esr);
}

static void enter(const uint64_t *lrs, unsigned n, uint64_t hcr)
{
	struct rmi_rec_entry e;

	memset(&e, 0, sizeof(e));
	if (n)
		memcpy(e.gicv3_lrs, lrs, n * sizeof(*lrs));
	e.gicv3_hcr = hcr;
	gic_entry(rec, &e);
}

static void test_ack_eoi(void)
{
	const uint64_t lrs[] = { LR(40, 0x80, 1, 0), LR(27, 0x40, 1, 1), LR(33, 0x40, 2, 0) };
	struct rmi_rec_exit x;

	memset(rec, 0, sizeof(*rec));
	enter(lrs, 3, 0);
	/* Reset state: groups off, PMR 0: nothing is signalled. */
	CHECK(!gic_virq(rec));
	CHECK_EQ(rd(IAR1), 1023);
	CHECK_EQ(rd(SRE), 7);
	CHECK_EQ(rd(BPR1), 3); /* the minimum for 5 preemption bits */
	CHECK_EQ(wr(IGRPEN1, 1), GIC_DONE);
	CHECK(!gic_virq(rec)); /* PMR 0 masks everything */
	CHECK_EQ(wr(PMR, 0xff), GIC_DONE);
	CHECK_EQ(rd(PMR), 0xf8); /* 5 priority bits */
	CHECK(gic_virq(rec));
	CHECK_EQ(rd(HPPIR1), 27); /* the higher priority (lower value) */
	CHECK_EQ(rd(RPR), 0xff);
	CHECK_EQ(rd(IAR1), 27);
	CHECK_EQ(rec->gic_lrs[1] >> 62, 2); /* pending -> active */
	CHECK_EQ(rd(RPR), 0x40);
	CHECK_EQ(rd(AP1R0), 1ULL << (0x40 >> 3));
	/* 40 (0x80) cannot preempt the running 0x40. */
	CHECK(!gic_virq(rec));
	CHECK_EQ(rd(IAR1), 1023);
	/* EOI: priority drop and deactivation (EOImode 0); the LR had EOI: maintenance. */
	CHECK_EQ(wr(EOIR1, 27), GIC_DONE);
	CHECK_EQ(rec->gic_lrs[1] >> 62, 0);
	CHECK_EQ(rd(RPR), 0xff);
	CHECK(gic_maintenance(rec));
	CHECK(gic_virq(rec));
	CHECK_EQ(rd(IAR1), 40);
	/* An EOI for an INTID in no LR: priority drop, EOIcount. */
	CHECK_EQ(wr(EOIR1, 99), GIC_DONE);
	CHECK_EQ(rd(RPR), 0xff);
	CHECK_EQ(rec->gic_lrs[0] >> 62, 2); /* 40 stays active */
	gic_exit(rec, &x);
	CHECK_EQ(x.gicv3_hcr >> 27, 1);      /* EOIcount */
	CHECK_EQ(x.gicv3_misr & 1, 1);       /* MISR.EOI */
	CHECK_EQ(x.gicv3_vmcr >> 24, 0xf8);  /* VPMR */
	CHECK_EQ(x.gicv3_vmcr & 2, 2);       /* VENG1 */
	CHECK_EQ(x.gicv3_lrs[2], LR(33, 0x40, 2, 0));
	/* The RMM's own ICH_HCR bits (En, vSGIEOICount, DVIM) are not shown. */
	CHECK_EQ(x.gicv3_hcr & 0x8101, 0);
	/* EOIcount is kept across entries (RMM 1.0), the host's bits are replaced. */
	enter(lrs, 0, 1ULL << 1 | 1ULL << 14);
	gic_exit(rec, &x);
	CHECK_EQ(x.gicv3_hcr, 1ULL << 27 | 1ULL << 1 | 1ULL << 14);
}

static void test_eoimode_dir(void)
{
	const uint64_t lrs[] = { LR(50, 0x20, 1, 0) };
	uint64_t v = 0x123, esr = 0;

	memset(rec, 0, sizeof(*rec));
	enter(lrs, 1, 0);
	wr(IGRPEN1, 1);
	wr(PMR, 0xff);
	wr(CTLR, 2); /* EOImode 1: EOIR drops priority only */
	CHECK_EQ(rd(CTLR) & 3, 2);
	CHECK_EQ((rd(CTLR) >> 8) & 7, 4); /* PRIbits - 1 */
	CHECK_EQ(rd(IAR1), 50);
	wr(EOIR1, 50);
	CHECK_EQ(rd(RPR), 0xff);
	CHECK_EQ(rec->gic_lrs[0] >> 62, 2); /* still active */
	CHECK_EQ(wr(DIR, 50), GIC_DONE);
	CHECK_EQ(rec->gic_lrs[0] >> 62, 0);
	/* With ICH_HCR.TDIR, DIR goes to the host; SGI1R always does; reads are UNDEFINED. */
	enter(lrs, 0, 1ULL << 14);
	CHECK_EQ(gic_sysreg(rec, DIR, false, &v, &esr), GIC_EXIT);
	CHECK_EQ(esr >> 26, 0x18);
	CHECK_EQ(gic_sysreg(rec, SGI1R, false, &v, &esr), GIC_EXIT);
	CHECK_EQ((esr >> 10) & 0xf, 12); /* CRn */
	CHECK_EQ((esr >> 1) & 0xf, 11);  /* CRm */
	CHECK_EQ((esr >> 17) & 7, 5);    /* op2 */
	CHECK_EQ(gic_sysreg(rec, SGI1R, true, &v, &esr), GIC_UNDEF);
	CHECK_EQ(gic_sysreg(rec, EOIR1, true, &v, &esr), GIC_UNDEF);
	CHECK_EQ(gic_sysreg(rec, CPU_SYSREG(3, 0, 1, 0, 0), true, &v, &esr), GIC_NOT_GIC);
}

static void test_misr(void)
{
	struct rmi_rec_exit x;

	memset(rec, 0, sizeof(*rec));
	/* Underflow (UIE) with at most one valid LR, no pending (NPIE), group 1 disabled. */
	enter(NULL, 0, 1ULL << 1 | 1ULL << 3 | 1ULL << 7);
	gic_exit(rec, &x);
	CHECK_EQ(x.gicv3_misr, 1ULL << 1 | 1ULL << 3 | 1ULL << 7);
	CHECK(gic_maintenance(rec));
	enter(NULL, 0, 0);
	CHECK(!gic_maintenance(rec));
}

static void test_timers(void)
{
	uint64_t v, now;
	bool fired;
	struct rmi_rec_exit x;

	memset(rec, 0, sizeof(*rec));
	CHECK(timer_sysreg(rec, CPU_SYSREG(3, 3, 14, 0, 0), true, &v));
	CHECK_EQ(v, CPU_CNTFRQ);
	CHECK(timer_sysreg(rec, CPU_SYSREG(3, 3, 14, 0, 2), true, &now));
	v = CPU_CNTFRQ; /* one second ahead */
	CHECK(timer_sysreg(rec, CPU_SYSREG(3, 3, 14, 3, 0), false, &v)); /* CNTV_TVAL */
	CHECK(rec->cntv_cval >= now + CPU_CNTFRQ);
	v = 1;
	CHECK(timer_sysreg(rec, CPU_SYSREG(3, 3, 14, 3, 1), false, &v)); /* enable */
	CHECK(timer_sysreg(rec, CPU_SYSREG(3, 3, 14, 3, 1), true, &v));
	CHECK_EQ(v, 1); /* ISTATUS clear */
	CHECK(!timer_entry(rec));
	CHECK_EQ(timer_deadline(rec, &fired), rec->cntv_cval);
	CHECK(!fired);
	/* CVAL in the past: the output is asserted; a changed output makes the entry exit. */
	v = 0;
	CHECK(timer_sysreg(rec, CPU_SYSREG(3, 3, 14, 3, 2), false, &v));
	CHECK(timer_sysreg(rec, CPU_SYSREG(3, 3, 14, 3, 1), true, &v));
	CHECK_EQ(v, 5); /* ENABLE | ISTATUS */
	timer_deadline(rec, &fired);
	CHECK(fired);
	CHECK(timer_entry(rec));  /* asserted now, not at the last exit */
	timer_deadline(rec, &fired);
	CHECK(!fired);            /* masked for this entry: the host delivers it */
	timer_exit(rec, &x);
	CHECK_EQ(x.cntv_ctl, 5);
	CHECK_EQ(x.cntv_cval, 0);
	CHECK(!timer_entry(rec)); /* reported: no change */
	/* TVAL: CVAL = counter + SignExtend(value); reads as a signed 32-bit CVAL - counter. */
	v = 0xffffff9c; /* -100 */
	CHECK(timer_sysreg(rec, CPU_SYSREG(3, 3, 14, 3, 0), false, &v));
	CHECK(rec->cntv_cval < cpu_counter());
	CHECK(timer_sysreg(rec, CPU_SYSREG(3, 3, 14, 3, 0), true, &v));
	CHECK(v >= 0x80000000ULL && v <= 0xffffff9cULL);
	CHECK(!timer_sysreg(rec, CPU_SYSREG(3, 3, 14, 0, 1), false, &v)); /* CNTPCT: RO */
}

int main(void)
{
	rec = calloc(1, sizeof(*rec));
	test_ack_eoi();
	test_eoimode_dir();
	test_misr();
	test_timers();
	free(rec);
	return t_done();
}
