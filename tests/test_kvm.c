// SPDX-License-Identifier: MIT
/*
 * The KVM realm user ABI, driven as a VMM drives it: a realm with two
 * memslots, a kernel-like image populated measured and a DTB-like blob
 * unmeasured, two vCPUs, activation by the first KVM_RUN.  The RIM is
 * checked against a model written here from the documented algorithm and
 * RTT policy (docs/KVM.md), with OpenSSL directly: it shares no code with
 * src/rmm or src/kvm.  Also: the populate loop under forced partial
 * progress, VMM-driven RIPAS, configuration, leaks and failures mid-setup.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "harness.h"
#include "kvm_util.h"

#define MiB (1ULL << 20)

/* ---- the independent model ---- */

struct model {
	unsigned alg, len;
	uint8_t rim[64];
	int start_level;
	/* Tables KVM will have built: (level, base) pairs. */
	struct {
		int level;
		uint64_t base;
	} tables[4096];
	unsigned ntables;
	uint64_t populated[4096];
	unsigned npopulated;
};

static void hash(unsigned alg, const void *p, size_t n, uint8_t *out)
{
	unsigned int len;

	EVP_Digest(p, n, out, &len, alg ? EVP_sha512() : EVP_sha256(), NULL);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t lsize(int level)
{
	return 1ULL << (12 + 9 * (3 - level));
}

static void model_init(struct model *m, unsigned alg, unsigned ipa, unsigned bps, unsigned wps)
{
	static uint8_t page[4096];

	memset(m, 0, sizeof(*m));
	m->alg = alg;
	m->len = alg ? 64 : 32;
	m->start_level = 4 - (int)((ipa - 8) / 9);
	memset(page, 0, sizeof(page));
	put64(page + 0x08, ipa);
	put64(page + 0x18, bps);
	put64(page + 0x20, wps);
	put64(page + 0x30, alg);
	hash(alg, page, sizeof(page), m->rim);
}

static void model_extend(struct model *m, uint8_t type, const uint8_t *body, size_t n)
{
	uint8_t d[0x100];

	memset(d, 0, sizeof(d));
	d[0] = type;
	put64(d + 8, 0x100);
	memcpy(d + 0x10, m->rim, m->len);
	memcpy(d + 0x50, body, n);
	hash(m->alg, d, sizeof(d), m->rim);
}

static bool model_has_table(const struct model *m, int level, uint64_t base)
{
	if (level == m->start_level)
		return true;
	for (unsigned i = 0; i < m->ntables; i++)
		if (m->tables[i].level == level && m->tables[i].base == base)
			return true;
	return false;
}

static void model_add_table(struct model *m, int level, uint64_t base)
{
	if (model_has_table(m, level, base))
		return;
	m->tables[m->ntables].level = level;
	m->tables[m->ntables++].base = base;
}

/* A populated page: a DATA descriptor, and tables down to level 3 on its path. */
static void model_data(struct model *m, uint64_t ipa, const uint8_t *content, bool measured)
{
	uint8_t body[0x60];

	memset(body, 0, sizeof(body));
	put64(body, ipa);
	put64(body + 8, measured);
	if (measured)
		hash(m->alg, content, 4096, body + 0x10);
	model_extend(m, 0, body, sizeof(body));
	for (int l = m->start_level + 1; l <= 3; l++)
		model_add_table(m, l, ipa & ~(lsize(l - 1) - 1));
	m->populated[m->npopulated++] = ipa;
}

static void model_rec(struct model *m, uint64_t pc, const uint64_t *gprs)
{
	static uint8_t page[4096];
	uint8_t body[64];

	memset(page, 0, sizeof(page));
	put64(page, 1); /* RUNNABLE */
	put64(page + 0x200, pc);
	for (int i = 0; i < 8; i++)
		put64(page + 0x300 + 8 * i, gprs[i]);
	hash(m->alg, page, sizeof(page), body);
	model_extend(m, 1, body, m->len);
}

static bool model_is_populated(const struct model *m, uint64_t ipa)
{
	for (unsigned i = 0; i < m->npopulated; i++)
		if (m->populated[i] == ipa)
			return true;
	return false;
}

/*
 * RIPAS RAM over [base, top) as docs/KVM.md says KVM does it: one descriptor
 * per entry of the deepest existing table; a table one level down where an
 * entry is not wholly inside the range; populated pages skipped.
 */
static void model_ripas(struct model *m, uint64_t base, uint64_t top)
{
	uint64_t addr = base;

	while (addr < top) {
		int level = m->start_level;
		uint64_t e0, sz;
		uint8_t body[16];

		while (level < 3 && model_has_table(m, level + 1, addr & ~(lsize(level) - 1)))
			level++;
		sz = lsize(level);
		e0 = addr & ~(sz - 1);
		if (level == 3 && model_is_populated(m, addr)) {
			addr += sz;
			continue;
		}
		if (addr != e0 || e0 + sz > top) {
			model_add_table(m, level + 1, e0);
			continue;
		}
		put64(body, e0);
		put64(body + 8, e0 + sz);
		model_extend(m, 2, body, sizeof(body));
		addr += sz;
	}
}

/* ---- the scenario ---- */

#define RAM_GPA    0x80000000ULL
#define RAM_SIZE   (32 * MiB)
#define KERNEL_GPA (RAM_GPA + 0x80000) /* not 2 MiB aligned: level-3 edges */
#define KERNEL_PAGES 389
#define DTB_GPA    0x88000000ULL
#define DTB_SLOT_SIZE (MiB + 12 * 4096) /* ends mid-2 MiB */
#define DTB_PAGES  16

struct scenario {
	unsigned alg;
	uint64_t chunk;     /* populate chunk (0: none) */
	bool vmm_ripas;     /* KVM_CAP_REALMKIT_VMM_RIPAS: RIPAS only over the kernel */
	bool set_rpv;
};

/* A realm program that powers the realm off: x0 = PSCI SYSTEM_OFF; SMC #0. */
static const uint32_t g_system_off[] = { 0xd2800100, 0xf2b08000, 0xd4000003, 0x14000000 };

/* An image of @pages that starts with g_system_off, then a pattern. */
static uint8_t *image(size_t pages, uint8_t seed)
{
	uint8_t *p = aligned_alloc(4096, pages * 4096);

	for (size_t i = 0; i < pages * 4096; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 12));
	memcpy(p, g_system_off, sizeof(g_system_off));
	return p;
}

