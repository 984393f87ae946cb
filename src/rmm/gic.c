// SPDX-License-Identifier: MIT
/*
 * A REC's GICv3 virtual CPU interface and generic timers (the RMM's side
 * of interrupts and time, DEN0137 1.0 "Realm interrupts and timers").
 *
 * The realm's ICC_* accesses are ICV_* accesses on hardware, served from
 * the REC's list registers, which the host fills at every REC_ENTER
 * (gicv3_lrs, gicv3_hcr) and gets back at every exit with the VMCR and
 * MISR, as TF-RMM copies them.  The CPU model has no GIC: its MRS/MSR of
 * an ICC register is UNDEFINED and stops the PE (at the instruction),
 * and gic_sysreg() emulates it, following the GICv3 architecture's ICV
 * pseudocode: acknowledge (pending -> active, active priority set), EOI
 * (priority drop, deactivation or EOIcount), the VMCR fields, the running
 * priority.  Writes of ICC_SGI0R/SGI1R (and ICC_DIR with ICH_HCR.TDIR) are
 * not virtualised: they become SYNC exits for the host, as in TF-RMM.
 *
 * The list registers hold 5 priority and preemption bits (one active
 * priority register per group), 16-bit INTIDs; the maintenance interrupt
 * (MISR != 0 while enabled) is a physical interrupt for the host, so it
 * ends the REC_ENTER with an IRQ exit.
 *
 * Timers: CNTV_* and CNTP_* are emulated over one system counter
 * (cpu_counter(): CLOCK_MONOTONIC at 62.5 MHz, CNTFRQ_EL0), with CNTVOFF
 * and CNTPOFF zero as the RMM leaves them.  As TF-RMM does, a timer whose
 * output is asserted when the REC is entered is masked for that entry (the
 * host delivers it through the list registers); one that becomes asserted
 * while the realm runs ends the entry with an IRQ exit.  Every exit reports
 * CTL (with ISTATUS) and CVAL of both timers.
 */
#include <string.h>

#include "arch/esr.h"
#include "hw/ich.h"
#include "rmm/gic.h"

#define HCR_EN           (1UL << 0)
#define HCR_UIE          (1UL << 1)
#define HCR_LRENPIE      (1UL << 2)
#define HCR_NPIE         (1UL << 3)
#define HCR_VGRP0EIE     (1UL << 4)
#define HCR_VGRP0DIE     (1UL << 5)
#define HCR_VGRP1EIE     (1UL << 6)
#define HCR_VGRP1DIE     (1UL << 7)
#define HCR_VSGIEOICOUNT (1UL << 8)
#define HCR_TDIR         (1UL << 14)
#define HCR_DVIM         (1UL << 15)
#define HCR_EOICOUNT_SHIFT 27
#define HCR_EOICOUNT     (0x1fUL << HCR_EOICOUNT_SHIFT)
#define HCR_NS_MASK      ((0x7fUL << 1) | HCR_TDIR)
#define HCR_RMM          (HCR_EN | HCR_VSGIEOICOUNT | HCR_DVIM)

#define VMCR_ENG0        (1UL << 0)
#define VMCR_ENG1        (1UL << 1)
#define VMCR_CBPR        (1UL << 4)
#define VMCR_EOIM        (1UL << 9)
#define VMCR_BPR1_SHIFT  18
#define VMCR_BPR0_SHIFT  21
#define VMCR_PMR_SHIFT   24

#define MISR_EOI   (1UL << 0)
#define MISR_U     (1UL << 1)
#define MISR_LRENP (1UL << 2)
#define MISR_NP    (1UL << 3)
#define MISR_VGRP0E (1UL << 4)
#define MISR_VGRP0D (1UL << 5)
#define MISR_VGRP1E (1UL << 6)
#define MISR_VGRP1D (1UL << 7)

