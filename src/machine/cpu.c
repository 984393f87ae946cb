// SPDX-License-Identifier: MIT
/*
 * The realm's processing element on Unicorn 2 (see cpu.h).
 *
 * Unicorn 2.0 delivers no exception to the guest by itself: every exception
 * reaches the interrupt hook, and the CPU stops so that its owner (the RMM)
 * decides.  Exceptions the guest takes at its own EL1 are entered here by
 * cpu_inject_*(), as the architecture describes exception entry.
 *
 * Stage 2 is lazy: nothing is mapped in the emulator until the guest touches
 * it; the owner's s2_resolve() then grants a range or refuses it.  A no-op
 * memory hook is installed so that the emulator records the PC of every load
 * and store: when an access stops the CPU, PC is that of the faulting
 * instruction and no register has changed, which the data-abort syndrome
 * and MMIO emulation need.
 *
 * Kicks from other threads must stop the CPU where its state is exact too.
 * Unicorn 2.0's uc_emu_stop() from another thread can stop it after any load
 * or store inside a translation block, and then rewinds PC to the start of
 * that block: the instructions already executed would run twice.  So a kick
 * only raises a flag, and a hook at the start of every translation block
 * stops the CPU there, before any instruction of the block has run.
 */
#include "machine/cpu.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

#include "arch/esr.h"

/* Unicorn's exception numbers (QEMU's EXCP_* for Arm). */
#define EXCP_UDEF 1
#define EXCP_SWI  2
#define EXCP_HLT  0x10001
#define EXCP_SMC  13
#define EXCP_HVC  11

#define PSTATE_EL_SHIFT 2
#define PSTATE_SP       1UL
#define PSTATE_DAIF     (0xfUL << 6)
#define PSTATE_I        (1UL << 7)
#define PSTATE_EL1H     (1UL << PSTATE_EL_SHIFT | PSTATE_SP)

#define INSN_HVC_MASK 0xffe0001fU
#define INSN_HVC      0xd4000002U
#define INSN_WFX_MASK 0xffffffdfU /* WFI 0xd503207f and WFE 0xd503205f, bit 5 masked */
#define INSN_WFE      0xd503205fU

#define SYSREG_SPSR_EL1 CPU_SYSREG(3, 0, 4, 0, 0)
#define SYSREG_SCTLR_EL1 CPU_SYSREG(3, 0, 1, 0, 0)

struct mapping {
	uint64_t base, size;
};

/*
 * What the block hook must look at, in one word so that the hook costs a
 * single load when nothing is pending (the common case, paid per block).
 */
#define ATTN_KICK  1U /* cpu_kick(): stop at the next block start (any thread) */
#define ATTN_IRQ   2U /* the IRQ line is up: stop where PSTATE.I is clear */
#define ATTN_TIMER 4U /* a deadline is armed: read the counter now and then */

struct cpu {
	unsigned attn; /* ATTN_*, atomic: first, the block hook's only load */
	uc_engine *uc;
	const struct cpu_ops *ops;
	void *owner;
	uc_hook hooks[7];
	uint64_t deadline; /* counter value of the next timer event, 0 if none */
	unsigned nblocks;
	bool hvc_past; /* the model stopped past an HVC */
	struct cpu_stop_info *stop; /* where the hooks report, during cpu_run() */
	bool stopped;               /* a hook already decided why we stop */
	struct mapping *maps;
	unsigned nmaps, cap_maps;
};

static void stop_with(struct cpu *c, enum cpu_stop reason)
{
	if (!c->stopped) {
		c->stop->reason = reason;
		c->stopped = true;
	}
	uc_emu_stop(c->uc);
}

static uint32_t read_insn(struct cpu *c, uint64_t pc)
{
	uint32_t insn = 0;

	if (uc_mem_read(c->uc, pc, &insn, sizeof(insn)) != UC_ERR_OK)
		return 0;
	return insn;
}

static bool add_mapping(struct cpu *c, uint64_t base, uint64_t size)
{
	if (c->nmaps == c->cap_maps) {
		unsigned cap = c->cap_maps ? 2 * c->cap_maps : 64;
		struct mapping *m = realloc(c->maps, cap * sizeof(*m));

		if (!m)
			return false;
		c->maps = m;
		c->cap_maps = cap;
	}
	c->maps[c->nmaps++] = (struct mapping){ base, size };
	return true;
}

