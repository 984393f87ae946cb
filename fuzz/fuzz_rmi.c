// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: random RMI command sequences on a small machine.
 *
 * Each input is decoded into a sequence of host operations and RMI calls
 * (see docs/FUZZING.md for the format) over a fresh PAS + RMM of 2 or 4 MiB.
 * After every call the RMM's invariants and a set of host-side properties
 * are checked; at the end everything is torn down through RMI calls only,
 * and the machine must be back to all granules UNDELEGATED and zero.  Any
 * violation prints the last calls and aborts, which libFuzzer reports as a
 * crash.  Set FUZZ_RMI_TRACE=1 to print every call (for reproducers).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "hw/pas.h"
#include "realmkit/psci.h"
#include "realmkit/rsi.h"
#include "realmkit/rmi.h"
#include "rmm/introspect.h"
#include "rmm/rmi_cmds.h"
#include "rmm/rmm.h"
#include "../tests/a64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_DRAM_BASE    0x80000000UL
#define FZ_DRAM_HIGH    (1UL << 48) /* DRAM above 48 bits: only LPA2 realms can use it */
#define FZ_MAX_GRANULES 1024 /* 4 MiB */
#define FZ_MAX_REALMS   (FZ_MAX_GRANULES / 2)
#define FZ_MAX_RECS     (FZ_MAX_GRANULES / 17 + 1)
#define FZ_MAX_OPS      256
#define FZ_MAX_GEO      64
#define FZ_TRACE        32
#define FZ_AUX          RMI_REC_PARAMS_AUX_GRANULES
#define FZ_RTT_ENTRIES  512
#define FZ_SLICE_INSNS  500  /* realm instructions per stretch (see rmm_platform) */

/* ---- the input ---- */

struct input {
	const uint8_t *p;
	size_t n;
};

/* Past the end of the input every byte reads as zero, which decodes to defaults. */
static uint8_t in_u8(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t in_u64(struct input *in)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)in_u8(in) << (8 * i);
	return v;
}

/* ---- what the host knows ---- */

struct fz_realm {
	uint64_t rd;
	uint64_t rtt_base;
	unsigned num_start;
	unsigned s2sz;
	int level; /* starting level */
	uint64_t num_recs; /* RECs created: the next MPIDR index */
	uint64_t objects;  /* RTTs (beyond the starting ones) and DATA granules it holds */
};

struct fz_rec {
	uint64_t pa;
	uint64_t rd;
	uint64_t aux[FZ_AUX];
};

/* A valid (s2sz, starting level, number of starting RTTs) for the platform. */
struct fz_geo {
	unsigned s2sz;
	int level;
	unsigned num_start;
	bool lpa2;
};

struct fz_trace {
	uint64_t fid;
	uint64_t x[5];
	uint64_t ret[3];
	uint64_t exit_reason, esr; /* REC_ENTER: the exit record it wrote */
	unsigned n;
};

struct fz {
	struct pas *pas;
	struct rmm *rmm;
	struct rmm_platform plat;
	uint64_t dram_base;
	uint64_t ngranules;
	uint64_t nscratch; /* granules [0, nscratch) are the host's NS scratch */
	/* The state each granule must be in, from the host's bookkeeping of RMI results. */
	uint8_t expect[FZ_MAX_GRANULES];
	struct fz_realm realms[FZ_MAX_REALMS];
	unsigned nrealms;
	struct fz_rec recs[FZ_MAX_RECS];
	unsigned nrecs;
	struct fz_geo geo[FZ_MAX_GEO];
	unsigned ngeo;
	uint64_t ns_cursor, del_cursor, state_cursor;
	uint64_t next_vmid;
	/* The last NS granule the host wrote each structure to, and the last PA returned. */
	uint64_t realm_params, rec_params, src, run, returned;
	uint64_t last_ipa;
	/* The last successful REC_ENTER: its REC, run page and exit record. */
	uint64_t exit_rec, exit_run;
	struct rmi_rec_exit exit;
	bool ipa_exact; /* the last IPA operand was misaligned or raw on purpose */
	bool batch; /* inside a host sequence: full invariant check at its end */
	unsigned ncalls;
	struct fz_trace trace[FZ_TRACE];
};

static struct fz fz;
static bool trace_all;

/* Snapshots around one call. */
struct rd_snap {
	uint64_t rd;
	int state;
	struct rmm_measurements m;
};

struct snapshot {
	struct rmm_census census;
	uint8_t state[FZ_MAX_GRANULES];
	uint32_t refcount[FZ_MAX_GRANULES];
	struct rd_snap rds[FZ_MAX_REALMS];
	unsigned nrds;
};

static struct snapshot before, after;

/* Names from the shared command table; NULL for what RMI 1.0 does not define. */
static const char *fid_name(uint64_t fid)
{
	const struct rmi_cmd *c = rmi_cmd_by_fid(fid, RMI_ABI_1_0);

	return c ? c->name : NULL;
}

static void print_call(const struct fz_trace *t)
{
	const char *name = fid_name(t->fid);

	if (name)
		fprintf(stderr, "  #%u %s", t->n, name);
	else
		fprintf(stderr, "  #%u fid 0x%llx", t->n, (unsigned long long)t->fid);
	for (unsigned i = 0; i < 5; i++)
		fprintf(stderr, " 0x%llx", (unsigned long long)t->x[i]);
	fprintf(stderr, " -> 0x%llx 0x%llx 0x%llx", (unsigned long long)t->ret[0],
		(unsigned long long)t->ret[1], (unsigned long long)t->ret[2]);
	if (t->fid == RMI_REC_ENTER && t->ret[0] == 0)
		fprintf(stderr, " (exit %llu esr 0x%llx)", (unsigned long long)t->exit_reason,
			(unsigned long long)t->esr);
	fputc('\n', stderr);
}

