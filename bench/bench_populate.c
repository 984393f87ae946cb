// SPDX-License-Identifier: MIT
/*
 * bench_populate: the seed-1 debate (KVM_ARM_RMI_POPULATE's source_uaddr
 * against a file-descriptor source, Marc Zyngier's splice/io_uring idea)
 * in numbers, for one image populated into a realm:
 *
 *   A   read() the image into a page-aligned user buffer, then
 *       KVM_ARM_RMI_POPULATE with source_uaddr (what a VMM does today);
 *   A'  the same ioctl with source_uaddr pointing at an mmap() of the image
 *       (today's ABI, no user bounce buffer);
 *   B   KVM_REALMKIT_POPULATE_FD with fd + offset (no user buffer at all).
 *
 * Each path is run measured (KVM_ARM_RMI_POPULATE_FLAGS_MEASURE) and
 * unmeasured, on a fresh host each run, round robin so that other work
 * on the machine spreads over all of them.  Reported: wall and CPU time
 * (median [min..max]), throughput, data copies per byte, system calls,
 * ioctls, and limits measured in the same run on the same bytes: memcpy
 * and EVP SHA-256 in 4 KiB chunks, and the per-granule work of realmkit's
 * simulated hardware.  Every path must give the same RIM; a mixed layout
 * (measured and unmeasured calls over one memslot) is checked too.  Not a
 * test: it asserts nothing about time.  docs/KVM-POPULATE-BENCH.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "gmem_io.h"
#include "series.h"
#include "kvm_util.h"
#include "realmkit/host.h"
#include "realmkit/kvm_realmkit.h"
#include "rmm/introspect.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define PAGE 4096ULL
#define GPA_BASE 0x80000000ULL
#define MAX_RUNS SERIES_MAX
#define TMPFS_MAGIC_ 0x01021994
#define MIXED_MAX (64 * MiB) /* size of the mixed-flag RIM check */

enum path { P_READ, P_MMAP, P_FD, P_SPLICE, P_URING1, P_URING32, NPATHS };

/* The paths of the region design: marked guest_memfd ranges, filled by plain copies. */
static bool region_path(enum path p)
{
	return p == P_SPLICE || p == P_URING1 || p == P_URING32;
}

static const char *const path_name[NPATHS] = {
	[P_READ] = "A  read()+source_uaddr",
	[P_MMAP] = "A' mmap()+source_uaddr",
	[P_FD] = "B  POPULATE_FD fd+off",
	[P_SPLICE] = "C  region+splice",
	[P_URING1] = "D1 region+io_uring QD1",
	[P_URING32] = "D32 region+io_uring QD32",
};

/* --paths names, one per path. */
static const char *const path_short[NPATHS] = {
	[P_READ] = "read",     [P_MMAP] = "mmap",     [P_FD] = "fd",
	[P_SPLICE] = "splice", [P_URING1] = "uring1", [P_URING32] = "uring32",
};

static const char *const path_key[NPATHS] = {
	[P_READ] = "read_source_uaddr",
	[P_MMAP] = "mmap_source_uaddr",
	[P_FD] = "populate_fd",
	[P_SPLICE] = "region_splice",
	[P_URING1] = "region_io_uring_qd1",
	[P_URING32] = "region_io_uring_qd32",
};

struct cfg;
static bool path_on(const struct cfg *c, int p);
static int first_path(const struct cfg *c);

struct cfg {
	uint64_t size;
	unsigned runs;
	bool quick;
	bool json;
	uint64_t chunk; /* pages per populate call before progress; 0: host default */
	bool no_warm;
	const char *dir;
	const char *rmm;     /* RMM mode: "1.0" or "2.0" */
	size_t splice_chunk; /* bytes per splice / io_uring request pair */
	bool no_overlap;
	unsigned paths; /* bit per enum path: the paths to run (default all) */
	bool warm_dram; /* one host for every run, its DRAM touched before the first */
};

/* What one populate run did. */
struct sample {
	double wall;         /* open of the image .. last populate ioctl, s */
	double cpu;          /* user + system CPU time of the process over the same span, s */
	double read;         /* path A: of which read() into the buffer, s */
	double teardown;     /* close + rk_host_destroy, s (not in wall) */
	double populate;     /* of wall: the populate calls / copies */
	double activate;     /* of wall: the first KVM_RUN (region paths: the commit, RECs, RIPAS) */
	double vmm_cpu;      /* CPU time of the VMM thread alone over wall (not io_uring workers) */
	uint64_t usys;       /* VMM-side syscalls: read(), ioctls, splice(), io_uring_enter() */
	uint64_t ucopied;    /* bytes the VMM's own syscalls copied (read(), splice into gmem) */
	uint64_t work_units; /* overlap runs: units of VMM work done while the copy was in flight */
	uint64_t reads;      /* user-side read() calls */
	uint64_t read_bytes; /* bytes they returned */
	uint64_t ioctls;
	uint64_t ksys;       /* host-kernel syscalls (rk_host_stats) */
	uint64_t kcopied;    /* host-kernel bytes copied (rk_host_stats) */
	uint64_t fd_bytes;   /* bytes the host kernel read from the fd (path B progress) */
	uint64_t rmi;
	uint64_t minflt;     /* minor page faults of the process during the run */
	struct rmm_measurements m;
};


struct result {
	struct series wall, cpu, read, teardown, populate, activate, vmm_cpu;
	/* Same-run ratios: this run's limit (SHA-256 measured, memcpy unmeasured) / time. */
	struct series ratio_wall, ratio_popul;
	/* The same with CPU times: the limit's thread / the process (every thread) over the run. */
	struct series ratio_cpu;
	double overlap_both, overlap_work; /* io_uring paths: see run_overlap() */
	double overlap;
	struct sample last;
	bool rim_set, rim_same;
	struct rmm_measurements rim;
};

static bool path_on(const struct cfg *c, int p)
{
	return c->paths & (1U << p);
}

static int first_path(const struct cfg *c)
{
	for (int p = 0; p < NPATHS; p++)
		if (path_on(c, p))
			return p;
	return 0;
}

static volatile uint8_t sink;
static char tmp_dir[4000], tmp_file[4096];

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench_populate: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec * 1e-6;
}

/* ---- statistics ---- */


/* (max - min) / median, in percent. */
static double series_spread(const struct series *s)
{
	double med = series_median(s);

	return med > 0 ? 100.0 * (series_max(s) - series_min(s)) / med : 0;
}

/* ---- the image ---- */

