// SPDX-License-Identifier: MIT
/*
 * RTT commands of RMI 2.0 that work on ranges: RTT_DATA_MAP, RTT_DATA_UNMAP,
 * RTT_UNPROT_MAP, RTT_UNPROT_UNMAP and 2.0's RTT_INIT_RIPAS.  Each works
 * within the one RTT that the walk to its base reaches and says in x1 how far
 * it got (out_top); the host calls again from there.  Output addresses come
 * as range descriptors (include/realmkit/rmi2.h): one in a register (SINGLE)
 * or a list in an NS granule (LIST).
 */
#include <stdlib.h>
#include <string.h>

#include "rmm/internal.h"

#define LIST_MAX (GRANULE_SIZE / sizeof(uint64_t))

/* The descriptors a map command names: SINGLE (oaddr is one) or LIST (an NS list). */
struct desc_list {
	uint64_t d[LIST_MAX];
	unsigned n;
};

static bool read_descs(struct rmm *rmm, uint64_t flags, uint64_t oaddr, struct desc_list *l)
{
	uint64_t type = RMI2_MAP_ADDR_TYPE(flags), count = RMI2_MAP_LIST_COUNT(flags);
	uint64_t page[LIST_MAX], off;

	if (type == RMI2_ADDR_TYPE_SINGLE) {
		l->d[0] = oaddr;
		l->n = 1;
		return true;
	}
	if (type != RMI2_ADDR_TYPE_LIST || (oaddr & 7))
		return false;
	off = (oaddr & GRANULE_MASK) / sizeof(uint64_t);
	if (count > LIST_MAX - off)
		count = LIST_MAX - off; /* a list does not cross its granule */
	if (!count || !ns_granule_read(rmm, oaddr & ~GRANULE_MASK, page))
		return false;
	memcpy(l->d, page + off, count * sizeof(uint64_t));
	l->n = (unsigned)count;
	return true;
}

static int desc_level(uint64_t d)
{
	return 3 - (int)RMI2_RDESC_SIZE(d);
}

/* Common checks of the map commands, in TF-RMM's order; 0 = go on, else the x0. */
static uint64_t map_checks(struct rmm *rmm, const uint64_t *x, bool protected, struct rd **rdp,
			   struct desc_list *l, int *level)
{
	uint64_t base = x[1], top = x[2], size;
	struct rd *rd = rd_find(rmm, x[0]);

	if (!rd)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	if (rd->state != REALM_NEW && rd->state != REALM_ACTIVE)
		return RMI_RET(RMI_ERROR_REALM, 0);
	if (top <= base || !read_descs(rmm, x[3], x[4], l))
		return RMI_RET(RMI_ERROR_INPUT, 0);
	*level = desc_level(l->d[0]);
	/* DATA is mapped a page at a time (larger DATA arises by folding). */
	if (protected && *level != 3)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	if (*level < 1 || (protected && (l->d[0] & RMI2_RDESC_UNDELEGATED)))
		return RMI_RET(RMI_ERROR_INPUT, 0);
	size = rtt_level_size(*level);
	if ((base & (size - 1)) || (top & GRANULE_MASK) || !rd_ipa_in_range(rd, base) ||
	    !rd_ipa_in_range(rd, top - GRANULE_SIZE) ||
	    rd_ipa_protected(rd, base) != protected ||
	    rd_ipa_protected(rd, top - GRANULE_SIZE) != protected)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	if (top - base < size)
		return RMI_RET(RMI_ERROR_RTT, (uint8_t)*level);
	*rdp = rd;
	return 0;
}

/*
 * Take the next block of @size from the descriptors (a descriptor of count N
 * is N consecutive blocks); false when they are used up or malformed.
 */
