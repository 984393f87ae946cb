// SPDX-License-Identifier: MIT
/* The RMM's SMC boundary: construction, VERSION, FEATURES and dispatch. */
#include <stdlib.h>
#include <string.h>

#include "rmm/internal.h"

void rmm_platform_default(struct rmm_platform *plat)
{
	memset(plat, 0, sizeof(*plat));
	plat->max_ipa_bits = 48;
	plat->num_bps = 6;
	plat->num_wps = 4;
	plat->sha256 = true;
	plat->sha512 = true;
}

struct rmm *rmm_create(struct pas *pas, const struct rmm_platform *plat)
{
	struct rmm *rmm = calloc(1, sizeof(*rmm));

	if (!rmm)
		return NULL;
	rmm->pas = pas;
	if (plat)
		rmm->plat = *plat;
	else
		rmm_platform_default(&rmm->plat);
	/* Without a platform given, attest_boot.c makes the default one. */
	if (rmm->plat.attest) {
		rmm->attest_plat = *rmm->plat.attest;
		EVP_PKEY_up_ref(rmm->attest_plat.cpak);
	}
	rmm->plat.attest = NULL; /* rmm->attest_plat is the RMM's own copy */
	{
		/*
		 * Held for short stretches by every vCPU thread: spin a little
		 * before sleeping (a futex sleep and wake-up costs more than a
		 * whole RSI call on a paravirtualised host).
		 */
		pthread_mutexattr_t a;

		pthread_mutexattr_init(&a);
		pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ADAPTIVE_NP);
		pthread_mutex_init(&rmm->lock, &a);
		pthread_mutexattr_destroy(&a);
	}
	measurement_prefetch();
	rmm->ngranules = pas_granule_count(pas);
	rmm->granules = calloc(rmm->ngranules, sizeof(*rmm->granules));
	if (!rmm->granules || (rmm->plat.rmi_v2 && v2_init(rmm) < 0)) {
		measurement_prefetch_wait();
		att_platform_free(&rmm->attest_plat);
		free(rmm->granules);
		free(rmm);
		return NULL;
	}
	return rmm;
}

void rmm_destroy(struct rmm *rmm)
{
	if (!rmm)
		return;
	run_stop_ticker(rmm);
	rimq_destroy(rmm);
	/* RECs the host never destroyed still own their PEs (every PE is on rmm->recs). */
	while (rmm->recs)
		rec_rt_free(rmm->recs);
	v2_fini(rmm);
	measurement_prefetch_wait();
	pe_pool_fini(rmm);
	attest_boot_fini(rmm);
	pthread_mutex_destroy(&rmm->lock);
	free(rmm->granules);
	free(rmm);
}

void smc_version(struct rmm *rmm, uint64_t req, struct smc_result *res)
{
	(void)rmm;
	/* One version implemented: lower and higher are both 1.0. */
	res->x[0] = RMI_RET(req == RMI_ABI_VERSION ? RMI_SUCCESS : RMI_ERROR_INPUT, 0);
	res->x[1] = RMI_ABI_VERSION;
	res->x[2] = RMI_ABI_VERSION;
}

void smc_features(struct rmm *rmm, uint64_t index, struct smc_result *res)
{
	const struct rmm_platform *p = &rmm->plat;
	uint64_t r = 0;

	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	if (index != 0) {
		res->x[1] = 0;
		return;
	}
	r |= (uint64_t)p->max_ipa_bits << RMI_FEATURE_REGISTER_0_S2SZ_SHIFT;
	r |= (uint64_t)p->lpa2 << RMI_FEATURE_REGISTER_0_LPA2_SHIFT;
	r |= (uint64_t)p->sve << RMI_FEATURE_REGISTER_0_SVE_EN_SHIFT;
	r |= (uint64_t)(p->sve ? p->sve_max_vl : 0) << RMI_FEATURE_REGISTER_0_SVE_VL_SHIFT;
	r |= (uint64_t)(p->num_bps - 1) << RMI_FEATURE_REGISTER_0_NUM_BPS_SHIFT;
	r |= (uint64_t)(p->num_wps - 1) << RMI_FEATURE_REGISTER_0_NUM_WPS_SHIFT;
	r |= (uint64_t)p->pmu << RMI_FEATURE_REGISTER_0_PMU_EN_SHIFT;
	r |= (uint64_t)(p->pmu ? p->pmu_num_ctrs : 0) << RMI_FEATURE_REGISTER_0_PMU_NUM_CTRS_SHIFT;
	r |= (uint64_t)p->sha256 << RMI_FEATURE_REGISTER_0_HASH_SHA_256_SHIFT;
	r |= (uint64_t)p->sha512 << RMI_FEATURE_REGISTER_0_HASH_SHA_512_SHIFT;
	r |= (uint64_t)(RMM_GIC_NUM_LRS - 1) << RMI_FEATURE_REGISTER_0_GICV3_NUM_LRS_SHIFT;
	r |= (uint64_t)RMM_MAX_RECS_ORDER << RMI_FEATURE_REGISTER_0_MAX_RECS_ORDER_SHIFT;
	res->x[1] = r;
}

