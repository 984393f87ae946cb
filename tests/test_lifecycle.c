// SPDX-License-Identifier: MIT
/*
 * Lifecycle: build a realm that uses every kind of object (RTTs at every
 * level, DATA pages measured and unmeasured, a folded 2 MiB DATA block,
 * RIPAS over blocks and pages, unprotected mappings, RECs with aux
 * granules), activate and enter it, then tear it all down through RMI and
 * show by census that every granule is UNDELEGATED and zero again.
 */
#include <string.h>

#include "harness.h"

#define SZ_2M 0x200000UL
#define SZ_1G 0x40000000UL

static char why[256];

static bool invariants(struct machine *m)
{
	return t_check(rmm_check_invariants(m->rmm, why, sizeof(why)), __FILE__, __LINE__,
		       "invariants: %s", why);
}

static uint64_t src_page(struct machine *m, uint8_t byte)
{
	uint8_t buf[GRANULE_SIZE];
	uint64_t pa = ns_granule(m);

	memset(buf, byte, sizeof(buf));
	host_write(m, pa, buf, sizeof(buf));
	return pa;
}

static void read_entry(struct machine *m, struct realm *r, uint64_t ipa, int level,
		       struct smc_result *res)
{
	rmi_out(m, res, RMI_RTT_READ_ENTRY, r->rd, ipa, (uint64_t)level, 0, 0);
	CHECK_RMI(res->x[0], RMI_SUCCESS, 0);
}

