// SPDX-License-Identifier: MIT
/*
 * KVM's side of a realm: creating the realm descriptor, populating initial
 * memory, setting RIPAS, activation and teardown, all through RMI calls.
 *
 * RTT policy (it is part of the RIM under RMM 1.0, see docs/KVM.md):
 *   - populate maps every page at level 3, creating missing RTTs down to 3;
 *   - RIPAS init creates a deeper RTT only where the range does not cover a
 *     whole entry of the deepest existing level, so aligned ranges use the
 *     largest block they fill; populated pages are already RAM and skipped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kvm/internal.h"
#include "kvm/rmi.h"

#define DFR0_DEBUGVER_V8 0x6ULL
#define DFR0_BRPS_SHIFT  12
#define DFR0_WRPS_SHIFT  20

static uint64_t level_size(int level)
{
	return 1ULL << (GRANULE_SHIFT + 9 * (3 - level));
}

uint64_t rk_dfr0_default(struct rk_host *h)
{
	uint64_t f0 = rmi_features(h, 0);
	uint64_t bps = (f0 >> RMI_FEATURE_REGISTER_0_NUM_BPS_SHIFT) & 0x3f;
	uint64_t wps = (f0 >> RMI_FEATURE_REGISTER_0_NUM_WPS_SHIFT) & 0x3f;

	return DFR0_DEBUGVER_V8 | (bps & 0xf) << DFR0_BRPS_SHIFT | (wps & 0xf) << DFR0_WRPS_SHIFT;
}

static int track(struct rk_vm *vm, uint64_t pa)
{
	if (vm->ndelegated == vm->cap_delegated) {
		uint64_t cap = vm->cap_delegated ? 2 * vm->cap_delegated : 64;
		uint64_t *n = realloc(vm->delegated, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		vm->delegated = n;
		vm->cap_delegated = cap;
	}
	vm->delegated[vm->ndelegated++] = pa;
	return 0;
}

/* Give a granule back to the host, or withhold it for good if the RMM will not. */
static void undelegate_free(struct rk_host *h, uint64_t pa)
{
	if (rmi_ok(rk_rmi_delegate(h, pa, false)))
		palloc_put(&h->pages, pa);
	else
		palloc_leak(&h->pages, pa);
}

/* Delegate @pa and remember it for teardown; on failure @pa is the caller's to free. */
static int delegate_tracked(struct rk_vm *vm, uint64_t pa)
{
	if (!rmi_ok(rk_rmi_delegate(vm->host, pa, true)))
		return -ENXIO;
	if (track(vm, pa) < 0) {
		undelegate_free(vm->host, pa);
		return -ENOMEM;
	}
	return 0;
}

uint64_t rk_vm_delegate_new(struct rk_vm *vm)
{
	uint64_t pa = palloc_get(&vm->host->pages);

	if (!pa)
		return 0;
	if (delegate_tracked(vm, pa) < 0) {
		palloc_put(&vm->host->pages, pa);
		return 0;
	}
	return pa;
}

/* An NS page the host shares with the RMM (zeroed). */
static uint64_t ns_page(struct rk_host *h)
{
	uint64_t pa = palloc_get(&h->pages);

	if (pa)
		memset(pas_host_va(h->pas, pa), 0, GRANULE_SIZE);
	return pa;
}

static int vmid_alloc(struct rk_host *h)
{
	for (unsigned v = 1; v < 65536; v++)
		if (!(h->vmid_used[v / 8] & (1U << (v % 8)))) {
			h->vmid_used[v / 8] |= (uint8_t)(1U << (v % 8));
			return (int)v;
		}
	return -EAGAIN;
}

static void vmid_free(struct rk_host *h, unsigned v)
{
	h->vmid_used[v / 8] &= (uint8_t) ~(1U << (v % 8));
}

/*
 * Stage-2 geometry as KVM builds it for an IPA size: the fewest levels,
 * concatenating up to 16 tables at the start level.
 */
static void rtt_geometry(unsigned ipa, int *level, unsigned *num)
{
	unsigned levels = (ipa - 8) / 9, table_bits;

	*level = 4 - (int)levels;
	table_bits = (unsigned)(3 - *level) * 9 + 21;
	*num = ipa > table_bits ? 1U << (ipa - table_bits) : 1;
}

