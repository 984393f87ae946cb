/* SPDX-License-Identifier: MIT */
/*
 * One simulated processing element running realm code: an AArch64 CPU
 * (Unicorn 2) at EL1/EL0 whose only view of memory is what the RMM grants
 * through stage 2.  The CPU knows nothing of realms: it asks its owner to
 * resolve an IPA the first time the guest touches it, lets the owner answer
 * system-register accesses, and stops on anything that needs the monitor
 * (SMC, an IPA with no mapping, HVC, WFx, a kick from another thread).
 *
 * Threads: a CPU is run by one thread at a time.  cpu_kick() may be called
 * from any thread; everything else only by the thread that owns the CPU.
 */
#ifndef REALMKIT_MACHINE_CPU_H
#define REALMKIT_MACHINE_CPU_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* What the owner says about an IPA the guest touched. */
enum cpu_s2_result {
	CPU_S2_MAPPED, /* map [base, base + size) to host memory at @hva */
	CPU_S2_FAULT,  /* no stage-2 mapping: stop with CPU_STOP_ABORT */
	CPU_S2_BUSY,   /* cannot tell now (the tables are being changed): stop and retry */
};

struct cpu_s2_map {
	uint64_t base, size; /* page-aligned IPA range containing the access */
	void *hva;
	bool writable, executable;
};

/* A system register encoding: op0, op1, CRn, CRm, op2 as in MRS/MSR. */
#define CPU_SYSREG(op0, op1, crn, crm, op2)                                                 \
	((uint32_t)(op0) << 14 | (uint32_t)(op1) << 11 | (uint32_t)(crn) << 7 |              \
	 (uint32_t)(crm) << 3 | (uint32_t)(op2))

struct cpu_ops {
	enum cpu_s2_result (*s2_resolve)(void *owner, uint64_t ipa, bool write, bool fetch,
					 struct cpu_s2_map *map);
	/*
	 * MRS (@read, result in *@val) or MSR (*@val holds the value) of @sysreg.
	 * Return true if handled; false lets the CPU model do what it does
	 * (the architected register, or UNDEF).
	 */
	bool (*sysreg)(void *owner, struct cpu *c, uint32_t sysreg, bool read, uint64_t *val);
};

enum cpu_stop {
	CPU_STOP_SMC,   /* SMC executed: PC is past it, imm in stop.imm */
	CPU_STOP_HVC,   /* HVC: PC at the instruction */
	CPU_STOP_UNDEF, /* UNDEFINED instruction or system register: PC at the instruction */
	CPU_STOP_SVC,   /* SVC: PC past it (an exception for the guest's own EL1) */
	CPU_STOP_ABORT, /* access to an IPA with no stage-2 mapping: PC at the instruction */
	CPU_STOP_RETRY, /* stage 2 was busy: nothing happened, run again */
	CPU_STOP_KICK,  /* cpu_kick() */
	CPU_STOP_WFI,   /* WFI/WFE: PC at the instruction */
	CPU_STOP_BUDGET, /* the instruction budget of cpu_run() ran out */
	CPU_STOP_EXCEPTION, /* another exception the CPU model cannot describe */
	CPU_STOP_IRQ,   /* the IRQ line is up and PSTATE.I clear: at a block start */
	CPU_STOP_TIMER, /* the counter reached the deadline: at a block start */
};

struct cpu_stop_info {
	enum cpu_stop reason;
	uint64_t pc;
	uint32_t insn;    /* the instruction at pc, when readable */
	uint32_t imm;     /* SMC/HVC/SVC immediate */
	unsigned excp;    /* CPU_STOP_EXCEPTION: the model's exception number */
	/* CPU_STOP_ABORT */
	uint64_t addr;    /* the IPA accessed (the MMU is off or maps VA == IPA) */
	unsigned size;
	bool write;
	bool fetch;
	uint64_t wdata;   /* value being stored */
};

/* A CPU in reset state at EL1h (MMU off, DAIF masked). NULL on failure. */
struct cpu *cpu_create(const struct cpu_ops *ops, void *owner);
void cpu_destroy(struct cpu *c);
/* Hand a CPU made for nobody (a spare PE) to its owner, before it first runs. */
void cpu_set_owner(struct cpu *c, void *owner);

/* Run from the current PC until a stop; @budget instructions at most (0: no limit). */
int cpu_run(struct cpu *c, uint64_t budget, struct cpu_stop_info *stop);

/*
 * The system counter every PE and the host read (CNTPCT/CNTVCT): CLOCK_MONOTONIC
 * at CPU_CNTFRQ (62.5 MHz, 16 ns a tick, the frequency QEMU's Arm CPUs use).
 */
#define CPU_CNTFRQ 62500000ULL
uint64_t cpu_counter(void);

/*
 * The PE's interrupt input (a virtual IRQ signalled by the GIC CPU
 * interface): while it is up, cpu_run() stops with CPU_STOP_IRQ at the first
 * block start where PSTATE.I is clear.  Owner's thread only.
 */
void cpu_set_irq_line(struct cpu *c, bool up);
/* Stop with CPU_STOP_TIMER at a block start once cpu_counter() >= @deadline (0: never). */
void cpu_set_deadline(struct cpu *c, uint64_t deadline);

/* Make a running cpu_run() return with CPU_STOP_KICK soon; any thread. */
void cpu_kick(struct cpu *c);

/*
 * Map what the owner grants outside a run (the owner resolved a
 * CPU_STOP_ABORT itself): as a CPU_S2_MAPPED answer does.  Owner's thread.
 */
bool cpu_s2_map(struct cpu *c, const struct cpu_s2_map *m);

/*
 * Forget the stage-2 mappings that overlap the IPA range [lo, hi), and code
 * translated from them (the next access asks s2_resolve again): a TLBI by IPA.
 */
void cpu_s2_invalidate(struct cpu *c, uint64_t lo, uint64_t hi);

uint64_t cpu_get_x(struct cpu *c, unsigned n); /* n 0..30; 31 reads as zero */
void cpu_set_x(struct cpu *c, unsigned n, uint64_t v); /* n 31: ignored */
uint64_t cpu_get_pc(struct cpu *c);
void cpu_set_pc(struct cpu *c, uint64_t pc);
uint64_t cpu_get_pstate(struct cpu *c);
uint64_t cpu_get_sysreg(struct cpu *c, uint32_t sysreg);
void cpu_set_sysreg(struct cpu *c, uint32_t sysreg, uint64_t v);

/*
 * A system register of the CPU model as it comes out of reset (the ID
 * registers the host kernel sanitises from): any thread.  0 if unknown.
 */
uint64_t cpu_model_sysreg(uint32_t sysreg);

/* PSTATE EL1h with DAIF masked, SCTLR_EL1 at its reset value (MMU and caches off). */
void cpu_reset_el1(struct cpu *c);

/* Take an exception to EL1 as the architecture does: synchronous (ESR, FAR) or IRQ. */
void cpu_inject_sync(struct cpu *c, uint64_t esr, uint64_t far, bool far_valid);
void cpu_inject_irq(struct cpu *c);

#endif
