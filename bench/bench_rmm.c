// SPDX-License-Identifier: MIT
/*
 * bench_rmm: how fast the software RMM is, each number reported as a ratio
 * against a limit measured in the same run on the same bytes:
 *
 *   1. measured DATA_CREATE (SHA-256, SHA-512 realms) against OpenSSL's EVP
 *      hash of the same bytes in 4 KiB chunks;
 *   2. unmeasured DATA_CREATE against memcpy of the same bytes in 4 KiB chunks;
 *   3. the cost of single commands against the system calls and page
 *      faults that the simulated hardware must do for them;
 *   4. memory used per GiB of realm, and what a large DRAM costs before use.
 *
 * The RMM is driven as a host would, through rmm_call() only; the
 * introspection API is used to count, never to act.  Every timing is
 * repeated (--reps) and reported as median [min..max].  Not a test: it
 * asserts nothing about time.  See docs/PERFORMANCE.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "series.h"
#include "hw/pas.h"
#include "realmkit/rmi.h"
#include "rmm/introspect.h"
#include "rmm/rmm.h"

#define MiB (1UL << 20)
#define GiB (1UL << 30)

#define DRAM_BASE  0x80000000UL
#define MAX_REPS   SERIES_MAX
#define L2_SIZE    (1UL << 30) /* IPA range one level-2 RTT covers */
#define L3_SIZE    (2UL << 20) /* IPA range one level-3 RTT covers */
#define SRC_WINDOW (16 * MiB)  /* NS source cycled through by the memory benchmark */

struct config {
	bool quick;
	bool json;
	uint64_t size;     /* bytes populated by the throughput benchmarks */
	uint64_t mem_size; /* bytes of realm memory in the memory benchmark */
	uint64_t mem_dram; /* DRAM size of the memory benchmark (lazily backed) */
	unsigned reps;
	unsigned calls; /* iterations of each per-call benchmark */
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench_rmm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000UL + (uint64_t)ts.tv_nsec;
}

/* Results of hashes and copies go here, so that the compiler keeps them. */
static volatile uint8_t sink;

/* Cost of one now_ns(), measured at start. */
static double clock_ns;

static void measure_clock(void)
{
	uint64_t t0 = now_ns(), acc = 0;

	for (unsigned i = 0; i < 100000; i++)
		acc += now_ns();
	clock_ns = (double)(now_ns() - t0) / 100000;
	sink ^= (uint8_t)acc;
}


/* ---- statistics ---- */



/*
 * One line of results: what the RMM does, and the limit it is compared
 * with.  Throughput rows (MiB/s) report RMM / limit, higher is better, at
 * most about 1; cost rows (ns per call) report RMM / floor, a multiple of
 * the unavoidable cost, lower is better.  Ratios are taken per repetition
 * (both sides measured back to back) and then summarised.
 */
enum row_kind { ROW_THROUGHPUT, ROW_COST };

struct row {
	const char *key;
	const char *name;
	enum row_kind kind;
	const char *ref_name;
	struct series val, ref, ratio;
};

enum {
	R_POP_SHA256,
	R_POP_SHA256_FLOOR,
	R_POP_SHA256_DEL,
	R_POP_SHA512,
	R_POP_SHA512_FLOOR,
	R_POP_SHA512_DEL,
	R_POP_UNMEAS,
	R_POP_UNMEAS_FAULT,
	R_POP_UNMEAS_DEL,
	R_CALL_VERSION,
	R_CALL_DELEGATE,
	R_CALL_DELEGATE_MPROT,
	R_CALL_RTT_CREATE,
	R_CALL_RTT_DESTROY,
	R_CALL_REALM,
	R_HASH_SHA256_ONESHOT,
	R_HASH_SHA512_ONESHOT,
	R_COUNT,
};

static struct row rows[R_COUNT] = {
	[R_POP_SHA256] = { "data_create_sha256", "DATA_CREATE measured, SHA-256", ROW_THROUGHPUT,
			   "EVP SHA-256 of the same 4 KiB chunks" },
	[R_POP_SHA256_FLOOR] = { "data_create_sha256_vs_floor", "DATA_CREATE measured, SHA-256",
				 ROW_THROUGHPUT, "memcpy into just-punched pages + SHA-256" },
	[R_POP_SHA256_DEL] = { "populate_sha256", "  + GRANULE_DELEGATE of each granule",
			       ROW_THROUGHPUT, "EVP SHA-256 of the same 4 KiB chunks" },
	[R_POP_SHA512] = { "data_create_sha512", "DATA_CREATE measured, SHA-512", ROW_THROUGHPUT,
			   "EVP SHA-512 of the same 4 KiB chunks" },
	[R_POP_SHA512_FLOOR] = { "data_create_sha512_vs_floor", "DATA_CREATE measured, SHA-512",
				 ROW_THROUGHPUT, "memcpy into just-punched pages + SHA-512" },
	[R_POP_SHA512_DEL] = { "populate_sha512", "  + GRANULE_DELEGATE of each granule",
			       ROW_THROUGHPUT, "EVP SHA-512 of the same 4 KiB chunks" },
	[R_POP_UNMEAS] = { "data_create_unmeasured", "DATA_CREATE unmeasured", ROW_THROUGHPUT,
			   "memcpy of the same 4 KiB chunks" },
	[R_POP_UNMEAS_FAULT] = { "data_create_unmeasured_vs_fault", "DATA_CREATE unmeasured",
				 ROW_THROUGHPUT,
				 "memcpy into just-punched memfd pages" },
	[R_POP_UNMEAS_DEL] = { "populate_unmeasured", "  + GRANULE_DELEGATE of each granule",
			       ROW_THROUGHPUT, "memcpy of the same 4 KiB chunks" },
	[R_CALL_VERSION] = { "rmi_version", "RMI_VERSION (empty call)", ROW_COST,
			     "getppid() system call" },
	[R_CALL_DELEGATE] = { "granule_delegate_pair", "GRANULE_DELEGATE + UNDELEGATE",
			      ROW_COST, "2 mprotect + 2 punch-hole, same pages" },
	[R_CALL_DELEGATE_MPROT] = { "granule_delegate_pair_vs_mprotect",
				    "GRANULE_DELEGATE + UNDELEGATE", ROW_COST,
				    "mprotect pair (NONE, RW), same pages" },
	[R_CALL_RTT_CREATE] = { "rtt_create_l3", "RTT_CREATE level 3", ROW_COST,
				"first write to a punched memfd page" },
	[R_CALL_RTT_DESTROY] = { "rtt_destroy_l3", "RTT_DESTROY level 3", ROW_COST,
				 "punch-hole of a resident memfd page" },
	[R_CALL_REALM] = { "realm_create_destroy", "REALM_CREATE + REALM_DESTROY", ROW_COST,
			   "4K copy+SHA-256, 2 first writes, 2 punches" },
	[R_HASH_SHA256_ONESHOT] = { "sha256_4k_evp_digest", "EVP_Digest(EVP_sha256()), 4 KiB",
				    ROW_COST, "EVP ctx reused, prefetched md, 4 KiB" },
	[R_HASH_SHA512_ONESHOT] = { "sha512_4k_evp_digest", "EVP_Digest(EVP_sha512()), 4 KiB",
				    ROW_COST, "EVP ctx reused, prefetched md, 4 KiB" },
};

