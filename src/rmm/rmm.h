/* SPDX-License-Identifier: MIT */
/*
 * The software RMM: its one entry from the host (the SMC boundary) and its
 * construction.  Nothing above the RMM uses anything else from src/rmm
 * except the introspection API in introspect.h, which tests and tools may
 * use and realms and hosts do not have.
 */
#ifndef REALMKIT_RMM_H
#define REALMKIT_RMM_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/pas.h"

/*
 * What the simulated platform implements; RMI_FEATURES reports it and
 * REALM_CREATE validates against it.
 */
struct rmm_platform {
	unsigned max_ipa_bits; /* largest s2sz (ID_AA64MMFR0_EL1.PARange) */
	bool lpa2;             /* FEAT_LPA2 for stage 2 */
	bool sve;
	unsigned sve_max_vl;   /* (VL / 128) - 1, 0..15 */
	unsigned num_bps;      /* breakpoints implemented (ID_AA64DFR0_EL1.BRPs + 1) */
	unsigned num_wps;      /* watchpoints implemented */
	bool pmu;
	unsigned pmu_num_ctrs; /* PMCR_EL0.N */
	bool sha256;
	bool sha512;
	bool rmi_v2;           /* the RMM implements RMI 2.0 (docs/RMM2.md) instead of 1.0 */
	/*
	 * Not architecture: a deterministic time slice for tests and the fuzzer.
	 * Non-zero: each REC_ENTER runs at most this many instructions per stretch
	 * of realm code and at most RMM_SLICE_RUNS stretches (RSI calls served in
	 * the RMM start a new one) before an IRQ exit, as if the host's timer had
	 * fired, and the 10 ms wall-clock tick is off: the same REC_ENTER ends
	 * the same way on every run.  Host kicks (rmm_rec_kick) work either way.
	 */
	uint64_t slice_insns;
	/*
	 * Attestation (docs/ATTESTATION.md): the platform identity whose CPAK
	 * signs the platform token; NULL: the default identity.  The RMM keeps
	 * its own reference to the key.  attest_cmw: tokens are CMW
	 * collections (tag 907) instead of tag 399.
	 */
	const struct att_platform *attest;
	bool attest_cmw;
	/*
	 * Make PEs and the attestation keys ahead, on helper threads: a spare PE
	 * for each REC from REALM_CREATE (src/rmm/pe_pool.c), the keys from the
	 * first REALM_ACTIVATE (attest_boot.c).  For machines that run their
	 * realms, as a KVM host does (rk_host_create sets it).  Off, a REC's
	 * first REC_ENTER makes its PE and the first token makes the keys: RMI
	 * scripts, the RMM's own tests and the fuzzers, which create far more
	 * realms than they run, do not pay for work nobody uses.
	 */
	bool prepare_ahead;
};

#define RMM_SLICE_RUNS 64

/* A platform like the FVP base model, without SVE, PMU or LPA2. */
void rmm_platform_default(struct rmm_platform *plat);

struct rmm;
struct att_platform;

/* Create an RMM managing all of the DRAM in @pas.  @plat NULL: rmm_platform_default(). */
struct rmm *rmm_create(struct pas *pas, const struct rmm_platform *plat);
void rmm_destroy(struct rmm *rmm);

struct smc_args {
	uint64_t fid;
	uint64_t x[6]; /* x1..x6 */
};

struct smc_result {
	uint64_t x[5]; /* x0..x4 */
};

/* The SMC boundary: what a host's SMC #0 to the RMM does. */
void rmm_smc(struct rmm *rmm, const struct smc_args *args, struct smc_result *res);

/*
 * A physical interrupt for the PE that runs the REC at @rec_pa (what an IPI
 * from another host CPU does): if the REC is inside REC_ENTER it exits with
 * RMI_EXIT_IRQ soon; otherwise its next REC_ENTER exits at once.  Any thread.
 */
void rmm_rec_kick(struct rmm *rmm, uint64_t rec_pa);

/* Convenience: issue an SMC with up to six arguments, returning x0 (outputs in @res if non-NULL). */
uint64_t rmm_call(struct rmm *rmm, uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
		  uint64_t x4, uint64_t x5, struct smc_result *res);

#endif
