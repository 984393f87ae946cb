// SPDX-License-Identifier: MIT
/*
 * RMI_REC_ENTER: running a REC (DEN0137 1.0 "Realm exit" and "REC entry").
 * A pipeline, as an RMM does it:
 *
 *   validate the entry -> complete the host's answer to the last exit ->
 *   run realm code on the PE -> sort what stopped it -> serve it in the RMM
 *   (RSI, PSCI, exceptions injected into the realm) and run again, or build
 *   the REC exit for the host.
 *
 * The REC's processing element (machine/cpu.c) sees realm memory only
 * through stage 2 as the RTT describes it: s2_resolve() grants a range the
 * first time the realm touches it, and s2_shootdown() takes it back from
 * running RECs when an RMI command changes the RTT.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/esr.h"
#include "arch/insn.h"
#include "realmkit/psci.h"
#include "realmkit/rsi.h"
#include "rmm/gic.h"
#include "rmm/run.h"

/* GICv3 virtual interface as the simulated platform implements it. */
#define GIC_HCR_NS_ALLOWED  ((0x7fUL << 1) | (1UL << 14)) /* UIE..VGRP1DIE, TDIR */
#define GIC_PRI_RES0        (0x7UL << 48)               /* PRIbits = 5 */
#define GIC_LR_STATE_SHIFT  62
#define GIC_LR_HW           (1UL << 61)
#define GIC_LR_PINTID_MASK  (0x1fffUL << 32)
#define GIC_LR_EOI          (1UL << 41)
#define GIC_LR_VINTID_MASK  0xffffffffUL
#define GIC_MAX_VINTID      0xffffUL                    /* IDbits = 16 */


#define PSTATE_EL0_MASK (3UL << 2)
#define S2TTE_S2AP_W    (1UL << 7)

struct rec_rt {
	struct rmm *rmm;
	uint64_t rd_pa, rec_pa;
	struct rd *rd;
	struct rec *rec; /* the REC in its granule (the RMM view) */
	struct cpu *cpu;
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	bool in_guest; /* realm code is running on the PE */
	bool flush;    /* stage 2 changed: drop the PE's mappings in [flush_lo, flush_hi) */
	uint64_t flush_lo, flush_hi;
	bool kick;     /* the host interrupted the PE: exit with IRQ */
	unsigned waiters; /* shootdowns waiting for this PE to leave the guest */
	uint64_t entered_ns; /* when the current REC_ENTER began */
	uint64_t *ns;  /* NS granules mapped into the PE (for GPT changes) */
	uint8_t *token; /* the CCA token of the last ATTEST_TOKEN_INIT (rec->attest) */
	unsigned nns, cap_ns;
	struct rec_rt *next;     /* in rmm->running */
	struct rec_rt *all_next; /* in rmm->recs: every REC that has a PE */
};

#define STAT_INC(rmm, field) __atomic_fetch_add(&(rmm)->stats.field, 1, __ATOMIC_RELAXED)

/* ---- stage 2 as the PE sees it ---- */

static bool ns_track(struct rec_rt *rt, uint64_t pa, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += GRANULE_SIZE) {
		if (rt->nns == rt->cap_ns) {
			unsigned cap = rt->cap_ns ? 2 * rt->cap_ns : 16;
			uint64_t *n = realloc(rt->ns, cap * sizeof(*n));

			if (!n)
				return false;
			rt->ns = n;
			rt->cap_ns = cap;
		}
		rt->ns[rt->nns++] = pa + off;
	}
	return true;
}

static bool ns_range_ok(struct rmm *rmm, uint64_t pa, uint64_t size)
{
	if (!pas_in_dram(rmm->pas, pa, size))
		return false;
	for (uint64_t off = 0; off < size; off += GRANULE_SIZE)
		if (pas_gpt_get(rmm->pas, pa + off) != PAS_NS)
			return false;
	return true;
}

static enum cpu_s2_result s2_resolve(void *owner, uint64_t ipa, bool write, bool fetch,
				     struct cpu_s2_map *m)
{
	struct rec_rt *rt = owner;
	struct rmm *rmm = rt->rmm;
	enum cpu_s2_result ret = CPU_S2_FAULT;
	struct rtt_walk w;
	uint64_t e, size;

	(void)write, (void)fetch;
	/*
	 * The unprotected half (MMIO, shared pages) is resolved by
	 * handle_abort(), under the RMM lock it takes anyway for an MMIO exit:
	 * the emulator stops without taking the lock a second time.  (The
	 * range and the protected bit come from the RD's s2sz: fixed.)
	 */
	if (!rd_ipa_in_range(rt->rd, ipa) || !rd_ipa_protected(rt->rd, ipa))
		return CPU_S2_FAULT;
	/* The RTT may be changing under the RMM lock: never wait for it here. */
	if (pthread_mutex_trylock(&rmm->lock)) {
		STAT_INC(rmm, s2_busy);
		return CPU_S2_BUSY;
	}
	rtt_walk(rmm, rt->rd, ipa, 3, &w);
	e = *w.entry;
	size = rtt_level_size(w.level);
	m->base = ipa & ~(size - 1);
	m->size = size;
	if (s2tte_hipas(e) == HIPAS_ASSIGNED && s2tte_ripas(e) == RMI_RAM) {
		m->hva = pas_rmm_va(rmm->pas, s2tte_pa(e));
		m->writable = true;
		m->executable = true;
		STAT_INC(rmm, s2_maps);
		ret = CPU_S2_MAPPED;
	}
	pthread_mutex_unlock(&rmm->lock);
	return ret;
}

/*
 * An unprotected IPA the host has mapped (ASSIGNED_NS onto NS DRAM): map the
 * entry's range into the PE, never executable.  RMM lock held, PE stopped.
 */
