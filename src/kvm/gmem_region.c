// SPDX-License-Identifier: MIT
/*
 * REALMKIT EXPERIMENTAL: "measured" as a property of guest_memfd ranges,
 * and population by plain writes into the guest_memfd (write(2), splice(2),
 * io_uring), with no populate flag on the copy (seed 1; docs/KVM.md).
 *
 *   KVM_REALMKIT_GMEM_SET_POPULATE on a guest_memfd marks file ranges as
 *   populate ranges, measured or not, before any data goes in;
 *   user space writes the image into the guest_memfd, by any means the
 *   kernel offers for files (the fd it holds is a second open of a memfd,
 *   so the host kernel really performs the write, splice or io_uring
 *   request, and reports bytes done and errnos itself);
 *   the first KVM_RUN, before the RECs are created, turns every page
 *   written into realm DATA, measured as its range says, in ascending IPA.
 *
 * Why at the first KVM_RUN and not as the bytes arrive: the RIM is a hash
 * chain in DATA_CREATE order.  Asynchronous writers (io_uring, several
 * threads) finish in any order, so measuring pages as they land would make
 * the RIM depend on timing; measuring the pages written, in IPA order, at
 * the one point where user space says it is done makes it depend on the
 * content only.  (A kernel could commit eagerly the prefix that is complete
 * and get the same RIM; realmkit cannot see a write finish, only that a
 * page exists, so it waits for KVM_RUN.)
 *
 * KVM finds written pages with mincore(2) on its own mapping of the file
 * (no fd kept per file), copies each into a staging page, DATA_CREATEs it
 * and punches it out of the file (MADV_REMOVE): the page now lives in the
 * realm.  The commit can be repeated: a KVM_RUN that fails part way (e.g.
 * DRAM exhausted) leaves the pages it did as DATA and the rest written, and
 * the next KVM_RUN continues in the same order, so the RIM is unchanged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kvm/internal.h"

#define POP_MASK (KVM_REALMKIT_GMEM_POPULATE | KVM_REALMKIT_GMEM_MEASURED)

/* Which pages of [off, off + len) of @g hold data (the page cache has them): @vec[i] & 1. */
static int resident(struct rk_gmem *g, uint64_t off, uint64_t len, unsigned char **vec)
{
	*vec = malloc(len >> GRANULE_SHIFT ? len >> GRANULE_SHIFT : 1);
	if (!*vec)
		return -ENOMEM;
	g->vm->host->syscalls++;
	if (len && mincore(g->map + off, len, *vec) < 0) {
		free(*vec);
		*vec = NULL;
		return -errno;
	}
	return 0;
}

static int set_populate(struct rk_gmem *g, const struct kvm_realmkit_gmem_populate *r)
{
	struct rk_vm *vm = g->vm;
	uint64_t first = r->offset >> GRANULE_SHIFT, n = r->size >> GRANULE_SHIFT;
	uint8_t want = (uint8_t)r->flags;
	unsigned char *vec;
	int ret = 0;

	if (r->reserved || (r->flags & ~POP_MASK) ||
	    (r->flags && !(r->flags & KVM_REALMKIT_GMEM_POPULATE)))
		return -EINVAL;
	if (!r->size || (r->offset | r->size) & GRANULE_MASK || r->offset + r->size < r->offset ||
	    r->offset + r->size > g->size)
		return -EINVAL;
	if (vm->state == RK_REALM_DEAD)
		return -ENXIO;
	if (vm->has_run || vm->state == RK_REALM_ACTIVE)
		return -EBUSY;
	if (!g->map)
		return -ENOMEM;
	if (!g->pop) {
		if (!want)
			return 0; /* nothing marked: nothing to clear */
		g->pop = calloc(g->size >> GRANULE_SHIFT, 1);
		if (!g->pop)
			return -ENOMEM;
	}
	for (uint64_t i = first; i < first + n; i++)
		if (g->pages[i])
			return -EEXIST; /* populated by an ioctl already */
	ret = resident(g, r->offset, r->size, &vec);
	if (ret)
		return ret;
	/* The property of a page that holds data is fixed: it is what it was written under. */
	for (uint64_t i = 0; i < n && !ret; i++)
		if ((vec[i] & 1) && g->pop[first + i] != want)
			ret = -EBUSY;
	free(vec);
	if (ret)
		return ret;
	memset(g->pop + first, want, n);
	if (want)
		vm->gmem_populate = true;
	return 0;
}

int rk_gmem_ioctl(struct rk_gmem *g, unsigned long req, void *arg)
{
	struct kvm_realmkit_gmem_populate r;

	switch (req) {
	case KVM_REALMKIT_GMEM_SET_POPULATE:
		if (rk_copy_from_user(&r, arg, sizeof(r)))
			return -EFAULT;
		return set_populate(g, &r);
	default:
		return -ENOTTY; /* Linux's guest_memfd has no ioctls */
	}
}

int rk_gmem_populate_check(struct rk_vm *vm, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;

	/* Malformed ranges are the populate ioctl's to refuse, with its errno. */
	if (!vm->gmem_populate || end < gpa || (gpa | size) & GRANULE_MASK)
		return 0;
	for (unsigned i = 0; i < RK_MAX_MEMSLOTS; i++) {
		const struct rk_memslot *s = &vm->slots[i];
		uint64_t lo, hi;

		if (!s->used || !s->gmem || !s->gmem->pop)
			continue;
		lo = gpa > s->gpa ? gpa : s->gpa;
		hi = end < s->gpa + s->size ? end : s->gpa + s->size;
		for (uint64_t a = lo; a < hi; a += GRANULE_SIZE)
			if (s->gmem->pop[(s->gmem_offset + (a - s->gpa)) >> GRANULE_SHIFT])
				return -EEXIST; /* the page is the writer's to fill */
	}
	return 0;
}

