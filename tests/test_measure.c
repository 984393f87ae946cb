// SPDX-License-Identifier: MIT
/*
 * The measurement engine (src/measure) against the running stack: random
 * realm layouts are built through the KVM ABI (rk_ioctl: guest_memfd
 * memslots, populate from buffers and from files, measured or not, RIPAS by
 * KVM at activation or by the VMM between populates, several vCPUs),
 * activated by a KVM_RUN that executes nothing (immediate_exit), and the
 * RIM the RMM computed (rk_vm_measurements) must equal the engine's for the
 * same launch, for SHA-256 and SHA-512 and any number of hashing threads.
 * Also: the engine's own errors, and its memory staying bounded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cbor.h>
#include <openssl/evp.h>

#include "harness.h"
#include "kvm_util.h"

#include "attest/refvals.h"
#include "measure/ccel.h"
#include "measure/export.h"
#include "measure/measure.h"
#include "measure/spec.h"
#include "realmkit/observe.h"

#define MiB (1ULL << 20)
#define PAGE 4096ULL

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static uint64_t rnd_range(uint64_t lo, uint64_t hi) /* [lo, hi] */
{
	return lo + rnd() % (hi - lo + 1);
}

#define MAX_SLOTS   3
#define MAX_REGIONS 6
#define MAX_STEPS   32

struct layout {
	unsigned alg, ipa, nvcpus;
	unsigned rmm; /* RK_RMM_1_0 or RK_RMM_2_0: both are checked */
	bool vmm_ripas;
	uint64_t slot_base[MAX_SLOTS], slot_size[MAX_SLOTS];
	unsigned nslots;
	struct rkm_region reg[MAX_REGIONS];
	uint8_t *buf[MAX_REGIONS];
	char path[MAX_REGIONS][64];
	bool from_file[MAX_REGIONS];
	unsigned nreg;
	struct rkm_step steps[MAX_STEPS]; /* populate and VMM RIPAS, in call order */
	unsigned nsteps;
	uint64_t pc, gprs[8];
};

static void make_layout(struct layout *L)
{
	memset(L, 0, sizeof(*L));
	L->alg = (unsigned)(rnd() & 1);
	L->ipa = (unsigned[]){ 36, 40, 44, 48 }[rnd() % 4];
	L->vmm_ripas = rnd() & 1;
	L->nvcpus = (unsigned)rnd_range(1, 3);
	L->nslots = (unsigned)rnd_range(1, MAX_SLOTS);
	for (unsigned s = 0; s < L->nslots; s++) {
		/* Some slots 2 MiB aligned, some not; sizes that end mid-block. */
		L->slot_base[s] = 0x80000000ULL + s * 0x10000000ULL +
				  (rnd() & 1 ? 0 : rnd_range(1, 1023) * PAGE);
		L->slot_size[s] = rnd_range(1, 3 * 512 + 40) * PAGE;
	}
	for (unsigned s = 0; s < L->nslots; s++) {
		uint64_t next = L->slot_base[s], end = L->slot_base[s] + L->slot_size[s];

		for (unsigned k = rnd_range(0, 2); k && L->nreg < MAX_REGIONS; k--) {
			struct rkm_region *r = &L->reg[L->nreg];
			uint64_t room, pages;

			next += rnd_range(0, 300) * PAGE;
			if (next >= end)
				break;
			room = (end - next) / PAGE;
			pages = rnd_range(1, room < 300 ? room : 300);
			r->ipa = next;
			r->size = pages * PAGE;
			r->measured = rnd() % 4 != 0;
			/* Files may end mid-page: the rest of the page reads as zero. */
			r->length = r->size - (rnd() & 1 ? rnd_range(0, PAGE - 1) : 0);
			r->name = "region";
			L->buf[L->nreg] = aligned_alloc(PAGE, r->size);
			for (uint64_t i = 0; i < r->size; i += 8) {
				uint64_t v = rnd();

				memcpy(L->buf[L->nreg] + i, &v, 8);
			}
			memset(L->buf[L->nreg] + r->length, 0, r->size - r->length);
			L->from_file[L->nreg] = rnd() & 1;
			next += r->size;
			L->nreg++;
		}
	}
	/* Populate in a random order; VMM RIPAS ranges between them. */
	for (unsigned i = 0; i < L->nreg; i++) {
		unsigned j = (unsigned)rnd_range(0, i);
		struct rkm_region t = L->reg[i];
		uint8_t *b = L->buf[i];
		bool f = L->from_file[i];

		L->reg[i] = L->reg[j];
		L->buf[i] = L->buf[j];
		L->from_file[i] = L->from_file[j];
		L->reg[j] = t;
		L->buf[j] = b;
		L->from_file[j] = f;
	}
	for (unsigned i = 0; i <= L->nreg && L->nsteps < MAX_STEPS - 4; i++) {
		if (L->vmm_ripas)
			for (unsigned k = rnd_range(0, 2); k; k--) {
				unsigned s = (unsigned)rnd_range(0, L->nslots - 1);
				uint64_t pages = L->slot_size[s] / PAGE;
				uint64_t p0 = rnd_range(0, pages - 1), n = rnd_range(1, pages - p0);
				struct rkm_step *st = &L->steps[L->nsteps++];

				st->type = RKM_STEP_RIPAS;
				st->base = L->slot_base[s] + p0 * PAGE;
				st->top = st->base + n * PAGE;
			}
		if (i < L->nreg) {
			L->steps[L->nsteps].type = RKM_STEP_DATA;
			L->steps[L->nsteps++].region = i;
		}
	}
	L->pc = L->slot_base[0] + rnd_range(0, L->slot_size[0] / PAGE - 1) * PAGE;
	for (unsigned i = 0; i < 8; i++)
		L->gprs[i] = rnd() & 1 ? rnd() : 0;
}