static bool next_block(struct desc_list *l, unsigned *i, uint64_t *used, int level,
		       uint64_t *pa)
{
	while (*i < l->n) {
		uint64_t d = l->d[*i], cnt = RMI2_RDESC_COUNT(d);

		if (desc_level(d) != level)
			return false;
		if (*used < cnt) {
			*pa = RMI2_RDESC_ADDR(d) + *used * rtt_level_size(level);
			(*used)++;
			return true;
		}
		(*i)++;
		*used = 0;
	}
	return false;
}

void v2_rtt_data_map(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t base = x[1], top = x[2], addr, used = 0, pa, ret;
	struct desc_list l;
	struct rtt_walk w;
	struct rd *rd;
	unsigned di = 0, i;
	int level;

	ret = map_checks(rmm, x, true, &rd, &l, &level);
	if (ret) {
		res->x[0] = ret;
		return;
	}
	rtt_walk(rmm, rd, base, 3, &w);
	if (w.level < 3) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		return;
	}
	ret = RMI_RET(RMI_SUCCESS, 0);
	for (i = w.index, addr = base; i < w.nentries && addr < top; i++, addr += GRANULE_SIZE) {
		struct granule *g;

		if (s2tte_hipas(w.table[i]) != HIPAS_UNASSIGNED) {
			ret = RMI_RET(RMI_ERROR_RTT, 3);
			break;
		}
		if (!next_block(&l, &di, &used, 3, &pa) || (l.d[di] & RMI2_RDESC_UNDELEGATED) ||
		    !(g = granule_find(rmm, pa, GRANULE_DELEGATED)) || !rd_pa_addressable(rd, pa)) {
			ret = RMI_RET(RMI_ERROR_INPUT, 0);
			break;
		}
		/* "Unknown" content: zeroed as it leaves DELEGATED; RIPAS is kept. */
		granule_claim(rmm, g);
		w.table[i] = s2tte_assigned(pa, s2tte_ripas(w.table[i]), 3);
		w.g_rtt->refcount++;
		granule_set_state(g, GRANULE_DATA);
	}
	if (addr == base) {
		res->x[0] = ret;
		return;
	}
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = addr;
}

/* Host bits of an NS mapping from UNPROT_MAP's flags: MemAttr[4:2], S2AP[7:6]. */
static bool unprot_attrs(uint64_t flags, uint64_t *attrs)
{
	uint64_t memattr = RMI2_UNPROT_MEMATTR(flags), s2ap = RMI2_UNPROT_S2AP(flags);

	if ((memattr << 2) == S2TTE_MEMATTR_RESERVED || (s2ap & ~(RMI2_S2AP_READ | RMI2_S2AP_WRITE)))
		return false;
	*attrs = memattr << 2 | ((s2ap & RMI2_S2AP_READ) ? 1UL << 6 : 0) |
		 ((s2ap & RMI2_S2AP_WRITE) ? 1UL << 7 : 0);
	return true;
}

void v2_rtt_unprot_map(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t base = x[1], top = x[2], addr, used = 0, pa, ret, attrs, size;
	struct desc_list l;
	struct rtt_walk w;
	struct rd *rd;
	unsigned di = 0, i;
	int level;

	ret = map_checks(rmm, x, false, &rd, &l, &level);
	if (!ret && !unprot_attrs(x[3], &attrs))
		ret = RMI_RET(RMI_ERROR_INPUT, 0);
	if (ret) {
		res->x[0] = ret;
		return;
	}
	rtt_walk(rmm, rd, base, level, &w);
	if (w.level != level) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		return;
	}
	size = rtt_level_size(level);
	ret = RMI_RET(RMI_SUCCESS, 0);
	for (i = w.index, addr = base; i < w.nentries && addr + size <= top; i++, addr += size) {
		if (s2tte_hipas(w.table[i]) != HIPAS_UNASSIGNED_NS) {
			ret = RMI_RET(RMI_ERROR_RTT, (uint8_t)level);
			break;
		}
		/* The NS PA is the host's business (as 1.0's MAP_UNPROTECTED): only its shape. */
		if (!next_block(&l, &di, &used, level, &pa) || (pa & (size - 1)) ||
		    !rd_pa_addressable(rd, pa + size - 1)) {
			ret = RMI_RET(RMI_ERROR_INPUT, 0);
			break;
		}
		w.table[i] = s2tte_assigned_ns(pa | attrs, level);
	}
	if (addr == base) {
		res->x[0] = ret;
		return;
	}
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = addr;
}