static bool s2_map_ns(struct run_ctx *ctx, const struct rtt_walk *w, uint64_t ipa)
{
	struct rec_rt *rt = ctx->rec->rt;
	uint64_t e = *w->entry, size = rtt_level_size(w->level), pa = s2tte_pa(e);
	struct cpu_s2_map m = {
		.base = ipa & ~(size - 1),
		.size = size,
		.hva = pas_rmm_va(ctx->rmm->pas, pa),
		.writable = e & S2TTE_S2AP_W,
	};

	/* rt->ns is read by s2_shootdown_ns() under the RMM lock, which is held here. */
	if (!ns_range_ok(ctx->rmm, pa, size) || !ns_track(rt, pa, size) || !cpu_s2_map(ctx->cpu, &m))
		return false;
	STAT_INC(ctx->rmm, s2_maps);
	return true;
}

/* ID registers the realm reads (Arm ARM D19.2), as the RMM presents them. */
#define SYSREG_ID_AA64PFR0_EL1 CPU_SYSREG(3, 0, 0, 4, 0)
#define SYSREG_ID_AA64ZFR0_EL1 CPU_SYSREG(3, 0, 0, 4, 4)
#define SYSREG_ID_AA64SMFR0_EL1 CPU_SYSREG(3, 0, 0, 4, 5)
#define SYSREG_ID_AA64DFR0_EL1 CPU_SYSREG(3, 0, 0, 5, 0)
#define SYSREG_ID_AA64MMFR0_EL1 CPU_SYSREG(3, 0, 0, 7, 0)
#define SYSREG_MPIDR_EL1        CPU_SYSREG(3, 0, 0, 0, 5)
#define MPIDR_EL1_RES1          (1UL << 31)

static uint64_t set_field(uint64_t v, unsigned shift, uint64_t field)
{
	return (v & ~(0xfUL << shift)) | (field & 0xf) << shift;
}

/* ID_AA64MMFR0_EL1.PARange for an IPA width: the smallest range that holds it. */
static uint64_t parange(uint64_t bits)
{
	static const unsigned sizes[] = { 32, 36, 40, 42, 44, 48, 52 };

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (bits <= sizes[i])
			return i;
	return 6;
}

/*
 * The realm's view of the feature registers, consistent with its
 * parameters: no SVE or SME (the platform has none), no AMU, the
 * breakpoints, watchpoints and PMU its RD was created with, and a physical
 * address range that holds its IPA space (the realm's "physical" addresses
 * are IPAs).  Other ID registers read as the CPU model has them.
 */
static bool rec_sysreg(void *owner, struct cpu *c, uint32_t sysreg, bool read, uint64_t *val)
{
	struct rec_rt *rt = owner;
	const struct rd *rd = rt->rd;
	uint64_t v;

	/* The timers: the RMM's (the PE's own are never used). */
	if (timer_sysreg(rt->rec, sysreg, read, val)) {
		if (!read) {
			bool fired;
			uint64_t d = timer_deadline(rt->rec, &fired);

			cpu_set_deadline(c, fired ? 1 : d);
		}
		return true;
	}
	if (!read)
		return false;
	switch (sysreg) {
	case SYSREG_ID_AA64PFR0_EL1:
		v = cpu_get_sysreg(c, sysreg);
		v = set_field(v, 32, 0); /* SVE */
		v = set_field(v, 44, 0); /* AMU */
		break;
	case SYSREG_ID_AA64ZFR0_EL1:
	case SYSREG_ID_AA64SMFR0_EL1:
		v = 0;
		break;
	case SYSREG_ID_AA64DFR0_EL1:
		v = cpu_get_sysreg(c, sysreg);
		v = set_field(v, 12, rd->num_bps);  /* BRPs: count - 1, as the RD holds it */
		v = set_field(v, 20, rd->num_wps);  /* WRPs */
		v = set_field(v, 8, (rd->flags & RMI_REALM_FLAGS_PMU) ? 0x4 : 0); /* PMUVer */
		break;
	case SYSREG_ID_AA64MMFR0_EL1:
		v = set_field(cpu_get_sysreg(c, sysreg), 0, parange(rd->s2sz));
		break;
	case SYSREG_MPIDR_EL1:
		/* The REC's MPIDR from REC_CREATE (TF-RMM: VMPIDR_EL2 = mpidr | RES1). */
		v = rt->rec->mpidr | MPIDR_EL1_RES1;
		break;
	default:
		return false;
	}
	*val = v;
	return true;
}

static const struct cpu_ops rec_cpu_ops = {
	.s2_resolve = s2_resolve,
	.sysreg = rec_sysreg,
};

/* Make @rt drop its view of [lo, hi); returns once it no longer runs on the old one. */
static void rt_shoot(struct rmm *rmm, struct rec_rt *rt, uint64_t lo, uint64_t hi)
{
	pthread_mutex_lock(&rt->mtx);
	if (!rt->flush) {
		rt->flush_lo = lo;
		rt->flush_hi = hi;
	} else {
		rt->flush_lo = lo < rt->flush_lo ? lo : rt->flush_lo;
		rt->flush_hi = hi > rt->flush_hi ? hi : rt->flush_hi;
	}
	rt->flush = true;
	rt->waiters++;
	/*
	 * One kick is enough: it is a flag the PE keeps until it stops for it
	 * (a kick raised before uc_emu_start() stops the first block), and the
	 * PE broadcasts when it leaves the guest.
	 */
	if (rt->in_guest)
		cpu_kick(rt->cpu);
	while (rt->in_guest && rt->flush)
		pthread_cond_wait(&rt->cond, &rt->mtx);
	rt->waiters--;
	pthread_mutex_unlock(&rt->mtx);
	STAT_INC(rmm, shootdowns);
}


/*
 * Every PE of the realm drops its view: a REC that is not running now keeps
 * its PE's mappings between entries, so it is told too (it flushes before
 * it runs again).
 */
void s2_shootdown(struct rmm *rmm, uint64_t rd, uint64_t lo, uint64_t hi)
{
	for (struct rec_rt *rt = rmm->recs; rt; rt = rt->all_next)
		if (rt->rd_pa == rd)
			rt_shoot(rmm, rt, lo, hi);
}

