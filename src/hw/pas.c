// SPDX-License-Identifier: MIT
/* Simulated DRAM, Granule Protection Table and the host/RMM views. */
#include "pas.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

struct pas {
	uint64_t base;
	uint64_t size;
	int fd;
	uint8_t *host; /* Normal-world view */
	uint8_t *rmm;  /* Realm-world view */
	uint8_t *gpt;  /* one enum pas_id per granule */
};

struct pas *pas_create(uint64_t dram_base, uint64_t dram_size)
{
	struct pas *pas;

	if (!dram_size || (dram_base | dram_size) & GRANULE_MASK ||
	    dram_base + dram_size < dram_base || sysconf(_SC_PAGESIZE) != (long)GRANULE_SIZE) {
		errno = EINVAL;
		return NULL;
	}
	pas = calloc(1, sizeof(*pas));
	if (!pas)
		return NULL;
	pas->base = dram_base;
	pas->size = dram_size;
	pas->host = MAP_FAILED;
	pas->rmm = MAP_FAILED;
	pas->fd = memfd_create("realmkit-dram", MFD_CLOEXEC);
	if (pas->fd < 0 || ftruncate(pas->fd, (off_t)dram_size) < 0)
		goto fail;
	pas->host = mmap(NULL, dram_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
			 pas->fd, 0);
	pas->rmm = mmap(NULL, dram_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
			pas->fd, 0);
	pas->gpt = calloc(dram_size >> GRANULE_SHIFT, 1);
	if (pas->host == MAP_FAILED || pas->rmm == MAP_FAILED || !pas->gpt)
		goto fail;
	return pas;
fail:
	pas_destroy(pas);
	return NULL;
}

void pas_destroy(struct pas *pas)
{
	int saved = errno;

	if (!pas)
		return;
	if (pas->host != MAP_FAILED)
		munmap(pas->host, pas->size);
	if (pas->rmm != MAP_FAILED)
		munmap(pas->rmm, pas->size);
	if (pas->fd >= 0)
		close(pas->fd);
	free(pas->gpt);
	free(pas);
	errno = saved;
}

uint64_t pas_dram_base(const struct pas *pas)
{
	return pas->base;
}

uint64_t pas_dram_size(const struct pas *pas)
{
	return pas->size;
}

uint64_t pas_granule_count(const struct pas *pas)
{
	return pas->size >> GRANULE_SHIFT;
}

bool pas_in_dram(const struct pas *pas, uint64_t pa, uint64_t len)
{
	if (!len)
		len = 1;
	if (pa < pas->base || pa - pas->base >= pas->size)
		return false;
	return len <= pas->size - (pa - pas->base);
}

uint64_t pas_granule_index(const struct pas *pas, uint64_t pa)
{
	return (pa - pas->base) >> GRANULE_SHIFT;
}

enum pas_id pas_gpt_get(const struct pas *pas, uint64_t pa)
{
	if (!pas_in_dram(pas, pa, 0))
		return PAS_NS;
	return (enum pas_id)pas->gpt[pas_granule_index(pas, pa)];
}

int pas_gpt_set_range(struct pas *pas, uint64_t pa, uint64_t n, enum pas_id id)
{
	uint64_t g;
	int prot = id == PAS_NS ? PROT_READ | PROT_WRITE : PROT_NONE;

	if (!n || n > pas->size >> GRANULE_SHIFT || (pa & GRANULE_MASK) ||
	    !pas_in_dram(pas, pa, n << GRANULE_SHIFT))
		return -EINVAL;
	g = pas_granule_index(pas, pa);
	/*
	 * One mprotect for the whole run: the kernel changes (and shoots down)
	 * the host mapping of all of it at once, where a call per granule
	 * would split and re-merge the VMA and flush the TLB every time.
	 */
	if (mprotect(pas->host + (g << GRANULE_SHIFT), n << GRANULE_SHIFT, prot) < 0) {
		int err = errno;

		/* Callers move runs whose granules share one PAS: put that back. */
		mprotect(pas->host + (g << GRANULE_SHIFT), n << GRANULE_SHIFT,
			 pas->gpt[g] == PAS_NS ? PROT_READ | PROT_WRITE : PROT_NONE);
		return -err;
	}
	memset(pas->gpt + g, id, n);
	return 0;
}

