// SPDX-License-Identifier: MIT
/*
 * Realm Execution Contexts: REC_AUX_COUNT, REC_CREATE, REC_DESTROY and
 * PSCI_COMPLETE.  A REC lives in its REC granule; its auxiliary granules
 * hold per-REC state the RMM keeps for the realm.  REC_ENTER is in run.c.
 */
#include <string.h>

#include "realmkit/psci.h"
#include "rmm/internal.h"

/* MPIDR affinity fields a REC may use (RmiRecMpidr). */
#define MPIDR_VALID_MASK 0xffffff0fUL

struct rec *rec_map(struct rmm *rmm, uint64_t pa)
{
	return granule_map(rmm, pa);
}

/* Linear REC index of an RmiRecMpidr value (Aff3 in bits [31:24]). */
uint64_t rec_mpidr_index(uint64_t mpidr)
{
	return (mpidr & 0xf) | ((mpidr >> 8) & 0xff) << 4 | ((mpidr >> 16) & 0xff) << 12 |
	       ((mpidr >> 24) & 0xff) << 20;
}

/* Linear REC index of an MPIDR_EL1 value, as a realm passes it to PSCI (Aff3 in [39:32]). */
uint64_t mpidr_el1_index(uint64_t mpidr)
{
	return (mpidr & 0xf) | ((mpidr >> 8) & 0xff) << 4 | ((mpidr >> 16) & 0xff) << 12 |
	       ((mpidr >> 32) & 0xff) << 20;
}

void smc_rec_aux_count(struct rmm *rmm, uint64_t rd, struct smc_result *res)
{
	if (!granule_find(rmm, rd, GRANULE_RD)) {
		res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
		return;
	}
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = RMM_REC_AUX_COUNT;
}

static void aux_release(struct rmm *rmm, const uint64_t *aux, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		struct granule *g = granule_at(rmm, aux[i]);

		granule_release(rmm, g);
	}
}

uint64_t smc_rec_create(struct rmm *rmm, uint64_t rd_pa, uint64_t rec_pa, uint64_t params_pa)
{
	struct rmi_rec_params p;
	struct granule *g_rd, *g_rec;
	struct rd *rd;
	struct rec *rec;
	uint64_t status, i;

	if (!ns_granule_read(rmm, params_pa, &p) || p.num_aux > RMM_REC_AUX_COUNT)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	/* Claim the aux granules in order; a duplicate fails on its second use. */
	for (i = 0; i < p.num_aux; i++) {
		struct granule *g = granule_find(rmm, p.aux[i], GRANULE_DELEGATED);

		if (!g) {
			aux_release(rmm, p.aux, i);
			return RMI_RET(RMI_ERROR_INPUT, 0);
		}
		granule_set_state(g, GRANULE_REC_AUX);
	}
	g_rec = granule_find(rmm, rec_pa, GRANULE_DELEGATED);
	g_rd = granule_find(rmm, rd_pa, GRANULE_RD);
	if (!g_rec || !g_rd) {
		status = RMI_RET(RMI_ERROR_INPUT, 0);
		goto fail;
	}
	rd = rd_map(rmm, g_rd);
	if (g_rd->refcount >= RMM_REFCOUNT_MAX || rd->state != REALM_NEW) {
		status = RMI_RET(RMI_ERROR_REALM, 0);
		goto fail;
	}
	if ((p.mpidr & ~MPIDR_VALID_MASK) || rec_mpidr_index(p.mpidr) != rd->num_recs ||
	    p.num_aux != RMM_REC_AUX_COUNT) {
		status = RMI_RET(RMI_ERROR_INPUT, 0);
		goto fail;
	}

	rec = rec_map(rmm, rec_pa);
	rec->rd = rd_pa;
	rec->rec_idx = rd->num_recs;
	rec->mpidr = p.mpidr;
	rec->runnable = p.flags & RMI_REC_PARAMS_FLAG_RUNNABLE;
	rec->pc = p.pc;
	memcpy(rec->gprs, p.gprs, sizeof(p.gprs));
	rec->last_exit = REC_NO_EXIT;
	rec->num_aux = p.num_aux;
	memcpy(rec->aux, p.aux, sizeof(rec->aux));
	if (rec->runnable)
		measurement_extend_rec(rd, &p);
	granule_set_state(g_rec, GRANULE_REC);
	g_rd->refcount++;
	rd->num_recs++;
	return RMI_RET(RMI_SUCCESS, 0);
fail:
	aux_release(rmm, p.aux, p.num_aux);
	return status;
}