#define LR_STATE_SHIFT 62
#define LR_PENDING     (1UL << 62)
#define LR_ACTIVE      (1UL << 63)
#define LR_GROUP1      (1UL << 60)
#define LR_HW          (1UL << 61)
#define LR_EOI         (1UL << 41)
#define LR_PRIO_SHIFT  48
#define LR_INTID(lr)   ((uint32_t)(lr))

#define PRI_BITS   5
#define PRI_MASK   (0xffU << (8 - PRI_BITS) & 0xff)
#define BPR0_MIN   (7 - PRI_BITS)
#define IDLE_PRIO  0xffU
#define SPURIOUS   1023U

/* ICC registers (op0 3, op1 0). */
#define ICC_PMR     CPU_SYSREG(3, 0, 4, 6, 0)
#define ICC_IAR0    CPU_SYSREG(3, 0, 12, 8, 0)
#define ICC_EOIR0   CPU_SYSREG(3, 0, 12, 8, 1)
#define ICC_HPPIR0  CPU_SYSREG(3, 0, 12, 8, 2)
#define ICC_BPR0    CPU_SYSREG(3, 0, 12, 8, 3)
#define ICC_AP0R0   CPU_SYSREG(3, 0, 12, 8, 4)
#define ICC_AP0R3   CPU_SYSREG(3, 0, 12, 8, 7)
#define ICC_AP1R0   CPU_SYSREG(3, 0, 12, 9, 0)
#define ICC_AP1R3   CPU_SYSREG(3, 0, 12, 9, 3)
#define ICC_DIR     CPU_SYSREG(3, 0, 12, 11, 1)
#define ICC_RPR     CPU_SYSREG(3, 0, 12, 11, 3)
#define ICC_SGI1R   CPU_SYSREG(3, 0, 12, 11, 5)
#define ICC_ASGI1R  CPU_SYSREG(3, 0, 12, 11, 6)
#define ICC_SGI0R   CPU_SYSREG(3, 0, 12, 11, 7)
#define ICC_IAR1    CPU_SYSREG(3, 0, 12, 12, 0)
#define ICC_EOIR1   CPU_SYSREG(3, 0, 12, 12, 1)
#define ICC_HPPIR1  CPU_SYSREG(3, 0, 12, 12, 2)
#define ICC_BPR1    CPU_SYSREG(3, 0, 12, 12, 3)
#define ICC_CTLR    CPU_SYSREG(3, 0, 12, 12, 4)
#define ICC_SRE     CPU_SYSREG(3, 0, 12, 12, 5)
#define ICC_IGRPEN0 CPU_SYSREG(3, 0, 12, 12, 6)
#define ICC_IGRPEN1 CPU_SYSREG(3, 0, 12, 12, 7)

/* Timers (op0 3, op1 3, CRn 14) and CNTKCTL_EL1. */
#define CNTFRQ    CPU_SYSREG(3, 3, 14, 0, 0)
#define CNTPCT    CPU_SYSREG(3, 3, 14, 0, 1)
#define CNTVCT    CPU_SYSREG(3, 3, 14, 0, 2)
#define CNTP_TVAL CPU_SYSREG(3, 3, 14, 2, 0)
#define CNTP_CTL  CPU_SYSREG(3, 3, 14, 2, 1)
#define CNTP_CVAL CPU_SYSREG(3, 3, 14, 2, 2)
#define CNTV_TVAL CPU_SYSREG(3, 3, 14, 3, 0)
#define CNTV_CTL  CPU_SYSREG(3, 3, 14, 3, 1)
#define CNTV_CVAL CPU_SYSREG(3, 3, 14, 3, 2)
#define CNTKCTL   CPU_SYSREG(3, 0, 14, 1, 0)

#define CTL_ENABLE  1UL
#define CTL_IMASK   2UL
#define CTL_ISTATUS 4UL

/* ---- list registers ---- */

static unsigned lr_state(uint64_t lr)
{
	return (unsigned)(lr >> LR_STATE_SHIFT);
}

static unsigned lr_prio(uint64_t lr)
{
	return (unsigned)(lr >> LR_PRIO_SHIFT) & 0xff;
}

