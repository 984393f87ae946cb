// SPDX-License-Identifier: MIT
/*
 * Unprotected (shared) memory backed by the VMM, as Linux v14 maps it.
 *
 * A realm reaches IPA X | shared bit; KVM strips the bit and looks for a
 * memslot holding X.  None: the access is MMIO (exit.c).  A memslot whose X
 * is PRIVATE (memory attributes): KVM_EXIT_MEMORY_FAULT asking for shared,
 * so that the VMM converts it.  Otherwise the page is the memslot's user
 * memory (userspace_addr + offset): KVM maps it into the realm with
 * RTT_MAP_UNPROTECTED (1.0) / RTT_UNPROT_MAP (2.0) at level 3, creating
 * RTTs as needed, and re-enters.
 *
 * On hardware the user page is a DRAM page and KVM pins it.  Here user
 * memory is process memory outside the simulated DRAM, so KVM gives the
 * page a DRAM granule: an NS page from its allocator, filled with the user
 * page's bytes, then mapped over the user page (pas_alias_map), so the VMM's
 * pointer and the realm's stage 2 reach the same bytes from then on.  The
 * page goes back (RTT_UNMAP_UNPROTECTED / RTT_UNPROT_UNMAP, then the user
 * gets a private page with the same bytes and the granule is freed) when
 * the realm's IPA is made PRIVATE again, when the memslot is deleted, and
 * at teardown.  Called with host->lock held.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/internal.h"
#include "kvm/rmi.h"

/* The host's stage-2 attributes of an NS mapping: Normal Write-Back, read/write. */
#define NS_DESC_ATTRS  (0x6ULL << 2 | 0x3ULL << 6)
#define NS2_MAP_FLAGS  (RMI2_ADDR_TYPE_SINGLE | 0x6ULL << 16 |                          \
			(RMI2_S2AP_READ | RMI2_S2AP_WRITE) << 19)

static uint64_t shared_bit(const struct rk_vm *vm)
{
	return 1ULL << (vm->ipa_bits - 1);
}

static struct rk_shared_page *find(struct rk_vm *vm, uint64_t gpa)
{
	for (unsigned i = 0; i < vm->nshared; i++)
		if (vm->shared[i].gpa == gpa)
			return &vm->shared[i];
	return NULL;
}

static struct rk_shared_page *find_pa(struct rk_vm *vm, uint64_t pa)
{
	for (unsigned i = 0; i < vm->nshared; i++)
		if (vm->shared[i].pa == pa)
			return &vm->shared[i];
	return NULL;
}

/* Map NS @pa at unprotected @ipa (level 3), creating the RTTs on the way. */
static int map_ns(struct rk_vm *vm, uint64_t ipa, uint64_t pa)
{
	struct rk_host *h = vm->host;
	uint64_t x0;
	int ret;

	for (;;) {
		if (h->rmi_v2)
			x0 = rmi2_rtt_unprot_map(h, vm->rd, ipa, ipa + GRANULE_SIZE, NS2_MAP_FLAGS,
						 RMI2_RDESC(pa, 1, RMI2_PAGE_L3));
		else
			x0 = rmi_rtt_map_unprotected(h, vm->rd, ipa, 3, pa | NS_DESC_ATTRS);
		if (RMI_RET_STATUS(x0) != RMI_ERROR_RTT || RMI_RET_INDEX(x0) >= 3)
			break;
		ret = rk_rtt_create_levels(vm, ipa, (int)RMI_RET_INDEX(x0), 3);
		if (ret)
			return ret;
	}
	if (RMI_RET_STATUS(x0) == RMI_SUCCESS)
		return 0;
	return RMI_RET_STATUS(x0) == RMI_ERROR_RTT ? -EEXIST : -ENXIO;
}

static void unmap_ns(struct rk_vm *vm, uint64_t ipa)
{
	struct rk_host *h = vm->host;

	if (h->rmi_v2)
		rmi2_rtt_unprot_unmap(h, vm->rd, ipa, ipa + GRANULE_SIZE, NULL);
	else
		rmi_rtt_unmap_unprotected(h, vm->rd, ipa, 3, NULL);
}