int pas_gpt_set(struct pas *pas, uint64_t pa, enum pas_id id)
{
	return pas_gpt_set_range(pas, pa, 1, id);
}

void *pas_host_va(struct pas *pas, uint64_t pa)
{
	if (!pas_in_dram(pas, pa, 0))
		return NULL;
	return pas->host + (pa - pas->base);
}

bool pas_host_faults(struct pas *pas, uint64_t pa)
{
	uint8_t byte;
	struct iovec local = { .iov_base = &byte, .iov_len = 1 };
	struct iovec remote;

	if (!pas_in_dram(pas, pa, 0))
		return true;
	/*
	 * process_vm_readv() honours the page protections of the target, so
	 * it fails with EFAULT exactly where a host load would take SIGSEGV.
	 */
	remote.iov_base = pas->host + (pa - pas->base);
	remote.iov_len = 1;
	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != 1;
}

void *pas_rmm_va(struct pas *pas, uint64_t pa)
{
	if (!pas_in_dram(pas, pa, 0))
		return NULL;
	return pas->rmm + (pa - pas->base);
}

/*
 * mincore() reports a memfd page that was swapped out as not resident,
 * yet it still holds its bytes.  Among the @n pages from @off that it calls
 * non-resident, mark those that lie in a data extent of the memfd
 * (SEEK_DATA counts swapped shmem pages as data) so that they are zeroed
 * too.  Costs nothing when every page is resident, and one SEEK_DATA for a
 * batch that is all holes.
 */
static void mark_swapped(struct pas *pas, off_t off, size_t n, unsigned char *vec)
{
	off_t pos = off, end = off + (off_t)(n << GRANULE_SHIFT);
	size_t g;

	for (g = 0; g < n && (vec[g] & 1); g++)
		;
	if (g == n)
		return;
	while (pos < end) {
		off_t d = lseek(pas->fd, pos, SEEK_DATA), h;

		if (d < 0 || d >= end)
			return;
		h = lseek(pas->fd, d, SEEK_HOLE);
		if (h < 0 || h > end)
			h = end;
		for (off_t q = d & ~(off_t)GRANULE_MASK; q < h; q += GRANULE_SIZE)
			vec[(q - off) >> GRANULE_SHIFT] |= 1;
		pos = h;
	}
}

/* Zero the written granules of [off, off + len) in place (no hole is touched). */
static void zero_in_place(struct pas *pas, off_t off, off_t len)
{
	unsigned char vec[512];

	while (len > 0) {
		size_t n = (size_t)len >> GRANULE_SHIFT;

		if (n > sizeof(vec))
			n = sizeof(vec);
		/*
		 * mincore() says which pages of the memfd are in memory, in one
		 * call and without faulting any in (reading a hole through the
		 * mapping would allocate a page for it); mark_swapped() adds
		 * those that are backed but swapped out.
		 */
		if (mincore(pas->rmm + off, n << GRANULE_SHIFT, vec) < 0)
			memset(vec, 1, n);
		else
			mark_swapped(pas, off, n, vec);
		for (size_t g = 0; g < n; g++) {
			uint8_t *page = pas->rmm + off + (off_t)(g << GRANULE_SHIFT);
			const uint64_t *p = (const uint64_t *)page;
			size_t i = 0;

			if (!(vec[g] & 1))
				continue;
			/* Reading first leaves a page that is already zero unwritten. */
			while (i < GRANULE_SIZE / sizeof(*p) && !p[i])
				i++;
			if (i < GRANULE_SIZE / sizeof(*p))
				memset(page, 0, GRANULE_SIZE);
		}
		off += (off_t)(n << GRANULE_SHIFT);
		len -= (off_t)(n << GRANULE_SHIFT);
	}
}

void pas_scrub_range(struct pas *pas, uint64_t pa, uint64_t n)
{
	off_t off = (off_t)((pa & ~GRANULE_MASK) - pas->base);

	if (!n)
		return;
	/*
	 * Zero in place, and keep the page.  Memory that is scrubbed stays
	 * DRAM the machine uses: punching it out would unmap it from both
	 * views (a TLB shootdown on every CPU) and the next write to it would
	 * fault a new page in and clear it.  A hole (never backed, or given
	 * back by pas_release_range()) already reads as zero and is left
	 * alone.  The caller owns the granules (nobody can write them
	 * meanwhile), so the result holds until the caller hands them on.
	 */
	zero_in_place(pas, off, (off_t)(n << GRANULE_SHIFT));
}