static void cleanup(void)
{
	if (tmp_file[0])
		unlink(tmp_file);
	if (tmp_dir[0])
		rmdir(tmp_dir);
}

static bool is_tmpfs(const char *dir)
{
	struct statfs fs;

	return statfs(dir, &fs) == 0 && fs.f_type == TMPFS_MAGIC_;
}

static void *map_anon(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %llu bytes: %s", (unsigned long long)size, strerror(errno));
	return p;
}

/* xorshift64*: fast, incompressible enough; every page differs. */
static void fill_random(uint8_t *p, uint64_t size, uint64_t seed)
{
	uint64_t x = seed | 1, *q = (uint64_t *)p;

	for (uint64_t i = 0; i < size / 8; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		q[i] = x * 0x2545F4914F6CDD1DULL;
	}
}

/* Write @img to a new file in a new temp dir: tmpfs (/dev/shm) if there is one. */
static void make_image(const struct cfg *c, const uint8_t *img)
{
	const char *base = c->dir;
	struct stat st;
	uint64_t done = 0;
	int fd;

	if (!base)
		base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
		       access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
		       getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(tmp_dir, sizeof(tmp_dir), "%s/bench_populate.XXXXXX", base);
	if (!mkdtemp(tmp_dir)) {
		tmp_dir[0] = 0;
		die("mkdtemp in %s: %s", base, strerror(errno));
	}
	atexit(cleanup);
	snprintf(tmp_file, sizeof(tmp_file), "%s/image.bin", tmp_dir);
	fd = open(tmp_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		die("create %s: %s", tmp_file, strerror(errno));
	while (done < c->size) {
		ssize_t n = write(fd, img + done, c->size - done);

		if (n <= 0)
			die("write %s: %s", tmp_file, n ? strerror(errno) : "short write");
		done += (uint64_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0)
		die("sync %s: %s", tmp_file, strerror(errno));
}

static int open_image(void)
{
	int fd = open(tmp_file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("open %s: %s", tmp_file, strerror(errno));
	return fd;
}

/* ---- limits: the same bytes, 4 KiB at a time ---- */

static double thread_cpu_s(void);
static double limit_cpu; /* CPU time of the last limit measured (its thread's) */

static double memcpy_s(uint8_t *dst, const uint8_t *src, uint64_t len)
{
	double t = now_s(), c = thread_cpu_s();

	for (uint64_t off = 0; off < len; off += PAGE)
		memcpy(dst + off, src + off, PAGE);
	t = now_s() - t;
	limit_cpu = thread_cpu_s() - c;
	sink ^= dst[len - 1];
	return t;
}

static const EVP_MD *sha256_md(void)
{
	static const EVP_MD *md;

	if (!md) {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
		md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
#endif
		if (!md)
			md = EVP_sha256();
	}
	return md;
}

static double sha256_s(const uint8_t *p, uint64_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t out[EVP_MAX_MD_SIZE];
	unsigned int olen;
	double t, c;

	if (!ctx)
		die("EVP_MD_CTX_new failed");
	t = now_s();
	c = thread_cpu_s();
	for (uint64_t off = 0; off < len; off += PAGE) {
		if (!EVP_DigestInit_ex(ctx, sha256_md(), NULL) ||
		    !EVP_DigestUpdate(ctx, p + off, PAGE) || !EVP_DigestFinal_ex(ctx, out, &olen))
			die("EVP SHA-256 failed");
		sink ^= out[0];
	}
	t = now_s() - t;
	limit_cpu = thread_cpu_s() - c;
	EVP_MD_CTX_free(ctx);
	return t;
}

/* read() of the whole image into an already faulted-in buffer: the kernel's copy alone. */
static double read_s(uint8_t *dst, uint64_t len)
{
	int fd = open_image();
	uint64_t done = 0;
	double t = now_s();

	while (done < len) {
		ssize_t n = read(fd, dst + done, len - done);

		if (n <= 0)
			die("read image: %s", n ? strerror(errno) : "short read");
		done += (uint64_t)n;
	}
	t = now_s() - t;
	close(fd);
	return t;
}

/*
 * What realmkit's simulated hardware does for every granule populated,
 * whatever the source: the GPT transition of DELEGATE (mprotect of the
 * host view), its scrub (a hole punch) and the first touch of the page
 * through the RMM view (a shmem fault that allocates and clears a page).
 * The data copy is not included: it is one of the copies counted above.
 */
static double gpt_s(uint64_t len)
{
	int fd = memfd_create("bench-populate-gpt", MFD_CLOEXEC);
	uint8_t *host, *rmm;
	double t;

	if (fd < 0 || ftruncate(fd, (off_t)len) < 0)
		die("memfd: %s", strerror(errno));
	host = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	rmm = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (host == MAP_FAILED || rmm == MAP_FAILED)
		die("mmap memfd: %s", strerror(errno));
	t = now_s();
	for (uint64_t off = 0; off < len; off += PAGE) {
		if (mprotect(host + off, PAGE, PROT_NONE) < 0 ||
		    fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
			      (off_t)PAGE) < 0)
			die("mprotect/fallocate: %s", strerror(errno));
		rmm[off] = 1;
	}
	t = now_s() - t;
	munmap(host, len);
	munmap(rmm, len);
	close(fd);
	return t;
}

/*
 * Touch and free more memory than a run needs, so that the run gets pages
 * the hypervisor backs.  In a VM with free page reporting (virtio-balloon)
 * the memory the previous run freed goes back to the hypervisor, and the
 * next first touch of it costs an exit and a host fault: a run that needs
 * more fresh memory (path A's bounce buffer) would pay for the machine,
 * not for the path.  On bare metal this changes nothing.
 */
static void warm_up(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %llu bytes: %s", (unsigned long long)size, strerror(errno));
	munmap(p, size);
}

/* ---- one populate run ---- */

static uint64_t dram_for(uint64_t size)
{
	/* Image pages, RTTs and staging, with room to spare; backed only when touched. */
	return (2 * size + GiB + GiB - 1) & ~(GiB - 1);
}

/*
 * The host for one run.  The RMM mode is this one parameter (every path and
 * mode runs through this function).
 */
static struct rk_host_config host_config(const struct cfg *c, uint64_t size)
{
	struct rk_host_config hc = { .dram_size = dram_for(size), .populate_chunk = c->chunk };

	hc.rmm = strcmp(c->rmm, "2.0") ? RK_RMM_1_0 : RK_RMM_2_0;
	return hc;
}

/*
 * --warm-dram: one host for the whole invocation.  A machine's DRAM is
 * there before a realm is loaded; realmkit's is a lazily backed memfd whose
 * first touch of each page costs a page fault (on this VM, tens of us: see
 * docs/KVM-POPULATE-BENCH.md).  Runs share the host, each with its own VM,
 * after warm-up runs that have written every page of its DRAM once.
 */
static struct rk_host *warm_host;

static bool any_region_path(const struct cfg *c)
{
	return c->paths & (1U << P_SPLICE | 1U << P_URING1 | 1U << P_URING32);
}

static uint64_t warm_dram_for(const struct cfg *c)
{
	/* Without the region paths (a guest_memfd copy of the image) the image and RTTs fit. */
	if (any_region_path(c))
		return dram_for(c->size);
	return (c->size + c->size / 8 + 64 * MiB + 64 * MiB - 1) & ~(64 * MiB - 1);
}

static uint64_t slot_for(uint64_t size)
{
	return (size + 2 * MiB - 1) & ~(2 * MiB - 1);
}


/* One populate segment: @len bytes from image offset @off, by path @p. */
struct seg {
	uint64_t off, len;
	bool measure;
};

static uint64_t populate_fd(struct vmm *v, int fd, const struct seg *s, uint64_t *fd_bytes)
{
	struct kvm_realmkit_populate_fd p = {
		.base = GPA_BASE + s->off,
		.size = s->len,
		.offset = s->off,
		.fd = fd,
		.flags = s->measure ? KVM_ARM_RMI_POPULATE_FLAGS_MEASURE : 0,
	};
	uint64_t calls = 0;

	do {
		if (rk_ioctl(v->host, v->vm, KVM_REALMKIT_POPULATE_FD, &p) < 0)
			die("KVM_REALMKIT_POPULATE_FD: %s", strerror(errno));
		calls++;
	} while (p.size);
	*fd_bytes += p.offset - s->off;
	return calls;
}

static uint64_t populate_uaddr(struct vmm *v, const uint8_t *src, const struct seg *s)
{
	long calls = vmm_populate(v, GPA_BASE + s->off, src + s->off, s->len, s->measure);

	if (calls < 0)
		die("KVM_ARM_RMI_POPULATE: %s", strerror((int)-calls));
	return (uint64_t)calls;
}

/* The VMM's own work while io_uring moves the image (overlap runs): SHA-256 of 64 KiB. */
struct vmm_work {
	uint64_t left;
	uint8_t buf[65536];
};

static bool work_unit(void *arg)
{
	struct vmm_work *w = arg;
	uint8_t out[EVP_MAX_MD_SIZE];
	unsigned int olen;

	if (!w->left)
		return false;
	if (!EVP_Digest(w->buf, sizeof(w->buf), out, &olen, sha256_md(), NULL))
		die("EVP SHA-256 failed");
	w->buf[0] ^= out[0];
	return --w->left > 0;
}

/*
 * Region design: mark segment @s of the guest_memfd measured or not, then
 * copy it in with splice(2) or io_uring (no populate flag on the copy).
 */
static void populate_region(struct vmm *v, int fd, const struct seg *s, enum path p,
			    const struct cfg *c, struct vmm_work *w, struct sample *out)
{
	struct kvm_realmkit_gmem_populate r = {
		.offset = s->off,
		.size = (s->len + PAGE - 1) & ~(PAGE - 1),
		.flags = KVM_REALMKIT_GMEM_POPULATE | (s->measure ? KVM_REALMKIT_GMEM_MEASURED : 0),
	};
	struct gio_stats st = { 0 };
	int64_t n;

	if (rk_ioctl(v->host, v->gmem[0], KVM_REALMKIT_GMEM_SET_POPULATE, &r) < 0)
		die("KVM_REALMKIT_GMEM_SET_POPULATE: %s", strerror(errno));
	out->ioctls++;
	if (p == P_SPLICE)
		n = gio_splice_file(fd, s->off, v->gmem[0], s->off, s->len, c->splice_chunk, &st);
	else
		n = gio_uring_file(fd, s->off, v->gmem[0], s->off, s->len, p == P_URING1 ? 1 : 32,
				   c->splice_chunk, w ? work_unit : NULL, w, &st);
	if (n != (int64_t)s->len)
		die("%s: %lld of %llu bytes: %s", path_name[p], (long long)n,
		    (unsigned long long)s->len, n < 0 ? strerror((int)-n) : "short");
	out->usys += st.syscalls;
	out->ucopied += (uint64_t)n;
	out->work_units += st.work_units;
}

/*
 * Populate @size bytes of the image by path @p in the segments @segs, on a
 * fresh host and realm VM.  Everything from opening the image to the last
 * populate ioctl is timed; creating and destroying the host is not.
 */
static void run_one(const struct cfg *c, uint64_t size, enum path p, const struct seg *segs,
		    unsigned nsegs, struct vmm_work *w, struct sample *s)
{
	struct rk_host_config hc = host_config(c, size);
	struct rk_host_stats st0, st1;
	struct rusage ru0, ru1;
	struct rk_host *h;
	uint8_t *buf = NULL;
	struct vmm v;
	struct kvm_run *run;
	uint64_t rd;
	double t0, tc0;
	int fd, vcpu;

	memset(s, 0, sizeof(*s));
	if (!c->no_warm && (!c->warm_dram || p == P_READ))
		warm_up(c->warm_dram ? size + 64 * MiB : 2 * size + 64 * MiB); /* buffer (+ DRAM) */
	if (c->warm_dram) {
		hc.dram_size = warm_dram_for(c);
		if (!warm_host && !(warm_host = rk_host_create(&hc)))
			die("rk_host_create: %s", strerror(errno));
		h = warm_host;
	} else if (!(h = rk_host_create(&hc))) {
		die("rk_host_create: %s", strerror(errno));
	}
	if (vmm_open(&v, h, 0) < 0 || vmm_add_ram(&v, GPA_BASE, slot_for(size)) < 0)
		die("realm VM with a %llu MiB guest_memfd memslot: %s",
		    (unsigned long long)(slot_for(size) / MiB), strerror(errno));
	if (p == P_FD && rk_ioctl(h, v.vm, KVM_CHECK_EXTENSION, KVM_CAP_REALMKIT_POPULATE_FD) != 1)
		die("no KVM_CAP_REALMKIT_POPULATE_FD");
	if (region_path(p) &&
	    rk_ioctl(h, v.vm, KVM_CHECK_EXTENSION, KVM_CAP_REALMKIT_GMEM_POPULATE) != 1)
		die("no KVM_CAP_REALMKIT_GMEM_POPULATE");
	/* A vCPU: every path ends with the first KVM_RUN (activation), inside the timing. */
	vcpu = vmm_add_vcpu(&v);
	if (vcpu >= 0 && vmm_add_vgic(&v, 0) < 0)
		die("vGIC: %s", strerror(errno));
	run = vcpu < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("vCPU: %s", strerror(errno));
	run->immediate_exit = 1;
	rk_host_stats(h, &st0);
	getrusage(RUSAGE_SELF, &ru0);

	t0 = now_s();
	tc0 = thread_cpu_s();
	fd = open_image();
	switch (p) {
	case P_READ:
		buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED)
			die("mmap buffer: %s", strerror(errno));
		while (s->read_bytes < size) {
			ssize_t n = read(fd, buf + s->read_bytes, size - s->read_bytes);

			s->reads++;
			if (n <= 0)
				die("read image: %s", n ? strerror(errno) : "short read");
			s->read_bytes += (uint64_t)n;
		}
		s->read = now_s() - t0;
		for (unsigned i = 0; i < nsegs; i++)
			s->ioctls += populate_uaddr(&v, buf, &segs[i]);
		break;
	case P_MMAP:
		buf = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (buf == MAP_FAILED)
			die("mmap image: %s", strerror(errno));
		for (unsigned i = 0; i < nsegs; i++)
			s->ioctls += populate_uaddr(&v, buf, &segs[i]);
		break;
	case P_FD:
		for (unsigned i = 0; i < nsegs; i++)
			s->ioctls += populate_fd(&v, fd, &segs[i], &s->fd_bytes);
		break;
	case P_SPLICE:
	case P_URING1:
	case P_URING32:
		for (unsigned i = 0; i < nsegs; i++)
			populate_region(&v, fd, &segs[i], p, c, w, s);
		break;
	default:
		die("bad path");
	}
	s->populate = now_s() - t0;
	/* Activation: the region paths' pages become DATA here, before the RECs. */
	if (rk_ioctl(h, vcpu, KVM_RUN, 0) == 0 || errno != EINTR)
		die("first KVM_RUN (immediate_exit): %s", strerror(errno));
	s->ioctls++;
	s->wall = now_s() - t0;
	s->activate = s->wall - s->populate;
	s->vmm_cpu = thread_cpu_s() - tc0;
	s->usys += s->reads + s->ioctls;
	s->ucopied += s->read_bytes;

	getrusage(RUSAGE_SELF, &ru1);
	rk_host_stats(h, &st1);
	s->ksys = st1.syscalls - st0.syscalls;
	s->kcopied = st1.bytes_copied - st0.bytes_copied;
	s->rmi = st1.rmi_calls - st0.rmi_calls;
	s->minflt = (uint64_t)(ru1.ru_minflt - ru0.ru_minflt);
	s->cpu = tv_s(&ru1.ru_utime) - tv_s(&ru0.ru_utime) + tv_s(&ru1.ru_stime) -
		 tv_s(&ru0.ru_stime);
	/* The API does not give the RD's PA; the run's only realm has the only RD. */
	rd = rmm_next_granule(rk_host_rmm(h), GRANULE_RD, 0);
	if (!rd || !rmm_realm_measurements(rk_host_rmm(h), rd, &s->m))
		die("no realm descriptor after populate");

	t0 = now_s();
	munmap(run, 4096);
	if (buf)
		munmap(buf, size);
	close(fd);
	vmm_close(&v);
	if (h == warm_host)
		rk_host_reap(h);
	else
		rk_host_destroy(h);
	s->teardown = now_s() - t0;
}

/* ---- reporting ---- */

struct report {
	const struct cfg *c;
	const char *fs;
	bool tmpfs;
	struct utsname un;
	char cpu[128];
	long ncpu;
	double load[3];
	struct series memcpy_t, sha_t, read_t, gpt_t, memcpy_cpu, sha_cpu;
	struct result r[NPATHS][2];
	bool mixed_same;
	struct rmm_measurements mixed[NPATHS];
	uint64_t mixed_size;
	double total;
};

static void cpu_model(char *out, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(out, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			snprintf(out, len, "%s", colon + 2);
			out[strcspn(out, "\n")] = 0;
			break;
		}
	}
	fclose(f);
}