static void free_layout(struct layout *L)
{
	for (unsigned i = 0; i < L->nreg; i++) {
		free(L->buf[i]);
		if (L->path[i][0])
			unlink(L->path[i]);
	}
}

static int populate_fd(struct vmm *v, uint64_t gpa, int fd, uint64_t size, bool measure)
{
	struct kvm_realmkit_populate_fd p = { .base = gpa, .size = size, .fd = fd,
					      .flags = measure ? KVM_ARM_RMI_POPULATE_FLAGS_MEASURE
							       : 0 };

	do
		if (rk_ioctl(v->host, v->vm, KVM_REALMKIT_POPULATE_FD, &p) < 0)
			return -errno;
	while (p.size);
	return 0;
}

/* Build and activate the realm through the KVM ABI; its RIM into @m. */
static bool run_kvm(struct layout *L, struct rk_measurements *m)
{
	struct rk_host_config cfg = { .dram_size = 256 * MiB, .rmm = L->rmm };
	struct rk_host *h = rk_host_create(&cfg);
	struct kvm_enable_cap cap = { 0 };
	struct kvm_run *run;
	struct vmm v;
	bool ok = true;

	CHECK_EQ(vmm_open(&v, h, L->ipa), 0);
	cap.cap = KVM_CAP_REALMKIT_REALM_CONFIG;
	cap.args[0] = KVM_REALMKIT_CFG_HASH_ALGO;
	cap.args[1] = L->alg;
	CHECK_EQ(rk_ioctl(h, v.vm, KVM_ENABLE_CAP, &cap), 0);
	if (L->vmm_ripas) {
		memset(&cap, 0, sizeof(cap));
		cap.cap = KVM_CAP_REALMKIT_VMM_RIPAS;
		CHECK_EQ(rk_ioctl(h, v.vm, KVM_ENABLE_CAP, &cap), 0);
	}
	for (unsigned s = 0; s < L->nslots; s++)
		CHECK_EQ(vmm_add_ram(&v, L->slot_base[s], L->slot_size[s]), 0);
	for (unsigned i = 0; i < L->nvcpus; i++)
		CHECK(vmm_add_vcpu(&v) >= 0);
	CHECK(vmm_add_vgic(&v, 0) >= 0); /* a realm's first KVM_RUN needs the in-kernel GIC */
	CHECK_EQ(vmm_set_reg(&v, 0, KVM_REG_ARM64_PC, L->pc), 0);
	for (unsigned i = 0; i < 8; i++)
		CHECK_EQ(vmm_set_reg(&v, 0, KVM_REG_ARM64_X(i), L->gprs[i]), 0);
	CHECK_EQ(vmm_set_reg(&v, 0, KVM_REG_ARM64_X(9), 0x99), 0); /* not in REC params */
	for (unsigned i = 1; i < L->nvcpus; i++)
		CHECK_EQ(vmm_set_reg(&v, i, KVM_REG_ARM64_PC, 0x12345000), 0); /* not runnable */

	for (unsigned i = 0; i < L->nsteps; i++) {
		struct rkm_step *st = &L->steps[i];

		if (st->type == RKM_STEP_RIPAS) {
			struct kvm_realmkit_init_ripas r = { .base = st->base,
							     .size = st->top - st->base };

			do
				ok &= CHECK_EQ(rk_ioctl(h, v.vm, KVM_REALMKIT_INIT_RIPAS, &r), 0);
			while (r.size && ok);
		} else {
			struct rkm_region *r = &L->reg[st->region];

			if (L->from_file[st->region]) {
				int fd = mkstemp(strcpy(L->path[st->region],
							"/tmp/rk-measure-XXXXXX"));

				ok &= CHECK(fd >= 0) &&
				      CHECK_EQ(write(fd, L->buf[st->region], r->length),
					       r->length);
				ok &= CHECK_EQ(populate_fd(&v, r->ipa, fd, r->size, r->measured), 0);
				close(fd);
				r->path = L->path[st->region];
			} else {
				ok &= CHECK(vmm_populate(&v, r->ipa, L->buf[st->region], r->size,
							 r->measured) > 0);
				r->data = L->buf[st->region];
			}
		}
	}
	/* Activate without running realm code: KVM_RUN sees immediate_exit after activation. */
	run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v.vcpu[0], 0);
	CHECK(run != MAP_FAILED);
	run->immediate_exit = 1;
	CHECK_EQ(rk_ioctl(h, v.vcpu[0], KVM_RUN, 0), -1);
	CHECK_EQ(errno, EINTR);
	ok &= CHECK_EQ(rk_vm_measurements(h, v.vm, m), 0);
	munmap(run, 4096);
	vmm_close(&v);
	rk_host_destroy(h);
	return ok;
}