bool cpu_s2_map(struct cpu *c, const struct cpu_s2_map *m)
{
	uint32_t perms = UC_PROT_READ | (m->writable ? UC_PROT_WRITE : 0) |
			 (m->executable ? UC_PROT_EXEC : 0);

	if (uc_mem_map_ptr(c->uc, m->base, m->size, perms, m->hva) != UC_ERR_OK)
		return false;
	if (!add_mapping(c, m->base, m->size)) {
		uc_mem_unmap(c->uc, m->base, m->size);
		return false;
	}
	return true;
}

/* Stage-2 miss: ask the owner, map what it grants, or stop the CPU. */
static bool on_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
			void *data)
{
	struct cpu *c = data;
	struct cpu_s2_map m;
	bool write = type == UC_MEM_WRITE_UNMAPPED;
	bool fetch = type == UC_MEM_FETCH_UNMAPPED;

	(void)uc;
	switch (c->ops->s2_resolve(c->owner, addr, write, fetch, &m)) {
	case CPU_S2_MAPPED:
		if (cpu_s2_map(c, &m))
			return true;
		break;
	case CPU_S2_BUSY:
		stop_with(c, CPU_STOP_RETRY);
		return false;
	case CPU_S2_FAULT:
		break;
	}
	if (!c->stopped) {
		c->stop->reason = CPU_STOP_ABORT;
		c->stop->addr = addr;
		c->stop->size = (unsigned)size;
		c->stop->write = write;
		c->stop->fetch = fetch;
		c->stop->wdata = (uint64_t)value;
		c->stopped = true;
	}
	return false;
}

/* Access to a mapping without the right permission (e.g. a store to read-only memory). */
static bool on_prot(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
		    void *data)
{
	struct cpu *c = data;

	(void)uc;
	if (!c->stopped) {
		c->stop->reason = CPU_STOP_ABORT;
		c->stop->addr = addr;
		c->stop->size = (unsigned)size;
		c->stop->write = type == UC_MEM_WRITE_PROT;
		c->stop->fetch = type == UC_MEM_FETCH_PROT;
		c->stop->wdata = (uint64_t)value;
		c->stopped = true;
	}
	return false;
}

/* Present only so that the emulator keeps PC exact at every load and store. */
static void on_access(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
		      void *data)
{
	(void)uc, (void)type, (void)addr, (void)size, (void)value, (void)data;
}

/* on_block() when something is pending: out of line, so that the common path has no frame. */
static __attribute__((noinline)) void on_block_attn(struct cpu *c, uc_engine *uc, unsigned attn)
{
	if (attn & ATTN_KICK) {
		stop_with(c, CPU_STOP_KICK);
		return;
	}
	if (attn & ATTN_IRQ) {
		/*
		 * Unicorn 2.0 reports no DAIF change (MSR DAIFClr, ERET): the
		 * interrupt is taken at the first block start where it is unmasked.
		 */
		uint32_t ps = 0;

		uc_reg_read(uc, UC_ARM64_REG_PSTATE, &ps);
		if (!(ps & PSTATE_I)) {
			stop_with(c, CPU_STOP_IRQ);
			return;
		}
	}
	/* The counter is read every 16 blocks while a timer is armed (1: already due). */
	if ((attn & ATTN_TIMER) && (c->deadline == 1 || !(++c->nblocks & 15)) &&
	    cpu_counter() >= c->deadline)
		stop_with(c, CPU_STOP_TIMER);
}

/*
 * Start of a translation block: the one place where a kick can stop the CPU
 * exactly.  Paid per block, so it is one load and a branch when nothing is
 * pending.
 */
static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *data)
{
	struct cpu *c = data;
	unsigned attn = __atomic_load_n(&c->attn, __ATOMIC_ACQUIRE);

	(void)addr, (void)size;
	if (__builtin_expect(attn != 0, 0))
		on_block_attn(c, uc, attn);
}

static uint32_t on_sysreg(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *data,
			  bool read)
{
	struct cpu *c = data;
	uint32_t enc = CPU_SYSREG(cp->op0, cp->op1, cp->crn, cp->crm, cp->op2);
	uint64_t val = cp->val;

	if (!c->ops->sysreg || !c->ops->sysreg(c->owner, c, enc, read, &val))
		return 0;
	if (read && reg != UC_ARM64_REG_XZR)
		uc_reg_write(uc, reg, &val);
	return 1; /* handled: skip the instruction */
}

