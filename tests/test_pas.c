// SPDX-License-Identifier: MIT
/*
 * The physical side: granule protection is real (a host touch of a
 * delegated granule faults), scrubbing zeroes, backing is lazy.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* Touch @pa from the host view in a child process; return the signal it died of (0 if none). */
static int host_touch_signal(struct machine *m, uint64_t pa, bool write)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		volatile uint8_t *p = pas_host_va(m->pas, pa);

		/* Die of the fault itself, not of a sanitizer's handler for it. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		if (write)
			*p = 0x5a;
		else
			(void)*p;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void test_delegated_granule_faults(void)
{
	struct machine m;
	uint64_t pa;

	machine_init(&m, 16 << 20, NULL);
	pa = m.next_del;
	memset(pas_host_va(m.pas, pa), 0xee, GRANULE_SIZE);
	CHECK_EQ(host_touch_signal(&m, pa, false), 0);
	CHECK(!pas_host_faults(m.pas, pa));

	delegated_granule(&m);
	CHECK_EQ(pas_gpt_get(m.pas, pa), PAS_REALM);
	CHECK(pas_host_faults(m.pas, pa));
	CHECK_EQ(host_touch_signal(&m, pa, false), SIGSEGV);
	CHECK_EQ(host_touch_signal(&m, pa, true), SIGSEGV);
	/* The neighbours stay host memory. */
	CHECK(!pas_host_faults(m.pas, pa - GRANULE_SIZE));
	CHECK(!pas_host_faults(m.pas, pa + GRANULE_SIZE));
	/* Delegation scrubbed what the host had written. */
	CHECK(pas_is_zero(m.pas, pa));

	CHECK_RMI(rmi(&m, RMI_GRANULE_UNDELEGATE, pa, 0, 0, 0, 0), RMI_SUCCESS, 0);
	CHECK_EQ(pas_gpt_get(m.pas, pa), PAS_NS);
	CHECK_EQ(*(uint8_t *)pas_host_va(m.pas, pa), 0);
	CHECK_EQ(host_touch_signal(&m, pa, true), 0);
	machine_fini(&m);
}

static void test_undelegate_returns_zeroed(void)
{
	struct machine m;
	struct realm r;
	uint64_t src, data;
	uint8_t page[GRANULE_SIZE];

	machine_init(&m, 64 << 20, NULL);
	realm_create(&m, &r, NULL);
	realm_map_tables(&m, &r, 0, 3);
	src = ns_granule(&m);
	memset(page, 0x77, sizeof(page));
	host_write(&m, src, page, sizeof(page));
	data = delegated_granule(&m);
	CHECK_RMI(rmi(&m, RMI_DATA_CREATE, r.rd, data, 0, src, 0), RMI_SUCCESS, 0);
	CHECK(!pas_is_zero(m.pas, data)); /* the RMM's view holds the realm's data */
	CHECK(pas_host_faults(m.pas, data));
	CHECK(realm_teardown(&m, &r, NULL, 0));
	CHECK(host_reclaim(&m));
	CHECK(!pas_host_faults(m.pas, data));
	CHECK(pas_is_zero(m.pas, data));
	CHECK(census_all_undelegated(&m));
	machine_fini(&m);
}

static void test_lazy_backing(void)
{
	struct pas *pas = pas_create(T_DRAM_BASE, 64UL << 30); /* 64 GiB costs nothing */
	uint64_t before;

	if (!CHECK(pas != NULL))
		return;
	before = pas_resident_bytes(pas);
	CHECK(before < (1 << 20));
	memset(pas_host_va(pas, T_DRAM_BASE + (32UL << 30)), 1, GRANULE_SIZE);
	CHECK_EQ(pas_resident_bytes(pas) - before, GRANULE_SIZE);
	/* A scrub zeroes in place: the page stays (no refault when it is written again). */
	pas_scrub(pas, T_DRAM_BASE + (32UL << 30));
	CHECK(pas_is_zero(pas, T_DRAM_BASE + (32UL << 30)));
	CHECK_EQ(pas_resident_bytes(pas) - before, GRANULE_SIZE);
	/* Scrubbing a hole does not back it. */
	pas_scrub_range(pas, T_DRAM_BASE + (40UL << 30), 512);
	CHECK_EQ(pas_resident_bytes(pas) - before, GRANULE_SIZE);
	/* Release gives the page back, and it still reads as zero. */
	memset(pas_host_va(pas, T_DRAM_BASE + (32UL << 30)), 2, GRANULE_SIZE);
	pas_release_range(pas, T_DRAM_BASE + (32UL << 30) - GRANULE_SIZE, 3);
	CHECK_EQ(pas_resident_bytes(pas), before);
	CHECK(pas_is_zero(pas, T_DRAM_BASE + (32UL << 30)));
	pas_destroy(pas);
}

