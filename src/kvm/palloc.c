// SPDX-License-Identifier: MIT
#include "kvm/palloc.h"

#include <errno.h>
#include <stdlib.h>

#include "hw/pas.h"

int palloc_init(struct palloc *pa, uint64_t base, uint64_t size)
{
	pa->base = base;
	pa->npages = size >> GRANULE_SHIFT;
	pa->bitmap = calloc((pa->npages + 63) / 64, sizeof(uint64_t));
	pa->cursor = 0;
	pa->used = 0;
	pa->leaked = 0;
	return pa->bitmap ? 0 : -ENOMEM;
}

void palloc_fini(struct palloc *pa)
{
	free(pa->bitmap);
	pa->bitmap = NULL;
}

uint64_t palloc_get(struct palloc *pa)
{
	uint64_t words = (pa->npages + 63) / 64;

	for (uint64_t n = 0; n <= words; n++) {
		uint64_t w = (pa->cursor / 64 + n) % words;
		uint64_t free_bits = ~pa->bitmap[w];

		if (w == words - 1 && pa->npages % 64)
			free_bits &= (1ULL << (pa->npages % 64)) - 1;
		if (free_bits) {
			uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(free_bits);

			pa->bitmap[w] |= 1ULL << (i % 64);
			pa->cursor = i + 1 < pa->npages ? i + 1 : 0;
			pa->used++;
			return pa->base + (i << GRANULE_SHIFT);
		}
	}
	return 0;
}

static bool page_used(const struct palloc *pa, uint64_t i)
{
	return pa->bitmap[i / 64] & (1ULL << (i % 64));
}

uint64_t palloc_get_run(struct palloc *pa, uint64_t max, uint64_t *n)
{
	uint64_t first = palloc_get(pa), i;

	*n = 0;
	if (!first)
		return 0;
	/* Next fit, then as many free pages right after it as there are (up to @max). */
	*n = 1;
	i = ((first - pa->base) >> GRANULE_SHIFT) + 1;
	while (*n < max && i < pa->npages && !page_used(pa, i)) {
		pa->bitmap[i / 64] |= 1ULL << (i % 64);
		pa->used++;
		(*n)++;
		i++;
	}
	pa->cursor = i < pa->npages ? i : 0;
	return first;
}

uint64_t palloc_get_contig(struct palloc *pa, uint64_t n)
{
	uint64_t run = 0;

	if (n == 1)
		return palloc_get(pa);
	for (uint64_t i = 0; i < pa->npages; i++) {
		run = page_used(pa, i) ? 0 : run + 1;
		if (run == n) {
			uint64_t first = i + 1 - n;

			for (uint64_t j = first; j <= i; j++)
				pa->bitmap[j / 64] |= 1ULL << (j % 64);
			pa->used += n;
			return pa->base + (first << GRANULE_SHIFT);
		}
	}
	return 0;
}

void palloc_put(struct palloc *pa, uint64_t addr)
{
	uint64_t i = (addr - pa->base) >> GRANULE_SHIFT;

	pa->bitmap[i / 64] &= ~(1ULL << (i % 64));
	pa->used--;
}

void palloc_leak(struct palloc *pa, uint64_t addr)
{
	(void)addr; /* stays marked allocated */
	pa->leaked++;
}

bool palloc_is_used(const struct palloc *pa, uint64_t addr)
{
	return page_used(pa, (addr - pa->base) >> GRANULE_SHIFT);
}