static void row_add(unsigned r, double val, double ref)
{
	series_add(&rows[r].val, val);
	series_add(&rows[r].ref, ref);
	series_add(&rows[r].ratio, val / ref);
}

/* ---- a machine driven through the SMC boundary ---- */

struct bm {
	struct pas *pas;
	struct rmm *rmm;
	uint64_t next; /* bump allocator over DRAM, in PAs */
};

static void bm_init(struct bm *m, uint64_t dram)
{
	m->pas = pas_create(DRAM_BASE, dram);
	if (!m->pas)
		die("pas_create(%llu MiB): %s", (unsigned long long)(dram / MiB), strerror(errno));
	m->rmm = rmm_create(m->pas, NULL);
	if (!m->rmm)
		die("rmm_create: %s", strerror(errno));
	m->next = DRAM_BASE;
}

static void bm_fini(struct bm *m)
{
	rmm_destroy(m->rmm);
	pas_destroy(m->pas);
}

static uint64_t bm_alloc(struct bm *m, uint64_t granules)
{
	uint64_t pa = m->next;

	m->next += granules * GRANULE_SIZE;
	if (!pas_in_dram(m->pas, pa, granules * GRANULE_SIZE))
		die("benchmark DRAM too small");
	return pa;
}

static uint64_t call(struct bm *m, uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
		     uint64_t x4, uint64_t x5)
{
	return rmm_call(m->rmm, fid, x1, x2, x3, x4, x5, NULL);
}

static void must(uint64_t x0, const char *what)
{
	if (x0 != RMI_RET(RMI_SUCCESS, 0))
		die("%s failed: x0=0x%llx", what, (unsigned long long)x0);
}

static uint64_t delegated(struct bm *m)
{
	uint64_t pa = bm_alloc(m, 1);

	must(call(m, RMI_GRANULE_DELEGATE, pa, 0, 0, 0, 0), "GRANULE_DELEGATE");
	return pa;
}

/*
 * A realm with a 39-bit IPA space and one level-1 starting RTT, so that a
 * level-2 RTT covers 1 GiB and a level-3 RTT 2 MiB of IPA space.
 */
struct brealm {
	uint64_t rd;
	uint64_t rtt;
	uint64_t params;
};

static void realm_params(struct bm *m, struct brealm *r, unsigned hash_algo)
{
	struct rmi_realm_params p;

	memset(&p, 0, sizeof(p));
	p.s2sz = 39;
	p.num_bps = 1;
	p.num_wps = 1;
	p.hash_algo = hash_algo;
	p.vmid = 1;
	p.rtt_base = r->rtt;
	p.rtt_level_start = 1;
	p.rtt_num_start = 1;
	memcpy(pas_host_va(m->pas, r->params), &p, sizeof(p));
}

static void realm_new(struct bm *m, struct brealm *r, unsigned hash_algo)
{
	r->params = bm_alloc(m, 1);
	r->rd = delegated(m);
	r->rtt = delegated(m);
	realm_params(m, r, hash_algo);
	must(call(m, RMI_REALM_CREATE, r->rd, r->params, 0, 0, 0), "REALM_CREATE");
}

/* Level-2 RTTs for [0, size) and, if @l3, the level-3 RTTs below them. */
static void realm_tables(struct bm *m, struct brealm *r, uint64_t size, bool l3)
{
	for (uint64_t ipa = 0; ipa < size; ipa += L2_SIZE)
		must(call(m, RMI_RTT_CREATE, r->rd, delegated(m), ipa, 2, 0), "RTT_CREATE L2");
	for (uint64_t ipa = 0; l3 && ipa < size; ipa += L3_SIZE)
		must(call(m, RMI_RTT_CREATE, r->rd, delegated(m), ipa, 3, 0), "RTT_CREATE L3");
}

/* Deterministic, incompressible content for the NS source. */
static void fill_random(void *buf, uint64_t len, uint64_t seed)
{
	uint64_t *p = buf, x = seed | 1;

	for (uint64_t i = 0; i < len / sizeof(*p); i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		p[i] = x * 0x2545F4914F6CDD1DUL;
	}
}

/* ---- the limits: OpenSSL, memcpy, system calls ---- */

static const EVP_MD *md_fetch(unsigned hash_algo)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	static EVP_MD *md[2];

	if (!md[hash_algo]) {
		md[hash_algo] = EVP_MD_fetch(NULL, hash_algo ? "SHA512" : "SHA256", NULL);
		if (!md[hash_algo])
			die("EVP_MD_fetch failed");
	}
	return md[hash_algo];
