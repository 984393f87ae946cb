// SPDX-License-Identifier: MIT
/* Granules: the RMM's per-granule state, delegation and NS memory access. */
#include <string.h>

#include "rmm/internal.h"

static const char *const state_names[GRANULE_STATE_COUNT] = {
	[GRANULE_UNDELEGATED] = "UNDELEGATED",
	[GRANULE_DELEGATED] = "DELEGATED",
	[GRANULE_RD] = "RD",
	[GRANULE_REC] = "REC",
	[GRANULE_REC_AUX] = "REC_AUX",
	[GRANULE_DATA] = "DATA",
	[GRANULE_RTT] = "RTT",
};

const char *rmm_granule_state_name(enum rmm_granule_state st)
{
	return st < GRANULE_STATE_COUNT ? state_names[st] : "?";
}

struct granule *granule_at(struct rmm *rmm, uint64_t pa)
{
	if (pa & GRANULE_MASK || !pas_in_dram(rmm->pas, pa, GRANULE_SIZE))
		return NULL;
	return &rmm->granules[pas_granule_index(rmm->pas, pa)];
}

uint64_t granule_pa(struct rmm *rmm, const struct granule *g)
{
	return pas_dram_base(rmm->pas) + ((uint64_t)(g - rmm->granules) << GRANULE_SHIFT);
}

void *granule_map(struct rmm *rmm, uint64_t pa)
{
	return pas_rmm_va(rmm->pas, pa);
}

struct granule *granule_find(struct rmm *rmm, uint64_t pa, enum rmm_granule_state state)
{
	struct granule *g = granule_at(rmm, pa);

	/* A DELEGATED granule with a refcount is held by a 2.0 stateful operation (sro.c). */
	return g && g->state == state && !(state == GRANULE_DELEGATED && g->refcount) ? g : NULL;
}

void granule_set_state(struct granule *g, enum rmm_granule_state state)
{
	g->state = (uint8_t)state;
}

void granule_scrub(struct rmm *rmm, struct granule *g)
{
	pas_scrub(rmm->pas, granule_pa(rmm, g));
}

/*
 * When a granule is zeroed (docs/RMM2.md, "Scrubbing").  RMM 1.0 mode does as
 * TF-RMM up to 0.7: when it enters DELEGATED (GRANULE_DELEGATE and every
 * destroy), so a DELEGATED granule is zero.  RMM 2.0 mode does as TF-RMM main
 * since f5cce5bc ("Change the granule scrub flow"): when it leaves DELEGATED,
 * initialised as the realm object it becomes or sanitised on its way back to
 * the host; a DELEGATED granule may hold what the host wrote before
 * delegating it or what a destroyed object left.  Either way no realm byte
 * reaches the host and no stale byte reaches a realm.
 */
static bool scrub_on_leaving(const struct rmm *rmm)
{
	return rmm->plat.rmi_v2;
}

void granule_release(struct rmm *rmm, struct granule *g)
{
	if (!scrub_on_leaving(rmm))
		granule_scrub(rmm, g);
	granule_set_state(g, GRANULE_DELEGATED);
}

void granule_claim(struct rmm *rmm, struct granule *g)
{
	if (scrub_on_leaving(rmm))
		granule_scrub(rmm, g);
}

bool granule_delegated_dirty_ok(const struct rmm *rmm)
{
	return scrub_on_leaving(rmm);
}

bool ns_granule_read(struct rmm *rmm, uint64_t pa, void *buf)
{
	/* The RMM may read NS memory only where the GPT says NS: elsewhere it would take a GPF. */
	if (!granule_find(rmm, pa, GRANULE_UNDELEGATED) || pas_gpt_get(rmm->pas, pa) != PAS_NS)
		return false;
	memcpy(buf, pas_rmm_va(rmm->pas, pa), GRANULE_SIZE);
	return true;
}

bool ns_granule_write(struct rmm *rmm, uint64_t pa, const void *buf, uint64_t len)
{
	if (len > GRANULE_SIZE || !granule_find(rmm, pa & ~GRANULE_MASK, GRANULE_UNDELEGATED) ||
	    pas_gpt_get(rmm->pas, pa) != PAS_NS || (pa & GRANULE_MASK) + len > GRANULE_SIZE)
		return false;
	memcpy(pas_rmm_va(rmm->pas, pa), buf, len);
	return true;
}

uint64_t smc_granule_delegate(struct rmm *rmm, uint64_t addr)
{
	struct granule *g = granule_find(rmm, addr, GRANULE_UNDELEGATED);

	if (!g)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	/* A realm may have it mapped in its unprotected half: that mapping goes first. */
	s2_shootdown_ns(rmm, addr);
	/* GPT first: from here on the host cannot see what we scrub. */
	if (pas_gpt_set(rmm->pas, addr, PAS_REALM) < 0)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	granule_release(rmm, g);
	return RMI_RET(RMI_SUCCESS, 0);
}

uint64_t smc_granule_undelegate(struct rmm *rmm, uint64_t addr)
{
	struct granule *g = granule_find(rmm, addr, GRANULE_DELEGATED);

	if (!g)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	/* Scrub while still Realm PAS, so nothing leaks to the host. */
	granule_scrub(rmm, g);
	if (pas_gpt_set(rmm->pas, addr, PAS_NS) < 0)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	granule_set_state(g, GRANULE_UNDELEGATED);
	return RMI_RET(RMI_SUCCESS, 0);
}

/*
 * Move the run of granules from @base (below @top, at most @budget) that are
 * all in the state the transition needs, with one GPT change and one scrub
 * for the run; returns the number moved (0: @base itself is not movable).
 * Same order as the single-granule forms: delegate changes the GPT before
 * scrubbing (1.0 mode only: see granule_release()), undelegate scrubs while
 * the run is still Realm PAS.
 */
uint64_t granule_range_transition(struct rmm *rmm, uint64_t base, uint64_t top, uint64_t budget,
				  bool delegate)
{
	enum rmm_granule_state from;
	uint64_t n = 0, pa;

	from = delegate ? GRANULE_UNDELEGATED : GRANULE_DELEGATED;
	for (pa = base; pa < top && n < budget && granule_find(rmm, pa, from); pa += GRANULE_SIZE)
		n++;
	if (!n)
		return 0;
	if (delegate) {
		for (pa = base; pa < base + (n << GRANULE_SHIFT); pa += GRANULE_SIZE)
			s2_shootdown_ns(rmm, pa);
		if (pas_gpt_set_range(rmm->pas, base, n, PAS_REALM) < 0)
			return 0;
		if (!scrub_on_leaving(rmm))
			pas_scrub_range(rmm->pas, base, n);
	} else {
		pas_scrub_range(rmm->pas, base, n);
		if (pas_gpt_set_range(rmm->pas, base, n, PAS_NS) < 0)
			return 0;
	}
	for (pa = base; pa < base + (n << GRANULE_SHIFT); pa += GRANULE_SIZE)
		granule_set_state(granule_at(rmm, pa),
				  delegate ? GRANULE_DELEGATED : GRANULE_UNDELEGATED);
	return n;
}