static long populate_all(struct vmm *v, uint64_t gpa, const uint8_t *src, size_t pages,
			 bool measure)
{
	return vmm_populate(v, gpa, src, pages * 4096, measure);
}

/* Build the realm through the ABI; returns the number of populate calls, or -1. */
static long build(struct rk_host *h, struct vmm *v, const struct scenario *s,
		  const uint8_t *kernel, const uint8_t *dtb)
{
	struct kvm_enable_cap cap = { 0 };
	uint8_t rpv[64];
	long calls, c2;

	if (!CHECK_EQ(vmm_open(v, h, 40), 0))
		return -1;
	cap.cap = KVM_CAP_REALMKIT_REALM_CONFIG;
	cap.args[0] = KVM_REALMKIT_CFG_HASH_ALGO;
	cap.args[1] = s->alg;
	CHECK_EQ(rk_ioctl(h, v->vm, KVM_ENABLE_CAP, &cap), 0);
	if (s->set_rpv) {
		memset(rpv, 0x5c, sizeof(rpv));
		cap.args[0] = KVM_REALMKIT_CFG_RPV;
		cap.args[1] = (uint64_t)(uintptr_t)rpv;
		CHECK_EQ(rk_ioctl(h, v->vm, KVM_ENABLE_CAP, &cap), 0);
	}
	if (s->chunk) {
		memset(&cap, 0, sizeof(cap));
		cap.cap = KVM_CAP_REALMKIT_POPULATE_CHUNK;
		cap.args[0] = s->chunk;
		CHECK_EQ(rk_ioctl(h, v->vm, KVM_ENABLE_CAP, &cap), 0);
	}
	if (s->vmm_ripas) {
		memset(&cap, 0, sizeof(cap));
		cap.cap = KVM_CAP_REALMKIT_VMM_RIPAS;
		CHECK_EQ(rk_ioctl(h, v->vm, KVM_ENABLE_CAP, &cap), 0);
	}
	CHECK_EQ(vmm_add_ram(v, RAM_GPA, RAM_SIZE), 0);
	CHECK_EQ(vmm_add_ram(v, DTB_GPA, DTB_SLOT_SIZE), 0);
	CHECK(vmm_add_vcpu(v) >= 0);
	CHECK(vmm_add_vcpu(v) >= 0);
	CHECK(vmm_add_vgic(v, 0) >= 0);
	CHECK_EQ(vmm_set_reg(v, 0, KVM_REG_ARM64_PC, KERNEL_GPA), 0);
	CHECK_EQ(vmm_set_reg(v, 0, KVM_REG_ARM64_X(0), DTB_GPA), 0);
	CHECK_EQ(vmm_set_reg(v, 0, KVM_REG_ARM64_X(7), 0x77), 0);
	CHECK_EQ(vmm_set_reg(v, 0, KVM_REG_ARM64_X(8), 0x88), 0); /* not in REC params */
	CHECK_EQ(vmm_set_reg(v, 1, KVM_REG_ARM64_PC, 0xdead0000), 0); /* not runnable: unmeasured */

	calls = populate_all(v, KERNEL_GPA, kernel, KERNEL_PAGES, true);
	c2 = populate_all(v, DTB_GPA, dtb, DTB_PAGES, false);
	if (!CHECK(calls > 0 && c2 > 0))
		return -1;
	if (s->vmm_ripas) {
		struct kvm_realmkit_init_ripas r = { .base = RAM_GPA, .size = 4 * MiB };

		do
			CHECK_EQ(rk_ioctl(h, v->vm, KVM_REALMKIT_INIT_RIPAS, &r), 0);
		while (r.size && t_failed == 0);
	}
	return calls + c2;
}

