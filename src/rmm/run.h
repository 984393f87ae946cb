/* SPDX-License-Identifier: MIT */
/*
 * The REC run path inside the RMM (run.c, rsi.c, psci.c): what an exit
 * handler sees and how it says whether the realm goes on running or the REC
 * exits to the host.  Handlers run under the RMM lock, except those
 * run.c's serve_unlocked() names (they touch only the running REC).
 */
#ifndef REALMKIT_RMM_RUN_H
#define REALMKIT_RMM_RUN_H

#include "machine/cpu.h"
#include "rmm/internal.h"

/* What the host asked for at entry, and the exit being built. */
struct run_ctx {
	struct rmm *rmm;
	struct rd *rd;
	uint64_t rd_pa;
	struct rec *rec;
	uint64_t rec_pa;
	struct cpu *cpu;
	uint64_t entry_flags;
	struct rmi_rec_exit *exit; /* zeroed; fill exit_reason and what it needs */
};

enum run_action {
	RUN_CONTINUE, /* back to the realm */
	RUN_EXIT,     /* exit to the host with ctx->exit */
};

/* rsi.c: an SMC from the realm with an RSI function ID (x0). */
bool rsi_is_rsi(uint64_t fid);
enum run_action rsi_handle(struct run_ctx *ctx, uint64_t fid);
/* Complete the host's side of a HOST_CALL / RIPAS_CHANGE exit at the next entry. */
void rsi_complete_host_call(struct run_ctx *ctx, const struct rmi_rec_entry *entry);
void rsi_complete_ripas(struct run_ctx *ctx);

/* psci.c: SMCCC and PSCI calls from the realm. */
bool psci_is_psci(uint64_t fid);
enum run_action psci_handle(struct run_ctx *ctx, uint64_t fid);

/* run.c: a stage-2 data abort exit for an unassigned RAM IPA the RMM itself must reach
 * (an RSI argument); the call is repeated after the host has mapped it. */
enum run_action run_exit_rsi_abort(struct run_ctx *ctx, uint64_t ipa);
/* The REC's token buffer (malloc'd, NULL if none; rec->attest says how much is left). */
uint8_t **run_attest_token(struct run_ctx *ctx);
/* Set x0..x3 as the result of the call the realm made. */
void run_ret(struct run_ctx *ctx, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);

/* pe_pool.c: one spare PE made on a helper thread, under the RMM lock. */
void pe_spare_request(struct rmm *rmm, const struct cpu_ops *ops);
/* The spare for @owner (waiting if it is being made), else a new PE; NULL: no memory. */
struct cpu *pe_take(struct rmm *rmm, const struct cpu_ops *ops, void *owner);

#endif
