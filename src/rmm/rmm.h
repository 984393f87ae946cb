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
	/*
	 * Attestation (docs/ATTESTATION.md): the platform identity whose CPAK
	 * signs the platform token; NULL: the default identity.  The RMM keeps
	 * its own reference to the key.  attest_cmw: tokens are CMW
	 * collections (tag 907) instead of tag 399.
	 */
	const struct att_platform *attest;
	bool attest_cmw;
};

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
