// SPDX-License-Identifier: MIT
/*
 * RMI 2.0 conformance (docs/RMM2.md): the RMM created with rmi_v2.
 *
 * 1. A table: every failure condition of every 2.0 command, with "prec_"
 *    rows where two conditions hold at once and the earlier must win.  Each
 *    row runs on a fresh machine; around the call the runner checks the
 *    invariants, that a failing call changed nothing (granule states and
 *    refcounts, the content of every RD/REC/RTT/DATA granule and of the NS
 *    granules the host used, the census, the realm's measurements and
 *    state), and after the row a v14-style teardown that must leave no
 *    granule behind (leak census).
 * 2. Stateful operations: REC_CREATE/REC_DESTROY loops, partial donations,
 *    reclaim in pieces, cancellation, failures, BUSY and BLOCKED, with a
 *    leak census after every one.
 * 3. Measurements: the RIM of a realm built the way v14 builds it, against
 *    a model written here from the spec's rules (params page, DATA and REC
 *    descriptors, no RIPAS descriptor), and the same realm on 1.0 (which
 *    measures RIPAS) differs exactly by those descriptors.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness.h"
#include "hw/ich.h"
#include "realmkit/rmi2.h"

#define MIB(n)     ((uint64_t)(n) << 20)
#define DRAM_SIZE  MIB(16)
#define S2SZ       39           /* level-1 start, one root RTT */
#define IPA_NS     (1UL << 38)  /* first unprotected IPA */
#define L2SIZE     MIB(2)
#define LVL(l)     ((uint64_t)(int64_t)(l))
#define N(a)       (sizeof(a) / sizeof((a)[0]))
#define OK         RMI_RET(RMI_SUCCESS, 0)
#define INCOMPLETE_DONATE                                                                  \
	(RMI2_INCOMPLETE | RMI2_OP_MEM_REQ_DONATE << RMI2_OP_MEM_REQ_SHIFT | RMI2_OP_CAN_CANCEL)

struct t2 {
	const char *name;
	struct machine m;
	uint64_t rd, rtt_root, rtt2, rtt3, params, rec, run, data, list;
	uint64_t recs[8];
	unsigned nrecs;
	uint64_t fid, x[6];
	struct smc_result r;
};

/* ---- host helpers, RMI 2.0 only ---- */

static uint64_t call(struct t2 *c, uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
		     uint64_t x4, uint64_t x5)
{
	return rmi_out(&c->m, &c->r, fid, x1, x2, x3, x4, x5);
}

static uint64_t rtt_level_size_l(int level)
{
	return 1UL << (12 + 9 * (3 - level));
}

/* Bytes one block of a range descriptor covers. */
static uint64_t rtt_level_size_test(uint64_t desc)
{
	return rtt_level_size_l(3 - (int)RMI2_RDESC_SIZE(desc));
}

static bool invariants_ok(struct t2 *c, int line)
{
	char why[256];

	if (rmm_check_invariants(c->m.rmm, why, sizeof(why)))
		return true;
	return t_check(false, __FILE__, line, "[%s] invariant: %s", c->name, why);
}

/* Delegate @n consecutive granules with GRANULE_RANGE_DELEGATE; returns the first. */
static uint64_t del_n(struct t2 *c, unsigned n)
{
	uint64_t base = c->m.next_del, top = base + n * GRANULE_SIZE, pa = base;

	while (pa < top) {
		if (!CHECK_RMI(call(c, RMI2_GRANULE_RANGE_DELEGATE, pa, top, 0, 0, 0), RMI_SUCCESS,
			       0))
			break;
		pa = c->r.x[1];
	}
	c->m.next_del = top;
	return base;
}

static uint64_t del1(struct t2 *c)
{
	return del_n(c, 1);
}

static void boot(struct t2 *c)
{
	uint64_t cfg = ns_granule(&c->m);

	CHECK_RMI(call(c, RMI_VERSION, RMI2_ABI_VERSION, 0, 0, 0, 0), RMI_SUCCESS, 0);
	CHECK_RMI(call(c, RMI2_RMM_CONFIG_SET, cfg, 0, 0, 0, 0), RMI_SUCCESS, 0);
	CHECK_RMI(call(c, RMI2_RMM_ACTIVATE, 0, 0, 0, 0, 0), RMI_SUCCESS, 0);
}

static void machine2(struct t2 *c, const char *name, bool do_boot)
{
	struct rmm_platform p;

	memset(c, 0, sizeof(*c));
	c->name = name;
	rmm_platform_default(&p);
	p.rmi_v2 = true;
	machine_init(&c->m, DRAM_SIZE, &p);
	if (do_boot)
		boot(c);
}

static void params2_default(struct rmi2_realm_params *p, uint64_t rtt)
{
	memset(p, 0, sizeof(*p));
	p->s2sz = S2SZ;
	p->num_bps = 1;
	p->num_wps = 1;
	p->hash_algo = RMI_HASH_SHA_256;
	p->rtt_base = rtt;
	p->rtt_level_start = 1;
	p->rtt_num_start = 1;
}

static uint64_t params2_at(struct t2 *c, const struct rmi2_realm_params *p)
{
	uint64_t pa = ns_granule(&c->m);

	host_write(&c->m, pa, p, sizeof(*p));
	return pa;
}

static void realm2(struct t2 *c)
{
	struct rmi2_realm_params p;

	c->rd = del1(c);
	c->rtt_root = del1(c);
	params2_default(&p, c->rtt_root);
	c->params = params2_at(c, &p);
	CHECK_RMI(call(c, RMI_REALM_CREATE, c->rd, c->params, 0, 0, 0), RMI_SUCCESS, 0);
}

/* RTTs at levels 2 and 3 covering IPA 0. */
static void tables2(struct t2 *c)
{
	c->rtt2 = del1(c);
	c->rtt3 = del1(c);
	CHECK_RMI(call(c, RMI_RTT_CREATE, c->rd, c->rtt2, 0, 2, 0), RMI_SUCCESS, 0);
	CHECK_RMI(call(c, RMI_RTT_CREATE, c->rd, c->rtt3, 0, 3, 0), RMI_SUCCESS, 0);
}

static uint64_t rec_params2(struct t2 *c, uint64_t idx, bool runnable, uint64_t pc)
{
	struct rmi2_rec_params p;
	uint64_t pa = ns_granule(&c->m);

	memset(&p, 0, sizeof(p));
	p.flags = runnable ? RMI_REC_PARAMS_FLAG_RUNNABLE : 0;
	p.mpidr = idx; /* Aff0 */
	p.pc = pc;
	for (unsigned i = 0; i < RMI_REC_PARAMS_GPRS; i++)
		p.gprs[i] = 0x100 * idx + i;
	host_write(&c->m, pa, &p, sizeof(p));
	return pa;
}

/* Write @n range descriptors to a fresh NS granule. */
static uint64_t list_at(struct t2 *c, const uint64_t *d, unsigned n)
{
	uint64_t pa = ns_granule(&c->m);

	host_write(&c->m, pa, d, n * sizeof(uint64_t));
	return pa;
}

/*
 * Drive an SRO the way Linux v14 loops: NONE -> OP_CONTINUE, DONATE ->
 * delegate and OP_MEM_DONATE, RECLAIM -> OP_MEM_RECLAIM and undelegate what
 * came back, BUSY/BLOCKED -> give up (the tests make those on purpose).
 * @chunk granules per donation / descriptors per reclaim.  Returns the
 * final x0.
 */
static uint64_t sro_drive(struct t2 *c, uint64_t x0, uint64_t handle, unsigned chunk)
{
	for (unsigned guard = 0; guard < 100 && RMI_RET_STATUS(x0) == RMI2_INCOMPLETE; guard++) {
		uint64_t req = RMI2_OP_MEM_REQ(x0);

		if (req == RMI2_OP_MEM_REQ_NONE) {
			x0 = call(c, RMI2_OP_CONTINUE, handle, 0, 0, 0, 0);
		} else if (req == RMI2_OP_MEM_REQ_DONATE) {
			unsigned want = (unsigned)RMI2_DONATE_COUNT(c->r.x[2]);
			unsigned n = want < chunk ? want : chunk;
			uint64_t d = RMI2_RDESC(del_n(c, n), n, RMI2_PAGE_L3);

			x0 = call(c, RMI2_OP_MEM_DONATE, handle, list_at(c, &d, 1), 1, 0, 0);
		} else {
			uint64_t list = ns_granule(&c->m), out[512];

			x0 = call(c, RMI2_OP_MEM_RECLAIM, handle, list, chunk, 0, 0);
			memcpy(out, pas_host_va(c->m.pas, list), sizeof(out));
			for (uint64_t i = 0; i < c->r.x[1] && i < 512; i++) {
				uint64_t base = RMI2_RDESC_ADDR(out[i]);
				uint64_t top = base + RMI2_RDESC_COUNT(out[i]) * GRANULE_SIZE;
				struct smc_result r;

				while (base < top &&
				       rmi_out(&c->m, &r, RMI2_GRANULE_RANGE_UNDELEGATE, base, top, 0,
					       0, 0) == OK)
					base = r.x[1];
				CHECK_EQ(base, top);
			}
		}
	}
	return x0;
}

static uint64_t rec2(struct t2 *c, uint64_t idx, bool runnable)
{
	uint64_t rec = del1(c), x0, params = rec_params2(c, idx, runnable, 0x1000 + idx);

	x0 = call(c, RMI_REC_CREATE, c->rd, rec, params, 0, 0);
	x0 = sro_drive(c, x0, c->r.x[1], 16);
	CHECK_RMI(x0, RMI_SUCCESS, 0);
	c->recs[c->nrecs++] = rec;
	return rec;
}

/* One DATA granule at @ipa (level-3 RTT present), content @fill, measured. */
static uint64_t data2(struct t2 *c, uint64_t ipa, uint8_t fill)
{
	uint64_t src = ns_granule(&c->m), data = del1(c);
	uint8_t buf[GRANULE_SIZE];

	memset(buf, fill, sizeof(buf));
	host_write(&c->m, src, buf, sizeof(buf));
	CHECK_RMI(call(c, RMI2_RTT_DATA_MAP_INIT, c->rd, data, ipa, src, RMI_MEASURE_CONTENT),
		  RMI_SUCCESS, 0);
	return data;
}

static void undelegate_range(struct t2 *c, uint64_t base, uint64_t top)
{
	while (base < top && call(c, RMI2_GRANULE_RANGE_UNDELEGATE, base, top, 0, 0, 0) == OK)
		base = c->r.x[1];
	CHECK_EQ(base, top);
}

/*
 * v14's teardown: unmap everything (UNPROT_UNMAP; DATA_UNMAP and undelegate
 * what it returns), TERMINATE, REC_DESTROY by SRO, RTT_DESTROY below the
 * root, REALM_DESTROY, undelegate RD and root; then every other granule the
 * test delegated that is still DELEGATED.  Then the census: all UNDELEGATED.
 */
