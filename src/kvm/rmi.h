/* SPDX-License-Identifier: MIT */
/*
 * Typed RMI calls for KVM: one function per command KVM issues, with the
 * command's inputs as named parameters and its outputs as named results, in
 * the way Linux's arm64 KVM wraps the RMI (rmi_realm_create(), ...).  Each
 * returns the command's x0 (RMI_RET(status, index)); outputs are written only
 * when the command succeeded, except where a comment says otherwise.
 *
 * The register layout of every command is the RMM specification's (RMI 1.0,
 * and the 2.0 commands with the arguments Linux v14 passes: docs/RMM2.md);
 * the single place that knows it on the host side is this file, so that a
 * reader of src/kvm sees what is called, not which register carries what.
 */
#ifndef REALMKIT_KVM_RMI_H
#define REALMKIT_KVM_RMI_H

#include "kvm/internal.h"

static inline bool rmi_ok(uint64_t x0)
{
	return RMI_RET_STATUS(x0) == RMI_SUCCESS;
}

/* ---- version and features ---- */

static inline uint64_t rmi_version(struct rk_host *h, uint64_t req, uint64_t *lower,
				   uint64_t *higher)
{
	struct smc_result r;
	uint64_t x0 = rk_rmi(h, RMI_VERSION, req, 0, 0, 0, 0, &r);

	/* Both outputs are defined whatever the status (RMI_ERROR_INPUT: unsupported). */
	if (lower)
		*lower = r.x[1];
	if (higher)
		*higher = r.x[2];
	return x0;
}

static inline uint64_t rmi_features(struct rk_host *h, uint64_t index)
{
	struct smc_result r;

	/* FEATURES cannot fail: an unknown index reads zero. */
	rk_rmi(h, RMI_FEATURES, index, 0, 0, 0, 0, &r);
	return r.x[1];
}

/* ---- granules (1.0) ---- */

static inline uint64_t rmi_granule_delegate(struct rk_host *h, uint64_t pa)
{
	return rk_rmi(h, RMI_GRANULE_DELEGATE, pa, 0, 0, 0, 0, NULL);
}

static inline uint64_t rmi_granule_undelegate(struct rk_host *h, uint64_t pa)
{
	return rk_rmi(h, RMI_GRANULE_UNDELEGATE, pa, 0, 0, 0, 0, NULL);
}

/* ---- realms ---- */

static inline uint64_t rmi_realm_create(struct rk_host *h, uint64_t rd, uint64_t params)
{
	return rk_rmi(h, RMI_REALM_CREATE, rd, params, 0, 0, 0, NULL);
}

static inline uint64_t rmi_realm_activate(struct rk_host *h, uint64_t rd)
{
	return rk_rmi(h, RMI_REALM_ACTIVATE, rd, 0, 0, 0, 0, NULL);
}

static inline uint64_t rmi_realm_destroy(struct rk_host *h, uint64_t rd)
{
	return rk_rmi(h, RMI_REALM_DESTROY, rd, 0, 0, 0, 0, NULL);
}

/* ---- RECs ---- */

/*
 * 2.0: REC_CREATE and REC_DESTROY are stateful operations: they may return
 * INCOMPLETE with @r's x1 the handle and x2 the memory request, which the
 * caller's SRO loop answers (rmi2_op_* below).  @r may be NULL under 1.0.
 */
static inline uint64_t rmi_rec_create(struct rk_host *h, uint64_t rd, uint64_t rec,
				      uint64_t params, struct smc_result *r)
{
	return rk_rmi(h, RMI_REC_CREATE, rd, rec, params, 0, 0, r);
}

static inline uint64_t rmi_rec_destroy(struct rk_host *h, uint64_t rec, struct smc_result *r)
{
	return rk_rmi(h, RMI_REC_DESTROY, rec, 0, 0, 0, 0, r);
}

static inline uint64_t rmi_rec_enter(struct rk_host *h, uint64_t rec, uint64_t run)
{
	return rk_rmi(h, RMI_REC_ENTER, rec, run, 0, 0, 0, NULL);
}

static inline uint64_t rmi_psci_complete(struct rk_host *h, uint64_t calling_rec,
					 uint64_t target_rec, uint64_t status)
{
	return rk_rmi(h, RMI_PSCI_COMPLETE, calling_rec, target_rec, status, 0, 0, NULL);
}

/* ---- data (1.0) ---- */

static inline uint64_t rmi_data_create(struct rk_host *h, uint64_t rd, uint64_t data,
				       uint64_t ipa, uint64_t src, uint64_t flags)
{
	return rk_rmi(h, RMI_DATA_CREATE, rd, data, ipa, src, flags, NULL);
}

static inline uint64_t rmi_data_create_unknown(struct rk_host *h, uint64_t rd, uint64_t data,
					       uint64_t ipa)
{
	return rk_rmi(h, RMI_DATA_CREATE_UNKNOWN, rd, data, ipa, 0, 0, NULL);
}