static bool lr_group1(uint64_t lr)
{
	return lr & LR_GROUP1;
}

static unsigned vmcr_pmr(const struct rec *rec)
{
	return (unsigned)(rec->gic_vmcr >> VMCR_PMR_SHIFT) & 0xff;
}

static unsigned vmcr_bpr0(const struct rec *rec)
{
	unsigned b = (unsigned)(rec->gic_vmcr >> VMCR_BPR0_SHIFT) & 7;

	return b < BPR0_MIN ? BPR0_MIN : b;
}

static unsigned vmcr_bpr1(const struct rec *rec)
{
	unsigned b = (unsigned)(rec->gic_vmcr >> VMCR_BPR1_SHIFT) & 7;

	if (rec->gic_vmcr & VMCR_CBPR)
		return vmcr_bpr0(rec) + 1 > 7 ? 7 : vmcr_bpr0(rec) + 1;
	return b < BPR0_MIN + 1 ? BPR0_MIN + 1 : b;
}

/* The group-priority mask for @group1's interrupts (the binary point). */
static unsigned gmask(const struct rec *rec, bool group1)
{
	unsigned b = group1 && !(rec->gic_vmcr & VMCR_CBPR) ? vmcr_bpr1(rec) - 1 : vmcr_bpr0(rec);

	return (0xffU << (b + 1)) & 0xff;
}

/* ICV_RPR: the priority of the highest active priority bit, or idle. */
static unsigned running_prio(const struct rec *rec)
{
	uint64_t apr = (rec->gic_ap0r | rec->gic_ap1r) & 0xffffffffUL;

	if (!apr)
		return IDLE_PRIO;
	return (unsigned)__builtin_ctzll(apr) << (8 - PRI_BITS);
}

/* The highest-priority pending LR the enabled groups allow; -1 if none. */
static int hppvi(const struct rec *rec)
{
	unsigned best = IDLE_PRIO;
	int idx = -1;

	if (!(rec->gic_vmcr & (VMCR_ENG0 | VMCR_ENG1)))
		return -1;
	for (unsigned i = 0; i < RMM_GIC_NUM_LRS; i++) {
		uint64_t lr = rec->gic_lrs[i];

		if (lr_state(lr) != 1)
			continue;
		if (!(rec->gic_vmcr & (lr_group1(lr) ? VMCR_ENG1 : VMCR_ENG0)))
			continue;
		if (lr_prio(lr) < best) {
			best = lr_prio(lr);
			idx = (int)i;
		}
	}
	return idx;
}

static bool can_signal(const struct rec *rec, uint64_t lr)
{
	unsigned prio = lr_prio(lr), rpr = running_prio(rec), m = gmask(rec, lr_group1(lr));

	if (!(rec->gic_hcr & HCR_EN) || prio >= vmcr_pmr(rec))
		return false;
	return rpr == IDLE_PRIO || (prio & m) < (rpr & m);
}

bool gic_virq(const struct rec *rec)
{
	int i = hppvi(rec);

	return i >= 0 && lr_group1(rec->gic_lrs[i]) && can_signal(rec, rec->gic_lrs[i]);
}

static uint64_t misr(const struct rec *rec)
{
	uint64_t hcr = rec->gic_hcr, m = 0;
	unsigned valid = 0;
	bool pending = false;

	for (unsigned i = 0; i < RMM_GIC_NUM_LRS; i++) {
		uint64_t lr = rec->gic_lrs[i];

		if (!lr_state(lr) && !(lr & LR_HW) && (lr & LR_EOI))
			m |= MISR_EOI;
		if (lr_state(lr))
			valid++;
		if (lr & LR_PENDING)
			pending = true;
	}
	if ((hcr & HCR_UIE) && valid <= 1)
		m |= MISR_U;
	if ((hcr & HCR_LRENPIE) && (hcr & HCR_EOICOUNT))
		m |= MISR_LRENP;
	if ((hcr & HCR_NPIE) && !pending)
		m |= MISR_NP;
	if ((hcr & HCR_VGRP0EIE) && (rec->gic_vmcr & VMCR_ENG0))
		m |= MISR_VGRP0E;
	if ((hcr & HCR_VGRP0DIE) && !(rec->gic_vmcr & VMCR_ENG0))
		m |= MISR_VGRP0D;
	if ((hcr & HCR_VGRP1EIE) && (rec->gic_vmcr & VMCR_ENG1))
		m |= MISR_VGRP1E;
	if ((hcr & HCR_VGRP1DIE) && !(rec->gic_vmcr & VMCR_ENG1))
		m |= MISR_VGRP1D;
	return m;
}

