// SPDX-License-Identifier: MIT
/* Read-only introspection of the RMM, for tests, the fuzzer and tools. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmm/internal.h"

enum rmm_granule_state rmm_granule_state(struct rmm *rmm, uint64_t pa)
{
	struct granule *g = granule_at(rmm, pa & ~GRANULE_MASK);

	return g ? (enum rmm_granule_state)g->state : GRANULE_UNDELEGATED;
}

uint32_t rmm_granule_refcount(struct rmm *rmm, uint64_t pa)
{
	struct granule *g = granule_at(rmm, pa & ~GRANULE_MASK);

	return g ? g->refcount : 0;
}

uint64_t rmm_next_granule(struct rmm *rmm, enum rmm_granule_state state, uint64_t from)
{
	uint64_t base = pas_dram_base(rmm->pas);
	uint64_t i = from > base ? (from - base + GRANULE_MASK) >> GRANULE_SHIFT : 0;

	for (; i < rmm->ngranules; i++)
		if (rmm->granules[i].state == state)
			return base + (i << GRANULE_SHIFT);
	return 0;
}

void rmm_census(struct rmm *rmm, struct rmm_census *c, bool check_zero)
{
	pthread_mutex_lock(&rmm->lock); /* a consistent view while RECs run elsewhere */
	memset(c, 0, sizeof(*c));
	for (uint64_t i = 0; i < rmm->ngranules; i++) {
		const struct granule *g = &rmm->granules[i];

		c->count[g->state]++;
		if (check_zero && g->state == GRANULE_DELEGATED &&
		    !pas_is_zero(rmm->pas, granule_pa(rmm, g)))
			c->nonzero_free++;
	}
	pthread_mutex_unlock(&rmm->lock);
}

bool rmm_realm_measurements(struct rmm *rmm, uint64_t rd_pa, struct rmm_measurements *m)
{
	struct granule *g;
	const struct rd *rd;

	pthread_mutex_lock(&rmm->lock); /* a realm may be extending a REM right now */
	rimq_flush(rmm);
	g = granule_find(rmm, rd_pa, GRANULE_RD);
	if (g) {
		rd = rd_map(rmm, g);
		memset(m, 0, sizeof(*m));
		m->hash_len = measurement_hash_len(rd->hash_algo);
		memcpy(m->rim, rd->rim, sizeof(m->rim));
		memcpy(m->rem, rd->rem, sizeof(m->rem));
	}
	pthread_mutex_unlock(&rmm->lock);
	return g != NULL;
}

int rmm_realm_state(struct rmm *rmm, uint64_t rd_pa)
{
	struct granule *g = granule_find(rmm, rd_pa, GRANULE_RD);

	return g ? (int)rd_map(rmm, g)->state : -1;
}

/* ---- invariants ---- */

struct check {
	struct rmm *rmm;
	uint8_t *seen; /* times each granule was reached from an RD or REC */
	char *why;
	size_t why_len;
	bool ok;
};

static bool violation(struct check *c, const char *fmt, ...)
{
	va_list ap;

	if (c->ok) {
		va_start(ap, fmt);
		vsnprintf(c->why, c->why_len, fmt, ap);
		va_end(ap);
	}
	c->ok = false;
	return false;
}

/* Mark granule @pa reached, expecting @state; at most once. */
static bool reach(struct check *c, uint64_t pa, enum rmm_granule_state state, const char *what)
{
	struct granule *g = granule_at(c->rmm, pa);
	uint64_t i;

	if (!g)
		return violation(c, "%s 0x%llx is not a DRAM granule", what,
				 (unsigned long long)pa);
	if (g->state != state)
		return violation(c, "%s 0x%llx is %s, expected %s", what, (unsigned long long)pa,
				 rmm_granule_state_name(g->state), rmm_granule_state_name(state));
	i = (uint64_t)(g - c->rmm->granules);
	if (c->seen[i]++)
		return violation(c, "%s 0x%llx is reachable twice", what, (unsigned long long)pa);
	return true;
}

static void check_rtt(struct check *c, const struct rd *rd, uint64_t rtt_pa, int level,
		      unsigned nentries)
{
	const uint64_t *t = granule_map(c->rmm, rtt_pa);
	uint32_t counted = 0;

	for (unsigned i = 0; i < nentries && c->ok; i++) {
		uint64_t e = t[i];

		counted += s2tte_is_counted(e);
		switch (s2tte_hipas(e)) {
		case HIPAS_TABLE:
			if (level == 3) {
				violation(c, "table entry at level 3 in RTT 0x%llx",
					  (unsigned long long)rtt_pa);
				break;
			}
			if (reach(c, s2tte_pa(e), GRANULE_RTT, "RTT"))
				check_rtt(c, rd, s2tte_pa(e), level + 1, RTT_ENTRIES);
			break;
		case HIPAS_ASSIGNED:
			for (uint64_t off = 0; off < rtt_level_size(level) && c->ok;
			     off += GRANULE_SIZE)
				reach(c, s2tte_pa(e) + off, GRANULE_DATA, "DATA");
			break;
		default:
			break;
		}
	}
	if (c->ok && counted != granule_at(c->rmm, rtt_pa)->refcount)
		violation(c, "RTT 0x%llx has %u live entries but refcount %u",
			  (unsigned long long)rtt_pa, counted,
			  granule_at(c->rmm, rtt_pa)->refcount);
}