#else
	return hash_algo ? EVP_sha512() : EVP_sha256();
#endif
}

static void md_free(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	EVP_MD_free((EVP_MD *)md_fetch(0));
	EVP_MD_free((EVP_MD *)md_fetch(1));
#endif
}

/* One context, reused for every reference hash. */
static EVP_MD_CTX *ref_ctx;

/* The fastest way OpenSSL offers to hash @len bytes as independent 4 KiB messages. */
static void hash_chunks(unsigned hash_algo, const uint8_t *p, uint64_t len)
{
	const EVP_MD *md = md_fetch(hash_algo);
	uint8_t out[EVP_MAX_MD_SIZE];
	unsigned int olen;

	for (uint64_t off = 0; off < len; off += GRANULE_SIZE) {
		if (!EVP_DigestInit_ex(ref_ctx, md, NULL) ||
		    !EVP_DigestUpdate(ref_ctx, p + off, GRANULE_SIZE) ||
		    !EVP_DigestFinal_ex(ref_ctx, out, &olen))
			die("EVP digest failed");
		sink ^= out[0];
	}
}

static double hash_chunks_s(unsigned hash_algo, const uint8_t *p, uint64_t len)
{
	uint64_t t0 = now_ns();

	hash_chunks(hash_algo, p, len);
	return (double)(now_ns() - t0) / 1e9;
}

/* memcpy of @len bytes in 4 KiB chunks; @dst already faulted in. */
static double memcpy_chunks_s(uint8_t *dst, const uint8_t *src, uint64_t len)
{
	uint64_t t0 = now_ns();

	for (uint64_t off = 0; off < len; off += GRANULE_SIZE)
		memcpy(dst + off, src + off, GRANULE_SIZE);
	t0 = now_ns() - t0;
	sink ^= dst[len - 1];
	return (double)t0 / 1e9;
}

/* A shared memfd mapping of @len bytes, like the simulated DRAM. */
struct shm {
	int fd;
	uint8_t *p, *p2; /* mapped twice, like the host and RMM views */
	uint64_t len;
};

static void shm_open_len(struct shm *s, uint64_t len, bool twice)
{
	s->len = len;
	s->fd = memfd_create("bench-rmm", MFD_CLOEXEC);
	if (s->fd < 0 || ftruncate(s->fd, (off_t)len) < 0)
		die("memfd: %s", strerror(errno));
	s->p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, s->fd, 0);
	s->p2 = twice ? mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
			     s->fd, 0)
		      : NULL;
	if (s->p == MAP_FAILED || s->p2 == MAP_FAILED)
		die("mmap: %s", strerror(errno));
}

static void shm_close(struct shm *s)
{
	munmap(s->p, s->len);
	if (s->p2)
		munmap(s->p2, s->len);
	close(s->fd);
}

static void punch(struct shm *s, uint64_t off)
{
	if (fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
		      GRANULE_SIZE) < 0)
		die("fallocate: %s", strerror(errno));
}

/*
 * The simulated DRAM gives a scrubbed granule's page back to the kernel, so
 * the first write to it afterwards takes a page fault that allocates and
 * zeroes a page.  This is that cost, without the RMM: per 4 KiB chunk, punch
 * out a backed page of a memfd (untimed), then copy into it (timed).  Same
 * pattern as GRANULE_DELEGATE then DATA_CREATE, so the fault is served from
 * the page just freed, as it is for the RMM.
 */
static double memcpy_fault_chunks_s(const uint8_t *src, uint64_t len)
{
	uint64_t total = 0, t0;
	struct shm s;

	shm_open_len(&s, len, true);
	memset(s.p, 0x5a, len);
	for (uint64_t off = 0; off < len; off += GRANULE_SIZE) {
		punch(&s, off);
		t0 = now_ns();
		memcpy(s.p2 + off, src + off, GRANULE_SIZE);
		total += now_ns() - t0;
	}
	sink ^= s.p2[len - 1];
	shm_close(&s);
	return (double)total / 1e9;
}

/* ---- 1, 2: populate throughput ---- */

enum pop_mode { POP_SHA256, POP_SHA512, POP_UNMEASURED, POP_MODES };

/*
 * One repetition of one populate mode, on a fresh machine: the limit over
 * the NS source, and the RMM populating a realm from it, as a host does:
 * GRANULE_DELEGATE then DATA_CREATE, granule by granule, each call timed on
 * its own.  The limit runs first on even repetitions and last on odd ones.
 *
 * The granules to delegate are written by the host first, so that the page
 * the delegation scrubs out is the one the DATA_CREATE fault gets back (see
 * memcpy_fault_chunks_s()); on a virtual machine with free page reporting,
 * never-used pages would make both sides measure the hypervisor instead.
 */
