// SPDX-License-Identifier: MIT
/*
 * Realms in RMI 2.0: REALM_CREATE with the 2.0 parameters (no vmid: the RMM
 * allocates one), REALM_TERMINATE (to ZOMBIE) and REALM_DESTROY (ZOMBIE only).
 * REALM_ACTIVATE is 1.0's.
 */
#include <string.h>

#include <errno.h>
#include <sys/random.h>

#include "rmm/internal.h"

#define FLAGS0_SUPPORTED (RMI2_REALM_FLAGS0_LPA2 | RMI2_REALM_FLAGS0_SVE | RMI2_REALM_FLAGS0_PMU)

static bool vmid_alloc(struct rmm *rmm, uint64_t *vmid)
{
	for (uint64_t v = 0; v < RMM_VMID_COUNT; v++)
		if (vmid_reserve(rmm, v)) {
			*vmid = v;
			return true;
		}
	return false;
}

void v2_realm_create(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t rd_pa = x[0], params_pa = x[1], num_start;
	struct rmi2_realm_params p;
	struct granule *g_rd;
	struct rd tmp;

	res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
	if (!ns_granule_read(rmm, params_pa, &p))
		return;
	memset(&tmp, 0, sizeof(tmp));
	/* Fields keep their specified widths, as in 1.0 (realm.c). */
	tmp.flags = p.flags0;
	tmp.s2sz = (uint32_t)p.s2sz;
	tmp.sve_vl = (uint32_t)p.sve_vl;
	tmp.num_bps = (uint32_t)p.num_bps;
	tmp.num_wps = (uint32_t)p.num_wps;
	tmp.pmu_num_ctrs = (uint32_t)p.pmu_num_ctrs;
	tmp.hash_algo = (uint8_t)p.hash_algo;
	memcpy(tmp.rpv, p.rpv, sizeof(tmp.rpv));
	tmp.rtt_base = p.rtt_base;
	tmp.rtt_level_start = p.rtt_level_start;
	num_start = (uint32_t)p.rtt_num_start;
	tmp.rtt_num_start = num_start;
	/*
	 * Nothing beyond 1.0's realm features is implemented: no device
	 * assignment, MEC, auxiliary planes or indirect S2AP.  Then 1.0's checks.
	 */
	if ((p.flags0 & ~FLAGS0_SUPPORTED) || (uint32_t)p.num_aux_planes || p.flags1)
		return;
	if (!realm_params_valid(rmm, &tmp, num_start))
		return;
	g_rd = granule_find(rmm, rd_pa, GRANULE_DELEGATED);
	if ((rd_pa >= tmp.rtt_base && rd_pa - tmp.rtt_base < num_start * GRANULE_SIZE) || !g_rd)
		return;
	for (uint64_t i = 0; i < num_start; i++)
		if (!granule_find(rmm, tmp.rtt_base + i * GRANULE_SIZE, GRANULE_DELEGATED))
			return;
	/*
	 * The realm instance ID (RMM 2.0 A7.2.3.1.3): a UEID of type RAND, from
	 * a cryptographic-quality source, made once per realm (as TF-RMM does
	 * at REALM_CREATE); the 2.0 realm token reports it.  The source is the
	 * kernel's CSPRNG: OpenSSL's DRBG would cost its first-use set-up (3 to
	 * 4 ms, more than a small realm's whole launch) on the launch path.  No
	 * entropy: ERROR_GLOBAL, as TF-RMM answers.
	 */
	tmp.inst_id[0] = 0x01;
	{
		ssize_t n;

		do /* a signal before any byte: ask again */
			n = getrandom(tmp.inst_id + 1, ATT_REALM_INST_ID_SIZE - 1, 0);
		while (n < 0 && errno == EINTR);
		if (n != ATT_REALM_INST_ID_SIZE - 1) {
			res->x[0] = RMI_RET(RMI2_ERROR_GLOBAL, 0);
			return;
		}
	}
	if (!vmid_alloc(rmm, &tmp.vmid))
		return;
	for (uint64_t i = 0; i < num_start; i++) {
		struct granule *g = granule_at(rmm, tmp.rtt_base + i * GRANULE_SIZE);

		/* A small IPA space fills only the first entries of its root RTT. */
		granule_claim(rmm, g);
		granule_set_state(g, GRANULE_RTT);
	}
	granule_claim(rmm, g_rd);
	granule_set_state(g_rd, GRANULE_RD);
	tmp.state = REALM_NEW;
	/* The RIM starts from the same measured fields at the same offsets as in 1.0. */
	measurement_realm_params(&tmp);
	memcpy(rd_map(rmm, g_rd), &tmp, sizeof(tmp));
	realm_init_root_rtts(rmm, &tmp);
	run_prepare_pe(rmm); /* its first REC will want a PE (pe_pool.c) */
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
}

void v2_realm_terminate(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	struct rd *rd = rd_find(rmm, x[0]);

	if (!rd) {
		res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
		return;
	}
	if (rmm_realm_running(rmm, x[0])) {
		res->x[0] = RMI_RET(RMI_ERROR_REALM, 0);
		return;
	}
	rd->state = REALM_ZOMBIE;
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
}

void v2_realm_destroy(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	struct granule *g_rd = granule_find(rmm, x[0], GRANULE_RD);

	/* As TF-RMM: the RECs first (1.0's check), then ZOMBIE, then the live entries. */
	if (g_rd && !g_rd->refcount && rd_map(rmm, g_rd)->state != REALM_ZOMBIE) {
		res->x[0] = RMI_RET(RMI_ERROR_REALM, 0);
		return;
	}
	res->x[0] = smc_realm_destroy(rmm, x[0]);
}