void s2_shootdown_ns(struct rmm *rmm, uint64_t pa)
{
	for (struct rec_rt *rt = rmm->recs; rt; rt = rt->all_next) {
		bool hit = false;

		pthread_mutex_lock(&rt->mtx);
		for (unsigned i = 0; i < rt->nns && !hit; i++)
			hit = rt->ns[i] == pa;
		pthread_mutex_unlock(&rt->mtx);
		if (hit)
			rt_shoot(rmm, rt, 0, UINT64_MAX); /* where it is mapped is not tracked */
	}
}

/* Carry out a pending shootdown on the PE (its own thread, rt->mtx held). */
static void rt_flush(struct rec_rt *rt)
{
	cpu_s2_invalidate(rt->cpu, rt->flush_lo, rt->flush_hi);
	if (rt->flush_lo == 0 && rt->flush_hi == UINT64_MAX)
		rt->nns = 0;
	rt->flush = false;
}

/* Run realm code until the PE stops; the RMM lock is not held. */
static void guest_run(struct rec_rt *rt, uint64_t budget, struct cpu_stop_info *stop)
{
	pthread_mutex_lock(&rt->mtx);
	if (rt->flush)
		rt_flush(rt);
	if (rt->kick) {
		rt->kick = false;
		pthread_mutex_unlock(&rt->mtx);
		memset(stop, 0, sizeof(*stop));
		stop->reason = CPU_STOP_KICK;
		return;
	}
	rt->in_guest = true;
	pthread_mutex_unlock(&rt->mtx);

	STAT_INC(rt->rmm, guest_runs);
	if (cpu_run(rt->cpu, budget, stop) < 0) {
		memset(stop, 0, sizeof(*stop));
		stop->reason = CPU_STOP_EXCEPTION;
	}

	pthread_mutex_lock(&rt->mtx);
	rt->in_guest = false;
	if (rt->flush)
		rt_flush(rt);
	if (stop->reason == CPU_STOP_KICK)
		rt->kick = false;
	if (rt->waiters) /* a futex wake per run only when someone waits */
		pthread_cond_broadcast(&rt->cond);
	pthread_mutex_unlock(&rt->mtx);
}

void run_prepare_pe(struct rmm *rmm)
{
	if (rmm->plat.prepare_ahead)
		pe_spare_request(rmm, &rec_cpu_ops);
}

bool rmm_realm_running(struct rmm *rmm, uint64_t rd_pa)
{
	/* The list changes with the REC granule's refcount, under the same lock. */
	for (const struct rec_rt *r = rmm->running; r; r = r->next)
		if (r->rd_pa == rd_pa)
			return true;
	return false;
}

void rmm_rec_kick(struct rmm *rmm, uint64_t rec_pa)
{
	struct rec_rt *rt = NULL;

	pthread_mutex_lock(&rmm->lock);
	for (struct rec_rt *r = rmm->running; r; r = r->next)
		if (r->rec_pa == rec_pa)
			rt = r;
	if (rt) {
		pthread_mutex_lock(&rt->mtx);
		rt->kick = true;
		if (rt->in_guest)
			cpu_kick(rt->cpu);
		pthread_mutex_unlock(&rt->mtx);
	}
	pthread_mutex_unlock(&rmm->lock);
}

static struct rec_rt *rt_create(struct rmm *rmm, uint64_t rd_pa, uint64_t rec_pa)
{
	struct rec_rt *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return NULL;
	rt->rmm = rmm;
	rt->rd_pa = rd_pa;
	rt->rec_pa = rec_pa;
	rt->rd = rd_find(rmm, rd_pa);
	rt->rec = rec_map(rmm, rec_pa);
	pthread_mutex_init(&rt->mtx, NULL);
	pthread_cond_init(&rt->cond, NULL);
	rt->all_next = rmm->recs;
	rmm->recs = rt;
	return rt;
}

void rec_rt_free(struct rec_rt *rt)
{
	if (!rt)
		return;
	for (struct rec_rt **pp = &rt->rmm->recs; *pp; pp = &(*pp)->all_next)
		if (*pp == rt) {
			*pp = rt->all_next;
			break;
		}
	cpu_destroy(rt->cpu);
	pthread_mutex_destroy(&rt->mtx);
	pthread_cond_destroy(&rt->cond);
	free(rt->ns);
	free(rt->token);
	free(rt);
}

uint8_t **run_attest_token(struct run_ctx *ctx)
{
	return &ctx->rec->rt->token;
}

/* ---- realm memory for RSI arguments ---- */

enum ipa_status realm_ipa_pa(struct rmm *rmm, const struct rd *rd, uint64_t ipa, uint64_t *pa)
{
	struct rtt_walk w;
	uint64_t e;

	if (!rd_ipa_protected(rd, ipa))
		return IPA_BAD;
	rtt_walk(rmm, rd, ipa, 3, &w);
	e = *w.entry;
	if (s2tte_ripas(e) == RMI_EMPTY)
		return IPA_BAD;
	/* Unassigned RAM, or DESTROYED: the host must act before the RMM can use it. */
	if (s2tte_hipas(e) != HIPAS_ASSIGNED || s2tte_ripas(e) != RMI_RAM)
		return IPA_UNASSIGNED_RAM;
	*pa = s2tte_pa(e) + (ipa & (rtt_level_size(w.level) - 1));
	return IPA_OK;
}

/* ---- exits ---- */

void run_ret(struct run_ctx *ctx, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	cpu_set_x(ctx->cpu, 0, x0);
	cpu_set_x(ctx->cpu, 1, x1);
	cpu_set_x(ctx->cpu, 2, x2);
	cpu_set_x(ctx->cpu, 3, x3);
}

static uint64_t hpfar_of(uint64_t ipa)
{
	return (ipa >> GRANULE_SHIFT) << 4; /* HPFAR_EL2.FIPA */
}

static bool at_el0(struct run_ctx *ctx)
{
	return !(cpu_get_pstate(ctx->cpu) & PSTATE_EL0_MASK);
}