/* Where an unmap puts the addresses it freed. */
struct unmap_out {
	uint64_t type, cap, n;
	uint64_t d[LIST_MAX];
	bool undelegated;
};

/* Append a block to the output; false if it does not fit (the unmap stops before it). */
static bool out_add(struct unmap_out *o, uint64_t pa, int level)
{
	unsigned size = (unsigned)(3 - level);

	if (o->type == RMI2_ADDR_TYPE_NONE)
		return true;
	if (o->n) {
		uint64_t last = o->d[o->n - 1], cnt = RMI2_RDESC_COUNT(last);

		if (RMI2_RDESC_SIZE(last) == size && cnt < 0x3ff &&
		    RMI2_RDESC_ADDR(last) + cnt * rtt_level_size(level) == pa) {
			o->d[o->n - 1] = RMI2_RDESC(RMI2_RDESC_ADDR(last), cnt + 1, size) |
					 (last & RMI2_RDESC_UNDELEGATED);
			return true;
		}
		if (o->n == o->cap)
			return false;
	}
	o->d[o->n++] = RMI2_RDESC(pa, 1, size) | (o->undelegated ? RMI2_RDESC_UNDELEGATED : 0);
	return true;
}

/*
 * RTT_DATA_UNMAP / RTT_UNPROT_UNMAP(rd, base, top, flags, oaddr): unmap the
 * live entries of one RTT from @base; DATA granules go back to DELEGATED
 * (zeroed when they leave it: granule_release()) and RAM becomes DESTROYED,
 * as 1.0's DATA_DESTROY.  Non-live
 * entries are skipped; the walk stops at a table entry or when the output
 * cannot describe the next block.  x1 = out_top, x2 = the SINGLE descriptor,
 * x3 = descriptors written to the LIST.
 */
static void unmap(struct rmm *rmm, const uint64_t *x, bool protected, struct smc_result *res)
{
	uint64_t base = x[1], top = x[2], flags = x[3], oaddr = x[4], addr, size, end;
	struct unmap_out *o;
	struct rtt_walk w;
	struct rd *rd;
	unsigned i, want = protected ? HIPAS_ASSIGNED : HIPAS_ASSIGNED_NS;

	res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
	rd = rd_find(rmm, x[0]);
	if (!rd || top <= base || ((base | top) & GRANULE_MASK) || !rd_ipa_in_range(rd, base) ||
	    !rd_ipa_in_range(rd, top - GRANULE_SIZE) || rd_ipa_protected(rd, base) != protected ||
	    rd_ipa_protected(rd, top - GRANULE_SIZE) != protected)
		return;
	o = calloc(1, sizeof(*o));
	if (!o)
		return;
	o->type = RMI2_MAP_ADDR_TYPE(flags);
	o->undelegated = !protected;
	if (o->type == RMI2_ADDR_TYPE_SINGLE || o->type == RMI2_ADDR_TYPE_NONE) {
		if (oaddr || RMI2_MAP_LIST_COUNT(flags))
			goto out;
		o->cap = 1;
	} else if (o->type == RMI2_ADDR_TYPE_LIST) {
		o->cap = RMI2_MAP_LIST_COUNT(flags);
		if ((oaddr & 7) || !o->cap || !granule_find(rmm, oaddr & ~GRANULE_MASK,
							    GRANULE_UNDELEGATED))
			goto out;
		if (o->cap > LIST_MAX - (oaddr & GRANULE_MASK) / 8)
			o->cap = LIST_MAX - (oaddr & GRANULE_MASK) / 8;
	} else {
		goto out;
	}
	rtt_walk(rmm, rd, base, 3, &w);
	size = rtt_level_size(w.level);
	if (base & (size - 1)) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		goto out;
	}
	for (i = w.index, addr = base; i < w.nentries && addr + size <= top; i++, addr += size) {
		uint64_t e = w.table[i], pa = s2tte_pa(e);
		unsigned h = s2tte_hipas(e);

		if (h == HIPAS_TABLE)
			break;
		if (h != want)
			continue;
		if (!out_add(o, pa, w.level))
			break;
		if (protected) {
			w.table[i] = s2tte_unassigned(s2tte_ripas(e) == RMI_EMPTY ? RMI_EMPTY
										    : RMI_DESTROYED);
			w.g_rtt->refcount--;
		} else {
			w.table[i] = s2tte_unassigned_ns();
		}
		s2_shootdown(rmm, x[0], addr, addr + size);
		for (end = pa + size; protected && pa < end; pa += GRANULE_SIZE) {
			struct granule *g = granule_at(rmm, pa);

			granule_release(rmm, g);
		}
	}
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = addr;
	if (o->type == RMI2_ADDR_TYPE_SINGLE)
		res->x[2] = o->n ? o->d[0] : 0;
	if (o->type == RMI2_ADDR_TYPE_LIST && o->n) {
		ns_granule_write(rmm, oaddr, o->d, o->n * sizeof(uint64_t));
		res->x[3] = o->n;
	}