bool gic_maintenance(const struct rec *rec)
{
	return (rec->gic_hcr & HCR_EN) && misr(rec);
}

void gic_entry(struct rec *rec, const struct rmi_rec_entry *e)
{
	/* The host's bits of ICH_HCR; En, vSGIEOICount, DVIM are the RMM's, EOIcount stays. */
	rec->gic_hcr = (rec->gic_hcr & HCR_EOICOUNT) | HCR_RMM | (e->gicv3_hcr & HCR_NS_MASK);
	memcpy(rec->gic_lrs, e->gicv3_lrs, sizeof(rec->gic_lrs));
}

void gic_exit(const struct rec *rec, struct rmi_rec_exit *x)
{
	memcpy(x->gicv3_lrs, rec->gic_lrs, sizeof(x->gicv3_lrs));
	x->gicv3_hcr = rec->gic_hcr & (HCR_EOICOUNT | HCR_NS_MASK);
	x->gicv3_misr = misr(rec);
	x->gicv3_vmcr = rec->gic_vmcr;
}

/*
 * RMI 2.0: the host programs the PE's virtual CPU interface (hw/ich.h) and
 * the REC runs with what it finds there, all of ICH_HCR_EL2 included (TF-RMM
 * main keeps no copy for Plane 0 and masks no HCR bit); VMCR and the active
 * priorities are the host's to save and restore, as for a normal VM.
 */
void gic_entry_pe(struct rec *rec)
{
	const struct hw_ich *pe = hw_ich_this_pe();

	RK_STATIC_ASSERT(HW_ICH_NUM_LRS == RMM_GIC_NUM_LRS, "one LR file");
	rec->gic_hcr = pe->hcr;
	memcpy(rec->gic_lrs, pe->lr, sizeof(rec->gic_lrs));
	rec->gic_vmcr = pe->vmcr;
	rec->gic_ap0r = pe->ap0r & 0xffffffffUL;
	rec->gic_ap1r = pe->ap1r & 0xffffffffUL;
}

/* At the exit the state stays in the registers, the interface disabled (En clear). */
void gic_exit_pe(const struct rec *rec)
{
	struct hw_ich *pe = hw_ich_this_pe();

	memcpy(pe->lr, rec->gic_lrs, sizeof(pe->lr));
	pe->misr = misr(rec);
	pe->hcr = rec->gic_hcr & ~HCR_EN;
	pe->vmcr = rec->gic_vmcr;
	pe->ap0r = rec->gic_ap0r;
	pe->ap1r = rec->gic_ap1r;
}

/* ---- acknowledge, EOI, deactivate ---- */

static uint64_t *apr(struct rec *rec, bool group1)
{
	return group1 ? &rec->gic_ap1r : &rec->gic_ap0r;
}

static uint32_t acknowledge(struct rec *rec, bool group1)
{
	int i = hppvi(rec);
	uint64_t *lr;

	if (i < 0 || lr_group1(rec->gic_lrs[i]) != group1 || !can_signal(rec, rec->gic_lrs[i]))
		return SPURIOUS;
	lr = &rec->gic_lrs[i];
	if (LR_INTID(*lr) >= 1020 && LR_INTID(*lr) <= 1023) {
		*lr &= ~LR_PENDING;
		return LR_INTID(*lr);
	}
	*lr = (*lr & ~LR_PENDING) | LR_ACTIVE;
	*apr(rec, group1) |= 1UL << ((lr_prio(*lr) & gmask(rec, group1)) >> (8 - PRI_BITS));
	return LR_INTID(*lr);
}

