// SPDX-License-Identifier: MIT
/*
 * Realm Translation Tables: entry encoding, walks, and the RTT commands
 * (CREATE, DESTROY, FOLD, READ_ENTRY, MAP_UNPROTECTED, UNMAP_UNPROTECTED).
 * RTTs are stored in their own delegated granules, 512 entries each; the
 * starting level may hold up to 16 concatenated granules (16 entries at
 * level -1 with LPA2).  An RTT's refcount is its number of live entries
 * (protected ASSIGNED or TABLE).
 */
#include <string.h>

#include "rmm/internal.h"

uint64_t s2tte_unassigned(unsigned ripas)
{
	return ((uint64_t)HIPAS_UNASSIGNED << S2TTE_HIPAS_SHIFT) |
	       ((uint64_t)ripas << S2TTE_RIPAS_SHIFT);
}

uint64_t s2tte_unassigned_ns(void)
{
	return (uint64_t)HIPAS_UNASSIGNED_NS << S2TTE_HIPAS_SHIFT;
}

static uint64_t s2tte_leaf_type(int level)
{
	return level == 3 ? S2TTE_TABLE_PAGE : S2TTE_BLOCK;
}

uint64_t s2tte_assigned(uint64_t pa, unsigned ripas, int level)
{
	uint64_t e = pa | ((uint64_t)HIPAS_ASSIGNED << S2TTE_HIPAS_SHIFT) |
		     ((uint64_t)ripas << S2TTE_RIPAS_SHIFT);

	/* Only RAM is mapped: EMPTY and DESTROYED keep the PA in an invalid entry. */
	if (ripas == RMI_RAM)
		e |= s2tte_leaf_type(level) | S2TTE_MEMATTR_NORMAL_WB | S2TTE_S2AP_RW |
		     S2TTE_SH_IS | S2TTE_AF;
	return e;
}

uint64_t s2tte_assigned_ns(uint64_t host_desc, int level)
{
	/* The host chose address, MemAttr and S2AP; the RMM adds the rest. */
	return host_desc | s2tte_leaf_type(level) | S2TTE_AF | S2TTE_NS | S2TTE_XN |
	       ((uint64_t)HIPAS_ASSIGNED_NS << S2TTE_HIPAS_SHIFT);
}

uint64_t s2tte_table(uint64_t rtt_pa)
{
	return rtt_pa | S2TTE_TABLE_PAGE | ((uint64_t)HIPAS_TABLE << S2TTE_HIPAS_SHIFT);
}

bool s2tte_is_counted(uint64_t e)
{
	unsigned h = s2tte_hipas(e);

	return h == HIPAS_ASSIGNED || h == HIPAS_TABLE;
}

bool s2tte_is_live(uint64_t e)
{
	return s2tte_is_counted(e) || s2tte_hipas(e) == HIPAS_ASSIGNED_NS;
}

/* Bits of an NS descriptor that hold the output address for @level. */
static uint64_t ns_oa_mask(int level, bool lpa2)
{
	uint64_t m = S2TTE_OA48_MASK & ~(rtt_level_size(level) - 1);

	if (lpa2)
		m |= (0x3UL << 48) | (0x3UL << 8);
	return m;
}

/* The host-visible part of an NS entry: address, MemAttr and S2AP. */
static uint64_t ns_host_bits(uint64_t e, int level, bool lpa2)
{
	return e & (ns_oa_mask(level, lpa2) | S2TTE_NS_ATTR_MASK);
}

static bool rd_lpa2(const struct rd *rd)
{
	return rd->flags & RMI_REALM_FLAGS_LPA2;
}

bool rd_ipa_in_range(const struct rd *rd, uint64_t ipa)
{
	return ipa < (1UL << rd->s2sz);
}

bool rd_ipa_protected(const struct rd *rd, uint64_t ipa)
{
	return ipa < (1UL << (rd->s2sz - 1));
}

bool rd_pa_addressable(const struct rd *rd, uint64_t pa)
{
	return rd_lpa2(rd) || pa < (1UL << 48);
}

void rtt_walk(struct rmm *rmm, const struct rd *rd, uint64_t ipa, int target_level,
	      struct rtt_walk *w)
{
	int level = (int)rd->rtt_level_start;
	uint64_t idx = ipa >> (GRANULE_SHIFT + 9 * (3 - level));
	uint64_t rtt = rd->rtt_base + (idx / RTT_ENTRIES) * GRANULE_SIZE;

