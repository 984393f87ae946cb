// SPDX-License-Identifier: MIT
/*
 * The RMM in RMI 2.0 mode (rmm_platform.rmi_v2): the SMC dispatch, the
 * global commands (VERSION, FEATURES, RMM_CONFIG_SET/GET, RMM_ACTIVATE,
 * GRANULE_TRACKING_GET, GPT_L1_CREATE), the granule range commands and
 * the REC_ENTER boundary.  The commands 2.0 keeps from 1.0 with the same
 * shape run the 1.0 code; docs/RMM2.md lists which is which.
 */
#include <string.h>

#include "hw/ich.h"
#include "rmm/internal.h"

#define L0GPT_SIZE (1UL << 30) /* FEATURES(1).L0GPTSZ = 30 bits */
#define PA_BITS    48

static void v2_version(uint64_t req, struct smc_result *res)
{
	res->x[0] = RMI_RET(req == RMI2_ABI_VERSION ? RMI_SUCCESS : RMI_ERROR_INPUT, 0);
	res->x[1] = RMI2_ABI_VERSION;
	res->x[2] = RMI2_ABI_VERSION;
}

static void v2_features(struct rmm *rmm, uint64_t index, struct smc_result *res)
{
	const struct rmm_platform *p = &rmm->plat;
	uint64_t r = 0;

	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	if (index == 0) {
		r |= (uint64_t)p->max_ipa_bits << RMI_FEATURE_REGISTER_0_S2SZ_SHIFT;
		r |= (uint64_t)p->lpa2 << RMI_FEATURE_REGISTER_0_LPA2_SHIFT;
		r |= (uint64_t)p->sve << RMI_FEATURE_REGISTER_0_SVE_EN_SHIFT;
		r |= (uint64_t)(p->sve ? p->sve_max_vl : 0) << RMI_FEATURE_REGISTER_0_SVE_VL_SHIFT;
		r |= (uint64_t)(p->num_bps - 1) << RMI_FEATURE_REGISTER_0_NUM_BPS_SHIFT;
		r |= (uint64_t)(p->num_wps - 1) << RMI_FEATURE_REGISTER_0_NUM_WPS_SHIFT;
		r |= (uint64_t)p->pmu << RMI_FEATURE_REGISTER_0_PMU_EN_SHIFT;
		r |= (uint64_t)(p->pmu ? p->pmu_num_ctrs : 0)
		     << RMI_FEATURE_REGISTER_0_PMU_NUM_CTRS_SHIFT;
	} else if (index == 1) {
		r |= 1UL << RMI2_FEATURE_REGISTER_1_GRAN_4K_SHIFT;
		r |= (uint64_t)p->sha256 << RMI2_FEATURE_REGISTER_1_SHA_256_SHIFT;
		r |= (uint64_t)p->sha512 << RMI2_FEATURE_REGISTER_1_SHA_512_SHIFT;
		r |= (uint64_t)RMM_MAX_RECS_ORDER << RMI2_FEATURE_REGISTER_1_MAX_RECS_ORDER_SHIFT;
		r |= RMI2_L0GPTSZ_30BITS << RMI2_FEATURE_REGISTER_1_L0GPTSZ_SHIFT;
		r |= RMI2_PPS_48BITS << RMI2_FEATURE_REGISTER_1_PPS_SHIFT;
	}
	/* Registers 2..4 (device assignment, planes, MEC): nothing implemented, all zero. */
	res->x[1] = r;
}

/* The NS granule at @pa the host names for a configuration page. */
static bool config_page_ok(struct rmm *rmm, uint64_t pa)
{
	return pa && !(pa & GRANULE_MASK) && granule_find(rmm, pa, GRANULE_UNDELEGATED);
}

static uint64_t v2_config_set(struct rmm *rmm, uint64_t pa)
{
	struct rmi2_rmm_config cfg;

	if (!config_page_ok(rmm, pa) || !ns_granule_read(rmm, pa, &cfg))
		return RMI_RET(RMI_ERROR_INPUT, 0);
	/* Only 4 KiB RMI granules and 1 GiB tracking regions (as TF-RMM). */
	if (cfg.rmi_granule_size != 0 || cfg.tracking_region_size != 0)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	return RMI_RET(RMI_SUCCESS, 0);
}