static uint32_t on_mrs(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *data)
{
	return on_sysreg(uc, reg, cp, data, true);
}

static uint32_t on_msr(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *data)
{
	return on_sysreg(uc, reg, cp, data, false);
}

static void on_intr(uc_engine *uc, uint32_t intno, void *data)
{
	struct cpu *c = data;
	uint64_t pc = cpu_get_pc(c);
	uint32_t insn;

	(void)uc;
	switch (intno) {
	case EXCP_SMC:
		/* PC is past the SMC already. */
		insn = read_insn(c, pc - 4);
		c->stop->imm = (insn >> 5) & 0xffff;
		stop_with(c, CPU_STOP_SMC);
		break;
	case EXCP_SWI:
		insn = read_insn(c, pc - 4);
		c->stop->imm = (insn >> 5) & 0xffff;
		stop_with(c, CPU_STOP_SVC);
		break;
	case EXCP_HVC:
		/* PC is past the HVC here; report it at the instruction (see cpu_run()). */
		c->stop->imm = (read_insn(c, pc - 4) >> 5) & 0xffff;
		c->hvc_past = true;
		stop_with(c, CPU_STOP_HVC);
		break;
	case EXCP_UDEF:
		/* Without EL2, HVC is UNDEFINED to the model; tell it apart. */
		insn = read_insn(c, pc);
		if ((insn & INSN_HVC_MASK) == INSN_HVC) {
			c->stop->imm = (insn >> 5) & 0xffff;
			stop_with(c, CPU_STOP_HVC);
		} else {
			stop_with(c, CPU_STOP_UNDEF);
		}
		break;
	case EXCP_HLT:
		stop_with(c, CPU_STOP_WFI);
		break;
	default:
		c->stop->excp = intno;
		stop_with(c, CPU_STOP_EXCEPTION);
		break;
	}
}

struct cpu *cpu_create(const struct cpu_ops *ops, void *owner)
{
	struct cpu *c = calloc(1, sizeof(*c));
	int cpu_model = UC_CPU_ARM64_A72;

	if (!c)
		return NULL;
	c->ops = ops;
	c->owner = owner;
	if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &c->uc) != UC_ERR_OK) {
		free(c);
		return NULL;
	}
	uc_ctl(c->uc, UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1), cpu_model);
	if (uc_hook_add(c->uc, &c->hooks[0], UC_HOOK_MEM_UNMAPPED, (void *)on_unmapped, c, 1, 0) ||
	    uc_hook_add(c->uc, &c->hooks[1], UC_HOOK_MEM_PROT, (void *)on_prot, c, 1, 0) ||
	    uc_hook_add(c->uc, &c->hooks[2], UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
			(void *)on_access, c, 1, 0) ||
	    uc_hook_add(c->uc, &c->hooks[3], UC_HOOK_INTR, (void *)on_intr, c, 1, 0) ||
	    uc_hook_add(c->uc, &c->hooks[4], UC_HOOK_INSN, (void *)on_mrs, c, 1, 0,
			UC_ARM64_INS_MRS) ||
	    uc_hook_add(c->uc, &c->hooks[5], UC_HOOK_INSN, (void *)on_msr, c, 1, 0,
			UC_ARM64_INS_MSR) ||
	    uc_hook_add(c->uc, &c->hooks[6], UC_HOOK_BLOCK, (void *)on_block, c, 1, 0)) {
		cpu_destroy(c);
		return NULL;
	}
	return c;
}

void cpu_set_owner(struct cpu *c, void *owner)
{
	c->owner = owner;
}

void cpu_destroy(struct cpu *c)
{
	if (!c)
		return;
	uc_close(c->uc);
	free(c->maps);
	free(c);
}