int rk_realm_ensure_created(struct rk_vm *vm)
{
	struct rk_host *h = vm->host;
	struct rmi_realm_params *p;
	uint64_t params, rd, rtt;
	int vmid, ret = -ENOMEM;

	if (vm->state != RK_REALM_NONE)
		return vm->state == RK_REALM_DEAD ? -ENXIO : 0;
	/* Not zeroed: populate copies only the whole pages it has just filled. */
	for (unsigned i = 0; i < RK_STAGING_PAGES; i++)
		if (!vm->staging[i] && !(vm->staging[i] = palloc_get(&h->pages)))
			return -ENOMEM;
	vmid = vmid_alloc(h);
	if (vmid < 0)
		return vmid;
	rtt_geometry(vm->ipa_bits, &vm->rtt_level_start, &vm->rtt_num_start);
	params = ns_page(h);
	rd = palloc_get(&h->pages);
	rtt = palloc_get_contig(&h->pages, vm->rtt_num_start);
	if (!params || !rd || !rtt) {
		if (rd)
			palloc_put(&h->pages, rd);
		for (unsigned i = 0; rtt && i < vm->rtt_num_start; i++)
			palloc_put(&h->pages, rtt + i * GRANULE_SIZE);
		goto out;
	}
	/* Delegate the RD and the starting RTTs; a page not delegated goes straight back. */
	ret = -ENXIO;
	for (unsigned i = 0; i <= vm->rtt_num_start; i++) {
		uint64_t pa = i ? rtt + (i - 1) * GRANULE_SIZE : rd;

		if (delegate_tracked(vm, pa) < 0) {
			for (unsigned j = i; j <= vm->rtt_num_start; j++)
				palloc_put(&h->pages, j ? rtt + (j - 1) * GRANULE_SIZE : rd);
			goto undo;
		}
	}
	p = pas_host_va(h->pas, params);
	p->s2sz = vm->ipa_bits;
	p->num_bps = (vm->dfr0 >> DFR0_BRPS_SHIFT) & 0xf;
	p->num_wps = (vm->dfr0 >> DFR0_WRPS_SHIFT) & 0xf;
	p->hash_algo = vm->hash_algo;
	memcpy(p->rpv, vm->rpv, sizeof(p->rpv));
	if (!h->rmi_v2)
		p->vmid = (uint64_t)vmid; /* 2.0: the RMM allocates VMIDs (0x800 is padding) */
	p->rtt_base = rtt;
	p->rtt_level_start = vm->rtt_level_start;
	p->rtt_num_start = vm->rtt_num_start;
	if (!rmi_ok(rmi_realm_create(h, rd, params)))
		goto undo;
	palloc_put(&h->pages, params);
	vm->rd = rd;
	vm->rtt_base = rtt;
	vm->vmid = (uint16_t)vmid;
	vm->state = RK_REALM_NEW;
	return 0;
undo:
	/* Nothing was created: give back what was delegated and stay without an RD. */
	for (uint64_t i = 0; i < vm->ndelegated; i++)
		undelegate_free(h, vm->delegated[i]);
	vm->ndelegated = 0;
out:
	if (params)
		palloc_put(&h->pages, params);
	vmid_free(h, (unsigned)vmid);
	return ret;
}

int rk_rtt_create_levels(struct rk_vm *vm, uint64_t ipa, int from, int to)
{
	for (int l = from + 1; l <= to; l++) {
		uint64_t rtt = rk_vm_delegate_new(vm);

		if (!rtt)
			return -ENOMEM;
		if (!rmi_ok(rmi_rtt_create(vm->host, vm->rd, rtt, ipa & ~(level_size(l - 1) - 1), l)))
			return -ENXIO; /* stays tracked: undelegated at teardown */
	}
	return 0;
}

/* ---- populate ---- */

struct populate_op {
	uint64_t base, size; /* what is left to do */
	uint32_t flags;
	/* Fill staging pages [0, n) with the next n pages of source; returns pages filled or -errno. */
	long (*fill)(struct rk_vm *vm, struct populate_op *op, unsigned n);
	uint64_t src; /* user address or file offset of the next page */
	int fd;
};

static long fill_from_user(struct rk_vm *vm, struct populate_op *op, unsigned n)
{
	struct iovec local[RK_STAGING_PAGES], remote;
	ssize_t got;

	for (unsigned i = 0; i < n; i++) {
		local[i].iov_base = pas_host_va(vm->host->pas, vm->staging[i]);
		local[i].iov_len = GRANULE_SIZE;
	}
	/* copy_from_user: a bad user address is -EFAULT, never a crash. */
	remote.iov_base = (void *)(uintptr_t)op->src;
	remote.iov_len = (size_t)n * GRANULE_SIZE;
	got = process_vm_readv(getpid(), local, n, &remote, 1, 0);
	vm->host->syscalls++;
	if (got < 0)
		return -EFAULT;
	vm->host->bytes_copied += (uint64_t)got;
	return got / (ssize_t)GRANULE_SIZE ? got / (ssize_t)GRANULE_SIZE : -EFAULT;
}