/* *data: the granule that held the data; *top: the next live address. */
static inline uint64_t rmi_data_destroy(struct rk_host *h, uint64_t rd, uint64_t ipa,
					uint64_t *data, uint64_t *top)
{
	struct smc_result r;
	uint64_t x0 = rk_rmi(h, RMI_DATA_DESTROY, rd, ipa, 0, 0, 0, &r);

	if (rmi_ok(x0)) {
		if (data)
			*data = r.x[1];
		if (top)
			*top = r.x[2];
	}
	return x0;
}

/* ---- RTTs ---- */

static inline uint64_t rmi_rtt_create(struct rk_host *h, uint64_t rd, uint64_t rtt, uint64_t ipa,
				      long level)
{
	return rk_rmi(h, RMI_RTT_CREATE, rd, rtt, ipa, (uint64_t)level, 0, NULL);
}

/* *rtt: the table that was destroyed; *top: the next live address (also on some errors). */
static inline uint64_t rmi_rtt_destroy(struct rk_host *h, uint64_t rd, uint64_t ipa, long level,
				       uint64_t *rtt, uint64_t *top)
{
	struct smc_result r;
	uint64_t x0 = rk_rmi(h, RMI_RTT_DESTROY, rd, ipa, (uint64_t)level, 0, 0, &r);

	if (rtt)
		*rtt = r.x[1];
	if (top)
		*top = r.x[2];
	return x0;
}

/* The RTT entry RTT_READ_ENTRY reports. */
struct rmi_rtt_entry {
	long walk_level;
	uint64_t state; /* RMI_UNASSIGNED, RMI_ASSIGNED, RMI_TABLE, ... */
	uint64_t desc;
	uint64_t ripas;
};

static inline uint64_t rmi_rtt_read_entry(struct rk_host *h, uint64_t rd, uint64_t ipa,
					  long level, struct rmi_rtt_entry *e)
{
	struct smc_result r;
	uint64_t x0 = rk_rmi(h, RMI_RTT_READ_ENTRY, rd, ipa, (uint64_t)level, 0, 0, &r);

	if (rmi_ok(x0))
		*e = (struct rmi_rtt_entry){ (long)r.x[1], r.x[2], r.x[3], r.x[4] };
	return x0;
}

/* *out_top: how far the RIPAS was initialised / changed. */
static inline uint64_t rmi_rtt_init_ripas(struct rk_host *h, uint64_t rd, uint64_t base,
					  uint64_t top, uint64_t *out_top)
{
	struct smc_result r;
	uint64_t x0 = rk_rmi(h, RMI_RTT_INIT_RIPAS, rd, base, top, 0, 0, &r);

	if (rmi_ok(x0))
		*out_top = r.x[1];
	return x0;
}

static inline uint64_t rmi_rtt_set_ripas(struct rk_host *h, uint64_t rd, uint64_t rec,
					 uint64_t base, uint64_t top, uint64_t *out_top)
{
	struct smc_result r;
	uint64_t x0 = rk_rmi(h, RMI_RTT_SET_RIPAS, rd, rec, base, top, 0, &r);

	if (rmi_ok(x0))
		*out_top = r.x[1];
	return x0;
}

static inline uint64_t rmi_rtt_map_unprotected(struct rk_host *h, uint64_t rd, uint64_t ipa,
					       long level, uint64_t desc)
{
	return rk_rmi(h, RMI_RTT_MAP_UNPROTECTED, rd, ipa, (uint64_t)level, desc, 0, NULL);
}

static inline uint64_t rmi_rtt_unmap_unprotected(struct rk_host *h, uint64_t rd, uint64_t ipa,
						 long level, uint64_t *top)
{
	struct smc_result r;
	uint64_t x0 = rk_rmi(h, RMI_RTT_UNMAP_UNPROTECTED, rd, ipa, (uint64_t)level, 0, 0, &r);

	if (top)
		*top = r.x[1];
	return x0;
}

/* ---- RMM 2.0 (the arguments Linux v14 passes; docs/RMM2.md) ---- */

static inline uint64_t rmi2_rmm_config_set(struct rk_host *h, uint64_t config)
{
	return rk_rmi(h, RMI2_RMM_CONFIG_SET, config, 0, 0, 0, 0, NULL);
}

static inline uint64_t rmi2_rmm_activate(struct rk_host *h)
{
	return rk_rmi(h, RMI2_RMM_ACTIVATE, 0, 0, 0, 0, 0, NULL);
}

/* *category: how the RMM tracks granules in [base, top) (RMI2_TRACKING_*). */
static inline uint64_t rmi2_granule_tracking_get(struct rk_host *h, uint64_t base, uint64_t top,
						 uint64_t *category)
{
	struct smc_result r;
	uint64_t x0 = rk_rmi(h, RMI2_GRANULE_TRACKING_GET, base, top, 0, 0, 0, &r);

	if (rmi_ok(x0))
		*category = r.x[2];
	return x0;
}