static uint64_t v2_config_get(struct rmm *rmm, uint64_t pa)
{
	static const struct rmi2_rmm_config cfg; /* 4 KiB granules, 1 GiB tracking regions */

	if (!config_page_ok(rmm, pa) || !ns_granule_write(rmm, pa, &cfg, sizeof(cfg)))
		return RMI_RET(RMI_ERROR_INPUT, 0);
	return RMI_RET(RMI_SUCCESS, 0);
}

static void v2_tracking_get(struct rmm *rmm, uint64_t start, uint64_t end,
			    struct smc_result *res)
{
	uint64_t max_pa = (1UL << PA_BITS) - 1;

	res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
	if (start > max_pa || end > max_pa || start > end || end - start < GRANULE_SIZE ||
	    ((start | end) & GRANULE_MASK))
		return;
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = RMI2_MEM_CATEGORY_CONVENTIONAL;
	/* DRAM is tracked granule by granule; anything else is not tracked. */
	res->x[2] = pas_in_dram(rmm->pas, start, GRANULE_SIZE) ? RMI2_TRACKING_FINE
							      : RMI2_TRACKING_NONE;
	res->x[3] = end;
}

static uint64_t v2_gpt_l1_create(uint64_t addr)
{
	if (addr & (L0GPT_SIZE - 1))
		return RMI_RET(RMI_ERROR_INPUT, 0);
	/* The simulated GPT has its level-1 tables from boot, as TF-RMM's static GPT. */
	return RMI_RET(RMI2_ERROR_GPT, 0);
}

/*
 * GRANULE_RANGE_(UN)DELEGATE(base, top): move granules from @base upwards
 * until @top, a granule in the wrong state, or the per-call budget.  x1 is
 * where it stopped (out_top); no progress at all is ERROR_INPUT, x1 = base.
 */
static void v2_range(struct rmm *rmm, uint64_t base, uint64_t top, bool delegate,
		     struct smc_result *res)
{
	uint64_t pa = base, n = 0;

	res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
	res->x[1] = base;
	if ((base | top) & GRANULE_MASK || top <= base)
		return;
	/* The run in the right state moves as one GPT change; the rest granule by granule. */
	n = granule_range_transition(rmm, base, top, RMM_RANGE_BUDGET, delegate);
	pa = base + (n << GRANULE_SHIFT);
	while (pa < top && n < RMM_RANGE_BUDGET) {
		uint64_t r = delegate ? smc_granule_delegate(rmm, pa)
				      : smc_granule_undelegate(rmm, pa);

		if (r != RMI_RET(RMI_SUCCESS, 0))
			break;
		pa += GRANULE_SIZE;
		n++;
	}
	if (!n)
		return;
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = pa;
}

/* REC_ENTER: a REC of a ZOMBIE realm may not run; the rest is the 1.0 path (run.c). */
static uint64_t v2_rec_enter(struct rmm *rmm, uint64_t rec_pa, uint64_t run_pa)
{
	struct granule *g_rec = granule_find(rmm, rec_pa, GRANULE_REC);

	if (granule_find(rmm, run_pa, GRANULE_UNDELEGATED) && g_rec && !g_rec->refcount) {
		struct rd *rd = rd_find(rmm, rec_map(rmm, rec_pa)->rd);

		if (rd && rd->state == REALM_ZOMBIE)
			return RMI_RET(RMI_ERROR_REALM, 0);
	}
	return smc_rec_enter(rmm, rec_pa, run_pa);
}

/*
 * RecRun 2.0 has no GIC fields: the entry's bytes from 0x300 are padding and
 * are not interpreted; the exit's 0x300..0x3ff are zero and plane is 0.  The
 * virtual interrupts travel in the PE's ICH_*_EL2 registers instead
 * (hw/ich.h; gic_entry_pe() / gic_exit_pe()).
 */