static long fill_from_fd(struct rk_vm *vm, struct populate_op *op, unsigned n)
{
	struct iovec iov[RK_STAGING_PAGES];
	ssize_t got;

	for (unsigned i = 0; i < n; i++) {
		iov[i].iov_base = pas_host_va(vm->host->pas, vm->staging[i]);
		iov[i].iov_len = GRANULE_SIZE;
	}
	/* The file is read straight into the pages the RMM copies from. */
	got = preadv(op->fd, iov, (int)n, (off_t)op->src);
	vm->host->syscalls++;
	if (got < 0)
		return -errno; /* as pread(2) says: EBADF, EISDIR, ESPIPE, EIO, ... */
	vm->host->bytes_copied += (uint64_t)got;
	/*
	 * A short file: its last page reads as zeroes past the end (as a page
	 * cache page would); pages wholly past the end are not populated, so
	 * the next fill finds no data and fails.  Whatever the chunking, the
	 * same pages are populated with the same contents.
	 */
	if (got < (ssize_t)n * (ssize_t)GRANULE_SIZE) {
		if (got == 0)
			return -EINVAL;
		n = (unsigned)((got + GRANULE_SIZE - 1) / GRANULE_SIZE);
		for (ssize_t off = got; off < (ssize_t)n * (ssize_t)GRANULE_SIZE; off++)
			((uint8_t *)iov[off / GRANULE_SIZE].iov_base)[off % GRANULE_SIZE] = 0;
	}
	return n;
}

/*
 * Back the private page at @gpa with a new guest_memfd page: delegate it and
 * DATA_CREATE it (from the NS page @src, measured per @rmi_flags) or, with
 * @src 0, DATA_CREATE_UNKNOWN, creating RTTs down to level 3 as needed.
 * @bad_slot is the error for a page not in a private guest_memfd memslot.
 */
static int data_page(struct rk_vm *vm, uint64_t gpa, uint64_t src, uint64_t rmi_flags,
		     int bad_slot)
{
	struct rk_host *h = vm->host;
	struct rk_memslot *s = rk_vm_slot_of(vm, gpa);
	uint64_t idx, pa, x0;
	int ret;

	if (!s || !s->gmem || !rk_vm_range_private(vm, gpa, GRANULE_SIZE))
		return bad_slot;
	idx = (s->gmem_offset + (gpa - s->gpa)) >> GRANULE_SHIFT;
	if (s->gmem->pages[idx])
		return -EEXIST;
	if (vm->predel_n) {
		/* Already delegated with its neighbours (populate_predelegate()). */
		pa = vm->predel_base;
		vm->predel_base += GRANULE_SIZE;
		vm->predel_n--;
	} else {
		pa = palloc_get(&h->pages);
		if (!pa)
			return -ENOMEM;
		if (!rmi_ok(rk_rmi_delegate(h, pa, true))) {
			palloc_put(&h->pages, pa);
			return -ENXIO;
		}
	}
	for (;;) {
		/* 2.0: RTT_DATA_MAP_INIT has DATA_CREATE's number and inputs; RTT_DATA_MAP maps. */
		if (src)
			x0 = h->rmi_v2 ? rmi2_rtt_data_map_init(h, vm->rd, pa, gpa, src, rmi_flags)
				       : rmi_data_create(h, vm->rd, pa, gpa, src, rmi_flags);
		else if (h->rmi_v2)
			x0 = rmi2_rtt_data_map(h, vm->rd, gpa, gpa + GRANULE_SIZE,
					       RMI2_ADDR_TYPE_SINGLE, RMI2_RDESC(pa, 1, RMI2_PAGE_L3));
		else
			x0 = rmi_data_create_unknown(h, vm->rd, pa, gpa);
		if (RMI_RET_STATUS(x0) != RMI_ERROR_RTT || RMI_RET_INDEX(x0) >= 3)
			break;
		ret = rk_rtt_create_levels(vm, gpa, (int)RMI_RET_INDEX(x0), 3);
		if (ret) {
			undelegate_free(h, pa);
			return ret;
		}
	}
	if (!rmi_ok(x0)) {
		undelegate_free(h, pa);
		return RMI_RET_STATUS(x0) == RMI_ERROR_RTT ? -EEXIST : -ENXIO;
	}
	s->gmem->pages[idx] = pa;
	return 0;
}