static void populate_rep(const struct config *c, enum pop_mode mode, unsigned rep)
{
	uint64_t n = c->size / GRANULE_SIZE, flags, t0, t1, fail = 0;
	uint64_t tables = c->size / L3_SIZE + c->size / L2_SIZE + 2, del = 0, create = 0;
	double mib = (double)c->size / MiB, ref_s = 0, fault_s = 0, del_s, create_s;
	uint64_t src, data;
	uint8_t *host_src, *dst = NULL;
	struct brealm r;
	struct bm m;

	bm_init(&m, 2 * c->size + (tables + 8) * GRANULE_SIZE);
	realm_new(&m, &r, mode == POP_SHA512 ? RMI_HASH_SHA_512 : RMI_HASH_SHA_256);
	realm_tables(&m, &r, c->size, true);
	src = bm_alloc(&m, n);
	data = bm_alloc(&m, n);
	host_src = pas_host_va(m.pas, src);
	fill_random(host_src, c->size, 0x9e3779b97f4a7c15UL * (rep + 1) + mode);
	memset(pas_host_va(m.pas, data), 0xa5, c->size);
	flags = mode == POP_UNMEASURED ? 0 : RMI_MEASURE_CONTENT;
	if (mode == POP_UNMEASURED) {
		dst = malloc(c->size);
		if (!dst)
			die("out of memory");
		memset(dst, 0x5a, c->size); /* fault it in: the limit is the copy */
	}

	for (unsigned side = 0; side < 2; side++) {
		if ((side ^ rep) & 1) {
			if (mode == POP_UNMEASURED)
				ref_s = memcpy_chunks_s(dst, host_src, c->size);
			else
				ref_s = hash_chunks_s(mode == POP_SHA512, host_src, c->size);
			fault_s = memcpy_fault_chunks_s(host_src, c->size);
			continue;
		}
		for (uint64_t i = 0; i < n; i++) {
			uint64_t pa = data + i * GRANULE_SIZE;

			t0 = now_ns();
			fail |= call(&m, RMI_GRANULE_DELEGATE, pa, 0, 0, 0, 0);
			t1 = now_ns();
			fail |= call(&m, RMI_DATA_CREATE, r.rd, pa, i * GRANULE_SIZE,
				     src + i * GRANULE_SIZE, flags);
			del += t1 - t0;
			create += now_ns() - t1;
		}
	}
	must(fail, "populate");
	del_s = (double)del / 1e9;
	create_s = (double)create / 1e9;

	switch (mode) {
	case POP_SHA256:
		row_add(R_POP_SHA256, mib / create_s, mib / ref_s);
		row_add(R_POP_SHA256_FLOOR, mib / create_s, mib / (ref_s + fault_s));
		row_add(R_POP_SHA256_DEL, mib / (create_s + del_s), mib / ref_s);
		break;
	case POP_SHA512:
		row_add(R_POP_SHA512, mib / create_s, mib / ref_s);
		row_add(R_POP_SHA512_FLOOR, mib / create_s, mib / (ref_s + fault_s));
		row_add(R_POP_SHA512_DEL, mib / (create_s + del_s), mib / ref_s);
		break;
	default:
		row_add(R_POP_UNMEAS, mib / create_s, mib / ref_s);
		row_add(R_POP_UNMEAS_FAULT, mib / create_s, mib / fault_s);
		row_add(R_POP_UNMEAS_DEL, mib / (create_s + del_s), mib / ref_s);
		break;
	}
	free(dst);
	bm_fini(&m);
}

/* ---- 3: cost per call ---- */

#define NS_PER(t0, n) ((double)(now_ns() - (t0)) / (double)(n))

static double version_ns(struct bm *m, unsigned n)
{
	uint64_t t0 = now_ns(), fail = 0;

	for (unsigned i = 0; i < n; i++)
		fail |= call(m, RMI_VERSION, RMI_ABI_VERSION, 0, 0, 0, 0);
	must(fail, "RMI_VERSION");
	return NS_PER(t0, n);
}

static double getppid_ns(unsigned n)
{
	uint64_t t0 = now_ns();
	pid_t acc = 0;

	for (unsigned i = 0; i < n; i++)
		acc ^= getppid();
	sink ^= (uint8_t)acc;
	return NS_PER(t0, n);
}

/*
 * The per-call benchmarks below are paired: each iteration times the RMM
 * call, then the floor for it, each on its own, so that both see the same
 * page allocator, caches and neighbour load.
 */

static void must_sys(int ret, const char *what)
{
	if (ret < 0)
		die("%s: %s", what, strerror(errno));
}

/*
 * GRANULE_DELEGATE and at once GRANULE_UNDELEGATE of each of @n granules
 * from @base; floors: the system calls the simulated GPT and scrub need for
 * that (mprotect to NONE, two hole punches, mprotect back) on the same
 * pattern of pages of a memfd mapped twice, and the mprotect pair alone.
 */
static void delegate_pairs(struct bm *m, uint64_t base, struct shm *s, unsigned n,
			   double *rmm, double *floor_all, double *floor_mprotect)
{
	uint64_t t[4], sum[3] = { 0 }, fail = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t off = (uint64_t)i * GRANULE_SIZE;

		t[0] = now_ns();
		fail |= call(m, RMI_GRANULE_DELEGATE, base + off, 0, 0, 0, 0);
		fail |= call(m, RMI_GRANULE_UNDELEGATE, base + off, 0, 0, 0, 0);
		t[1] = now_ns();
		must_sys(mprotect(s->p + off, GRANULE_SIZE, PROT_NONE), "mprotect");
		punch(s, off);
		punch(s, off);
		must_sys(mprotect(s->p + off, GRANULE_SIZE, PROT_READ | PROT_WRITE), "mprotect");
		t[2] = now_ns();
		must_sys(mprotect(s->p + off, GRANULE_SIZE, PROT_NONE), "mprotect");
		must_sys(mprotect(s->p + off, GRANULE_SIZE, PROT_READ | PROT_WRITE), "mprotect");
		t[3] = now_ns();
		for (unsigned k = 0; k < 3; k++)
			sum[k] += t[k + 1] - t[k];
	}
	must(fail, "GRANULE_DELEGATE/UNDELEGATE");
	*rmm = (double)sum[0] / n;
	*floor_all = (double)sum[1] / n;
	*floor_mprotect = (double)sum[2] / n;
}

/*
 * RTT_CREATE at level 3 of @n RTTs (delegated granules from @rtts), then
 * RTT_DESTROY of them.  Floors: writing 512 entries into a punched-out page
 * of a memfd (the fault that backs it again included), and punching it out.
 */
