// SPDX-License-Identifier: MIT
/*
 * Realms: REALM_CREATE, REALM_ACTIVATE, REALM_DESTROY.  The realm
 * descriptor lives in the RD granule; its starting RTTs are the
 * rtt_num_start granules from rtt_base.
 */
#include <string.h>

#include "rmm/internal.h"

struct rd *rd_map(struct rmm *rmm, struct granule *g_rd)
{
	return granule_map(rmm, granule_pa(rmm, g_rd));
}

struct rd *rd_find(struct rmm *rmm, uint64_t rd_pa)
{
	struct granule *g = granule_find(rmm, rd_pa, GRANULE_RD);

	return g ? rd_map(rmm, g) : NULL;
}

bool vmid_reserve(struct rmm *rmm, uint64_t vmid)
{
	uint8_t bit = (uint8_t)(1U << (vmid % 8));

	if (vmid >= RMM_VMID_COUNT || (rmm->vmids[vmid / 8] & bit))
		return false;
	rmm->vmids[vmid / 8] |= bit;
	return true;
}

void vmid_release(struct rmm *rmm, uint64_t vmid)
{
	rmm->vmids[vmid / 8] &= (uint8_t) ~(1U << (vmid % 8));
}

/*
 * The realm parameters as the RMM reads them: each field has its specified
 * width inside its 64-bit slot, and higher bits are ignored.
 */
static void params_read(const struct rmi_realm_params *p, struct rd *rd, uint64_t *num_start)
{
	rd->flags = p->flags & (RMI_REALM_FLAGS_LPA2 | RMI_REALM_FLAGS_SVE | RMI_REALM_FLAGS_PMU);
	rd->s2sz = (uint32_t)p->s2sz;
	rd->sve_vl = (uint32_t)p->sve_vl;
	rd->num_bps = (uint32_t)p->num_bps;
	rd->num_wps = (uint32_t)p->num_wps;
	rd->pmu_num_ctrs = (uint32_t)p->pmu_num_ctrs;
	rd->hash_algo = (uint8_t)p->hash_algo;
	memcpy(rd->rpv, p->rpv, sizeof(rd->rpv));
	rd->vmid = (uint16_t)p->vmid;
	rd->rtt_base = p->rtt_base;
	rd->rtt_level_start = p->rtt_level_start;
	*num_start = (uint32_t)p->rtt_num_start;
	rd->rtt_num_start = *num_start;
}

/*
 * Is (s2sz, starting level, number of starting RTTs) a valid 4 KiB-granule
 * stage-2 geometry?  A level-L table resolves 9 bits above the 12 + 9(3-L)
 * bits below it; up to 16 tables may be concatenated at the starting level
 * (not at level 0 without LPA2, nor beyond 52 bits).
 */
static bool rtt_geometry_ok(const struct rmm *rmm, const struct rd *rd, uint64_t num_start)
{
	bool lpa2 = rd->flags & RMI_REALM_FLAGS_LPA2;
	int64_t level = rd->rtt_level_start;
	uint64_t lowest, highest, table_bits;

	if (rd->s2sz < 32 || rd->s2sz > (lpa2 ? 52U : 48U))
		return false;
	if (level < (lpa2 ? -1 : 0) || level > 3)
		return false;
	if (level == 0 && rmm->plat.max_ipa_bits < 44)
		return false;
	lowest = (uint64_t)(3 - level) * 9 + 13;
	highest = lowest + 8;
	if (level == -1)
		highest = lowest + 3;
	else if (level > 0 || lpa2)
		highest += 4;
	if (rd->s2sz < lowest || rd->s2sz > highest)
		return false;
	table_bits = (uint64_t)(3 - level) * 9 + 21;
	return num_start == (rd->s2sz > table_bits ? 1UL << (rd->s2sz - table_bits) : 1);
}

/* The checks on the parameter values, in the order the RMM makes them. */
bool realm_params_valid(struct rmm *rmm, const struct rd *rd, uint64_t num_start)
{
	const struct rmm_platform *plat = &rmm->plat;

	if ((rd->flags & RMI_REALM_FLAGS_LPA2) && !plat->lpa2)
		return false;
	if (rd->s2sz < 32 || rd->s2sz > plat->max_ipa_bits)
		return false;
	/* Counts are encoded minus one, as in RMI_FEATURES; 0 is reserved. */
	if (!rd->num_bps || rd->num_bps > plat->num_bps - 1 || !rd->num_wps ||
	    rd->num_wps > plat->num_wps - 1)
		return false;
	if ((rd->flags & RMI_REALM_FLAGS_SVE) && (!plat->sve || rd->sve_vl > plat->sve_max_vl))
		return false;
	if ((rd->flags & RMI_REALM_FLAGS_PMU) &&
	    (!plat->pmu || rd->pmu_num_ctrs > plat->pmu_num_ctrs || !rd->pmu_num_ctrs))
		return false;
	if (!rtt_geometry_ok(rmm, rd, num_start))
		return false;
	if (rd->hash_algo != RMI_HASH_SHA_256 && rd->hash_algo != RMI_HASH_SHA_512)
		return false;
	if (rd->hash_algo == RMI_HASH_SHA_512 && !plat->sha512)
		return false;
	return true;
}

