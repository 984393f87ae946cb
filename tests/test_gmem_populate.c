// SPDX-License-Identifier: MIT
/*
 * Experimental populate by write/splice/io_uring into a guest_memfd whose
 * ranges are marked measured or unmeasured (KVM_REALMKIT_GMEM_SET_POPULATE,
 * docs/KVM.md "Measured as a property of the memory region").
 *
 * One launch: a "kernel" of 1 MiB + 1234 bytes (so its end falls inside a
 * page) measured at GPA base, and a 5000-byte "DTB" unmeasured at base +
 * 3 MiB, in ONE memslot.  The RIM after activation must be the same
 * whichever path populated it: KVM_ARM_RMI_POPULATE with the per-call flag,
 * KVM_REALMKIT_POPULATE_FD, or marked ranges filled by pwrite, splice from a
 * file, splice from a pipe, io_uring at queue depth 1 and 32, in several
 * chunkings.  Then the error paths, each followed by a census.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <liburing.h>

#include "gmem_io.h"
#include "harness.h"
#include "kvm_util.h"
#include "realmkit/observe.h"

#define MiB (1ULL << 20)
#define PAGE 4096ULL
#define GPA 0x80000000ULL
#define SLOT (4 * MiB)
#define K_LEN (MiB + 1234)
#define D_OFF (3 * MiB)
#define D_LEN 5000ULL
#define UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))

static uint8_t kernel[K_LEN], dtb[D_LEN];
static int kfd, dfd; /* the images as files */

struct launch {
	struct rk_host *h;
	struct vmm v;
	struct kvm_run *run;
};

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static int tmp_file(const void *data, size_t len)
{
	char path[] = "/tmp/rk-gmem-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool open_launch(struct launch *l, uint64_t dram)
{
	l->h = rk_host_create(&(struct rk_host_config){ .dram_size = dram ? dram : 256 * MiB });
	l->run = NULL;
	if (!CHECK(l->h) || !CHECK_EQ(vmm_open(&l->v, l->h, 0), 0) ||
	    !CHECK_EQ(vmm_add_ram(&l->v, GPA, SLOT), 0))
		return false;
	return true;
}

static int set_pop(struct launch *l, uint64_t off, uint64_t size, uint64_t flags)
{
	struct kvm_realmkit_gmem_populate r = { .offset = off, .size = size, .flags = flags };

	return rk_ioctl(l->h, l->v.gmem[0], KVM_REALMKIT_GMEM_SET_POPULATE, &r) < 0 ? errno : 0;
}

/* The two ranges of the mixed launch: kernel measured, DTB unmeasured. */
static bool mark_mixed(struct launch *l)
{
	return CHECK_EQ(set_pop(l, 0, UP(K_LEN), KVM_REALMKIT_GMEM_POPULATE |
						   KVM_REALMKIT_GMEM_MEASURED), 0) &&
	       CHECK_EQ(set_pop(l, D_OFF, UP(D_LEN), KVM_REALMKIT_GMEM_POPULATE), 0);
}

/* A vCPU and the first KVM_RUN with immediate_exit: activation, then EINTR. */
static int activate(struct launch *l)
{
	int fd = vmm_add_vcpu(&l->v);

	/* The in-kernel vGIC a realm needs before its first KVM_RUN (v14). */
	if (!CHECK(fd >= 0) || !CHECK(vmm_add_vgic(&l->v, 0) >= 0))
		return -1;
	l->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!CHECK(l->run != MAP_FAILED))
		return -1;
	return 0;
}

/* KVM_RUN with immediate_exit: 0 if the realm is activated (EINTR), else the errno. */
static int run_once(struct launch *l)
{
	l->run->immediate_exit = 1;
	if (rk_ioctl(l->h, l->v.vcpu[0], KVM_RUN, 0) == 0)
		return 0;
	return errno == EINTR ? 0 : errno;
}

static bool rim_of(struct launch *l, uint8_t out[64])
{
	struct rk_measurements m;

	if (!CHECK_EQ(rk_vm_measurements(l->h, l->v.vm, &m), 0))
		return false;
	memcpy(out, m.rim, 64);
	return true;
}