static void model_scenario(struct model *m, const struct scenario *s, const uint8_t *kernel,
			   const uint8_t *dtb)
{
	uint64_t gprs[8] = { DTB_GPA, 0, 0, 0, 0, 0, 0, 0x77 };

	/* KVM's defaults: the platform's 6 breakpoints and 4 watchpoints, minus one. */
	model_init(m, s->alg, 40, 5, 3);
	for (unsigned i = 0; i < KERNEL_PAGES; i++)
		model_data(m, KERNEL_GPA + i * 4096ULL, kernel + i * 4096, true);
	for (unsigned i = 0; i < DTB_PAGES; i++)
		model_data(m, DTB_GPA + i * 4096ULL, dtb + i * 4096, false);
	if (s->vmm_ripas)
		model_ripas(m, RAM_GPA, RAM_GPA + 4 * MiB);
	model_rec(m, KERNEL_GPA, gprs);
	if (!s->vmm_ripas) {
		model_ripas(m, RAM_GPA, RAM_GPA + RAM_SIZE);
		model_ripas(m, DTB_GPA, DTB_GPA + DTB_SLOT_SIZE);
	}
}

static void test_vmm_realm(const struct scenario *s)
{
	struct rk_host_config cfg = { .dram_size = 512 * MiB };
	struct rk_host *h = rk_host_create(&cfg);
	uint8_t *kernel = image(KERNEL_PAGES, 1), *dtb = image(DTB_PAGES, 2);
	struct rmm_measurements got;
	struct rk_host_stats st;
	struct model *m = calloc(1, sizeof(*m));
	struct kvm_run *run;
	struct vmm v;
	long calls;

	calls = build(h, &v, s, kernel, dtb);
	if (s->chunk)
		CHECK(calls >= (long)((KERNEL_PAGES + s->chunk - 1) / s->chunk));
	else
		CHECK_EQ(calls, 2);
	run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v.vcpu[0], 0);
	CHECK(run != MAP_FAILED);
	/* The kernel image begins with PSCI SYSTEM_OFF: the realm runs and powers off. */
	CHECK_EQ(rk_ioctl(h, v.vcpu[0], KVM_RUN, 0), 0);
	CHECK_EQ(run->exit_reason, KVM_EXIT_SYSTEM_EVENT);
	CHECK_EQ(run->system_event.type, KVM_SYSTEM_EVENT_SHUTDOWN);
	/* vCPU 1, never started, reports the realm's end too rather than sleeping for ever. */
	CHECK_EQ(rk_ioctl(h, v.vcpu[1], KVM_RUN, 0), 0);

	model_scenario(m, s, kernel, dtb);
	CHECK(vmm_measurements(h, &got));
	CHECK_EQ(got.hash_len, m->len);
	t_check(!memcmp(got.rim, m->rim, m->len), __FILE__, __LINE__,
		"RIM matches the model (alg %u chunk %llu vmm_ripas %d)", s->alg,
		(unsigned long long)s->chunk, s->vmm_ripas);

	munmap(run, 4096);
	vmm_close(&v);
	CHECK_EQ(rk_host_reap(h), 1);
	rk_host_stats(h, &st);
	CHECK_EQ(st.granules_delegated, 0);
	CHECK_EQ(st.pages_used, 0);
	CHECK_EQ(st.files_live, 0);
	rk_host_destroy(h);
	free(m);
	free(kernel);
	free(dtb);
}

