// SPDX-License-Identifier: MIT
/*
 * RIPAS: RTT_INIT_RIPAS (host, NEW realm, measured) and RTT_SET_RIPAS
 * (host completing a realm's RSI_IPA_STATE_SET request).  Both work within
 * one RTT per call, never split a block entry, and report how far they got.
 */
#include "rmm/internal.h"

/*
 * Walk to @base; the walk must land on an entry that starts at @base.
 * Otherwise ERROR_RTT at the level reached (a block is never split).
 */
static bool ripas_walk(struct rmm *rmm, const struct rd *rd, uint64_t base, struct rtt_walk *w,
		       struct smc_result *res)
{
	rtt_walk(rmm, rd, base, 3, w);
	if (base & (rtt_level_size(w->level) - 1)) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w->level);
		return false;
	}
	return true;
}

void smc_rtt_init_ripas(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t base = x[1], top = x[2], addr, size;
	struct rtt_walk w;
	struct rd *rd;

	res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
	if (top <= base)
		return;
	rd = rd_find(rmm, x[0]);
	if (!rd || (base | top) & GRANULE_MASK || !rd_ipa_protected(rd, base) ||
	    !rd_ipa_protected(rd, top - GRANULE_SIZE))
		return;
	if (rd->state != REALM_NEW) {
		res->x[0] = RMI_RET(RMI_ERROR_REALM, 0);
		return;
	}
	if (!ripas_walk(rmm, rd, base, &w, res))
		return;
	size = rtt_level_size(w.level);
	addr = base;
	for (unsigned i = w.index; i < w.nentries && addr + size <= top; i++, addr += size) {
		uint64_t e = w.table[i];

		if (s2tte_hipas(e) != HIPAS_UNASSIGNED ||
		    (s2tte_ripas(e) != RMI_EMPTY && s2tte_ripas(e) != RMI_RAM))
			break;
		w.table[i] = s2tte_unassigned(RMI_RAM);
		/* One descriptor per entry: the RIM depends on the RTT levels. */
		measurement_extend_ripas(rd, addr, addr + size);
	}
	if (addr == base) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		return;
	}
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = addr;
}

/* Change the RIPAS of entry @e to @ripas; false if the walk must stop at it. */
static bool ripas_change(uint64_t *e, unsigned ripas, bool change_destroyed, int level)
{
	unsigned h = s2tte_hipas(*e), cur = s2tte_ripas(*e);

	if (h != HIPAS_UNASSIGNED && h != HIPAS_ASSIGNED)
		return false;
	if (cur == ripas)
		return true;
	if (cur == RMI_DESTROYED && !change_destroyed)
		return false;
	*e = h == HIPAS_UNASSIGNED ? s2tte_unassigned(ripas)
				   : s2tte_assigned(s2tte_pa(*e), ripas, level);
	return true;
}

void smc_rtt_set_ripas(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t rd_pa = x[0], rec_pa = x[1], base = x[2], top = x[3];
	uint64_t owner, req_addr, req_top, addr, size;
	struct granule *g_rec;
	bool change_destroyed;
	unsigned ripas;
	struct rtt_walk w;
	struct rd *rd;

	res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
	if (top <= base)
		return;
	rd = rd_find(rmm, rd_pa);
	g_rec = granule_find(rmm, rec_pa, GRANULE_REC);
	if (!rd || !g_rec)
		return;
	if (g_rec->refcount) {
		res->x[0] = RMI_RET(RMI_ERROR_REC, 0);
		return;
	}
	/*
	 * Only a realm's RSI_IPA_STATE_SET creates a request; until one is
	 * pending, base never matches and the call fails with ERROR_INPUT.
	 */
	if (!rec_ripas_request(rmm, rec_pa, &owner, &req_addr, &req_top, &ripas,
			       &change_destroyed))
		req_addr = req_top = 0;
	if (owner != rd_pa) {
		res->x[0] = RMI_RET(RMI_ERROR_REC, 0);
		return;
	}
	if (base != req_addr || top > req_top)
		return;
	if (!ripas_walk(rmm, rd, base, &w, res))
		return;
	size = rtt_level_size(w.level);
	addr = base;
	for (unsigned i = w.index; i < w.nentries && addr + size <= top; i++, addr += size) {
		if (!ripas_change(&w.table[i], ripas, change_destroyed, w.level))
			break;
	}
	if (addr == base) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		return;
	}
	rec_ripas_progress(rmm, rec_pa, addr);
	/* Memory that was RAM may not be: running RECs of the realm look again. */
	s2_shootdown(rmm, rd_pa, base, addr);
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = addr;
}