void v2_run_entry_in(struct rmi_rec_run *run)
{
	run->enter.gicv3_hcr = 0;
	memset(run->enter.gicv3_lrs, 0, sizeof(run->enter.gicv3_lrs));
}

void v2_run_exit_out(struct rmi_rec_exit *exit)
{
	struct rmi2_rec_exit *x2 = (struct rmi2_rec_exit *)exit;

	RK_STATIC_ASSERT(sizeof(struct rmi2_rec_exit) == sizeof(struct rmi_rec_exit), "same size");
	exit->gicv3_hcr = 0;
	memset(exit->gicv3_lrs, 0, sizeof(exit->gicv3_lrs));
	exit->gicv3_misr = 0;
	exit->gicv3_vmcr = 0;
	x2->plane = 0;
}

/* Which commands RMM_ACTIVATE gates (ERROR_GLOBAL): all but these. */
static bool allowed_before_activate(uint64_t fid)
{
	return fid == RMI_VERSION || fid == RMI_FEATURES || fid == RMI2_RMM_CONFIG_GET ||
	       fid == RMI2_GRANULE_TRACKING_GET || fid == RMI2_RMM_CONFIG_SET ||
	       fid == RMI2_RMM_ACTIVATE;
}

static bool known_fid(uint64_t fid)
{
	switch (fid) {
	case RMI_VERSION: case RMI_FEATURES: case RMI2_RMM_CONFIG_SET: case RMI2_RMM_CONFIG_GET:
	case RMI2_RMM_ACTIVATE: case RMI2_GRANULE_TRACKING_GET: case RMI2_GPT_L1_CREATE:
	case RMI2_GRANULE_RANGE_DELEGATE: case RMI2_GRANULE_RANGE_UNDELEGATE:
	case RMI2_RTT_DATA_MAP_INIT: case RMI2_RTT_DATA_MAP: case RMI2_RTT_DATA_UNMAP:
	case RMI2_RTT_UNPROT_MAP: case RMI2_RTT_UNPROT_UNMAP: case RMI_RTT_CREATE:
	case RMI_RTT_DESTROY: case RMI_RTT_FOLD: case RMI_RTT_READ_ENTRY:
	case RMI_RTT_INIT_RIPAS: case RMI_RTT_SET_RIPAS: case RMI_REALM_CREATE:
	case RMI_REALM_ACTIVATE: case RMI2_REALM_TERMINATE: case RMI_REALM_DESTROY:
	case RMI_REC_CREATE: case RMI_REC_DESTROY: case RMI_REC_ENTER: case RMI_PSCI_COMPLETE:
	case RMI2_OP_CONTINUE: case RMI2_OP_MEM_DONATE: case RMI2_OP_MEM_RECLAIM:
	case RMI2_OP_CANCEL:
		return true;
	default:
		return false;
	}
}