/* The REALMKIT_POPULATE_CHUNK environment knob reaches a new host's VMs. */
static void test_env_chunk(void)
{
	struct rk_host *h;
	struct vmm v;
	uint8_t *img = image(10, 3);

	setenv("REALMKIT_POPULATE_CHUNK", "3", 1);
	h = rk_host_create(&(struct rk_host_config){ .dram_size = 128 * MiB });
	unsetenv("REALMKIT_POPULATE_CHUNK");
	vmm_open(&v, h, 0);
	vmm_add_ram(&v, RAM_GPA, 2 * MiB);
	CHECK_EQ(vmm_populate(&v, RAM_GPA, img, 10 * 4096, true), 4); /* 3 + 3 + 3 + 1 */
	vmm_close(&v);
	rk_host_destroy(h);
	free(img);

	/* A value that is not a page count is refused, not taken as "no limit". */
	static const char *const bad[] = { "abc", "-3", "99999999999999999999", "", "3x",
					   "4294967297" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("REALMKIT_POPULATE_CHUNK", bad[i], 1);
		errno = 0;
		h = rk_host_create(&(struct rk_host_config){ .dram_size = 128 * MiB });
		t_check(!h && errno == EINVAL, __FILE__, __LINE__,
			"REALMKIT_POPULATE_CHUNK=\"%s\" accepted", bad[i]);
		rk_host_destroy(h);
	}
	unsetenv("REALMKIT_POPULATE_CHUNK");
}

static void expect_clean(struct rk_host *h, const char *what)
{
	struct rk_host_stats st;
	char why[256] = "";

	rk_host_reap(h);
	rk_host_stats(h, &st);
	t_check(!st.vms_live && !st.pages_used && !st.granules_delegated && !st.files_live &&
			rmm_check_invariants(rk_host_rmm(h), why, sizeof(why)),
		__FILE__, __LINE__, "clean after %s: vms %llu pages %llu delegated %llu %s", what,
		(unsigned long long)st.vms_live, (unsigned long long)st.pages_used,
		(unsigned long long)st.granules_delegated, why);
}