void rmm_smc(struct rmm *rmm, const struct smc_args *a, struct smc_result *res)
{
	const uint64_t *x = a->x;

	memset(res, 0, sizeof(*res));
	pthread_mutex_lock(&rmm->lock);
	/* Queued DATA measurements reach the RIM before any command could see it. */
	if (!rimq_smc_keeps(a->fid))
		rimq_flush(rmm);
	if (rmm->plat.rmi_v2) {
		v2_smc(rmm, a, res); /* RMI 2.0: v2_smc.c */
		pthread_mutex_unlock(&rmm->lock);
		return;
	}
	switch (a->fid) {
	case RMI_VERSION:
		smc_version(rmm, x[0], res);
		break;
	case RMI_FEATURES:
		smc_features(rmm, x[0], res);
		break;
	case RMI_GRANULE_DELEGATE:
		res->x[0] = smc_granule_delegate(rmm, x[0]);
		break;
	case RMI_GRANULE_UNDELEGATE:
		res->x[0] = smc_granule_undelegate(rmm, x[0]);
		break;
	case RMI_REALM_CREATE:
		res->x[0] = smc_realm_create(rmm, x[0], x[1]);
		break;
	case RMI_REALM_ACTIVATE:
		res->x[0] = smc_realm_activate(rmm, x[0]);
		break;
	case RMI_REALM_DESTROY:
		res->x[0] = smc_realm_destroy(rmm, x[0]);
		break;
	case RMI_REC_AUX_COUNT:
		smc_rec_aux_count(rmm, x[0], res);
		break;
	case RMI_REC_CREATE:
		res->x[0] = smc_rec_create(rmm, x[0], x[1], x[2]);
		break;
	case RMI_REC_DESTROY:
		res->x[0] = smc_rec_destroy(rmm, x[0]);
		break;
	case RMI_REC_ENTER:
		res->x[0] = smc_rec_enter(rmm, x[0], x[1]);
		break;
	case RMI_PSCI_COMPLETE:
		res->x[0] = smc_psci_complete(rmm, x[0], x[1], x[2]);
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
	case RMI_RTT_MAP_UNPROTECTED:
		smc_rtt_map_unprotected(rmm, x, res);
		break;
	case RMI_RTT_UNMAP_UNPROTECTED:
		smc_rtt_unmap_unprotected(rmm, x, res);
		break;
	case RMI_RTT_INIT_RIPAS:
		smc_rtt_init_ripas(rmm, x, res);
		break;
	case RMI_RTT_SET_RIPAS:
		smc_rtt_set_ripas(rmm, x, res);
		break;
	case RMI_DATA_CREATE:
		smc_data_create(rmm, x, res);
		break;
	case RMI_DATA_CREATE_UNKNOWN:
		smc_data_create_unknown(rmm, x, res);
		break;
	case RMI_DATA_DESTROY:
		smc_data_destroy(rmm, x, res);
		break;
	default:
		/* SMCCC: unknown function identifier. */
		res->x[0] = (uint64_t)-1;
		break;
	}
	pthread_mutex_unlock(&rmm->lock);
}

uint64_t rmm_call(struct rmm *rmm, uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
		  uint64_t x4, uint64_t x5, struct smc_result *res)
{
	struct smc_args a = { .fid = fid, .x = { x1, x2, x3, x4, x5, 0 } };
	struct smc_result r;

	rmm_smc(rmm, &a, res ? res : &r);
	return res ? res->x[0] : r.x[0];
}
