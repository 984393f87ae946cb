// SPDX-License-Identifier: MIT
/*
 * The Realm Services Interface 1.0 in the RMM (DEN0137 1.0 chapter B5):
 * VERSION, FEATURES, MEASUREMENT_READ/EXTEND, REALM_CONFIG, IPA_STATE_SET/
 * GET, HOST_CALL and ATTEST_TOKEN_INIT/CONTINUE (the token: src/attest,
 * docs/ATTESTATION.md).  Calls the RMM answers by itself return to the realm;
 * IPA_STATE_SET and HOST_CALL become REC exits that the host completes.
 */
#include <stdlib.h>
#include <string.h>

#include "realmkit/rsi.h"
#include "rmm/run.h"

bool rsi_is_rsi(uint64_t fid)
{
	return fid >= RSI_VERSION && fid <= RSI_HOST_CALL;
}

/* A result in x0; the other result registers x1..x3 read as zero (SMCCC). */
static void ret_status(struct run_ctx *ctx, uint64_t status)
{
	run_ret(ctx, status, 0, 0, 0);
}

static void rsi_version(struct run_ctx *ctx)
{
	uint64_t req = cpu_get_x(ctx->cpu, 1);

	run_ret(ctx, req == RSI_ABI_VERSION ? RSI_SUCCESS : RSI_ERROR_INPUT, RSI_ABI_VERSION,
		RSI_ABI_VERSION, 0);
}

static void measurement_read(struct run_ctx *ctx)
{
	uint64_t index = cpu_get_x(ctx->cpu, 1), words[8];
	const uint8_t *m;

	if (index >= RSI_MEASUREMENT_SLOTS) {
		ret_status(ctx, RSI_ERROR_INPUT);
		return;
	}
	m = index == 0 ? ctx->rd->rim : ctx->rd->rem[index - 1];
	memcpy(words, m, sizeof(words));
	cpu_set_x(ctx->cpu, 0, RSI_SUCCESS);
	for (unsigned i = 0; i < 8; i++)
		cpu_set_x(ctx->cpu, 1 + i, words[i]);
}

static void measurement_extend(struct run_ctx *ctx)
{
	uint64_t index = cpu_get_x(ctx->cpu, 1), size = cpu_get_x(ctx->cpu, 2), words[8];

	if (index < 1 || index >= RSI_MEASUREMENT_SLOTS || size > RSI_MEASUREMENT_MAX_LEN) {
		ret_status(ctx, RSI_ERROR_INPUT);
		return;
	}
	for (unsigned i = 0; i < 8; i++)
		words[i] = cpu_get_x(ctx->cpu, 3 + i);
	measurement_extend_rem(ctx->rd, (unsigned)index - 1, words, (unsigned)size);
	ret_status(ctx, RSI_SUCCESS);
}

/* The PA of the protected RAM granule at @ipa, or an exit/status for the realm. */
static enum run_action arg_granule(struct run_ctx *ctx, uint64_t ipa, uint64_t align,
				   uint64_t *pa, bool *bad)
{
	*bad = false;
	if (ipa & (align - 1)) {
		*bad = true;
		return RUN_CONTINUE;
	}
	switch (realm_ipa_pa(ctx->rmm, ctx->rd, ipa, pa)) {
	case IPA_OK:
		return RUN_CONTINUE;
	case IPA_UNASSIGNED_RAM:
		return run_exit_rsi_abort(ctx, ipa);
	default:
		*bad = true;
		return RUN_CONTINUE;
	}
}

static enum run_action realm_config(struct run_ctx *ctx)
{
	uint64_t ipa = cpu_get_x(ctx->cpu, 1), pa;
	struct rsi_realm_config *cfg;
	enum run_action a;
	bool bad;