/*
 * The ESR_EL2 the hardware would have reported for an abort at @level: the
 * load/store syndrome when the instruction has one (data aborts only).
 */
static uint64_t abort_esr(const struct cpu_stop_info *st, int level, struct ldst_syndrome *s)
{
	uint64_t iss = ESR_FSC_TRANSLATION(level);

	memset(s, 0, sizeof(*s));
	if (st->fetch)
		return esr_make(ESR_EC_IABT_LOWER, iss);
	if (st->write)
		iss |= ESR_WNR;
	if (insn_ldst_syndrome(st->insn, s) && s->write == st->write)
		iss |= ESR_ISV | (uint64_t)s->sas << ESR_SAS_SHIFT | (s->sse ? ESR_SSE : 0) |
		       (uint64_t)s->srt << ESR_SRT_SHIFT | (s->sf ? ESR_SF : 0) |
		       (s->ar ? ESR_AR : 0);
	else
		s->valid = false;
	return esr_make(ESR_EC_DABT_LOWER, iss);
}

/*
 * A synchronous external abort taken by the realm at the faulting access:
 * the hardware syndrome with its class and fault status replaced (EA set),
 * FAR the faulting address, ELR the faulting instruction.
 */
static void inject_sea(struct run_ctx *ctx, uint64_t hw_esr, uint64_t far)
{
	bool iabt = esr_ec(hw_esr) == ESR_EC_IABT_LOWER || esr_ec(hw_esr) == ESR_EC_IABT_CUR;
	uint64_t ec, esr;

	if (iabt)
		ec = at_el0(ctx) ? ESR_EC_IABT_LOWER : ESR_EC_IABT_CUR;
	else
		ec = at_el0(ctx) ? ESR_EC_DABT_LOWER : ESR_EC_DABT_CUR;
	esr = hw_esr & ~(ESR_EC_MASK | ESR_FSC_MASK | ESR_FNV | ESR_S1PTW);
	esr |= ec << ESR_EC_SHIFT | ESR_FSC_SEA | ESR_EA;
	cpu_inject_sync(ctx->cpu, esr, far, true);
	STAT_INC(ctx->rmm, injected);
}

/* UNDEF taken at the current PC (the caller has set it to the preferred return address). */
static void inject_undef(struct run_ctx *ctx)
{
	cpu_inject_sync(ctx->cpu, esr_make(ESR_EC_UNKNOWN, 0), 0, false);
	STAT_INC(ctx->rmm, injected);
}

static enum run_action exit_sync(struct run_ctx *ctx, uint64_t esr, uint64_t far, uint64_t ipa)
{
	ctx->exit->exit_reason = RMI_EXIT_SYNC;
	ctx->exit->esr = esr;
	ctx->exit->far = far;
	ctx->exit->hpfar = hpfar_of(ipa);
	ctx->rec->last_far = far;
	return RUN_EXIT;
}

enum run_action run_exit_rsi_abort(struct run_ctx *ctx, uint64_t ipa)
{
	struct rtt_walk w;

	/*
	 * An emulated stage-2 data abort (class and fault status only, as TF-RMM
	 * reports it); the SMC is repeated once the host has mapped the page.
	 */
	cpu_set_pc(ctx->cpu, cpu_get_pc(ctx->cpu) - 4);
	rtt_walk(ctx->rmm, ctx->rd, ipa, 3, &w);
	ctx->exit->exit_reason = RMI_EXIT_SYNC;
	ctx->exit->esr = ESR_EC_DABT_LOWER << ESR_EC_SHIFT | ESR_FSC_TRANSLATION(w.level);
	ctx->exit->hpfar = ipa >> 8;
	return RUN_EXIT;
}

/* The ESR fields the host may see (Arm CCA: no SSE, SRT, AR, IL for any abort). */
#define ESR_NONEMULATED (ESR_EC_MASK | ESR_SET_MASK | ESR_FNV | ESR_EA | ESR_FSC_MASK)
#define ESR_EMULATED    (ESR_NONEMULATED | ESR_ISV | ESR_SAS_MASK | ESR_SF | ESR_WNR)

static enum run_action handle_abort(struct run_ctx *ctx, const struct cpu_stop_info *st)
{
	uint64_t ipa = st->addr, e, hw_esr;
	struct ldst_syndrome s;
	struct rtt_walk w;
	struct rec *rec = ctx->rec;

	if (!rd_ipa_in_range(ctx->rd, ipa)) {
		inject_sea(ctx, abort_esr(st, 0, &s), ipa);
		return RUN_CONTINUE;
	}
	rtt_walk(ctx->rmm, ctx->rd, ipa, 3, &w);
	e = *w.entry;
	hw_esr = abort_esr(st, w.level, &s);
	rec->last_raw_esr = hw_esr;
	if (rd_ipa_protected(ctx->rd, ipa)) {
		if (s2tte_ripas(e) == RMI_EMPTY) {
			/* The realm's own mistake: an external abort for it to handle. */
			inject_sea(ctx, hw_esr, ipa);
			return RUN_CONTINUE;
		}
		if (s2tte_hipas(e) == HIPAS_ASSIGNED && s2tte_ripas(e) == RMI_RAM)
			return RUN_CONTINUE; /* mapped meanwhile: retry the access */
		/* RAM the host has not backed, or DESTROYED: no syndrome beyond the class. */
		return exit_sync(ctx, hw_esr & ESR_NONEMULATED, 0, ipa);
	}
	if (st->fetch) {
		inject_sea(ctx, hw_esr, ipa);
		return RUN_CONTINUE;
	}
	if (s2tte_hipas(e) == HIPAS_ASSIGNED_NS && s2_map_ns(ctx, &w, ipa))
		return RUN_CONTINUE; /* a shared page: mapped now, the access is retried */
	/* Unprotected and not mapped: MMIO for the host to emulate when the syndrome is valid. */
	if (st->write) {
		uint64_t v = s.srt == 31 || !s.valid ? 0 : cpu_get_x(ctx->cpu, s.srt);

		if (s.valid && s.sas < 3)
			v &= (1UL << (8U << s.sas)) - 1;
		ctx->exit->gprs[0] = v;
	}
	rec->mmio.pending = s.valid;
	rec->mmio.srt = s.srt;
	rec->mmio.sas = s.sas;
	rec->mmio.sse = s.sse;
	rec->mmio.sf = s.sf;
	rec->mmio.write = s.write;
	exit_sync(ctx, hw_esr & ESR_EMULATED, ipa & GRANULE_MASK, ipa);
	rec->last_far = ipa;
	return RUN_EXIT;
}