static void check_realm(struct check *c, uint64_t rd_pa, uint8_t *vmids)
{
	const struct rd *rd = granule_map(c->rmm, rd_pa);
	int level = (int)rd->rtt_level_start;
	uint64_t entries = (1UL << rd->s2sz) / rtt_level_size(level);

	if (vmids[rd->vmid / 8] & (1U << (rd->vmid % 8))) {
		violation(c, "VMID %llu used by two realms", (unsigned long long)rd->vmid);
		return;
	}
	vmids[rd->vmid / 8] |= (uint8_t)(1U << (rd->vmid % 8));
	for (uint64_t i = 0; i < rd->rtt_num_start && c->ok; i++) {
		uint64_t pa = rd->rtt_base + i * GRANULE_SIZE;
		uint64_t n = entries - i * RTT_ENTRIES;

		if (reach(c, pa, GRANULE_RTT, "starting RTT"))
			check_rtt(c, rd, pa, level, (unsigned)(n > RTT_ENTRIES ? RTT_ENTRIES : n));
	}
}

struct held_ctx {
	struct check *c;
	uint8_t *held;
};

/* Granules a 2.0 stateful operation holds: its REC granule, its donated aux granules. */
static void held_mark(void *arg, uint64_t pa, bool aux)
{
	struct held_ctx *h = arg;
	struct granule *g = granule_at(h->c->rmm, pa);

	if (aux)
		reach(h->c, pa, GRANULE_REC_AUX, "SRO aux");
	else if (g)
		h->held[g - h->c->rmm->granules] = 1;
}

bool rmm_check_invariants(struct rmm *rmm, char *why, size_t why_len)
{
	struct check c = { .rmm = rmm, .why = why, .why_len = why_len, .ok = true };
	uint8_t vmids[RMM_VMID_COUNT / 8];
	struct held_ctx held = { 0 };
	uint32_t *recs;

	c.seen = calloc(rmm->ngranules, 1);
	recs = calloc(rmm->ngranules, sizeof(*recs));
	if (!c.seen || !recs) {
		free(c.seen);
		free(recs);
		snprintf(why, why_len, "out of memory");
		return false;
	}
	memset(vmids, 0, sizeof(vmids));
	/* RECs: owned by an RD, each aux granule claimed once. */
	for (uint64_t i = 0; i < rmm->ngranules && c.ok; i++) {
		uint64_t pa = granule_pa(rmm, &rmm->granules[i]);
		const uint64_t *aux;
		unsigned n;
		struct granule *owner;

		if (rmm->granules[i].state != GRANULE_REC)
			continue;
		owner = granule_find(rmm, rec_owner(rmm, pa), GRANULE_RD);
		if (!owner) {
			violation(&c, "REC 0x%llx has no realm", (unsigned long long)pa);
			break;
		}
		recs[owner - rmm->granules]++;
		n = rec_aux(rmm, pa, &aux);
		for (unsigned a = 0; a < n && c.ok; a++)
			reach(&c, aux[a], GRANULE_REC_AUX, "REC aux");
	}
	for (uint64_t i = 0; i < rmm->ngranules && c.ok; i++) {
		struct granule *g = &rmm->granules[i];

		if (g->state != GRANULE_RD)
			continue;
		if (g->refcount != recs[i])
			violation(&c, "RD 0x%llx has %u RECs but refcount %u",
				  (unsigned long long)granule_pa(rmm, g), recs[i], g->refcount);
		else
			check_realm(&c, granule_pa(rmm, g), vmids);
	}
	if (c.ok && memcmp(vmids, rmm->vmids, sizeof(vmids)))
		violation(&c, "reserved VMIDs differ from the VMIDs of live realms");
	held.c = &c;
	held.held = calloc(rmm->ngranules, 1);
	if (!held.held)
		violation(&c, "out of memory");
	else
		sro_for_each_held(rmm, held_mark, &held);
	/* Every granule: reached as its state requires, protected as its state requires. */
	for (uint64_t i = 0; i < rmm->ngranules && c.ok; i++) {
		struct granule *g = &rmm->granules[i];
		uint64_t pa = granule_pa(rmm, g);
		bool host_owned = g->state == GRANULE_UNDELEGATED;
		bool reached = g->state == GRANULE_RTT || g->state == GRANULE_DATA ||
			       g->state == GRANULE_REC_AUX;

		if (reached && c.seen[i] != 1)
			violation(&c, "%s granule 0x%llx is not reachable from any realm",
				  rmm_granule_state_name(g->state), (unsigned long long)pa);
		else if ((pas_gpt_get(rmm->pas, pa) == PAS_NS) != host_owned)
			violation(&c, "granule 0x%llx is %s but its GPT entry disagrees",
				  (unsigned long long)pa, rmm_granule_state_name(g->state));
		else if (!host_owned && !pas_host_faults(rmm->pas, pa))
			violation(&c, "%s granule 0x%llx is readable by the host",
				  rmm_granule_state_name(g->state), (unsigned long long)pa);
		else if (g->state == GRANULE_DELEGATED && g->refcount && !held.held[i])
			violation(&c, "DELEGATED granule 0x%llx has refcount %u",
				  (unsigned long long)pa, g->refcount);
		else if (g->state == GRANULE_DELEGATED && !granule_delegated_dirty_ok(rmm) &&
			 !pas_is_zero(rmm->pas, pa))
			violation(&c, "DELEGATED granule 0x%llx is not zero",
				  (unsigned long long)pa);
	}
	free(c.seen);
	free(recs);
	free(held.held);
	return c.ok;
}