static void test_full_lifecycle(unsigned hash_algo)
{
	struct machine m;
	struct realm r;
	struct rmi_realm_params p;
	struct smc_result res;
	struct rmm_census c;
	uint64_t recs[2], block_pa, src, unprot = 1UL << 47;
	uint8_t run[GRANULE_SIZE];
	uint64_t run_pa;

	machine_init(&m, 128 << 20, NULL);
	realm_params_default(&p, 11);
	p.hash_algo = hash_algo;
	CHECK(realm_create(&m, &r, &p));

	/* RTTs at levels 1, 2 and 3 for the protected IPA 0, and for the unprotected half. */
	CHECK(realm_map_tables(&m, &r, 0, 3));
	CHECK(realm_map_tables(&m, &r, 2 * SZ_2M, 3));
	CHECK(realm_map_tables(&m, &r, unprot, 3));
	CHECK(invariants(&m));

	/* RIPAS: 16 pages, a 2 MiB block (level 2) and a 1 GiB block (level 1). */
	rmi_out(&m, &res, RMI_RTT_INIT_RIPAS, r.rd, 0, 0x10000, 0, 0);
	CHECK_RMI(res.x[0], RMI_SUCCESS, 0);
	CHECK_EQ(res.x[1], 0x10000);
	rmi_out(&m, &res, RMI_RTT_INIT_RIPAS, r.rd, SZ_2M, 2 * SZ_2M, 0, 0);
	CHECK_RMI(res.x[0], RMI_SUCCESS, 0);
	CHECK_EQ(res.x[1], 2 * SZ_2M);
	rmi_out(&m, &res, RMI_RTT_INIT_RIPAS, r.rd, SZ_1G, 2 * SZ_1G, 0, 0);
	CHECK_RMI(res.x[0], RMI_SUCCESS, 0);
	CHECK_EQ(res.x[1], 2 * SZ_1G);
	read_entry(&m, &r, SZ_1G, 1, &res);
	CHECK_EQ(res.x[1], 1);
	CHECK_EQ(res.x[2], RMI_UNASSIGNED);
	CHECK_EQ(res.x[4], RMI_RAM);
	read_entry(&m, &r, SZ_2M, 2, &res);
	CHECK_EQ(res.x[1], 2);
	CHECK_EQ(res.x[4], RMI_RAM);

	/* DATA pages: measured, unmeasured, unknown. */
	CHECK_RMI(rmi(&m, RMI_DATA_CREATE, r.rd, delegated_granule(&m), 0, src_page(&m, 1),
		      RMI_MEASURE_CONTENT),
		  RMI_SUCCESS, 0);
	CHECK_RMI(rmi(&m, RMI_DATA_CREATE, r.rd, delegated_granule(&m), 0x1000, src_page(&m, 2),
		      0),
		  RMI_SUCCESS, 0);
	CHECK_RMI(rmi(&m, RMI_DATA_CREATE_UNKNOWN, r.rd, delegated_granule(&m), 0x20000, 0, 0),
		  RMI_SUCCESS, 0);
	read_entry(&m, &r, 0x20000, 3, &res);
	CHECK_EQ(res.x[2], RMI_ASSIGNED);
	CHECK_EQ(res.x[4], RMI_EMPTY); /* DATA_CREATE_UNKNOWN keeps RIPAS */

	/* 512 contiguous, 2 MiB-aligned DATA pages at IPA 4 MiB, folded into one block. */
	m.next_del = (m.next_del + SZ_2M - 1) & ~(SZ_2M - 1);
	block_pa = m.next_del;
	src = src_page(&m, 0x5a);
	for (unsigned i = 0; i < 512; i++)
		if (!CHECK_RMI(rmi(&m, RMI_DATA_CREATE, r.rd, delegated_granule(&m),
				   2 * SZ_2M + i * GRANULE_SIZE, src, RMI_MEASURE_CONTENT),
			       RMI_SUCCESS, 0))
			break;
	CHECK(invariants(&m));
	rmi_out(&m, &res, RMI_RTT_FOLD, r.rd, 2 * SZ_2M, 3, 0, 0);
	CHECK_RMI(res.x[0], RMI_SUCCESS, 0);
	CHECK_EQ(rmm_granule_state(m.rmm, res.x[1]), GRANULE_DELEGATED);
	read_entry(&m, &r, 2 * SZ_2M, 2, &res);
	CHECK_EQ(res.x[1], 2);
	CHECK_EQ(res.x[2], RMI_ASSIGNED);
	CHECK_EQ(res.x[3], block_pa);
	CHECK_EQ(res.x[4], RMI_RAM);
	CHECK(invariants(&m));

	/* Unprotected: a page and, after folding an empty table, nothing left behind. */
	CHECK_RMI(rmi(&m, RMI_RTT_MAP_UNPROTECTED, r.rd, unprot, 3, 0x90000000UL | 0xdc, 0),
		  RMI_SUCCESS, 0);
	read_entry(&m, &r, unprot, 3, &res);
	CHECK_EQ(res.x[2], RMI_ASSIGNED);
	CHECK_EQ(res.x[3], 0x90000000UL | 0xdc);

	/* Two RECs: one runnable, one waiting for CPU_ON. */
	recs[0] = delegated_granule(&m);
	CHECK_RMI(rmi(&m, RMI_REC_CREATE, r.rd, recs[0], rec_params_at(&m, 0, true, 0), 0, 0),
		  RMI_SUCCESS, 0);
	recs[1] = delegated_granule(&m);
	CHECK_RMI(rmi(&m, RMI_REC_CREATE, r.rd, recs[1], rec_params_at(&m, 1, false, 0), 0, 0),
		  RMI_SUCCESS, 0);
	CHECK_EQ(rmm_granule_refcount(m.rmm, r.rd), 2);
	CHECK(invariants(&m));

	/* Activate and enter: the realm is now running (and exits at once, see rec.c). */
	CHECK_RMI(rmi(&m, RMI_REALM_ACTIVATE, r.rd, 0, 0, 0, 0), RMI_SUCCESS, 0);
	CHECK_EQ(rmm_realm_state(m.rmm, r.rd), REALM_ACTIVE);
	run_pa = ns_granule(&m);
	CHECK_RMI(rmi(&m, RMI_REC_ENTER, recs[0], run_pa, 0, 0, 0), RMI_SUCCESS, 0);
	memcpy(run, pas_host_va(m.pas, run_pa), sizeof(run));
	CHECK_EQ(((struct rmi_rec_run *)run)->exit.exit_reason, RMI_EXIT_IRQ);
	CHECK_RMI(rmi(&m, RMI_REC_ENTER, recs[1], run_pa, 0, 0, 0), RMI_ERROR_REC, 0);

	/* Out-of-order teardown is refused and changes nothing. */
	CHECK_RMI(rmi(&m, RMI_REALM_DESTROY, r.rd, 0, 0, 0, 0), RMI_ERROR_REALM, 0);
	rmi_out(&m, &res, RMI_RTT_DESTROY, r.rd, 0, 3, 0, 0);
	CHECK_RMI(res.x[0], RMI_ERROR_RTT, 3);
	CHECK_RMI(rmi(&m, RMI_GRANULE_UNDELEGATE, block_pa, 0, 0, 0, 0), RMI_ERROR_INPUT, 0);
	CHECK_RMI(rmi(&m, RMI_GRANULE_UNDELEGATE, recs[0], 0, 0, 0, 0), RMI_ERROR_INPUT, 0);
	CHECK(invariants(&m));

	rmm_census(m.rmm, &c, false);
	CHECK_EQ(c.count[GRANULE_RD], 1);
	CHECK_EQ(c.count[GRANULE_REC], 2);
	CHECK_EQ(c.count[GRANULE_REC_AUX], 32);
	CHECK_EQ(c.count[GRANULE_DATA], 3 + 512);
	CHECK_EQ(c.count[GRANULE_RTT], 1 + 3 + 3); /* root, L1-L3 at 0 and at 2^47 (4M folded) */

	/* Teardown: the block is unfolded on the way, every granule comes back. */
	CHECK(realm_teardown(&m, &r, recs, 2));
	CHECK(invariants(&m));
	CHECK(host_reclaim(&m));
	CHECK(census_all_undelegated(&m));
	CHECK(invariants(&m));
	machine_fini(&m);
}

/* Many realms at once with distinct VMIDs; the same VMID twice is refused. */
static void test_many_realms(void)
{
	struct machine m;
	struct realm r[8];
	struct rmi_realm_params p;

	machine_init(&m, 64 << 20, NULL);
	for (int i = 0; i < 8; i++) {
		realm_params_default(&p, 100 + (unsigned)i);
		CHECK(realm_create(&m, &r[i], &p));
	}
	realm_params_default(&p, 103);
	p.rtt_base = delegated_granule(&m);
	CHECK_RMI(rmi(&m, RMI_REALM_CREATE, delegated_granule(&m), realm_params_at(&m, &p), 0, 0,
		      0),
		  RMI_ERROR_INPUT, 0);
	for (int i = 0; i < 8; i++)
		CHECK(realm_teardown(&m, &r[i], NULL, 0));
	/* A destroyed realm's VMID is free again. */
	CHECK(realm_create(&m, &r[0], &p));
	CHECK(realm_teardown(&m, &r[0], NULL, 0));
	CHECK(invariants(&m));
	CHECK(host_reclaim(&m));
	CHECK(census_all_undelegated(&m));
	machine_fini(&m);
}

int main(void)
{
	test_full_lifecycle(RMI_HASH_SHA_256);
	test_full_lifecycle(RMI_HASH_SHA_512);
	test_many_realms();
	return t_done();
}