static void teardown2(struct t2 *c)
{
	uint64_t top = 1UL << (S2SZ - 1);

	if (c->rd && rmm_granule_state(c->m.rmm, c->rd) == GRANULE_RD) {
		for (uint64_t ipa = 0; ipa < top;) {
			uint64_t x0 = call(c, RMI2_RTT_DATA_UNMAP, c->rd, ipa, top,
					   RMI2_ADDR_TYPE_SINGLE, 0);

			uint64_t out_top = c->r.x[1], desc = c->r.x[2];

			if (x0 != OK)
				break;
			if (desc) {
				uint64_t b = RMI2_RDESC_ADDR(desc);

				undelegate_range(c, b, b + RMI2_RDESC_COUNT(desc) *
							    rtt_level_size_test(desc));
			}
			if (out_top == ipa)
				break; /* no progress */
			ipa = out_top;
		}
		for (uint64_t ipa = IPA_NS; ipa < 2 * IPA_NS;) {
			if (call(c, RMI2_RTT_UNPROT_UNMAP, c->rd, ipa, 2 * IPA_NS,
				 RMI2_ADDR_TYPE_NONE, 0) != OK || c->r.x[1] == ipa)
				break;
			ipa = c->r.x[1];
		}
		CHECK_RMI(call(c, RMI2_REALM_TERMINATE, c->rd, 0, 0, 0, 0), RMI_SUCCESS, 0);
		for (unsigned i = 0; i < c->nrecs; i++)
			if (rmm_granule_state(c->m.rmm, c->recs[i]) == GRANULE_REC) {
				uint64_t x0 = call(c, RMI_REC_DESTROY, c->recs[i], 0, 0, 0, 0);

				CHECK_RMI(sro_drive(c, x0, c->r.x[1], 16), RMI_SUCCESS, 0);
			}
		/* Deepest tables first, walking the IPA space by RTT_READ_ENTRY. */
		for (int level = 3; level >= 2; level--)
			for (uint64_t ipa = 0; ipa < 2 * IPA_NS; ipa += rtt_level_size_l(level - 1)) {
				call(c, RMI_RTT_READ_ENTRY, c->rd, ipa, LVL(level - 1), 0, 0);
				if (c->r.x[2] == RMI_TABLE && c->r.x[1] == (uint64_t)(level - 1)) {
					uint64_t x0 = call(c, RMI_RTT_DESTROY, c->rd, ipa, LVL(level),
							   0, 0);

					if (!CHECK_RMI(x0, RMI_SUCCESS, 0))
						break;
				}
			}
		CHECK_RMI(call(c, RMI_REALM_DESTROY, c->rd, 0, 0, 0, 0), RMI_SUCCESS, 0);
	}
	/* Everything still DELEGATED goes back (RD, root, RTTs, aux, unused). */
	for (uint64_t pa = T_DRAM_BASE; pa < T_DRAM_BASE + DRAM_SIZE; pa += GRANULE_SIZE)
		if (rmm_granule_state(c->m.rmm, pa) == GRANULE_DELEGATED &&
		    !rmm_granule_refcount(c->m.rmm, pa))
			call(c, RMI2_GRANULE_RANGE_UNDELEGATE, pa, pa + GRANULE_SIZE, 0, 0, 0);
	invariants_ok(c, __LINE__);
	t_check(census_all_undelegated(&c->m), __FILE__, __LINE__, "[%s] leak census: %s", c->name,
		census_all_undelegated(&c->m) ? "clean" : "granules left behind");
}

/* ---- the table ---- */

struct snap2 {
	uint8_t *state;
	uint32_t *ref;
	uint8_t *content; /* every granule whose content a failing call must keep */
	struct rmm_census census;
	struct rmm_measurements meas;
	bool has_meas;
	int realm_state;
};

static bool keep(struct t2 *c, uint64_t pa, uint8_t st)
{
	if (st == GRANULE_UNDELEGATED)
		return pa < c->m.next_ns;
	return st != GRANULE_DELEGATED && st != GRANULE_REC_AUX;
}

static void snap2_take(struct t2 *c, struct snap2 *s)
{
	uint64_t n = DRAM_SIZE / GRANULE_SIZE;

	s->state = calloc(n, 1);
	s->ref = calloc(n, sizeof(*s->ref));
	s->content = calloc(n, GRANULE_SIZE);
	if (!s->state || !s->ref || !s->content)
		abort();
	/*
	 * The measurements first: reading them extends the RIM with the DATA
	 * descriptors still queued (src/rmm/rim_queue.c), as any SMC but
	 * DATA_CREATE and delegation does, so the RD granule's bytes below are
	 * the state a failing command must leave unchanged.
	 */
	s->has_meas = c->rd && rmm_realm_measurements(c->m.rmm, c->rd, &s->meas);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t pa = T_DRAM_BASE + i * GRANULE_SIZE;

		s->state[i] = (uint8_t)rmm_granule_state(c->m.rmm, pa);
		s->ref[i] = rmm_granule_refcount(c->m.rmm, pa);
		if (keep(c, pa, s->state[i]))
			memcpy(s->content + i * GRANULE_SIZE, pas_rmm_va(c->m.pas, pa), GRANULE_SIZE);
	}
	rmm_census(c->m.rmm, &s->census, true);
	s->realm_state = c->rd ? rmm_realm_state(c->m.rmm, c->rd) : -1;
}

static void snap2_free(struct snap2 *s)
{
	free(s->state);
	free(s->ref);
	free(s->content);
}

static bool snap2_same(struct t2 *c, const struct snap2 *a, const struct snap2 *b)
{
	for (uint64_t i = 0; i < DRAM_SIZE / GRANULE_SIZE; i++) {
		uint64_t pa = T_DRAM_BASE + i * GRANULE_SIZE;

		if (a->state[i] != b->state[i] || a->ref[i] != b->ref[i])
			return t_check(false, __FILE__, __LINE__, "[%s] granule 0x%llx changed",
				       c->name, (unsigned long long)pa);
		if (keep(c, pa, a->state[i]) &&
		    memcmp(a->content + i * GRANULE_SIZE, b->content + i * GRANULE_SIZE,
			   GRANULE_SIZE))
			return t_check(false, __FILE__, __LINE__, "[%s] content of 0x%llx changed",
				       c->name, (unsigned long long)pa);
	}
	if (memcmp(&a->census, &b->census, sizeof(a->census)) || a->has_meas != b->has_meas ||
	    (a->has_meas && memcmp(&a->meas, &b->meas, sizeof(a->meas))) ||
	    a->realm_state != b->realm_state)
		return t_check(false, __FILE__, __LINE__, "[%s] census/measurements/state changed",
			       c->name);
	return t_check(true, __FILE__, __LINE__, "[%s] unchanged", c->name);
}

#define SET(f, a1, a2, a3, a4, a5)                                                         \
	do {                                                                               \
		c->fid = (f);                                                              \
		c->x[0] = (a1);                                                            \
		c->x[1] = (a2);                                                            \
		c->x[2] = (a3);                                                            \
		c->x[3] = (a4);                                                            \
		c->x[4] = (a5);                                                            \
	} while (0)

static void zombie(struct t2 *c)
{
	CHECK_RMI(call(c, RMI2_REALM_TERMINATE, c->rd, 0, 0, 0, 0), RMI_SUCCESS, 0);
}

static void activate(struct t2 *c)
{
	CHECK_RMI(call(c, RMI_REALM_ACTIVATE, c->rd, 0, 0, 0, 0), RMI_SUCCESS, 0);
}

/* Bad REALM_CREATE parameters: a fresh RD/root and params with one field changed. */
static void bad_params(struct t2 *c, size_t off, uint64_t val)
{
	struct rmi2_realm_params p;
	uint64_t rd = del1(c), rtt = del1(c);

	params2_default(&p, rtt);
	memcpy((uint8_t *)&p + off, &val, sizeof(val));
	SET(RMI_REALM_CREATE, rd, params2_at(c, &p), 0, 0, 0);
}
#define RP2(f) offsetof(struct rmi2_realm_params, f)

/* ---- rows: global state ---- */
static void g_before_activate(struct t2 *c) { SET(RMI_REALM_CREATE, c->m.next_del, c->m.next_ns, 0, 0, 0); }
static void g_range_before_activate(struct t2 *c) { SET(RMI2_GRANULE_RANGE_DELEGATE, c->m.next_del, c->m.next_del + 0x1000, 0, 0, 0); }
static void g_features_before(struct t2 *c) { SET(RMI_FEATURES, 1, 0, 0, 0, 0); }
static void g_tracking_before(struct t2 *c) { SET(RMI2_GRANULE_TRACKING_GET, T_DRAM_BASE, T_DRAM_BASE + 0x1000, 0, 0, 0); }
static void g_config_after(struct t2 *c) { SET(RMI2_RMM_CONFIG_SET, ns_granule(&c->m), 0, 0, 0, 0); }
static void g_activate_twice(struct t2 *c) { SET(RMI2_RMM_ACTIVATE, 0, 0, 0, 0, 0); }
static void g_version_1_0(struct t2 *c) { SET(RMI_VERSION, RMI_ABI_VERSION, 0, 0, 0, 0); }
static void g_config_unaligned(struct t2 *c) { SET(RMI2_RMM_CONFIG_GET, ns_granule(&c->m) + 8, 0, 0, 0, 0); }
static void g_config_delegated(struct t2 *c) { SET(RMI2_RMM_CONFIG_GET, del1(c), 0, 0, 0, 0); }
static void g_config_bad_size(struct t2 *c)
{
	uint64_t cfg = ns_granule(&c->m), one = 1;

	host_write(&c->m, cfg + 8, &one, sizeof(one));
	SET(RMI2_RMM_CONFIG_SET, cfg, 0, 0, 0, 0);
}
static void g_tracking_unaligned(struct t2 *c) { SET(RMI2_GRANULE_TRACKING_GET, T_DRAM_BASE + 1, T_DRAM_BASE + 0x2000, 0, 0, 0); }
static void g_tracking_reversed(struct t2 *c) { SET(RMI2_GRANULE_TRACKING_GET, T_DRAM_BASE + 0x2000, T_DRAM_BASE, 0, 0, 0); }
static void g_tracking_ok(struct t2 *c) { SET(RMI2_GRANULE_TRACKING_GET, T_DRAM_BASE, T_DRAM_BASE + DRAM_SIZE, 0, 0, 0); }
static void g_gpt_unaligned(struct t2 *c) { SET(RMI2_GPT_L1_CREATE, T_DRAM_BASE + 0x1000, 0, 0, 0, 0); }
static void g_gpt_exists(struct t2 *c) { SET(RMI2_GPT_L1_CREATE, T_DRAM_BASE, 0, 0, 0, 0); }