	w->nentries = level == -1 ? 16 : RTT_ENTRIES;
	w->index = (unsigned)(idx % RTT_ENTRIES);
	for (;;) {
		uint64_t e;

		w->level = level;
		w->table = granule_map(rmm, rtt);
		w->entry = &w->table[w->index];
		w->g_rtt = granule_at(rmm, rtt);
		if (level >= target_level)
			return;
		e = *w->entry;
		if (s2tte_hipas(e) != HIPAS_TABLE)
			return;
		rtt = s2tte_pa(e);
		level++;
		w->index = (unsigned)((ipa >> (GRANULE_SHIFT + 9 * (3 - level))) % RTT_ENTRIES);
		w->nentries = RTT_ENTRIES;
	}
}

uint64_t rtt_skip_non_live(const struct rtt_walk *w, uint64_t ipa)
{
	uint64_t size = rtt_level_size(w->level);
	uint64_t addr = ipa & ~(size - 1);

	if (s2tte_is_live(w->table[w->index]))
		return ipa;
	for (unsigned i = w->index; i < w->nentries; i++, addr += size)
		if (s2tte_is_live(w->table[i]))
			return addr;
	return addr;
}

/* RTT_CREATE/DESTROY/FOLD: level in [start + 1, 3], IPA in range and aligned to level - 1. */
static bool structure_args_ok(const struct rd *rd, uint64_t ipa, uint64_t level)
{
	int64_t l = (int64_t)level;

	if (l < rd->rtt_level_start + 1 || l > 3)
		return false;
	return rd_ipa_in_range(rd, ipa) && !(ipa & (rtt_level_size((int)l - 1) - 1));
}

void smc_rtt_create(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t rtt_pa = x[1], ipa = x[2];
	int level = (int)x[3];
	struct granule *g_rtt = granule_find(rmm, rtt_pa, GRANULE_DELEGATED);
	struct rd *rd = rd_find(rmm, x[0]);
	struct rtt_walk w;
	uint64_t parent, *child;
	unsigned hipas;

	if (!g_rtt || !rd || !structure_args_ok(rd, ipa, x[3]) || !rd_pa_addressable(rd, rtt_pa)) {
		res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
		return;
	}
	rtt_walk(rmm, rd, ipa, level - 1, &w);
	if (w.level < level - 1) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		return;
	}
	parent = *w.entry;
	hipas = s2tte_hipas(parent);
	if (hipas == HIPAS_TABLE) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)(level - 1));
		return;
	}

	/* Every entry is written: that is the whole initialisation (no granule_claim()). */
	child = granule_map(rmm, rtt_pa);
	for (unsigned i = 0; i < RTT_ENTRIES; i++) {
		uint64_t off = i * rtt_level_size(level);

		switch (hipas) {
		case HIPAS_UNASSIGNED:
			child[i] = s2tte_unassigned(s2tte_ripas(parent));
			break;
		case HIPAS_UNASSIGNED_NS:
			child[i] = s2tte_unassigned_ns();
			break;
		case HIPAS_ASSIGNED:
			child[i] = s2tte_assigned(s2tte_pa(parent) + off, s2tte_ripas(parent), level);
			break;
		case HIPAS_ASSIGNED_NS:
			child[i] = s2tte_assigned_ns(
				(ns_host_bits(parent, level - 1, rd_lpa2(rd)) & S2TTE_NS_ATTR_MASK) |
					(s2tte_pa(parent) + off),
				level);
			break;
		}
	}
	/* A protected block moves its live count down with it; anything else adds a table. */
	if (hipas == HIPAS_ASSIGNED)
		g_rtt->refcount = RTT_ENTRIES;
	else
		w.g_rtt->refcount++;
	granule_set_state(g_rtt, GRANULE_RTT);
	*w.entry = s2tte_table(rtt_pa);
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
}