/* The same launch as the engine sees it: steps, then RECs, then KVM's RIPAS. */
static void to_launch(struct layout *L, struct rkm_launch *l, struct rkm_step *steps)
{
	unsigned n = 0, order[MAX_SLOTS];

	memset(l, 0, sizeof(*l));
	l->rmm = L->rmm == RK_RMM_2_0 ? RKM_RMM_2_0 : RKM_RMM_1_0;
	l->params.hash_algo = L->alg;
	l->params.ipa_bits = L->ipa;
	l->params.num_bps = 5; /* KVM's defaults: 6 and 4, minus one */
	l->params.num_wps = 3;
	l->regions = L->reg;
	l->nregions = L->nreg;
	memcpy(steps, L->steps, L->nsteps * sizeof(*steps));
	n = L->nsteps;
	for (unsigned i = 0; i < L->nvcpus; i++) {
		memset(&steps[n], 0, sizeof(steps[n]));
		steps[n].type = RKM_STEP_REC;
		steps[n].runnable = i == 0;
		steps[n].pc = i == 0 ? L->pc : 0x12345000;
		if (i == 0)
			memcpy(steps[n].gprs, L->gprs, sizeof(L->gprs));
		n++;
	}
	if (!L->vmm_ripas) {
		for (unsigned s = 0; s < L->nslots; s++)
			order[s] = s;
		/* Slots are created in ascending GPA already; KVM sorts them anyway. */
		for (unsigned s = 0; s < L->nslots; s++) {
			memset(&steps[n], 0, sizeof(steps[n]));
			steps[n].type = RKM_STEP_RIPAS;
			steps[n].base = L->slot_base[order[s]];
			steps[n].top = L->slot_base[order[s]] + L->slot_size[order[s]];
			n++;
		}
	}
	l->steps = steps;
	l->nsteps = n;
}

static void test_random_layouts(void)
{
	unsigned agree = 0, runs = 0, sha512 = 0, vmm = 0;

	for (unsigned it = 0; it < 40; it++) {
		struct layout L;
		struct rk_measurements m;
		struct rkm_step steps[MAX_STEPS + 8];
		struct rkm_launch l;
		struct rkm_options o = { .threads = 1 + it % 3 };
		struct rkm_result r;
		char err[RKM_ERR_LEN] = "";

		rng_state = 0x9e3779b97f4a7c15ULL * (it + 1);
		make_layout(&L);
		L.rmm = it % 2 ? RK_RMM_2_0 : RK_RMM_1_0;
		if (!run_kvm(&L, &m)) {
			free_layout(&L);
			continue;
		}
		to_launch(&L, &l, steps);
		runs++;
		if (!t_check(rkm_measure(&l, &o, &r, err, sizeof(err)) == 0, __FILE__, __LINE__,
			     "layout %u: engine failed: %s", it, err)) {
			free_layout(&L);
			continue;
		}
		CHECK_EQ(r.hash_len, m.hash_len);
		if (t_check(!memcmp(r.rim, m.rim, sizeof(r.rim)), __FILE__, __LINE__,
			    "layout %u (rmm %u alg %u ipa %u vmm_ripas %d regions %u vcpus %u "
			    "threads %u): engine RIM equals the RMM's", it, L.rmm, L.alg, L.ipa,
			    L.vmm_ripas, L.nreg, L.nvcpus, o.threads))
			agree++;
		sha512 += L.alg;
		vmm += L.vmm_ripas;
		free_layout(&L);
	}
	printf("random layouts: %u of %u agree (%u SHA-512, %u VMM RIPAS)\n", agree, runs, sha512,
	       vmm);
	CHECK(sha512 > 5 && vmm > 5 && runs - sha512 > 5 && runs - vmm > 5);
}