int cpu_run(struct cpu *c, uint64_t budget, struct cpu_stop_info *stop)
{
	uint64_t pc = cpu_get_pc(c);
	uc_err err;

	memset(stop, 0, sizeof(*stop));
	c->stop = stop;
	c->stopped = false;
	c->hvc_past = false;
	/* No end address: stop only through the hooks (an impossible end PC). */
	err = uc_emu_start(c->uc, pc, 1, 0, budget);
	c->stop = NULL;
	stop->pc = cpu_get_pc(c);
	if (c->hvc_past) {
		/* A register write inside a hook would cancel the stop: fix PC up here. */
		stop->pc -= 4;
		cpu_set_pc(c, stop->pc);
	}
	stop->insn = read_insn(c, stop->pc);
	if (!c->stopped) {
		if (err != UC_ERR_OK)
			return -1;
		stop->reason = CPU_STOP_BUDGET; /* only the hooks stop it otherwise */
	}
	if (stop->reason == CPU_STOP_KICK)
		__atomic_fetch_and(&c->attn, ~ATTN_KICK, __ATOMIC_ACQ_REL);
	if (stop->reason == CPU_STOP_UNDEF && (stop->insn & INSN_WFX_MASK) == INSN_WFE)
		stop->reason = CPU_STOP_WFI;
	return 0;
}

uint64_t cpu_counter(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec) /
	       (1000000000ULL / CPU_CNTFRQ);
}

/* The owner's bits: a read-modify-write, since a kick may be setting its bit at the same time. */
static void attn_set(struct cpu *c, unsigned bit, bool on)
{
	if (!!(__atomic_load_n(&c->attn, __ATOMIC_RELAXED) & bit) == on)
		return;
	if (on)
		__atomic_fetch_or(&c->attn, bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&c->attn, ~bit, __ATOMIC_RELAXED);
}

void cpu_set_irq_line(struct cpu *c, bool up)
{
	attn_set(c, ATTN_IRQ, up);
}

void cpu_set_deadline(struct cpu *c, uint64_t deadline)
{
	c->deadline = deadline;
	attn_set(c, ATTN_TIMER, deadline != 0);
}

void cpu_kick(struct cpu *c)
{
	__atomic_fetch_or(&c->attn, ATTN_KICK, __ATOMIC_RELEASE);
}

void cpu_s2_invalidate(struct cpu *c, uint64_t lo, uint64_t hi)
{
	for (unsigned i = 0; i < c->nmaps;) {
		struct mapping *m = &c->maps[i];

		if (m->base >= hi || m->base + m->size <= lo) {
			i++;
			continue;
		}
		/* Code translated from it goes first (the model finds it through the mapping). */
		uc_ctl(c->uc, UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2), m->base, m->base + m->size);
		uc_mem_unmap(c->uc, m->base, m->size);
		*m = c->maps[--c->nmaps];
	}
}

static int xreg(unsigned n)
{
	if (n <= 28)
		return UC_ARM64_REG_X0 + (int)n;
	return n == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30;
}

uint64_t cpu_get_x(struct cpu *c, unsigned n)
{
	uint64_t v = 0;

	if (n < 31)
		uc_reg_read(c->uc, xreg(n), &v);
	return v;
}

void cpu_set_x(struct cpu *c, unsigned n, uint64_t v)
{
	if (n < 31)
		uc_reg_write(c->uc, xreg(n), &v);
}

uint64_t cpu_get_pc(struct cpu *c)
{
	uint64_t v = 0;

	uc_reg_read(c->uc, UC_ARM64_REG_PC, &v);
	return v;
}

void cpu_set_pc(struct cpu *c, uint64_t pc)
{
	uc_reg_write(c->uc, UC_ARM64_REG_PC, &pc);
}

uint64_t cpu_get_pstate(struct cpu *c)
{
	uint32_t v = 0;

	uc_reg_read(c->uc, UC_ARM64_REG_PSTATE, &v);
	return v;
}

static void split(uint32_t enc, uc_arm64_cp_reg *cp);

/* The CPU model's ID registers (op0 3, op1 0, CRn 0, CRm 4..7), read once. */
static uint64_t model_idregs[4][8];
static pthread_once_t model_once = PTHREAD_ONCE_INIT;

static void model_read(void)
{
	struct cpu_ops ops = { 0 };
	struct cpu *c = cpu_create(&ops, NULL);

	if (!c)
		return;
	for (unsigned crm = 4; crm < 8; crm++)
		for (unsigned op2 = 0; op2 < 8; op2++)
			model_idregs[crm - 4][op2] = cpu_get_sysreg(c, CPU_SYSREG(3, 0, 0, crm, op2));
	cpu_destroy(c);
}