static void rtt_pairs(struct bm *m, const struct brealm *r, uint64_t rtts, struct shm *s,
		      unsigned n, double res[4])
{
	uint64_t t[3], sum[4] = { 0 }, fail = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t *table = (uint64_t *)(s->p2 + (uint64_t)i * GRANULE_SIZE);

		t[0] = now_ns();
		fail |= call(m, RMI_RTT_CREATE, r->rd, rtts + i * GRANULE_SIZE, i * L3_SIZE, 3, 0);
		t[1] = now_ns();
		for (unsigned e = 0; e < GRANULE_SIZE / sizeof(*table); e++)
			table[e] = (uint64_t)e << 56;
		t[2] = now_ns();
		sum[0] += t[1] - t[0];
		sum[1] += t[2] - t[1];
	}
	for (unsigned i = 0; i < n; i++) {
		t[0] = now_ns();
		fail |= call(m, RMI_RTT_DESTROY, r->rd, i * L3_SIZE, 3, 0, 0);
		t[1] = now_ns();
		punch(s, (uint64_t)i * GRANULE_SIZE);
		t[2] = now_ns();
		sum[2] += t[1] - t[0];
		sum[3] += t[2] - t[1];
	}
	must(fail, "RTT_CREATE/RTT_DESTROY");
	for (unsigned k = 0; k < 4; k++)
		res[k] = (double)sum[k] / n;
}

/*
 * REALM_CREATE then REALM_DESTROY, @n times.  Floor: what that must do
 * here: read the 4 KiB parameters and hash them, write the RD and the
 * starting RTT into scrubbed granules, and scrub both again.
 */
static void realm_pairs(struct bm *m, struct brealm *r, struct shm *s, unsigned n, double *rmm,
			double *floor)
{
	const uint8_t *params = pas_host_va(m->pas, r->params);
	uint64_t t[3], sum[2] = { 0 }, fail = 0;
	uint8_t buf[GRANULE_SIZE];

	for (unsigned i = 0; i < n; i++) {
		t[0] = now_ns();
		fail |= call(m, RMI_REALM_CREATE, r->rd, r->params, 0, 0, 0);
		fail |= call(m, RMI_REALM_DESTROY, r->rd, 0, 0, 0, 0);
		t[1] = now_ns();
		memcpy(buf, params, sizeof(buf));
		hash_chunks(RMI_HASH_SHA_256, buf, sizeof(buf));
		memset(s->p2, 0, 512);
		memset(s->p2 + GRANULE_SIZE, 0, GRANULE_SIZE);
		punch(s, 0);
		punch(s, GRANULE_SIZE);
		t[2] = now_ns();
		sum[0] += t[1] - t[0];
		sum[1] += t[2] - t[1];
	}
	must(fail, "REALM_CREATE/REALM_DESTROY");
	*rmm = (double)sum[0] / n;
	*floor = (double)sum[1] / n;
}

/* One-shot EVP_Digest with the legacy md, as measurement_hash() does, and the limit. */
static void oneshot_ns(unsigned hash_algo, const uint8_t *buf, unsigned n, double *oneshot,
		       double *reused)
{
	const EVP_MD *legacy = hash_algo ? EVP_sha512() : EVP_sha256();
	uint8_t out[EVP_MAX_MD_SIZE];
	unsigned int olen;
	uint64_t t0 = now_ns();

	for (unsigned i = 0; i < n; i++) {
		if (!EVP_Digest(buf, GRANULE_SIZE, out, &olen, legacy, NULL))
			die("EVP_Digest failed");
		sink ^= out[0];
	}
	*oneshot = NS_PER(t0, n);
	/* The same 4 KiB hashed @n times with a reused context. */
	t0 = now_ns();
	for (unsigned i = 0; i < n; i++)
		hash_chunks(hash_algo, buf, GRANULE_SIZE);
	*reused = NS_PER(t0, n);
}

static void calls_rep(const struct config *c)
{
	unsigned n = c->calls, nrtt = c->calls < 2048 ? c->calls : 2048;
	unsigned nrealm = n / 8 ? n / 8 : 1;
	uint64_t pool, rtts, nl2 = ((uint64_t)nrtt * L3_SIZE + L2_SIZE - 1) / L2_SIZE;
	double a, b, d, rtt[4];
	uint8_t buf[GRANULE_SIZE];
	struct brealm r;
	struct shm s;
	struct bm m;

	bm_init(&m, ((uint64_t)n + nrtt + nl2 + 16) * GRANULE_SIZE);
	shm_open_len(&s, (uint64_t)n * GRANULE_SIZE, true);

	a = version_ns(&m, 10 * n);
	row_add(R_CALL_VERSION, a, getppid_ns(10 * n));

	pool = bm_alloc(&m, n);
	delegate_pairs(&m, pool, &s, n, &a, &b, &d);
	row_add(R_CALL_DELEGATE, a, b);
	row_add(R_CALL_DELEGATE_MPROT, a, d);

	realm_new(&m, &r, RMI_HASH_SHA_256);
	realm_tables(&m, &r, nl2 * L2_SIZE, false);
	rtts = bm_alloc(&m, nrtt);
	for (unsigned i = 0; i < nrtt; i++)
		must(call(&m, RMI_GRANULE_DELEGATE, rtts + i * GRANULE_SIZE, 0, 0, 0, 0),
		     "GRANULE_DELEGATE");
	rtt_pairs(&m, &r, rtts, &s, nrtt, rtt);
	row_add(R_CALL_RTT_CREATE, rtt[0], rtt[1]);
	row_add(R_CALL_RTT_DESTROY, rtt[2], rtt[3]);

	/* Empty the realm, then create and destroy it again and again. */
	for (uint64_t i = 0; i < nl2; i++)
		must(call(&m, RMI_RTT_DESTROY, r.rd, i * L2_SIZE, 2, 0, 0), "RTT_DESTROY L2");
	must(call(&m, RMI_REALM_DESTROY, r.rd, 0, 0, 0, 0), "REALM_DESTROY");
	realm_pairs(&m, &r, &s, nrealm, &a, &b);
	row_add(R_CALL_REALM, a, b);

	fill_random(buf, sizeof(buf), 42);
	oneshot_ns(RMI_HASH_SHA_256, buf, n, &a, &b);
	row_add(R_HASH_SHA256_ONESHOT, a, b);
	oneshot_ns(RMI_HASH_SHA_512, buf, n, &a, &b);
	row_add(R_HASH_SHA512_ONESHOT, a, b);

	shm_close(&s);
	bm_fini(&m);
}