	a = arg_granule(ctx, ipa, GRANULE_SIZE, &pa, &bad);
	if (a == RUN_EXIT)
		return a;
	if (bad) {
		ret_status(ctx, RSI_ERROR_INPUT);
		return RUN_CONTINUE;
	}
	cfg = granule_map(ctx->rmm, pa);
	memset(cfg, 0, sizeof(*cfg));
	cfg->ipa_width = ctx->rd->s2sz;
	cfg->hash_algo = (uint8_t)ctx->rd->hash_algo;
	ret_status(ctx, RSI_SUCCESS);
	return RUN_CONTINUE;
}

static uint64_t protected_top(const struct rd *rd)
{
	return 1UL << (rd->s2sz - 1);
}

static enum run_action ipa_state_set(struct run_ctx *ctx)
{
	uint64_t base = cpu_get_x(ctx->cpu, 1), top = cpu_get_x(ctx->cpu, 2);
	uint64_t ripas = cpu_get_x(ctx->cpu, 3), flags = cpu_get_x(ctx->cpu, 4);
	struct rec *rec = ctx->rec;

	if ((base | top) & GRANULE_MASK || top <= base || top > protected_top(ctx->rd) ||
	    ripas > RSI_RIPAS_RAM) {
		ret_status(ctx, RSI_ERROR_INPUT);
		return RUN_CONTINUE;
	}
	rec->ripas_req.pending = 1;
	rec->ripas_req.addr = base;
	rec->ripas_req.top = top;
	rec->ripas_req.ripas = ripas;
	/* Other flag values are not rejected; only exactly CHANGE_DESTROYED allows it. */
	rec->ripas_req.change_destroyed = flags == RSI_CHANGE_DESTROYED;
	ctx->exit->exit_reason = RMI_EXIT_RIPAS_CHANGE;
	ctx->exit->ripas_base = base;
	ctx->exit->ripas_top = top;
	ctx->exit->ripas_value = (uint8_t)ripas;
	return RUN_EXIT;
}

/*
 * After the host's RTT_SET_RIPAS calls: how far it got, and whether it
 * refused the rest.  A refusal is reported only for an unfinished request
 * to make memory RAM; the realm may not be refused giving memory up.
 */
void rsi_complete_ripas(struct run_ctx *ctx)
{
	struct rec *rec = ctx->rec;
	bool reject = (ctx->entry_flags & RMI_REC_ENTRY_FLAG_RIPAS_RESPONSE) &&
		      rec->ripas_req.ripas == RSI_RIPAS_RAM &&
		      rec->ripas_req.addr != rec->ripas_req.top;

	run_ret(ctx, RSI_SUCCESS, rec->ripas_req.addr, reject ? RSI_REJECT : RSI_ACCEPT, 0);
	rec->ripas_req.pending = 0;
}

static void ipa_state_get(struct run_ctx *ctx)
{
	uint64_t base = cpu_get_x(ctx->cpu, 1), top = cpu_get_x(ctx->cpu, 2), addr, size;
	struct rtt_walk w;
	unsigned ripas;

	if ((base | top) & GRANULE_MASK || base >= protected_top(ctx->rd) ||
	    top > protected_top(ctx->rd) || top <= base) {
		ret_status(ctx, RSI_ERROR_INPUT);
		return;
	}
	rtt_walk(ctx->rmm, ctx->rd, base, 3, &w);
	ripas = s2tte_ripas(*w.entry);
	/* The run of entries with the same RIPAS, within the RTT the walk reached. */
	size = rtt_level_size(w.level);
	addr = (base & ~(size - 1)) + size;
	for (unsigned i = w.index + 1; i < w.nentries && addr < top; i++, addr += size)
		if (s2tte_ripas(w.table[i]) != ripas)
			break;
	if (addr > top)
		addr = top;
	run_ret(ctx, RSI_SUCCESS, addr, ripas, 0);
}

static enum run_action host_call(struct run_ctx *ctx)
{
	uint64_t ipa = cpu_get_x(ctx->cpu, 1), pa;
	const struct rsi_host_call *hc;
	enum run_action a;
	bool bad;