/* Populate one page from staging page @i. */
static int populate_page(struct rk_vm *vm, uint64_t gpa, unsigned i, uint32_t flags)
{
	return data_page(vm, gpa, vm->staging[i],
			 flags & KVM_ARM_RMI_POPULATE_FLAGS_MEASURE ? RMI_MEASURE_CONTENT : 0,
			 -EINVAL);
}

int rk_realm_populate_staged(struct rk_vm *vm, uint64_t gpa, unsigned i, bool measure)
{
	return populate_page(vm, gpa, i, measure ? KVM_ARM_RMI_POPULATE_FLAGS_MEASURE : 0);
}

/*
 * RMM 2.0: delegate the pages for the next @n populated pages as one run,
 * the way v14's allocator hands GRANULE_RANGE_DELEGATE contiguous memory:
 * one GPT change for the run instead of one per page.  Best effort: what
 * is not delegated here, data_page() delegates page by page.
 */
static void populate_predelegate(struct rk_vm *vm, uint64_t n)
{
	struct rk_host *h = vm->host;
	uint64_t base, got, top, pa, out;

	if (!h->rmi_v2 || vm->predel_n || n < 2)
		return;
	base = palloc_get_run(&h->pages, n, &got);
	if (!got)
		return;
	top = base + (got << GRANULE_SHIFT);
	pa = base;
	while (pa < top) {
		if (!rmi_ok(rmi2_granule_range_delegate(h, pa, top, &out)) || out <= pa || out > top)
			break;
		pa = out;
	}
	for (uint64_t p = pa; p < top; p += GRANULE_SIZE)
		palloc_put(&h->pages, p);
	vm->predel_base = base;
	vm->predel_n = (pa - base) >> GRANULE_SHIFT;
}

/* Give back what populate_predelegate() delegated and populate did not use. */
static void populate_predelegate_drop(struct rk_vm *vm)
{
	while (vm->predel_n) {
		undelegate_free(vm->host, vm->predel_base);
		vm->predel_base += GRANULE_SIZE;
		vm->predel_n--;
	}
}

/* The loop shared by both populate ioctls; writes progress back into @op. */
static int populate(struct rk_vm *vm, struct populate_op *op)
{
	uint64_t budget = vm->populate_chunk ? vm->populate_chunk : UINT64_MAX;
	uint64_t done = 0;
	int ret = 0;

	if (vm->state == RK_REALM_DEAD)
		return -ENXIO; /* activation failed: as realm_ensure_created() */
	if (vm->has_run || vm->state == RK_REALM_ACTIVE)
		return -EBUSY;
	ret = rk_realm_ensure_created(vm);
	if (ret)
		return ret;
	if (op->base + op->size > (1ULL << (vm->ipa_bits - 1)))
		return -EINVAL;
	while (op->size && done < budget) {
		uint64_t left = op->size >> GRANULE_SHIFT;
		unsigned n = left < RK_STAGING_PAGES ? (unsigned)left : RK_STAGING_PAGES;
		long filled;

		if (n > budget - done)
			n = (unsigned)(budget - done);
		filled = op->fill(vm, op, n);
		if (filled < 0) {
			ret = (int)filled;
			break;
		}
		populate_predelegate(vm, (uint64_t)filled);
		for (long i = 0; i < filled; i++) {
			ret = populate_page(vm, op->base, (unsigned)i, op->flags);
			if (ret)
				break;
			op->base += GRANULE_SIZE;
			op->size -= GRANULE_SIZE;
			op->src += GRANULE_SIZE;
			done++;
		}
		if (ret)
			break;
	}
	populate_predelegate_drop(vm);
	/* Progress made: report it; the error (if any) comes back on the next call. */
	return done ? 0 : ret;
}

static int populate_checks(uint64_t base, uint64_t size, uint64_t src_align, uint32_t flags,
			   uint64_t reserved)
{
	if (reserved || (flags & ~KVM_ARM_RMI_POPULATE_FLAGS_MEASURE))
		return -EINVAL;
	if (base + size < base || (base | size | src_align) & GRANULE_MASK)
		return -EINVAL;
	return 0;
}

int rk_realm_populate(struct rk_vm *vm, struct kvm_arm_rmi_populate *p)
{
	struct populate_op op = { .base = p->base, .size = p->size, .flags = p->flags,
				  .fill = fill_from_user, .src = p->source_uaddr };
	int ret = populate_checks(p->base, p->size, p->source_uaddr, p->flags, p->reserved);

	if (!ret && !p->source_uaddr)
		ret = -EINVAL;
	if (ret)
		return ret;
	ret = populate(vm, &op);
	p->base = op.base;
	p->size = op.size;
	p->source_uaddr = op.src;
	return ret;
}

