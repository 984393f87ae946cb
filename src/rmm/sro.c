// SPDX-License-Identifier: MIT
/*
 * Stateful RMI operations (SRO) of RMI 2.0: REC_CREATE and REC_DESTROY, and
 * the commands that drive an operation to its end: OP_MEM_DONATE,
 * OP_CONTINUE, OP_MEM_RECLAIM and OP_CANCEL.
 *
 *   REC_CREATE(rd, rec, params) -> INCOMPLETE, DONATE (x1 handle, x2 request:
 *     16 delegated 4 KiB granules) -> OP_MEM_DONATE(handle, list, n) until
 *     all are given -> INCOMPLETE, NONE -> OP_CONTINUE(handle, 0) -> SUCCESS,
 *     or on failure INCOMPLETE, RECLAIM -> OP_MEM_RECLAIM(handle, list, cap)
 *     until the donated granules are back -> the failure's status.
 *   REC_DESTROY(rec) -> INCOMPLETE, RECLAIM (x1 handle) -> OP_MEM_RECLAIM ...
 *     -> SUCCESS.
 *   OP_CANCEL(handle) while CAN_CANCEL (REC_CREATE before OP_CONTINUE):
 *     SUCCESS if nothing was donated, else INCOMPLETE, RECLAIM -> ... SUCCESS.
 *
 * While an operation is in flight the REC granule stays DELEGATED with a
 * refcount of 1 (no other command may take it; granule_find() refuses it)
 * and the donated granules are REC_AUX, held by the operation.  At most
 * RMM_SRO_SLOTS operations are in flight (a new one is BUSY beyond that); a
 * second REC_CREATE for a realm with one in flight is BLOCKED (RECs are made
 * in MPIDR order).  docs/RMM2.md has the rules and how scripts loop on them.
 */
#include <stdlib.h>
#include <string.h>

#include "rmm/internal.h"

#define LIST_MAX (GRANULE_SIZE / sizeof(uint64_t))

enum sro_kind { SRO_FREE, SRO_REC_CREATE, SRO_REC_DESTROY };
enum sro_expect { EXPECT_DONATE, EXPECT_CONTINUE, EXPECT_RECLAIM };

struct sro {
	uint64_t handle;
	enum sro_kind kind;
	enum sro_expect expect;
	bool can_cancel;
	uint64_t rd, rec, params;
	uint64_t aux[RMM_REC_AUX_COUNT]; /* donated, REC_AUX, held by the operation */
	unsigned naux;
	unsigned reclaimed; /* aux[0..reclaimed) are back with the host */
	uint64_t final;     /* x0 once the reclaim is done */
};

int v2_init(struct rmm *rmm)
{
	rmm->sros = calloc(RMM_SRO_SLOTS, sizeof(*rmm->sros));
	rmm->sro_next = 1;
	return rmm->sros ? 0 : -1;
}

void v2_fini(struct rmm *rmm)
{
	free(rmm->sros);
}

static struct sro *sro_find(struct rmm *rmm, uint64_t handle)
{
	for (unsigned i = 0; handle && i < RMM_SRO_SLOTS; i++)
		if (rmm->sros[i].kind != SRO_FREE && rmm->sros[i].handle == handle)
			return &rmm->sros[i];
	return NULL;
}

static struct sro *sro_alloc(struct rmm *rmm, enum sro_kind kind)
{
	for (unsigned i = 0; i < RMM_SRO_SLOTS; i++)
		if (rmm->sros[i].kind == SRO_FREE) {
			struct sro *s = &rmm->sros[i];

			memset(s, 0, sizeof(*s));
			s->kind = kind;
			s->handle = rmm->sro_next++;
			return s;
		}
	return NULL;
}

/* The operation is over: the REC granule it held is the host's again. */
static void sro_release(struct rmm *rmm, struct sro *s)
{
	struct granule *g = granule_at(rmm, s->rec);

	if (g && g->state == GRANULE_DELEGATED)
		g->refcount = 0;
	s->kind = SRO_FREE;
}

static uint64_t incomplete(const struct sro *s, uint64_t mem_req)
{
	return RMI_RET(RMI2_INCOMPLETE, 0) | mem_req << RMI2_OP_MEM_REQ_SHIFT |
	       (s->can_cancel ? RMI2_OP_CAN_CANCEL : 0);
}

static void ask_donate(const struct sro *s, struct smc_result *res)
{
	res->x[0] = incomplete(s, RMI2_OP_MEM_REQ_DONATE);
	res->x[2] = RMI2_DONATE_REQ(RMI2_PAGE_L3, RMM_REC_AUX_COUNT - s->naux, false, false);
}

static void start_reclaim(struct sro *s, uint64_t final, struct smc_result *res)
{
	s->expect = EXPECT_RECLAIM;
	s->can_cancel = false;
	s->final = final;
	res->x[0] = incomplete(s, RMI2_OP_MEM_REQ_RECLAIM);
	res->x[1] = s->naux - s->reclaimed;
}