static enum run_action handle_wfx(struct run_ctx *ctx, const struct cpu_stop_info *st)
{
	bool wfe = (st->insn & 0x20) == 0; /* WFE 0xd503205f, WFI 0xd503207f */
	uint64_t trap = wfe ? RMI_REC_ENTRY_FLAG_TRAP_WFE : RMI_REC_ENTRY_FLAG_TRAP_WFI;

	cpu_set_pc(ctx->cpu, st->pc + 4);
	/* A WFI completes at once while a virtual interrupt is signalled (masked or not). */
	if (!wfe && gic_virq(ctx->rec))
		return RUN_CONTINUE;
	if (ctx->entry_flags & trap) {
		ctx->exit->exit_reason = RMI_EXIT_SYNC;
		ctx->exit->esr = ESR_EC_WFX << ESR_EC_SHIFT | (wfe ? ESR_WFX_TI_WFE : 0);
		return RUN_EXIT;
	}
	/* Not trapped: the PE would wait for an interrupt, which only the host can raise. */
	ctx->exit->exit_reason = RMI_EXIT_IRQ;
	return RUN_EXIT;
}

/* MRS/MSR (register) with op0 3: bits [31:22] 1101010100, bit 20 set. */
#define INSN_SYSREG_MASK 0xffd00000U
#define INSN_SYSREG      0xd5100000U
#define INSN_SYSREG_READ (1U << 21)

/*
 * An UNDEFINED instruction: the GIC CPU interface the CPU model lacks
 * (ICC_* MRS/MSR, emulated over the REC's list registers), else UNDEF.
 */
static enum run_action handle_undef(struct run_ctx *ctx, const struct cpu_stop_info *st)
{
	bool read = st->insn & INSN_SYSREG_READ;
	unsigned rt = st->insn & 0x1f;
	uint32_t enc = (st->insn >> 5) & 0xffff;
	uint64_t val = 0, esr = 0;

	/*
	 * Not a system register access, or one from EL0: every ICC_* register
	 * the RMM emulates is an EL1 register (op1 0), UNDEFINED at EL0.
	 */
	if ((st->insn & INSN_SYSREG_MASK) != INSN_SYSREG ||
	    !((cpu_get_pstate(ctx->cpu) >> 2) & 3)) {
		inject_undef(ctx);
		return RUN_CONTINUE;
	}
	if (!read)
		val = cpu_get_x(ctx->cpu, rt); /* x31 reads as zero */
	switch (gic_sysreg(ctx->rec, enc, read, &val, &esr)) {
	case GIC_DONE:
		if (read)
			cpu_set_x(ctx->cpu, rt, val);
		cpu_set_pc(ctx->cpu, st->pc + 4);
		STAT_INC(ctx->rmm, gic_accesses);
		if (gic_maintenance(ctx->rec)) {
			/* The maintenance interrupt is the host's: an IRQ exit. */
			ctx->exit->exit_reason = RMI_EXIT_IRQ;
			return RUN_EXIT;
		}
		return RUN_CONTINUE;
	case GIC_EXIT:
		/* SGI generation (or a trapped DIR): the host emulates it; PC past it. */
		cpu_set_pc(ctx->cpu, st->pc + 4);
		ctx->exit->exit_reason = RMI_EXIT_SYNC;
		ctx->exit->esr = esr;
		ctx->exit->gprs[0] = val;
		return RUN_EXIT;
	case GIC_UNDEF:
	case GIC_NOT_GIC:
	default:
		inject_undef(ctx);
		return RUN_CONTINUE;
	}
}

static enum run_action handle_stop(struct run_ctx *ctx, const struct cpu_stop_info *st)
{
	uint64_t fid;

	switch (st->reason) {
	case CPU_STOP_SMC:
		/* SMCCC: a 32-bit function ID; bit 16 is the SVE hint. */
		fid = cpu_get_x(ctx->cpu, 0) & 0xfffeffffUL;
		if (rsi_is_rsi(fid)) {
			STAT_INC(ctx->rmm, rsi_calls);
			return rsi_handle(ctx, fid);
		}
		if (psci_is_psci(fid)) {
			STAT_INC(ctx->rmm, rsi_calls);
			return psci_handle(ctx, fid);
		}
		run_ret(ctx, SMCCC_NOT_SUPPORTED, 0, 0, 0);
		return RUN_CONTINUE;
	case CPU_STOP_HVC:
		/* No hypervisor for a realm: UNDEF, returning past the HVC. */
		cpu_set_pc(ctx->cpu, st->pc + 4);
		inject_undef(ctx);
		return RUN_CONTINUE;
	case CPU_STOP_UNDEF:
		return handle_undef(ctx, st);
	case CPU_STOP_IRQ:
		/* The vIRQ is taken at this block start (PSTATE.I was clear there). */
		if (gic_virq(ctx->rec)) {
			cpu_inject_irq(ctx->cpu);
			STAT_INC(ctx->rmm, virqs);
		}
		return RUN_CONTINUE;
	case CPU_STOP_TIMER:
		/* A realm timer fired: the physical interrupt ends the entry. */
		ctx->exit->exit_reason = RMI_EXIT_IRQ;
		return RUN_EXIT;
	case CPU_STOP_SVC:
		cpu_inject_sync(ctx->cpu, esr_make(ESR_EC_SVC64, st->imm), 0, false);
		return RUN_CONTINUE;
	case CPU_STOP_ABORT:
		return handle_abort(ctx, st);
	case CPU_STOP_RETRY:
		return RUN_CONTINUE;
	case CPU_STOP_WFI:
		return handle_wfx(ctx, st);
	case CPU_STOP_KICK:
	case CPU_STOP_BUDGET:
		ctx->exit->exit_reason = RMI_EXIT_IRQ;
		return RUN_EXIT;
	case CPU_STOP_EXCEPTION:
	default:
		/*
		 * An exception the CPU model raised without a syndrome (Unicorn 2.0
		 * does not expose it, e.g. a stage-1 translation fault).  TF-RMM's
		 * answer to a synchronous exception it does not know: exit SYNC with
		 * an ESR of zero, which KVM treats as fatal.
		 */
		ctx->exit->exit_reason = RMI_EXIT_SYNC;
		return RUN_EXIT;
	}
}