static void hex(char *out, const uint8_t *p, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * len] = 0;
}

/* Copies of each byte: by the user-side read(), by the host kernel, by the RMM (DATA_CREATE). */
static void copies(const struct sample *s, uint64_t size, double *user, double *kern,
		   double *rmm)
{
	/*
	 * rk_host_stats.bytes_copied counts what the host kernel copies into
	 * staging, by process_vm_readv or by preadv; the fallback to the ioctl's
	 * reported progress only matters for builds before it counted preadv.
	 */
	uint64_t k = s->kcopied ? s->kcopied : s->fd_bytes;

	/* The VMM's own copying syscalls: read() into a buffer, or splice into the guest_memfd. */
	*user = (double)s->ucopied / (double)size;
	*kern = (double)k / (double)size;
	*rmm = 1.0; /* every DATA_CREATE copies its 4 KiB from the staging page */
}

/*
 * The least a path can cost at the limits measured: its copies at memcpy
 * speed, the hash if measured, and the simulated hardware's per-granule
 * work (GPT transition, scrub, first touch), which every path pays alike.
 */
static double floor_s(const struct report *rp, const struct sample *s, bool measure)
{
	double u, k, r;

	copies(s, rp->c->size, &u, &k, &r);
	return (u + k + r) * series_median(&rp->memcpy_t) +
	       (measure ? series_median(&rp->sha_t) : 0) + series_median(&rp->gpt_t);
}