static void expect_clean(struct rk_host *h, const char *what)
{
	struct rk_host_stats st;
	struct rk_census c;

	rk_host_reap(h);
	rk_host_stats(h, &st);
	rk_host_census(h, &c);
	t_check(!st.vms_live && !st.pages_used && !st.files_live && !st.granules_delegated &&
			!st.pages_leaked && !c.delegated && !c.rd && !c.rec && !c.rec_aux &&
			!c.data && !c.rtt,
		__FILE__, __LINE__,
		"clean after %s: vms %llu files %llu pages %llu delegated %llu data %llu", what,
		(unsigned long long)st.vms_live, (unsigned long long)st.files_live,
		(unsigned long long)st.pages_used, (unsigned long long)st.granules_delegated,
		(unsigned long long)c.data);
}

static void close_launch(struct launch *l, const char *what)
{
	if (l->run && l->run != MAP_FAILED)
		munmap(l->run, 4096);
	vmm_close(&l->v);
	expect_clean(l->h, what);
	rk_host_destroy(l->h);
}

/* ---- the paths ---- */

enum path {
	P_UADDR,    /* KVM_ARM_RMI_POPULATE, per-call flag */
	P_FD,       /* KVM_REALMKIT_POPULATE_FD, per-call flag */
	P_PWRITE,   /* marked ranges, pwrite(2) */
	P_SPLICE,   /* marked ranges, splice(2) file -> pipe -> guest_memfd */
	P_PIPE,     /* marked ranges, splice(2) from a pipe the image arrives on */
	P_URING1,   /* marked ranges, io_uring QD 1 */
	P_URING32,  /* marked ranges, io_uring QD 32 */
	NPATHS
};

static const char *const pname[NPATHS] = { "source_uaddr ioctl", "fd ioctl", "pwrite",
					   "splice file", "splice pipe", "io_uring QD1",
					   "io_uring QD32" };

static bool uaddr_populate(struct launch *l, uint64_t gpa, const uint8_t *src, size_t len,
			   bool measure)
{
	uint8_t *buf = aligned_alloc(PAGE, UP(len));
	long r;

	memset(buf, 0, UP(len));
	memcpy(buf, src, len);
	r = vmm_populate(&l->v, gpa, buf, UP(len), measure);
	free(buf);
	return CHECK(r > 0);
}

static bool fd_populate(struct launch *l, uint64_t gpa, int fd, size_t len, bool measure,
			uint64_t chunk)
{
	struct kvm_realmkit_populate_fd p = { .base = gpa, .size = UP(len), .fd = fd,
					      .flags = measure ? KVM_ARM_RMI_POPULATE_FLAGS_MEASURE
							       : 0 };
	struct kvm_enable_cap cap = { .cap = KVM_CAP_REALMKIT_POPULATE_CHUNK, .args = { chunk } };

	if (!CHECK_EQ(rk_ioctl(l->h, l->v.vm, KVM_ENABLE_CAP, &cap), 0))
		return false;
	while (p.size)
		if (!CHECK_EQ(rk_ioctl(l->h, l->v.vm, KVM_REALMKIT_POPULATE_FD, &p), 0))
			return false;
	return true;
}

struct pipe_feed {
	int w;
	const uint8_t *p;
	size_t n;
};

/* The image arriving on a pipe (from a decompressor, the network...): a writer thread. */
static void *feed(void *arg)
{
	struct pipe_feed *f = arg;

	for (size_t done = 0; done < f->n;) {
		ssize_t w = write(f->w, f->p + done, f->n - done);

		if (w <= 0)
			break;
		done += (size_t)w;
	}
	close(f->w); /* EOF after the image */
	return NULL;
}