/* Write the starting RTTs: protected half UNASSIGNED/EMPTY, the rest UNASSIGNED_NS. */
void realm_init_root_rtts(struct rmm *rmm, const struct rd *rd)
{
	uint64_t size = rtt_level_size((int)rd->rtt_level_start);
	uint64_t n = (1UL << rd->s2sz) / size;
	uint64_t *t = granule_map(rmm, rd->rtt_base);

	for (uint64_t i = 0; i < n; i++)
		t[i] = rd_ipa_protected(rd, i * size) ? s2tte_unassigned(RMI_EMPTY)
						      : s2tte_unassigned_ns();
}

uint64_t smc_realm_create(struct rmm *rmm, uint64_t rd_pa, uint64_t params_pa)
{
	struct rmi_realm_params p;
	struct rd tmp;
	struct granule *g_rd;
	uint64_t num_start;

	if (!ns_granule_read(rmm, params_pa, &p))
		return RMI_RET(RMI_ERROR_INPUT, 0);
	memset(&tmp, 0, sizeof(tmp));
	params_read(&p, &tmp, &num_start);
	if (!realm_params_valid(rmm, &tmp, num_start) || !vmid_reserve(rmm, tmp.vmid))
		return RMI_RET(RMI_ERROR_INPUT, 0);

	/* rd must not be one of the starting RTTs, and all of them must be DELEGATED. */
	g_rd = granule_find(rmm, rd_pa, GRANULE_DELEGATED);
	if ((rd_pa >= tmp.rtt_base && rd_pa - tmp.rtt_base < num_start * GRANULE_SIZE) || !g_rd)
		goto fail;
	for (uint64_t i = 0; i < num_start; i++)
		if (!granule_find(rmm, tmp.rtt_base + i * GRANULE_SIZE, GRANULE_DELEGATED))
			goto fail;

	for (uint64_t i = 0; i < num_start; i++)
		granule_set_state(granule_at(rmm, tmp.rtt_base + i * GRANULE_SIZE), GRANULE_RTT);
	granule_set_state(g_rd, GRANULE_RD);
	tmp.state = REALM_NEW;
	measurement_realm_params(&tmp);
	memcpy(rd_map(rmm, g_rd), &tmp, sizeof(tmp));
	realm_init_root_rtts(rmm, &tmp);
	run_prepare_pe(rmm); /* its first REC will want a PE (pe_pool.c) */
	return RMI_RET(RMI_SUCCESS, 0);
fail:
	vmid_release(rmm, tmp.vmid);
	return RMI_RET(RMI_ERROR_INPUT, 0);
}

uint64_t smc_realm_activate(struct rmm *rmm, uint64_t rd_pa)
{
	struct granule *g_rd = granule_find(rmm, rd_pa, GRANULE_RD);
	struct rd *rd;

	if (!g_rd)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	rd = rd_map(rmm, g_rd);
	if (rd->state != REALM_NEW)
		return RMI_RET(RMI_ERROR_REALM, 0);
	rd->state = REALM_ACTIVE;
	/* From here a REC may ask for a token: make the keys while the realm boots. */
	if (rmm->plat.prepare_ahead)
		attest_boot_start(rmm);
	return RMI_RET(RMI_SUCCESS, 0);
}

uint64_t smc_realm_destroy(struct rmm *rmm, uint64_t rd_pa)
{
	struct granule *g_rd = granule_find(rmm, rd_pa, GRANULE_RD);
	struct rd *rd;
	uint64_t live = 0;

	if (!g_rd)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	if (g_rd->refcount) /* RECs still exist */
		return RMI_RET(RMI_ERROR_REALM, 0);
	rd = rd_map(rmm, g_rd);
	for (uint64_t i = 0; i < rd->rtt_num_start; i++)
		live += granule_at(rmm, rd->rtt_base + i * GRANULE_SIZE)->refcount;
	if (live)
		return RMI_RET(RMI_ERROR_REALM, 0);

	vmid_release(rmm, rd->vmid);
	for (uint64_t i = 0; i < rd->rtt_num_start; i++) {
		struct granule *g = granule_at(rmm, rd->rtt_base + i * GRANULE_SIZE);

		granule_release(rmm, g);
	}
	granule_release(rmm, g_rd);
	return RMI_RET(RMI_SUCCESS, 0);
}