/*
 * The stops served without the RMM lock: they touch only the REC this
 * thread runs (its PE, its GIC CPU interface and timers, the exit being
 * built), which no other thread uses while the REC is running (its
 * refcount is 1), as TF-RMM serves them holding only the REC.  An RSI call
 * that reads or changes realm state (the RTT, the RD's measurements, other
 * RECs) and a stage-2 abort (an RTT walk) need the lock: UNSERVED.
 */
#define UNSERVED (-1)

static int serve_unlocked(struct run_ctx *ctx, const struct cpu_stop_info *st)
{
	uint64_t fid;

	switch (st->reason) {
	case CPU_STOP_SMC:
		fid = cpu_get_x(ctx->cpu, 0) & 0xfffeffffUL;
		if (fid == RSI_VERSION || fid == RSI_FEATURES) {
			STAT_INC(ctx->rmm, rsi_calls);
			return (int)rsi_handle(ctx, fid); /* the registers only */
		}
		if (rsi_is_rsi(fid) || psci_is_psci(fid))
			return UNSERVED;
		run_ret(ctx, SMCCC_NOT_SUPPORTED, 0, 0, 0);
		return RUN_CONTINUE;
	case CPU_STOP_ABORT:
		return UNSERVED;
	default:
		return (int)handle_stop(ctx, st);
	}
}

/* ---- the host's timer tick ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000UL + (uint64_t)ts.tv_nsec;
}

/*
 * On hardware the host's timer interrupt ends every REC_ENTER after a while
 * (an IRQ exit), whatever the realm does.  This thread is that interrupt:
 * it kicks RECs that have been inside REC_ENTER for a time slice.
 */
static void *ticker_main(void *arg)
{
	struct rmm *rmm = arg;
	struct timespec ts;

	pthread_mutex_lock(&rmm->lock);
	while (!rmm->ticker_stop) {
		uint64_t now = now_ns(), next = UINT64_MAX;

		for (struct rec_rt *rt = rmm->running; rt; rt = rt->next) {
			if (now - rt->entered_ns >= rmm->slice_ns) {
				pthread_mutex_lock(&rt->mtx);
				rt->kick = true;
				if (rt->in_guest)
					cpu_kick(rt->cpu);
				pthread_mutex_unlock(&rt->mtx);
				next = now + rmm->slice_ns / 4; /* until it has left */
			} else if (rt->entered_ns + rmm->slice_ns < next) {
				next = rt->entered_ns + rmm->slice_ns;
			}
		}
		if (next == UINT64_MAX) {
			rmm->ticker_idle = true;
			pthread_cond_wait(&rmm->tick, &rmm->lock);
			rmm->ticker_idle = false;
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (time_t)((next - now) / 1000000000UL);
		ts.tv_nsec += (long)((next - now) % 1000000000UL);
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&rmm->tick, &rmm->lock, &ts);
	}
	pthread_mutex_unlock(&rmm->lock);
	return NULL;
}

static void ticker_start(struct rmm *rmm)
{
	pthread_condattr_t a;

	if (rmm->ticker_running)
		return;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&rmm->tick, &a);
	pthread_condattr_destroy(&a);
	if (!rmm->slice_ns)
		rmm->slice_ns = RMM_DEFAULT_SLICE_NS;
	rmm->ticker_stop = false;
	if (pthread_create(&rmm->ticker, NULL, ticker_main, rmm) == 0)
		rmm->ticker_running = true;
	else
		pthread_cond_destroy(&rmm->tick);
}

void run_stop_ticker(struct rmm *rmm)
{
	pthread_mutex_lock(&rmm->lock);
	if (!rmm->ticker_running) {
		pthread_mutex_unlock(&rmm->lock);
		return;
	}
	rmm->ticker_stop = true;
	pthread_cond_signal(&rmm->tick);
	pthread_mutex_unlock(&rmm->lock);
	pthread_join(rmm->ticker, NULL);
	pthread_cond_destroy(&rmm->tick);
	rmm->ticker_running = false;
}

/* ---- entry ---- */

static bool gic_lr_valid(const uint64_t *lrs, unsigned i)
{
	uint64_t lr = lrs[i], vintid = lr & GIC_LR_VINTID_MASK;

	if (!(lr >> GIC_LR_STATE_SHIFT))
		return true; /* Invalid state: not checked */
	if ((lr & GIC_LR_HW) || (lr & GIC_PRI_RES0) || (lr & GIC_LR_PINTID_MASK & ~GIC_LR_EOI))
		return false;
	if (!(vintid <= 1019 || (vintid >= 8192 && vintid <= GIC_MAX_VINTID)))
		return false;
	for (unsigned j = 0; j < i; j++)
		if ((lrs[j] >> GIC_LR_STATE_SHIFT) && (lrs[j] & GIC_LR_VINTID_MASK) == vintid)
			return false;
	return true;
}