void smc_rtt_destroy(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t ipa = x[1];
	int level = (int)x[2];
	struct rd *rd = rd_find(rmm, x[0]);
	struct granule *g_child;
	struct rtt_walk w;
	uint64_t child_pa;

	if (!rd || !structure_args_ok(rd, ipa, x[2])) {
		res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
		return;
	}
	rtt_walk(rmm, rd, ipa, level - 1, &w);
	if (w.level < level - 1 || s2tte_hipas(*w.entry) != HIPAS_TABLE) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		res->x[2] = rtt_skip_non_live(&w, ipa);
		return;
	}
	child_pa = s2tte_pa(*w.entry);
	g_child = granule_at(rmm, child_pa);
	if (g_child->refcount) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)level);
		res->x[2] = ipa;
		return;
	}
	*w.entry = rd_ipa_protected(rd, ipa) ? s2tte_unassigned(RMI_DESTROYED)
					     : s2tte_unassigned_ns();
	w.g_rtt->refcount--;
	granule_release(rmm, g_child);
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = child_pa;
	res->x[2] = rtt_skip_non_live(&w, ipa);
}

/* Can the 512 entries of @t (an RTT at @level) be replaced by one entry at level - 1? */
static bool fold_entry(const struct rd *rd, const uint64_t *t, int level, uint32_t refcount,
		       uint64_t *out)
{
	uint64_t first = t[0], size = rtt_level_size(level);
	unsigned hipas = s2tte_hipas(first);
	bool lpa2 = rd_lpa2(rd);

	if (refcount != 0 && refcount != RTT_ENTRIES)
		return false;
	if ((hipas == HIPAS_ASSIGNED || hipas == HIPAS_ASSIGNED_NS) &&
	    (level <= 1 || (s2tte_pa(first) & (rtt_level_size(level - 1) - 1))))
		return false; /* no block at level 0, and blocks are aligned to their size */
	for (unsigned i = 1; i < RTT_ENTRIES; i++) {
		uint64_t e = t[i];

		if (s2tte_hipas(e) != hipas)
			return false;
		switch (hipas) {
		case HIPAS_UNASSIGNED:
			if (s2tte_ripas(e) != s2tte_ripas(first))
				return false;
			break;
		case HIPAS_ASSIGNED:
			if (s2tte_ripas(e) != s2tte_ripas(first) ||
			    s2tte_pa(e) != s2tte_pa(first) + i * size)
				return false;
			break;
		case HIPAS_ASSIGNED_NS:
			if ((e & S2TTE_NS_ATTR_MASK) != (first & S2TTE_NS_ATTR_MASK) ||
			    s2tte_pa(e) != s2tte_pa(first) + i * size)
				return false;
			break;
		case HIPAS_UNASSIGNED_NS:
			break;
		default:
			return false;
		}
	}
	switch (hipas) {
	case HIPAS_UNASSIGNED:
		*out = s2tte_unassigned(s2tte_ripas(first));
		break;
	case HIPAS_UNASSIGNED_NS:
		*out = s2tte_unassigned_ns();
		break;
	case HIPAS_ASSIGNED:
		*out = s2tte_assigned(s2tte_pa(first), s2tte_ripas(first), level - 1);
		break;
	case HIPAS_ASSIGNED_NS:
		*out = s2tte_assigned_ns(ns_host_bits(first, level - 1, lpa2), level - 1);
		break;
	default:
		return false;
	}
	return true;
}

void smc_rtt_fold(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t ipa = x[1], child_pa, folded;
	int level = (int)x[2];
	struct rd *rd = rd_find(rmm, x[0]);
	struct granule *g_child;
	struct rtt_walk w;

	if (!rd || !structure_args_ok(rd, ipa, x[2])) {
		res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
		return;
	}
	rtt_walk(rmm, rd, ipa, level - 1, &w);
	if (w.level < level - 1) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		return;
	}
	if (s2tte_hipas(*w.entry) != HIPAS_TABLE) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)(level - 1));
		return;
	}
	child_pa = s2tte_pa(*w.entry);
	g_child = granule_at(rmm, child_pa);
	if (!fold_entry(rd, granule_map(rmm, child_pa), level, g_child->refcount, &folded)) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)level);
		return;
	}
	/* A protected block keeps the parent's count (TABLE -> ASSIGNED); others drop it. */
	if (s2tte_hipas(folded) != HIPAS_ASSIGNED)
		w.g_rtt->refcount--;
	*w.entry = folded;
	g_child->refcount = 0;
	granule_release(rmm, g_child);
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = child_pa;
}