static void eoicount_inc(struct rec *rec)
{
	uint64_t n = ((rec->gic_hcr >> HCR_EOICOUNT_SHIFT) + 1) & 0x1f;

	rec->gic_hcr = (rec->gic_hcr & ~HCR_EOICOUNT) | n << HCR_EOICOUNT_SHIFT;
}

static int find_active(const struct rec *rec, uint32_t intid)
{
	for (unsigned i = 0; i < RMM_GIC_NUM_LRS; i++)
		if ((rec->gic_lrs[i] & LR_ACTIVE) && LR_INTID(rec->gic_lrs[i]) == intid)
			return (int)i;
	return -1;
}

static void eoi(struct rec *rec, uint32_t intid, bool group1)
{
	uint64_t a0 = rec->gic_ap0r & 0xffffffffUL, a1 = rec->gic_ap1r & 0xffffffffUL;
	unsigned bit, dropped;
	bool drop_g1;
	int i;

	if (intid >= 1020 && intid <= 1023)
		return;
	if (!(a0 | a1))
		return; /* no active priority: ignored (CONSTRAINED UNPREDICTABLE) */
	bit = (unsigned)__builtin_ctzll(a0 | a1);
	drop_g1 = !(a0 & (1UL << bit));
	*apr(rec, drop_g1) &= ~(1UL << bit);
	dropped = bit << (8 - PRI_BITS);
	i = find_active(rec, intid);
	if (i < 0) {
		if (intid < 8192)
			eoicount_inc(rec);
		return;
	}
	if (lr_group1(rec->gic_lrs[i]) != group1 || drop_g1 != group1 ||
	    (lr_prio(rec->gic_lrs[i]) & gmask(rec, group1)) != dropped)
		return;
	if (!(rec->gic_vmcr & VMCR_EOIM))
		rec->gic_lrs[i] &= ~LR_ACTIVE;
}

/* ---- the ICC registers ---- */

static uint64_t ctlr_read(const struct rec *rec)
{
	/* CBPR, EOImode; PRIbits - 1; IDbits 0 (16 bits); A3V. */
	return ((rec->gic_vmcr & VMCR_CBPR) ? 1 : 0) | ((rec->gic_vmcr & VMCR_EOIM) ? 2 : 0) |
	       (uint64_t)(PRI_BITS - 1) << 8 | 1UL << 15;
}

static void vmcr_set(struct rec *rec, unsigned shift, uint64_t mask, uint64_t v)
{
	rec->gic_vmcr = (rec->gic_vmcr & ~(mask << shift)) | (v & mask) << shift;
}

/* An ESR for a trapped MSR/MRS (EC 0x18), as the host sees it (Rt 0: the value in gprs[0]). */
static uint64_t sysreg_esr(uint32_t enc, bool read)
{
	uint64_t iss = (uint64_t)((enc >> 14) & 3) << 20 | (uint64_t)(enc & 7) << 17 |
		       (uint64_t)((enc >> 11) & 7) << 14 | (uint64_t)((enc >> 7) & 15) << 10 |
		       (uint64_t)((enc >> 3) & 15) << 1 | (read ? 1 : 0);

	return esr_make(ESR_EC_SYS64, iss);
}