static bool gic_entry_valid(const struct rmi_rec_entry *e)
{
	if (e->gicv3_hcr & ~GIC_HCR_NS_ALLOWED)
		return false;
	for (unsigned i = 0; i < RMM_GIC_NUM_LRS; i++)
		if (!gic_lr_valid(e->gicv3_lrs, i))
			return false;
	return true;
}

static bool last_exit_was_dabt(const struct rec *rec)
{
	return rec->last_exit == RMI_EXIT_SYNC && esr_ec(rec->last_esr) == ESR_EC_DABT_LOWER;
}

/* The entry checks of REC_ENTER, in the order of the specification. */
static uint64_t entry_check(struct rmm *rmm, uint64_t rec_pa, uint64_t run_pa,
			    struct rmi_rec_run *run)
{
	struct granule *g_rec;
	struct rec *rec;
	struct rd *rd;
	uint64_t fault_ipa;

	if (!granule_find(rmm, run_pa, GRANULE_UNDELEGATED))
		return RMI_RET(RMI_ERROR_INPUT, 0);
	g_rec = granule_find(rmm, rec_pa, GRANULE_REC);
	if (!g_rec)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	if (g_rec->refcount)
		return RMI_RET(RMI_ERROR_REC, 0);
	if (!ns_granule_read(rmm, run_pa, run))
		return RMI_RET(RMI_ERROR_INPUT, 0);
	if (rmm->plat.rmi_v2)
		v2_run_entry_in(run); /* RecRun 2.0 (v2_smc.c) */
	rec = rec_map(rmm, rec_pa);
	rd = rd_map(rmm, granule_at(rmm, rec->rd));
	if (rd->state == REALM_NEW)
		return RMI_RET(RMI_ERROR_REALM, 0);
	if (rd->state == REALM_SYSTEM_OFF)
		return RMI_RET(RMI_ERROR_REALM, 1);
	if (!rec->runnable || rec->psci.pending ||
	    !(rmm->plat.rmi_v2 ? v2_gic_pe_valid() : gic_entry_valid(&run->enter)))
		return RMI_RET(RMI_ERROR_REC, 0);
	fault_ipa = (rec->last_hpfar >> 4) << GRANULE_SHIFT;
	if ((run->enter.flags & RMI_REC_ENTRY_FLAG_INJECT_SEA) &&
	    (!last_exit_was_dabt(rec) || rd_ipa_protected(rd, fault_ipa)))
		return RMI_RET(RMI_ERROR_REC, 0);
	if ((run->enter.flags & RMI_REC_ENTRY_FLAG_EMUL_MMIO) &&
	    !(run->enter.flags & RMI_REC_ENTRY_FLAG_INJECT_SEA) &&
	    !(last_exit_was_dabt(rec) && (rec->last_esr & ESR_ISV)))
		return RMI_RET(RMI_ERROR_REC, 0);
	return RMI_RET(RMI_SUCCESS, 0);
}

/* Load the registers the RMM set while the REC was not running. */
static int load_regs(struct run_ctx *ctx, struct rec_rt *rt)
{
	struct rec *rec = ctx->rec;

	if (!rt->cpu) {
		unsigned npe = 0;

		/* The PE comes out of reset with the REC's initial registers. */
		rt->cpu = pe_take(ctx->rmm, &rec_cpu_ops, rt);
		if (!rt->cpu)
			return -ENOMEM;
		/* Another REC of this realm will want one: make it while this one runs. */
		for (const struct rec_rt *r = ctx->rmm->recs; r; r = r->all_next)
			npe += r->rd_pa == rt->rd_pa && r->cpu;
		if (npe < ctx->rd->num_recs)
			run_prepare_pe(ctx->rmm);
		ctx->cpu = rt->cpu;
		for (unsigned i = 0; i < RMI_REC_GPRS; i++)
			cpu_set_x(rt->cpu, i, rec->gprs[i]);
		cpu_set_pc(rt->cpu, rec->pc);
	} else if (rec->load_regs & REC_LOAD_CPU_ON) {
		/* PSCI CPU_ON of a REC that ran before: x0, PC, PSTATE and SCTLR_EL1 only. */
		cpu_set_x(rt->cpu, 0, rec->gprs[0]);
		cpu_set_pc(rt->cpu, rec->pc);
		cpu_reset_el1(rt->cpu);
	}
	if (rec->load_regs & REC_LOAD_X0_3) {
		for (unsigned i = 0; i < 4; i++)
			cpu_set_x(rt->cpu, i, rec->gprs[i]);
	}
	rec->load_regs = 0;
	return 0;
}

/* Finish the instruction whose MMIO access the host emulated (EMUL_MMIO). */
static void complete_mmio(struct run_ctx *ctx, const struct rmi_rec_entry *entry)
{
	struct rec *rec = ctx->rec;

	if (!rec->mmio.write && rec->mmio.srt != 31) {
		uint64_t v = entry->gprs[0];
		unsigned bits = 8U << rec->mmio.sas;

		if (bits < 64) {
			v &= (1UL << bits) - 1;
			if (rec->mmio.sse && (v >> (bits - 1)) & 1)
				v |= ~0UL << bits;
		}
		if (!rec->mmio.sf)
			v &= 0xffffffffUL;
		cpu_set_x(ctx->cpu, (unsigned)rec->mmio.srt, v);
	}
	cpu_set_pc(ctx->cpu, cpu_get_pc(ctx->cpu) + 4);
}

static void complete_exit(struct run_ctx *ctx, const struct rmi_rec_entry *entry)
{
	struct rec *rec = ctx->rec;

	if (entry->flags & RMI_REC_ENTRY_FLAG_INJECT_SEA)
		inject_sea(ctx, rec->last_raw_esr, rec->last_far);
	else if ((entry->flags & RMI_REC_ENTRY_FLAG_EMUL_MMIO) && rec->mmio.pending)
		complete_mmio(ctx, entry);
	rec->mmio.pending = 0;
	if (rec->ripas_req.pending)
		rsi_complete_ripas(ctx);
	if (rec->host_call.pending)
		rsi_complete_host_call(ctx, entry);
}