/* The engine's errors: one message each, nothing measured. */
static void test_errors(void)
{
	static uint8_t page[8192];
	struct rkm_region reg[2] = {
		{ .name = "kernel", .data = page, .length = 4096, .ipa = 0x80000000, .size = 4096,
		  .measured = true },
		{ .name = "initrd", .data = page, .length = 8192, .ipa = 0x80001000, .size = 8192 },
	};
	struct rkm_step steps[2] = { { .type = RKM_STEP_DATA, .region = 0 },
				     { .type = RKM_STEP_DATA, .region = 1 } };
	struct rkm_launch l = { .params = { .ipa_bits = 40 }, .regions = reg, .nregions = 2,
				.steps = steps, .nsteps = 2 };
	struct rkm_result r;
	char err[RKM_ERR_LEN];

	CHECK_EQ(rkm_measure(&l, NULL, &r, err, sizeof(err)), 0);
	reg[1].ipa = 0x80000000 + 0x800;
	CHECK_EQ(rkm_measure(&l, NULL, &r, err, sizeof(err)), -1);
	CHECK(strstr(err, "initrd: IPA 0x80000800 is not 4 KiB aligned") != NULL);
	reg[1].ipa = 0x80000000;
	CHECK_EQ(rkm_measure(&l, NULL, &r, err, sizeof(err)), -1);
	CHECK(strstr(err, "kernel [0x80000000, 0x80001000) overlaps initrd") != NULL);
	reg[1].ipa = 0x7ffffff000ULL;
	CHECK_EQ(rkm_measure(&l, NULL, &r, err, sizeof(err)), -1);
	CHECK(strstr(err, "outside the protected IPA space") != NULL);
	reg[1].ipa = 0x80001000;
	reg[1].path = "/nonexistent/initrd.img";
	CHECK_EQ(rkm_measure(&l, NULL, &r, err, sizeof(err)), -1);
	CHECK(strstr(err, "initrd: cannot open /nonexistent/initrd.img: No such file") != NULL);
	reg[1].path = "/tmp";
	CHECK_EQ(rkm_measure(&l, NULL, &r, err, sizeof(err)), -1);
	CHECK(strstr(err, "not a regular file") != NULL);
	reg[1].path = NULL;
	l.params.hash_algo = 2;
	CHECK_EQ(rkm_measure(&l, NULL, &r, err, sizeof(err)), -1);
	CHECK(strstr(err, "hash algorithm 2") != NULL);
	l.params.hash_algo = 0;
	l.params.ipa_bits = 60;
	CHECK_EQ(rkm_measure(&l, NULL, &r, err, sizeof(err)), -1);
	CHECK(strstr(err, "IPA size 60 bits") != NULL);
}

