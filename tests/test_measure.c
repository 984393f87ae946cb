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

#include "harness.h"
#include "kvm_util.h"
#include "measure/measure.h"
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
	struct rk_host_config cfg = { .dram_size = 256 * MiB };
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
			    "layout %u (alg %u ipa %u vmm_ripas %d regions %u vcpus %u threads %u): "
			    "engine RIM equals the RMM's", it, L.alg, L.ipa, L.vmm_ripas, L.nreg,
			    L.nvcpus, o.threads))
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
	CHECK_EQ(r1.data_descs, size / 4096);
	CHECK_EQ(r1.rec_descs, 1);
	CHECK_EQ(r1.ripas_descs, 64); /* 2 MiB blocks over 128 MiB: RIPAS first, nothing populated */
	unlink(path);
	free(chunk);
}

int main(void)
{
	test_errors();
	test_threads_and_streaming();
	test_random_layouts();
	return t_done();
}
