/* SPDX-License-Identifier: MIT */
/*
 * Introspection of the software RMM for tests and tools.  Realms and hosts
 * have no such interface; it reads state without changing it.
 */
#ifndef REALMKIT_RMM_INTROSPECT_H
#define REALMKIT_RMM_INTROSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rmm/rmm.h"

enum rmm_granule_state {
	GRANULE_UNDELEGATED,
	GRANULE_DELEGATED,
	GRANULE_RD,
	GRANULE_REC,
	GRANULE_REC_AUX,
	GRANULE_DATA,
	GRANULE_RTT,
	GRANULE_STATE_COUNT,
};

const char *rmm_granule_state_name(enum rmm_granule_state st);

/* State of the granule at @pa; UNDELEGATED for PAs outside DRAM. */
enum rmm_granule_state rmm_granule_state(struct rmm *rmm, uint64_t pa);
uint32_t rmm_granule_refcount(struct rmm *rmm, uint64_t pa);
/* PA of the first granule in @state at or above @from, or 0 if there is none. */
uint64_t rmm_next_granule(struct rmm *rmm, enum rmm_granule_state state, uint64_t from);

struct rmm_census {
	uint64_t count[GRANULE_STATE_COUNT];
	/*
	 * DELEGATED granules that are not zero: always 0 in RMM 1.0 mode, which
	 * zeroes a granule as it enters DELEGATED; in 2.0 mode, granules still
	 * holding what the host or a destroyed object left (zeroed when they
	 * leave DELEGATED: granule_release() in rmm/granule.c).
	 */
	uint64_t nonzero_free;
};
/* Count granules by state.  @check_zero: also count nonzero DELEGATED granules (slower). */
void rmm_census(struct rmm *rmm, struct rmm_census *c, bool check_zero);

struct rmm_measurements {
	unsigned hash_len; /* 32 or 64 */
	uint8_t rim[64];
	uint8_t rem[4][64];
};
/* Measurements of the realm whose RD is at @rd; false if @rd is not an RD. */
bool rmm_realm_measurements(struct rmm *rmm, uint64_t rd, struct rmm_measurements *m);

enum rmm_realm_state { REALM_NEW, REALM_ACTIVE, REALM_SYSTEM_OFF, REALM_ZOMBIE /* 2.0 */ };

/* Counters of the run path, for benchmarks and tests. */
struct rmm_stats {
	uint64_t rec_enters;    /* successful REC_ENTERs */
	uint64_t guest_runs;    /* times realm code was resumed on a PE */
	uint64_t rsi_calls;     /* RSI and PSCI calls served (in the RMM or by an exit) */
	uint64_t s2_maps;       /* stage-2 ranges granted to a PE */
	uint64_t s2_busy;       /* guest accesses retried because stage 2 was being changed */
	uint64_t shootdowns;    /* running RECs made to drop their stage-2 view */
	uint64_t injected;      /* exceptions injected into realms */
	uint64_t gic_accesses;  /* ICC register accesses emulated */
	uint64_t virqs;         /* virtual IRQs taken by realms */
};
void rmm_get_stats(struct rmm *rmm, struct rmm_stats *st);
/* Realm state of the RD at @rd, or -1 if not an RD. */
int rmm_realm_state(struct rmm *rmm, uint64_t rd);

/*
 * Full invariant check (used by the fuzzer and lifecycle tests): every
 * granule in exactly one state, refcounts equal to what the RTTs and RDs
 * reference, no DATA or RTT granule reachable twice, the host view faults
 * exactly on delegated granules.  Returns true if all hold; otherwise
 * writes a description of the first violation to @why.
 */
bool rmm_check_invariants(struct rmm *rmm, char *why, size_t why_len);

#endif