/* Thread counts do not change the result; a large image streams in bounded memory. */
static void test_threads_and_streaming(void)
{
	uint64_t size = 64 * MiB;
	char path[] = "/tmp/rk-measure-big-XXXXXX";
	int fd = mkstemp(path);
	struct rkm_region reg = { .name = "image", .path = path, .length = size - 100,
				  .ipa = 0x80000000, .size = size, .measured = true };
	struct rkm_step st[3] = { { .type = RKM_STEP_RIPAS, .base = 0x80000000,
				    .top = 0x80000000 + 2 * size },
				  { .type = RKM_STEP_DATA, .region = 0 },
				  { .type = RKM_STEP_REC, .runnable = true, .pc = 0x80000000 } };
	struct rkm_launch l = { .params = { .ipa_bits = 40, .hash_algo = 1 }, .regions = &reg,
				.nregions = 1, .steps = st, .nsteps = 3 };
	struct rkm_result r1, r4;
	char err[RKM_ERR_LEN];
	uint8_t *chunk = malloc(MiB);

	CHECK(fd >= 0);
	for (uint64_t off = 0; off < size - 100; off += MiB) {
		uint64_t n = size - 100 - off < MiB ? size - 100 - off : MiB;

		for (uint64_t i = 0; i < n; i++)
			chunk[i] = (uint8_t)(off / 4096 + i * 31);
		CHECK_EQ(write(fd, chunk, n), n);
	}
	close(fd);
	CHECK_EQ(rkm_measure(&l, &(struct rkm_options){ .threads = 1 }, &r1, err, sizeof(err)),
		 0);
	CHECK_EQ(rkm_measure(&l, &(struct rkm_options){ .threads = 4 }, &r4, err, sizeof(err)),
		 0);
	CHECK(!memcmp(r1.rim, r4.rim, 64));
	{
		/* RMM 2.0 rules: the same launch without its RIPAS descriptor. */
		struct rkm_result r2a, r2b;

		l.rmm = RKM_RMM_2_0;
		CHECK_EQ(rkm_measure(&l, NULL, &r2a, err, sizeof(err)), 0);
		CHECK_EQ(r2a.ripas_descs, 0);
		l.rmm = RKM_RMM_1_0;
		l.steps = st + 1;
		l.nsteps = 2;
		CHECK_EQ(rkm_measure(&l, NULL, &r2b, err, sizeof(err)), 0);
		CHECK(!memcmp(r2a.rim, r2b.rim, 64));
		CHECK(memcmp(r2a.rim, r1.rim, 64) != 0);
		l.steps = st;
		l.nsteps = 3;
	}
	CHECK_EQ(r1.data_descs, size / 4096);
	CHECK_EQ(r1.rec_descs, 1);
	CHECK_EQ(r1.ripas_descs, 64); /* 2 MiB blocks over 128 MiB: RIPAS first, nothing populated */
	unlink(path);
	free(chunk);
}

/* ---- TCG event logs ---- */

struct logbuf {
	uint8_t b[8192];
	size_t n;
};

static void lput(struct logbuf *l, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		l->b[l->n++] = (uint8_t)(v >> (8 * i));
}

static void lbytes(struct logbuf *l, const void *p, size_t n)
{
	memcpy(l->b + l->n, p, n);
	l->n += n;
}

/* The Spec ID event: SHA-256 and SHA-512 declared. */
static void log_spec_id(struct logbuf *l)
{
	char sig[16] = "Spec ID Event03";

	lput(l, 0, 4);
	lput(l, 3, 4);
	for (int i = 0; i < 20; i++)
		lput(l, 0, 1);
	lput(l, 37, 4);
	lbytes(l, sig, 16);
	lput(l, 0, 4);
	lput(l, 0, 1);
	lput(l, 2, 1);
	lput(l, 106, 1);
	lput(l, 2, 1);
	lput(l, 2, 4);
	lput(l, 0xb, 2);
	lput(l, 32, 2);
	lput(l, 0xd, 2);
	lput(l, 64, 2);
	lput(l, 0, 1);
}

/* An event header with one zero SHA-256 digest (or @digest of @alg/@dlen). */
static void log_head(struct logbuf *l, uint32_t pcr, uint32_t type, unsigned alg,
		     const uint8_t *digest, unsigned dlen)
{
	static const uint8_t zero[64];

	lput(l, pcr, 4);
	lput(l, type, 4);
	lput(l, 1, 4);
	lput(l, alg ? alg : 0xb, 2);
	lbytes(l, digest ? digest : zero, digest ? dlen : 32);
}

static void log_realm_create(struct logbuf *l, unsigned s2sz, unsigned bps, unsigned wps,
			     unsigned alg)
{
	log_head(l, 0, 6, 0, NULL, 0);
	lput(l, 8 + 14, 4);
	lput(l, 1, 4);
	lput(l, 14, 4);
	lput(l, 0, 8);
	lput(l, s2sz, 1);
	lput(l, 0, 1);
	lput(l, bps, 1);
	lput(l, wps, 1);
	lput(l, 0, 1);
	lput(l, alg, 1);
}

static int replay(struct logbuf *l, const char *const *images, unsigned n, struct rkm_result *r,
		  char *err)
{
	struct rkm_spec s;
	struct rkm_ccel_info info;
	int ret;

	rkm_spec_init(&s);
	ret = rkm_ccel_replay(l->b, l->n, images, n, &s, &info, err, RKM_ERR_LEN);
	if (!ret)
		ret = rkm_measure(&s.l, NULL, r, err, RKM_ERR_LEN);
	rkm_spec_free(&s);
	return ret;
}

