// SPDX-License-Identifier: MIT
/*
 * Unprotected memory backed by the VMM's memslots (src/kvm/shared.c,
 * docs/KVM.md "Shared memory"), on RMM 1.0 and 2.0.  A realm program made
 * here (tests/a64.h) writes and reads its unprotected aliases of a shared-only
 * memslot and of RAM whose guest_memfd memslot also has user memory; at MMIO
 * "marks" the test, as the VMM, checks its own user pages and writes them.
 * Proven: coherence both ways, the memory-fault exit for a PRIVATE page and
 * the VMM converting it, unmapping when the VMM makes the page PRIVATE
 * again or deletes the slot (the user keeps the bytes, the realm then sees
 * MMIO or faults again), EFAULT for user memory that is missing or read-only,
 * and after teardown: no page, granule or RTT left, the user pages ordinary
 * memory again with their last bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "a64.h"
#include "harness.h"
#include "kvm_util.h"
#include "realmkit/observe.h"
#include "realmkit/psci.h"

#define IPA_BITS 40
#define SB       (1ULL << (IPA_BITS - 1))
#define RAM_GPA  0x80000000ULL
#define RAM_SIZE (2ULL << 20)
#define R_GPA    (RAM_GPA + (1ULL << 20)) /* a RAM page the realm shares */
#define SLOT_GPA 0x90000000ULL            /* a shared-only memslot (no guest_memfd) */
#define MARK     0x0a000000ULL            /* MMIO, no memslot */

#define PAT1 0x1111222233334444ULL /* realm -> VMM, shared slot */
#define PAT2 0x5555666677778888ULL /* VMM -> realm, shared slot */
#define PAT3 0x9999aaaabbbbccccULL /* VMM -> realm, RAM (written before the realm runs) */
#define PAT4 0xddddeeeeffff0000ULL /* realm -> VMM, RAM */
#define PAT5 0x0123456789abcdefULL /* the MMIO read once the slot is gone */

struct ctx {
	struct vmm v;
	size_t (*prog)(uint32_t *p); /* NULL: program() */
	uint8_t *ram_user, *slot_user;
	struct kvm_run *run;
	unsigned marks, faults;
};

/* The realm program: see the header comment; each "mark" is an MMIO store of a value. */
static size_t program(uint32_t *p)
{
	unsigned n = 0;

	n += a64_mov(p + n, 1, SLOT_GPA | SB);
	n += a64_mov(p + n, 3, MARK | SB);
	n += a64_mov(p + n, 5, R_GPA | SB);
	n += a64_mov(p + n, 2, PAT1);
	p[n++] = a64_str(2, 1); /* realm writes the shared slot */
	p[n++] = a64_str(2, 3); /* mark 1: the VMM reads PAT1, writes PAT2 */
	p[n++] = a64_ldr(4, 1);
	p[n++] = a64_str(4, 3); /* mark 2: PAT2 */
	p[n++] = a64_ldr(6, 5); /* RAM alias: PRIVATE -> memory fault -> shared -> PAT3 */
	p[n++] = a64_str(6, 3); /* mark 3: PAT3 */
	n += a64_mov(p + n, 7, PAT4);
	p[n++] = a64_str(7, 5);
	p[n++] = a64_str(7, 3); /* mark 4: the VMM reads PAT4; deletes the slot, R private */
	p[n++] = a64_ldr(8, 1); /* the slot is gone: an MMIO read (PAT5) */
	p[n++] = a64_str(8, 3); /* mark 5: PAT5 */
	p[n++] = a64_ldr(9, 5); /* R private again: memory fault -> shared -> the user's PAT4 */
	p[n++] = a64_str(9, 3); /* mark 6: PAT4 */
	n += a64_mov(p + n, 0, PSCI_SYSTEM_OFF);
	p[n++] = A64_SMC0;
	p[n++] = A64_B_SELF;
	return n * sizeof(uint32_t);
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void wr64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static int set_attr(struct ctx *c, uint64_t gpa, bool private)
{
	struct kvm_memory_attributes a = { .address = gpa, .size = 4096,
					   .attributes = private ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0 };

	return rk_ioctl(c->v.host, c->v.vm, KVM_SET_MEMORY_ATTRIBUTES, &a);
}

static int add_slot(struct ctx *c, uint32_t slot, uint64_t gpa, uint64_t size, void *uaddr,
		    int gmem)
{
	struct kvm_userspace_memory_region2 r = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)uaddr,
	};

	if (gmem >= 0) {
		r.flags = KVM_MEM_GUEST_MEMFD;
		r.guest_memfd = (uint32_t)gmem;
	}
	return rk_ioctl(c->v.host, c->v.vm, KVM_SET_USER_MEMORY_REGION2, &r);
}