enum gic_result gic_sysreg(struct rec *rec, uint32_t enc, bool read, uint64_t *val,
			   uint64_t *exit_esr)
{
	uint64_t v = *val;

	if (enc == ICC_SGI1R || enc == ICC_SGI0R || enc == ICC_ASGI1R) {
		if (read)
			return GIC_UNDEF;
		if (enc == ICC_ASGI1R)
			return GIC_DONE; /* RAZ/WI in the RMM, as TF-RMM leaves it */
		*exit_esr = sysreg_esr(enc, false);
		return GIC_EXIT;
	}
	switch (enc) {
	case ICC_PMR:
		if (read)
			*val = vmcr_pmr(rec);
		else
			vmcr_set(rec, VMCR_PMR_SHIFT, 0xff, v & PRI_MASK);
		break;
	case ICC_IAR0:
	case ICC_IAR1:
	case ICC_HPPIR0:
	case ICC_HPPIR1:
	case ICC_RPR:
		if (!read)
			return GIC_UNDEF;
		if (enc == ICC_RPR) {
			*val = running_prio(rec);
		} else if (enc == ICC_IAR0 || enc == ICC_IAR1) {
			*val = acknowledge(rec, enc == ICC_IAR1);
		} else {
			int i = hppvi(rec);

			*val = i >= 0 && lr_group1(rec->gic_lrs[i]) == (enc == ICC_HPPIR1)
				       ? LR_INTID(rec->gic_lrs[i])
				       : SPURIOUS;
		}
		break;
	case ICC_EOIR0:
	case ICC_EOIR1:
		if (read)
			return GIC_UNDEF;
		eoi(rec, (uint32_t)v & 0xffffff, enc == ICC_EOIR1);
		break;
	case ICC_DIR:
		if (read)
			return GIC_UNDEF;
		if (rec->gic_hcr & HCR_TDIR) {
			*exit_esr = sysreg_esr(enc, false);
			return GIC_EXIT;
		}
		if ((uint32_t)v >= 1020 || !(rec->gic_vmcr & VMCR_EOIM))
			break;
		{
			int i = find_active(rec, (uint32_t)v & 0xffffff);

			if (i < 0)
				eoicount_inc(rec);
			else
				rec->gic_lrs[i] &= ~LR_ACTIVE;
		}
		break;
	case ICC_BPR0:
		if (read)
			*val = vmcr_bpr0(rec);
		else
			vmcr_set(rec, VMCR_BPR0_SHIFT, 7, (v & 7) < BPR0_MIN ? BPR0_MIN : v & 7);
		break;
	case ICC_BPR1:
		if (read)
			*val = vmcr_bpr1(rec);
		else if (!(rec->gic_vmcr & VMCR_CBPR))
			vmcr_set(rec, VMCR_BPR1_SHIFT, 7,
				 (v & 7) < BPR0_MIN + 1 ? BPR0_MIN + 1 : v & 7);
		break;
	case ICC_CTLR:
		if (read) {
			*val = ctlr_read(rec);
		} else {
			vmcr_set(rec, 4, 1, v & 1);        /* CBPR */
			vmcr_set(rec, 9, 1, (v >> 1) & 1); /* EOImode */
		}
		break;
	case ICC_SRE:
		if (read)
			*val = 7; /* SRE, DFB, DIB: RAO/WI */
		break;
	case ICC_IGRPEN0:
	case ICC_IGRPEN1:
		if (read)
			*val = (rec->gic_vmcr >> (enc == ICC_IGRPEN1)) & 1;
		else
			vmcr_set(rec, enc == ICC_IGRPEN1, 1, v & 1);
		break;
	default:
		if (enc >= ICC_AP0R0 && enc <= ICC_AP0R3) {
			if (enc != ICC_AP0R0)
				*val = 0; /* 5 preemption bits: only AP0R0 exists (RAZ/WI) */
			else if (read)
				*val = rec->gic_ap0r;
			else
				rec->gic_ap0r = v & 0xffffffffUL;
			break;
		}
		if (enc >= ICC_AP1R0 && enc <= ICC_AP1R3) {
			if (enc != ICC_AP1R0)
				*val = 0;
			else if (read)
				*val = rec->gic_ap1r;
			else
				rec->gic_ap1r = v & 0xffffffffUL;
			break;
		}
		return GIC_NOT_GIC;
	}
	return GIC_DONE;
}

/* ---- generic timers ---- */