static double mibs(uint64_t size, double t)
{
	return t > 0 ? (double)size / (double)MiB / t : 0;
}

static void print_table(FILE *f, const struct report *rp)
{
	const struct cfg *c = rp->c;
	double tm = series_median(&rp->memcpy_t), ts = series_median(&rp->sha_t);
	double tr = series_median(&rp->read_t), tg = series_median(&rp->gpt_t);
	char h[129];

	fprintf(f, "bench_populate: %llu MiB image in %s (%s), %u run%s each, median [min..max]\n",
		(unsigned long long)(c->size / MiB), rp->fs,
		rp->tmpfs ? "tmpfs: both paths read the image from memory" :
			    "not tmpfs: warm page cache, both paths read from memory",
		c->runs, c->runs == 1 ? "" : "s");
	fprintf(f, "machine: %ld CPUs, %s, %s %s; load average %.2f %.2f %.2f at start\n",
		rp->ncpu, rp->cpu, rp->un.sysname, rp->un.release, rp->load[0], rp->load[1],
		rp->load[2]);
	fprintf(f, "populate chunk: %llu pages per call (0: no limit, or REALMKIT_POPULATE_CHUNK); "
		"warm-up before each run: %s\n", (unsigned long long)c->chunk,
		c->no_warm ? "no" : "yes");
	fprintf(f, "DRAM: %s\n\n", c->warm_dram ? "warm (--warm-dram: one host, every page written "
						 "before the first run)" :
						 "a fresh host per run, lazily backed");

	fprintf(f, "limits, same run, same bytes, 4 KiB chunks, median [min..max]:\n");
	fprintf(f, "  memcpy                     %7.3f s [%.3f..%.3f] %6.0f MiB/s\n", tm,
		series_min(&rp->memcpy_t), series_max(&rp->memcpy_t), mibs(c->size, tm));
	fprintf(f, "  SHA-256 (EVP, ctx reused)  %7.3f s [%.3f..%.3f] %6.0f MiB/s\n", ts,
		series_min(&rp->sha_t), series_max(&rp->sha_t), mibs(c->size, ts));
	fprintf(f, "    (both over resident bytes: source and destination written before;\n"
		"    CPU time of the limit's thread: memcpy %.3f s, SHA-256 %.3f s)\n",
		series_median(&rp->memcpy_cpu), series_median(&rp->sha_cpu));
	fprintf(f, "  simulated GPT per granule  %7.3f s [%.3f..%.3f] %6.0f MiB/s\n", tg,
		series_min(&rp->gpt_t), series_max(&rp->gpt_t), mibs(c->size, tg));
	fprintf(f, "    (mprotect + hole punch + first touch, no data: the hardware model)\n");
	fprintf(f, "  read() into a faulted-in buffer (reference) %7.3f s %6.0f MiB/s\n\n", tr,
		mibs(c->size, tr));

	fprintf(f, "RMM mode %s; splice/io_uring: %zu KiB per request\n\n", c->rmm,
		c->splice_chunk / 1024);
	fprintf(f, "%-25s %-4s %8s %17s %6s %7s %7s %7s %7s %7s %7s %5s\n",
		"time (median of runs)", "mode", "wall s", "[min..max]", "sprd%", "popul s",
		"activ s", "cpu s", "vmm cpu", "MiB/s", "floor s", "eff%");
	for (int p = 0; p < NPATHS; p++)
		for (int m = 0; m < 2 && path_on(c, p); m++) {
			const struct result *r = &rp->r[p][m];
			double med = series_median(&r->wall), fl = floor_s(rp, &r->last, m);
			char spread[40];

			snprintf(spread, sizeof(spread), "[%.3f..%.3f]", series_min(&r->wall),
				 series_max(&r->wall));
			fprintf(f, "%-25s %-4s %8.3f %17s %6.0f %7.3f %7.3f %7.3f %7.3f %7.0f %7.3f "
				"%5.0f\n",
				path_name[p], m ? "meas" : "unm", med, spread,
				series_spread(&r->wall), series_median(&r->populate),
				series_median(&r->activate), series_median(&r->cpu),
				series_median(&r->vmm_cpu), mibs(c->size, med), fl,
				med > 0 ? 100.0 * fl / med : 0);
		}
	fprintf(f, "\nsame-run ratios: this run's limit / this run's time (measured: SHA-256,\n"
		"unmeasured: memcpy), median [min..max] of runs; goal >= 0.9 / >= 0.5\n");
	fprintf(f, "%-25s %-4s %-7s %-22s %-22s %-22s\n", "ratio", "mode", "limit", "limit / wall",
		"limit / populate", "CPU: limit / process");
	for (int p = 0; p < NPATHS; p++)
		for (int m = 0; m < 2 && path_on(c, p); m++) {
			const struct result *r = &rp->r[p][m];

			fprintf(f, "%-25s %-4s %-7s %6.3f [%.3f..%.3f]  %6.3f [%.3f..%.3f]  "
				"%6.3f [%.3f..%.3f]\n",
				path_name[p], m ? "meas" : "unm", m ? "SHA-256" : "memcpy",
				series_median(&r->ratio_wall), series_min(&r->ratio_wall),
				series_max(&r->ratio_wall), series_median(&r->ratio_popul),
				series_min(&r->ratio_popul), series_max(&r->ratio_popul),
				series_median(&r->ratio_cpu), series_min(&r->ratio_cpu),
				series_max(&r->ratio_cpu));
		}
	fprintf(f, "\n%-25s %-4s %-11s %7s %7s %7s %6s %9s %9s\n", "counts (per run)", "mode",
		"copies/B", "read()", "u-sys", "k-sys", "ioctl", "RMI", "minflt");
	for (int p = 0; p < NPATHS; p++)
		for (int m = 0; m < 2 && path_on(c, p); m++) {
			const struct sample *s = &rp->r[p][m].last;
			double u, k, rr;
			char cp[32];

			copies(s, c->size, &u, &k, &rr);
			snprintf(cp, sizeof(cp), "%.0f+%.0f+%.0f=%.0f", u, k, rr, u + k + rr);
			fprintf(f, "%-25s %-4s %-11s %7llu %7llu %7llu %6llu %9llu %9llu\n",
				path_name[p], m ? "meas" : "unm", cp, (unsigned long long)s->reads,
				(unsigned long long)s->usys,
				(unsigned long long)s->ksys, (unsigned long long)s->ioctls,
				(unsigned long long)s->rmi, (unsigned long long)s->minflt);
		}
	fprintf(f, "\n  cpu: user + system time of the process (less disturbed by other load\n"
		"  than wall).  floor: copies x memcpy + SHA-256 (measured) + simulated GPT;\n"
		"  eff = floor / wall.  copies/B: user read() + host kernel (process_vm_readv\n"
		"  or preadv into the NS staging pages) + RMM (staging -> granule); measured\n"
		"  adds one SHA-256 pass.  read(): user-side read() calls; k-sys: host-kernel\n"
		"  syscalls (rk_host_stats); minflt: minor faults of the process.\n");
	fprintf(f, "  wall = popul (the populate calls or copies) + activ (the first KVM_RUN,\n"
		"  where the region paths' pages become DATA).  vmm cpu: CPU time of the VMM\n"
		"  thread alone (io_uring's kernel workers not included; cpu s includes them).\n"
		"  u-sys: VMM syscalls (read, ioctl, splice, io_uring_enter).  copies/B: the\n"
		"  VMM's read() or splice + host kernel staging + RMM.\n");
	if (!c->no_overlap) {
		fprintf(f, "  overlap (io_uring): the VMM hashes 64 KiB units while the copy is in\n"
			"  flight, as much work as the copy alone takes; overlap = (copy alone + work\n"
			"  alone - both) / min(copy, work), of the copy phase; then of the whole run.\n");
		for (int p = P_URING1; p <= P_URING32; p++)
			for (int m = 0; m < 2 && path_on(c, p); m++) {
				const struct result *r = &rp->r[p][m];

				fprintf(f, "  %-25s %-4s copy %.3f s, work %.3f s, both %.3f s: "
					"overlap %3.0f %% of the copy, %3.0f %% of the run\n",
					path_name[p], m ? "meas" : "unm",
					series_median(&r->populate), r->overlap_work,
					r->overlap_both, 100.0 * r->overlap,
					100.0 * r->overlap * series_median(&r->populate) /
						series_median(&r->wall));
			}
	}
	fprintf(f, "  path A: of the wall time, read() into the fresh buffer took %.3f s (unm) "
		"%.3f s (meas)\n",
		series_median(&rp->r[P_READ][0].read), series_median(&rp->r[P_READ][1].read));
	fprintf(f, "  teardown (not timed above): close + rk_host_destroy, median %.3f s\n\n",
		series_median(&rp->r[P_FD][0].teardown));

	for (int m = 0; m < 2; m++) {
		const struct rmm_measurements *rim = &rp->r[first_path(c)][m].rim;
		bool same = true;

		for (int p = 0; p < NPATHS; p++)
			same = same && (!path_on(c, p) ||
					(rp->r[p][m].rim_same &&
					 !memcmp(rp->r[p][m].rim.rim, rim->rim, rim->hash_len)));
		hex(h, rim->rim, rim->hash_len);
		fprintf(f, "RIM %-10s %s: %s\n", m ? "measured" : "unmeasured",
			same ? "identical on every path and run" : "DIFFERS", h);
	}
	hex(h, rp->mixed[first_path(c)].rim, rp->mixed[first_path(c)].hash_len);
	fprintf(f, "RIM mixed      %s: %s\n  (%llu MiB, quarters measured/unmeasured/measured/"
		"unmeasured, one call per quarter)\n",
		rp->mixed_same ? "identical on every path" : "DIFFERS", h,
		(unsigned long long)(rp->mixed_size / MiB));
	fprintf(f, "total %.1f s\n", rp->total);
}