/*
 * cca-realm-measurements' tests/event_log.rs builds a log (Spec ID, a VM
 * VERSION event for kvmtool, REALM_CREATE with s2sz 48, num_bps 5,
 * num_wps 3, SHA-256) and expects RIM iWDVaCY3CqpvybOgQdQkBolYK6QeKti7j5rfbSoM1ec=.
 */
static void test_ccel_known_answer(void)
{
	static const uint8_t want[32] = {
		0x89, 0x60, 0xd5, 0x68, 0x26, 0x37, 0x0a, 0xaa, 0x6f, 0xc9, 0xb3, 0xa0, 0x41, 0xd4, 0x24, 0x06,
		0x89, 0x58, 0x2b, 0xa4, 0x1e, 0x2a, 0xd8, 0xbb, 0x8f, 0x9a, 0xdf, 0x6d, 0x2a, 0x0c, 0xd5, 0xe7,
	};
	struct logbuf *l = calloc(1, sizeof(*l));
	char name[32] = "kvmtool", ver[40] = "", sig[16] = "VM VERSION";
	struct rkm_result r;
	char err[RKM_ERR_LEN] = "";

	log_spec_id(l);
	log_head(l, 0, 3, 0, NULL, 0);
	lput(l, 16 + 32 + 40 + 8 + 8 + 8 + 4, 4);
	lbytes(l, sig, 16);
	lbytes(l, name, 32);
	lbytes(l, ver, 40);
	lput(l, 2 << 20, 8);
	lput(l, 1 << 10, 8);
	lput(l, 1 << 30, 8);
	lput(l, 128, 4);
	log_realm_create(l, 48, 5, 3, 0);
	t_check(replay(l, NULL, 0, &r, err) == 0, __FILE__, __LINE__, "replay: %s", err);
	CHECK(!memcmp(r.rim, want, 32));
	free(l);
}