/* A realm VM with RAM (guest_memfd + @ram_user), one vCPU, the vGIC and the program. */
static bool build(struct ctx *c, struct rk_host *h, void *ram_user)
{
	struct kvm_create_guest_memfd g = { .size = RAM_SIZE };
	uint32_t *code = aligned_alloc(4096, 4096);
	int gmem;
	bool ok;

	memset(code, 0, 4096);
	if (c->prog)
		c->prog(code);
	else
		program(code);
	ok = CHECK_EQ(vmm_open(&c->v, h, IPA_BITS), 0);
	gmem = rk_ioctl(h, c->v.vm, KVM_CREATE_GUEST_MEMFD, &g);
	c->v.gmem[0] = gmem;
	c->v.nslots = 1;
	ok = ok && CHECK(gmem >= 0) && CHECK_EQ(add_slot(c, 0, RAM_GPA, RAM_SIZE, ram_user, gmem), 0);
	{
		struct kvm_memory_attributes a = { .address = RAM_GPA, .size = RAM_SIZE,
						   .attributes = KVM_MEMORY_ATTRIBUTE_PRIVATE };

		ok = ok && CHECK_EQ(rk_ioctl(h, c->v.vm, KVM_SET_MEMORY_ATTRIBUTES, &a), 0);
	}
	ok = ok && CHECK(vmm_add_vcpu(&c->v) >= 0) && CHECK(vmm_add_vgic(&c->v, 0) >= 0) &&
	     CHECK_EQ(vmm_set_reg(&c->v, 0, KVM_REG_ARM64_PC, RAM_GPA), 0) &&
	     CHECK(vmm_populate(&c->v, RAM_GPA, code, 4096, true) > 0);
	free(code);
	c->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, c->v.vcpu[0], 0);
	return ok && CHECK(c->run != MAP_FAILED);
}

/* Does @addr still map the simulated DRAM (the memfd "realmkit-dram")? */
static bool maps_dram(const void *addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool dram = false;

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && (uintptr_t)addr >= s &&
		    (uintptr_t)addr < e) {
			dram = strstr(line, "realmkit-dram") != NULL;
			break;
		}
	}
	if (f)
		fclose(f);
	return dram;
}

static void census_clean(struct rk_host *h)
{
	struct rk_host_stats st;
	struct rk_census cs;

	rk_host_reap(h);
	rk_host_stats(h, &st);
	CHECK_EQ(st.vms_live, 0);
	CHECK_EQ(st.pages_used, 0);
	CHECK_EQ(st.pages_leaked, 0);
	CHECK_EQ(st.granules_delegated, 0);
	rk_host_census(h, &cs);
	CHECK_EQ(cs.delegated + cs.rd + cs.rec + cs.rec_aux + cs.data + cs.rtt, 0);
}

/* The VMM's side of each mark. */
static bool on_mark(struct ctx *c, uint64_t val)
{
	switch (++c->marks) {
	case 1:
		CHECK_EQ(val, PAT1);
		CHECK_EQ(rd64(c->slot_user), PAT1); /* the realm's store, seen by the VMM */
		CHECK(maps_dram(c->slot_user));
		wr64(c->slot_user, PAT2);
		break;
	case 2:
		CHECK_EQ(val, PAT2); /* the VMM's store, seen by the realm */
		break;
	case 3:
		CHECK_EQ(val, PAT3);
		CHECK_EQ(c->faults, 1);
		break;
	case 4:
		CHECK_EQ(val, PAT4);
		CHECK_EQ(rd64(c->ram_user + (R_GPA - RAM_GPA)), PAT4);
		/* Take both away from the realm: the VMM keeps the bytes. */
		CHECK_EQ(add_slot(c, 1, SLOT_GPA, 0, NULL, -1), 0);
		CHECK_EQ(set_attr(c, R_GPA, true), 0);
		CHECK(!maps_dram(c->slot_user));
		CHECK(!maps_dram(c->ram_user + (R_GPA - RAM_GPA)));
		CHECK_EQ(rd64(c->slot_user), PAT2);
		CHECK_EQ(rd64(c->ram_user + (R_GPA - RAM_GPA)), PAT4);
		break;
	case 5:
		CHECK_EQ(val, PAT5);
		break;
	case 6:
		CHECK_EQ(val, PAT4); /* mapped again: the user's bytes survived the round trip */
		CHECK_EQ(c->faults, 2);
		break;
	default:
		return CHECK(false);
	}
	return true;
}