void smc_rtt_read_entry(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t ipa = x[1], e;
	int64_t level = (int64_t)x[2];
	struct rd *rd = rd_find(rmm, x[0]);
	struct rtt_walk w;

	if (!rd || level < rd->rtt_level_start || level > 3 || !rd_ipa_in_range(rd, ipa) ||
	    (ipa & (rtt_level_size((int)level) - 1))) {
		res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
		return;
	}
	rtt_walk(rmm, rd, ipa, (int)level, &w);
	e = *w.entry;
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = (uint64_t)(int64_t)w.level;
	switch (s2tte_hipas(e)) {
	case HIPAS_UNASSIGNED:
		res->x[2] = RMI_UNASSIGNED;
		res->x[4] = s2tte_ripas(e);
		break;
	case HIPAS_UNASSIGNED_NS:
		res->x[2] = RMI_UNASSIGNED;
		break;
	case HIPAS_ASSIGNED:
		res->x[2] = RMI_ASSIGNED;
		res->x[3] = s2tte_pa(e);
		res->x[4] = s2tte_ripas(e);
		break;
	case HIPAS_ASSIGNED_NS:
		res->x[2] = RMI_ASSIGNED;
		res->x[3] = ns_host_bits(e, w.level, rd_lpa2(rd));
		break;
	case HIPAS_TABLE:
		res->x[2] = RMI_TABLE;
		res->x[3] = s2tte_pa(e);
		break;
	}
}

static bool ns_desc_valid(uint64_t desc, int level, bool lpa2)
{
	if (desc & ~(ns_oa_mask(level, lpa2) | S2TTE_NS_ATTR_MASK))
		return false;
	return (desc & S2TTE_MEMATTR_MASK) != S2TTE_MEMATTR_RESERVED;
}

/*
 * MAP/UNMAP_UNPROTECTED arguments, in the order they are checked: level 1..3
 * (before the RD), the RD, @desc for MAP, then the IPA: in range, aligned to
 * the level and in the unprotected half.  NULL means ERROR_INPUT.
 */
static struct rd *unprotected_args(struct rmm *rmm, const uint64_t *x, const uint64_t *desc)
{
	uint64_t ipa = x[1];
	int level = (int)x[2];
	struct rd *rd;

	if (x[2] < 1 || x[2] > 3)
		return NULL;
	rd = rd_find(rmm, x[0]);
	if (!rd || (desc && !ns_desc_valid(*desc, level, rd_lpa2(rd))))
		return NULL;
	if (!rd_ipa_in_range(rd, ipa) || (ipa & (rtt_level_size(level) - 1)) ||
	    rd_ipa_protected(rd, ipa))
		return NULL;
	return rd;
}

void smc_rtt_map_unprotected(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t ipa = x[1], desc = x[3];
	int level = (int)x[2];
	struct rd *rd;
	struct rtt_walk w;

	res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
	rd = unprotected_args(rmm, x, &desc);
	if (!rd)
		return;
	rtt_walk(rmm, rd, ipa, level, &w);
	/* @level above the starting level: the walk starts deeper, no entry maps that size. */
	if (w.level != level) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		return;
	}
	if (s2tte_hipas(*w.entry) != HIPAS_UNASSIGNED_NS) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)level);
		return;
	}
	*w.entry = s2tte_assigned_ns(desc, level);
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
}

void smc_rtt_unmap_unprotected(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t ipa = x[1];
	int level = (int)x[2];
	struct rd *rd;
	struct rtt_walk w;

	res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
	rd = unprotected_args(rmm, x, NULL);
	if (!rd)
		return;
	rtt_walk(rmm, rd, ipa, level, &w);
	if (w.level != level || s2tte_hipas(*w.entry) != HIPAS_ASSIGNED_NS) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		res->x[1] = rtt_skip_non_live(&w, ipa);
		return;
	}
	*w.entry = s2tte_unassigned_ns();
	s2_shootdown(rmm, x[0], ipa & ~(rtt_level_size(level) - 1),
		     (ipa & ~(rtt_level_size(level) - 1)) + rtt_level_size(level));
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = rtt_skip_non_live(&w, ipa);
}