void sro_rec_create(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	struct granule *g_rec = granule_find(rmm, x[1], GRANULE_DELEGATED);
	struct sro *s;

	if (!g_rec) {
		res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
		return;
	}
	for (unsigned i = 0; i < RMM_SRO_SLOTS; i++)
		if (rmm->sros[i].kind == SRO_REC_CREATE && rmm->sros[i].rd == x[0]) {
			res->x[0] = RMI_RET(RMI2_BLOCKED, 0);
			return;
		}
	s = sro_alloc(rmm, SRO_REC_CREATE);
	if (!s) {
		res->x[0] = RMI_RET(RMI2_BUSY, 0);
		return;
	}
	/* RD and parameters are checked when the memory is there (OP_CONTINUE), as TF-RMM. */
	s->rd = x[0];
	s->rec = x[1];
	s->params = x[2];
	s->expect = EXPECT_DONATE;
	s->can_cancel = true;
	g_rec->refcount = 1;
	ask_donate(s, res);
	res->x[1] = s->handle;
}

void sro_rec_destroy(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	struct granule *g_rec;
	struct rec *rec;
	struct sro *s;

	/* As TF-RMM: the operation context is reserved before the REC is looked at. */
	s = sro_alloc(rmm, SRO_REC_DESTROY);
	if (!s) {
		res->x[0] = RMI_RET(RMI2_BUSY, 0);
		return;
	}
	g_rec = granule_find(rmm, x[0], GRANULE_REC);
	if (!g_rec || g_rec->refcount) {
		s->kind = SRO_FREE;
		rmm->sro_next--; /* the handle was never seen */
		res->x[0] = RMI_RET(g_rec ? RMI_ERROR_REC : RMI_ERROR_INPUT, 0);
		return;
	}
	rec = rec_map(rmm, x[0]);
	s->rec = x[0];
	s->rd = rec->rd;
	s->naux = (unsigned)rec->num_aux;
	memcpy(s->aux, rec->aux, sizeof(s->aux));
	rec_rt_free(rec->rt);
	granule_find(rmm, rec->rd, GRANULE_RD)->refcount--;
	granule_release(rmm, g_rec);
	g_rec->refcount = 1; /* held until the aux granules are reclaimed */
	start_reclaim(s, RMI_RET(RMI_SUCCESS, 0), res);
	res->x[1] = s->handle;
}