/* Copy @len bytes of image @fd / @src to guest_memfd offset @off by path @p. */
static bool write_path(struct launch *l, enum path p, int fd, const uint8_t *src, size_t len,
		       uint64_t off, size_t chunk)
{
	struct gio_stats st = { 0 };
	int gm = l->v.gmem[0];
	int64_t n = -1;

	switch (p) {
	case P_PWRITE:
		n = 0;
		while ((size_t)n < len) {
			size_t want = len - (size_t)n < chunk ? len - (size_t)n : chunk;
			ssize_t w = pwrite(gm, src + n, want, (off_t)(off + (uint64_t)n));

			if (w <= 0)
				return CHECK(w > 0);
			n += w;
		}
		break;
	case P_SPLICE:
		n = gio_splice_file(fd, 0, gm, off, len, chunk, &st);
		break;
	case P_PIPE: {
		int fds[2];
		struct pipe_feed f = { .p = src, .n = len };
		pthread_t t;

		if (!CHECK(pipe2(fds, O_CLOEXEC) == 0))
			return false;
		f.w = fds[1];
		if (!CHECK(pthread_create(&t, NULL, feed, &f) == 0))
			return false;
		n = gio_splice_pipe(fds[0], gm, off, len, chunk, &st);
		pthread_join(t, NULL);
		close(fds[0]);
		break;
	}
	case P_URING1:
	case P_URING32:
		n = gio_uring_file(fd, 0, gm, off, len, p == P_URING1 ? 1 : 32, chunk, NULL, NULL,
				   &st);
		break;
	default:
		return false;
	}
	return t_check(n == (int64_t)len, __FILE__, __LINE__, "%s chunk %zu: %lld of %zu bytes",
		       pname[p], chunk, (long long)n, len);
}

/* One launch of the mixed layout by path @p; its RIM in @rim. */
static bool launch_by(enum path p, size_t chunk, uint8_t rim[64])
{
	struct launch l;
	bool ok = open_launch(&l, 0);

	if (ok && p == P_UADDR)
		ok = uaddr_populate(&l, GPA, kernel, K_LEN, true) &&
		     uaddr_populate(&l, GPA + D_OFF, dtb, D_LEN, false);
	else if (ok && p == P_FD)
		ok = fd_populate(&l, GPA, kfd, K_LEN, true, chunk / PAGE) &&
		     fd_populate(&l, GPA + D_OFF, dfd, D_LEN, false, chunk / PAGE);
	else if (ok)
		ok = mark_mixed(&l) && write_path(&l, p, kfd, kernel, K_LEN, 0, chunk) &&
		     write_path(&l, p, dfd, dtb, D_LEN, D_OFF, chunk);
	ok = ok && activate(&l) == 0 && CHECK_EQ(run_once(&l), 0) && rim_of(&l, rim);
	close_launch(&l, pname[p]);
	return ok;
}

static uint8_t ref_rim[64];

static void test_rim_equal(void)
{
	static const size_t chunks[] = { 4096, 12288, 65536, 1 << 20 };
	uint8_t rim[64], unm[64];
	struct launch l;

	CHECK(launch_by(P_UADDR, PAGE, ref_rim));
	for (int p = 0; p < NPATHS; p++)
		for (unsigned c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			memset(rim, 0, sizeof(rim));
			if (launch_by((enum path)p, chunks[c], rim))
				t_check(!memcmp(rim, ref_rim, 64), __FILE__, __LINE__,
					"RIM of %s, chunk %zu differs", pname[p], chunks[c]);
		}
	/* The flag matters: everything unmeasured gives another RIM. */
	if (open_launch(&l, 0)) {
		CHECK_EQ(set_pop(&l, 0, SLOT, KVM_REALMKIT_GMEM_POPULATE), 0);
		CHECK(write_path(&l, P_SPLICE, kfd, kernel, K_LEN, 0, 65536));
		CHECK(write_path(&l, P_SPLICE, dfd, dtb, D_LEN, D_OFF, 65536));
		CHECK(activate(&l) == 0 && run_once(&l) == 0 && rim_of(&l, unm));
		CHECK(memcmp(unm, ref_rim, 64) != 0);
		close_launch(&l, "all unmeasured");
	}
}

/* One splice across the boundary of a measured and an unmeasured range. */
static void test_cross_ranges(void)
{
	uint8_t rim[64], ref[64];
	struct launch l;
	int fd;
	uint8_t *img = malloc(2 * MiB);

	fill(img, 2 * MiB, 7);
	fd = tmp_file(img, 2 * MiB);
	/* Per-call design: two calls split at the boundary (1 MiB). */
	if (open_launch(&l, 0)) {
		CHECK(uaddr_populate(&l, GPA, img, MiB, true));
		CHECK(uaddr_populate(&l, GPA + MiB, img + MiB, MiB, false));
		CHECK(activate(&l) == 0 && run_once(&l) == 0 && rim_of(&l, ref));
		close_launch(&l, "cross: ioctl");
	}
	/* Region design: two ranges, one splice over both. */
	if (open_launch(&l, 0)) {
		CHECK_EQ(set_pop(&l, 0, MiB, KVM_REALMKIT_GMEM_POPULATE |
						KVM_REALMKIT_GMEM_MEASURED), 0);
		CHECK_EQ(set_pop(&l, MiB, MiB, KVM_REALMKIT_GMEM_POPULATE), 0);
		CHECK(write_path(&l, P_SPLICE, fd, img, 2 * MiB, 0, 3 * 65536));
		CHECK(activate(&l) == 0 && run_once(&l) == 0 && rim_of(&l, rim));
		CHECK(!memcmp(rim, ref, 64));
		close_launch(&l, "cross: splice");
	}
	close(fd);
	free(img);
}