int rk_realm_populate_fd(struct rk_vm *vm, struct kvm_realmkit_populate_fd *p)
{
	struct populate_op op = { .base = p->base, .size = p->size, .flags = p->flags,
				  .fill = fill_from_fd, .src = p->offset, .fd = p->fd };
	int ret = populate_checks(p->base, p->size, p->offset, p->flags, p->reserved);

	if (!ret && p->fd < 0)
		ret = -EBADF;
	/* Offsets are off_t: the whole range must be one (as pread(2) checks). */
	if (!ret && (p->offset > INT64_MAX || p->size > INT64_MAX - p->offset))
		ret = -EINVAL;
	if (ret)
		return ret;
	ret = populate(vm, &op);
	p->base = op.base;
	p->size = op.size;
	p->offset = op.src;
	return ret;
}

/* ---- RIPAS ---- */

/*
 * RIPAS RAM over [*base, top), creating RTTs only where an entry is not
 * wholly inside the range, stopping after @budget pages.  *base advances.
 */
static int init_ripas(struct rk_vm *vm, uint64_t *base, uint64_t top, uint64_t budget)
{
	struct rk_host *h = vm->host;
	uint64_t start = *base;

	while (*base < top && (*base - start) >> GRANULE_SHIFT < budget) {
		uint64_t left = budget - ((*base - start) >> GRANULE_SHIFT), lim = top, x0, out;
		struct rmi_rtt_entry e = { .walk_level = 3 };
		uint64_t size;
		int level;

		/*
		 * The budget limits the range of this call, never below the whole
		 * entry at *base: the RTT levels (and so the RIM) must not depend
		 * on the chunk size.
		 */
		if (left < (top - *base) >> GRANULE_SHIFT) {
			rmi_rtt_read_entry(h, vm->rd, *base, 3, &e); /* level 3 if it fails */
			size = level_size((int)e.walk_level);
			lim = *base + (left << GRANULE_SHIFT);
			if (lim < (*base & ~(size - 1)) + size)
				lim = (*base & ~(size - 1)) + size;
			if (lim > top)
				lim = top;
		}
		x0 = rmi_rtt_init_ripas(h, vm->rd, *base, lim, &out);
		if (rmi_ok(x0)) {
			*base = out;
			continue;
		}
		if (RMI_RET_STATUS(x0) != RMI_ERROR_RTT ||
		    !rmi_ok(rmi_rtt_read_entry(h, vm->rd, *base, 3, &e)))
			return -ENXIO;
		level = (int)e.walk_level;
		size = level_size(level);
		if (e.state == RMI_ASSIGNED) {
			/* Populated: DATA_CREATE already made it RAM (and measured it). */
			*base = (*base & ~(size - 1)) + size;
			continue;
		}
		if (e.state != RMI_UNASSIGNED || level >= 3)
			return -ENXIO;
		if (rk_rtt_create_levels(vm, *base, level, level + 1) < 0)
			return -ENOMEM;
	}
	if (*base > top)
		*base = top;
	return 0;
}

int rk_realm_init_ripas_ioctl(struct rk_vm *vm, struct kvm_realmkit_init_ripas *r)
{
	uint64_t top = r->base + r->size;
	int ret;

	if (!vm->vmm_ripas || r->flags || r->reserved)
		return -EINVAL;
	if (top < r->base || (r->base | r->size) & GRANULE_MASK)
		return -EINVAL;
	if (vm->state == RK_REALM_DEAD)
		return -ENXIO;
	if (vm->has_run || vm->state == RK_REALM_ACTIVE)
		return -EBUSY;
	ret = rk_realm_ensure_created(vm);
	if (ret)
		return ret;
	if (top > (1ULL << (vm->ipa_bits - 1)))
		return -EINVAL;
	/* Only private memory backed by guest_memfd can be RAM. */
	for (uint64_t gpa = r->base; gpa < top;) {
		struct rk_memslot *s = rk_vm_slot_of(vm, gpa);

		if (!s || !s->gmem)
			return -EINVAL;
		gpa = s->gpa + s->size;
	}
	if (r->size && !rk_vm_range_private(vm, r->base, r->size))
		return -EINVAL;
	ret = init_ripas(vm, &r->base, top,
			 vm->populate_chunk ? vm->populate_chunk : UINT64_MAX);
	r->size = top - r->base;
	return ret;
}

