// SPDX-License-Identifier: MIT
/*
 * DATA granules: DATA_CREATE (copy from NS memory, optionally measured),
 * DATA_CREATE_UNKNOWN (zero content, unmeasured) and DATA_DESTROY.
 * DATA always lives at level 3: a DATA block only arises by folding.
 */
#include <string.h>

#include "rmm/internal.h"

static bool data_ipa_ok(const struct rd *rd, uint64_t ipa)
{
	return rd_ipa_protected(rd, ipa) && !(ipa & GRANULE_MASK) && rd_ipa_in_range(rd, ipa);
}

/*
 * The checks DATA_CREATE and DATA_CREATE_UNKNOWN share after the realm
 * state: IPA, PA width, then the walk to an UNASSIGNED level-3 entry.
 */
static uint64_t data_target(struct rmm *rmm, const struct rd *rd, uint64_t data_pa,
			    uint64_t ipa, struct rtt_walk *w)
{
	if (!data_ipa_ok(rd, ipa) || !rd_pa_addressable(rd, data_pa))
		return RMI_RET(RMI_ERROR_INPUT, 0);
	rtt_walk(rmm, rd, ipa, 3, w);
	if (w->level < 3)
		return RMI_RET(RMI_ERROR_RTT, (uint8_t)w->level);
	if (s2tte_hipas(*w->entry) != HIPAS_UNASSIGNED)
		return RMI_RET(RMI_ERROR_RTT, 3);
	return RMI_RET(RMI_SUCCESS, 0);
}

static void data_assign(struct rtt_walk *w, struct granule *g_data, uint64_t data_pa,
			unsigned ripas)
{
	*w->entry = s2tte_assigned(data_pa, ripas, 3);
	w->g_rtt->refcount++;
	granule_set_state(g_data, GRANULE_DATA);
}

void smc_data_create(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t rd_pa = x[0], data_pa = x[1], ipa = x[2], src = x[3], flags = x[4];
	struct granule *g_data;
	struct rtt_walk w;
	struct rd *rd;
	uint64_t ret;

	res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
	if (flags & ~RMI_MEASURE_CONTENT || !granule_find(rmm, src, GRANULE_UNDELEGATED))
		return;
	g_data = granule_find(rmm, data_pa, GRANULE_DELEGATED);
	rd = rd_find(rmm, rd_pa);
	if (!g_data || !rd)
		return;
	if (rd->state != REALM_NEW) {
		res->x[0] = RMI_RET(RMI_ERROR_REALM, 0);
		return;
	}
	ret = data_target(rmm, rd, data_pa, ipa, &w);
	if (ret != RMI_RET(RMI_SUCCESS, 0)) {
		res->x[0] = ret;
		return;
	}
	/*
	 * Copy straight into the delegated granule: the copy is its whole
	 * initialisation (granule_claim() would zero it first for nothing).  A
	 * source that is not NS DRAM is refused before anything is written.
	 */
	if (!ns_granule_read(rmm, src, granule_map(rmm, data_pa)))
		return;
	/* Hashed off this thread; the RIM is extended in order (rim_queue.c). */
	rimq_push(rmm, rd, ipa, flags, granule_map(rmm, data_pa));
	data_assign(&w, g_data, data_pa, RMI_RAM);
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
}

void smc_data_create_unknown(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t rd_pa = x[0], data_pa = x[1], ipa = x[2];
	struct granule *g_data = granule_find(rmm, data_pa, GRANULE_DELEGATED);
	struct rd *rd = rd_find(rmm, rd_pa);
	struct rtt_walk w;

	if (!g_data || !rd) {
		res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
		return;
	}
	res->x[0] = data_target(rmm, rd, data_pa, ipa, &w);
	if (res->x[0] != RMI_RET(RMI_SUCCESS, 0))
		return;
	/* "Unknown" content: zero (already so in 1.0 mode, where DELEGATED means zero). */
	granule_claim(rmm, g_data);
	data_assign(&w, g_data, data_pa, s2tte_ripas(*w.entry));
}

void smc_data_destroy(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t rd_pa = x[0], ipa = x[1], e, data_pa;
	struct rd *rd = rd_find(rmm, rd_pa);
	struct granule *g_data;
	struct rtt_walk w;

	if (!rd || !data_ipa_ok(rd, ipa)) {
		res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
		return;
	}
	rtt_walk(rmm, rd, ipa, 3, &w);
	e = *w.entry;
	if (w.level < 3 || s2tte_hipas(e) != HIPAS_ASSIGNED) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		res->x[2] = rtt_skip_non_live(&w, ipa);
		return;
	}
	data_pa = s2tte_pa(e);
	/* RAM that the realm could have used becomes DESTROYED; EMPTY stays EMPTY. */
	*w.entry = s2tte_unassigned(s2tte_ripas(e) == RMI_EMPTY ? RMI_EMPTY : RMI_DESTROYED);
	w.g_rtt->refcount--;
	/* No running REC may touch the granule once it is scrubbed and handed back. */
	s2_shootdown(rmm, rd_pa, ipa, ipa + GRANULE_SIZE);
	g_data = granule_at(rmm, data_pa);
	granule_release(rmm, g_data);
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = data_pa;
	res->x[2] = rtt_skip_non_live(&w, ipa);
}