void pas_release_range(struct pas *pas, uint64_t pa, uint64_t n)
{
	off_t off = (off_t)((pa & ~GRANULE_MASK) - pas->base);
	off_t len = (off_t)(n << GRANULE_SHIFT);
	off_t data;

	if (!n)
		return;
	data = lseek(pas->fd, off, SEEK_DATA);
	if ((data < 0 && errno == ENXIO) || data >= off + len)
		return;
	/* The page goes back to the host OS; the granule reads as zero. */
	if (fallocate(pas->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len) < 0)
		zero_in_place(pas, off, len);
}

void pas_scrub(struct pas *pas, uint64_t pa)
{
	pas_scrub_range(pas, pa, 1);
}

bool pas_is_zero(struct pas *pas, uint64_t pa)
{
	off_t off = (off_t)((pa & ~GRANULE_MASK) - pas->base);
	off_t data = lseek(pas->fd, off, SEEK_DATA);
	const uint64_t *p = (const uint64_t *)(pas->rmm + off);

	/* A hole (never backed, or punched out) is zero: don't fault it in. */
	if ((data < 0 && errno == ENXIO) || data >= off + (off_t)GRANULE_SIZE)
		return true;
	for (size_t i = 0; i < GRANULE_SIZE / sizeof(*p); i++)
		if (p[i])
			return false;
	return true;
}

int pas_alias_map(struct pas *pas, uint64_t pa, void *addr)
{
	if ((pa & GRANULE_MASK) || ((uintptr_t)addr & GRANULE_MASK) ||
	    !pas_in_dram(pas, pa, GRANULE_SIZE) || pas_gpt_get(pas, pa) != PAS_NS)
		return -EINVAL;
	if (mmap(addr, GRANULE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, pas->fd,
		 (off_t)(pa - pas->base)) == MAP_FAILED)
		return -errno;
	return 0;
}

int pas_alias_lookup(struct pas *pas, void *addr, uint64_t *pa)
{
	uintptr_t a = (uintptr_t)addr;
	struct stat st;
	char line[512];
	int found = 0;
	FILE *f;

	if (fstat(pas->fd, &st) < 0)
		return -errno;
	/* The kernel's list of our mappings: which file, at which offset, backs @addr. */
	f = fopen("/proc/self/maps", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		uintmax_t start, end, off, ino;
		unsigned maj, min;

		if (sscanf(line, "%jx-%jx %*s %jx %x:%x %ju", &start, &end, &off, &maj, &min,
			   &ino) != 6)
			continue;
		if (a < start || a >= end)
			continue;
		if (ino == (uintmax_t)st.st_ino) {
			uint64_t at = pas->base + (uint64_t)(off + (a - start));

			if (pas_in_dram(pas, at, GRANULE_SIZE)) {
				*pa = at & ~GRANULE_MASK;
				found = 1;
			}
		}
		break;
	}
	fclose(f);
	return found;
}

bool pas_alias_mapped(struct pas *pas, uint64_t pa, void *addr)
{
	uint64_t at;

	return pas_in_dram(pas, pa, GRANULE_SIZE) && pas_alias_lookup(pas, addr, &at) == 1 &&
	       at == pa;
}

int pas_alias_unmap(struct pas *pas, uint64_t pa, void *addr)
{
	void *tmp;

	if (!pas_alias_mapped(pas, pa, addr))
		return 0; /* gone or replaced by its owner: nothing of ours is there */
	tmp = mmap(NULL, GRANULE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		   0);
	if (tmp == MAP_FAILED)
		return -errno;
	memcpy(tmp, pas->host + (pa - pas->base), GRANULE_SIZE);
	/* One step: the owner never sees the page missing or half copied. */
	if (mremap(tmp, GRANULE_SIZE, GRANULE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, addr) ==
	    MAP_FAILED) {
		int err = errno;

		munmap(tmp, GRANULE_SIZE);
		return -err;
	}
	return 0;
}

uint64_t pas_resident_bytes(const struct pas *pas)
{
	struct stat st;

	if (fstat(pas->fd, &st) < 0)
		return 0;
	return (uint64_t)st.st_blocks * 512;
}