static void json_series(const char *name, const struct series *s, const char *end)
{
	printf("\"%s\": {\"median\": %.6f, \"min\": %.6f, \"max\": %.6f, \"n\": %u}%s", name,
	       series_median(s), series_min(s), series_max(s), s->n, end);
}

static void print_json(const struct report *rp)
{
	const struct cfg *c = rp->c;
	char h[129];

	printf("{\n  \"benchmark\": \"bench_populate\",\n");
	printf("  \"size_bytes\": %llu,\n  \"runs\": %u,\n", (unsigned long long)c->size, c->runs);
	printf("  \"image_dir\": \"%s\", \"tmpfs\": %s,\n", rp->fs, rp->tmpfs ? "true" : "false");
	printf("  \"machine\": {\"ncpu\": %ld, \"cpu\": \"%s\", \"kernel\": \"%s\", "
	       "\"load\": [%.2f, %.2f, %.2f]},\n",
	       rp->ncpu, rp->cpu, rp->un.release, rp->load[0], rp->load[1], rp->load[2]);
	printf("  \"populate_chunk_pages\": %llu, \"warm_up\": %s,\n", (unsigned long long)c->chunk,
	       c->no_warm ? "false" : "true");
	printf("  \"rmm_mode\": \"%s\", \"splice_chunk_bytes\": %zu, \"warm_dram\": %s,\n",
	       c->rmm, c->splice_chunk, c->warm_dram ? "true" : "false");
	printf("  \"limits_s\": {");
	json_series("memcpy_4k", &rp->memcpy_t, ", ");
	json_series("sha256_4k", &rp->sha_t, ", ");
	json_series("memcpy_4k_cpu", &rp->memcpy_cpu, ", ");
	json_series("sha256_4k_cpu", &rp->sha_cpu, ", ");
	json_series("read_prefaulted", &rp->read_t, ", ");
	json_series("simulated_gpt", &rp->gpt_t, "},\n");
	printf("  \"results\": [\n");
	for (int p = 0, first = 1; p < NPATHS; p++)
		for (int m = 0; m < 2 && path_on(c, p); m++, first = 0) {
			const struct result *r = &rp->r[p][m];
			const struct sample *s = &r->last;
			double med = series_median(&r->wall), u, k, rr;

			copies(s, c->size, &u, &k, &rr);
			hex(h, r->rim.rim, r->rim.hash_len);
			printf("%s    {\"path\": \"%s\", \"measured\": %s, ", first ? "" : ",\n", path_key[p],
			       m ? "true" : "false");
			json_series("wall_s", &r->wall, ", ");
			json_series("cpu_s", &r->cpu, ", ");
			json_series("read_s", &r->read, ", ");
			json_series("teardown_s", &r->teardown, ", ");
			json_series("populate_s", &r->populate, ", ");
			json_series("activate_s", &r->activate, ", ");
			json_series("vmm_thread_cpu_s", &r->vmm_cpu, ", ");
			printf("\"vmm_syscalls\": %llu, \"overlap\": %.4f, ",
			       (unsigned long long)s->usys, r->overlap);
			printf("\"mib_per_s\": %.1f, \"copies_per_byte\": {\"user\": %.3f, "
			       "\"host_kernel\": %.3f, \"rmm\": %.3f}, ",
			       mibs(c->size, med), u, k, rr);
			printf("\"user_read_calls\": %llu, \"host_syscalls\": %llu, "
			       "\"ioctls\": %llu, \"rmi_calls\": %llu, \"minor_faults\": %llu, "
			       "\"floor_s\": %.6f, "
			       "\"rim\": \"%s\", \"rim_same_every_run\": %s, "
			       "\"ratio_wall\": %.4f, \"ratio_populate\": %.4f, \"ratio_cpu\": %.4f}",
			       (unsigned long long)s->reads, (unsigned long long)s->ksys,
			       (unsigned long long)s->ioctls, (unsigned long long)s->rmi,
			       (unsigned long long)s->minflt, floor_s(rp, s, m), h,
			       r->rim_same ? "true" : "false", series_median(&r->ratio_wall),
			       series_median(&r->ratio_popul), series_median(&r->ratio_cpu));
		}
	hex(h, rp->mixed[first_path(c)].rim, rp->mixed[first_path(c)].hash_len);
	printf("\n  ],\n  \"mixed\": {\"size_bytes\": %llu, \"rim\": \"%s\", \"rim_same\": %s},\n",
	       (unsigned long long)rp->mixed_size, h, rp->mixed_same ? "true" : "false");
	printf("  \"total_s\": %.2f\n}\n", rp->total);
}