/* ---- 4: memory ---- */

enum mem_mode { MEM_MEASURED, MEM_UNMEASURED, MEM_UNKNOWN, MEM_MODES };

static const char *const mem_mode_name[MEM_MODES] = {
	[MEM_MEASURED] = "DATA_CREATE measured",
	[MEM_UNMEASURED] = "DATA_CREATE unmeasured",
	[MEM_UNKNOWN] = "DATA_CREATE_UNKNOWN",
};

struct mem_result {
	uint64_t heap_pas;       /* heap the simulated PAS allocated (its GPT) */
	uint64_t heap_rmm;       /* heap the RMM allocated (its granule array) */
	uint64_t resident_empty; /* DRAM backed right after creation */
	uint64_t anon_created;   /* anonymous RSS growth from creating PAS and RMM */
	uint64_t resident_before, resident_after; /* DRAM backed around the populate */
	uint64_t anon_populate;  /* anonymous RSS growth during the populate */
	uint64_t rtts, data;     /* RTT and DATA granules, by census */
	double seconds;          /* DELEGATE + DATA_CREATE of the whole realm */
};

static struct mem_result mem_results[MEM_MODES];

/* Anonymous resident memory of this process, from /proc/self/status (0 if unknown). */
static uint64_t rss_anon(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* Heap in use (brk and mmap); under a sanitizer's allocator this may read 0. */
static uint64_t heap_bytes(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#else
	return 0;
#endif
}

static uint64_t delta(uint64_t after, uint64_t before)
{
	return after > before ? after - before : 0;
}

static void memory_run(const struct config *c, enum mem_mode mode)
{
	struct mem_result *res = &mem_results[mode];
	uint64_t n = c->mem_size / GRANULE_SIZE, fail = 0, src, data, t0;
	uint64_t window = c->mem_size < SRC_WINDOW ? c->mem_size : SRC_WINDOW;
	uint64_t h0, a0, nwin = window / GRANULE_SIZE;
	struct rmm_census census;
	struct brealm r;
	struct bm m;

	a0 = rss_anon();
	h0 = heap_bytes();
	m.pas = pas_create(DRAM_BASE, c->mem_dram);
	if (!m.pas)
		die("pas_create(%llu MiB): %s", (unsigned long long)(c->mem_dram / MiB),
		    strerror(errno));
	res->heap_pas = delta(heap_bytes(), h0);
	h0 = heap_bytes();
	m.rmm = rmm_create(m.pas, NULL);
	if (!m.rmm)
		die("rmm_create: %s", strerror(errno));
	res->heap_rmm = delta(heap_bytes(), h0);
	m.next = DRAM_BASE;
	res->resident_empty = pas_resident_bytes(m.pas);
	res->anon_created = delta(rss_anon(), a0);

	realm_new(&m, &r, RMI_HASH_SHA_256);
	src = bm_alloc(&m, nwin);
	data = bm_alloc(&m, n);
	fill_random(pas_host_va(m.pas, src), window, 7);
	res->resident_before = pas_resident_bytes(m.pas);
	a0 = rss_anon();

	t0 = now_ns();
	realm_tables(&m, &r, c->mem_size, true);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t pa = data + i * GRANULE_SIZE, ipa = i * GRANULE_SIZE;

		fail |= call(&m, RMI_GRANULE_DELEGATE, pa, 0, 0, 0, 0);
		if (mode == MEM_UNKNOWN)
			fail |= call(&m, RMI_DATA_CREATE_UNKNOWN, r.rd, pa, ipa, 0, 0);
		else
			fail |= call(&m, RMI_DATA_CREATE, r.rd, pa, ipa,
				     src + (i % nwin) * GRANULE_SIZE,
				     mode == MEM_MEASURED ? RMI_MEASURE_CONTENT : 0);
	}
	res->seconds = (double)(now_ns() - t0) / 1e9;
	must(fail, "memory populate");
	res->resident_after = pas_resident_bytes(m.pas);
	res->anon_populate = delta(rss_anon(), a0);
	rmm_census(m.rmm, &census, false);
	res->rtts = census.count[GRANULE_RTT];
	res->data = census.count[GRANULE_DATA];
	bm_fini(&m);
}

/* ---- output ---- */

struct machine_info {
	long nproc;
	char cpu[128];
	char kernel[160];
	char load_start[64], load_end[64];
};

static void read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	snprintf(buf, len, "?");
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

static void machine_info(struct machine_info *mi)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	struct utsname u;
	char line[256];

	mi->nproc = sysconf(_SC_NPROCESSORS_ONLN);
	snprintf(mi->cpu, sizeof(mi->cpu), "?");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			snprintf(mi->cpu, sizeof(mi->cpu), "%s", colon + 2);
			mi->cpu[strcspn(mi->cpu, "\n")] = 0;
			break;
		}
	}
	if (f)
		fclose(f);
	snprintf(mi->kernel, sizeof(mi->kernel), "?");
	if (!uname(&u))
		snprintf(mi->kernel, sizeof(mi->kernel), "%s %s", u.sysname, u.release);
}

static void fmt_stat(char *buf, size_t len, const struct series *s, const char *prec)
{
	char f[64];

	snprintf(f, sizeof(f), "%%%s [%%%s..%%%s]", prec, prec, prec);
	snprintf(buf, len, f, series_median(s), series_min(s), series_max(s));
}