/* ---- running realms: stage-2 faults and RIPAS changes ---- */

/*
 * A realm touched private RAM that has no page yet: give it a zeroed one
 * from its guest_memfd, as Linux (<= v12, RMM 1.0) does with
 * RMI_DATA_CREATE_UNKNOWN, creating RTTs as needed.
 */
int rk_realm_map_private(struct rk_vm *vm, uint64_t ipa)
{
	/* An existing page means the realm faulted on memory that is not RAM any more. */
	return data_page(vm, ipa, 0, 0, -EFAULT);
}

static void gmem_page_gone(struct rk_vm *vm, uint64_t ipa, uint64_t pa, bool leaked);

/* Unmap the DATA page at @ipa: DATA_DESTROY, or 2.0's RTT_DATA_UNMAP; its PA or 0. */
static uint64_t data_unmap(struct rk_vm *vm, uint64_t ipa)
{
	uint64_t data = 0;

	if (!vm->host->rmi_v2)
		return rmi_ok(rmi_data_destroy(vm->host, vm->rd, ipa, &data, NULL)) ? data : 0;
	rmi2_rtt_data_unmap(vm->host, vm->rd, ipa, ipa + GRANULE_SIZE, RMI2_ADDR_TYPE_SINGLE, 0,
			    NULL, &data);
	return data ? RMI2_RDESC_ADDR(data) : 0;
}

/* The private page at @ipa goes (memory the realm made EMPTY): destroy and free it. */
static void destroy_private(struct rk_vm *vm, uint64_t ipa)
{
	struct rk_host *h = vm->host;
	uint64_t pa = data_unmap(vm, ipa);

	if (pa)
		gmem_page_gone(vm, ipa, pa, !rmi_ok(rk_rmi_delegate(h, pa, false)));
}

uint64_t rk_realm_set_ripas(struct rk_vcpu *v, uint64_t base, uint64_t top)
{
	struct rk_vm *vm = v->vm;
	struct rk_host *h = vm->host;
	uint64_t addr = base;

	while (addr < top) {
		uint64_t out = addr, x0 = rmi_rtt_set_ripas(h, vm->rd, v->rec, addr, top, &out);

		if (rmi_ok(x0)) {
			if (v->ripas.ripas == RMI_EMPTY)
				for (uint64_t a = addr; a < out; a += GRANULE_SIZE) {
					struct rk_memslot *s = rk_vm_slot_of(vm, a);

					if (s && s->gmem &&
					    s->gmem->pages[(s->gmem_offset + (a - s->gpa)) >>
							   GRANULE_SHIFT])
						destroy_private(vm, a);
				}
			addr = out;
			continue;
		}
		if (RMI_RET_STATUS(x0) != RMI_ERROR_RTT || RMI_RET_INDEX(x0) >= 3)
			break;
		/* The range starts or ends inside a block: split it. */
		if (rk_rtt_create_levels(vm, addr, (int)RMI_RET_INDEX(x0), (int)RMI_RET_INDEX(x0) + 1) < 0)
			break;
	}
	return addr;
}

/* ---- activation ---- */

/*
 * Drive a 2.0 stateful operation to its end as Linux v14 loops: NONE ->
 * OP_CONTINUE; DONATE -> new delegated granules (tracked: undelegated at
 * teardown) listed in an NS page, OP_MEM_DONATE; RECLAIM -> OP_MEM_RECLAIM
 * (the granules come back DELEGATED and stay tracked); BUSY/BLOCKED ->
 * again.  Returns the final x0.
 */
static uint64_t sro_loop(struct rk_vm *vm, uint64_t x0, uint64_t handle, struct smc_result *r)
{
	struct rk_host *h = vm->host;
	uint64_t list = ns_page(h);

	if (!list)
		return RMI_RET(RMI_ERROR_INPUT, 0);
	for (unsigned step = 0; step < 1000; step++) {
		unsigned st = RMI_RET_STATUS(x0);
		uint64_t *l = pas_host_va(h->pas, list);

		if (st == RMI2_BUSY || st == RMI2_BLOCKED) {
			x0 = rmi2_op_continue(h, handle, r);
			continue;
		}
		if (st != RMI2_INCOMPLETE)
			break;
		if (RMI2_OP_MEM_REQ(x0) == RMI2_OP_MEM_REQ_DONATE) {
			uint64_t n = RMI2_DONATE_COUNT(r->x[2]);

			for (uint64_t i = 0; i < n; i++) {
				uint64_t pa = rk_vm_delegate_new(vm);

				if (!pa) {
					n = i;
					break;
				}
				l[i] = RMI2_RDESC(pa, 1, RMI2_PAGE_L3);
			}
			if (!n && !rmi_ok(rmi2_op_cancel(h, handle, r))) {
				x0 = r->x[0];
				continue;
			}
			x0 = n ? rmi2_op_mem_donate(h, handle, list, n, r) : RMI_RET(RMI_ERROR_INPUT, 0);
		} else if (RMI2_OP_MEM_REQ(x0) == RMI2_OP_MEM_REQ_RECLAIM) {
			x0 = rmi2_op_mem_reclaim(h, handle, list, GRANULE_SIZE / 8, r);
		} else {
			x0 = rmi2_op_continue(h, handle, r);
		}
	}
	palloc_put(&h->pages, list);
	return x0;
}