/* ---- rows: granule ranges ---- */
static void d_unaligned(struct t2 *c) { SET(RMI2_GRANULE_RANGE_DELEGATE, c->m.next_del + 8, c->m.next_del + 0x2000, 0, 0, 0); }
static void d_empty(struct t2 *c) { SET(RMI2_GRANULE_RANGE_DELEGATE, c->m.next_del, c->m.next_del, 0, 0, 0); }
static void d_first_delegated(struct t2 *c) { uint64_t pa = del1(c); SET(RMI2_GRANULE_RANGE_DELEGATE, pa, pa + 0x2000, 0, 0, 0); }
static void d_outside(struct t2 *c) { SET(RMI2_GRANULE_RANGE_DELEGATE, T_DRAM_BASE + DRAM_SIZE, T_DRAM_BASE + DRAM_SIZE + 0x1000, 0, 0, 0); }
static void d_partial(struct t2 *c)
{
	uint64_t pa = c->m.next_del;

	c->m.next_del += 0x2000;
	/* The second granule is taken first: the range stops before it (checked below). */
	CHECK_RMI(call(c, RMI2_GRANULE_RANGE_DELEGATE, pa + 0x1000, pa + 0x2000, 0, 0, 0), RMI_SUCCESS, 0);
	SET(RMI2_GRANULE_RANGE_DELEGATE, pa, pa + 0x2000, 0, 0, 0);
}
static void u_rd(struct t2 *c) { realm2(c); SET(RMI2_GRANULE_RANGE_UNDELEGATE, c->rd, c->rd + 0x1000, 0, 0, 0); }
static void u_ns(struct t2 *c) { SET(RMI2_GRANULE_RANGE_UNDELEGATE, ns_granule(&c->m), c->m.next_ns, 0, 0, 0); }

/* ---- rows: realms ---- */
static void rc_params_delegated(struct t2 *c) { SET(RMI_REALM_CREATE, del1(c), del1(c), 0, 0, 0); }
static void rc_da(struct t2 *c) { bad_params(c, RP2(flags0), RMI2_REALM_FLAGS0_DA); }
static void rc_mec(struct t2 *c) { bad_params(c, RP2(flags0), 1UL << 7); }
static void rc_aux_planes(struct t2 *c) { bad_params(c, RP2(num_aux_planes), 1); }
static void rc_flags1(struct t2 *c) { bad_params(c, RP2(flags1), 1); }
static void rc_sha384(struct t2 *c) { bad_params(c, RP2(hash_algo), 2); }
static void rc_s2sz(struct t2 *c) { bad_params(c, RP2(s2sz), 31); }
static void rc_level(struct t2 *c) { bad_params(c, RP2(rtt_level_start), 2); }
static void rc_rd_ns(struct t2 *c) { bad_params(c, RP2(num_bps), 1); c->x[0] = ns_granule(&c->m); }
static void rc_rd_is_root(struct t2 *c) { bad_params(c, RP2(num_bps), 1); c->x[0] = c->x[0] + 0x1000; }
static void rc_root_ns(struct t2 *c) { bad_params(c, RP2(rtt_base), ns_granule(&c->m)); }
static void rc_prec_params_rd(struct t2 *c) { bad_params(c, RP2(flags1), 1); c->x[0] = ns_granule(&c->m); }
static void rc_ok(struct t2 *c) { bad_params(c, RP2(num_bps), 1); }
static void ra_not_rd(struct t2 *c) { SET(RMI_REALM_ACTIVATE, del1(c), 0, 0, 0, 0); }
static void ra_active(struct t2 *c) { realm2(c); activate(c); SET(RMI_REALM_ACTIVATE, c->rd, 0, 0, 0, 0); }
static void rt_not_rd(struct t2 *c) { SET(RMI2_REALM_TERMINATE, del1(c), 0, 0, 0, 0); }
static void rt_twice(struct t2 *c) { realm2(c); zombie(c); SET(RMI2_REALM_TERMINATE, c->rd, 0, 0, 0, 0); }
static void rdst_not_rd(struct t2 *c) { SET(RMI_REALM_DESTROY, del1(c), 0, 0, 0, 0); }
static void rdst_not_zombie(struct t2 *c) { realm2(c); SET(RMI_REALM_DESTROY, c->rd, 0, 0, 0, 0); }
static void rdst_recs(struct t2 *c) { realm2(c); rec2(c, 0, true); zombie(c); SET(RMI_REALM_DESTROY, c->rd, 0, 0, 0, 0); }
static void rdst_prec_recs(struct t2 *c) { realm2(c); rec2(c, 0, true); SET(RMI_REALM_DESTROY, c->rd, 0, 0, 0, 0); }
static void rdst_live_rtt(struct t2 *c) { realm2(c); tables2(c); zombie(c); SET(RMI_REALM_DESTROY, c->rd, 0, 0, 0, 0); }

/* ---- rows: DATA ---- */
static void dmi_base(struct t2 *c)
{
	realm2(c);
	tables2(c);
	SET(RMI2_RTT_DATA_MAP_INIT, c->rd, del1(c), 0x1000, ns_granule(&c->m), RMI_MEASURE_CONTENT);
}
static void dmi_flags(struct t2 *c) { dmi_base(c); c->x[4] = 2; }
static void dmi_src_delegated(struct t2 *c) { dmi_base(c); c->x[3] = del1(c); }
static void dmi_data_ns(struct t2 *c) { dmi_base(c); c->x[1] = ns_granule(&c->m); }
static void dmi_rd_bad(struct t2 *c) { dmi_base(c); c->x[0] = c->rtt2; }
static void dmi_active(struct t2 *c) { dmi_base(c); activate(c); }
static void dmi_unaligned(struct t2 *c) { dmi_base(c); c->x[2] = 0x1800; }
static void dmi_unprotected(struct t2 *c) { dmi_base(c); c->x[2] = IPA_NS; }
static void dmi_no_l3(struct t2 *c) { dmi_base(c); c->x[2] = 0x40000000; }
static void dmi_assigned(struct t2 *c) { dmi_base(c); data2(c, 0x1000, 1); }
static void dmi_prec_realm_ipa(struct t2 *c) { dmi_base(c); activate(c); c->x[2] = IPA_NS; }
static void dmi_ok(struct t2 *c) { dmi_base(c); }

static void dm_base(struct t2 *c)
{
	realm2(c);
	tables2(c);
	SET(RMI2_RTT_DATA_MAP, c->rd, 0x2000, 0x4000, RMI2_ADDR_TYPE_SINGLE,
	    RMI2_RDESC(del_n(c, 2), 2, RMI2_PAGE_L3));
}
static void dm_rd_bad(struct t2 *c) { dm_base(c); c->x[0] = c->rtt3; }
static void dm_zombie(struct t2 *c) { dm_base(c); zombie(c); }
static void dm_top(struct t2 *c) { dm_base(c); c->x[2] = 0x2000; }
static void dm_prec_realm_top(struct t2 *c) { dm_base(c); zombie(c); c->x[2] = 0x2000; }
static void dm_type(struct t2 *c) { dm_base(c); c->x[3] = RMI2_ADDR_TYPE_NONE; }
static void dm_block(struct t2 *c) { dm_base(c); c->x[4] |= RMI2_BLOCK_L2; }
static void dm_undelegated_state(struct t2 *c) { dm_base(c); c->x[4] |= RMI2_RDESC_UNDELEGATED; }
static void dm_unprotected(struct t2 *c) { dm_base(c); c->x[1] = IPA_NS; c->x[2] = IPA_NS + 0x2000; }
static void dm_no_l3(struct t2 *c) { dm_base(c); c->x[1] = 0x40000000; c->x[2] = 0x40002000; }
static void dm_assigned(struct t2 *c) { dm_base(c); data2(c, 0x2000, 1); }
static void dm_pa_ns(struct t2 *c) { dm_base(c); c->x[4] = RMI2_RDESC(ns_granule(&c->m), 2, 0); }
static void dm_list_empty(struct t2 *c) { dm_base(c); c->x[3] = RMI2_ADDR_TYPE_LIST; c->x[4] = ns_granule(&c->m); }
static void dm_ok(struct t2 *c) { dm_base(c); }
static void dm_list_ok(struct t2 *c)
{
	uint64_t d[2];

	dm_base(c);
	d[0] = RMI2_RDESC(del1(c), 1, 0);
	d[1] = RMI2_RDESC(del1(c), 1, 0);
	c->x[3] = RMI2_ADDR_TYPE_LIST | 2UL << 2;
	c->x[4] = list_at(c, d, 2);
}

static void du_base(struct t2 *c)
{
	realm2(c);
	tables2(c);
	data2(c, 0x3000, 7);
	SET(RMI2_RTT_DATA_UNMAP, c->rd, 0x3000, 0x4000, RMI2_ADDR_TYPE_SINGLE, 0);
}
static void du_rd_bad(struct t2 *c) { du_base(c); c->x[0] = c->rtt3; }
static void du_unaligned(struct t2 *c) { du_base(c); c->x[1] = 0x3008; }
static void du_unprotected(struct t2 *c) { du_base(c); c->x[1] = IPA_NS; c->x[2] = IPA_NS + 0x1000; }
static void du_single_oaddr(struct t2 *c) { du_base(c); c->x[4] = 8; }
static void du_list_zero(struct t2 *c) { du_base(c); c->x[3] = RMI2_ADDR_TYPE_LIST; c->x[4] = ns_granule(&c->m); }
static void du_type3(struct t2 *c) { du_base(c); c->x[3] = 3; }
static void du_in_block(struct t2 *c) { du_base(c); c->x[1] = 0x40001000; c->x[2] = 0x40002000; }
static void du_ok(struct t2 *c) { du_base(c); }

/* ---- rows: unprotected mappings ---- */
#define UNPROT_FLAGS(type) ((type) | 3UL << 16 | 3UL << 19) /* MemAttr 3, S2AP read/write */
static void um_base(struct t2 *c)
{
	realm2(c);
	SET(RMI2_RTT_UNPROT_MAP, c->rd, IPA_NS, IPA_NS + (1UL << 30),
	    UNPROT_FLAGS(RMI2_ADDR_TYPE_SINGLE), RMI2_RDESC(1UL << 40, 1, RMI2_BLOCK_L1));
}
static void um_rd_bad(struct t2 *c) { um_base(c); c->x[0] = c->rtt_root; }
static void um_zombie(struct t2 *c) { um_base(c); zombie(c); }
static void um_protected(struct t2 *c) { um_base(c); c->x[1] = 0; c->x[2] = 1UL << 30; }
static void um_memattr(struct t2 *c) { um_base(c); c->x[3] = (c->x[3] & ~(7UL << 16)) | 4UL << 16; }
static void um_s2ap(struct t2 *c) { um_base(c); c->x[3] |= 4UL << 19; }
static void um_pa_unaligned(struct t2 *c) { um_base(c); c->x[4] = RMI2_RDESC((1UL << 40) + 0x1000, 1, RMI2_BLOCK_L1); }
static void um_short(struct t2 *c) { um_base(c); c->x[2] = IPA_NS + 0x1000; }
static void um_no_table(struct t2 *c) { um_base(c); c->x[2] = IPA_NS + 0x1000; c->x[4] = RMI2_RDESC(1UL << 40, 1, 0); }
static void um_mapped(struct t2 *c)
{
	um_base(c);
	CHECK_RMI(call(c, c->fid, c->x[0], c->x[1], c->x[2], c->x[3], c->x[4]), RMI_SUCCESS, 0);
}
static void um_ok(struct t2 *c) { um_base(c); }
static void uu_rd_bad(struct t2 *c) { um_mapped(c); SET(RMI2_RTT_UNPROT_UNMAP, c->rtt_root, IPA_NS, IPA_NS + (1UL << 30), 0, 0); }
static void uu_protected(struct t2 *c) { um_mapped(c); SET(RMI2_RTT_UNPROT_UNMAP, c->rd, 0, 1UL << 30, 0, 0); }
static void uu_ok(struct t2 *c) { um_mapped(c); SET(RMI2_RTT_UNPROT_UNMAP, c->rd, IPA_NS, IPA_NS + (1UL << 30), RMI2_ADDR_TYPE_SINGLE, 0); }