/* A log with every kind of RIM event and REM events, and each way to corrupt it. */
static void test_ccel_replay_and_errors(void)
{
	static uint8_t kernel[5000];
	char path[] = "/tmp/rk-ccel-img-XXXXXX";
	int fd = mkstemp(path);
	const char *images[1] = { path };
	struct logbuf *l = calloc(1, sizeof(*l)), *c = calloc(1, sizeof(*c));
	uint8_t d512[64], d256[32];
	unsigned dl;
	char err[RKM_ERR_LEN] = "";
	struct rkm_result r, r2;
	size_t good;

	for (unsigned i = 0; i < sizeof(kernel); i++)
		kernel[i] = (uint8_t)(i * 13);
	CHECK_EQ(write(fd, kernel, sizeof(kernel)), sizeof(kernel));
	close(fd);
	EVP_Digest(kernel, sizeof(kernel), d512, &dl, EVP_sha512(), NULL);
	log_spec_id(l);
	log_realm_create(l, 40, 5, 3, 0);
	/* INIT_RIPAS [0x80000000, +4 MiB) */
	log_head(l, 0, 6, 0, NULL, 0);
	lput(l, 8 + 16, 4);
	lput(l, 2, 4);
	lput(l, 16, 4);
	lput(l, 0x80000000, 8);
	lput(l, 4 << 20, 8);
	/* KERNEL blob, named by its SHA-512, at 0x80000000 */
	log_head(l, 0, 0x13, 0xd, d512, 64);
	lput(l, 1 + 7 + 16, 4);
	lput(l, 7, 1);
	lbytes(l, "KERNEL", 7);
	lput(l, 0x80000000, 8);
	lput(l, sizeof(kernel), 8);
	/* REC_CREATE, runnable, pc and x0 */
	log_head(l, 0, 6, 0, NULL, 0);
	lput(l, 8 + 80, 4);
	lput(l, 3, 4);
	lput(l, 80, 4);
	lput(l, 1, 8);
	lput(l, 0x80000000, 8);
	lput(l, 0x83e00000, 8);
	for (int i = 1; i < 8; i++)
		lput(l, 0, 8);
	/* An unmeasured LOG blob (no digest) */
	lput(l, 0, 4);
	lput(l, 0x13, 4);
	lput(l, 0, 4);
	lput(l, 1 + 4 + 16, 4);
	lput(l, 4, 1);
	lbytes(l, "LOG", 4);
	lput(l, 0x84000000, 8);
	lput(l, 65536, 8);
	/* Firmware measures something into PCR 9 (REM2) */
	memset(d256, 0x42, sizeof(d256));
	log_head(l, 9, 0xd, 0xb, d256, 32);
	lput(l, 4, 4);
	lbytes(l, "grub", 4);
	good = l->n;
	memset(l->b + l->n, 0xff, 100); /* unused log area */
	l->n += 100;
	t_check(replay(l, images, 1, &r, err) == 0, __FILE__, __LINE__, "replay: %s", err);
	CHECK_EQ(r.data_descs, 2 + 16);
	CHECK_EQ(r.ripas_descs, 2);
	CHECK_EQ(r.rec_descs, 1);
	{
		/* The same launch straight into the engine. */
		struct rkm_region reg[2] = {
			{ .path = path, .length = sizeof(kernel), .ipa = 0x80000000, .size = 8192,
			  .measured = true },
			{ .ipa = 0x84000000, .size = 65536 },
		};
		struct rkm_step st[4] = {
			{ .type = RKM_STEP_RIPAS, .base = 0x80000000, .top = 0x80400000 },
			{ .type = RKM_STEP_DATA, .region = 0 },
			{ .type = RKM_STEP_REC, .runnable = true, .pc = 0x80000000,
			  .gprs = { 0x83e00000 } },
			{ .type = RKM_STEP_DATA, .region = 1 },
		};
		uint8_t rem[64] = { 0 };
		struct rkm_launch ln = { .params = { .ipa_bits = 40, .num_bps = 5, .num_wps = 3 },
					 .regions = reg, .nregions = 2, .steps = st, .nsteps = 4 };
		uint8_t buf[64];
		unsigned hl;

		CHECK_EQ(rkm_measure(&ln, NULL, &r2, err, sizeof(err)), 0);
		CHECK(!memcmp(r.rim, r2.rim, 32));
		/* REM2 = SHA-256(zero REM || digest) */
		memcpy(buf, rem, 32);
		memcpy(buf + 32, d256, 32);
		EVP_Digest(buf, 64, rem, &hl, EVP_sha256(), NULL);
		CHECK(!memcmp(r.rem[2], rem, 32));
	}
	/* Corruptions: each names the event that breaks the chain. */
	memcpy(c, l, sizeof(*c));
	c->n = good - 3;
	CHECK_EQ(replay(c, images, 1, &r, err), -1);
	CHECK(strstr(err, "event 6") && strstr(err, "runs past the end of the log"));
	CHECK_EQ(replay(l, NULL, 0, &r, err), -1);
	CHECK(strstr(err, "event 3 (EV_POST_CODE2") && strstr(err, "no image given has its digest "
								    "sha512:"));
	memcpy(c, l, sizeof(*c));
	c->b[33] = 'X'; /* the Spec ID signature */
	CHECK_EQ(replay(c, images, 1, &r, err), -1);
	CHECK(strstr(err, "no TCG2 Spec ID Event03") != NULL);
	memcpy(c, l, sizeof(*c));
	c->b[69 + 12] = 0x0c; /* event 1's digest: SHA-384, not declared */
	CHECK_EQ(replay(c, images, 1, &r, err), -1);
	CHECK(strstr(err, "event 1") && strstr(err, "0xc is not declared"));
	memcpy(c, l, sizeof(*c));
	c->n = 69 + 10;
	CHECK_EQ(replay(c, images, 1, &r, err), -1);
	CHECK(strstr(err, "truncated event header") != NULL);
	c->n = 10;
	CHECK_EQ(replay(c, images, 1, &r, err), -1);
	CHECK(strstr(err, "too short") != NULL);
	{
		/* REC_CREATE before REALM_CREATE */
		struct logbuf *x = calloc(1, sizeof(*x));

		log_spec_id(x);
		log_head(x, 0, 6, 0, NULL, 0);
		lput(x, 8 + 80, 4);
		lput(x, 3, 4);
		lput(x, 80, 4);
		for (int i = 0; i < 10; i++)
			lput(x, 0, 8);
		CHECK_EQ(replay(x, images, 1, &r, err), -1);
		CHECK(strstr(err, "event 1 (EV_EVENT_TAG") && strstr(err, "before REALM_CREATE"));
		x->n = 0;
		log_spec_id(x);
		CHECK_EQ(replay(x, images, 1, &r, err), -1);
		CHECK(strstr(err, "no REALM_CREATE event") != NULL);
		free(x);
	}
	unlink(path);
	free(l);
	free(c);
}