/* ---- main ---- */

static void usage(void)
{
	fputs("usage: bench_populate [--size-mib N] [--runs N] [--quick] [--json]\n"
	      "                      [--chunk-pages N] [--no-warm] [--dir DIR] [--rmm MODE]\n"
	      "                      [--splice-kib N] [--no-overlap] [--paths LIST]\n"
	      "                      [--warm-dram]\n"
	      "  --size-mib N     image size (default 1024)\n"
	      "  --runs N         runs of each path and mode; the median is reported (default 3)\n"
	      "  --quick          4 MiB, one run: proves the benchmark works, measures nothing\n"
	      "  --json           JSON on stdout (the table goes to stderr)\n"
	      "  --chunk-pages N  pages per populate ioctl before it reports progress\n"
	      "                   (default: the host's, i.e. REALMKIT_POPULATE_CHUNK or no limit)\n"
	      "  --no-warm        do not touch and free 2 x size before each run (see the\n"
	      "                   source: it matters in VMs with free page reporting)\n"
	      "  --rmm MODE       RMM mode of every run: 1.0 (default) or 2.0\n"
	      "  --splice-kib N   bytes per splice / io_uring request, KiB (default 1024)\n"
	      "  --no-overlap     skip the io_uring overlap runs\n"
	      "  --warm-dram      one host for every run, its DRAM written once before the\n"
	      "                   first (a machine whose memory is there), not a fresh one per run\n"
	      "  --paths LIST     only these paths, comma-separated: read (A), mmap (A'), fd (B),\n"
	      "                   splice (C), uring1 (D1), uring32 (D32); default all\n"
	      "  --dir DIR        where to create the image\n"
	      "                   (default /dev/shm, else $TMPDIR, else /tmp)\n",
	      stderr);
	exit(2);
}