out:
	free(o);
}

void v2_rtt_data_unmap(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	unmap(rmm, x, true, res);
}

void v2_rtt_unprot_unmap(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	unmap(rmm, x, false, res);
}

/*
 * RTT_INIT_RIPAS in 2.0 (rd, base, top): within the RTT the walk to @base
 * reaches, EMPTY becomes RAM for unassigned and assigned entries alike, RAM
 * is skipped, and nothing is measured (2.0 has no RIPAS descriptor).
 */
void v2_rtt_init_ripas(struct rmm *rmm, const uint64_t *x, struct smc_result *res)
{
	uint64_t base = x[1], top = x[2], addr, size;
	struct rtt_walk w;
	struct rd *rd;
	unsigned i;

	res->x[0] = RMI_RET(RMI_ERROR_INPUT, 0);
	if (top <= base)
		return;
	rd = rd_find(rmm, x[0]);
	if (!rd || (base | top) & GRANULE_MASK || !rd_ipa_protected(rd, base) ||
	    !rd_ipa_protected(rd, top - GRANULE_SIZE))
		return;
	if (rd->state != REALM_NEW) {
		res->x[0] = RMI_RET(RMI_ERROR_REALM, 0);
		return;
	}
	rtt_walk(rmm, rd, base, 3, &w);
	size = rtt_level_size(w.level);
	if (base & (size - 1)) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		return;
	}
	for (i = w.index, addr = base; i < w.nentries && addr + size <= top; i++, addr += size) {
		uint64_t e = w.table[i];
		unsigned h = s2tte_hipas(e), r = s2tte_ripas(e);

		if ((h != HIPAS_UNASSIGNED && h != HIPAS_ASSIGNED) ||
		    (r != RMI_EMPTY && r != RMI_RAM))
			break;
		if (r == RMI_RAM)
			continue;
		w.table[i] = h == HIPAS_UNASSIGNED ? s2tte_unassigned(RMI_RAM)
						   : s2tte_assigned(s2tte_pa(e), RMI_RAM, w.level);
	}
	if (addr == base) {
		res->x[0] = RMI_RET(RMI_ERROR_RTT, (uint8_t)w.level);
		return;
	}
	res->x[0] = RMI_RET(RMI_SUCCESS, 0);
	res->x[1] = addr;
}