/* ---- errors ---- */

static void test_errno_rows(void)
{
	struct launch l;
	struct {
		const char *what;
		uint64_t off, size, flags, reserved;
		int err;
	} rows[] = {
		{ "unknown flag", 0, PAGE, 4, 0, EINVAL },
		{ "MEASURED without POPULATE", 0, PAGE, KVM_REALMKIT_GMEM_MEASURED, 0, EINVAL },
		{ "reserved", 0, PAGE, 1, 1, EINVAL },
		{ "size 0", 0, 0, 1, 0, EINVAL },
		{ "offset not aligned", 100, PAGE, 1, 0, EINVAL },
		{ "size not aligned", 0, 100, 1, 0, EINVAL },
		{ "past the end", SLOT - PAGE, 2 * PAGE, 1, 0, EINVAL },
		{ "wraps", ~0ULL & ~(PAGE - 1), 2 * PAGE, 1, 0, EINVAL },
		{ "clear with nothing marked", 0, PAGE, 0, 0, 0 },
		{ "whole file measured", 0, SLOT, 3, 0, 0 },
		{ "same again", 0, SLOT, 3, 0, 0 },
		{ "unmeasured (no data yet)", 0, SLOT, 1, 0, 0 },
	};
	struct kvm_realmkit_gmem_populate r = { 0 };

	/* The number: _IOW('r', 0x10, 32 bytes), as docs/KVM.md lists it. */
	CHECK_EQ(KVM_REALMKIT_GMEM_SET_POPULATE, 0x40207210UL);
	CHECK_EQ(KVM_CAP_REALMKIT_GMEM_POPULATE, 0x7210);
	if (!open_launch(&l, 0))
		return;
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		r = (struct kvm_realmkit_gmem_populate){ rows[i].off, rows[i].size, rows[i].flags,
							 rows[i].reserved };
		errno = 0;
		int ret = rk_ioctl(l.h, l.v.gmem[0], KVM_REALMKIT_GMEM_SET_POPULATE, &r);

		t_check(rows[i].err ? ret == -1 && errno == rows[i].err : ret == 0, __FILE__,
			__LINE__, "[%s] ret %d errno %d, expected %d", rows[i].what, ret, errno,
			rows[i].err);
	}
	/* A bad pointer is EFAULT; the ioctl is the guest_memfd's, not the VM's or /dev/kvm's. */
	CHECK(rk_ioctl(l.h, l.v.gmem[0], KVM_REALMKIT_GMEM_SET_POPULATE, (void *)8) == -1 &&
	      errno == EFAULT);
	CHECK(rk_ioctl(l.h, l.v.vm, KVM_REALMKIT_GMEM_SET_POPULATE, &r) == -1 && errno == EINVAL);
	CHECK(rk_ioctl(l.h, l.v.kvm, KVM_REALMKIT_GMEM_SET_POPULATE, &r) == -1 &&
	      errno == EINVAL);
	CHECK(rk_ioctl(l.h, l.v.gmem[0], KVM_ARM_RMI_POPULATE, &r) == -1 && errno == ENOTTY);
	CHECK_EQ(rk_ioctl(l.h, l.v.kvm, KVM_CHECK_EXTENSION, KVM_CAP_REALMKIT_GMEM_POPULATE), 1);
	/* After the first KVM_RUN: EBUSY. */
	CHECK(activate(&l) == 0 && run_once(&l) == 0);
	r = (struct kvm_realmkit_gmem_populate){ 0, PAGE, 1, 0 };
	CHECK(rk_ioctl(l.h, l.v.gmem[0], KVM_REALMKIT_GMEM_SET_POPULATE, &r) == -1 &&
	      errno == EBUSY);
	close_launch(&l, "errno rows");

	/* A dead realm (activation failed: vCPU ids not dense): ENXIO. */
	if (open_launch(&l, 0)) {
		struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8,
					      .features = { 1U << KVM_ARM_VCPU_PSCI_0_2 } };
		int v2;

		/* vCPUs 0 and 2, then the vGIC (no vCPU can be created after CTRL_INIT). */
		int v0 = vmm_add_vcpu(&l.v);

		v2 = rk_ioctl(l.h, l.v.vm, KVM_CREATE_VCPU, 2);
		CHECK(v2 >= 0 && rk_ioctl(l.h, v2, KVM_ARM_VCPU_INIT, &init) == 0);
		CHECK(v0 >= 0 && vmm_add_vgic(&l.v, 0) >= 0);
		l.run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v0, 0);
		CHECK(l.run != MAP_FAILED);
		CHECK_EQ(run_once(&l), EINVAL);
		r = (struct kvm_realmkit_gmem_populate){ 0, PAGE, 1, 0 };
		CHECK(rk_ioctl(l.h, l.v.gmem[0], KVM_REALMKIT_GMEM_SET_POPULATE, &r) == -1 &&
		      errno == ENXIO);
		close(v2);
		close_launch(&l, "dead realm");
	}
}