/* "mmap,fd": the paths named, by their path_short names. */
static unsigned parse_paths(const char *list)
{
	unsigned mask = 0;
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int p;

		for (p = 0; p < NPATHS && strcmp(tok, path_short[p]); p++)
			;
		if (p == NPATHS)
			die("--paths: unknown path '%s' (read, mmap, fd, splice, uring1, uring32)",
			    tok);
		mask |= 1U << p;
	}
	if (!mask)
		die("--paths: no path named");
	return mask;
}

static uint64_t arg_num(int argc, char **argv, int *i, uint64_t min, uint64_t max)
{
	char *end;
	uint64_t v;

	if (*i + 1 >= argc)
		usage();
	v = strtoull(argv[++*i], &end, 10);
	if (*end || v < min || v > max)
		die("bad value for %s: %s", argv[*i - 1], argv[*i]);
	return v;
}

static void check_rim(struct result *r, const struct sample *s);

/*
 * How much of an io_uring populate the VMM thread gets back for its own
 * work: the same populate with the VMM hashing 64 KiB units while requests
 * are in flight, as many units as take as long as the copy phase alone.
 */
static void run_overlap(const struct cfg *c, struct report *rp)
{
	static struct vmm_work w;
	struct seg all[2] = { { 0, c->size, false }, { 0, c->size, true } };
	double unit, t;
	const unsigned calib = 256;

	memset(w.buf, 0x5a, sizeof(w.buf));
	w.left = calib;
	t = now_s();
	while (work_unit(&w))
		;
	unit = (now_s() - t) / calib;
	for (int p = P_URING1; p <= P_URING32; p++)
		for (int m = 0; m < 2 && path_on(c, p); m++) {
			struct result *r = &rp->r[p][m];
			double copy = series_median(&r->populate);
			uint64_t units = (uint64_t)(copy / unit) + 1;
			struct sample s;

			w.left = units;
			t = now_s();
			while (work_unit(&w))
				;
			r->overlap_work = now_s() - t;
			w.left = units;
			fprintf(stderr, "overlap: %s %s, %llu units of work...", path_name[p],
				m ? "measured" : "unmeasured", (unsigned long long)units);
			run_one(c, c->size, (enum path)p, &all[m], 1, &w, &s);
			r->overlap_both = s.populate;
			r->overlap = (copy + r->overlap_work - s.populate) /
				     (copy < r->overlap_work ? copy : r->overlap_work);
			fprintf(stderr, " %.3f s\n", s.populate);
			check_rim(r, &s);
		}
}

static void check_rim(struct result *r, const struct sample *s)
{
	if (!r->rim_set) {
		r->rim = s->m;
		r->rim_set = r->rim_same = true;
	} else if (memcmp(r->rim.rim, s->m.rim, sizeof(r->rim.rim))) {
		r->rim_same = false;
	}
}