/* A run changes PAS as one: every granule faults for the host, written ones are scrubbed. */
static void test_range_gpt_and_scrub(void)
{
	struct pas *pas = pas_create(T_DRAM_BASE, 64UL << 20);
	uint64_t run = T_DRAM_BASE + (16 << 20), before;

	if (!CHECK(pas != NULL))
		return;
	before = pas_resident_bytes(pas);
	memset(pas_host_va(pas, run + 3 * GRANULE_SIZE), 0x5a, GRANULE_SIZE);
	CHECK_EQ(pas_gpt_set_range(pas, run, 8, PAS_REALM), 0);
	pas_scrub_range(pas, run, 8);
	for (uint64_t i = 0; i < 8; i++) {
		CHECK_EQ(pas_gpt_get(pas, run + i * GRANULE_SIZE), PAS_REALM);
		CHECK(pas_host_faults(pas, run + i * GRANULE_SIZE));
		CHECK(pas_is_zero(pas, run + i * GRANULE_SIZE));
	}
	/* The written page was zeroed in place and kept; the holes stayed holes. */
	CHECK_EQ(pas_resident_bytes(pas), before + GRANULE_SIZE);
	/* (Probing a neighbour reads it, which backs it: after the census.) */
	CHECK(!pas_host_faults(pas, run - GRANULE_SIZE));
	CHECK(!pas_host_faults(pas, run + 8 * GRANULE_SIZE));
	/* A written granule in the Realm PAS is scrubbed by the range form too. */
	memset(pas_rmm_va(pas, run + 5 * GRANULE_SIZE), 0xa5, GRANULE_SIZE);
	CHECK(!pas_is_zero(pas, run + 5 * GRANULE_SIZE));
	pas_scrub_range(pas, run, 8);
	CHECK(pas_is_zero(pas, run + 5 * GRANULE_SIZE));
	CHECK_EQ(pas_gpt_set_range(pas, run, 8, PAS_NS), 0);
	CHECK(!pas_host_faults(pas, run + 5 * GRANULE_SIZE));
	CHECK_EQ(pas_gpt_set_range(pas, run, 0, PAS_REALM), -EINVAL);
	CHECK_EQ(pas_gpt_set_range(pas, T_DRAM_BASE + (64UL << 20) - GRANULE_SIZE, 2, PAS_REALM),
		 -EINVAL);
	pas_destroy(pas);
}

static void test_bad_pas(void)
{
	struct machine m;

	CHECK(pas_create(T_DRAM_BASE, 12345) == NULL);
	CHECK(pas_create(T_DRAM_BASE + 1, 1 << 20) == NULL);
	CHECK(pas_create(T_DRAM_BASE, 0) == NULL);
	machine_init(&m, 1 << 20, NULL);
	CHECK(pas_host_va(m.pas, T_DRAM_BASE - 1) == NULL);
	CHECK(pas_host_va(m.pas, T_DRAM_BASE + (1 << 20)) == NULL);
	CHECK(pas_in_dram(m.pas, T_DRAM_BASE + (1 << 20) - GRANULE_SIZE, GRANULE_SIZE));
	CHECK(!pas_in_dram(m.pas, T_DRAM_BASE + (1 << 20) - GRANULE_SIZE, GRANULE_SIZE + 1));
	CHECK(!pas_in_dram(m.pas, UINT64_MAX - 10, 100));
	/* Invalid PAs: outside DRAM, unaligned, or already in the Realm PAS. */
	CHECK_RMI(rmi(&m, RMI_GRANULE_DELEGATE, T_DRAM_BASE - GRANULE_SIZE, 0, 0, 0, 0),
		  RMI_ERROR_INPUT, 0);
	CHECK_RMI(rmi(&m, RMI_GRANULE_DELEGATE, T_DRAM_BASE + (1 << 20), 0, 0, 0, 0),
		  RMI_ERROR_INPUT, 0);
	CHECK_RMI(rmi(&m, RMI_GRANULE_DELEGATE, T_DRAM_BASE + 8, 0, 0, 0, 0), RMI_ERROR_INPUT,
		  0);
	machine_fini(&m);
}

int main(void)
{
	test_delegated_granule_faults();
	test_undelegate_returns_zeroed();
	test_lazy_backing();
	test_range_gpt_and_scrub();
	test_bad_pas();
	return t_done();
}