/* Failures in the middle of setup leave nothing behind once the files are closed. */
static void test_failures_mid_setup(void)
{
	struct rk_host *h = rk_host_create(&(struct rk_host_config){ .dram_size = 64 * MiB });
	uint8_t *img = image(64, 4);
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
	struct vmm v;
	int fd;

	/* Populate twice over the same page: the second fails, the first stays. */
	vmm_open(&v, h, 0);
	vmm_add_ram(&v, RAM_GPA, 4 * MiB);
	CHECK_EQ(vmm_populate(&v, RAM_GPA, img, 8 * 4096, true), 1);
	CHECK_EQ(vmm_populate(&v, RAM_GPA + 4 * 4096, img, 8 * 4096, true), -EEXIST);
	vmm_close(&v);
	expect_clean(h, "EEXIST");

	/* Activation fails (a vCPU without PSCI 0.2): the realm is dead, teardown still works. */
	vmm_open(&v, h, 0);
	vmm_add_ram(&v, RAM_GPA, 4 * MiB);
	vmm_add_vcpu(&v);
	fd = rk_ioctl(h, v.vm, KVM_CREATE_VCPU, 1);
	v.vcpu[v.nvcpus++] = fd;
	CHECK_EQ(rk_ioctl(h, fd, KVM_ARM_VCPU_INIT, &init), 0);
	CHECK(vmm_add_vgic(&v, 0) >= 0);
	CHECK_EQ(vmm_populate(&v, RAM_GPA, img, 4 * 4096, true), 1);
	CHECK_EQ(rk_ioctl(h, v.vcpu[0], KVM_RUN, 0), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(rk_ioctl(h, v.vcpu[0], KVM_RUN, 0), -1);
	CHECK_EQ(errno, ENXIO);
	vmm_close(&v);
	expect_clean(h, "failed activation");

	/* DRAM runs out part-way through a populate (a 64 MiB image on a 64 MiB host). */
	{
		uint8_t *big = image(64 * 256, 5);
		long r;

		vmm_open(&v, h, 0);
		vmm_add_ram(&v, RAM_GPA, 64 * MiB);
		r = vmm_populate(&v, RAM_GPA, big, 64 * MiB, true);
		CHECK_EQ(r, -ENOMEM);
		vmm_close(&v);
		expect_clean(h, "ENOMEM");
		free(big);
	}

	/* Files closed in any order, and a dup keeps the VM alive. */
	vmm_open(&v, h, 0);
	vmm_add_ram(&v, RAM_GPA, 2 * MiB);
	fd = dup(v.vm);
	CHECK_EQ(vmm_populate(&v, RAM_GPA, img, 4096, false), 1);
	close(v.vm);
	rk_host_reap(h);
	{
		struct rk_host_stats st;

		rk_host_stats(h, &st);
		CHECK_EQ(st.vms_live, 1);
	}
	v.vm = fd;
	CHECK_EQ(vmm_populate(&v, RAM_GPA + 4096, img, 4096, false), 1);
	vmm_close(&v);
	expect_clean(h, "dup");
	rk_host_destroy(h);
	free(img);
}

/* Thousands of create/populate/run/destroy cycles, with a census after each. */
static void test_leaks(void)
{
	struct rk_host *h = rk_host_create(&(struct rk_host_config){ .dram_size = 64 * MiB });
	uint8_t *img = image(16, 6);
	int fds_before = dup(0), fds_after;
	unsigned bad = 0;

	close(fds_before);
	for (int i = 0; i < 2000; i++) {
		struct rk_host_stats st;
		struct vmm v;

		vmm_open(&v, h, 0);
		vmm_add_ram(&v, RAM_GPA, 2 * MiB);
		vmm_add_vcpu(&v);
		if (vmm_add_vgic(&v, 0) < 0)
			bad++;
		if (vmm_set_reg(&v, 0, KVM_REG_ARM64_PC, RAM_GPA) != 0 ||
		    vmm_populate(&v, RAM_GPA, img, 16 * 4096, i & 1) != 1)
			bad++;
		if (i % 3 == 0 && rk_ioctl(h, v.vcpu[0], KVM_RUN, 0) != 0)
			bad++;
		vmm_close(&v);
		rk_host_reap(h);
		rk_host_stats(h, &st);
		if (st.vms_live || st.pages_used || st.granules_delegated || st.files_live)
			bad++;
	}
	CHECK_EQ(bad, 0);
	expect_clean(h, "2000 cycles");
	fds_after = dup(0);
	close(fds_after);
	CHECK_EQ(fds_after, fds_before); /* no file descriptor leaked either */
	rk_host_destroy(h);
	free(img);
}

/*
 * As in Linux, a vCPU's kvm_run mapping holds its file, and so the VM: closing
 * every fd tears nothing down until the mapping goes too.
 */
static void test_mapping_keeps_vm(void)
{
	struct rk_host *h = rk_host_create(&(struct rk_host_config){ .dram_size = 64 * MiB });
	struct rk_host_stats st;
	struct kvm_run *run;
	struct vmm v;

	vmm_open(&v, h, 0);
	vmm_add_ram(&v, RAM_GPA, 2 * MiB);
	vmm_add_vcpu(&v);
	run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v.vcpu[0], 0);
	CHECK(run != MAP_FAILED);
	vmm_close(&v);
	rk_host_reap(h);
	rk_host_stats(h, &st);
	CHECK_EQ(st.vms_live, 1);
	CHECK_EQ(st.files_live, 1); /* only the vCPU file, held by the mapping, holds the VM */
	munmap(run, 4096);
	expect_clean(h, "the kvm_run mapping was the last reference");
	rk_host_destroy(h);
}

int main(void)
{
	static const struct scenario scenarios[] = {
		{ .alg = 0 },
		{ .alg = 1 },
		{ .alg = 0, .chunk = 1 },
		{ .alg = 0, .chunk = 7 },
		{ .alg = 1, .chunk = 64, .set_rpv = true },
		{ .alg = 0, .vmm_ripas = true },
		{ .alg = 1, .vmm_ripas = true, .chunk = 5 },
	};

	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		test_vmm_realm(&scenarios[i]);
	test_env_chunk();
	test_mapping_keeps_vm();
	test_failures_mid_setup();
	test_leaks();
	return t_done();
}