uint64_t cpu_model_sysreg(uint32_t sysreg)
{
	unsigned crm = (sysreg >> 3) & 15;

	if ((sysreg & ~(uint32_t)0x7f) != CPU_SYSREG(3, 0, 0, 0, 0) || crm < 4)
		return 0;
	pthread_once(&model_once, model_read);
	return model_idregs[crm - 4][sysreg & 7];
}

static void split(uint32_t enc, uc_arm64_cp_reg *cp)
{
	cp->op0 = (enc >> 14) & 3;
	cp->op1 = (enc >> 11) & 7;
	cp->crn = (enc >> 7) & 15;
	cp->crm = (enc >> 3) & 15;
	cp->op2 = enc & 7;
}

uint64_t cpu_get_sysreg(struct cpu *c, uint32_t sysreg)
{
	uc_arm64_cp_reg cp = { 0 };

	split(sysreg, &cp);
	if (uc_reg_read(c->uc, UC_ARM64_REG_CP_REG, &cp) != UC_ERR_OK)
		return 0;
	return cp.val;
}

void cpu_set_sysreg(struct cpu *c, uint32_t sysreg, uint64_t v)
{
	uc_arm64_cp_reg cp = { 0 };

	split(sysreg, &cp);
	cp.val = v;
	uc_reg_write(c->uc, UC_ARM64_REG_CP_REG, &cp);
}

/* Exception entry to EL1 (Arm ARM D1.10.2), at vector offset @kind (0 sync, 0x80 IRQ). */
static void enter_el1(struct cpu *c, uint64_t kind, uint64_t elr)
{
	uint64_t pstate = cpu_get_pstate(c), vbar, sp;
	unsigned el = (unsigned)(pstate >> PSTATE_EL_SHIFT) & 3;
	uint64_t offset;
	uint32_t newps = (uint32_t)(PSTATE_EL1H | PSTATE_DAIF);

	if (el == 1)
		offset = (pstate & PSTATE_SP) ? 0x200 : 0x000;
	else
		offset = 0x400; /* from EL0, AArch64 */
	uc_reg_write(c->uc, UC_ARM64_REG_ELR_EL1, &elr);
	cpu_set_sysreg(c, SYSREG_SPSR_EL1, pstate);
	if (!(el == 1 && (pstate & PSTATE_SP))) {
		/* Leaving SP_EL0: bank it, then run on SP_EL1. */
		uc_reg_read(c->uc, UC_ARM64_REG_SP, &sp);
		uc_reg_write(c->uc, UC_ARM64_REG_SP_EL0, &sp);
		uc_reg_write(c->uc, UC_ARM64_REG_PSTATE, &newps);
		uc_reg_read(c->uc, UC_ARM64_REG_SP_EL1, &sp);
		uc_reg_write(c->uc, UC_ARM64_REG_SP, &sp);
		/* A write of SCTLR_EL1 makes the model recompute its cached EL state. */
		cpu_set_sysreg(c, SYSREG_SCTLR_EL1, cpu_get_sysreg(c, SYSREG_SCTLR_EL1));
	} else {
		uc_reg_write(c->uc, UC_ARM64_REG_PSTATE, &newps);
	}
	uc_reg_read(c->uc, UC_ARM64_REG_VBAR_EL1, &vbar);
	cpu_set_pc(c, vbar + offset + kind);
}

void cpu_inject_sync(struct cpu *c, uint64_t esr, uint64_t far, bool far_valid)
{
	uint64_t elr = cpu_get_pc(c);

	uc_reg_write(c->uc, UC_ARM64_REG_ESR_EL1, &esr);
	if (far_valid)
		uc_reg_write(c->uc, UC_ARM64_REG_FAR_EL1, &far);
	enter_el1(c, 0, elr);
}

void cpu_inject_irq(struct cpu *c)
{
	enter_el1(c, 0x80, cpu_get_pc(c));
}

void cpu_reset_el1(struct cpu *c)
{
	uint32_t ps = (uint32_t)(PSTATE_EL1H | PSTATE_DAIF);

	uc_reg_write(c->uc, UC_ARM64_REG_PSTATE, &ps);
	/* RES1 bits of SCTLR_EL1; M, C, I clear.  The write also refreshes the model's EL state. */
	cpu_set_sysreg(c, SYSREG_SCTLR_EL1, 0x30d00800UL);
}