/* The other side of the man pages: what splice(2) and write(2) say, unchanged. */
static void test_file_errors(void)
{
	struct launch l;
	loff_t off = 0;
	int p[2], dir, wr;
	char path[] = "/tmp/rk-gmem-wr-XXXXXX";

	if (!open_launch(&l, 0))
		return;
	CHECK(mark_mixed(&l));
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	dir = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	wr = mkstemp(path);
	if (wr >= 0) {
		close(wr);
		wr = open(path, O_WRONLY | O_CLOEXEC);
		unlink(path);
	}
	CHECK(dir >= 0 && wr >= 0);
	/* A directory has no splice_read: EINVAL. */
	CHECK(splice(dir, &off, p[1], NULL, PAGE, 0) == -1 && errno == EINVAL);
	/* A file opened write-only cannot be read: EBADF. */
	CHECK(splice(wr, &off, p[1], NULL, PAGE, 0) == -1 && errno == EBADF);
	/* Neither end a pipe: EINVAL. */
	CHECK(splice(kfd, &off, l.v.gmem[0], &off, PAGE, 0) == -1 && errno == EINVAL);
	/* An offset for the pipe end: ESPIPE. */
	CHECK(splice(p[0], &off, l.v.gmem[0], NULL, PAGE, 0) == -1 && errno == ESPIPE);
	/* Nothing in the pipe, SPLICE_F_NONBLOCK: EAGAIN. */
	CHECK(splice(p[0], NULL, l.v.gmem[0], &off, PAGE, SPLICE_F_NONBLOCK) == -1 &&
	      errno == EAGAIN);
	/* Past the end of the guest_memfd (fixed size): short, then EPERM (a file seal). */
	{
		uint8_t buf[2 * PAGE];
		off_t end = (off_t)(SLOT - PAGE);

		memset(buf, 0x5a, sizeof(buf));
		CHECK_EQ(set_pop(&l, SLOT - PAGE, PAGE, KVM_REALMKIT_GMEM_POPULATE), 0);
		CHECK_EQ(pwrite(l.v.gmem[0], buf, sizeof(buf), end), (ssize_t)PAGE);
		CHECK(pwrite(l.v.gmem[0], buf, PAGE, (off_t)SLOT) == -1 && errno == EPERM);
		CHECK(ftruncate(l.v.gmem[0], 2 * SLOT) == -1 && errno == EPERM);
	}
	/* Through io_uring: the same errnos, as CQE res. */
	{
		struct io_uring ring;
		struct io_uring_cqe *cqe;
		struct io_uring_sqe *sqe;

		CHECK_EQ(io_uring_queue_init(4, &ring, 0), 0);
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_splice(sqe, dir, 0, p[1], -1, PAGE, 0);
		CHECK_EQ(io_uring_submit(&ring), 1);
		CHECK(io_uring_wait_cqe(&ring, &cqe) == 0 && cqe->res == -EINVAL);
		io_uring_cqe_seen(&ring, cqe);
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_splice(sqe, kfd, 0, l.v.gmem[0], 0, PAGE, 0);
		CHECK_EQ(io_uring_submit(&ring), 1);
		CHECK(io_uring_wait_cqe(&ring, &cqe) == 0 && cqe->res == -EINVAL);
		io_uring_cqe_seen(&ring, cqe);
		io_uring_queue_exit(&ring);
	}
	close(dir);
	close(wr);
	close(p[0]);
	close(p[1]);
	close_launch(&l, "file errors");
}