/* The memslot (in @vm) that binds page @idx of @g, or NULL. */
static const struct rk_memslot *binding(struct rk_vm *vm, const struct rk_gmem *g, uint64_t idx)
{
	uint64_t off = idx << GRANULE_SHIFT;

	for (unsigned i = 0; i < RK_MAX_MEMSLOTS; i++) {
		const struct rk_memslot *s = &vm->slots[i];

		if (s->used && s->gmem == g && off >= s->gmem_offset &&
		    off - s->gmem_offset < s->size)
			return s;
	}
	return NULL;
}

/*
 * Every page written must be one KVM can place: in a populate range, bound
 * to a memslot, private, not populated otherwise.  Checked for all pages
 * before any is committed, so a refusal changes nothing.
 */
static int validate(struct rk_vm *vm, unsigned char **vecs)
{
	for (unsigned k = 0; k < vm->ngmems; k++) {
		struct rk_gmem *g = vm->gmems[k];
		int ret = resident(g, 0, g->size, &vecs[k]);

		if (ret)
			return ret;
		for (uint64_t i = 0; i < g->size >> GRANULE_SHIFT; i++) {
			const struct rk_memslot *s;
			uint64_t gpa;

			if (!(vecs[k][i] & 1))
				continue;
			s = binding(vm, g, i);
			if (!g->pop || !g->pop[i] || !s || g->pages[i])
				return -EINVAL;
			gpa = s->gpa + ((i << GRANULE_SHIFT) - s->gmem_offset);
			if (!rk_vm_range_private(vm, gpa, GRANULE_SIZE))
				return -EINVAL;
		}
	}
	return 0;
}

static int slot_gpa_cmp(const void *a, const void *b)
{
	const struct rk_memslot *x = *(const struct rk_memslot *const *)a;
	const struct rk_memslot *y = *(const struct rk_memslot *const *)b;

	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

/* Give the file's pages [from, to) back: they are realm DATA now. */
static void punch(struct rk_gmem *g, uint64_t from, uint64_t to)
{
	if (to > from) {
		g->vm->host->syscalls++;
		/* Cannot fail on a shared writable shmem mapping; a stale copy would only waste RAM. */
		(void)madvise(g->map + (from << GRANULE_SHIFT), (to - from) << GRANULE_SHIFT,
			      MADV_REMOVE);
	}
}

/* Commit the written pages of memslot @s in ascending IPA. */
static int commit_slot(struct rk_vm *vm, const struct rk_memslot *s, const unsigned char *vec)
{
	struct rk_gmem *g = s->gmem;
	uint64_t first = s->gmem_offset >> GRANULE_SHIFT, n = s->size >> GRANULE_SHIFT;
	uint64_t run = first; /* start of the pages committed but not yet punched */
	int ret = 0;

	for (uint64_t i = first; i < first + n; i++) {
		uint64_t gpa = s->gpa + ((i - first) << GRANULE_SHIFT);

		if (!(vec[i] & 1)) {
			punch(g, run, i);
			run = i + 1;
			continue;
		}
		memcpy(pas_host_va(vm->host->pas, vm->staging[0]), g->map + (i << GRANULE_SHIFT),
		       GRANULE_SIZE);
		vm->host->bytes_copied += GRANULE_SIZE;
		ret = rk_realm_populate_staged(vm, gpa, 0, g->pop[i] & KVM_REALMKIT_GMEM_MEASURED);
		if (ret) {
			punch(g, run, i); /* the page that failed stays written */
			return ret;
		}
		if (i + 1 - run == RK_STAGING_PAGES) {
			punch(g, run, i + 1);
			run = i + 1;
		}
	}
	punch(g, run, first + n);
	return 0;
}

int rk_gmem_commit(struct rk_vm *vm)
{
	struct rk_memslot *slots[RK_MAX_MEMSLOTS];
	unsigned char **vecs;
	unsigned n = 0;
	int ret;

	if (!vm->gmem_populate || vm->state == RK_REALM_DEAD)
		return 0; /* activation reports a dead realm */
	vecs = calloc(vm->ngmems ? vm->ngmems : 1, sizeof(*vecs));
	if (!vecs)
		return -ENOMEM;
	ret = validate(vm, vecs);
	if (!ret)
		ret = rk_realm_ensure_created(vm);
	for (unsigned i = 0; i < RK_MAX_MEMSLOTS && !ret; i++)
		if (vm->slots[i].used && vm->slots[i].gmem && vm->slots[i].gmem->pop)
			slots[n++] = &vm->slots[i];
	qsort(slots, n, sizeof(slots[0]), slot_gpa_cmp);
	for (unsigned i = 0; i < n && !ret; i++) {
		unsigned k = 0;

		while (vm->gmems[k] != slots[i]->gmem)
			k++;
		ret = commit_slot(vm, slots[i], vecs[k]);
	}
	for (unsigned k = 0; k < vm->ngmems; k++)
		free(vecs[k]);
	free(vecs);
	return ret;
}

void rk_gmem_release(struct rk_gmem *g)
{
	if (g->map)
		munmap(g->map, g->size);
	free(g->pop);
}