void sro_op_mem_donate(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	struct sro *s = sro_find(rmm, x[0]);
	uint64_t list = x[1], count = x[2], page[LIST_MAX], off, got[RMM_REC_AUX_COUNT];
	unsigned n = 0;

	res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
	if (!s || s->expect != EXPECT_DONATE || (list & 7))
		return;
	off = (list & GRANULE_MASK) / sizeof(uint64_t);
	if (count > LIST_MAX - off)
		count = LIST_MAX - off;
	if (count && !ns_granule_read(rmm, list & ~GRANULE_MASK, page))
		return;
	/* Check every granule first: a bad list changes nothing. */
	for (uint64_t i = 0; i < count; i++) {
		uint64_t d = page[off + i];

		if (RMI2_RDESC_SIZE(d) != RMI2_PAGE_L3 || (d & RMI2_RDESC_UNDELEGATED))
			goto undo;
		for (uint64_t k = 0; k < RMI2_RDESC_COUNT(d); k++) {
			uint64_t pa = RMI2_RDESC_ADDR(d) + k * GRANULE_SIZE;
			struct granule *g = granule_find(rmm, pa, GRANULE_DELEGATED);

			if (!g || s->naux + n >= RMM_REC_AUX_COUNT)
				goto undo;
			g->refcount = 1; /* claimed: a duplicate fails on its second use */
			got[n++] = pa;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct granule *g = granule_at(rmm, got[i]);

		g->refcount = 0;
		granule_claim(rmm, g);
		granule_set_state(g, GRANULE_REC_AUX);
		s->aux[s->naux++] = got[i];
	}
	res->x[1] = n;
	if (s->naux < RMM_REC_AUX_COUNT) {
		ask_donate(s, res);
		return;
	}
	s->expect = EXPECT_CONTINUE;
	res->x[0] = incomplete(s, RMI2_OP_MEM_REQ_NONE);
	return;
undo:
	for (unsigned i = 0; i < n; i++)
		granule_at(rmm, got[i])->refcount = 0;
}

/* REC_CREATE's last step, with the aux granules donated: 1.0's checks and creation. */
static uint64_t rec_create_finish(struct rmm *rmm, struct sro *s)
{
	struct rmi2_rec_params p;
	struct rmi_rec_params p1;
	struct granule *g_rd, *g_rec = granule_at(rmm, s->rec);
	struct rec *rec;
	struct rd *rd;

	if (!ns_granule_read(rmm, s->params, &p))
		return RMI_RET(RMI_ERROR_INPUT, 0);
	g_rd = granule_find(rmm, s->rd, GRANULE_RD);
	if (!g_rd)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	rd = rd_map(rmm, g_rd);
	if (g_rd->refcount >= RMM_REFCOUNT_MAX || rd->state != REALM_NEW)
		return RMI_RET(RMI_ERROR_REALM, 0);
	if ((p.mpidr & ~0xffffff0fUL) || rec_mpidr_index(p.mpidr) != rd->num_recs)
		return RMI_RET(RMI_ERROR_INPUT, 0);

	granule_claim(rmm, g_rec);
	rec = rec_map(rmm, s->rec);
	memset(rec, 0, sizeof(*rec));
	rec->rd = s->rd;
	rec->rec_idx = rd->num_recs;
	rec->mpidr = p.mpidr;
	rec->runnable = p.flags & RMI_REC_PARAMS_FLAG_RUNNABLE;
	rec->pc = p.pc;
	memcpy(rec->gprs, p.gprs, sizeof(p.gprs));
	rec->last_exit = REC_NO_EXIT;
	rec->num_aux = s->naux;
	memcpy(rec->aux, s->aux, sizeof(rec->aux));
	if (rec->runnable) {
		/* flags, pc and gprs sit at the same offsets in 1.0's and 2.0's RmiRecParams. */
		memset(&p1, 0, sizeof(p1));
		p1.flags = p.flags;
		p1.pc = p.pc;
		memcpy(p1.gprs, p.gprs, sizeof(p1.gprs));
		measurement_extend_rec(rd, &p1);
	}
	g_rec->refcount = 0;
	granule_set_state(g_rec, GRANULE_REC);
	g_rd->refcount++;
	rd->num_recs++;
	return RMI_RET(RMI_SUCCESS, 0);
}

void sro_op_continue(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	struct sro *s = sro_find(rmm, x[0]);
	uint64_t ret;

	if (!s || s->expect != EXPECT_CONTINUE) {
		res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
		return;
	}
	ret = rec_create_finish(rmm, s);
	if (ret == RMI_RET(RMI_SUCCESS, 0)) {
		s->kind = SRO_FREE; /* the REC granule is a REC now */
		res->x[0] = ret;
		return;
	}
	start_reclaim(s, ret, res);
}

void sro_op_mem_reclaim(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	struct sro *s = sro_find(rmm, x[0]);
	uint64_t list = x[1], cap = x[2], out[LIST_MAX], off;
	unsigned n = 0;

	res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
	if (!s || (list & 7) || s->expect != EXPECT_RECLAIM)
		return;
	off = (list & GRANULE_MASK) / sizeof(uint64_t);
	if (cap > LIST_MAX - off)
		cap = LIST_MAX - off;
	if (!cap) {
		res->x[0] = incomplete(s, RMI2_OP_MEM_REQ_RECLAIM);
		return;
	}
	if (!granule_find(rmm, list & ~GRANULE_MASK, GRANULE_UNDELEGATED))
		return;
	/* One descriptor per run of consecutive granules, while the list has room. */
	while (s->reclaimed < s->naux) {
		uint64_t pa = s->aux[s->reclaimed];
		struct granule *g = granule_at(rmm, pa);

		if (n && RMI2_RDESC_ADDR(out[n - 1]) + RMI2_RDESC_COUNT(out[n - 1]) * GRANULE_SIZE ==
				 pa && RMI2_RDESC_COUNT(out[n - 1]) < 0x3ff)
			out[n - 1] = RMI2_RDESC(RMI2_RDESC_ADDR(out[n - 1]),
						RMI2_RDESC_COUNT(out[n - 1]) + 1, RMI2_PAGE_L3);
		else if (n < cap)
			out[n++] = RMI2_RDESC(pa, 1, RMI2_PAGE_L3);
		else
			break;
		granule_release(rmm, g);
		s->reclaimed++;
	}
	if (!ns_granule_write(rmm, list, out, n * sizeof(uint64_t)))
		return; /* cannot happen: the list granule was checked above */
	res->x[1] = n;
	if (s->reclaimed < s->naux) {
		res->x[0] = incomplete(s, RMI2_OP_MEM_REQ_RECLAIM);
		return;
	}
	res->x[0] = s->final;
	sro_release(rmm, s);
}

void sro_op_cancel(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	struct sro *s = sro_find(rmm, x[0]);

	if (!s || !s->can_cancel) {
		res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
		return;
	}
	if (!s->naux) {
		sro_release(rmm, s);
		res->x[0] = RMI_RET(RMI_SUCCESS, 0);
		return;
	}
	start_reclaim(s, RMI_RET(RMI_SUCCESS, 0), res);
}

void sro_for_each_held(struct rmm *rmm, void (*fn)(void *arg, uint64_t pa, bool aux), void *arg)
{
	if (!rmm->sros)
		return;
	for (unsigned i = 0; i < RMM_SRO_SLOTS; i++) {
		struct sro *s = &rmm->sros[i];

		if (s->kind == SRO_FREE)
			continue;
		fn(arg, s->rec, false);
		for (unsigned a = s->reclaimed; a < s->naux; a++)
			fn(arg, s->aux[a], true);
	}
}