	a = arg_granule(ctx, ipa, RSI_HOST_CALL_ALIGN, &pa, &bad);
	if (a == RUN_EXIT)
		return a;
	if (bad) {
		ret_status(ctx, RSI_ERROR_INPUT);
		return RUN_CONTINUE;
	}
	hc = granule_map(ctx->rmm, pa);
	ctx->exit->exit_reason = RMI_EXIT_HOST_CALL;
	ctx->exit->imm = hc->imm;
	memcpy(ctx->exit->gprs, hc->gprs, sizeof(hc->gprs));
	ctx->rec->host_call.pending = 1;
	ctx->rec->host_call.ipa = ipa;
	return RUN_EXIT;
}

void rsi_complete_host_call(struct run_ctx *ctx, const struct rmi_rec_entry *entry)
{
	uint64_t pa;

	ctx->rec->host_call.pending = 0;
	if (realm_ipa_pa(ctx->rmm, ctx->rd, ctx->rec->host_call.ipa, &pa) == IPA_OK) {
		struct rsi_host_call *hc = granule_map(ctx->rmm, pa);

		memcpy(hc->gprs, entry->gprs, sizeof(hc->gprs));
		ret_status(ctx, RSI_SUCCESS);
	} else {
		/* The realm gave the memory away meanwhile: nothing to return into. */
		ret_status(ctx, RSI_ERROR_INPUT);
	}
}

/*
 * ATTEST_TOKEN_INIT: the challenge is x1..x8 (64 bytes, the registers in
 * memory order).  The whole CCA token is made now, from the realm's state
 * at this moment (RIM, REMs, RPV, hash algorithm), signed with this boot's
 * RAK; CONTINUE only copies it.  A new INIT abandons any token in progress.
 * x1 = an upper bound of the token's size.
 */
static void attest_token_init(struct run_ctx *ctx)
{
	struct att_realm_claims c;
	struct rmm *rmm = ctx->rmm;
	const struct rd *rd = ctx->rd;
	unsigned hl = measurement_hash_len(rd->hash_algo);
	uint8_t **buf = run_attest_token(ctx), *tok = NULL;
	size_t len = 0;
	uint64_t w;

	ctx->rec->attest.initialised = 0;
	free(*buf);
	*buf = NULL;
	for (unsigned i = 0; i < 8; i++) {
		w = cpu_get_x(ctx->cpu, 1 + i);
		memcpy(c.challenge + 8 * i, &w, 8);
	}
	memcpy(ctx->rec->attest.challenge, c.challenge, sizeof(c.challenge));
	/*
	 * The profile follows the RMM this machine booted (never a default):
	 * an RMM 2.0 signs realm#2.0.0 with the realm's instance ID and its
	 * MEC policy (shared: no MEC here), and its platform token is
	 * cca_platform#2.0.0.
	 */
	c.profile = rmm->plat.rmi_v2 ? ATT_REALM_2 : ATT_REALM_1;
	memcpy(c.inst_id, rd->inst_id, sizeof(c.inst_id));
	c.mec_policy = ATT_MEC_SHARED;
	memcpy(c.rpv, rd->rpv, sizeof(c.rpv));
	c.hash = rd->hash_algo == RMI_HASH_SHA_512 ? ATT_SHA512 : ATT_SHA256;
	memset(c.rim, 0, sizeof(c.rim));
	memset(c.rem, 0, sizeof(c.rem));
	memcpy(c.rim, rd->rim, hl);
	for (unsigned i = 0; i < ATT_NUM_REMS; i++)
		memcpy(c.rem[i], rd->rem[i], hl);
	if (!attest_boot_wait(rmm) || !att_rmm_token(&rmm->attest, &c, &tok, &len)) {
		/* Out of memory in the RMM: no architected error; the realm may retry. */
		ret_status(ctx, RSI_ERROR_STATE);
		return;
	}
	*buf = tok;
	ctx->rec->attest.len = len;
	ctx->rec->attest.offset = 0;
	ctx->rec->attest.initialised = 1;
	run_ret(ctx, RSI_SUCCESS, ATT_TOKEN_MAX, 0, 0);
}