static void run_realm(struct ctx *c)
{
	for (;;) {
		int ret = rk_ioctl(c->v.host, c->v.vcpu[0], KVM_RUN, 0);
		struct kvm_run *r = c->run;

		if (ret && errno == EFAULT && r->exit_reason == KVM_EXIT_MEMORY_FAULT) {
			/* The realm wants R shared: convert it, as a VMM does. */
			CHECK_EQ(r->memory_fault.gpa, R_GPA);
			CHECK_EQ(r->memory_fault.size, 4096);
			CHECK_EQ(r->memory_fault.flags, 0);
			c->faults++;
			if (!CHECK_EQ(set_attr(c, R_GPA, false), 0))
				return;
			continue;
		}
		if (!CHECK_EQ(ret, 0))
			return;
		if (r->exit_reason == KVM_EXIT_SYSTEM_EVENT) {
			CHECK_EQ(r->system_event.type, KVM_SYSTEM_EVENT_SHUTDOWN);
			return;
		}
		if (!CHECK_EQ(r->exit_reason, KVM_EXIT_MMIO))
			return;
		if (r->mmio.phys_addr == MARK && r->mmio.is_write) {
			uint64_t val = 0;

			memcpy(&val, r->mmio.data, 8);
			if (!on_mark(c, val))
				return;
		} else if (r->mmio.phys_addr == SLOT_GPA && !r->mmio.is_write) {
			CHECK_EQ(c->marks, 4); /* only once the slot is deleted */
			memcpy(r->mmio.data, &(uint64_t){ PAT5 }, 8);
		} else {
			t_check(false, __FILE__, __LINE__, "unexpected MMIO at 0x%llx",
				(unsigned long long)r->mmio.phys_addr);
			return;
		}
	}
}

static void coherence(unsigned rmm)
{
	struct rk_host_config cfg = { .dram_size = 256 << 20, .rmm = rmm };
	struct rk_host *h = rk_host_create(&cfg);
	struct ctx c = { 0 };

	c.ram_user = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	c.slot_user = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
	wr64(c.ram_user + (R_GPA - RAM_GPA), PAT3);
	if (build(&c, h, c.ram_user) && CHECK_EQ(add_slot(&c, 1, SLOT_GPA, 2 * 4096,
							   c.slot_user, -1), 0))
		run_realm(&c);
	CHECK_EQ(c.marks, 6);
	/* R is mapped again at the end: teardown unmaps it and gives the page back. */
	CHECK(maps_dram(c.ram_user + (R_GPA - RAM_GPA)));
	munmap(c.run, 4096);
	vmm_close(&c.v);
	census_clean(h);
	CHECK(!maps_dram(c.ram_user + (R_GPA - RAM_GPA)));
	CHECK_EQ(rd64(c.ram_user + (R_GPA - RAM_GPA)), PAT4);
	CHECK_EQ(rd64(c.slot_user), PAT2);
	rk_host_destroy(h);
	munmap(c.ram_user, RAM_SIZE);
	munmap(c.slot_user, 2 * 4096);
	printf("coherence, RMM %u.0: %u marks, %u memory faults\n", rmm, c.marks, c.faults);
}

#define SLOT2_GPA 0x91000000ULL /* a second shared-only memslot on the same user page */

/* Two GPAs, one user page: each write is seen through the other. */
static size_t alias_program(uint32_t *p)
{
	unsigned n = 0;

	n += a64_mov(p + n, 1, SLOT_GPA | SB);
	n += a64_mov(p + n, 2, SLOT2_GPA | SB);
	n += a64_mov(p + n, 3, MARK | SB);
	n += a64_mov(p + n, 6, PAT1);
	p[n++] = a64_str(6, 1);
	n += a64_mov(p + n, 6, PAT2);
	p[n++] = a64_str(6, 2); /* the same page through the second GPA */
	p[n++] = a64_ldr(4, 1);
	p[n++] = a64_str(4, 3); /* mark 1: PAT2; the VMM deletes the first slot, writes PAT3 */
	p[n++] = a64_ldr(5, 2);
	p[n++] = a64_str(5, 3); /* mark 2: PAT3, through the GPA that is left */
	n += a64_mov(p + n, 0, PSCI_SYSTEM_OFF);
	p[n++] = A64_SMC0;
	p[n++] = A64_B_SELF;
	return n * sizeof(uint32_t);
}

