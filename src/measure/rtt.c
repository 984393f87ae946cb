// SPDX-License-Identifier: MIT
/*
 * The RTT policy of realmkit's KVM, as far as it decides the RIM (RMM 1.0
 * measures one RIPAS descriptor per RTT entry RTT_INIT_RIPAS changes):
 *   - populate maps every page at level 3, creating the missing tables on
 *     its path;
 *   - RIPAS init walks the range at the deepest existing table: an entry
 *     wholly inside the range is one descriptor, an entry only partly inside
 *     gets a table one level down, populated pages are skipped.
 * Kept as populated intervals plus the tables RIPAS init created, so the
 * state grows with the number of regions and ranges, not with their size.
 * tests/test_measure.c checks it against the running KVM and RMM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "measure/measure.h"

struct rkm_rtt {
	int start_level;
	struct {
		uint64_t base, top;
	} *pop; /* populated granules, sorted, disjoint */
	unsigned npop, cappop;
	struct {
		int level;
		uint64_t base;
	} *tab; /* tables created by RIPAS init */
	unsigned ntab, captab;
};

static uint64_t lsize(int level)
{
	return 1ULL << (12 + 9 * (3 - level));
}

struct rkm_rtt *rkm_rtt_new(unsigned ipa_bits)
{
	struct rkm_rtt *t = calloc(1, sizeof(*t));

	/* KVM's geometry: the fewest levels, concatenating up to 16 starting tables. */
	if (t)
		t->start_level = 4 - (int)((ipa_bits - 8) / 9);
	return t;
}

void rkm_rtt_free(struct rkm_rtt *t)
{
	if (!t)
		return;
	free(t->pop);
	free(t->tab);
	free(t);
}

/* Index of the first populated interval that ends after @a. */
static unsigned pop_find(const struct rkm_rtt *t, uint64_t a)
{
	unsigned lo = 0, hi = t->npop;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (t->pop[mid].top <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool pop_intersects(const struct rkm_rtt *t, uint64_t base, uint64_t top)
{
	unsigned i = pop_find(t, base);

	return i < t->npop && t->pop[i].base < top;
}

int rkm_rtt_populate(struct rkm_rtt *t, uint64_t ipa, uint64_t size)
{
	unsigned i;

	if (!size)
		return 0;
	if (pop_intersects(t, ipa, ipa + size))
		return -EEXIST;
	if (t->npop == t->cappop) {
		unsigned cap = t->cappop ? 2 * t->cappop : 16;
		void *n = realloc(t->pop, cap * sizeof(*t->pop));

		if (!n)
			return -ENOMEM;
		t->pop = n;
		t->cappop = cap;
	}
	i = pop_find(t, ipa);
	memmove(&t->pop[i + 1], &t->pop[i], (t->npop - i) * sizeof(*t->pop));
	t->pop[i].base = ipa;
	t->pop[i].top = ipa + size;
	t->npop++;
	return 0;
}

static bool has_table(const struct rkm_rtt *t, int level, uint64_t base)
{
	if (level <= t->start_level)
		return true;
	for (unsigned i = 0; i < t->ntab; i++)
		if (t->tab[i].level == level && t->tab[i].base == base)
			return true;
	/* A populated page has tables down to level 3 on its path. */
	return pop_intersects(t, base, base + lsize(level - 1));
}

static int add_table(struct rkm_rtt *t, int level, uint64_t base)
{
	if (t->ntab == t->captab) {
		unsigned cap = t->captab ? 2 * t->captab : 16;
		void *n = realloc(t->tab, cap * sizeof(*t->tab));

		if (!n)
			return -ENOMEM;
		t->tab = n;
		t->captab = cap;
	}
	t->tab[t->ntab].level = level;
	t->tab[t->ntab++].base = base;
	return 0;
}

int rkm_rtt_ripas(struct rkm_rtt *t, uint64_t base, uint64_t top,
		  void (*fn)(void *arg, uint64_t base, uint64_t top), void *arg)
{
	uint64_t addr = base;

	while (addr < top) {
		int level = t->start_level;
		uint64_t sz, e0;

		while (level < 3 && has_table(t, level + 1, addr & ~(lsize(level) - 1)))
			level++;
		sz = lsize(level);
		e0 = addr & ~(sz - 1);
		if (level == 3) {
			unsigned i = pop_find(t, addr);

			if (i < t->npop && t->pop[i].base <= addr) {
				/* Populated: already RAM, and measured as DATA. */
				addr = t->pop[i].top;
				continue;
			}
		}
		if (addr != e0 || e0 + sz > top) {
			if (add_table(t, level + 1, e0) < 0)
				return -ENOMEM;
			continue;
		}
		fn(arg, e0, e0 + sz);
		addr = e0 + sz;
	}
	return 0;
}