/*
 * ATTEST_TOKEN_CONTINUE(x1 granule IPA, x2 offset, x3 size): copy the next
 * at most @size bytes of the token to IPA + offset; x1 = bytes copied.
 * INCOMPLETE while bytes remain, SUCCESS with the last ones (which ends the
 * token: the next CONTINUE needs a new INIT).  The checks and their order
 * are TF-RMM's (rmm-spec-v1.0-rel0): arguments, protected range, state,
 * then the IPA (unassigned RAM: a REC exit so the host maps it, and the
 * call is repeated; RIPAS not RAM: ERROR_INPUT).
 */
static enum run_action attest_token_continue(struct run_ctx *ctx)
{
	uint64_t ipa = cpu_get_x(ctx->cpu, 1), off = cpu_get_x(ctx->cpu, 2);
	uint64_t size = cpu_get_x(ctx->cpu, 3), pa, n;
	struct rec *rec = ctx->rec;

	if ((ipa & GRANULE_MASK) || off >= GRANULE_SIZE || size > GRANULE_SIZE - off) {
		ret_status(ctx, RSI_ERROR_INPUT);
		return RUN_CONTINUE;
	}
	if (!rd_ipa_protected(ctx->rd, ipa)) {
		ret_status(ctx, RSI_ERROR_INPUT);
		return RUN_CONTINUE;
	}
	if (!rec->attest.initialised) {
		ret_status(ctx, RSI_ERROR_STATE);
		return RUN_CONTINUE;
	}
	switch (realm_ipa_pa(ctx->rmm, ctx->rd, ipa, &pa)) {
	case IPA_OK:
		break;
	case IPA_UNASSIGNED_RAM:
		return run_exit_rsi_abort(ctx, ipa);
	default:
		ret_status(ctx, RSI_ERROR_INPUT);
		return RUN_CONTINUE;
	}
	if (!size) {
		run_ret(ctx, RSI_SUCCESS, 0, 0, 0);
		return RUN_CONTINUE;
	}
	n = rec->attest.len - rec->attest.offset;
	if (n > size)
		n = size;
	memcpy((uint8_t *)granule_map(ctx->rmm, pa) + off, *run_attest_token(ctx) + rec->attest.offset,
	       n);
	rec->attest.offset += n;
	if (rec->attest.offset < rec->attest.len) {
		run_ret(ctx, RSI_INCOMPLETE, n, 0, 0);
	} else {
		rec->attest.initialised = 0;
		run_ret(ctx, RSI_SUCCESS, n, 0, 0);
	}
	return RUN_CONTINUE;
}

enum run_action rsi_handle(struct run_ctx *ctx, uint64_t fid)
{
	switch (fid) {
	case RSI_VERSION:
		rsi_version(ctx);
		return RUN_CONTINUE;
	case RSI_FEATURES:
		ret_status(ctx, RSI_SUCCESS); /* no optional feature in 1.0: x1 = 0 for every index */
		return RUN_CONTINUE;
	case RSI_MEASUREMENT_READ:
		measurement_read(ctx);
		return RUN_CONTINUE;
	case RSI_MEASUREMENT_EXTEND:
		measurement_extend(ctx);
		return RUN_CONTINUE;
	case RSI_REALM_CONFIG:
		return realm_config(ctx);
	case RSI_IPA_STATE_SET:
		return ipa_state_set(ctx);
	case RSI_IPA_STATE_GET:
		ipa_state_get(ctx);
		return RUN_CONTINUE;
	case RSI_HOST_CALL:
		return host_call(ctx);
	case RSI_ATTEST_TOKEN_INIT:
		attest_token_init(ctx);
		return RUN_CONTINUE;
	case RSI_ATTEST_TOKEN_CONTINUE:
		return attest_token_continue(ctx);
	default:
		run_ret(ctx, (uint64_t)-1, 0, 0, 0);
		return RUN_CONTINUE;
	}
}