static int create_recs(struct rk_vm *vm)
{
	struct rk_host *h = vm->host;

	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct rk_vcpu *v = vm->vcpus[i];
		struct rmi_rec_params *p;
		uint64_t params;
		bool ok;

		if (!v || v->id != i || !v->initialised || !v->psci_0_2)
			return -EINVAL; /* dense vCPU ids, each initialised with PSCI 0.2 */
		v->rec = rk_vm_delegate_new(vm);
		v->run_page = ns_page(h);
		params = ns_page(h);
		if (!v->rec || !v->run_page || !params) {
			if (params)
				palloc_put(&h->pages, params);
			return -ENOMEM;
		}
		p = pas_host_va(h->pas, params);
		p->flags = i == 0 ? RMI_REC_PARAMS_FLAG_RUNNABLE : 0;
		p->mpidr = (i & 0xf) | ((uint64_t)(i >> 4) & 0xff) << 8;
		p->pc = v->pc;
		memcpy(p->gprs, v->x, sizeof(p->gprs));
		if (h->rmi_v2) {
			/* 2.0: no aux in the params; REC_CREATE asks for them by donation. */
			struct smc_result r;
			uint64_t x0 = rmi_rec_create(h, vm->rd, v->rec, params, &r);

			ok = rmi_ok(sro_loop(vm, x0, r.x[1], &r));
			goto created;
		}
		p->num_aux = RMI_REC_PARAMS_AUX_GRANULES;
		for (unsigned a = 0; a < p->num_aux; a++) {
			v->aux[a] = rk_vm_delegate_new(vm);
			if (!v->aux[a]) {
				palloc_put(&h->pages, params);
				return -ENOMEM;
			}
			p->aux[a] = v->aux[a];
		}
		ok = rmi_ok(rmi_rec_create(h, vm->rd, v->rec, params, NULL));
created:
		palloc_put(&h->pages, params);
		if (!ok) {
			v->rec = 0;
			return -ENXIO;
		}
		/* Only vCPU 0 starts runnable (v14); the others wait for PSCI CPU_ON. */
		if (i != 0)
			v->power_off = true;
	}
	return 0;
}