/* ---- rows: RIPAS ---- */
static void ir_base(struct t2 *c) { realm2(c); tables2(c); SET(RMI_RTT_INIT_RIPAS, c->rd, 0, L2SIZE, 0, 0); }
static void ir_empty(struct t2 *c) { ir_base(c); c->x[2] = 0; }
static void ir_unaligned(struct t2 *c) { ir_base(c); c->x[1] = 8; }
static void ir_unprotected(struct t2 *c) { ir_base(c); c->x[1] = IPA_NS; c->x[2] = IPA_NS + 0x1000; }
static void ir_rd_bad(struct t2 *c) { ir_base(c); c->x[0] = c->rtt2; }
static void ir_active(struct t2 *c) { ir_base(c); activate(c); }
static void ir_prec_addr_realm(struct t2 *c) { ir_base(c); activate(c); c->x[1] = IPA_NS; c->x[2] = IPA_NS + 0x1000; }
static void ir_in_block(struct t2 *c) { ir_base(c); c->x[1] = 0x40001000; c->x[2] = 0x40002000; }
static void ir_destroyed(struct t2 *c)
{
	ir_base(c);
	data2(c, 0, 1);
	CHECK_RMI(call(c, RMI2_RTT_DATA_UNMAP, c->rd, 0, 0x1000, RMI2_ADDR_TYPE_SINGLE, 0), RMI_SUCCESS, 0);
	undelegate_range(c, RMI2_RDESC_ADDR(c->r.x[2]), RMI2_RDESC_ADDR(c->r.x[2]) + 0x1000);
}
static void ir_ok(struct t2 *c) { ir_base(c); data2(c, 0x5000, 1); }

/* ---- rows: RECs and operations ---- */
static void rcr_rec_ns(struct t2 *c) { realm2(c); SET(RMI_REC_CREATE, c->rd, ns_granule(&c->m), rec_params2(c, 0, true, 0), 0, 0); }
static void rcr_rec_is_rd(struct t2 *c) { realm2(c); SET(RMI_REC_CREATE, c->rd, c->rd, rec_params2(c, 0, true, 0), 0, 0); }
static void rcr_ok(struct t2 *c) { realm2(c); SET(RMI_REC_CREATE, c->rd, del1(c), rec_params2(c, 0, true, 0), 0, 0); }
static void rds_not_rec(struct t2 *c) { realm2(c); SET(RMI_REC_DESTROY, c->rd, 0, 0, 0, 0); }
static void op_continue_bad(struct t2 *c) { SET(RMI2_OP_CONTINUE, 1, 0, 0, 0, 0); }
static void op_donate_bad(struct t2 *c) { SET(RMI2_OP_MEM_DONATE, 1, ns_granule(&c->m), 1, 0, 0); }
static void op_reclaim_bad(struct t2 *c) { SET(RMI2_OP_MEM_RECLAIM, 1, ns_granule(&c->m), 1, 0, 0); }
static void op_cancel_bad(struct t2 *c) { SET(RMI2_OP_CANCEL, 7, 0, 0, 0, 0); }
static void ren_new(struct t2 *c) { realm2(c); SET(RMI_REC_ENTER, rec2(c, 0, true), ns_granule(&c->m), 0, 0, 0); }
static void ren_zombie(struct t2 *c) { realm2(c); rec2(c, 0, true); activate(c); SET(RMI_REC_ENTER, c->recs[0], ns_granule(&c->m), 0, 0, 0); zombie(c); }
static void ren_run_delegated(struct t2 *c) { realm2(c); rec2(c, 0, true); activate(c); SET(RMI_REC_ENTER, c->recs[0], del1(c), 0, 0, 0); zombie(c); }
/*
 * The vGIC check of REC_ENTER 2.0 is on the PE's list registers (TF-RMM main
 * gic_validate_vgic()): HW set, or two valid LRs with one vINTID.
 */
#define HCR_NPIE (1UL << 3)
#define LR_PENDING_G1(intid) ((1UL << 62) | (1UL << 60) | (uint64_t)(intid))
static void ren_ready(struct t2 *c)
{
	realm2(c);
	rec2(c, 0, true);
	activate(c);
	SET(RMI_REC_ENTER, c->recs[0], ns_granule(&c->m), 0, 0, 0);
}
static void ren_lr_hw(struct t2 *c) { ren_ready(c); hw_ich_this_pe()->lr[3] = LR_PENDING_G1(27) | ICH_LR_HW; }
static void ren_lr_dup(struct t2 *c)
{
	ren_ready(c);
	hw_ich_this_pe()->lr[0] = LR_PENDING_G1(40);
	hw_ich_this_pe()->lr[15] = (2UL << 62) | 40; /* active, group 0: the same vINTID */
}
static void pc_bad(struct t2 *c) { realm2(c); SET(RMI_PSCI_COMPLETE, rec2(c, 0, true), rec2(c, 1, false), 0, 0, 0); }
static void legacy_delegate(struct t2 *c) { SET(RMI_GRANULE_DELEGATE, c->m.next_del, 0, 0, 0, 0); }
static void legacy_data_create(struct t2 *c) { SET(RMI_DATA_CREATE_UNKNOWN, 0, 0, 0, 0, 0); }


/* ---- rows: commands 2.0 keeps from 1.0 (1.0's code, checked here on a 2.0 machine) ---- */
static void rtc_ns(struct t2 *c) { realm2(c); SET(RMI_RTT_CREATE, c->rd, ns_granule(&c->m), 0, 2, 0); }
static void rtc_exists(struct t2 *c) { realm2(c); tables2(c); SET(RMI_RTT_CREATE, c->rd, del1(c), 0, 2, 0); }
static void rtc_no_parent(struct t2 *c) { realm2(c); SET(RMI_RTT_CREATE, c->rd, del1(c), 0, 3, 0); }
static void rtc_zombie_ok(struct t2 *c) { realm2(c); zombie(c); SET(RMI_RTT_CREATE, c->rd, del1(c), 0, 2, 0); }
static void rtd_live(struct t2 *c) { realm2(c); tables2(c); data2(c, 0, 1); SET(RMI_RTT_DESTROY, c->rd, 0, 3, 0, 0); }
static void rtd_ok(struct t2 *c) { realm2(c); tables2(c); SET(RMI_RTT_DESTROY, c->rd, 0, 3, 0, 0); }
static void rtf_mixed(struct t2 *c) { realm2(c); tables2(c); data2(c, 0, 1); SET(RMI_RTT_FOLD, c->rd, 0, 3, 0, 0); }
static void rtf_ok(struct t2 *c)
{
	realm2(c);
	tables2(c);
	CHECK_RMI(call(c, RMI_RTT_INIT_RIPAS, c->rd, 0, L2SIZE, 0, 0), RMI_SUCCESS, 0);
	SET(RMI_RTT_FOLD, c->rd, 0, 3, 0, 0);
}
static void rre_ok(struct t2 *c) { realm2(c); tables2(c); data2(c, 0x1000, 1); SET(RMI_RTT_READ_ENTRY, c->rd, 0x1000, 3, 0, 0); }
static void rre_level(struct t2 *c) { realm2(c); SET(RMI_RTT_READ_ENTRY, c->rd, 0, 4, 0, 0); }
static void srp_no_request(struct t2 *c) { realm2(c); tables2(c); SET(RMI_RTT_SET_RIPAS, c->rd, rec2(c, 0, true), 0, 0x1000, 0); }
static void srp_not_rec(struct t2 *c) { realm2(c); SET(RMI_RTT_SET_RIPAS, c->rd, c->rd, 0, 0x1000, 0); }

#define UNKNOWN 0xffU
#define SRO_SLOTS 8 /* RMM_SRO_SLOTS: operations in flight at once (docs/RMM2.md) */

struct row {
	const char *name;
	void (*setup)(struct t2 *c);
	bool no_activate;
	unsigned status, index;
};

