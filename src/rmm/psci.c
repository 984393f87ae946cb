// SPDX-License-Identifier: MIT
/*
 * PSCI 1.1 and SMCCC calls from a realm, as the RMM splits them with the
 * host (DEN0137 1.0 "PSCI"): VERSION, FEATURES and the SMCCC queries are
 * answered here; CPU_ON, AFFINITY_INFO, CPU_OFF, CPU_SUSPEND, SYSTEM_OFF and
 * SYSTEM_RESET are checked here and exit to the host as RMI_EXIT_PSCI.
 * CPU_ON and AFFINITY_INFO then wait for the host's RMI_PSCI_COMPLETE.
 */
#include "realmkit/psci.h"
#include "rmm/run.h"

/* The PSCI function ranges (SMC32 and SMC64), and SMCCC_VERSION. */
bool psci_is_psci(uint64_t fid)
{
	return (fid >= 0x84000000UL && fid <= 0x84000014UL) ||
	       (fid >= 0xC4000000UL && fid <= 0xC4000014UL) || fid == SMCCC_VERSION;
}

static uint64_t arg(struct run_ctx *ctx, unsigned n, bool smc32)
{
	uint64_t v = cpu_get_x(ctx->cpu, n);

	return smc32 ? v & 0xffffffffUL : v;
}

/* The host sees the function ID and, for CPU_ON and AFFINITY_INFO, the target MPIDR. */
static enum run_action exit_psci(struct run_ctx *ctx, uint64_t fid, uint64_t x1)
{
	ctx->exit->exit_reason = RMI_EXIT_PSCI;
	ctx->exit->gprs[0] = fid;
	ctx->exit->gprs[1] = x1;
	return RUN_EXIT;
}

/* PSCI_FEATURES, as TF-RMM answers it (PSCI_VERSION itself is not listed). */
static uint64_t features(uint64_t fid)
{
	switch (fid) {
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		return PSCI_RET_SUCCESS; /* for CPU_SUSPEND: original power_state format */
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

/* Is @mpidr (MPIDR_EL1 layout) one of this realm's RECs?  Returns its index. */
static bool valid_target(struct run_ctx *ctx, uint64_t mpidr, uint64_t *idx)
{
	*idx = mpidr_el1_index(mpidr);
	return *idx < ctx->rd->num_recs;
}

enum run_action psci_handle(struct run_ctx *ctx, uint64_t fid)
{
	bool smc32 = !(fid & 0x40000000UL);
	uint64_t x1 = arg(ctx, 1, smc32), x2 = arg(ctx, 2, smc32), x3 = arg(ctx, 3, smc32);
	struct rec *rec = ctx->rec;
	uint64_t idx;

	switch (fid) {
	case PSCI_VERSION:
		run_ret(ctx, PSCI_VERSION_1_1, 0, 0, 0);
		return RUN_CONTINUE;
	case SMCCC_VERSION:
		run_ret(ctx, SMCCC_VERSION_1_2, 0, 0, 0);
		return RUN_CONTINUE;
	case PSCI_FEATURES:
		run_ret(ctx, features(x1 & 0xffffffffUL), 0, 0, 0);
		return RUN_CONTINUE;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		if (!rd_ipa_protected(ctx->rd, x2)) {
			run_ret(ctx, PSCI_RET_INVALID_ADDRESS, 0, 0, 0);
			return RUN_CONTINUE;
		}
		if (!valid_target(ctx, x1, &idx)) {
			run_ret(ctx, PSCI_RET_INVALID_PARAMETERS, 0, 0, 0);
			return RUN_CONTINUE;
		}
		if (idx == rec->rec_idx) {
			run_ret(ctx, PSCI_RET_ALREADY_ON, 0, 0, 0);
			return RUN_CONTINUE;
		}
		break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		if (x2 != 0 || !valid_target(ctx, x1, &idx)) {
			run_ret(ctx, PSCI_RET_INVALID_PARAMETERS, 0, 0, 0);
			return RUN_CONTINUE;
		}
		if (idx == rec->rec_idx) {
			run_ret(ctx, PSCI_AFFINITY_ON, 0, 0, 0);
			return RUN_CONTINUE;
		}
		break;
	case PSCI_CPU_OFF:
		rec->runnable = 0;
		run_ret(ctx, PSCI_RET_SUCCESS, 0, 0, 0);
		return exit_psci(ctx, fid, 0);
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		/* A valid implementation may return at once; the host may wait for an interrupt. */
		run_ret(ctx, PSCI_RET_SUCCESS, 0, 0, 0);
		return exit_psci(ctx, fid, 0);
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		ctx->rd->state = REALM_SYSTEM_OFF;
		return exit_psci(ctx, fid, 0);
	default:
		run_ret(ctx, PSCI_RET_NOT_SUPPORTED, 0, 0, 0);
		return RUN_CONTINUE;
	}
	/* CPU_ON / AFFINITY_INFO of another REC: the host completes it (PSCI_COMPLETE). */
	rec->psci.pending = 1;
	rec->psci.fid = fid;
	rec->psci.x1 = x1;
	rec->psci.x2 = x2;
	rec->psci.x3 = x3;
	return exit_psci(ctx, fid, x1);
}