int main(int argc, char **argv)
{
	static struct report rp;
	struct cfg c = { .size = 1024 * MiB, .runs = 3, .rmm = "1.0", .splice_chunk = MiB,
			 .paths = (1U << NPATHS) - 1 };
	bool size_set = false, runs_set = false, ok = true;
	struct seg mixed[4];
	uint8_t *img, *dst;
	double t_start = now_s();

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			c.quick = true;
		} else if (!strcmp(argv[i], "--json")) {
			c.json = true;
		} else if (!strcmp(argv[i], "--size-mib")) {
			c.size = arg_num(argc, argv, &i, 1, 1ULL << 20) * MiB;
			size_set = true;
		} else if (!strcmp(argv[i], "--runs")) {
			c.runs = (unsigned)arg_num(argc, argv, &i, 1, MAX_RUNS);
			runs_set = true;
		} else if (!strcmp(argv[i], "--chunk-pages")) {
			c.chunk = arg_num(argc, argv, &i, 1, 1ULL << 40);
		} else if (!strcmp(argv[i], "--no-warm")) {
			c.no_warm = true;
		} else if (!strcmp(argv[i], "--rmm")) {
			if (++i >= argc)
				usage();
			c.rmm = argv[i];
		} else if (!strcmp(argv[i], "--splice-kib")) {
			c.splice_chunk = (size_t)arg_num(argc, argv, &i, 4, 1024) * 1024;
		} else if (!strcmp(argv[i], "--no-overlap")) {
			c.no_overlap = true;
		} else if (!strcmp(argv[i], "--warm-dram")) {
			c.warm_dram = true;
		} else if (!strcmp(argv[i], "--paths")) {
			if (++i >= argc)
				usage();
			c.paths = parse_paths(argv[i]);
		} else if (!strcmp(argv[i], "--dir")) {
			if (++i >= argc)
				usage();
			c.dir = argv[i];
		} else {
			usage();
		}
	}
	if (strcmp(c.rmm, "1.0") && strcmp(c.rmm, "2.0"))
		die("--rmm %s: the RMM mode is 1.0 or 2.0", c.rmm);
	if (c.quick) {
		c.size = size_set ? c.size : 4 * MiB;
		c.runs = runs_set ? c.runs : 1;
	}
	rp.c = &c;
	uname(&rp.un);
	cpu_model(rp.cpu, sizeof(rp.cpu));
	rp.ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (getloadavg(rp.load, 3) < 0)
		rp.load[0] = rp.load[1] = rp.load[2] = -1;

	/* The image: random bytes, kept in memory too as the source of the limits. */
	img = map_anon(c.size);
	dst = map_anon(c.size);
	fill_random(img, c.size, 0x5eed1);
	memset(dst, 0, c.size);
	make_image(&c, img);
	rp.fs = tmp_dir;
	rp.tmpfs = is_tmpfs(tmp_dir);

	if (c.warm_dram) {
		struct seg warm = { 0, c.size, false };
		uint64_t dram = warm_dram_for(&c);

		/* palloc is next fit: enough runs to have written every DRAM page once. */
		for (uint64_t done = 0; done < dram + c.size; done += c.size) {
			struct sample s;

			fprintf(stderr, "warming the DRAM (%llu MiB)...",
				(unsigned long long)(dram / MiB));
			run_one(&c, c.size, P_FD, &warm, 1, NULL, &s);
			fprintf(stderr, " %.3f s\n", s.wall);
		}
	}
	/* Round robin: each run does the limits then every path and mode, rotated. */
	for (unsigned run = 0; run < c.runs; run++) {
		struct seg all[2] = { { 0, c.size, false }, { 0, c.size, true } };

		series_add(&rp.memcpy_t, memcpy_s(dst, img, c.size));
		series_add(&rp.memcpy_cpu, limit_cpu);
		series_add(&rp.sha_t, sha256_s(img, c.size));
		series_add(&rp.sha_cpu, limit_cpu);
		series_add(&rp.read_t, read_s(dst, c.size));
		series_add(&rp.gpt_t, gpt_s(c.size));
		for (unsigned k = 0; k < 2 * NPATHS; k++) {
			unsigned idx = (k + run) % (2 * NPATHS);
			enum path p = (enum path)(idx / 2);
			unsigned m = idx % 2;
			struct result *r = &rp.r[p][m];
			struct sample s;
			double lim;

			if (!path_on(&c, p))
				continue;
			fprintf(stderr, "run %u/%u: %s %s...", run + 1, c.runs, path_name[p],
				m ? "measured" : "unmeasured");
			run_one(&c, c.size, p, &all[m], 1, NULL, &s);
			fprintf(stderr, " %.3f s\n", s.wall);
			series_add(&r->populate, s.populate);
			series_add(&r->activate, s.activate);
			series_add(&r->vmm_cpu, s.vmm_cpu);
			series_add(&r->wall, s.wall);
			lim = m ? rp.sha_t.v[rp.sha_t.n - 1] : rp.memcpy_t.v[rp.memcpy_t.n - 1];
			series_add(&r->ratio_wall, lim / s.wall);
			series_add(&r->ratio_popul, lim / s.populate);
			lim = m ? rp.sha_cpu.v[rp.sha_cpu.n - 1] : rp.memcpy_cpu.v[rp.memcpy_cpu.n - 1];
			series_add(&r->ratio_cpu, lim / s.cpu);
			series_add(&r->cpu, s.cpu);
			series_add(&r->read, s.read);
			series_add(&r->teardown, s.teardown);
			r->last = s;
			check_rim(r, &s);
		}
	}

	/* One region, measured and unmeasured calls mixed: the flag is per call. */
	rp.mixed_size = c.size < MIXED_MAX ? c.size : MIXED_MAX;
	for (unsigned q = 0; q < 4; q++) {
		uint64_t qs = (rp.mixed_size / 4) & ~(PAGE - 1);

		mixed[q].off = q * qs;
		mixed[q].len = q == 3 ? rp.mixed_size - 3 * qs : qs;
		mixed[q].measure = !(q % 2);
	}
	rp.mixed_same = true;
	for (int p = 0; p < NPATHS; p++) {
		struct sample s;

		if (!path_on(&c, p))
			continue;
		run_one(&c, rp.mixed_size, (enum path)p, mixed, 4, NULL, &s);
		rp.mixed[p] = s.m;
		rp.mixed_same = rp.mixed_same &&
				!memcmp(s.m.rim, rp.mixed[first_path(&c)].rim, sizeof(s.m.rim));
	}
	if (!c.no_overlap)
		run_overlap(&c, &rp);
	if (warm_host)
		rk_host_destroy(warm_host);
	rp.total = now_s() - t_start;

	/* With --json the table still goes to the terminal, on stderr. */
	print_table(c.json ? stderr : stdout, &rp);
	if (c.json)
		print_json(&rp);

	for (int m = 0; m < 2; m++)
		for (int p = 0; p < NPATHS; p++)
			ok = ok && (!path_on(&c, p) ||
				    (rp.r[p][m].rim_same &&
				     !memcmp(rp.r[p][m].rim.rim, rp.r[first_path(&c)][m].rim.rim, 64)));
	ok = ok && rp.mixed_same &&
	     memcmp(rp.r[first_path(&c)][0].rim.rim, rp.r[first_path(&c)][1].rim.rim, 64);
	munmap(img, c.size);
	munmap(dst, c.size);
	if (!ok) {
		fprintf(stderr, "bench_populate: the paths do not give the same RIM\n");
		return 1;
	}
	return 0;
}