static const struct row rows[] = {
	{ "global_before_activate", g_before_activate, true, RMI2_ERROR_GLOBAL, 0 },
	{ "global_range_before_activate", g_range_before_activate, true, RMI2_ERROR_GLOBAL, 0 },
	{ "global_features_before_activate", g_features_before, true, RMI_SUCCESS, 0 },
	{ "global_tracking_before_activate", g_tracking_before, true, RMI_SUCCESS, 0 },
	{ "global_config_set_after_activate", g_config_after, false, RMI2_ERROR_GLOBAL, 0 },
	{ "global_activate_twice", g_activate_twice, false, RMI2_ERROR_GLOBAL, 0 },
	{ "version_1_0_refused", g_version_1_0, false, RMI_ERROR_INPUT, 0 },
	{ "config_get_unaligned", g_config_unaligned, false, RMI_ERROR_INPUT, 0 },
	{ "config_get_delegated", g_config_delegated, false, RMI_ERROR_INPUT, 0 },
	{ "config_set_granule_size", g_config_bad_size, true, RMI_ERROR_INPUT, 0 },
	{ "tracking_unaligned", g_tracking_unaligned, false, RMI_ERROR_INPUT, 0 },
	{ "tracking_reversed", g_tracking_reversed, false, RMI_ERROR_INPUT, 0 },
	{ "tracking_ok", g_tracking_ok, false, RMI_SUCCESS, 0 },
	{ "gpt_l1_unaligned", g_gpt_unaligned, false, RMI_ERROR_INPUT, 0 },
	{ "gpt_l1_exists", g_gpt_exists, false, RMI2_ERROR_GPT, 0 },
	{ "range_delegate_unaligned", d_unaligned, false, RMI_ERROR_INPUT, 0 },
	{ "range_delegate_empty", d_empty, false, RMI_ERROR_INPUT, 0 },
	{ "range_delegate_first_delegated", d_first_delegated, false, RMI_ERROR_INPUT, 0 },
	{ "range_delegate_outside_dram", d_outside, false, RMI_ERROR_INPUT, 0 },
	{ "range_delegate_partial", d_partial, false, RMI_SUCCESS, 0 },
	{ "range_undelegate_rd", u_rd, false, RMI_ERROR_INPUT, 0 },
	{ "range_undelegate_ns", u_ns, false, RMI_ERROR_INPUT, 0 },
	{ "realm_create_params_delegated", rc_params_delegated, false, RMI_ERROR_INPUT, 0 },
	{ "realm_create_da", rc_da, false, RMI_ERROR_INPUT, 0 },
	{ "realm_create_mec", rc_mec, false, RMI_ERROR_INPUT, 0 },
	{ "realm_create_aux_planes", rc_aux_planes, false, RMI_ERROR_INPUT, 0 },
	{ "realm_create_flags1", rc_flags1, false, RMI_ERROR_INPUT, 0 },
	{ "realm_create_sha384", rc_sha384, false, RMI_ERROR_INPUT, 0 },
	{ "realm_create_s2sz", rc_s2sz, false, RMI_ERROR_INPUT, 0 },
	{ "realm_create_level", rc_level, false, RMI_ERROR_INPUT, 0 },
	{ "realm_create_rd_ns", rc_rd_ns, false, RMI_ERROR_INPUT, 0 },
	{ "realm_create_rd_is_root", rc_rd_is_root, false, RMI_ERROR_INPUT, 0 },
	{ "realm_create_root_ns", rc_root_ns, false, RMI_ERROR_INPUT, 0 },
	{ "prec_realm_create_params_rd", rc_prec_params_rd, false, RMI_ERROR_INPUT, 0 },
	{ "realm_create_ok", rc_ok, false, RMI_SUCCESS, 0 },
	{ "realm_activate_not_rd", ra_not_rd, false, RMI_ERROR_INPUT, 0 },
	{ "realm_activate_active", ra_active, false, RMI_ERROR_REALM, 0 },
	{ "realm_terminate_not_rd", rt_not_rd, false, RMI_ERROR_INPUT, 0 },
	{ "realm_terminate_twice", rt_twice, false, RMI_SUCCESS, 0 },
	{ "realm_destroy_not_rd", rdst_not_rd, false, RMI_ERROR_INPUT, 0 },
	{ "realm_destroy_not_zombie", rdst_not_zombie, false, RMI_ERROR_REALM, 0 },
	{ "realm_destroy_recs", rdst_recs, false, RMI_ERROR_REALM, 0 },
	{ "prec_realm_destroy_recs_not_zombie", rdst_prec_recs, false, RMI_ERROR_REALM, 0 },
	{ "realm_destroy_live_rtt", rdst_live_rtt, false, RMI_ERROR_REALM, 0 },
	{ "data_map_init_flags", dmi_flags, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_init_src_delegated", dmi_src_delegated, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_init_data_ns", dmi_data_ns, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_init_rd_bad", dmi_rd_bad, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_init_active", dmi_active, false, RMI_ERROR_REALM, 0 },
	{ "data_map_init_unaligned", dmi_unaligned, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_init_unprotected", dmi_unprotected, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_init_no_l3", dmi_no_l3, false, RMI_ERROR_RTT, 1 },
	{ "data_map_init_assigned", dmi_assigned, false, RMI_ERROR_RTT, 3 },
	{ "prec_data_map_init_realm_ipa", dmi_prec_realm_ipa, false, RMI_ERROR_REALM, 0 },
	{ "data_map_init_ok", dmi_ok, false, RMI_SUCCESS, 0 },
	{ "data_map_rd_bad", dm_rd_bad, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_zombie", dm_zombie, false, RMI_ERROR_REALM, 0 },
	{ "data_map_top", dm_top, false, RMI_ERROR_INPUT, 0 },
	{ "prec_data_map_realm_top", dm_prec_realm_top, false, RMI_ERROR_REALM, 0 },
	{ "data_map_type_none", dm_type, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_block", dm_block, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_undelegated_state", dm_undelegated_state, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_unprotected", dm_unprotected, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_no_l3", dm_no_l3, false, RMI_ERROR_RTT, 1 },
	{ "data_map_assigned", dm_assigned, false, RMI_ERROR_RTT, 3 },
	{ "data_map_pa_ns", dm_pa_ns, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_list_empty", dm_list_empty, false, RMI_ERROR_INPUT, 0 },
	{ "data_map_ok", dm_ok, false, RMI_SUCCESS, 0 },
	{ "data_map_list_ok", dm_list_ok, false, RMI_SUCCESS, 0 },
	{ "data_unmap_rd_bad", du_rd_bad, false, RMI_ERROR_INPUT, 0 },
	{ "data_unmap_unaligned", du_unaligned, false, RMI_ERROR_INPUT, 0 },
	{ "data_unmap_unprotected", du_unprotected, false, RMI_ERROR_INPUT, 0 },
	{ "data_unmap_single_oaddr", du_single_oaddr, false, RMI_ERROR_INPUT, 0 },
	{ "data_unmap_list_zero", du_list_zero, false, RMI_ERROR_INPUT, 0 },
	{ "data_unmap_type3", du_type3, false, RMI_ERROR_INPUT, 0 },
	{ "data_unmap_in_block", du_in_block, false, RMI_ERROR_RTT, 1 },
	{ "data_unmap_ok", du_ok, false, RMI_SUCCESS, 0 },
	{ "unprot_map_rd_bad", um_rd_bad, false, RMI_ERROR_INPUT, 0 },
	{ "unprot_map_zombie", um_zombie, false, RMI_ERROR_REALM, 0 },
	{ "unprot_map_protected", um_protected, false, RMI_ERROR_INPUT, 0 },
	{ "unprot_map_memattr", um_memattr, false, RMI_ERROR_INPUT, 0 },
	{ "unprot_map_s2ap", um_s2ap, false, RMI_ERROR_INPUT, 0 },
	{ "unprot_map_pa_unaligned", um_pa_unaligned, false, RMI_ERROR_INPUT, 0 },
	{ "unprot_map_short", um_short, false, RMI_ERROR_RTT, 1 },
	{ "unprot_map_no_table", um_no_table, false, RMI_ERROR_RTT, 1 },
	{ "unprot_map_mapped", um_mapped, false, RMI_ERROR_RTT, 1 },
	{ "unprot_map_ok", um_ok, false, RMI_SUCCESS, 0 },
	{ "unprot_unmap_rd_bad", uu_rd_bad, false, RMI_ERROR_INPUT, 0 },
	{ "unprot_unmap_protected", uu_protected, false, RMI_ERROR_INPUT, 0 },
	{ "unprot_unmap_ok", uu_ok, false, RMI_SUCCESS, 0 },
	{ "init_ripas_empty", ir_empty, false, RMI_ERROR_INPUT, 0 },
	{ "init_ripas_unaligned", ir_unaligned, false, RMI_ERROR_INPUT, 0 },
	{ "init_ripas_unprotected", ir_unprotected, false, RMI_ERROR_INPUT, 0 },
	{ "init_ripas_rd_bad", ir_rd_bad, false, RMI_ERROR_INPUT, 0 },
	{ "init_ripas_active", ir_active, false, RMI_ERROR_REALM, 0 },
	{ "prec_init_ripas_address_realm", ir_prec_addr_realm, false, RMI_ERROR_INPUT, 0 },
	{ "init_ripas_in_block", ir_in_block, false, RMI_ERROR_RTT, 1 },
	{ "init_ripas_destroyed", ir_destroyed, false, RMI_ERROR_RTT, 3 },
	{ "init_ripas_ok", ir_ok, false, RMI_SUCCESS, 0 },
	{ "rec_create_rec_ns", rcr_rec_ns, false, RMI_ERROR_INPUT, 0 },
	{ "rec_create_rec_is_rd", rcr_rec_is_rd, false, RMI_ERROR_INPUT, 0 },
	{ "rec_create_starts", rcr_ok, false, RMI2_INCOMPLETE, 0 },
	{ "rec_destroy_not_rec", rds_not_rec, false, RMI_ERROR_INPUT, 0 },
	{ "op_continue_bad_handle", op_continue_bad, false, RMI_ERROR_INPUT, 0 },
	{ "op_donate_bad_handle", op_donate_bad, false, RMI_ERROR_INPUT, 0 },
	{ "op_reclaim_bad_handle", op_reclaim_bad, false, RMI_ERROR_INPUT, 0 },
	{ "op_cancel_bad_handle", op_cancel_bad, false, RMI_ERROR_INPUT, 0 },
	{ "rec_enter_realm_new", ren_new, false, RMI_ERROR_REALM, 0 },
	{ "rec_enter_realm_zombie", ren_zombie, false, RMI_ERROR_REALM, 0 },
	{ "prec_rec_enter_run_before_zombie", ren_run_delegated, false, RMI_ERROR_INPUT, 0 },
	{ "rec_enter_lr_hw", ren_lr_hw, false, RMI_ERROR_REC, 0 },
	{ "rec_enter_lr_same_vintid", ren_lr_dup, false, RMI_ERROR_REC, 0 },
	{ "psci_complete_nothing_pending", pc_bad, false, RMI_ERROR_INPUT, 0 },
	{ "rtt_create_ns", rtc_ns, false, RMI_ERROR_INPUT, 0 },
	{ "rtt_create_exists", rtc_exists, false, RMI_ERROR_RTT, 1 },
	{ "rtt_create_no_parent", rtc_no_parent, false, RMI_ERROR_RTT, 1 },
	{ "rtt_create_zombie_allowed", rtc_zombie_ok, false, RMI_SUCCESS, 0 },
	{ "rtt_destroy_live", rtd_live, false, RMI_ERROR_RTT, 3 },
	{ "rtt_destroy_ok", rtd_ok, false, RMI_SUCCESS, 0 },
	{ "rtt_fold_mixed", rtf_mixed, false, RMI_ERROR_RTT, 3 },
	{ "rtt_fold_ok", rtf_ok, false, RMI_SUCCESS, 0 },
	{ "rtt_read_entry_ok", rre_ok, false, RMI_SUCCESS, 0 },
	{ "rtt_read_entry_level", rre_level, false, RMI_ERROR_INPUT, 0 },
	{ "set_ripas_no_request", srp_no_request, false, RMI_ERROR_INPUT, 0 },
	{ "set_ripas_not_rec", srp_not_rec, false, RMI_ERROR_INPUT, 0 },
	{ "legacy_granule_delegate_unknown", legacy_delegate, false, UNKNOWN, 0 },
	{ "legacy_data_create_unknown_unknown", legacy_data_create, false, UNKNOWN, 0 },
};

static void run_row(const struct row *row)
{
	struct snap2 before, after;
	struct t2 c;
	uint64_t x0;

	machine2(&c, row->name, false);
	memset(hw_ich_this_pe(), 0, sizeof(struct hw_ich)); /* this PE's vGIC: reset */
	CHECK_RMI(call(&c, RMI_VERSION, RMI2_ABI_VERSION, 0, 0, 0, 0), RMI_SUCCESS, 0);
	if (!row->no_activate) {
		CHECK_RMI(call(&c, RMI2_RMM_CONFIG_SET, ns_granule(&c.m), 0, 0, 0, 0), RMI_SUCCESS, 0);
		CHECK_RMI(call(&c, RMI2_RMM_ACTIVATE, 0, 0, 0, 0, 0), RMI_SUCCESS, 0);
	}
	row->setup(&c);
	invariants_ok(&c, __LINE__);
	snap2_take(&c, &before);
	x0 = call(&c, c.fid, c.x[0], c.x[1], c.x[2], c.x[3], c.x[4]);
	if (row->status == UNKNOWN)
		t_check(x0 == ~0UL, __FILE__, __LINE__, "[%s] x0 0x%llx, expected SMCCC unknown",
			row->name, (unsigned long long)x0);
	else
		t_check(RMI_RET_STATUS(x0) == row->status &&
				(row->status == RMI2_INCOMPLETE || RMI_RET_INDEX(x0) == row->index),
			__FILE__, __LINE__, "[%s] x0 0x%llx, expected status %u index %u", row->name,
			(unsigned long long)x0, row->status, row->index);
	invariants_ok(&c, __LINE__);
	snap2_take(&c, &after);
	if (row->status != RMI_SUCCESS && row->status != RMI2_INCOMPLETE)
		snap2_same(&c, &before, &after);
	snap2_free(&before);
	snap2_free(&after);
	/* Outputs the rows define. */
	if (!strcmp(row->name, "range_delegate_partial"))
		CHECK_EQ(c.r.x[1], c.x[0] + 0x1000);
	if (!strcmp(row->name, "version_1_0_refused"))
		CHECK(c.r.x[1] == RMI2_ABI_VERSION && c.r.x[2] == RMI2_ABI_VERSION);
	if (!strcmp(row->name, "tracking_ok"))
		CHECK(c.r.x[2] == RMI2_TRACKING_FINE && c.r.x[3] == c.x[1]);
	if (!strcmp(row->name, "rtt_read_entry_ok"))
		CHECK(c.r.x[1] == 3 && c.r.x[2] == RMI_ASSIGNED && c.r.x[4] == RMI_RAM);
	if (!strcmp(row->name, "init_ripas_ok"))
		CHECK_EQ(c.r.x[1], L2SIZE);
	if (!strcmp(row->name, "data_map_ok") || !strcmp(row->name, "data_map_list_ok"))
		CHECK_EQ(c.r.x[1], 0x4000);
	if (!strcmp(row->name, "data_unmap_ok"))
		CHECK(c.r.x[1] == 0x4000 && RMI2_RDESC_COUNT(c.r.x[2]) == 1);
	if (row->status == RMI2_INCOMPLETE) {
		/* The REC_CREATE that started: finish it, and let the teardown destroy the REC. */
		CHECK_EQ(x0, INCOMPLETE_DONATE);
		CHECK_RMI(sro_drive(&c, x0, c.r.x[1], 16), RMI_SUCCESS, 0);
		c.recs[c.nrecs++] = c.x[1];
	}
	if (!strcmp(row->name, "realm_create_ok"))
		c.rd = c.x[0];
	teardown2(&c);
	machine_fini(&c.m);
}

/* ---- stateful operations ---- */

static uint64_t state_count(struct t2 *c, enum rmm_granule_state st)
{
	struct rmm_census cs;

	rmm_census(c->m.rmm, &cs, false);
	return cs.count[st];
}

static uint64_t start_create(struct t2 *c, uint64_t idx, uint64_t *rec, uint64_t *handle)
{
	uint64_t x0;

	*rec = del1(c);
	x0 = call(c, RMI_REC_CREATE, c->rd, *rec, rec_params2(c, idx, true, 0x1000), 0, 0);
	*handle = c->r.x[1];
	return x0;
}

static uint64_t donate(struct t2 *c, uint64_t handle, unsigned n)
{
	uint64_t d = RMI2_RDESC(del_n(c, n), n, RMI2_PAGE_L3);

	return call(c, RMI2_OP_MEM_DONATE, handle, list_at(c, &d, 1), 1, 0, 0);
}

static void sro_chunks(void)
{
	struct t2 c;
	uint64_t rec, h, x0, steps = 0;

	machine2(&c, "sro_donate_in_chunks_reclaim_one_by_one", true);
	realm2(&c);
	x0 = start_create(&c, 0, &rec, &h);
	CHECK_EQ(x0, INCOMPLETE_DONATE);
	CHECK_EQ(RMI2_DONATE_COUNT(c.r.x[2]), 16);
	CHECK_EQ(RMI2_DONATE_BLK_SIZE(c.r.x[2]), RMI2_PAGE_L3);
	CHECK(!(c.r.x[2] & (RMI2_DONATE_CONTIG | RMI2_DONATE_UNDELEGATED)));
	/* The REC granule is held: nothing else may take it. */
	CHECK_RMI(call(&c, RMI2_GRANULE_RANGE_UNDELEGATE, rec, rec + 0x1000, 0, 0, 0), RMI_ERROR_INPUT, 0);
	CHECK_RMI(call(&c, RMI_RTT_CREATE, c.rd, rec, 0, 2, 0), RMI_ERROR_INPUT, 0);
	/* Not the operation's turn for these. */
	CHECK_RMI(call(&c, RMI2_OP_CONTINUE, h, 0, 0, 0, 0), RMI_ERROR_INPUT, 0);
	CHECK_RMI(call(&c, RMI2_OP_MEM_RECLAIM, h, ns_granule(&c.m), 4, 0, 0), RMI_ERROR_INPUT, 0);
	for (unsigned left = 16; left; left -= left < 3 ? left : 3) {
		x0 = donate(&c, h, left < 3 ? left : 3);
		CHECK_EQ(c.r.x[1], left < 3 ? left : 3);
		invariants_ok(&c, __LINE__);
	}
	CHECK_EQ(x0, RMI_RET(RMI2_INCOMPLETE, 0) | RMI2_OP_CAN_CANCEL);
	CHECK_EQ(state_count(&c, GRANULE_REC_AUX), 16);
	CHECK_RMI(call(&c, RMI2_OP_CONTINUE, h, 0, 0, 0, 0), RMI_SUCCESS, 0);
	CHECK_EQ(rmm_granule_state(c.m.rmm, rec), GRANULE_REC);
	CHECK_RMI(call(&c, RMI2_OP_CONTINUE, h, 0, 0, 0, 0), RMI_ERROR_INPUT, 0); /* handle gone */
	/* REC_DESTROY, reclaiming one descriptor (one run of 3 granules) per call. */
	x0 = call(&c, RMI_REC_DESTROY, rec, 0, 0, 0, 0);
	h = c.r.x[1];
	CHECK_EQ(x0, RMI_RET(RMI2_INCOMPLETE, 0) | RMI2_OP_MEM_REQ_RECLAIM << RMI2_OP_MEM_REQ_SHIFT);
	CHECK_RMI(call(&c, RMI2_OP_CANCEL, h, 0, 0, 0, 0), RMI_ERROR_INPUT, 0);
	x0 = call(&c, RMI2_OP_MEM_RECLAIM, h, ns_granule(&c.m), 0, 0, 0);
	CHECK(RMI_RET_STATUS(x0) == RMI2_INCOMPLETE && c.r.x[1] == 0);
	while (RMI_RET_STATUS(x0) == RMI2_INCOMPLETE && steps++ < 20)
		x0 = sro_drive(&c, RMI_RET(RMI2_INCOMPLETE, 0) |
				   RMI2_OP_MEM_REQ_RECLAIM << RMI2_OP_MEM_REQ_SHIFT, h, 1);
	CHECK_RMI(x0, RMI_SUCCESS, 0);
	CHECK_EQ(state_count(&c, GRANULE_REC_AUX), 0);
	teardown2(&c);
	machine_fini(&c.m);
}

static void sro_cancel(bool after_partial, bool after_all)
{
	struct t2 c;
	uint64_t rec, h, x0;

	machine2(&c, after_all ? "sro_cancel_after_all_donated" :
		     after_partial ? "sro_cancel_after_partial_donation" : "sro_cancel_at_once", true);
	realm2(&c);
	x0 = start_create(&c, 0, &rec, &h);
	if (after_partial || after_all)
		x0 = donate(&c, h, after_all ? 16 : 5);
	CHECK(x0 & RMI2_OP_CAN_CANCEL);
	x0 = call(&c, RMI2_OP_CANCEL, h, 0, 0, 0, 0);
	if (after_partial || after_all) {
		CHECK_EQ(RMI2_OP_MEM_REQ(x0), RMI2_OP_MEM_REQ_RECLAIM);
		CHECK(!(x0 & RMI2_OP_CAN_CANCEL));
		CHECK_EQ(c.r.x[1], after_all ? 16 : 5);
		x0 = sro_drive(&c, x0, h, 16);
	}
	CHECK_RMI(x0, RMI_SUCCESS, 0);
	CHECK_EQ(rmm_granule_state(c.m.rmm, rec), GRANULE_DELEGATED);
	CHECK_EQ(rmm_granule_refcount(c.m.rmm, rec), 0);
	CHECK_RMI(call(&c, RMI2_OP_CANCEL, h, 0, 0, 0, 0), RMI_ERROR_INPUT, 0);
	/* Nothing was made: the next REC is still index 0. */
	rec2(&c, 0, true);
	teardown2(&c);
	machine_fini(&c.m);
}

static void sro_failed(const char *name, uint64_t idx, bool active, unsigned status)
{
	struct t2 c;
	uint64_t rec, h, x0;
	uint8_t rim[64];
	struct rmm_measurements m;

	machine2(&c, name, true);
	realm2(&c);
	if (active)
		activate(&c);
	rmm_realm_measurements(c.m.rmm, c.rd, &m);
	memcpy(rim, m.rim, sizeof(rim));
	x0 = start_create(&c, idx, &rec, &h);
	x0 = donate(&c, h, 16);
	CHECK_EQ(x0, RMI_RET(RMI2_INCOMPLETE, 0) | RMI2_OP_CAN_CANCEL);
	x0 = call(&c, RMI2_OP_CONTINUE, h, 0, 0, 0, 0);
	CHECK_EQ(x0, RMI_RET(RMI2_INCOMPLETE, 0) | RMI2_OP_MEM_REQ_RECLAIM << RMI2_OP_MEM_REQ_SHIFT);
	invariants_ok(&c, __LINE__);
	CHECK_RMI(sro_drive(&c, x0, h, 16), status, 0);
	rmm_realm_measurements(c.m.rmm, c.rd, &m);
	CHECK(!memcmp(rim, m.rim, sizeof(rim)));
	CHECK_EQ(rmm_granule_state(c.m.rmm, rec), GRANULE_DELEGATED);
	teardown2(&c);
	machine_fini(&c.m);
}

/* Donations that must be refused without changing anything. */
static void sro_bad_donations(void)
{
	struct t2 c;
	uint64_t rec, h, d[3], lists[5], x0;
	struct snap2 a, b;

	machine2(&c, "sro_bad_donations", true);
	realm2(&c);
	start_create(&c, 0, &rec, &h);
	d[0] = RMI2_RDESC(del_n(&c, 2), 2, 0);
	d[1] = RMI2_RDESC(ns_granule(&c.m), 1, 0); /* not delegated */
	lists[0] = list_at(&c, d, 2);
	d[1] = d[0]; /* the same granules twice */
	lists[1] = list_at(&c, d, 2);
	d[1] = RMI2_RDESC(del_n(&c, 15), 15, 0); /* 17 in all */
	lists[2] = list_at(&c, d, 2);
	d[1] = RMI2_RDESC(c.m.next_del, 1, RMI2_BLOCK_L2); /* not what was asked */
	lists[3] = list_at(&c, d, 2);
	d[1] = RMI2_RDESC(rec, 1, 0) | RMI2_RDESC_UNDELEGATED;
	lists[4] = list_at(&c, d, 2);
	snap2_take(&c, &a);
	for (unsigned i = 0; i < N(lists); i++)
		CHECK_RMI(call(&c, RMI2_OP_MEM_DONATE, h, lists[i], 2, 0, 0), RMI_ERROR_INPUT, 0);
	CHECK_RMI(call(&c, RMI2_OP_MEM_DONATE, h, lists[0] + 4, 2, 0, 0), RMI_ERROR_INPUT, 0);
	snap2_take(&c, &b);
	snap2_same(&c, &a, &b);
	snap2_free(&a);
	snap2_free(&b);
	/* An empty donation is no progress, not an error. */
	x0 = call(&c, RMI2_OP_MEM_DONATE, h, lists[0], 0, 0, 0);
	CHECK(x0 == INCOMPLETE_DONATE && c.r.x[1] == 0 && RMI2_DONATE_COUNT(c.r.x[2]) == 16);
	CHECK_RMI(sro_drive(&c, x0, h, 16), RMI_SUCCESS, 0);
	c.recs[c.nrecs++] = rec;
	teardown2(&c);
	machine_fini(&c.m);
}

/* BUSY when every operation context is taken; BLOCKED for a second REC_CREATE of a realm. */
static void sro_busy_blocked(void)
{
	struct t2 c;
	uint64_t rds[SRO_SLOTS], handles[SRO_SLOTS], rec, h, x0;

	machine2(&c, "sro_busy_blocked", true);
	for (unsigned i = 0; i < SRO_SLOTS; i++) {
		realm2(&c);
		rds[i] = c.rd;
		start_create(&c, 0, &rec, &handles[i]);
		if (i == 0)
			CHECK_RMI(start_create(&c, 0, &rec, &h), RMI2_BLOCKED, 0);
	}
	realm2(&c);
	CHECK_RMI(start_create(&c, 0, &rec, &h), RMI2_BUSY, 0);
	CHECK_RMI(call(&c, RMI_REC_DESTROY, rec, 0, 0, 0, 0), RMI2_BUSY, 0);
	for (unsigned i = 0; i < SRO_SLOTS; i++)
		CHECK_RMI(call(&c, RMI2_OP_CANCEL, handles[i], 0, 0, 0, 0), RMI_SUCCESS, 0);
	x0 = start_create(&c, 0, &rec, &h);
	CHECK_RMI(sro_drive(&c, x0, h, 16), RMI_SUCCESS, 0);
	c.recs[c.nrecs++] = rec;
	/* The other realms: terminate and destroy (no RTTs, no RECs); then the leak census. */
	for (unsigned i = 0; i < SRO_SLOTS; i++) {
		CHECK_RMI(call(&c, RMI2_REALM_TERMINATE, rds[i], 0, 0, 0, 0), RMI_SUCCESS, 0);
		CHECK_RMI(call(&c, RMI_REALM_DESTROY, rds[i], 0, 0, 0, 0), RMI_SUCCESS, 0);
	}
	teardown2(&c);
	machine_fini(&c.m);
}

/* ---- measurements: an independent model of the spec's rules ---- */

static void sha256(const void *p, size_t n, uint8_t out[32])
{
	unsigned int len;

	EVP_Digest(p, n, out, &len, EVP_sha256(), NULL);
}

static void put64(uint8_t *b, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

/* RIM' = H(desc), desc = {type @0, 0x100 @8, RIM @0x10, then the type's fields}. */
static void model_extend(uint8_t rim[32], uint8_t type, const uint8_t *fields, size_t n)
{
	uint8_t d[0x100] = { 0 };

	d[0] = type;
	put64(d, 8, 0x100);
	memcpy(d + 0x10, rim, 32);
	memcpy(d + 0x50, fields, n);
	sha256(d, sizeof(d), rim);
}

static void model_params(uint8_t rim[32], uint64_t s2sz, uint64_t bps, uint64_t wps)
{
	static uint8_t page[4096];

	memset(page, 0, sizeof(page));
	put64(page, 0x8, s2sz);
	put64(page, 0x18, bps);
	put64(page, 0x20, wps);
	sha256(page, sizeof(page), rim);
}

static void model_data(uint8_t rim[32], uint64_t ipa, bool measured, uint8_t fill)
{
	uint8_t f[0x30] = { 0 }, page[4096];

	put64(f, 0, ipa);
	put64(f, 8, measured);
	if (measured) {
		memset(page, fill, sizeof(page));
		sha256(page, sizeof(page), f + 0x10);
	}
	model_extend(rim, 0, f, sizeof(f));
}

static void model_rec(uint8_t rim[32], uint64_t idx, uint64_t pc)
{
	static uint8_t page[4096];
	uint8_t f[32];

	memset(page, 0, sizeof(page));
	put64(page, 0, RMI_REC_PARAMS_FLAG_RUNNABLE);
	put64(page, 0x200, pc);
	for (unsigned i = 0; i < 8; i++)
		put64(page, 0x300 + 8 * i, 0x100 * idx + i);
	sha256(page, sizeof(page), f);
	model_extend(rim, 1, f, sizeof(f));
}

static void model_ripas(uint8_t rim[32], uint64_t base, uint64_t top)
{
	uint8_t f[16];

	put64(f, 0, base);
	put64(f, 8, top);
	model_extend(rim, 2, f, sizeof(f));
}

/* The same realm (3 DATA pages, RIPAS RAM over 5 more, REC 0 runnable, REC 1 not). */
static void rim_model_test(void)
{
	struct t2 c;
	struct machine m1;
	struct realm r1;
	struct rmi_realm_params p1;
	uint8_t model2[32], model1[32], buf[GRANULE_SIZE];
	struct rmm_measurements got2, got1;
	uint64_t recs[2];

	/* 2.0, as v14 builds it: populate, RECs, then RTT_INIT_RIPAS (not measured). */
	machine2(&c, "rim_2_0_model", true);
	realm2(&c);
	tables2(&c);
	data2(&c, 0x0, 0xa1);
	data2(&c, 0x1000, 0xa2);
	CHECK_RMI(call(&c, RMI2_RTT_DATA_MAP_INIT, c.rd, del1(&c), 0x2000, ns_granule(&c.m), 0),
		  RMI_SUCCESS, 0);
	rec2(&c, 0, true);
	rec2(&c, 1, false);
	CHECK_RMI(call(&c, RMI_RTT_INIT_RIPAS, c.rd, 0, L2SIZE, 0, 0), RMI_SUCCESS, 0);
	CHECK_EQ(c.r.x[1], L2SIZE);
	activate(&c);
	rmm_realm_measurements(c.m.rmm, c.rd, &got2);
	model_params(model2, S2SZ, 1, 1);
	model_data(model2, 0x0, true, 0xa1);
	model_data(model2, 0x1000, true, 0xa2);
	model_data(model2, 0x2000, false, 0);
	model_rec(model2, 0, 0x1000);
	CHECK_EQ(got2.hash_len, 32);
	t_check(!memcmp(model2, got2.rim, 32), __FILE__, __LINE__,
		"2.0 RIM matches the model (no RIPAS descriptor)");
	teardown2(&c);
	machine_fini(&c.m);

	/* 1.0, the same realm; RTT_INIT_RIPAS adds one descriptor per level-3 entry. */
	machine_init(&m1, DRAM_SIZE, NULL);
	realm_params_default(&p1, 1);
	p1.s2sz = S2SZ;
	p1.rtt_level_start = 1;
	p1.num_bps = p1.num_wps = 1;
	CHECK(realm_create(&m1, &r1, &p1));
	CHECK(realm_map_tables(&m1, &r1, 0, 3));
	for (unsigned i = 0; i < 3; i++) {
		uint64_t src = ns_granule(&m1);

		memset(buf, 0xa1 + i, sizeof(buf));
		host_write(&m1, src, buf, sizeof(buf));
		CHECK_RMI(rmi(&m1, RMI_DATA_CREATE, r1.rd, delegated_granule(&m1), 0x1000 * i, src,
			      i < 2 ? RMI_MEASURE_CONTENT : 0), RMI_SUCCESS, 0);
	}
	CHECK_RMI(rmi(&m1, RMI_RTT_INIT_RIPAS, r1.rd, 0x3000, 0x8000, 0, 0), RMI_SUCCESS, 0);
	for (unsigned i = 0; i < 2; i++) {
		struct rmi_rec_params rp;
		uint64_t pa = rec_params_at(&m1, i, i == 0, 0x1000);

		/* The harness's REC params; give them this test's registers. */
		memcpy(&rp, pas_host_va(m1.pas, pa), sizeof(rp));
		for (unsigned g = 0; g < 8; g++)
			rp.gprs[g] = 0x100 * i + g;
		host_write(&m1, pa, &rp, sizeof(rp));
		recs[i] = delegated_granule(&m1);
		CHECK_RMI(rmi(&m1, RMI_REC_CREATE, r1.rd, recs[i], pa, 0, 0), RMI_SUCCESS, 0);
	}
	rmm_realm_measurements(m1.rmm, r1.rd, &got1);
	model_params(model1, S2SZ, 1, 1);
	model_data(model1, 0x0, true, 0xa1);
	model_data(model1, 0x1000, true, 0xa2);
	model_data(model1, 0x2000, false, 0);
	for (uint64_t ipa = 0x3000; ipa < 0x8000; ipa += 0x1000)
		model_ripas(model1, ipa, ipa + 0x1000);
	model_rec(model1, 0, 0x1000);
	t_check(!memcmp(model1, got1.rim, 32), __FILE__, __LINE__,
		"1.0 RIM matches the model (5 RIPAS descriptors)");
	CHECK(memcmp(got1.rim, got2.rim, 32) != 0);
	CHECK(realm_teardown(&m1, &r1, recs, 2));
	CHECK(host_reclaim(&m1));
	CHECK(census_all_undelegated(&m1));
	machine_fini(&m1);
}


/* ---- Scrubbing: 2.0 zeroes a granule as it leaves DELEGATED (granule.c) ---- */

#define STALE 0xa5

/*
 * Does the granule at @pa (RMM view) still hold a word the host wrote before
 * delegating it?  Words, not bytes: an RD holds random bytes (its instance ID).
 */
static bool holds_stale(struct t2 *c, uint64_t pa)
{
	const uint64_t *p = pas_rmm_va(c->m.pas, pa);

	for (unsigned i = 0; i < GRANULE_SIZE / 8; i++)
		if (p[i] == STALE * 0x0101010101010101UL)
			return true;
	return false;
}

static bool all_bytes(struct t2 *c, uint64_t pa, uint8_t v)
{
	const uint8_t *p = pas_rmm_va(c->m.pas, pa);

	for (unsigned i = 0; i < GRANULE_SIZE; i++)
		if (p[i] != v)
			return false;
	return true;
}

/*
 * The host fills every granule it will delegate with STALE first.  In 2.0
 * mode (TF-RMM main's flow) delegation leaves those bytes in place, and so
 * does a DATA unmap; but no realm object (RD, root and other RTTs, REC, REC
 * aux, "unknown" DATA) ever shows one, DATA_MAP_INIT's copy replaces all of
 * them, and the host reads zeros once it has a granule back.  In 1.0 mode
 * (TF-RMM rel0's flow) delegation itself zeroes.
 */
static void scrub_flow(bool v2)
{
	struct t2 c;
	struct rmm_census cen;
	uint8_t stale[GRANULE_SIZE], back[GRANULE_SIZE];
	uint64_t pa, dirty, data, unknown, desc;

	memset(stale, STALE, sizeof(stale));
	if (v2) {
		machine2(&c, "scrub_flow_2_0", true);
	} else {
		struct rmm_platform p;

		memset(&c, 0, sizeof(c));
		c.name = "scrub_flow_1_0";
		rmm_platform_default(&p);
		machine_init(&c.m, DRAM_SIZE, &p);
	}
	for (unsigned i = 0; i < 64; i++)
		host_write(&c.m, c.m.next_del + i * GRANULE_SIZE, stale, sizeof(stale));
	if (!v2) {
		pa = c.m.next_del;
		CHECK_RMI(call(&c, RMI_GRANULE_DELEGATE, pa, 0, 0, 0, 0), RMI_SUCCESS, 0);
		CHECK(all_bytes(&c, pa, 0)); /* rel0: zeroed on the way in */
		rmm_census(c.m.rmm, &cen, true);
		CHECK_EQ(cen.nonzero_free, 0);
		machine_fini(&c.m);
		return;
	}
	dirty = del1(&c);
	CHECK(holds_stale(&c, dirty)); /* not zeroed on the way in */
	rmm_census(c.m.rmm, &cen, true);
	CHECK_EQ(cen.nonzero_free, 1);
	invariants_ok(&c, __LINE__); /* a DELEGATED granule may hold data in 2.0 */

	realm2(&c);
	tables2(&c);
	CHECK(!holds_stale(&c, c.rd));
	CHECK(!holds_stale(&c, c.rtt_root));
	CHECK(!holds_stale(&c, c.rtt2));
	CHECK(!holds_stale(&c, c.rtt3));
	pa = rec2(&c, 0, true);
	CHECK(!holds_stale(&c, pa));
	for (pa = rmm_next_granule(c.m.rmm, GRANULE_REC_AUX, 0); pa;
	     pa = rmm_next_granule(c.m.rmm, GRANULE_REC_AUX, pa + GRANULE_SIZE))
		if (!CHECK(all_bytes(&c, pa, 0)))
			break;

	/* Unknown content is zero; a copy is all of the source. */
	unknown = del1(&c);
	CHECK_RMI(call(&c, RMI2_RTT_DATA_MAP, c.rd, 0x2000, 0x3000, RMI2_ADDR_TYPE_SINGLE,
		       RMI2_RDESC(unknown, 1, RMI2_PAGE_L3)),
		  RMI_SUCCESS, 0);
	CHECK(all_bytes(&c, unknown, 0));
	data = data2(&c, 0x1000, 0x11);
	CHECK(all_bytes(&c, data, 0x11));

	/* Unmapped DATA keeps its bytes while DELEGATED; mapped again as unknown, it is zero. */
	CHECK_RMI(call(&c, RMI2_RTT_DATA_UNMAP, c.rd, 0x1000, 0x2000, RMI2_ADDR_TYPE_SINGLE, 0),
		  RMI_SUCCESS, 0);
	desc = c.r.x[2];
	CHECK_EQ(RMI2_RDESC_ADDR(desc), data);
	CHECK_EQ(rmm_granule_state(c.m.rmm, data), GRANULE_DELEGATED);
	CHECK(all_bytes(&c, data, 0x11));
	CHECK_RMI(call(&c, RMI2_RTT_DATA_MAP, c.rd, 0x1000, 0x2000, RMI2_ADDR_TYPE_SINGLE,
		       RMI2_RDESC(data, 1, RMI2_PAGE_L3)),
		  RMI_SUCCESS, 0);
	CHECK(all_bytes(&c, data, 0));

	/* A destroyed REC's granule, reused as unknown DATA, shows none of the REC. */
	pa = rec2(&c, 1, false);
	{
		uint64_t x0 = call(&c, RMI_REC_DESTROY, pa, 0, 0, 0, 0);

		CHECK_RMI(sro_drive(&c, x0, c.r.x[1], 16), RMI_SUCCESS, 0);
	}
	CHECK_EQ(rmm_granule_state(c.m.rmm, pa), GRANULE_DELEGATED);
	CHECK(!all_bytes(&c, pa, 0)); /* 2.0: the REC's bytes stay while DELEGATED */
	CHECK_RMI(call(&c, RMI2_RTT_DATA_MAP, c.rd, 0x3000, 0x4000, RMI2_ADDR_TYPE_SINGLE,
		       RMI2_RDESC(pa, 1, RMI2_PAGE_L3)),
		  RMI_SUCCESS, 0);
	CHECK(all_bytes(&c, pa, 0));

	/* What goes back to the host is zero, whatever it held while DELEGATED. */
	undelegate_range(&c, dirty, dirty + GRANULE_SIZE);
	memset(back, 0xff, sizeof(back));
	memcpy(back, pas_host_va(c.m.pas, dirty), sizeof(back));
	CHECK(!memcmp(back, (uint8_t[GRANULE_SIZE]){ 0 }, sizeof(back)));
	teardown2(&c);
	machine_fini(&c.m);
}

/* ---- REC_ENTER with the 2.0 RecRun ---- */

/* A realm program: x0 = PSCI SYSTEM_OFF (0x84000008); SMC #0. */
static const uint32_t prog_system_off[] = { 0xd2800100, 0xf2b08000, 0xd4000003, 0x14000000 };

static void rec_enter_2_0(void)
{
	struct t2 c;
	uint64_t src, run, rec, x0;
	uint8_t page[GRANULE_SIZE] = { 0 }, out[GRANULE_SIZE];
	const struct rmi2_rec_run *rr;

	machine2(&c, "rec_enter_recrun_2_0", true);
	realm2(&c);
	tables2(&c);
	src = ns_granule(&c.m);
	memcpy(page, prog_system_off, sizeof(prog_system_off));
	host_write(&c.m, src, page, sizeof(page));
	CHECK_RMI(call(&c, RMI2_RTT_DATA_MAP_INIT, c.rd, del1(&c), 0, src, RMI_MEASURE_CONTENT),
		  RMI_SUCCESS, 0);
	rec = rec2(&c, 0, true);
	/* rec2 gives PC 0x1000 + idx: point REC 0's program there too. */
	CHECK_RMI(call(&c, RMI2_RTT_DATA_MAP_INIT, c.rd, del1(&c), 0x1000, src, 0), RMI_SUCCESS, 0);
	CHECK_RMI(call(&c, RMI_RTT_INIT_RIPAS, c.rd, 0, L2SIZE, 0, 0), RMI_SUCCESS, 0);
	activate(&c);
	/*
	 * The run page: in 1.0, bytes 0x300.. of the entry are gicv3_hcr and the LRs, and
	 * these values would make REC_ENTER fail with ERROR_REC; in 2.0 they are padding.
	 */
	run = ns_granule(&c.m);
	memset(page, 0, sizeof(page));
	memset(page + 0x300, 0xff, 0x500);
	memset(page + 0x800, 0xee, 0x800); /* the exit part: all of it is written */
	host_write(&c.m, run, page, sizeof(page));
	/*
	 * The vGIC is in the PE's registers: a pending SPI the realm (DAIF masked, it
	 * never unmasks) leaves pending, a VMCR with group 1 enabled and PMR 0xf8, an
	 * active priority, NPIE (no maintenance while an LR is pending).  The exit
	 * leaves them there, with ICH_HCR_EL2.En clear.
	 */
	{
		struct hw_ich *pe = hw_ich_this_pe();

		memset(pe, 0, sizeof(*pe));
		pe->hcr = ICH_HCR_EN | HCR_NPIE;
		pe->lr[0] = LR_PENDING_G1(40) | 0xa0UL << 48;
		pe->vmcr = (0xf8UL << 24) | 2;
		pe->ap1r = 1UL << 3;
	}
	/* The host tick (10 ms) may interrupt the realm: re-enter on IRQ exits, as a host does. */
	rr = (const struct rmi2_rec_run *)out;
	for (unsigned i = 0; i < 1000; i++) {
		hw_ich_this_pe()->hcr |= ICH_HCR_EN; /* the host enables it for every entry */
		x0 = call(&c, RMI_REC_ENTER, rec, run, 0, 0, 0);
		memcpy(out, pas_host_va(c.m.pas, run), sizeof(out));
		if (x0 != OK || rr->exit.exit_reason != RMI_EXIT_IRQ)
			break;
	}
	CHECK_RMI(x0, RMI_SUCCESS, 0);
	CHECK_EQ(rr->exit.exit_reason, RMI_EXIT_PSCI);
	CHECK_EQ(rr->exit.gprs[0], 0x84000008UL);
	CHECK_EQ(rr->exit.plane, 0);
	CHECK_EQ(rr->exit.rtt_tree, 0);
	for (unsigned i = 0x300; i < 0x400; i++)
		if (!CHECK_EQ(out[0x800 + i], 0))
			break;
	CHECK_EQ(rmm_realm_state(c.m.rmm, c.rd), REALM_SYSTEM_OFF);
	{
		const struct hw_ich *pe = hw_ich_this_pe();

		CHECK_EQ(pe->hcr & ICH_HCR_EN, 0);
		CHECK_EQ(pe->hcr, HCR_NPIE);
		CHECK_EQ(pe->lr[0], LR_PENDING_G1(40) | 0xa0UL << 48);
		CHECK_EQ(pe->vmcr, (0xf8UL << 24) | 2);
		CHECK_EQ(pe->ap1r, 1UL << 3);
		CHECK_EQ(pe->misr, 0); /* NP would be bit 3: an LR is pending */
	}
	/* A ZOMBIE realm's REC does not run. */
	zombie(&c);
	CHECK_RMI(call(&c, RMI_REC_ENTER, rec, run, 0, 0, 0), RMI_ERROR_REALM, 0);
	teardown2(&c);
	machine_fini(&c.m);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < N(rows); i++)
			printf("%s\n", rows[i].name);
		return 0;
	}
	for (size_t i = 0; i < N(rows); i++)
		run_row(&rows[i]);
	sro_chunks();
	sro_cancel(false, false);
	sro_cancel(true, false);
	sro_cancel(false, true);
	sro_failed("sro_failed_mpidr", 1, false, RMI_ERROR_INPUT);
	sro_failed("sro_failed_realm_active", 0, true, RMI_ERROR_REALM);
	sro_bad_donations();
	sro_busy_blocked();
	rim_model_test();
	rec_enter_2_0();
	scrub_flow(false);
	scrub_flow(true);
	return t_done();
}