static uint64_t ctl_now(uint64_t ctl, uint64_t cval, uint64_t now)
{
	ctl &= CTL_ENABLE | CTL_IMASK;
	if ((ctl & CTL_ENABLE) && now >= cval)
		ctl |= CTL_ISTATUS;
	return ctl;
}

static bool asserted(uint64_t ctl, uint64_t cval, uint64_t now)
{
	return (ctl_now(ctl, cval, now) & (CTL_ISTATUS | CTL_IMASK)) == CTL_ISTATUS;
}

bool timer_sysreg(struct rec *rec, uint32_t enc, bool read, uint64_t *val)
{
	uint64_t now = cpu_counter(), *ctl, *cval;

	switch (enc) {
	case CNTFRQ:
		if (!read)
			return false;
		*val = CPU_CNTFRQ;
		return true;
	case CNTPCT:
	case CNTVCT:
		if (!read)
			return false;
		*val = now; /* CNTVOFF is zero */
		return true;
	case CNTKCTL:
		if (read)
			*val = rec->cntkctl;
		else
			rec->cntkctl = *val & 0x3ff;
		return true;
	case CNTP_TVAL:
	case CNTP_CTL:
	case CNTP_CVAL:
		ctl = &rec->cntp_ctl;
		cval = &rec->cntp_cval;
		break;
	case CNTV_TVAL:
	case CNTV_CTL:
	case CNTV_CVAL:
		ctl = &rec->cntv_ctl;
		cval = &rec->cntv_cval;
		break;
	default:
		return false;
	}
	switch (enc & 7) {
	case 0: /* TVAL: a signed 32-bit view of CVAL - counter */
		if (read)
			*val = (uint64_t)(int64_t)(int32_t)(uint32_t)(*cval - now) & 0xffffffffUL;
		else
			*cval = now + (uint64_t)(int64_t)(int32_t)(uint32_t)*val;
		break;
	case 1:
		if (read)
			*val = ctl_now(*ctl, *cval, now);
		else
			*ctl = *val & (CTL_ENABLE | CTL_IMASK);
		break;
	default:
		if (read)
			*val = *cval;
		else
			*cval = *val;
		break;
	}
	return true;
}

/* At entry: latch which timers are asserted (masked for this entry); true if that changed. */
bool timer_entry(struct rec *rec)
{
	uint64_t now = cpu_counter();
	unsigned m = (asserted(rec->cntv_ctl, rec->cntv_cval, now) ? 1U : 0) |
		     (asserted(rec->cntp_ctl, rec->cntp_cval, now) ? 2U : 0);
	bool changed = m != rec->timer_reported;

	rec->timer_masked = m;
	return changed;
}

/* The counter value at which an unmasked timer will fire; 0 if none (or one fired). */
uint64_t timer_deadline(const struct rec *rec, bool *fired)
{
	uint64_t now = cpu_counter(), d = 0;
	const uint64_t ctl[2] = { rec->cntv_ctl, rec->cntp_ctl };
	const uint64_t cval[2] = { rec->cntv_cval, rec->cntp_cval };

	*fired = false;
	for (unsigned i = 0; i < 2; i++) {
		if (rec->timer_masked & (1U << i))
			continue;
		if ((ctl[i] & (CTL_ENABLE | CTL_IMASK)) != CTL_ENABLE)
			continue;
		if (cval[i] <= now)
			*fired = true;
		else if (!d || cval[i] < d)
			d = cval[i];
	}
	return d;
}

void timer_exit(struct rec *rec, struct rmi_rec_exit *x)
{
	uint64_t now = cpu_counter();

	x->cntv_ctl = ctl_now(rec->cntv_ctl, rec->cntv_cval, now);
	x->cntv_cval = rec->cntv_cval;
	x->cntp_ctl = ctl_now(rec->cntp_ctl, rec->cntp_cval, now);
	x->cntp_cval = rec->cntp_cval;
	rec->timer_reported = (asserted(rec->cntv_ctl, rec->cntv_cval, now) ? 1U : 0) |
			      (asserted(rec->cntp_ctl, rec->cntp_cval, now) ? 2U : 0);
}