/*
 * Two memslots with the same userspace_addr (Linux allows it): both GPAs reach
 * one page, so the realm sees its own write through the other GPA and the
 * VMM's; deleting one slot keeps the page shared through the other; teardown
 * gives it back once.
 */
static void two_gpas_one_page(unsigned rmm)
{
	struct rk_host_config cfg = { .dram_size = 256 << 20, .rmm = rmm };
	struct rk_host *h = rk_host_create(&cfg);
	struct ctx c = { .prog = alias_program };
	uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t marks[2] = { 0 };
	unsigned nmarks = 0;

	if (build(&c, h, NULL) && CHECK_EQ(add_slot(&c, 1, SLOT_GPA, 4096, page, -1), 0) &&
	    CHECK_EQ(add_slot(&c, 2, SLOT2_GPA, 4096, page, -1), 0)) {
		for (;;) {
			struct kvm_run *r = c.run;

			if (!CHECK_EQ(rk_ioctl(h, c.v.vcpu[0], KVM_RUN, 0), 0))
				break;
			if (r->exit_reason == KVM_EXIT_SYSTEM_EVENT)
				break;
			if (!CHECK_EQ(r->exit_reason, KVM_EXIT_MMIO) ||
			    !CHECK_EQ(r->mmio.phys_addr, MARK) || !CHECK(nmarks < 2))
				break;
			memcpy(&marks[nmarks++], r->mmio.data, 8);
			if (nmarks == 1) {
				CHECK_EQ(rd64(page), PAT2);
				CHECK_EQ(add_slot(&c, 1, SLOT_GPA, 0, NULL, -1), 0);
				CHECK(maps_dram(page)); /* still shared through SLOT2 */
				wr64(page, PAT3);
			}
		}
	}
	CHECK_EQ(nmarks, 2);
	CHECK_EQ(marks[0], PAT2);
	CHECK_EQ(marks[1], PAT3);
	munmap(c.run, 4096);
	vmm_close(&c.v);
	census_clean(h);
	CHECK(!maps_dram(page));
	CHECK_EQ(rd64(page), PAT3);
	rk_host_destroy(h);
	munmap(page, 4096);
	printf("two GPAs on one user page, RMM %u.0: marks 0x%llx 0x%llx\n", rmm,
	       (unsigned long long)marks[0], (unsigned long long)marks[1]);
}

/*
 * User memory KVM cannot use (get_user_pages fails): the realm's first access
 * to the shared slot makes KVM_RUN fail with EFAULT, and nothing is left.
 */
static void bad_user_memory(unsigned rmm, int prot, bool unmapped, const char *what)
{
	struct rk_host_config cfg = { .dram_size = 256 << 20, .rmm = rmm };
	struct rk_host *h = rk_host_create(&cfg);
	struct ctx c = { 0 };
	uint8_t *slot = mmap(NULL, 2 * 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret, err;

	c.slot_user = slot;
	if (build(&c, h, NULL) && CHECK_EQ(add_slot(&c, 1, SLOT_GPA, 2 * 4096, slot, -1), 0)) {
		if (unmapped)
			munmap(slot, 2 * 4096); /* after everything else is mapped: stays a hole */
		ret = rk_ioctl(h, c.v.vcpu[0], KVM_RUN, 0);
		err = errno;
		t_check(ret == -1 && err == EFAULT && c.run->exit_reason != KVM_EXIT_MEMORY_FAULT,
			__FILE__, __LINE__, "%s: KVM_RUN %d errno %d exit %u", what, ret, err,
			c.run->exit_reason);
		CHECK(!maps_dram(slot));
		/* Nothing changed: the next try fails the same way. */
		ret = rk_ioctl(h, c.v.vcpu[0], KVM_RUN, 0);
		CHECK(ret == -1 && errno == EFAULT);
	}
	munmap(c.run, 4096);
	vmm_close(&c.v);
	census_clean(h);
	rk_host_destroy(h);
	if (!unmapped)
		munmap(slot, 2 * 4096);
	printf("bad user memory (%s), RMM %u.0: EFAULT\n", what, rmm);
}

int main(void)
{
	for (unsigned rmm = RK_RMM_1_0; rmm <= RK_RMM_2_0; rmm++) {
		coherence(rmm);
		two_gpas_one_page(rmm);
		bad_user_memory(rmm, PROT_READ, false, "read-only");
		bad_user_memory(rmm, PROT_NONE, false, "PROT_NONE");
		bad_user_memory(rmm, PROT_READ | PROT_WRITE, true, "unmapped");
	}
	return t_done();
}