/* The exports: a CoRIM that decodes to the profile's shape, refvals that load back. */
static void test_exports(void)
{
	struct rkm_result r = { .hash_len = 32 };
	uint8_t rpv[64];
	struct rkm_refval v = { .r = &r, .rpv = rpv, .name = "test", .rems_known = true };
	struct cbor_load_result cl;
	cbor_item_t *root, *corim, *tags, *tag0, *comid_b, *comid, *trip, *mms;
	size_t n = 0;
	uint8_t *b;
	char path[] = "/tmp/rk-refvals-XXXXXX", err[RKM_ERR_LEN];
	struct att_refvals rv = { 0 };
	int fd;

	for (int i = 0; i < 32; i++)
		r.rim[i] = (uint8_t)i;
	r.rem[1][0] = 0xaa;
	memset(rpv, 0x5c, sizeof(rpv));
	b = rkm_corim_cbor(&v, &n);
	CHECK(b != NULL);
	root = cbor_load(b, n, &cl);
	CHECK(root && cbor_isa_tag(root) && cbor_tag_value(root) == 501);
	corim = cbor_tag_item(root);
	CHECK(cbor_isa_map(corim) && cbor_map_size(corim) == 3);
	tags = cbor_map_handle(corim)[1].value;
	tag0 = cbor_array_get(tags, 0);
	CHECK(cbor_isa_array(tags) && cbor_tag_value(tag0) == 506);
	comid_b = cbor_tag_item(tag0);
	comid = cbor_load(cbor_bytestring_handle(comid_b), cbor_bytestring_length(comid_b), &cl);
	CHECK(comid && cbor_isa_map(comid));
	trip = cbor_array_get(cbor_map_handle(cbor_map_handle(comid)[1].value)[0].value, 0);
	mms = cbor_array_get(trip, 1);
	CHECK_EQ(cbor_array_size(mms), 6);
	{
		cbor_item_t *mm = cbor_array_get(mms, 0), *key = cbor_map_handle(mm)[0].value;
		cbor_item_t *dg = cbor_array_get(cbor_map_handle(cbor_map_handle(mm)[1].value)[0].value,
						 0);
		cbor_item_t *env = cbor_array_get(trip, 0);
		cbor_item_t *cid = cbor_map_handle(cbor_map_handle(env)[0].value)[0].value;

		cbor_item_t *dalg = cbor_array_get(dg, 0), *dval = cbor_array_get(dg, 1);

		CHECK(!memcmp(cbor_string_handle(key), "cca.rim", 7));
		CHECK(!memcmp(cbor_bytestring_handle(dval), r.rim, 32));
		CHECK(!memcmp(cbor_string_handle(dalg), "sha-256", 7));
		cbor_decref(&dalg);
		cbor_decref(&dval);
		CHECK_EQ(cbor_tag_value(cid), 560);
		{
			cbor_item_t *rimb = cbor_tag_item(cid);

			CHECK(!memcmp(cbor_bytestring_handle(rimb), r.rim, 32));
			cbor_decref(&rimb);
		}
		cbor_decref(&dg);
		cbor_decref(&mm);
		cbor_decref(&env);
	}
	cbor_decref(&mms);
	cbor_decref(&trip);
	cbor_decref(&comid);
	cbor_decref(&comid_b);
	cbor_decref(&tag0);
	cbor_decref(&corim);
	cbor_decref(&root);
	free(b);

	fd = mkstemp(path);
	close(fd);
	CHECK_EQ(rkm_write_refvals(path, &v, err, sizeof(err)), 0);
	CHECK(att_refvals_load(path, &rv, err, sizeof(err)));
	CHECK_EQ(rv.nrealm, 1);
	if (rv.nrealm == 1) {
		CHECK(rv.realm[0].rim.present && rv.realm[0].rim.len == 32 &&
		      !memcmp(rv.realm[0].rim.b, r.rim, 32));
		CHECK(rv.realm[0].rem[1].present && rv.realm[0].rem[1].b[0] == 0xaa);
		CHECK(rv.realm[0].rpv.present && rv.realm[0].rpv.len == 64);
		CHECK(!strcmp(rv.realm[0].hash_alg, "sha-256"));
	}
	att_refvals_free(&rv);
	unlink(path);
}

int main(void)
{
	test_ccel_known_answer();
	test_ccel_replay_and_errors();
	test_exports();
	test_errors();
	test_threads_and_streaming();
	test_random_layouts();
	return t_done();
}
