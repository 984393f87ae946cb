/* SPDX-License-Identifier: MIT */
/*
 * Test harness: a simulated machine (DRAM + RMM) driven as a host would,
 * through the SMC boundary only, plus small assertion helpers.  The RMM's
 * introspection API is used to observe, never to act.
 */
#ifndef REALMKIT_TESTS_HARNESS_H
#define REALMKIT_TESTS_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hw/pas.h"
#include "realmkit/rmi.h"
#include "rmm/introspect.h"
#include "rmm/rmm.h"

extern unsigned t_passed, t_failed;

#define CHECK(cond)                                                                        \
	t_check((cond), __FILE__, __LINE__, "%s", #cond)
/* Each argument is evaluated exactly once. */
#define CHECK_EQ(a, b) t_check_eq((uint64_t)(a), (uint64_t)(b), __FILE__, __LINE__, #a, #b)
/* An RMI return value: status and index. */
#define CHECK_RMI(x0, status, index)                                                       \
	t_check_rmi((x0), (status), (index), __FILE__, __LINE__, #x0)

bool t_check(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool t_check_eq(uint64_t a, uint64_t b, const char *file, int line, const char *sa,
		const char *sb);
bool t_check_rmi(uint64_t x0, unsigned status, unsigned index, const char *file, int line,
		 const char *what);
/* Print the closing "N passed, N failed" line; returns the exit status. */
int t_done(void);
const char *rmi_status_name(unsigned status);

/* ---- the machine ---- */

#define T_DRAM_BASE 0x80000000UL

struct machine {
	struct pas *pas;
	struct rmm *rmm;
	uint64_t next_ns;  /* bump allocator: NS scratch granules */
	uint64_t next_del; /* bump allocator: granules to delegate */
	uint64_t *given;   /* every granule the host delegated, as KVM tracks them */
	size_t ngiven, cap;
};

void machine_init(struct machine *m, uint64_t dram_size, const struct rmm_platform *plat);
void machine_fini(struct machine *m);

uint64_t rmi(struct machine *m, uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
	     uint64_t x4, uint64_t x5);
uint64_t rmi_out(struct machine *m, struct smc_result *r, uint64_t fid, uint64_t x1,
		 uint64_t x2, uint64_t x3, uint64_t x4, uint64_t x5);

/* A fresh NS granule (zeroed) and a fresh DELEGATED granule. */
uint64_t ns_granule(struct machine *m);
uint64_t delegated_granule(struct machine *m);
/* Host write to NS memory; the test fails (no crash) if the host has no access. */
void host_write(struct machine *m, uint64_t pa, const void *buf, uint64_t len);

/* ---- realms ---- */

struct realm {
	uint64_t rd;
	uint64_t rtt_base;
	unsigned num_start;
	int level_start;
	unsigned s2sz;
	unsigned hash_algo;
};

/* Default parameters: 48-bit IPA, level 0 root, 2 bps/wps, SHA-256, the given VMID. */
void realm_params_default(struct rmi_realm_params *p, unsigned vmid);
/* Write @p to a new NS granule and return its PA. */
uint64_t realm_params_at(struct machine *m, const struct rmi_realm_params *p);
/* Create a realm; @p NULL uses defaults.  Fails the test (returning false) on error. */
bool realm_create(struct machine *m, struct realm *r, const struct rmi_realm_params *p);
/* Create RTTs down to @level covering @ipa (each missing level). */
bool realm_map_tables(struct machine *m, struct realm *r, uint64_t ipa, int level);
/* REC params for REC index @idx with 16 fresh aux granules; returns the params PA. */
uint64_t rec_params_at(struct machine *m, uint64_t idx, bool runnable, uint64_t pc);
/* Destroy every object of the realm (RECs, DATA, RTTs, RD) by RMI calls only. */
bool realm_teardown(struct machine *m, struct realm *r, const uint64_t *recs, unsigned nrecs);
/* Undelegate every granule the host delegated; each must succeed. */
bool host_reclaim(struct machine *m);
/* Census: true if every granule is UNDELEGATED again. */
bool census_all_undelegated(struct machine *m);

#endif