static void fz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void fz_fail(const char *fmt, ...)
{
	unsigned first = fz.ncalls > FZ_TRACE ? fz.ncalls - FZ_TRACE : 0;
	va_list ap;

	fprintf(stderr, "fuzz_rmi: FAILED after call #%u: ", fz.ncalls ? fz.ncalls - 1 : 0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nfuzz_rmi: the last %u calls:\n", fz.ncalls - first);
	for (unsigned i = first; i < fz.ncalls; i++)
		print_call(&fz.trace[i % FZ_TRACE]);
	abort();
}

/* ---- granules ---- */

static uint64_t g_pa(uint64_t idx)
{
	return fz.dram_base + (idx << GRANULE_SHIFT);
}

/* Index of a granule-aligned DRAM PA, or -1. */
static int64_t g_idx(uint64_t pa)
{
	if (pa & GRANULE_MASK || !pas_in_dram(fz.pas, pa, GRANULE_SIZE))
		return -1;
	return (int64_t)pas_granule_index(fz.pas, pa);
}

static const char *st_name(unsigned st)
{
	return rmm_granule_state_name((enum rmm_granule_state)st);
}

/* The host's bookkeeping: a successful call moved granule @pa from @from to @to. */
static void expect_move(uint64_t pa, enum rmm_granule_state from, enum rmm_granule_state to,
			const char *what)
{
	int64_t g = g_idx(pa);

	if (g < 0)
		fz_fail("%s succeeded with 0x%llx, which is not a DRAM granule", what,
			(unsigned long long)pa);
	if (fz.expect[g] != from)
		fz_fail("%s succeeded on 0x%llx, which the host has as %s, not %s", what,
			(unsigned long long)pa, st_name(fz.expect[g]), st_name(from));
	fz.expect[g] = (uint8_t)to;
}

static struct fz_realm *realm_by_rd(uint64_t rd)
{
	for (unsigned i = 0; i < fz.nrealms; i++)
		if (fz.realms[i].rd == rd)
			return &fz.realms[i];
	return NULL;
}

static struct fz_rec *rec_by_pa(uint64_t pa)
{
	for (unsigned i = 0; i < fz.nrecs; i++)
		if (fz.recs[i].pa == pa)
			return &fz.recs[i];
	return NULL;
}

static uint64_t level_size(int level)
{
	return 1UL << (GRANULE_SHIFT + 9 * (3 - level));
}

static bool realm_protected(const struct fz_realm *r, uint64_t ipa)
{
	return ipa < (1UL << (r->s2sz - 1));
}

/* Read a structure the host wrote to NS memory, as the RMM will read it; false if it can't. */
static bool host_read(uint64_t pa, void *buf)
{
	int64_t g = g_idx(pa);

	if (g < 0 || fz.expect[g] != GRANULE_UNDELEGATED || pas_host_faults(fz.pas, pa))
		return false;
	memcpy(buf, pas_host_va(fz.pas, pa), GRANULE_SIZE);
	return true;
}

/* Host write to a granule it believes is NS; skipped (no fault taken) if it is not. */
static bool host_write(uint64_t pa, const void *buf, size_t len)
{
	int64_t g = g_idx(pa & ~GRANULE_MASK);

	if (g < 0 || fz.expect[g] != GRANULE_UNDELEGATED ||
	    (pa & GRANULE_MASK) + len > GRANULE_SIZE)
		return false;
	if (pas_host_faults(fz.pas, pa & ~GRANULE_MASK))
		fz_fail("the host view of NS granule 0x%llx faults",
			(unsigned long long)(pa & ~GRANULE_MASK));
	memcpy(pas_host_va(fz.pas, pa), buf, len);
	return true;
}

/* ---- checks ---- */

static void take_snapshot(struct snapshot *s)
{
	rmm_census(fz.rmm, &s->census, false);
	s->nrds = 0;
	for (uint64_t i = 0; i < fz.ngranules; i++) {
		uint64_t pa = g_pa(i);

		s->state[i] = (uint8_t)rmm_granule_state(fz.rmm, pa);
		s->refcount[i] = rmm_granule_refcount(fz.rmm, pa);
		if (s->state[i] == GRANULE_RD && s->nrds < FZ_MAX_REALMS) {
			struct rd_snap *r = &s->rds[s->nrds++];

			r->rd = pa;
			r->state = rmm_realm_state(fz.rmm, pa);
			if (!rmm_realm_measurements(fz.rmm, pa, &r->m))
				fz_fail("RD 0x%llx has no measurements", (unsigned long long)pa);
		}
	}
}

static const struct rd_snap *snap_rd(const struct snapshot *s, uint64_t rd)
{
	for (unsigned i = 0; i < s->nrds; i++)
		if (s->rds[i].rd == rd)
			return &s->rds[i];
	return NULL;
}

/*
 * The host view must be readable exactly on UNDELEGATED granules.  A
 * granule a call gave back is probed for real (pas_host_faults()); for the
 * whole view, probing would populate every NS page, so the protections are
 * taken from the kernel's record of the mapping instead: one read of
 * /proc/self/maps, no page touched.  Protections change only with the GPT,
 * which rmm_check_invariants() checks against the granule states, so the
 * whole view is scanned with it: after calls that changed a granule's state
 * and at the end of every batch.
 */
static void check_host_view(bool whole)
{
	static char buf[1 << 18];
	static bool readable[FZ_MAX_GRANULES];
	uintptr_t lo = (uintptr_t)pas_host_va(fz.pas, fz.dram_base);
	uintptr_t hi = lo + (fz.ngranules << GRANULE_SHIFT);
	size_t len = 0;
	ssize_t r;
	int fd;

	for (uint64_t i = 0; i < fz.ngranules; i++)
		if (after.state[i] == GRANULE_UNDELEGATED &&
		    before.state[i] != GRANULE_UNDELEGATED && pas_host_faults(fz.pas, g_pa(i)))
			fz_fail("UNDELEGATED granule 0x%llx faults in the host view",
				(unsigned long long)g_pa(i));
	if (!whole)
		return;
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fz_fail("cannot open /proc/self/maps");
	while ((r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	if (len == sizeof(buf) - 1)
		fz_fail("/proc/self/maps is larger than %zu bytes", sizeof(buf));
	buf[len] = 0;
	memset(readable, 0, sizeof(readable));
	for (char *line = buf; *line;) {
		char *end, *nl;
		uintptr_t start = strtoull(line, &end, 16), stop = strtoull(end + 1, &end, 16);

		if (end[0] == ' ' && end[1] == 'r' && stop > lo && start < hi)
			for (uintptr_t a = start > lo ? start : lo; a < stop && a < hi;
			     a += GRANULE_SIZE)
				readable[(a - lo) >> GRANULE_SHIFT] = true;
		nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
	for (uint64_t i = 0; i < fz.ngranules; i++)
		if (readable[i] != (after.state[i] == GRANULE_UNDELEGATED))
			fz_fail("%s granule 0x%llx is %sreadable in the host view",
				st_name(after.state[i]), (unsigned long long)g_pa(i),
				readable[i] ? "" : "not ");
}

static void check_invariants(void)
{
	char why[256];

	if (!rmm_check_invariants(fz.rmm, why, sizeof(why)))
		fz_fail("rmm_check_invariants: %s", why);
}

static bool is_rtt_index(unsigned index)
{
	return index <= 3 || index == 0xff; /* a level, -1 encoded as 0xff */
}

static void check_return(uint64_t fid, uint64_t x0)
{
	unsigned status = RMI_RET_STATUS(x0), index = RMI_RET_INDEX(x0);

	if (!fid_name(fid)) {
		if (x0 != (uint64_t)-1)
			fz_fail("unknown FID 0x%llx returned 0x%llx, not NOT_SUPPORTED",
				(unsigned long long)fid, (unsigned long long)x0);
		return;
	}
	if (status > RMI_ERROR_RTT || (x0 >> 16))
		fz_fail("malformed return value 0x%llx", (unsigned long long)x0);
	if (status == RMI_SUCCESS && index)
		fz_fail("SUCCESS with index %u", index);
	if (status == RMI_ERROR_RTT && !is_rtt_index(index))
		fz_fail("ERROR_RTT with index %u, not a level", index);
}

/* A failed call changes nothing: granule states, refcounts, census, realms and measurements. */
static void check_unchanged(void)
{
	if (memcmp(&before.census, &after.census, sizeof(before.census)))
		fz_fail("a failed call changed the census");
	for (uint64_t i = 0; i < fz.ngranules; i++)
		if (before.state[i] != after.state[i] || before.refcount[i] != after.refcount[i])
			fz_fail("a failed call changed granule 0x%llx: %s/%u -> %s/%u",
				(unsigned long long)g_pa(i), st_name(before.state[i]),
				before.refcount[i], st_name(after.state[i]), after.refcount[i]);
}

/*
 * Measurements and realm states: a RIM changes only by a successful
 * DATA_CREATE, REC_CREATE or RTT_INIT_RIPAS of that realm, a REM never (only
 * the realm extends them), and a realm state only by REALM_ACTIVATE.
 */
static void check_realms(uint64_t fid, uint64_t x1, bool ok)
{
	bool extends = ok && (fid == RMI_DATA_CREATE || fid == RMI_REC_CREATE ||
			      fid == RMI_RTT_INIT_RIPAS);
	/* The realm whose REC ran may extend its REMs and call SYSTEM_OFF/RESET. */
	const struct fz_rec *ran = ok && fid == RMI_REC_ENTER ? rec_by_pa(x1) : NULL;

	for (unsigned i = 0; i < before.nrds; i++) {
		const struct rd_snap *b = &before.rds[i], *a = snap_rd(&after, b->rd);

		if (!a)
			continue; /* destroyed: checked by the granule states */
		if (memcmp(b->m.rim, a->m.rim, sizeof(b->m.rim)) && !(extends && b->rd == x1))
			fz_fail("RIM of realm 0x%llx changed", (unsigned long long)b->rd);
		if ((memcmp(b->m.rem, a->m.rem, sizeof(b->m.rem)) && !(ran && ran->rd == b->rd)) ||
		    b->m.hash_len != a->m.hash_len)
			fz_fail("REMs or hash of realm 0x%llx changed", (unsigned long long)b->rd);
		if (b->state != a->state &&
		    !(ok && fid == RMI_REALM_ACTIVATE && b->rd == x1 && b->state == REALM_NEW &&
		      a->state == REALM_ACTIVE) &&
		    !(ran && ran->rd == b->rd && b->state == REALM_ACTIVE &&
		      a->state == REALM_SYSTEM_OFF))
			fz_fail("state of realm 0x%llx changed %d -> %d", (unsigned long long)b->rd,
				b->state, a->state);
	}
}

/* The host's expectation of every granule's state matches the RMM's. */
static void check_expected(void)
{
	for (uint64_t i = 0; i < fz.ngranules; i++)
		if (after.state[i] != fz.expect[i])
			fz_fail("granule 0x%llx is %s, but the host's bookkeeping says %s",
				(unsigned long long)g_pa(i), st_name(after.state[i]),
				st_name(fz.expect[i]));
}

/* ---- bookkeeping of successful calls ---- */

static void book_realm_create(uint64_t rd, const struct rmi_realm_params *p, bool have_params)
{
	struct fz_realm *r;

	if (!have_params)
		fz_fail("REALM_CREATE succeeded with params the host cannot read");
	if (fz.nrealms == FZ_MAX_REALMS)
		fz_fail("more realms than granule pairs");
	r = &fz.realms[fz.nrealms++];
	memset(r, 0, sizeof(*r));
	r->rd = rd;
	/* The fields as the RMM reads them: each has its specified width. */
	r->rtt_base = p->rtt_base;
	r->num_start = (uint32_t)p->rtt_num_start;
	r->s2sz = (uint32_t)p->s2sz;
	r->level = (int)p->rtt_level_start;
	if (r->num_start < 1 || r->num_start > 16 || r->s2sz < 32 || r->s2sz > 52 ||
	    r->level < -1 || r->level > 3)
		fz_fail("REALM_CREATE accepted s2sz %u, level %d, %u starting RTTs", r->s2sz,
			r->level, r->num_start);
	expect_move(rd, GRANULE_DELEGATED, GRANULE_RD, "REALM_CREATE (rd)");
	for (unsigned i = 0; i < r->num_start; i++)
		expect_move(r->rtt_base + i * GRANULE_SIZE, GRANULE_DELEGATED, GRANULE_RTT,
			    "REALM_CREATE (rtt_base)");
}

static void book_realm_destroy(uint64_t rd)
{
	struct fz_realm *r = realm_by_rd(rd);

	if (!r)
		fz_fail("REALM_DESTROY succeeded on 0x%llx, not a realm", (unsigned long long)rd);
	for (unsigned i = 0; i < fz.nrecs; i++)
		if (fz.recs[i].rd == rd)
			fz_fail("REALM_DESTROY succeeded with REC 0x%llx alive",
				(unsigned long long)fz.recs[i].pa);
	if (r->objects)
		fz_fail("REALM_DESTROY succeeded with %llu RTTs/DATA alive",
			(unsigned long long)r->objects);
	expect_move(rd, GRANULE_RD, GRANULE_DELEGATED, "REALM_DESTROY (rd)");
	for (unsigned i = 0; i < r->num_start; i++)
		expect_move(r->rtt_base + i * GRANULE_SIZE, GRANULE_RTT, GRANULE_DELEGATED,
			    "REALM_DESTROY (starting RTT)");
	*r = fz.realms[--fz.nrealms];
}

static void book_rec_create(uint64_t rd, uint64_t rec, const struct rmi_rec_params *p,
			    bool have_params)
{
	struct fz_realm *r = realm_by_rd(rd);
	struct fz_rec *c;

	if (!have_params)
		fz_fail("REC_CREATE succeeded with params the host cannot read");
	if (!r)
		fz_fail("REC_CREATE succeeded on 0x%llx, not a realm", (unsigned long long)rd);
	if (p->num_aux != FZ_AUX)
		fz_fail("REC_CREATE succeeded with num_aux %llu", (unsigned long long)p->num_aux);
	if (fz.nrecs == FZ_MAX_RECS)
		fz_fail("more RECs than fit in DRAM");
	c = &fz.recs[fz.nrecs++];
	c->pa = rec;
	c->rd = rd;
	memcpy(c->aux, p->aux, sizeof(c->aux));
	r->num_recs++;
	expect_move(rec, GRANULE_DELEGATED, GRANULE_REC, "REC_CREATE (rec)");
	for (unsigned i = 0; i < FZ_AUX; i++)
		expect_move(p->aux[i], GRANULE_DELEGATED, GRANULE_REC_AUX, "REC_CREATE (aux)");
}

static void book_rec_destroy(uint64_t pa)
{
	struct fz_rec *c = rec_by_pa(pa);

	if (!c)
		fz_fail("REC_DESTROY succeeded on 0x%llx, not a REC", (unsigned long long)pa);
	expect_move(pa, GRANULE_REC, GRANULE_DELEGATED, "REC_DESTROY (rec)");
	for (unsigned i = 0; i < FZ_AUX; i++)
		expect_move(c->aux[i], GRANULE_REC_AUX, GRANULE_DELEGATED, "REC_DESTROY (aux)");
	*c = fz.recs[--fz.nrecs];
}

static void book_object(uint64_t rd, int delta, const char *what)
{
	struct fz_realm *r = realm_by_rd(rd);

	if (!r)
		fz_fail("%s succeeded on 0x%llx, not a realm", what, (unsigned long long)rd);
	if (delta < 0 && !r->objects)
		fz_fail("%s freed an object the realm does not have", what);
	r->objects += (uint64_t)(int64_t)delta;
}

static void bookkeeping(uint64_t fid, const uint64_t *x, const struct smc_result *res,
			const void *params, bool have_params)
{
	switch (fid) {
	case RMI_GRANULE_DELEGATE:
		expect_move(x[0], GRANULE_UNDELEGATED, GRANULE_DELEGATED, "GRANULE_DELEGATE");
		break;
	case RMI_GRANULE_UNDELEGATE:
		expect_move(x[0], GRANULE_DELEGATED, GRANULE_UNDELEGATED, "GRANULE_UNDELEGATE");
		break;
	case RMI_REALM_CREATE:
		book_realm_create(x[0], params, have_params);
		break;
	case RMI_REALM_DESTROY:
		book_realm_destroy(x[0]);
		break;
	case RMI_REC_CREATE:
		book_rec_create(x[0], x[1], params, have_params);
		break;
	case RMI_REC_DESTROY:
		book_rec_destroy(x[0]);
		break;
	case RMI_RTT_CREATE:
		book_object(x[0], 1, "RTT_CREATE");
		expect_move(x[1], GRANULE_DELEGATED, GRANULE_RTT, "RTT_CREATE");
		break;
	case RMI_RTT_DESTROY:
	case RMI_RTT_FOLD:
		book_object(x[0], -1, fid == RMI_RTT_FOLD ? "RTT_FOLD" : "RTT_DESTROY");
		expect_move(res->x[1], GRANULE_RTT, GRANULE_DELEGATED, "RTT_DESTROY/FOLD (x1)");
		fz.returned = res->x[1];
		break;
	case RMI_DATA_CREATE:
	case RMI_DATA_CREATE_UNKNOWN:
		book_object(x[0], 1, "DATA_CREATE");
		expect_move(x[1], GRANULE_DELEGATED, GRANULE_DATA, "DATA_CREATE");
		break;
	case RMI_DATA_DESTROY:
		book_object(x[0], -1, "DATA_DESTROY");
		expect_move(res->x[1], GRANULE_DATA, GRANULE_DELEGATED, "DATA_DESTROY (x1)");
		fz.returned = res->x[1];
		break;
	default:
		break;
	}
}

/*
 * RTT_READ_ENTRY results must agree with the host's view: a walk level
 * between the starting level and the one asked for, a known state, a TABLE
 * pointing at an RTT granule and a protected ASSIGNED entry at a DATA granule.
 */
static void check_read_entry(uint64_t rd, uint64_t ipa, uint64_t level,
			     const struct smc_result *res)
{
	const struct fz_realm *r = realm_by_rd(rd);
	int64_t walk = (int64_t)res->x[1], g;

	if (!r)
		return;
	if (walk < r->level || walk > (int64_t)level)
		fz_fail("RTT_READ_ENTRY(0x%llx, %lld) walked to level %lld",
			(unsigned long long)ipa, (long long)level, (long long)walk);
	if (res->x[2] > RMI_TABLE || res->x[4] > RMI_DESTROYED)
		fz_fail("RTT_READ_ENTRY state %llu ripas %llu", (unsigned long long)res->x[2],
			(unsigned long long)res->x[4]);
	g = g_idx(res->x[3]);
	if (res->x[2] == RMI_TABLE && (walk == 3 || g < 0 || fz.expect[g] != GRANULE_RTT))
		fz_fail("RTT_READ_ENTRY(0x%llx) at level %lld: TABLE at 0x%llx",
			(unsigned long long)ipa, (long long)walk, (unsigned long long)res->x[3]);
	if (res->x[2] == RMI_ASSIGNED && realm_protected(r, ipa) &&
	    (g < 0 || fz.expect[g] != GRANULE_DATA))
		fz_fail("RTT_READ_ENTRY(0x%llx): protected ASSIGNED at non-DATA 0x%llx",
			(unsigned long long)ipa, (unsigned long long)res->x[3]);
}

static void read_entry(uint64_t rd, uint64_t ipa, int level, struct smc_result *res)
{
	rmm_call(fz.rmm, RMI_RTT_READ_ENTRY, rd, ipa, (uint64_t)(int64_t)level, 0, 0, res);
	if (res->x[0] != RMI_RET(RMI_SUCCESS, 0))
		fz_fail("RTT_READ_ENTRY(0x%llx, 0x%llx, %d) after a successful call: 0x%llx",
			(unsigned long long)rd, (unsigned long long)ipa, level,
			(unsigned long long)res->x[0]);
	check_read_entry(rd, ipa, (uint64_t)(int64_t)level, res);
}

/* What RTT_READ_ENTRY must show after a successful command that changed an entry. */
static void postcondition(uint64_t fid, const uint64_t *x)
{
	struct smc_result e;
	int level = (int)x[2];

	switch (fid) {
	case RMI_RTT_CREATE:
		read_entry(x[0], x[2], (int)x[3] - 1, &e);
		if ((int64_t)e.x[1] != (int)x[3] - 1 || e.x[2] != RMI_TABLE || e.x[3] != x[1])
			fz_fail("after RTT_CREATE the parent entry is level %lld state %llu 0x%llx",
				(long long)e.x[1], (unsigned long long)e.x[2],
				(unsigned long long)e.x[3]);
		break;
	case RMI_RTT_DESTROY:
	case RMI_RTT_FOLD:
		read_entry(x[0], x[1], level - 1, &e);
		if ((int64_t)e.x[1] != level - 1 || e.x[2] == RMI_TABLE)
			fz_fail("after RTT_DESTROY/FOLD the entry is level %lld state %llu",
				(long long)e.x[1], (unsigned long long)e.x[2]);
		break;
	case RMI_RTT_MAP_UNPROTECTED:
		read_entry(x[0], x[1], level, &e);
		if ((int64_t)e.x[1] != level || e.x[2] != RMI_ASSIGNED || e.x[3] != x[3])
			fz_fail("after RTT_MAP_UNPROTECTED(level %d) the entry is level %lld "
				"state %llu desc 0x%llx",
				level, (long long)e.x[1], (unsigned long long)e.x[2],
				(unsigned long long)e.x[3]);
		break;
	case RMI_RTT_UNMAP_UNPROTECTED:
		read_entry(x[0], x[1], level, &e);
		if ((int64_t)e.x[1] != level || e.x[2] != RMI_UNASSIGNED)
			fz_fail("after RTT_UNMAP_UNPROTECTED the entry is level %lld state %llu",
				(long long)e.x[1], (unsigned long long)e.x[2]);
		break;
	case RMI_DATA_CREATE:
	case RMI_DATA_CREATE_UNKNOWN:
		read_entry(x[0], x[2], 3, &e);
		if (e.x[1] != 3 || e.x[2] != RMI_ASSIGNED || e.x[3] != x[1] ||
		    (fid == RMI_DATA_CREATE && e.x[4] != RMI_RAM))
			fz_fail("after DATA_CREATE the entry is level %lld state %llu 0x%llx "
				"ripas %llu",
				(long long)e.x[1], (unsigned long long)e.x[2],
				(unsigned long long)e.x[3], (unsigned long long)e.x[4]);
		break;
	case RMI_DATA_DESTROY:
		read_entry(x[0], x[1], 3, &e);
		if (e.x[1] != 3 || e.x[2] != RMI_UNASSIGNED || e.x[4] == RMI_RAM)
			fz_fail("after DATA_DESTROY the entry is level %lld state %llu ripas %llu",
				(long long)e.x[1], (unsigned long long)e.x[2],
				(unsigned long long)e.x[4]);
		break;
	default:
		break;
	}
}

/* ---- the call ---- */

enum call_mode {
	CALL_FULL,  /* every check (the invariant check deferred to the end of a batch) */
	CALL_LIGHT, /* a read-only probe: return value and result consistency only */
};

static uint64_t fz_call(uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
			uint64_t x5, struct smc_result *res, enum call_mode mode)
{
	struct smc_args a = { .fid = fid, .x = { x1, x2, x3, x4, x5, 0 } };
	union {
		struct rmi_realm_params realm;
		struct rmi_rec_params rec;
	} params;
	bool have_params = false, ok;
	struct smc_result r;
	struct fz_trace *t;

	if (!res)
		res = &r;
	if (fid == RMI_REALM_CREATE || fid == RMI_REC_CREATE)
		have_params = host_read(fid == RMI_REALM_CREATE ? x2 : x3, &params);
	if (mode == CALL_FULL)
		take_snapshot(&before);

	rmm_smc(fz.rmm, &a, res);

	t = &fz.trace[fz.ncalls % FZ_TRACE];
	t->n = fz.ncalls++;
	t->fid = fid;
	memcpy(t->x, a.x, sizeof(t->x));
	memcpy(t->ret, res->x, sizeof(t->ret));
	if (fid == RMI_REC_ENTER && res->x[0] == 0 && g_idx(x2) >= 0) {
		const struct rmi_rec_exit *e =
			(const void *)((const uint8_t *)pas_host_va(fz.pas, x2) +
				       offsetof(struct rmi_rec_run, exit));

		t->exit_reason = e->exit_reason;
		t->esr = e->esr;
	}
	if (trace_all)
		print_call(t);

	check_return(fid, res->x[0]);
	ok = fid_name(fid) && RMI_RET_STATUS(res->x[0]) == RMI_SUCCESS;
	if (ok && fid == RMI_RTT_READ_ENTRY)
		check_read_entry(x1, x2, x3, res);
	if (mode == CALL_LIGHT)
		return res->x[0];

	take_snapshot(&after);
	if (ok)
		bookkeeping(fid, a.x, res, &params, have_params);
	else
		check_unchanged();
	check_realms(fid, x1, ok);
	check_expected();
	check_host_view(!fz.batch && memcmp(before.state, after.state, fz.ngranules));
	if (!fz.batch)
		check_invariants();
	if (ok)
		postcondition(fid, a.x);
	return res->x[0];
}

static bool call_ok(uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
		    uint64_t x5, struct smc_result *res)
{
	return fz_call(fid, x1, x2, x3, x4, x5, res, CALL_FULL) == RMI_RET(RMI_SUCCESS, 0);
}

static void batch_begin(void)
{
	fz.batch = true;
}

static void batch_end(void)
{
	fz.batch = false;
	check_invariants();
	take_snapshot(&after);
	check_host_view(true);
}

/* ---- choosing granules ---- */

/* A fresh NS scratch granule for the host's structures. */
static uint64_t fresh_ns(void)
{
	for (uint64_t k = 0; k < fz.ngranules; k++) {
		uint64_t i = (fz.ns_cursor + k) % fz.nscratch;

		if (k >= fz.nscratch)
			i = k; /* all scratch delegated: anything NS */
		if (fz.expect[i] == GRANULE_UNDELEGATED) {
			fz.ns_cursor = i + 1;
			return g_pa(i);
		}
	}
	return g_pa(0);
}

/*
 * A DELEGATED granule nobody uses, from the delegation area, delegating an
 * NS one if that comes first (@may_delegate).  Successive picks differ.
 */
static uint64_t fresh_del(bool may_delegate)
{
	uint64_t area = fz.ngranules - fz.nscratch;

	for (uint64_t k = 0; k < area; k++) {
		uint64_t i = fz.nscratch + (fz.del_cursor + k) % area;

		if (fz.expect[i] == GRANULE_DELEGATED) {
			fz.del_cursor = i + 1 - fz.nscratch;
			return g_pa(i);
		}
		if (may_delegate && fz.expect[i] == GRANULE_UNDELEGATED &&
		    call_ok(RMI_GRANULE_DELEGATE, g_pa(i), 0, 0, 0, 0, NULL)) {
			fz.del_cursor = i + 1 - fz.nscratch;
			return g_pa(i);
		}
	}
	return g_pa(fz.ngranules - 1);
}

/* An NS granule in the delegation area (something to delegate). */
static uint64_t fresh_undelegated(void)
{
	uint64_t area = fz.ngranules - fz.nscratch;

	for (uint64_t k = 0; k < area; k++) {
		uint64_t i = fz.nscratch + (fz.del_cursor + k) % area;

		if (fz.expect[i] == GRANULE_UNDELEGATED) {
			fz.del_cursor = i + 1 - fz.nscratch;
			return g_pa(i);
		}
	}
	return g_pa(fz.nscratch);
}

/* @n contiguous DELEGATED granules (delegating NS ones), e.g. for concatenated starting RTTs. */
static uint64_t fresh_run(unsigned n)
{
	uint64_t area = fz.ngranules - fz.nscratch;

	for (uint64_t k = 0; k < area; k++) {
		uint64_t s = fz.nscratch + (fz.del_cursor + k) % area;
		unsigned j;

		if (s + n > fz.ngranules)
			continue;
		for (j = 0; j < n; j++)
			if (fz.expect[s + j] != GRANULE_DELEGATED &&
			    fz.expect[s + j] != GRANULE_UNDELEGATED)
				break;
		if (j < n)
			continue;
		for (j = 0; j < n; j++)
			if (fz.expect[s + j] == GRANULE_UNDELEGATED &&
			    !call_ok(RMI_GRANULE_DELEGATE, g_pa(s + j), 0, 0, 0, 0, NULL))
				return g_pa(s);
		fz.del_cursor = (s + n - fz.nscratch) % area;
		return g_pa(s);
	}
	return g_pa(fz.nscratch);
}

/* A granule the host has in @state, searching from a rotating position. */
static uint64_t granule_in_state(unsigned state, uint8_t skip)
{
	for (uint64_t k = 0; k < fz.ngranules; k++) {
		uint64_t i = (fz.state_cursor + skip + k) % fz.ngranules;

		if (fz.expect[i] == state || (state >= GRANULE_STATE_COUNT &&
					      fz.expect[i] != GRANULE_UNDELEGATED)) {
			fz.state_cursor = i + 1;
			return g_pa(i);
		}
	}
	return g_pa(skip % fz.ngranules);
}

enum pa_kind {
	PA_FREE_DEL, /* unused DELEGATED granule, delegating one if needed */
	PA_DEL,      /* unused DELEGATED granule, no delegation */
	PA_UND,      /* NS granule in the delegation area */
	PA_NS,       /* NS scratch granule */
	PA_REC,      /* a REC */
	PA_REALM_PARAMS,
	PA_REC_PARAMS,
	PA_SRC,
	PA_RUN,
};

static uint64_t pa_default(enum pa_kind kind, unsigned sub)
{
	switch (kind) {
	case PA_FREE_DEL:
		return fresh_del(true);
	case PA_DEL:
		return fresh_del(false);
	case PA_UND:
		return fresh_undelegated();
	case PA_NS:
		return fresh_ns();
	case PA_REC:
		return fz.nrecs ? fz.recs[sub % fz.nrecs].pa : granule_in_state(GRANULE_REC, 0);
	case PA_REALM_PARAMS:
		return fz.realm_params;
	case PA_REC_PARAMS:
		return fz.rec_params;
	case PA_SRC:
		return fz.src;
	case PA_RUN:
		return fz.run;
	}
	return 0;
}

/* Something the host holds a handle to. */
static uint64_t pa_handle(unsigned h)
{
	switch (h) {
	case 0:
		return fz.realm_params;
	case 1:
		return fz.rec_params;
	case 2:
		return fz.src;
	case 3:
		return fz.run;
	case 4:
		return fz.returned;
	default:
		break;
	}
	if (h < 16 && fz.nrealms) {
		const struct fz_realm *r = &fz.realms[h % fz.nrealms];

		return h & 1 ? r->rtt_base : r->rd;
	}
	if (fz.nrecs) {
		const struct fz_rec *c = &fz.recs[h % fz.nrecs];

		return h & 1 ? c->aux[h % FZ_AUX] : c->pa;
	}
	return 0;
}

/*
 * A PA operand: one byte m.  m >> 5 picks: 0-2 the operand's natural kind,
 * 3 a granule by index, 4 a handle, 5 a granule in some state, 6 an
 * unaligned PA, 7 a special value.
 */
static uint64_t op_pa(struct input *in, enum pa_kind kind)
{
	uint8_t m = in_u8(in), b;

	switch (m >> 5) {
	case 0:
	case 1:
	case 2:
		return pa_default(kind, m & 31);
	case 3:
		b = in_u8(in);
		return g_pa((((uint64_t)(m & 3) << 8) | b) % fz.ngranules);
	case 4:
		return pa_handle(m & 31);
	case 5:
		return granule_in_state(m & 7, in_u8(in));
	case 6:
		return g_pa(in_u8(in) % fz.ngranules) + 1 + (m & 31) * 128;
	default:
		break;
	}
	switch (m & 7) {
	case 0:
		return 0;
	case 1:
		return fz.dram_base - GRANULE_SIZE;
	case 2:
		return g_pa(fz.ngranules);
	case 3:
		return g_pa(fz.ngranules - 1);
	case 4:
		return fz.dram_base ^ FZ_DRAM_HIGH;
	case 5:
		return ~GRANULE_MASK;
	case 6:
		return fz.dram_base | GRANULE_MASK;
	default:
		return in_u64(in);
	}
}

/* The realm a command is about: mostly a live one, else any PA as the RD. */
static struct fz_realm *op_realm(struct input *in, uint64_t *rd)
{
	uint8_t b = in_u8(in);

	if (fz.nrealms && b < 0xe0) {
		struct fz_realm *r = &fz.realms[b % fz.nrealms];

		*rd = r->rd;
		return r;
	}
	*rd = op_pa(in, PA_DEL);
	return realm_by_rd(*rd);
}

/*
 * An IPA operand, two bytes: b0 = kind << 2 | (3 - alignment level), b1 an
 * index.  Kinds: 0,1 protected, 2 unprotected (swapped when @unprot), 3
 * near the last IPA, 4 edges of the space, 5 misaligned, 6 raw, 7 at the
 * default level.
 */
static uint64_t op_ipa(struct input *in, const struct fz_realm *r, int def_level, bool unprot)
{
	uint8_t b0 = in_u8(in), b1 = in_u8(in);
	unsigned s2sz = r ? r->s2sz : 48, kind = (b0 >> 2) & 7;
	int level = 3 - (b0 & 3);
	uint64_t half = 1UL << (s2sz - 1), size = level_size(level), ipa;

	switch (kind) {
	case 0:
	case 1:
	case 2:
		ipa = (b1 * size) & (half - 1);
		if ((kind == 2) != unprot)
			ipa += half;
		break;
	case 3:
		ipa = (fz.last_ipa & ~(size - 1)) + (b1 % 8) * size;
		break;
	case 4: {
		const uint64_t edge[8] = { 1UL << s2sz, (1UL << s2sz) - size, half - size, half,
					   1UL << 48, 1UL << 52, ~GRANULE_MASK, half + size };

		ipa = edge[b1 % 8];
		break;
	}
	case 5:
		ipa = ((b1 * size) & (half - 1)) + (size > GRANULE_SIZE ? size / 2 : 0x10);
		break;
	case 6:
		ipa = in_u64(in);
		break;
	default:
		ipa = (b1 * level_size(def_level)) & (half - 1);
		if (unprot)
			ipa += half;
		break;
	}
	fz.last_ipa = ipa;
	fz.ipa_exact = kind == 5 || kind == 6;
	return ipa;
}

/* Align an IPA operand down to @level, unless it was meant to be misaligned. */
static uint64_t align_ipa(uint64_t ipa, uint64_t level)
{
	if (fz.ipa_exact || (int64_t)level < -1 || (int64_t)level > 3)
		return ipa;
	return ipa & ~(level_size((int)level) - 1);
}

#define LEVEL_DEFAULT 100

/* A level operand: mostly the default, else -1..4 or raw. */
static uint64_t op_level(struct input *in, int def)
{
	static const int table[16] = {
		LEVEL_DEFAULT, LEVEL_DEFAULT, LEVEL_DEFAULT, LEVEL_DEFAULT, 3, 2, 1, 0,
		-1, 4, 3, 2, 1, LEVEL_DEFAULT, LEVEL_DEFAULT, 5,
	};
	uint8_t b = in_u8(in);
	int l = table[b & 15];

	if (l == 5)
		return in_u64(in);
	return (uint64_t)(int64_t)(l == LEVEL_DEFAULT ? def : l);
}

/* The level the walk to @ipa reaches (RTT_READ_ENTRY), or @fallback. */
static int walk_level(uint64_t rd, uint64_t ipa, int fallback)
{
	struct smc_result res;

	if (fz_call(RMI_RTT_READ_ENTRY, rd, ipa & ~GRANULE_MASK, 3, 0, 0, &res, CALL_LIGHT) !=
	    RMI_RET(RMI_SUCCESS, 0))
		return fallback;
	return (int)res.x[1];
}

/* ---- host structures ---- */

static void geometry_init(void)
{
	bool lpa2 = fz.plat.lpa2;

	/* Level 0 first, then 1..3, then -1: index 0 is a 40-bit realm with one level-0 RTT. */
	fz.ngeo = 0;
	for (int k = 0; k < 5; k++) {
		int level = k == 4 ? -1 : k;

		for (unsigned s2sz = 32; s2sz <= (lpa2 ? 52U : 48U); s2sz++) {
			int idx_bits = (int)s2sz - (GRANULE_SHIFT + 9 * (3 - level));
			int max_bits = 9;

			if (s2sz > fz.plat.max_ipa_bits)
				continue;
			/* Up to 16 concatenated tables: not at level 0 without LPA2, nor at -1. */
			if (level > 0 || (level == 0 && lpa2))
				max_bits = 13;
			if (level == -1)
				max_bits = lpa2 ? 4 : 0;
			if (idx_bits < 1 || idx_bits > max_bits || fz.ngeo == FZ_MAX_GEO)
				continue;
			fz.geo[fz.ngeo].s2sz = s2sz;
			fz.geo[fz.ngeo].level = level;
			fz.geo[fz.ngeo].num_start = idx_bits > 9 ? 1U << (idx_bits - 9) : 1;
			fz.geo[fz.ngeo].lpa2 = s2sz > 48 || level < 0 ||
					       (level == 0 && idx_bits > 9);
			fz.ngeo++;
		}
	}
}

/* Realm parameters: a valid geometry and fields, then sometimes one field mutated. */
static uint64_t write_realm_params(struct input *in, uint64_t pa)
{
	struct rmi_realm_params p;
	const struct fz_geo *g = &fz.geo[in_u8(in) % fz.ngeo];
	uint8_t fl = in_u8(in), bw = in_u8(in), v = in_u8(in), base = in_u8(in);
	uint8_t mut = in_u8(in);

	memset(&p, 0, sizeof(p));
	p.s2sz = g->s2sz;
	p.rtt_level_start = g->level;
	p.rtt_num_start = g->num_start;
	if (g->lpa2)
		p.flags |= RMI_REALM_FLAGS_LPA2;
	if ((fl & 1) && fz.plat.sve) {
		p.flags |= RMI_REALM_FLAGS_SVE;
		p.sve_vl = (fl >> 4) % (fz.plat.sve_max_vl + 1);
	}
	if ((fl & 2) && fz.plat.pmu) {
		p.flags |= RMI_REALM_FLAGS_PMU;
		p.pmu_num_ctrs = 1 + (fl >> 4) % fz.plat.pmu_num_ctrs;
	}
	if ((fl & 4) && fz.plat.lpa2)
		p.flags |= RMI_REALM_FLAGS_LPA2;
	p.hash_algo = (fl >> 3) & 1 ? RMI_HASH_SHA_512 : RMI_HASH_SHA_256;
	p.num_bps = 1 + (bw & 15) % (fz.plat.num_bps - 1);
	p.num_wps = 1 + (bw >> 4) % (fz.plat.num_wps - 1);
	p.vmid = v & 0x80 ? v & 0x7f : fz.next_vmid++;
	memset(p.rpv, v, sizeof(p.rpv));
	p.rtt_base = base < 0xe0 ? fresh_run(g->num_start) : op_pa(in, PA_DEL);
	if (mut >= 0xc0) {
		/* Mostly a small value, signed (levels), sometimes any 64 bits. */
		uint64_t val = mut & 0x20 ? in_u64(in) : (uint64_t)(int64_t)(int8_t)in_u8(in);

		switch (mut % 10) {
		case 0:
			p.s2sz = val;
			break;
		case 1:
			p.rtt_level_start = (int64_t)val;
			break;
		case 2:
			p.rtt_num_start = val;
			break;
		case 3:
			p.flags = val;
			break;
		case 4:
			p.hash_algo = val;
			break;
		case 5:
			p.num_bps = val;
			break;
		case 6:
			p.num_wps = val;
			break;
		case 7:
			p.sve_vl = val;
			break;
		case 8:
			p.pmu_num_ctrs = val;
			break;
		default:
			p.vmid = val;
			break;
		}
	}
	host_write(pa, &p, sizeof(p));
	fz.realm_params = pa;
	return pa;
}

static uint64_t mpidr_of(uint64_t idx)
{
	return (idx & 0xf) | ((idx >> 4) & 0xff) << 8 | ((idx >> 12) & 0xff) << 16 |
	       ((idx >> 20) & 0xff) << 24;
}

/* REC parameters for the next REC of @r: 16 fresh aux granules, sometimes one field off. */
static uint64_t write_rec_params(struct input *in, uint64_t pa, const struct fz_realm *r)
{
	struct rmi_rec_params p;
	uint8_t fl = in_u8(in), mp = in_u8(in), na = in_u8(in), mut = in_u8(in);

	memset(&p, 0, sizeof(p));
	p.flags = fl & 0x80 ? in_u64(in) : fl & RMI_REC_PARAMS_FLAG_RUNNABLE;
	if (mp < 0xc0)
		p.mpidr = mpidr_of((r ? r->num_recs : 0) + (mp % 16 == 15));
	else
		p.mpidr = in_u64(in);
	p.pc = (uint64_t)(fl >> 1) << 12;
	for (unsigned i = 0; i < RMI_REC_PARAMS_GPRS; i++)
		p.gprs[i] = (fl & 0x40) ? in_u64(in) : i;
	p.num_aux = na < 0xe0 ? FZ_AUX : na & 0x1f;
	for (unsigned i = 0; i < FZ_AUX; i++)
		p.aux[i] = fresh_del(true);
	if (mut >= 0xe0)
		p.aux[mut % FZ_AUX] = p.aux[(mut + 1) % FZ_AUX];
	else if (mut >= 0xc0)
		p.aux[mut % FZ_AUX] = op_pa(in, PA_FREE_DEL);
	host_write(pa, &p, sizeof(p));
	fz.rec_params = pa;
	return pa;
}

static uint64_t write_src(struct input *in, uint64_t pa)
{
	static uint8_t page[GRANULE_SIZE];
	uint8_t b = in_u8(in);

	memset(page, b, sizeof(page));
	memcpy(page, &fz.ncalls, sizeof(fz.ncalls));
	host_write(pa, page, sizeof(page));
	fz.src = pa;
	return pa;
}

/*
 * A GICv3 list register (ICH_LR<n>_EL2): state [63:62], HW [61], group [60],
 * priority [55:48], pINTID [44:32] (EOI at bit 41), vINTID [31:0] near a
 * limit of the INTID ranges; or any 64 bits.
 */
static uint64_t op_lr(struct input *in)
{
	static const uint64_t vintid[8] = { 27, 1019, 1020, 8191, 8192, 0xffff, 0x10000, 32 };
	uint8_t b = in_u8(in), c = in_u8(in);
	uint64_t lr;

	if (b == 0xff)
		return in_u64(in);
	lr = (uint64_t)(b & 3) << 62 | (uint64_t)((b >> 2) & 1) << 60 |
	     (uint64_t)((b >> 3) & 0x1f) << 51 | vintid[c & 7];
	if (c & 0x80)
		lr |= 1UL << 61; /* HW */
	if (c & 0x40)
		lr |= 1UL << 48; /* a priority bit below those implemented */
	if (c & 0x20)
		lr |= 1UL << 41; /* EOI */
	if (c & 0x10)
		lr |= 1UL << 32; /* pINTID */
	return lr;
}

static uint64_t write_run(struct input *in, uint64_t pa)
{
	struct rmi_rec_entry e;
	uint8_t fl = in_u8(in), k = in_u8(in);

	memset(&e, 0, sizeof(e));
	e.flags = fl & 0x1f;
	if (fl & 0x80)
		e.gicv3_hcr = fl & 0x40 ? in_u64(in) : (uint64_t)in_u8(in) << 1;
	for (unsigned i = 0; i < (k & 15); i++)
		e.gicv3_lrs[i] = op_lr(in);
	host_write(pa, &e, sizeof(e));
	fz.run = pa;
	return pa;
}

/* An NS descriptor for MAP_UNPROTECTED at @level. */
static uint64_t op_desc(struct input *in, int level)
{
	uint8_t b = in_u8(in), i = in_u8(in);
	uint64_t size = level >= 0 && level <= 3 ? level_size(level) : GRANULE_SIZE;
	uint64_t attr = ((uint64_t)((b >> 2) & 7) << 2) | ((uint64_t)((b >> 5) & 3) << 6);

	switch (b & 3) {
	case 0:
	case 1:
		return ((fz.dram_base + i * size) & 0x0000fffffffff000UL & ~(size - 1)) | attr;
	case 2:
		return (i * size & 0x0000fffffffff000UL) | attr;
	default:
		return in_u64(in);
	}
}

/* ---- realm programs ---- */

/* xd = v (MOVZ + 3 MOVK). */
/*
 * An address a realm program might touch: its own pages, RAM it never
 * populated, the unprotected alias for the usual IPA sizes, or anything.
 */
static uint64_t prog_addr(struct input *in)
{
	static const uint64_t interesting[16] = {
		0, 0x1000, 0x2000, 0x3000, 0x10000, 0x200000, 0x400000, 0x40000000,
		1UL << 31, 1UL << 32, 1UL << 35, 1UL << 39, 1UL << 43, 1UL << 47, 1UL << 51, 0,
	};
	uint8_t b = in_u8(in);

	if (b < 0xf0)
		return interesting[b & 15] + (uint64_t)(b >> 4) * 0x1000;
	return in_u64(in);
}

static uint64_t prog_fid(struct input *in)
{
	static const uint64_t psci[] = { PSCI_VERSION, PSCI_CPU_SUSPEND_64, PSCI_CPU_OFF,
					 PSCI_CPU_ON_64, PSCI_AFFINITY_INFO_64, PSCI_SYSTEM_OFF,
					 PSCI_SYSTEM_RESET, PSCI_FEATURES, 0x80000000UL,
					 PSCI_CPU_ON_32, 0x84000012UL };
	uint8_t b = in_u8(in);

	if (b < 0x80)
		return RSI_FID(0x190 + b % 11);
	if (b < 0xf0)
		return psci[b % (sizeof(psci) / sizeof(psci[0]))];
	return in_u64(in);
}

/*
 * A realm program for DATA_CREATE: the source page becomes a sequence of
 * snippets, each an RSI or PSCI call with chosen arguments, a load or store
 * of a chosen size at a chosen address, a system register access, an HVC,
 * SVC, WFI, WFE, ERET or BRK, a raw word, or a backward branch.  RECs enter
 * at IPA 0 by default, and the vectors (VBAR_EL1 resets to 0) are in the
 * same page, so what the program provokes comes back into it.
 */
static void write_program(struct input *in, uint64_t pa)
{
	static uint32_t w[GRANULE_SIZE / 4];
	unsigned n = 0, count = (in_u8(in) & 63) + 1;

	memset(w, 0, sizeof(w));
	for (unsigned i = 0; i < count && n + 24 < GRANULE_SIZE / 4; i++) {
		uint8_t k = in_u8(in), r = in_u8(in) & 31;

		switch (k & 7) {
		case 0: /* RSI / PSCI / SMCCC call */
			n += a64_mov(w + n, 0, prog_fid(in));
			for (unsigned a = 1; a <= 4; a++)
				n += a64_mov(w + n, a, prog_addr(in));
			w[n++] = 0xd4000003; /* smc #0 */
			break;
		case 1: /* str/ldr of size 1 << (r & 3) at an address */
			n += a64_mov(w + n, 9, prog_addr(in));
			w[n++] = (uint32_t)(r & 3) << 30 | 0x39000000u | (r & 4 ? 1u << 22 : 0) |
				 9u << 5 | (r >> 3);
			break;
		case 2: /* mrs/msr x0 of an EL1/EL0 system register */
			w[n++] = 0xd5100000u | (r & 1 ? 1u << 21 : 0) | 1u << 20 |
				 (uint32_t)(in_u8(in) & 0x7f) << 12 | (uint32_t)in_u8(in) << 5;
			break;
		case 3: { /* exception-generating and hint instructions */
			static const uint32_t ops[8] = { 0xd4000002, 0xd4000001, 0xd503207f, 0xd503205f,
							 0xd69f03e0, 0xd4200000, 0xd5033fdf, 0xd503201f };

			w[n++] = ops[r & 7] | (r & 8 ? (uint32_t)in_u8(in) << 5 : 0);
			break;
		}
		case 4: /* a raw word */
			w[n++] = (uint32_t)in_u64(in);
			break;
		case 5: /* branch back a few instructions (a loop) */
			w[n++] = 0x17ffffffu - (r & 15);
			break;
		default: /* a register from an address */
			n += a64_mov(w + n, r % 29, prog_addr(in));
			break;
		}
	}
	host_write(pa, w, sizeof(w));
	fz.src = pa;
}

/*
 * What KVM does with the last exit before the next entry: RTT_SET_RIPAS over
 * a RIPAS request, PSCI_COMPLETE for CPU_ON/AFFINITY_INFO with the REC the
 * request names, DATA_CREATE_UNKNOWN at a faulting protected IPA, or the
 * EMUL_MMIO / INJECT_SEA answer to an emulatable abort in the run page.
 */
static void complete_exit(struct input *in)
{
	const struct fz_rec *rec = rec_by_pa(fz.exit_rec);
	const struct rmi_rec_exit *e = &fz.exit;
	struct rmi_rec_entry entry;
	uint8_t m = in_u8(in);

	if (!rec)
		return;
	/* As KVM: every entry states its flags afresh. */
	memset(&entry, 0, sizeof(entry));
	switch (e->exit_reason) {
	case RMI_EXIT_RIPAS_CHANGE:
		fz_call(RMI_RTT_SET_RIPAS, rec->rd, rec->pa, e->ripas_base,
			m & 1 ? e->ripas_base + GRANULE_SIZE : e->ripas_top, 0, NULL, CALL_FULL);
		if (m & 2)
			entry.flags = RMI_REC_ENTRY_FLAG_RIPAS_RESPONSE;
		break;
	case RMI_EXIT_PSCI: {
		uint64_t idx = (e->gprs[1] & 0xf) | ((e->gprs[1] >> 8) & 0xff) << 4;
		uint64_t target = 0;

		for (unsigned i = 0, n = 0; i < fz.nrecs; i++)
			if (fz.recs[i].rd == rec->rd && n++ == idx)
				target = fz.recs[i].pa;
		if (target)
			fz_call(RMI_PSCI_COMPLETE, rec->pa, target,
				m & 1 ? PSCI_RET_DENIED : PSCI_RET_SUCCESS, 0, 0, NULL, CALL_FULL);
		break;
	}
	case RMI_EXIT_SYNC:
		if (!(e->esr & (1UL << 24))) { /* no ISV: a protected IPA to back */
			fz_call(RMI_DATA_CREATE_UNKNOWN, rec->rd, fresh_del(true),
				(e->hpfar << 8) & ~GRANULE_MASK, 0, 0, NULL, CALL_FULL);
			break;
		}
		entry.flags = m & 1 ? RMI_REC_ENTRY_FLAG_INJECT_SEA : RMI_REC_ENTRY_FLAG_EMUL_MMIO;
		entry.gprs[0] = in_u64(in);
		break;
	default:
		break;
	}
	if (host_write(fz.exit_run, &entry, sizeof(entry)))
		fz.run = fz.exit_run;
}

/* ---- operations ---- */

enum op {
	OP_VERSION,
	OP_FEATURES,
	OP_GRANULE_DELEGATE,
	OP_GRANULE_UNDELEGATE,
	OP_DATA_CREATE,
	OP_DATA_CREATE_UNKNOWN,
	OP_DATA_DESTROY,
	OP_REALM_ACTIVATE,
	OP_REALM_CREATE,
	OP_REALM_DESTROY,
	OP_REC_CREATE,
	OP_REC_DESTROY,
	OP_REC_ENTER,
	OP_RTT_CREATE,
	OP_RTT_DESTROY,
	OP_RTT_MAP_UNPROTECTED,
	OP_RTT_READ_ENTRY,
	OP_RTT_UNMAP_UNPROTECTED,
	OP_PSCI_COMPLETE,
	OP_RTT_FOLD,
	OP_REC_AUX_COUNT,
	OP_RTT_INIT_RIPAS,
	OP_RTT_SET_RIPAS,
	OP_RAW,
	OP_WRITE_REALM_PARAMS,
	OP_WRITE_REC_PARAMS,
	OP_WRITE_SRC,
	OP_WRITE_RUN,
	OP_MAP_TABLES,
	OP_POPULATE,
	OP_INIT_RIPAS_RANGE,
	OP_MAP_UNPROTECTED_RANGE,
	OP_WRITE_PROGRAM,
	OP_COMPLETE_EXIT,
	OP_COUNT,
};

/* Create the missing RTTs from the starting level down to @target over @ipa. */
static bool map_tables(uint64_t rd, const struct fz_realm *r, uint64_t ipa, int target)
{
	for (int l = r->level + 1; l <= target && l <= 3; l++) {
		uint64_t base = ipa & ~(level_size(l - 1) - 1);
		struct smc_result res;

		if (fz_call(RMI_RTT_READ_ENTRY, rd, base, (uint64_t)(int64_t)(l - 1), 0, 0, &res,
			    CALL_LIGHT) != RMI_RET(RMI_SUCCESS, 0))
			return false;
		if (res.x[2] == RMI_TABLE)
			continue;
		if (!call_ok(RMI_RTT_CREATE, rd, fresh_del(true), base, (uint64_t)l, 0, NULL))
			return false;
	}
	return true;
}

/* A top for a range starting at @base: a few pages or 2 MiB blocks, empty, or raw. */
static uint64_t op_top(struct input *in, uint64_t base)
{
	uint8_t t = in_u8(in);

	if (t < 0x80)
		return base + ((t & 63) + 1UL) * GRANULE_SIZE;
	if (t < 0xc0)
		return base + ((t & 63) + 1UL) * level_size(2);
	if (t < 0xe0)
		return base;
	return in_u64(in);
}

static void op_populate(struct input *in)
{
	uint64_t rd, ipa, region = g_pa(fz.ngranules) - level_size(2);
	struct fz_realm *r = op_realm(in, &rd);
	uint8_t nb, mode;
	unsigned n;

	ipa = op_ipa(in, r, 3, false);
	nb = in_u8(in);
	mode = in_u8(in);
	n = nb < 0x80 ? (nb & 15) + 1U : nb < 0xf0 ? (nb & 63) + 1U : FZ_RTT_ENTRIES;
	if (!r)
		return;
	if (!(mode & 1) && !fz.src)
		write_src(in, fresh_ns());
	batch_begin();
	for (unsigned i = 0; i < n; i++, ipa += GRANULE_SIZE) {
		uint64_t data;

		if (!(ipa & (level_size(2) - 1)) || i == 0)
			map_tables(rd, r, ipa, 3);
		if (mode & 4) {
			/* The last 2 MiB of DRAM, by IPA: can be folded into a block. */
			data = region +
			       (((ipa >> GRANULE_SHIFT) % FZ_RTT_ENTRIES) << GRANULE_SHIFT);
			if (fz.expect[g_idx(data)] == GRANULE_UNDELEGATED)
				call_ok(RMI_GRANULE_DELEGATE, data, 0, 0, 0, 0, NULL);
		} else {
			data = fresh_del(true);
		}
		if (mode & 1) {
			if (!call_ok(RMI_DATA_CREATE_UNKNOWN, rd, data, ipa, 0, 0, NULL))
				break;
		} else if (!call_ok(RMI_DATA_CREATE, rd, data, ipa, fz.src, (mode >> 1) & 1,
				    NULL)) {
			break;
		}
	}
	batch_end();
}

static void op_init_ripas_range(struct input *in)
{
	uint64_t rd, base, top;
	struct fz_realm *r = op_realm(in, &rd);
	struct smc_result res;

	base = op_ipa(in, r, 3, false);
	top = op_top(in, base);
	batch_begin();
	for (unsigned i = 0; i < 64 && base < top; i++) {
		if (!call_ok(RMI_RTT_INIT_RIPAS, rd, base, top, 0, 0, &res))
			break;
		if (res.x[1] <= base)
			fz_fail("RTT_INIT_RIPAS made no progress");
		base = res.x[1];
	}
	batch_end();
}

static void op_map_unprotected_range(struct input *in)
{
	uint64_t rd, ipa, desc, level;
	struct fz_realm *r = op_realm(in, &rd);
	uint8_t nb;
	unsigned n;

	ipa = op_ipa(in, r, 3, true);
	level = op_level(in, r ? walk_level(rd, ipa, 3) : 3);
	ipa = align_ipa(ipa, level);
	desc = op_desc(in, (int)level);
	nb = in_u8(in);
	n = nb < 0xf0 ? (nb & 63) + 1U : FZ_RTT_ENTRIES;
	if ((int64_t)level < 0 || (int64_t)level > 3)
		level = 3;
	batch_begin();
	for (unsigned i = 0; i < n; i++) {
		uint64_t off = i * level_size((int)level);

		if (!call_ok(RMI_RTT_MAP_UNPROTECTED, rd, ipa + off, level, desc + off, 0, NULL))
			break;
	}
	batch_end();
}

/* Any argument of a raw call. */
static uint64_t op_any(struct input *in)
{
	uint8_t k = in_u8(in);
	uint64_t rd;

	switch (k & 3) {
	case 0:
		return op_pa(in, PA_FREE_DEL);
	case 1:
		return op_ipa(in, op_realm(in, &rd), 3, false);
	case 2:
		return op_level(in, 3);
	default:
		return in_u64(in);
	}
}

/* The RMI 1.0 commands: the first entries of the shared table, in FID order. */
static unsigned v1_commands(void)
{
	unsigned n = 0;

	while (n < rmi_ncmds && (rmi_cmds[n].abi & RMI_ABI_1_0))
		n++;
	return n;
}

static void op_raw(struct input *in)
{
	uint8_t f = in_u8(in);
	uint64_t fid, x[5];

	if (f < 0xe0)
		fid = f < 0xd0 ? rmi_cmds[f % v1_commands()].fid : SMC64_STD_FID(0x150 + (f & 0x1f));
	else
		fid = in_u64(in);
	for (unsigned i = 0; i < 5; i++)
		x[i] = op_any(in);
	fz_call(fid, x[0], x[1], x[2], x[3], x[4], NULL, CALL_FULL);
}

static void run_op(struct input *in, uint8_t op)
{
	uint64_t rd, a, b, c, lvl;
	struct fz_realm *r;
	uint8_t m;

	switch (op % OP_COUNT) {
	case OP_VERSION:
		m = in_u8(in);
		a = m & 2 ? (m & 1 ? in_u64(in) : RMI_ABI_VERSION + 1) : RMI_ABI_VERSION;
		fz_call(RMI_VERSION, a, 0, 0, 0, 0, NULL, CALL_FULL);
		break;
	case OP_FEATURES:
		m = in_u8(in);
		fz_call(RMI_FEATURES, m & 0x80 ? in_u64(in) : 0, 0, 0, 0, 0, NULL, CALL_FULL);
		break;
	case OP_GRANULE_DELEGATE:
		fz_call(RMI_GRANULE_DELEGATE, op_pa(in, PA_UND), 0, 0, 0, 0, NULL, CALL_FULL);
		break;
	case OP_GRANULE_UNDELEGATE:
		fz_call(RMI_GRANULE_UNDELEGATE, op_pa(in, PA_DEL), 0, 0, 0, 0, NULL, CALL_FULL);
		break;
	case OP_DATA_CREATE:
		r = op_realm(in, &rd);
		a = op_pa(in, PA_FREE_DEL);
		b = op_ipa(in, r, 3, false);
		m = in_u8(in);
		c = m & 0x80 ? op_pa(in, PA_SRC) : fz.src ? fz.src : write_src(in, fresh_ns());
		fz_call(RMI_DATA_CREATE, rd, a, b, c, m & 0x40 ? in_u64(in) : m & 1, NULL,
			CALL_FULL);
		break;
	case OP_DATA_CREATE_UNKNOWN:
		r = op_realm(in, &rd);
		a = op_pa(in, PA_FREE_DEL);
		fz_call(RMI_DATA_CREATE_UNKNOWN, rd, a, op_ipa(in, r, 3, false), 0, 0, NULL,
			CALL_FULL);
		break;
	case OP_DATA_DESTROY:
		r = op_realm(in, &rd);
		fz_call(RMI_DATA_DESTROY, rd, op_ipa(in, r, 3, false), 0, 0, 0, NULL, CALL_FULL);
		break;
	case OP_REALM_ACTIVATE:
		op_realm(in, &rd);
		fz_call(RMI_REALM_ACTIVATE, rd, 0, 0, 0, 0, NULL, CALL_FULL);
		break;
	case OP_REALM_CREATE:
		m = in_u8(in);
		b = m & 0x80 ? op_pa(in, PA_REALM_PARAMS) : write_realm_params(in, fresh_ns());
		a = op_pa(in, PA_FREE_DEL);
		fz_call(RMI_REALM_CREATE, a, b, 0, 0, 0, NULL, CALL_FULL);
		break;
	case OP_REALM_DESTROY:
		op_realm(in, &rd);
		fz_call(RMI_REALM_DESTROY, rd, 0, 0, 0, 0, NULL, CALL_FULL);
		break;
	case OP_REC_CREATE:
		r = op_realm(in, &rd);
		m = in_u8(in);
		c = m & 0x80 ? op_pa(in, PA_REC_PARAMS) : write_rec_params(in, fresh_ns(), r);
		a = op_pa(in, PA_FREE_DEL);
		fz_call(RMI_REC_CREATE, rd, a, c, 0, 0, NULL, CALL_FULL);
		break;
	case OP_REC_DESTROY:
		fz_call(RMI_REC_DESTROY, op_pa(in, PA_REC), 0, 0, 0, 0, NULL, CALL_FULL);
		break;
	case OP_REC_ENTER:
		a = op_pa(in, PA_REC);
		m = in_u8(in);
		b = m & 0x80 ? op_pa(in, PA_RUN) : fz.run ? fz.run : write_run(in, fresh_ns());
		if (fz_call(RMI_REC_ENTER, a, b, 0, 0, 0, NULL, CALL_FULL) ==
		    RMI_RET(RMI_SUCCESS, 0)) {
			fz.exit_rec = a;
			fz.exit_run = b;
			memcpy(&fz.exit, (const uint8_t *)pas_host_va(fz.pas, b) +
						 offsetof(struct rmi_rec_run, exit),
			       sizeof(fz.exit));
		}
		break;
	case OP_RTT_CREATE:
		r = op_realm(in, &rd);
		a = op_pa(in, PA_FREE_DEL);
		b = op_ipa(in, r, 2, false);
		/* Default: the next missing level, with the IPA aligned for it. */
		lvl = op_level(in, r ? walk_level(rd, b, 2) + 1 : 3);
		b = align_ipa(b, lvl - 1);
		fz_call(RMI_RTT_CREATE, rd, a, b, lvl, 0, NULL, CALL_FULL);
		break;
	case OP_RTT_DESTROY:
	case OP_RTT_FOLD:
		r = op_realm(in, &rd);
		b = op_ipa(in, r, 2, false);
		/* Default: the deepest table over the IPA. */
		lvl = op_level(in, r ? walk_level(rd, b, 3) : 3);
		b = align_ipa(b, lvl - 1);
		fz_call(op % OP_COUNT == OP_RTT_FOLD ? RMI_RTT_FOLD : RMI_RTT_DESTROY, rd, b, lvl,
			0, 0, NULL, CALL_FULL);
		break;
	case OP_RTT_MAP_UNPROTECTED:
		r = op_realm(in, &rd);
		b = op_ipa(in, r, 3, true);
		lvl = op_level(in, r ? walk_level(rd, b, 3) : 3);
		b = align_ipa(b, lvl);
		fz_call(RMI_RTT_MAP_UNPROTECTED, rd, b, lvl, op_desc(in, (int)lvl), 0, NULL,
			CALL_FULL);
		break;
	case OP_RTT_READ_ENTRY:
		r = op_realm(in, &rd);
		b = op_ipa(in, r, 3, false);
		fz_call(RMI_RTT_READ_ENTRY, rd, b, op_level(in, 3), 0, 0, NULL, CALL_FULL);
		break;
	case OP_RTT_UNMAP_UNPROTECTED:
		r = op_realm(in, &rd);
		b = op_ipa(in, r, 3, true);
		lvl = op_level(in, r ? walk_level(rd, b, 3) : 3);
		b = align_ipa(b, lvl);
		fz_call(RMI_RTT_UNMAP_UNPROTECTED, rd, b, lvl, 0, 0, NULL, CALL_FULL);
		break;
	case OP_PSCI_COMPLETE: {
		static const uint64_t status[4] = { 0, (uint64_t)-3, (uint64_t)-4, 1 };

		a = op_pa(in, PA_REC);
		b = op_pa(in, PA_REC);
		m = in_u8(in);
		fz_call(RMI_PSCI_COMPLETE, a, b, m & 4 ? in_u64(in) : status[m & 3], 0, 0, NULL,
			CALL_FULL);
		break;
	}
	case OP_REC_AUX_COUNT:
		op_realm(in, &rd);
		fz_call(RMI_REC_AUX_COUNT, rd, 0, 0, 0, 0, NULL, CALL_FULL);
		break;
	case OP_RTT_INIT_RIPAS:
		r = op_realm(in, &rd);
		b = op_ipa(in, r, 3, false);
		fz_call(RMI_RTT_INIT_RIPAS, rd, b, op_top(in, b), 0, 0, NULL, CALL_FULL);
		break;
	case OP_RTT_SET_RIPAS:
		r = op_realm(in, &rd);
		a = op_pa(in, PA_REC);
		b = op_ipa(in, r, 3, false);
		fz_call(RMI_RTT_SET_RIPAS, rd, a, b, op_top(in, b), 0, NULL, CALL_FULL);
		break;
	case OP_RAW:
		op_raw(in);
		break;
	case OP_WRITE_REALM_PARAMS:
		write_realm_params(in, op_pa(in, PA_NS));
		break;
	case OP_WRITE_REC_PARAMS:
		r = op_realm(in, &rd);
		write_rec_params(in, op_pa(in, PA_NS), r);
		break;
	case OP_WRITE_SRC:
		write_src(in, op_pa(in, PA_NS));
		break;
	case OP_WRITE_PROGRAM:
		write_program(in, op_pa(in, PA_NS));
		break;
	case OP_COMPLETE_EXIT:
		complete_exit(in);
		break;
	case OP_WRITE_RUN:
		write_run(in, op_pa(in, PA_NS));
		break;
	case OP_MAP_TABLES:
		r = op_realm(in, &rd);
		b = op_ipa(in, r, 3, false);
		lvl = op_level(in, 3);
		if (r)
			map_tables(rd, r, b, (int)lvl);
		break;
	case OP_POPULATE:
		op_populate(in);
		break;
	case OP_INIT_RIPAS_RANGE:
		op_init_ripas_range(in);
		break;
	case OP_MAP_UNPROTECTED_RANGE:
		op_map_unprotected_range(in);
		break;
	}
}

/* ---- teardown, through RMI only ---- */

static void must(uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4)
{
	uint64_t x0 = fz_call(fid, x1, x2, x3, x4, 0, NULL, CALL_FULL);

	if (x0 != RMI_RET(RMI_SUCCESS, 0))
		fz_fail("teardown: %s(0x%llx, 0x%llx, 0x%llx, 0x%llx) failed: 0x%llx",
			fid_name(fid), (unsigned long long)x1, (unsigned long long)x2,
			(unsigned long long)x3, (unsigned long long)x4, (unsigned long long)x0);
	/* The teardown is one batch; the whole machine is checked after each object. */
	if (fid != RMI_DATA_DESTROY && fid != RMI_RTT_UNMAP_UNPROTECTED &&
	    fid != RMI_GRANULE_UNDELEGATE)
		check_invariants();
}

/*
 * Destroy what the @n entries from @base at @level map, bottom-up.  With
 * @split, protected blocks are split down to pages first (that needs a free
 * granule, so it is the second pass); returns whether the range is now clear.
 */
static bool teardown_range(struct fz_realm *r, uint64_t base, int level, uint64_t n, bool split)
{
	uint64_t size = level_size(level);
	bool clear = true;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t ipa = base + i * size;
		struct smc_result res;

		if (fz_call(RMI_RTT_READ_ENTRY, r->rd, ipa, (uint64_t)(int64_t)level, 0, 0, &res,
			    CALL_LIGHT) != RMI_RET(RMI_SUCCESS, 0))
			fz_fail("teardown: RTT_READ_ENTRY(0x%llx, %d) failed",
				(unsigned long long)ipa, level);
		if ((int64_t)res.x[1] != level)
			fz_fail("teardown: RTT_READ_ENTRY(0x%llx, %d) walked to level %lld",
				(unsigned long long)ipa, level, (long long)res.x[1]);
		if (res.x[2] == RMI_TABLE) {
			if (teardown_range(r, ipa, level + 1, FZ_RTT_ENTRIES, split))
				must(RMI_RTT_DESTROY, r->rd, ipa, (uint64_t)(level + 1), 0);
			else
				clear = false;
		} else if (res.x[2] == RMI_ASSIGNED && !realm_protected(r, ipa)) {
			must(RMI_RTT_UNMAP_UNPROTECTED, r->rd, ipa, (uint64_t)level, 0);
		} else if (res.x[2] == RMI_ASSIGNED && level == 3) {
			must(RMI_DATA_DESTROY, r->rd, ipa, 0, 0);
		} else if (res.x[2] == RMI_ASSIGNED && split) {
			must(RMI_RTT_CREATE, r->rd, fresh_del(true), ipa, (uint64_t)(level + 1));
			i--; /* now a table: tear it down */
		} else if (res.x[2] == RMI_ASSIGNED) {
			clear = false;
		}
	}
	return clear;
}

static void teardown(void)
{
	struct rmm_census c;

	batch_begin();
	while (fz.nrecs)
		must(RMI_REC_DESTROY, fz.recs[fz.nrecs - 1].pa, 0, 0, 0);
	for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < fz.nrealms; i++) {
			struct fz_realm *r = &fz.realms[i];

			teardown_range(r, 0, r->level, (1UL << r->s2sz) / level_size(r->level),
				       pass);
		}
	while (fz.nrealms)
		must(RMI_REALM_DESTROY, fz.realms[fz.nrealms - 1].rd, 0, 0, 0);
	for (uint64_t i = 0; i < fz.ngranules; i++)
		if (fz.expect[i] == GRANULE_DELEGATED)
			must(RMI_GRANULE_UNDELEGATE, g_pa(i), 0, 0, 0);
	rmm_census(fz.rmm, &c, true);
	if (c.count[GRANULE_UNDELEGATED] != fz.ngranules || c.nonzero_free)
		fz_fail("teardown: %llu of %llu granules UNDELEGATED, %llu not zero",
			(unsigned long long)c.count[GRANULE_UNDELEGATED],
			(unsigned long long)fz.ngranules, (unsigned long long)c.nonzero_free);
	batch_end();
}

/* ---- entry ---- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { .p = data, .n = size };
	uint8_t hdr = in_u8(&in);
	uint64_t dram = hdr & 2 ? 4UL << 20 : 2UL << 20;
	static bool init;

	if (!init) {
		trace_all = getenv("FUZZ_RMI_TRACE") != NULL;
		init = true;
	}
	memset(&fz, 0, sizeof(fz));
	rmm_platform_default(&fz.plat);
	if (hdr & 1) {
		/* A richer platform: 52-bit IPA with LPA2, SVE and a PMU. */
		fz.plat.max_ipa_bits = 52;
		fz.plat.lpa2 = true;
		fz.plat.sve = true;
		fz.plat.sve_max_vl = 3;
		fz.plat.pmu = true;
		fz.plat.pmu_num_ctrs = 8;
	}
	if (hdr & 4) {
		/* A smaller one: 40-bit PA range (no level-0 start), no SHA-512. */
		fz.plat.max_ipa_bits = 40;
		fz.plat.sha512 = false;
	}
	/* Deterministic time slices: an input replays the same way every time. */
	fz.plat.slice_insns = FZ_SLICE_INSNS;
	geometry_init();
	fz.dram_base = hdr & 8 ? FZ_DRAM_HIGH : FZ_DRAM_BASE;
	fz.pas = pas_create(fz.dram_base, dram);
	fz.rmm = fz.pas ? rmm_create(fz.pas, &fz.plat) : NULL;
	if (!fz.rmm) {
		perror("fuzz_rmi: pas_create/rmm_create");
		abort();
	}
	fz.ngranules = pas_granule_count(fz.pas);
	fz.nscratch = fz.ngranules / 8;
	fz.next_vmid = 1;

	for (unsigned n = 0; in.n && n < FZ_MAX_OPS; n++)
		run_op(&in, in_u8(&in));
	teardown();

	rmm_destroy(fz.rmm);
	pas_destroy(fz.pas);
	return 0;
}