uint64_t smc_rec_destroy(struct rmm *rmm, uint64_t rec_pa)
{
	struct granule *g_rec = granule_find(rmm, rec_pa, GRANULE_REC);
	struct rec *rec;

	if (!g_rec)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	if (g_rec->refcount) /* the REC is running */
		return RMI_RET(RMI_ERROR_REC, 0);
	rec = rec_map(rmm, rec_pa);
	rec_rt_free(rec->rt);
	aux_release(rmm, rec->aux, rec->num_aux);
	granule_find(rmm, rec->rd, GRANULE_RD)->refcount--;
	granule_release(rmm, g_rec);
	return RMI_RET(RMI_SUCCESS, 0);
}

static bool psci_is_cpu_on(uint64_t fid)
{
	return fid == PSCI_CPU_ON_32 || fid == PSCI_CPU_ON_64;
}

uint64_t smc_psci_complete(struct rmm *rmm, uint64_t calling_pa, uint64_t target_pa,
			   uint64_t status)
{
	struct granule *g_call, *g_target;
	struct rec *call, *target;
	uint64_t result, ret = RMI_RET(RMI_SUCCESS, 0);
	bool on;

	if ((calling_pa | target_pa) & GRANULE_MASK)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	g_call = granule_find(rmm, calling_pa, GRANULE_REC);
	g_target = granule_find(rmm, target_pa, GRANULE_REC);
	if (!g_call || !g_target || calling_pa == target_pa || g_call->refcount)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	call = rec_map(rmm, calling_pa);
	target = rec_map(rmm, target_pa);
	if (!call->psci.pending || call->rd != target->rd ||
	    mpidr_el1_index(call->psci.x1) != target->rec_idx)
		return RMI_RET(RMI_ERROR_INPUT, 0);

	on = g_target->refcount || target->runnable;
	if (psci_is_cpu_on(call->psci.fid)) {
		if (status != PSCI_RET_SUCCESS && status != PSCI_RET_DENIED)
			return RMI_RET(RMI_ERROR_INPUT, 0);
		if (on) {
			result = PSCI_RET_ALREADY_ON;
			if (status == PSCI_RET_DENIED)
				ret = RMI_RET(RMI_ERROR_INPUT, 0);
		} else if (status == PSCI_RET_DENIED) {
			result = PSCI_RET_DENIED;
		} else {
			/* x0 = context ID, PC = entry; PSTATE and SCTLR_EL1 reset at entry. */
			target->gprs[0] = call->psci.x3;
			target->pc = call->psci.x2;
			target->runnable = 1;
			target->load_regs |= REC_LOAD_CPU_ON;
			result = PSCI_RET_SUCCESS;
		}
	} else {
		if (status != PSCI_RET_SUCCESS)
			return RMI_RET(RMI_ERROR_INPUT, 0);
		result = on ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF;
	}
	call->gprs[0] = result;
	call->gprs[1] = call->gprs[2] = call->gprs[3] = 0;
	call->load_regs |= REC_LOAD_X0_3;
	call->psci.pending = 0;
	return ret;
}

/* For RTT_SET_RIPAS (ripas.c): the REC's pending RIPAS change request. */
bool rec_ripas_request(struct rmm *rmm, uint64_t rec_pa, uint64_t *rd, uint64_t *addr,
		       uint64_t *top, unsigned *ripas, bool *change_destroyed)
{
	struct rec *rec = rec_map(rmm, rec_pa);

	*rd = rec->rd;
	*addr = rec->ripas_req.addr;
	*top = rec->ripas_req.top;
	*ripas = (unsigned)rec->ripas_req.ripas;
	*change_destroyed = rec->ripas_req.change_destroyed;
	return rec->ripas_req.pending;
}

void rec_ripas_progress(struct rmm *rmm, uint64_t rec_pa, uint64_t addr)
{
	rec_map(rmm, rec_pa)->ripas_req.addr = addr;
}

/* For introspection: the RD that owns a REC, and the REC's aux granules. */
uint64_t rec_owner(struct rmm *rmm, uint64_t rec_pa)
{
	return rec_map(rmm, rec_pa)->rd;
}

unsigned rec_aux(struct rmm *rmm, uint64_t rec_pa, const uint64_t **aux)
{
	struct rec *rec = rec_map(rmm, rec_pa);

	*aux = rec->aux;
	return (unsigned)rec->num_aux;
}