/* A short source, EOF inside a page: the page's tail is zero, as POPULATE_FD gives. */
static void test_short_file(void)
{
	uint8_t rim[64], ref[64];
	struct launch l;
	size_t have = 2 * PAGE + 100; /* the file is shorter than the range marked */
	int fd = tmp_file(kernel, have);
	struct gio_stats st = { 0 };

	if (open_launch(&l, 0)) {
		CHECK(fd_populate(&l, GPA, fd, have, true, 0));
		CHECK(activate(&l) == 0 && run_once(&l) == 0 && rim_of(&l, ref));
		close_launch(&l, "short: fd ioctl");
	}
	for (int p = P_SPLICE; p <= P_URING32; p++) {
		int64_t n;

		if (p == P_PIPE || !open_launch(&l, 0))
			continue;
		CHECK_EQ(set_pop(&l, 0, 8 * PAGE, KVM_REALMKIT_GMEM_POPULATE |
							KVM_REALMKIT_GMEM_MEASURED), 0);
		/* Asked for 8 pages: the interfaces report the bytes there were. */
		if (p == P_SPLICE)
			n = gio_splice_file(fd, 0, l.v.gmem[0], 0, 8 * PAGE, PAGE, &st);
		else
			n = gio_uring_file(fd, 0, l.v.gmem[0], 0, 8 * PAGE, p == P_URING1 ? 1 : 32,
					   PAGE, NULL, NULL, &st);
		t_check(n == (int64_t)have, __FILE__, __LINE__, "%s short file: %lld bytes",
			pname[p], (long long)n);
		CHECK(activate(&l) == 0 && run_once(&l) == 0 && rim_of(&l, rim));
		t_check(!memcmp(rim, ref, 64), __FILE__, __LINE__, "%s short file RIM", pname[p]);
		close_launch(&l, "short file");
	}
	CHECK(st.short_ops > 0);
	close(fd);
}

/* The property is fixed once a page holds data; ioctls and marked ranges do not mix. */
static void test_property_changes(void)
{
	struct launch l;
	static uint8_t page[PAGE] __attribute__((aligned(4096)));

	memset(page, 0x33, sizeof(page));
	if (!open_launch(&l, 0))
		return;
	CHECK_EQ(set_pop(&l, 0, 4 * PAGE, 3), 0);
	CHECK_EQ(pwrite(l.v.gmem[0], page, PAGE, (off_t)PAGE), (ssize_t)PAGE);
	CHECK_EQ(set_pop(&l, 0, 4 * PAGE, 1), EBUSY);     /* measured -> unmeasured */
	CHECK_EQ(set_pop(&l, PAGE, PAGE, 0), EBUSY);      /* cleared */
	CHECK_EQ(set_pop(&l, 0, 4 * PAGE, 3), 0);         /* the same again is fine */
	CHECK_EQ(set_pop(&l, 2 * PAGE, 2 * PAGE, 1), 0);  /* pages without data may change */
	/* Punching the page out (fallocate, as on Linux's guest_memfd) frees it to change. */
	CHECK_EQ(fallocate(l.v.gmem[0], FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, PAGE, PAGE),
		 0);
	CHECK_EQ(set_pop(&l, PAGE, PAGE, 1), 0);
	/* A populate ioctl into a marked range: EEXIST, nothing done. */
	{
		struct kvm_arm_rmi_populate p = { .base = GPA, .size = 8 * PAGE,
						  .source_uaddr = (uintptr_t)page };

		CHECK(rk_ioctl(l.h, l.v.vm, KVM_ARM_RMI_POPULATE, &p) == -1 && errno == EEXIST);
		CHECK_EQ(p.size, 8 * PAGE);
		/* Outside the marked pages it works; marking a populated page is EEXIST. */
		p = (struct kvm_arm_rmi_populate){ .base = GPA + 8 * PAGE, .size = PAGE,
						   .source_uaddr = (uintptr_t)page };
		CHECK_EQ(rk_ioctl(l.h, l.v.vm, KVM_ARM_RMI_POPULATE, &p), 0);
		CHECK_EQ(set_pop(&l, 8 * PAGE, PAGE, 1), EEXIST);
	}
	CHECK(activate(&l) == 0 && run_once(&l) == 0);
	CHECK_EQ(set_pop(&l, 0, 4 * PAGE, 0), EBUSY); /* after the first KVM_RUN */
	close_launch(&l, "property changes");
}