/* guest_memfd memslots in ascending GPA order (the order RIPAS is measured in). */
static int slot_cmp(const void *a, const void *b)
{
	const struct rk_memslot *x = *(struct rk_memslot *const *)a;
	const struct rk_memslot *y = *(struct rk_memslot *const *)b;

	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

int rk_realm_activate(struct rk_vm *vm)
{
	struct rk_memslot *slots[RK_MAX_MEMSLOTS];
	unsigned n = 0;
	int ret;

	if (vm->state == RK_REALM_ACTIVE)
		return 0;
	if (vm->state == RK_REALM_DEAD)
		return -ENXIO;
	ret = rk_realm_ensure_created(vm);
	if (ret)
		return ret;
	ret = create_recs(vm);
	if (!ret && !vm->vmm_ripas) {
		for (unsigned i = 0; i < RK_MAX_MEMSLOTS; i++)
			if (vm->slots[i].used && vm->slots[i].gmem)
				slots[n++] = &vm->slots[i];
		qsort(slots, n, sizeof(slots[0]), slot_cmp);
		for (unsigned i = 0; i < n && !ret; i++) {
			uint64_t base = slots[i]->gpa;

			ret = init_ripas(vm, &base, slots[i]->gpa + slots[i]->size, UINT64_MAX);
		}
	}
	if (!ret && !rmi_ok(rmi_realm_activate(vm->host, vm->rd)))
		ret = -ENXIO;
	/* A failed activation leaves the realm unusable, as in Linux: it can only be destroyed. */
	vm->state = ret ? RK_REALM_DEAD : RK_REALM_ACTIVE;
	return ret;
}

/* ---- teardown ---- */

/* Where guest_memfd keeps the granule backing @ipa, if @pa is that granule. */
static uint64_t *gmem_slot_of(struct rk_vm *vm, uint64_t ipa, uint64_t pa)
{
	struct rk_memslot *s = rk_vm_slot_of(vm, ipa);

	if (s && s->gmem) {
		uint64_t *p = &s->gmem->pages[(s->gmem_offset + (ipa - s->gpa)) >> GRANULE_SHIFT];

		if (*p == pa)
			return p;
	}
	/* Not where the memslot says (cannot happen: slots are fixed once the RD exists). */
	for (unsigned i = 0; i < vm->ngmems; i++)
		for (uint64_t n = 0; n < vm->gmems[i]->size >> GRANULE_SHIFT; n++)
			if (vm->gmems[i]->pages[n] == pa)
				return &vm->gmems[i]->pages[n];
	return NULL;
}

/* The DATA granule @pa at @ipa is destroyed: give it back, or withhold it if still delegated. */
static void gmem_page_gone(struct rk_vm *vm, uint64_t ipa, uint64_t pa, bool leaked)
{
	uint64_t *p = gmem_slot_of(vm, ipa, pa);

	if (!p)
		return;
	*p = 0;
	if (leaked)
		palloc_leak(&vm->host->pages, pa);
	else
		palloc_put(&vm->host->pages, pa);
}

/* Unmap and destroy everything below the RTT level @level covering [base, ...). */
static void teardown_rtt(struct rk_vm *vm, uint64_t base, int level, uint64_t nentries)
{
	struct rk_host *h = vm->host;
	uint64_t size = level_size(level);
	uint64_t protected_top = 1ULL << (vm->ipa_bits - 1);

	for (uint64_t i = 0; i < nentries; i++) {
		uint64_t ipa = base + i * size;
		struct rmi_rtt_entry e;

		if (!rmi_ok(rmi_rtt_read_entry(h, vm->rd, ipa, level, &e)))
			return;
		if (e.state == RMI_TABLE) {
			teardown_rtt(vm, ipa, level + 1, 512);
			rmi_rtt_destroy(h, vm->rd, ipa, level + 1, NULL, NULL);
		} else if (e.state == RMI_ASSIGNED && ipa >= protected_top) {
			if (h->rmi_v2)
				rmi2_rtt_unprot_unmap(h, vm->rd, ipa, ipa + size, NULL);
			else
				rmi_rtt_unmap_unprotected(h, vm->rd, ipa, level, NULL);
		} else if (e.state == RMI_ASSIGNED && level == 3) {
			uint64_t pa = data_unmap(vm, ipa);

			if (pa)
				gmem_page_gone(vm, ipa, pa, !rmi_ok(rk_rmi_delegate(h, pa, false)));
		}
	}
}

void rk_realm_destroy(struct rk_vm *vm)
{
	struct rk_host *h = vm->host;

	if (vm->state != RK_REALM_NONE) {
		/* 2.0 (v14): the realm becomes a ZOMBIE first; RECs go by stateful operation. */
		if (h->rmi_v2)
			rmi2_realm_terminate(h, vm->rd);
		for (unsigned i = 0; i < vm->nvcpus; i++)
			if (vm->vcpus[i] && vm->vcpus[i]->rec) {
				struct smc_result r;
				uint64_t x0 = rmi_rec_destroy(h, vm->vcpus[i]->rec, &r);

				if (h->rmi_v2)
					sro_loop(vm, x0, r.x[1], &r);
			}
		/* Shared pages: unmapped, and the VMM's pages are its own again. */
		rk_shared_unmap_range(vm, 0, UINT64_MAX);
		teardown_rtt(vm, 0, vm->rtt_level_start,
			     (1ULL << vm->ipa_bits) / level_size(vm->rtt_level_start));
		rmi_realm_destroy(h, vm->rd);
		/* RD, RTTs, RECs and aux: undelegated, or leaked if the RMM refuses. */
		for (uint64_t i = 0; i < vm->ndelegated; i++)
			undelegate_free(h, vm->delegated[i]);
		vm->ndelegated = 0;
		vmid_free(h, vm->vmid);
	}
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i] && vm->vcpus[i]->run_page)
			palloc_put(&h->pages, vm->vcpus[i]->run_page);
	for (unsigned i = 0; i < RK_STAGING_PAGES; i++)
		if (vm->staging[i])
			palloc_put(&h->pages, vm->staging[i]);
	vm->state = RK_REALM_NONE;
}
