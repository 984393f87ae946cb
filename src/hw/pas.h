/* SPDX-License-Identifier: MIT */
/*
 * The simulated physical side of an Arm CCA machine: DRAM, the Granule
 * Protection Table (GPT) and the two views of memory.
 *
 * DRAM is one memfd, mapped twice:
 *   - the host view: what Normal-world software (KVM, the VMM) may touch.
 *     A granule whose GPT entry is not NS is PROT_NONE here, so a host
 *     access really faults, as a Granule Protection Fault would.
 *   - the RMM view: the Realm-world view the RMM uses.  It is never handed
 *     out above the RMM.
 * Backing is lazy: untouched DRAM costs nothing.  Once written, a page stays
 * backed (scrubbing zeroes it in place) until pas_release_range() gives it
 * back, as DRAM that a machine has used stays its memory.
 */
#ifndef REALMKIT_HW_PAS_H
#define REALMKIT_HW_PAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GRANULE_SHIFT 12
#define GRANULE_SIZE  (1UL << GRANULE_SHIFT)
#define GRANULE_MASK  (GRANULE_SIZE - 1)

#define PAS_DEFAULT_DRAM_BASE 0x80000000UL
#define PAS_DEFAULT_DRAM_SIZE (1UL << 30)

/* Physical address spaces a granule can be assigned to in the GPT. */
enum pas_id {
	PAS_NS = 0,
	PAS_REALM = 1,
};

struct pas;

/* Returns NULL (and sets errno) if the size is not granule-aligned or the mapping fails. */
struct pas *pas_create(uint64_t dram_base, uint64_t dram_size);
void pas_destroy(struct pas *pas);

uint64_t pas_dram_base(const struct pas *pas);
uint64_t pas_dram_size(const struct pas *pas);
uint64_t pas_granule_count(const struct pas *pas);

/* True if [pa, pa + len) lies inside DRAM (len 0 means a single byte). */
bool pas_in_dram(const struct pas *pas, uint64_t pa, uint64_t len);
/* Granule index of a DRAM PA; the caller has checked pas_in_dram(). */
uint64_t pas_granule_index(const struct pas *pas, uint64_t pa);

/* GPT lookup; PAs outside DRAM report PAS_NS (they are nobody's realm memory). */
enum pas_id pas_gpt_get(const struct pas *pas, uint64_t pa);
/*
 * GPT transition of one granule, done on behalf of the monitor.  Moving to
 * PAS_REALM revokes the host mapping; moving back restores it.  Returns 0 or
 * -errno if the host mapping could not be changed (the GPT is then unchanged).
 */
int pas_gpt_set(struct pas *pas, uint64_t pa, enum pas_id id);
/* The same for the @n granules from @pa, in one change of the host mapping; all or none. */
int pas_gpt_set_range(struct pas *pas, uint64_t pa, uint64_t n, enum pas_id id);

/*
 * Host (Normal-world) pointer to a PA.  Any access through it to a granule
 * that is not NS faults (SIGSEGV).  NULL outside DRAM.
 */
void *pas_host_va(struct pas *pas, uint64_t pa);
/* Would a host read of this granule fault right now?  Probed for real, without a signal. */
bool pas_host_faults(struct pas *pas, uint64_t pa);

/* Realm-world view, for the RMM only. NULL outside DRAM. */
void *pas_rmm_va(struct pas *pas, uint64_t pa);
/*
 * Zero a granule in place: it reads as zero and keeps its backing page (a
 * hole stays a hole).  Scrubbing never gives memory back: that would cost an
 * unmap and a refault of the page the next time the granule is written.
 */
void pas_scrub(struct pas *pas, uint64_t pa);
/* The same for the @n granules from @pa (in DRAM, checked by the caller). */
void pas_scrub_range(struct pas *pas, uint64_t pa, uint64_t n);
/* Zero the @n granules from @pa and give their pages back to the host OS (hole punch). */
void pas_release_range(struct pas *pas, uint64_t pa, uint64_t n);
/* True if the granule reads as all zeroes (through the RMM view, without populating it). */
bool pas_is_zero(struct pas *pas, uint64_t pa);

/*
 * Host user mappings of NS DRAM (a VMM's memory that KVM maps for a realm).
 * On hardware the page a VMM's address points at IS a DRAM page; here a
 * VMM's memory is ordinary process memory, so KVM makes it so:
 * pas_alias_map() maps the NS granule @pa over the page at @addr
 * (MAP_FIXED | MAP_SHARED of the DRAM file), so that the realm (through the
 * RMM view) and the VMM see the same bytes.  pas_alias_mapped() says
 * whether @addr still maps exactly that granule (the VMM may have unmapped
 * or replaced it since).  pas_alias_unmap() gives @addr back an ordinary
 * private anonymous page holding the granule's current bytes, atomically
 * (mremap), if it still maps the granule.  All return 0 or -errno.
 */
int pas_alias_map(struct pas *pas, uint64_t pa, void *addr);
bool pas_alias_mapped(struct pas *pas, uint64_t pa, void *addr);
/* 1 and *@pa if @addr is now an alias of a DRAM granule, 0 if not, -errno on failure. */
int pas_alias_lookup(struct pas *pas, void *addr, uint64_t *pa);
int pas_alias_unmap(struct pas *pas, uint64_t pa, void *addr);

/* Bytes of DRAM currently backed by host memory. */
uint64_t pas_resident_bytes(const struct pas *pas);

#endif