/* Data written where no range is marked: KVM_RUN refuses, the realm lives, fixable. */
static void test_stray_data(void)
{
	uint8_t rim[64];
	struct launch l;

	if (!open_launch(&l, 0))
		return;
	CHECK(mark_mixed(&l));
	/* The kernel's splice runs one page past its range, into unmarked memory. */
	CHECK(write_path(&l, P_SPLICE, kfd, kernel, K_LEN, 0, 65536));
	CHECK_EQ(pwrite(l.v.gmem[0], kernel, PAGE, (off_t)UP(K_LEN)), (ssize_t)PAGE);
	CHECK(write_path(&l, P_SPLICE, dfd, dtb, D_LEN, D_OFF, 65536));
	CHECK(activate(&l) == 0);
	CHECK_EQ(run_once(&l), EINVAL);
	CHECK_EQ(run_once(&l), EINVAL); /* still: nothing was done */
	/* The VMM punches the stray page out; the same launch then gives the reference RIM. */
	CHECK_EQ(fallocate(l.v.gmem[0], FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			   (off_t)UP(K_LEN), PAGE), 0);
	CHECK_EQ(run_once(&l), 0);
	CHECK(rim_of(&l, rim) && !memcmp(rim, ref_rim, 64));
	close_launch(&l, "stray data");

	/* Written but never run: closing frees it all. */
	if (open_launch(&l, 0)) {
		CHECK(mark_mixed(&l));
		CHECK(write_path(&l, P_URING32, kfd, kernel, K_LEN, 0, 65536));
		close_launch(&l, "written, never run");
	}
}

/*
 * Cancelling an io_uring splice mid-way: the image arrives on a pipe; 1.5
 * pages came, then the writer stalls.  The first request moves the 1.5
 * pages (a short CQE); the second blocks on the empty pipe and is
 * cancelled.  Then (a) the VMM resumes from the byte reported and gets the
 * reference RIM, (b) it activates with what it has: the half page is zero
 * past the data (as a 1.5-page file gives), (c) it gives up: nothing leaks.
 */
static int cancel_case(int mode, uint8_t rim[64])
{
	struct launch l;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	int p[2], res_splice = 1, res_cancel = 1, got = 0;
	size_t part = PAGE + PAGE / 2;

	if (!open_launch(&l, 0))
		return -1;
	CHECK_EQ(set_pop(&l, 0, UP(K_LEN), 3), 0);
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	CHECK_EQ(write(p[1], kernel, part), (ssize_t)part);
	CHECK_EQ(io_uring_queue_init(4, &ring, 0), 0);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_splice(sqe, p[0], -1, l.v.gmem[0], 0, 4 * PAGE, 0);
	sqe->user_data = 1;
	io_uring_submit(&ring);
	CHECK(io_uring_wait_cqe(&ring, &cqe) == 0 && cqe->res == (int)part);
	io_uring_cqe_seen(&ring, cqe);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_splice(sqe, p[0], -1, l.v.gmem[0], (int64_t)part, 4 * PAGE, 0);
	sqe->user_data = 2;
	io_uring_submit(&ring);
	usleep(20000); /* let it block on the empty pipe */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 2, 0);
	sqe->user_data = 3;
	io_uring_submit(&ring);
	while (got < 2 && io_uring_wait_cqe(&ring, &cqe) == 0) {
		if (cqe->user_data == 2)
			res_splice = cqe->res;
		else
			res_cancel = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		got++;
	}
	/*
	 * The request ends having moved nothing more.  Linux 6.18 reports the
	 * interrupted splice as -ERESTARTSYS (-512) in the CQE, where io_uring's
	 * documentation leads one to expect -ECANCELED or -EINTR; all three are
	 * accepted (docs/KVM.md).
	 */
	t_check(res_splice == -ECANCELED || res_splice == -EINTR || res_splice == -512,
		__FILE__, __LINE__,
		"cancelled splice: res %d", res_splice);
	if (mode == 0)
		printf("cancelled io_uring splice: CQE res %d, cancel CQE res %d\n", res_splice,
		       res_cancel);
	t_check(res_cancel == 0 || res_cancel == -EALREADY, __FILE__, __LINE__,
		"cancel: res %d", res_cancel);
	io_uring_queue_exit(&ring);
	if (mode == 0) {
		/* Resume from the byte reported. */
		close(p[1]);
		p[1] = -1;
		int fd = tmp_file(kernel, K_LEN);
		struct gio_stats st = { 0 };

		CHECK_EQ(gio_splice_file(fd, part, l.v.gmem[0], part, K_LEN - part, 65536, &st),
			 (int64_t)(K_LEN - part));
		close(fd);
		CHECK_EQ(set_pop(&l, D_OFF, UP(D_LEN), 1), 0);
		CHECK(write_path(&l, P_SPLICE, dfd, dtb, D_LEN, D_OFF, 65536));
	}
	if (mode != 2) {
		CHECK(activate(&l) == 0 && run_once(&l) == 0 && rim_of(&l, rim));
	}
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	close_launch(&l, mode == 2 ? "cancel, given up" : "cancel");
	return 0;
}