static inline uint64_t rmi2_gpt_l1_create(struct rk_host *h, uint64_t base)
{
	return rk_rmi(h, RMI2_GPT_L1_CREATE, base, 0, 0, 0, 0, NULL);
}

/* [base, top) changes PAS up to *out_top (at least one granule on success). */
static inline uint64_t rmi2_granule_range_delegate(struct rk_host *h, uint64_t base, uint64_t top,
						   uint64_t *out_top)
{
	struct smc_result r;
	uint64_t x0 = rk_rmi(h, RMI2_GRANULE_RANGE_DELEGATE, base, top, 0, 0, 0, &r);

	if (rmi_ok(x0))
		*out_top = r.x[1];
	return x0;
}

static inline uint64_t rmi2_granule_range_undelegate(struct rk_host *h, uint64_t base,
						     uint64_t top, uint64_t *out_top)
{
	struct smc_result r;
	uint64_t x0 = rk_rmi(h, RMI2_GRANULE_RANGE_UNDELEGATE, base, top, 0, 0, 0, &r);

	if (rmi_ok(x0))
		*out_top = r.x[1];
	return x0;
}

/* RTT_DATA_MAP_INIT has DATA_CREATE's inputs (and function ID) in v14. */
static inline uint64_t rmi2_rtt_data_map_init(struct rk_host *h, uint64_t rd, uint64_t data,
					      uint64_t ipa, uint64_t src, uint64_t flags)
{
	return rk_rmi(h, RMI2_RTT_DATA_MAP_INIT, rd, data, ipa, src, flags, NULL);
}

/* Map [base, top) to the granules @addr describes (@flags: its address type, single or list). */
static inline uint64_t rmi2_rtt_data_map(struct rk_host *h, uint64_t rd, uint64_t base,
					 uint64_t top, uint64_t flags, uint64_t addr)
{
	return rk_rmi(h, RMI2_RTT_DATA_MAP, rd, base, top, flags, addr, NULL);
}

/* *out_top: how far it unmapped; *addr: what came back (a range descriptor for SINGLE). */
static inline uint64_t rmi2_rtt_data_unmap(struct rk_host *h, uint64_t rd, uint64_t base,
					   uint64_t top, uint64_t addr_type, uint64_t list,
					   uint64_t *out_top, uint64_t *addr)
{
	struct smc_result r;
	uint64_t x0 = rk_rmi(h, RMI2_RTT_DATA_UNMAP, rd, base, top, addr_type, list, &r);

	if (rmi_ok(x0)) {
		if (out_top)
			*out_top = r.x[1];
		if (addr)
			*addr = r.x[2];
	}
	return x0;
}

/* @flags: the address type of @addr and the mapping's attributes (MemAttr, S2AP). */
static inline uint64_t rmi2_rtt_unprot_map(struct rk_host *h, uint64_t rd, uint64_t base,
					   uint64_t top, uint64_t flags, uint64_t addr)
{
	return rk_rmi(h, RMI2_RTT_UNPROT_MAP, rd, base, top, flags, addr, NULL);
}

static inline uint64_t rmi2_rtt_unprot_unmap(struct rk_host *h, uint64_t rd, uint64_t base,
					     uint64_t top, uint64_t *out_top)
{
	struct smc_result r;
	uint64_t x0 = rk_rmi(h, RMI2_RTT_UNPROT_UNMAP, rd, base, top, RMI2_ADDR_TYPE_NONE, 0, &r);

	if (rmi_ok(x0) && out_top)
		*out_top = r.x[1];
	return x0;
}

static inline uint64_t rmi2_realm_terminate(struct rk_host *h, uint64_t rd)
{
	return rk_rmi(h, RMI2_REALM_TERMINATE, rd, 0, 0, 0, 0, NULL);
}

/*
 * Stateful operations.  Every call returns the operation's x0 (INCOMPLETE
 * with a memory request while it goes on) and fills @r with its outputs
 * (x1: handle, x2: the request's details), which the caller's loop reads.
 */
static inline uint64_t rmi2_op_continue(struct rk_host *h, uint64_t handle, struct smc_result *r)
{
	return rk_rmi(h, RMI2_OP_CONTINUE, handle, 0, 0, 0, 0, r);
}

static inline uint64_t rmi2_op_cancel(struct rk_host *h, uint64_t handle, struct smc_result *r)
{
	return rk_rmi(h, RMI2_OP_CANCEL, handle, 0, 0, 0, 0, r);
}

static inline uint64_t rmi2_op_mem_donate(struct rk_host *h, uint64_t handle, uint64_t list,
					  uint64_t count, struct smc_result *r)
{
	return rk_rmi(h, RMI2_OP_MEM_DONATE, handle, list, count, 0, 0, r);
}

static inline uint64_t rmi2_op_mem_reclaim(struct rk_host *h, uint64_t handle, uint64_t list,
					   uint64_t capacity, struct smc_result *r)
{
	return rk_rmi(h, RMI2_OP_MEM_RECLAIM, handle, list, capacity, 0, 0, r);
}

#endif