static void fill_common_exit(struct run_ctx *ctx, struct rmi_rec_exit *exit)
{
	if (ctx->rmm->plat.rmi_v2)
		gic_exit_pe(ctx->rec); /* RMI 2.0: left in the PE's registers */
	else
		gic_exit(ctx->rec, exit);
	timer_exit(ctx->rec, exit);
}

uint64_t smc_rec_enter(struct rmm *rmm, uint64_t rec_pa, uint64_t run_pa)
{
	struct rmi_rec_run run;
	struct cpu_stop_info stop;
	struct run_ctx ctx;
	struct granule *g_rec;
	struct rec_rt *rt, **pp;
	uint64_t ret;

	ret = entry_check(rmm, rec_pa, run_pa, &run);
	if (RMI_RET_STATUS(ret) != RMI_SUCCESS)
		return ret;
	g_rec = granule_at(rmm, rec_pa);
	memset(&ctx, 0, sizeof(ctx));
	ctx.rmm = rmm;
	ctx.rec = rec_map(rmm, rec_pa);
	ctx.rec_pa = rec_pa;
	ctx.rd_pa = ctx.rec->rd;
	ctx.rd = rd_find(rmm, ctx.rd_pa);
	ctx.entry_flags = run.enter.flags;
	ctx.exit = &run.exit;
	if (!ctx.rec->rt) {
		ctx.rec->rt = rt_create(rmm, ctx.rd_pa, rec_pa);
		if (!ctx.rec->rt)
			return RMI_RET(RMI_ERROR_REC, 0); /* the simulation is out of memory */
	}
	rt = ctx.rec->rt;
	ctx.cpu = rt->cpu;
	if (load_regs(&ctx, rt) < 0)
		return RMI_RET(RMI_ERROR_REC, 0);

	/* The REC is running: REC_DESTROY, PSCI_COMPLETE and a second entry now see it. */
	g_rec->refcount = 1;
	rt->next = rmm->running;
	rmm->running = rt;
	rt->entered_ns = now_ns();
	/* A deterministic slice (tests, the fuzzer) replaces the wall-clock tick. */
	if (!rmm->plat.slice_insns)
		ticker_start(rmm);
	/*
	 * A ticker waiting for a deadline will see this REC when it wakes (its
	 * deadline is no later than ours); only an idle one needs waking.
	 */
	if (rmm->ticker_running && rmm->ticker_idle)
		pthread_cond_signal(&rmm->tick);
	STAT_INC(rmm, rec_enters);

	memset(&run.exit, 0, sizeof(run.exit));
	if (rmm->plat.rmi_v2)
		gic_entry_pe(ctx.rec); /* RMI 2.0: from the PE's registers */
	else
		gic_entry(ctx.rec, &run.enter);
	complete_exit(&ctx, &run.enter);

	if (timer_entry(ctx.rec) || gic_maintenance(ctx.rec)) {
		/*
		 * A timer output changed while the REC was out, or the maintenance
		 * interrupt is already up: the host must see it first (TF-RMM).
		 */
		run.exit.exit_reason = RMI_EXIT_IRQ;
	} else {
		const uint64_t slice = rmm->plat.slice_insns;
		unsigned runs = 0;
		int served;

		pthread_mutex_unlock(&rmm->lock);
		for (;;) {
			bool fired;
			uint64_t d = timer_deadline(ctx.rec, &fired);

			cpu_set_deadline(rt->cpu, fired ? 1 : d);
			cpu_set_irq_line(rt->cpu, gic_virq(ctx.rec));
			guest_run(rt, slice, &stop);
			runs++;
			served = serve_unlocked(&ctx, &stop);
			if (served == UNSERVED) {
				pthread_mutex_lock(&rmm->lock);
				served = (int)handle_stop(&ctx, &stop);
				if (served == RUN_CONTINUE && !(slice && runs >= RMM_SLICE_RUNS))
					pthread_mutex_unlock(&rmm->lock);
			} else if (served == RUN_EXIT || (slice && runs >= RMM_SLICE_RUNS)) {
				pthread_mutex_lock(&rmm->lock);
			}
			if (served != RUN_CONTINUE)
				break;
			if (slice && runs >= RMM_SLICE_RUNS) {
				/* The deterministic slice is over: the same exit as the tick's. */
				stop.reason = CPU_STOP_BUDGET;
				handle_stop(&ctx, &stop);
				break;
			}
		}
	}

	fill_common_exit(&ctx, &run.exit);
	ctx.rec->last_exit = run.exit.exit_reason;
	ctx.rec->last_esr = run.exit.exit_reason == RMI_EXIT_SYNC ? run.exit.esr : 0;
	ctx.rec->last_hpfar = run.exit.exit_reason == RMI_EXIT_SYNC ? run.exit.hpfar : 0;
	for (pp = &rmm->running; *pp; pp = &(*pp)->next)
		if (*pp == rt) {
			*pp = rt->next;
			break;
		}
	g_rec->refcount = 0;
	if (rmm->plat.rmi_v2)
		v2_run_exit_out(&run.exit);
	if (!ns_granule_write(rmm, run_pa + offsetof(struct rmi_rec_run, exit), &run.exit,
			      sizeof(run.exit)))
		return RMI_RET(RMI_ERROR_INPUT, 0);
	return RMI_RET(RMI_SUCCESS, 0);
}

/*
 * The counters are bumped atomically (STAT_INC), some by a running REC's
 * thread without the RMM lock (serve_unlocked()), so they are read the same
 * way: each one exact, the set not a snapshot of one instant.
 */
void rmm_get_stats(struct rmm *rmm, struct rmm_stats *st)
{
	const uint64_t *src = (const uint64_t *)&rmm->stats;
	uint64_t *dst = (uint64_t *)st;

	RK_STATIC_ASSERT(sizeof(*st) % sizeof(uint64_t) == 0, "rmm_stats is a set of u64");
	for (size_t i = 0; i < sizeof(*st) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}