static void print_row(const struct row *r)
{
	char v[64], ref[64], ratio[64];
	struct series pct = r->ratio;

	if (r->kind == ROW_THROUGHPUT) {
		for (unsigned i = 0; i < pct.n; i++)
			pct.v[i] *= 100;
		fmt_stat(v, sizeof(v), &r->val, ".0f");
		fmt_stat(ref, sizeof(ref), &r->ref, ".0f");
		fmt_stat(ratio, sizeof(ratio), &pct, ".1f");
		printf("  %-38s %-22s %-44s %-22s %s %%\n", r->name, v, r->ref_name, ref, ratio);
	} else {
		fmt_stat(v, sizeof(v), &r->val, ".0f");
		fmt_stat(ref, sizeof(ref), &r->ref, ".0f");
		fmt_stat(ratio, sizeof(ratio), &r->ratio, ".2f");
		printf("  %-38s %-22s %-44s %-22s %s x\n", r->name, v, r->ref_name, ref, ratio);
	}
}

static double mib_per_gib(uint64_t bytes, uint64_t per)
{
	return (double)bytes / MiB / ((double)per / GiB);
}

static void print_table(const struct config *c, const struct machine_info *mi)
{
	printf("bench_rmm: %ld CPUs, %s, %s; load average %s -> %s\n", mi->nproc, mi->cpu,
	       mi->kernel, mi->load_start, mi->load_end);
	printf("%u runs each, median [min..max]; ratios are taken within each run.\n\n", c->reps);
	printf("Populate %llu MiB, throughput in MiB/s (RMM / limit, higher is better)\n",
	       (unsigned long long)(c->size / MiB));
	printf("  %-38s %-22s %-44s %-22s %s\n", "RMM", "MiB/s", "limit, same run, same bytes",
	       "MiB/s", "RMM / limit");
	for (unsigned i = R_POP_SHA256; i <= R_POP_UNMEAS_DEL; i++)
		print_row(&rows[i]);
	printf("\nCost per call in ns (RMM / floor, lower is better; %u calls per run)\n",
	       c->calls);
	printf("  %-38s %-22s %-44s %-22s %s\n", "RMM", "ns", "floor, same run", "ns",
	       "RMM / floor");
	for (unsigned i = R_CALL_VERSION; i < R_COUNT; i++)
		print_row(&rows[i]);

	printf("\nMemory: realm of %llu MiB in a DRAM of %llu MiB (%llu granules)\n",
	       (unsigned long long)(c->mem_size / MiB), (unsigned long long)(c->mem_dram / MiB),
	       (unsigned long long)(c->mem_dram / GRANULE_SIZE));
	{
		const struct mem_result *r = &mem_results[MEM_MEASURED];
		uint64_t ng = c->mem_dram / GRANULE_SIZE;

		printf("  right after pas_create + rmm_create: DRAM backed %llu KiB, "
		       "process anonymous RSS +%llu KiB\n",
		       (unsigned long long)(r->resident_empty / 1024),
		       (unsigned long long)(r->anon_created / 1024));
		if (r->heap_rmm)
			printf("  allocated, backed on first touch: RMM granule array %llu KiB "
			       "(%.2f B per granule, %.2f MiB per GiB of DRAM), GPT %llu KiB "
			       "(%.2f B per granule)\n",
			       (unsigned long long)(r->heap_rmm / 1024),
			       (double)r->heap_rmm / (double)ng,
			       mib_per_gib(r->heap_rmm, c->mem_dram),
			       (unsigned long long)(r->heap_pas / 1024),
			       (double)r->heap_pas / (double)ng);
		else
			printf("  allocated: not measurable (not glibc malloc: a sanitizer?)\n");
	}
	printf("  %-24s %14s %14s %6s %8s %16s %14s %8s\n", "populate with", "DRAM backed",
	       "MiB/GiB realm", "RTTs", "DATA", "RMM+GPT touched", "MiB/GiB realm", "seconds");
	for (unsigned i = 0; i < MEM_MODES; i++) {
		const struct mem_result *r = &mem_results[i];
		uint64_t d = delta(r->resident_after, r->resident_before);

		printf("  %-24s %10llu KiB %14.1f %6llu %8llu %12llu KiB %14.2f %8.2f\n",
		       mem_mode_name[i], (unsigned long long)(d / 1024),
		       mib_per_gib(d, c->mem_size), (unsigned long long)r->rtts,
		       (unsigned long long)r->data, (unsigned long long)(r->anon_populate / 1024),
		       mib_per_gib(r->anon_populate, c->mem_size), r->seconds);
	}
	printf("\nclock_gettime(CLOCK_MONOTONIC): %.0f ns a call (inside every per-call timing)\n",
	       clock_ns);
}

static void json_series(const char *name, const struct series *s, bool last)
{
	printf("\"%s\": {\"median\": %.6g, \"min\": %.6g, \"max\": %.6g, \"runs\": [", name,
	       series_median(s), series_min(s), series_max(s));
	for (unsigned i = 0; i < s->n; i++)
		printf("%s%.6g", i ? ", " : "", s->v[i]);
	printf("]}%s", last ? "" : ", ");
}