void v2_smc(struct rmm *rmm, const struct smc_args *a, struct smc_result *res)
{
	const uint64_t *x = a->x;

	if (!known_fid(a->fid)) {
		res->x[0] = (uint64_t)-1; /* SMCCC: unknown function (the 1.0-only commands too) */
		return;
	}
	if (rmm->v2_active ? (a->fid == RMI2_RMM_CONFIG_SET || a->fid == RMI2_RMM_ACTIVATE)
			   : !allowed_before_activate(a->fid)) {
		res->x[0] = RMI_RET(RMI2_ERROR_GLOBAL, 0);
		return;
	}
	switch (a->fid) {
	case RMI_VERSION:
		v2_version(x[0], res);
		break;
	case RMI_FEATURES:
		v2_features(rmm, x[0], res);
		break;
	case RMI2_RMM_CONFIG_SET:
		res->x[0] = v2_config_set(rmm, x[0]);
		break;
	case RMI2_RMM_CONFIG_GET:
		res->x[0] = v2_config_get(rmm, x[0]);
		break;
	case RMI2_RMM_ACTIVATE:
		rmm->v2_active = true;
		res->x[0] = RMI_RET(RMI_SUCCESS, 0);
		break;
	case RMI2_GRANULE_TRACKING_GET:
		v2_tracking_get(rmm, x[0], x[1], res);
		break;
	case RMI2_GPT_L1_CREATE:
		res->x[0] = v2_gpt_l1_create(x[0]);
		break;
	case RMI2_GRANULE_RANGE_DELEGATE:
		v2_range(rmm, x[0], x[1], true, res);
		break;
	case RMI2_GRANULE_RANGE_UNDELEGATE:
		v2_range(rmm, x[0], x[1], false, res);
		break;
	case RMI2_RTT_DATA_MAP_INIT:
		smc_data_create(rmm, x, res); /* DATA_CREATE's inputs, checks and measurement */
		break;
	case RMI2_RTT_DATA_MAP:
		v2_rtt_data_map(rmm, x, res);
		break;
	case RMI2_RTT_DATA_UNMAP:
		v2_rtt_data_unmap(rmm, x, res);
		break;
	case RMI2_RTT_UNPROT_MAP:
		v2_rtt_unprot_map(rmm, x, res);
		break;
	case RMI2_RTT_UNPROT_UNMAP:
		v2_rtt_unprot_unmap(rmm, x, res);
		break;
	case RMI_RTT_CREATE:
		smc_rtt_create(rmm, x, res);
		break;
	case RMI_RTT_DESTROY:
		smc_rtt_destroy(rmm, x, res);
		break;
	case RMI_RTT_FOLD:
		smc_rtt_fold(rmm, x, res);
		break;
	case RMI_RTT_READ_ENTRY:
		smc_rtt_read_entry(rmm, x, res);
		break;
	case RMI_RTT_INIT_RIPAS:
		v2_rtt_init_ripas(rmm, x, res);
		break;
	case RMI_RTT_SET_RIPAS:
		smc_rtt_set_ripas(rmm, x, res);
		break;
	case RMI_REALM_CREATE:
		v2_realm_create(rmm, x, res);
		break;
	case RMI_REALM_ACTIVATE:
		res->x[0] = smc_realm_activate(rmm, x[0]);
		break;
	case RMI2_REALM_TERMINATE:
		v2_realm_terminate(rmm, x, res);
		break;
	case RMI_REALM_DESTROY:
		v2_realm_destroy(rmm, x, res);
		break;
	case RMI_REC_CREATE:
		sro_rec_create(rmm, x, res);
		break;
	case RMI_REC_DESTROY:
		sro_rec_destroy(rmm, x, res);
		break;
	case RMI_REC_ENTER:
		res->x[0] = v2_rec_enter(rmm, x[0], x[1]);
		break;
	case RMI_PSCI_COMPLETE:
		res->x[0] = smc_psci_complete(rmm, x[0], x[1], x[2]);
		break;
	case RMI2_OP_CONTINUE:
		sro_op_continue(rmm, x, res);
		break;
	case RMI2_OP_MEM_DONATE:
		sro_op_mem_donate(rmm, x, res);
		break;
	case RMI2_OP_MEM_RECLAIM:
		sro_op_mem_reclaim(rmm, x, res);
		break;
	case RMI2_OP_CANCEL:
		sro_op_cancel(rmm, x, res);
		break;
	}
}

/*
 * The vGIC check of REC_ENTER 2.0, on the list registers the host left in the
 * PE (TF-RMM main gic_validate_vgic()): among the LRs whose state is not
 * Invalid, none has HW set and no two name the same vINTID.  ICH_HCR_EL2 is
 * not checked: the host's whole value is used.
 */
bool v2_gic_pe_valid(void)
{
	const struct hw_ich *pe = hw_ich_this_pe();

	for (unsigned i = 0; i < HW_ICH_NUM_LRS; i++) {
		uint64_t lr = pe->lr[i];

		if (!(lr >> ICH_LR_STATE_SHIFT))
			continue;
		if (lr & ICH_LR_HW)
			return false;
		for (unsigned j = i + 1; j < HW_ICH_NUM_LRS; j++)
			if ((pe->lr[j] >> ICH_LR_STATE_SHIFT) &&
			    (uint32_t)pe->lr[j] == (uint32_t)lr)
				return false;
	}
	return true;
}