static int track(struct rk_vm *vm, uint64_t gpa, uint64_t uaddr, uint64_t pa)
{
	if (vm->nshared == vm->cap_shared) {
		unsigned cap = vm->cap_shared ? 2 * vm->cap_shared : 16;
		struct rk_shared_page *n = realloc(vm->shared, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		vm->shared = n;
		vm->cap_shared = cap;
	}
	vm->shared[vm->nshared++] = (struct rk_shared_page){ gpa, uaddr, pa, false };
	return 0;
}

/*
 * The user page is already a DRAM page (another GPA of this VM faulted on the
 * same userspace address first): map that same granule, as two memslots on
 * one buffer reach one physical page under Linux.  An alias made for
 * another VM is not modelled (one record per VM): EBUSY.
 */
static int map_existing(struct rk_vm *vm, uint64_t gpa, uint64_t uaddr, uint64_t pa)
{
	struct rk_shared_page *o = find_pa(vm, pa);
	int ret;

	if (!o)
		return -EBUSY;
	o->multi = true;
	ret = track(vm, gpa, uaddr, pa);
	if (ret)
		return ret;
	vm->shared[vm->nshared - 1].multi = true;
	ret = map_ns(vm, gpa | shared_bit(vm), pa);
	if (ret)
		vm->nshared--;
	return ret ? ret : 1;
}

int rk_shared_fault(struct rk_vcpu *v, uint64_t ipa)
{
	struct rk_vm *vm = v->vm;
	struct rk_host *h = vm->host;
	uint64_t gpa = ipa & ~shared_bit(vm) & ~GRANULE_MASK, uaddr, pa;
	struct rk_memslot *s = rk_vm_slot_of(vm, gpa);
	void *hva, *user;
	int ret;

	if (!s)
		return 0; /* no memory there: MMIO */
	if (rk_vm_range_private(vm, gpa, GRANULE_SIZE)) {
		/* The realm wants shared what the VMM keeps private: the VMM decides. */
		v->run->memory_fault.flags = 0;
		v->run->memory_fault.gpa = gpa;
		v->run->memory_fault.size = GRANULE_SIZE;
		v->run->exit_reason = KVM_EXIT_MEMORY_FAULT;
		return -EFAULT;
	}
	if (find(vm, gpa))
		return 1; /* mapped since this vCPU faulted (another vCPU was first) */
	uaddr = s->uaddr + (gpa - s->gpa);
	user = (void *)(uintptr_t)uaddr;
	if (pas_alias_lookup(h->pas, user, &pa) == 1)
		return map_existing(vm, gpa, uaddr, pa);
	pa = palloc_get(&h->pages);
	if (!pa)
		return -ENOMEM;
	hva = pas_host_va(h->pas, pa);
	/*
	 * get_user_pages(FOLL_WRITE): the page must be there and writable.
	 * Reading it and writing the same bytes back proves both without a
	 * signal; a bad address is EFAULT from KVM_RUN, as in Linux.
	 */
	if (rk_copy_from_user(hva, user, GRANULE_SIZE) ||
	    rk_copy_to_user(user, hva, GRANULE_SIZE)) {
		ret = -EFAULT;
		goto free;
	}
	/* The user page becomes the DRAM page before the realm can reach it. */
	ret = pas_alias_map(h->pas, pa, user);
	if (ret)
		goto free;
	ret = track(vm, gpa, uaddr, pa);
	if (!ret)
		ret = map_ns(vm, gpa | shared_bit(vm), pa);
	if (!ret)
		return 1;
	if (vm->nshared && vm->shared[vm->nshared - 1].pa == pa)
		vm->nshared--;
	pas_alias_unmap(h->pas, pa, user);
free:
	pas_scrub(h->pas, pa);
	palloc_put(&h->pages, pa);
	if (ret == -EFAULT)
		v->run->exit_reason = KVM_EXIT_UNKNOWN;
	return ret;
}

/* Does a remaining entry (index >= @from, or kept below @k) still use @pa? */
static bool pa_in_use(struct rk_vm *vm, unsigned k, unsigned from, uint64_t pa, uint64_t gpa,
		      uint64_t size)
{
	for (unsigned i = 0; i < k; i++)
		if (vm->shared[i].pa == pa)
			return true;
	for (unsigned i = from; i < vm->nshared; i++) {
		struct rk_shared_page *q = &vm->shared[i];

		if (q->pa == pa && (q->gpa < gpa || q->gpa - gpa >= size))
			return true;
	}
	return false;
}

void rk_shared_unmap_range(struct rk_vm *vm, uint64_t gpa, uint64_t size)
{
	struct rk_host *h = vm->host;
	unsigned k = 0;

	for (unsigned i = 0; i < vm->nshared; i++) {
		struct rk_shared_page p = vm->shared[i];

		if (p.gpa < gpa || p.gpa - gpa >= size) {
			vm->shared[k++] = p;
			continue;
		}
		/* The realm first (a broadcast TLBI by IPA), then the VMM gets its page back. */
		unmap_ns(vm, p.gpa | shared_bit(vm));
		/*
		 * A granule another GPA still maps stays the user's alias; the last
		 * GPA to go gives it back (an entry later in this range does that).
		 */
		if (p.multi && pa_in_use(vm, k, i + 1, p.pa, gpa, size))
			continue;
		if (p.multi) {
			bool later = false;

			for (unsigned j = i + 1; j < vm->nshared && !later; j++)
				later = vm->shared[j].pa == p.pa;
			if (later)
				continue;
		}
		if (pas_alias_unmap(h->pas, p.pa, (void *)(uintptr_t)p.uaddr) < 0) {
			/* The user mapping could not be replaced: the page stays the user's. */
			palloc_leak(&h->pages, p.pa);
			continue;
		}
		pas_scrub(h->pas, p.pa);
		palloc_put(&h->pages, p.pa);
	}
	vm->nshared = k;
}