static void print_json(const struct config *c, const struct machine_info *mi)
{
	printf("{\n  \"machine\": {\"nproc\": %ld, \"cpu\": \"%s\", \"kernel\": \"%s\", "
	       "\"load_start\": \"%s\", \"load_end\": \"%s\"},\n",
	       mi->nproc, mi->cpu, mi->kernel, mi->load_start, mi->load_end);
	printf("  \"config\": {\"size_mib\": %llu, \"mem_mib\": %llu, \"mem_dram_mib\": %llu, "
	       "\"reps\": %u, \"calls\": %u, \"quick\": %s},\n",
	       (unsigned long long)(c->size / MiB), (unsigned long long)(c->mem_size / MiB),
	       (unsigned long long)(c->mem_dram / MiB), c->reps, c->calls,
	       c->quick ? "true" : "false");
	printf("  \"results\": {\n");
	for (unsigned i = 0; i < R_COUNT; i++) {
		const struct row *r = &rows[i];

		printf("    \"%s\": {\"name\": \"%s\", \"unit\": \"%s\", \"limit\": \"%s\", ",
		       r->key, r->name, r->kind == ROW_THROUGHPUT ? "MiB/s" : "ns", r->ref_name);
		json_series("value", &r->val, false);
		json_series("limit_value", &r->ref, false);
		json_series("ratio", &r->ratio, true);
		printf("}%s\n", i + 1 < R_COUNT ? "," : "");
	}
	printf("  },\n  \"clock_gettime_ns\": %.1f,\n", clock_ns);
	printf("  \"memory\": {\"dram_bytes\": %llu, \"realm_bytes\": %llu, "
	       "\"granule_array_bytes\": %llu, \"gpt_bytes\": %llu, "
	       "\"resident_empty_bytes\": %llu, \"anon_rss_created_bytes\": %llu,\n",
	       (unsigned long long)c->mem_dram, (unsigned long long)c->mem_size,
	       (unsigned long long)mem_results[0].heap_rmm,
	       (unsigned long long)mem_results[0].heap_pas,
	       (unsigned long long)mem_results[0].resident_empty,
	       (unsigned long long)mem_results[0].anon_created);
	for (unsigned i = 0; i < MEM_MODES; i++) {
		const struct mem_result *r = &mem_results[i];
		static const char *const key[MEM_MODES] = { "measured", "unmeasured", "unknown" };

		printf("    \"%s\": {\"resident_delta_bytes\": %llu, \"mib_per_gib_realm\": %.3f, "
		       "\"rtt_granules\": %llu, \"data_granules\": %llu, "
		       "\"anon_rss_delta_bytes\": %llu, \"seconds\": %.4f}%s\n",
		       key[i], (unsigned long long)delta(r->resident_after, r->resident_before),
		       mib_per_gib(delta(r->resident_after, r->resident_before), c->mem_size),
		       (unsigned long long)r->rtts, (unsigned long long)r->data,
		       (unsigned long long)r->anon_populate, r->seconds,
		       i + 1 < MEM_MODES ? "," : "");
	}
	printf("  }\n}\n");
}

/* ---- main ---- */

static void usage(void)
{
	fputs("usage: bench_rmm [--quick] [--json] [--size-mib N] [--mem-mib N] [--dram-mib N]\n"
	      "                 [--reps N] [--calls N]\n"
	      "  --size-mib N  bytes populated per throughput run (default 256, quick 4)\n"
	      "  --mem-mib N   realm size of the memory benchmark (default 1024, quick 8)\n"
	      "  --dram-mib N  DRAM size of the memory benchmark (default 16384, quick 256)\n"
	      "  --reps N      runs of each timing, median reported (default 7, quick 1)\n"
	      "  --calls N     calls per run of each per-call timing (default 20000, quick 64)\n"
	      "  --quick       tiny sizes: proves the benchmark runs, measures nothing\n"
	      "  --json        machine-readable output\n",
	      stderr);
	exit(2);
}

static uint64_t arg_num(int argc, char **argv, int *i, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;

	if (*i + 1 >= argc)
		usage();
	errno = 0;
	v = strtoull(argv[++*i], &end, 10);
	if (errno || *end || v < min || v > max)
		die("bad value for %s: %s", argv[*i - 1], argv[*i]);
	return v;
}

int main(int argc, char **argv)
{
	uint64_t size = 0, mem = 0, dram = 0, reps = 0, calls = 0;
	struct machine_info mi;
	struct config c;

	memset(&c, 0, sizeof(c));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			c.quick = true;
		else if (!strcmp(argv[i], "--json"))
			c.json = true;
		else if (!strcmp(argv[i], "--size-mib"))
			size = arg_num(argc, argv, &i, 2, 1UL << 20);
		else if (!strcmp(argv[i], "--mem-mib"))
			mem = arg_num(argc, argv, &i, 2, 1UL << 20);
		else if (!strcmp(argv[i], "--dram-mib"))
			dram = arg_num(argc, argv, &i, 4, 1UL << 30);
		else if (!strcmp(argv[i], "--reps"))
			reps = arg_num(argc, argv, &i, 1, MAX_REPS);
		else if (!strcmp(argv[i], "--calls"))
			calls = arg_num(argc, argv, &i, 4, 1UL << 24);
		else
			usage();
	}
	/* Sizes are whole level-3 RTTs (2 MiB), so that every table is full. */
	c.size = (size ? size : c.quick ? 4 : 256) * MiB & ~(L3_SIZE - 1);
	c.mem_size = (mem ? mem : c.quick ? 8 : 1024) * MiB & ~(L3_SIZE - 1);
	c.mem_dram = (dram ? dram : c.quick ? 256 : 16384) * MiB;
	c.reps = (unsigned)(reps ? reps : c.quick ? 1 : 7);
	c.calls = (unsigned)(calls ? calls : c.quick ? 64 : 20000);
	if (c.mem_dram < c.mem_size + 2 * SRC_WINDOW + 4 * MiB)
		die("--dram-mib must exceed --mem-mib by at least 36");

	ref_ctx = EVP_MD_CTX_new();
	if (!ref_ctx)
		die("EVP_MD_CTX_new failed");
	machine_info(&mi);
	measure_clock();
	read_first_line("/proc/loadavg", mi.load_start, sizeof(mi.load_start));
	for (unsigned rep = 0; rep < c.reps; rep++) {
		for (unsigned mode = 0; mode < POP_MODES; mode++)
			populate_rep(&c, (enum pop_mode)mode, rep);
		calls_rep(&c);
		if (!c.json)
			fprintf(stderr, "bench_rmm: run %u of %u done\n", rep + 1, c.reps);
	}
	for (unsigned mode = 0; mode < MEM_MODES; mode++)
		memory_run(&c, (enum mem_mode)mode);
	read_first_line("/proc/loadavg", mi.load_end, sizeof(mi.load_end));

	if (c.json)
		print_json(&c, &mi);
	else
		print_table(&c, &mi);
	EVP_MD_CTX_free(ref_ctx);
	md_free();
	return 0;
}
