/* SPDX-License-Identifier: MIT */
/*
 * `realmkit run`'s launch plan (vmm/plan.h) as a measurement: the engine's
 * launch for it, and a dry run of it through the KVM realm ABI that stops
 * after activation (no realm code runs) and reads the RMM's measurements.
 */
#ifndef REALMKIT_MEASURE_RUNPLAN_H
#define REALMKIT_MEASURE_RUNPLAN_H

#include "measure/spec.h"
#include "realmkit/observe.h"
#include "vmm/plan.h"

/* The launch @p describes, for the engine (its regions point into @p). */
int rkm_from_plan(const struct vmm_plan *p, struct rkm_spec *s, char *err, size_t errlen);
/*
 * Build and activate @p's realm on a fresh simulated host booting the RMM
 * @rmm (RKM_RMM_1_0 or RKM_RMM_2_0, whatever REALMKIT_RMM says); its RIM and
 * REMs in @m.
 */
int rkm_plan_dry_run(const struct vmm_plan *p, unsigned rmm, struct rk_measurements *m,
		     char *err, size_t errlen);

#endif
