/* SPDX-License-Identifier: MIT */
/*
 * The host kernel's physical page allocator over simulated DRAM: where
 * KVM gets the granules it delegates (RDs, RTTs, RECs, guest_memfd pages)
 * and the NS pages it shares with the RMM (parameters, REC run pages).
 */
#ifndef REALMKIT_KVM_PALLOC_H
#define REALMKIT_KVM_PALLOC_H

#include <stdbool.h>
#include <stdint.h>

struct palloc {
	uint64_t base;
	uint64_t npages;
	uint64_t *bitmap; /* 1 = allocated */
	uint64_t cursor;  /* next-fit search start */
	uint64_t used;
	uint64_t leaked;  /* pages withheld for good (undelegate failed) */
};

int palloc_init(struct palloc *pa, uint64_t base, uint64_t size);
void palloc_fini(struct palloc *pa);
/* One free page, or 0 when DRAM is exhausted. */
uint64_t palloc_get(struct palloc *pa);
/* @n physically contiguous free pages (first PA), or 0. */
uint64_t palloc_get_contig(struct palloc *pa, uint64_t n);
/* Up to @max contiguous pages, at least one; *@n says how many (0: none left). */
uint64_t palloc_get_run(struct palloc *pa, uint64_t max, uint64_t *n);
void palloc_put(struct palloc *pa, uint64_t addr);
/* Withhold a page forever: it could not be returned safely. */
void palloc_leak(struct palloc *pa, uint64_t addr);
bool palloc_is_used(const struct palloc *pa, uint64_t addr);

#endif