static void test_cancel(void)
{
	uint8_t rim[64], ref[64];
	struct launch l;
	int fd = tmp_file(kernel, PAGE + PAGE / 2);

	CHECK_EQ(cancel_case(0, rim), 0);
	CHECK(!memcmp(rim, ref_rim, 64));
	CHECK_EQ(cancel_case(1, rim), 0);
	if (open_launch(&l, 0)) {
		CHECK(fd_populate(&l, GPA, fd, PAGE + PAGE / 2, true, 0));
		CHECK(activate(&l) == 0 && run_once(&l) == 0 && rim_of(&l, ref));
		CHECK(!memcmp(rim, ref, 64));
		close_launch(&l, "cancel reference");
	}
	CHECK_EQ(cancel_case(2, rim), 0);
	close(fd);
}

/* DRAM runs out during the commit: the pages done stay DATA, the rest stays written. */
static void test_commit_enomem(void)
{
	struct rk_host *h = rk_host_create(&(struct rk_host_config){ .dram_size = MiB });
	struct kvm_realmkit_gmem_populate r = { 0, MiB, 1, 0 };
	struct gio_stats st = { 0 };
	struct launch l = { .h = h };
	struct rk_census c;

	if (!CHECK(h) || !CHECK_EQ(vmm_open(&l.v, h, 0), 0) ||
	    !CHECK_EQ(vmm_add_ram(&l.v, GPA, MiB), 0))
		return;
	CHECK_EQ(rk_ioctl(h, l.v.gmem[0], KVM_REALMKIT_GMEM_SET_POPULATE, &r), 0);
	CHECK_EQ(gio_splice_file(kfd, 0, l.v.gmem[0], 0, MiB, 65536, &st), (int64_t)MiB);
	CHECK(activate(&l) == 0);
	CHECK_EQ(run_once(&l), ENOMEM);
	rk_host_census(h, &c);
	t_check(c.data > 0 && c.data < MiB / PAGE, __FILE__, __LINE__, "%llu DATA granules",
		(unsigned long long)c.data);
	CHECK_EQ(run_once(&l), ENOMEM); /* repeatable: no page is half done */
	close_launch(&l, "ENOMEM during the commit");
}

int main(void)
{
	fill(kernel, sizeof(kernel), 1);
	fill(dtb, sizeof(dtb), 2);
	kfd = tmp_file(kernel, sizeof(kernel));
	dfd = tmp_file(dtb, sizeof(dtb));
	if (!CHECK(kfd >= 0 && dfd >= 0))
		return t_done();
	test_rim_equal();
	test_cross_ranges();
	test_errno_rows();
	test_file_errors();
	test_short_file();
	test_property_changes();
	test_stray_data();
	test_cancel();
	test_commit_enomem();
	close(kfd);
	close(dfd);
	return t_done();
}
