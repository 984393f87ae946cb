// SPDX-License-Identifier: MIT
/*
 * RMI 1.0 conformance suite.
 *
 * Every RMI command has a table.  Each row is a named case: a setup that
 * builds a known-good call (state plus arguments), mutations that break it
 * (an argument, a field of an NS structure the argument points to, or the
 * RMM state through RMI calls), and the status and index the RMM must
 * return, with the outputs the notes define.  Rows that make two conditions
 * true at once ("prec_*") check that the earlier one in the command's order
 * wins.  Every row runs on a fresh machine.
 *
 * Around every call the runner checks, for all rows:
 *   - rmm_check_invariants() after every RMI call the suite makes (setups
 *     included, except inside the few bulk setups, which check once after);
 *   - a failing call changed nothing: granule states and refcounts, the
 *     census, the realms' measurements and states, the content of every RD,
 *     REC, RTT and DATA granule (read through the RMM view, which the test
 *     only observes) and of every NS granule the host used;
 *   - on success, the RIM is unchanged or changed as the command specifies.
 *
 * docs/CONFORMANCE.md maps every row to its condition and source; run with
 * --markdown to print the row tables it contains.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "a64.h"
#include "arch/esr.h"
#include "harness.h"
#include "rmm/rmi_cmds.h"
#include "realmkit/psci.h"
#include "realmkit/rsi.h"

#define MIB(n)       ((uint64_t)(n) << 20)
#define GIB(n)       ((uint64_t)(n) << 30)
#define LS(l)        (1UL << (12 + 9 * (3 - (l)))) /* IPA size one entry at level l maps */
#define DRAM_SIZE    MIB(8)
#define BIG_DRAM     MIB(96)
#define HIGH_PA      (1UL << 48)
#define IPA_NS       (1UL << 47) /* first unprotected IPA of a 48-bit realm */
#define NS_ATTRS     (0x18UL | 0xc0UL) /* MemAttr Normal WB (FWB), S2AP read/write */
#define NS_PA        GIB(4)      /* the RMM does not check the PA of an NS mapping */
#define NS_DESC      (NS_PA | NS_ATTRS)
#define LVL(l)       ((uint64_t)(int64_t)(l))
#define N(a)         (sizeof(a) / sizeof((a)[0]))

/* GICv3 list register: state pending, group 1, priority 0xa0, vINTID @id. */
#define LR(id)       ((1UL << 62) | (1UL << 60) | (0xa0UL << 48) | (uint64_t)(id))

#define RP(f)        offsetof(struct rmi_realm_params, f)
#define CP(f)        offsetof(struct rmi_rec_params, f)
#define RUN(f)       offsetof(struct rmi_rec_run, f)

/* Platforms a row can run on. */
enum plat_kind {
	P_DEFAULT,   /* rmm_platform_default(): 48-bit PA, no SVE/PMU/LPA2 */
	P_RICH,      /* 52-bit PA, LPA2, SVE (VL encoding up to 3), PMU with 8 counters */
	P_NO_SHA512,
	P_PA40,      /* 40-bit PA: level-0 starts are not allowed */
	P_HIGH,      /* default features, DRAM straddling PA 2^48 */
	P_HIGH_LPA2, /* P_RICH features, DRAM straddling PA 2^48 */
	P_BIG,       /* default features, 96 MiB of DRAM (1023 RECs) */
};

/* Where a mutation or an expected output takes its value from. */
enum src {
	S_LIT,   /* the literal */
	S_ADD,   /* the current value + the literal */
	S_ARG,   /* argument x<lit> as called */
	S_V,     /* c->v[lit], set by the setup or pre step */
	S_NS,    /* a fresh NS granule */
	S_DEL,   /* a fresh DELEGATED granule */
	S_BELOW, /* the granule below DRAM */
	S_PAST,  /* the first granule past DRAM */
	S_HIGH,  /* a DELEGATED granule at PA >= 2^48 (P_HIGH*) */
	S_RD,    /* the realm under test: its RD, root RTT, REC, aux[lit] */
	S_RTT,
	S_REC,
	S_AUX,
	S_ZRD,   /* another realm (the "zoo"): RD, root RTT, REC, aux granule, DATA */
	S_ZRTT,
	S_ZREC,
	S_ZAUX,
	S_ZDATA,
};

struct mut {
	uint8_t arg;  /* x1..x5; 0 ends the list */
	uint8_t src;
	int16_t off;  /* < 0: the argument itself; else a u64 at this offset of the NS granule
		       * the known-good argument points to */
	uint64_t lit;
};

#define SET(n, v)        { .arg = (n), .src = S_LIT, .off = -1, .lit = (uint64_t)(v) }
#define ADD(n, v)        { .arg = (n), .src = S_ADD, .off = -1, .lit = (uint64_t)(v) }
#define USE(n, s)        { .arg = (n), .src = (s), .off = -1 }
#define USEL(n, s, l)    { .arg = (n), .src = (s), .off = -1, .lit = (l) }
#define PUT(n, o, v)     { .arg = (n), .src = S_LIT, .off = (int16_t)(o), .lit = (uint64_t)(v) }
#define PUTADD(n, o, v)  { .arg = (n), .src = S_ADD, .off = (int16_t)(o), .lit = (uint64_t)(v) }
#define PUTS(n, o, s, l) { .arg = (n), .src = (s), .off = (int16_t)(o), .lit = (l) }

struct out {
	uint8_t reg; /* x1..x4; 0 ends the list */
	uint8_t src;
	uint64_t lit;
};

#define OUT(r, v)     { .reg = (r), .src = S_LIT, .lit = (uint64_t)(v) }
#define OUTS(r, s, l) { .reg = (r), .src = (s), .lit = (l) }

enum rim_expect { RIM_ANY, RIM_SAME, RIM_CHANGED };

struct ctx;

struct tcase {
	const char *name;
	const char *cond; /* the condition(s) made true, numbered as in the notes */
	unsigned status, index;
	uint8_t plat;
	uint8_t rim;      /* on success; overrides the table's */
	void (*setup)(struct ctx *c); /* NULL: the table's */
	void (*pre)(struct ctx *c);   /* after the mutations: state changes by RMI calls */
	struct mut mut[5];
	struct out out[4];
	void (*check)(struct ctx *c); /* effects beyond status and outputs */
	bool completes; /* fails, yet has the effects the spec gives it (not "nothing changed") */
};

#define E_OK       .status = RMI_SUCCESS
#define E_INPUT    .status = RMI_ERROR_INPUT
#define E_REALM(i) .status = RMI_ERROR_REALM, .index = (i)
#define E_REC      .status = RMI_ERROR_REC
#define E_RTT(i)   .status = RMI_ERROR_RTT, .index = (i)

struct table {
	const char *cmd;
	uint64_t fid;
	const char *ref;  /* where the conditions come from */
	void (*setup)(struct ctx *c);
	const struct tcase *cases;
	size_t n;
	uint8_t rim;        /* on success */
	uint8_t zero_input; /* bit r: x<r> must be 0 on ERROR_INPUT (notes: "x2 = 0", ...) */
	bool readonly;      /* success must change nothing either */
};

/* What the runner records around the call under test. */
struct snap {
	uint64_t n;
	uint8_t *state;
	uint32_t *ref;
	uint64_t nkept;
	uint64_t *kept_pa;
	uint8_t *kept;
	struct rmm_census census;
	struct rmm_measurements meas[2];
	bool has_meas[2];
	int realm_state[2];
};

struct ctx {
	char name[96];
	struct machine m;
	uint64_t base, size;
	uint64_t top;  /* top-down allocator (aligned runs, PAs >= 2^48) */
	bool bulk;     /* inside a bulk setup: invariants are checked once after it */
	/* the realm under test */
	uint64_t rd, rtt, rec;
	uint64_t aux[RMI_REC_PARAMS_AUX_GRANULES];
	int sl;
	unsigned s2sz, num_start, nrecs;
	/* the zoo: another realm with one granule in each state */
	uint64_t zrd, zrtt, zrec, zdata;
	uint64_t zaux[RMI_REC_PARAMS_AUX_GRANULES];
	/* the call */
	uint64_t fid;
	uint64_t x[5], good[5];
	struct smc_result res;
	uint64_t v[4];
	struct snap before;
};

#define EXPECT(c, cond)                                                                    \
	t_check((cond), __FILE__, __LINE__, "[%s] %s", (c)->name, #cond)
/* Evaluates @a and @b once: they may be RMI calls. */
#define EXPECT_EQ(c, a, b)                                                                 \
	expect_eq((c), (uint64_t)(a), (uint64_t)(b), #a, #b, __LINE__)

static bool expect_eq(const struct ctx *c, uint64_t a, uint64_t b, const char *sa,
		      const char *sb, int line)
{
	return t_check(a == b, __FILE__, line, "[%s] %s == %s (0x%llx vs 0x%llx)", c->name, sa,
		       sb, (unsigned long long)a, (unsigned long long)b);
}

/* ---- calls ---- */

static const char *fid_name(uint64_t fid)
{
	const struct rmi_cmd *c = rmi_cmd_by_fid(fid, RMI_ABI_1_0);

	return c ? c->name : "?";
}

/* Every RMI call of the suite goes through here: the invariants must hold after it. */
static uint64_t call(struct ctx *c, uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
		     uint64_t x4, uint64_t x5, struct smc_result *res)
{
	struct smc_result local;
	char why[256];

	if (!res)
		res = &local;
	rmi_out(&c->m, res, fid, x1, x2, x3, x4, x5);
	if (!c->bulk && !rmm_check_invariants(c->m.rmm, why, sizeof(why)))
		t_check(false, __FILE__, __LINE__, "[%s] invariants after %s: %s", c->name,
			fid_name(fid), why);
	return res->x[0];
}

static void invariants(struct ctx *c, int line)
{
	char why[256];

	if (!rmm_check_invariants(c->m.rmm, why, sizeof(why)))
		t_check(false, __FILE__, line, "[%s] invariants: %s", c->name, why);
}

static bool must(struct ctx *c, uint64_t x0, const char *what, int line)
{
	if (x0 == RMI_SUCCESS)
		return true;
	return t_check(false, __FILE__, line, "[%s] setup: %s returned %s(%u)", c->name, what,
		       rmi_status_name(RMI_RET_STATUS(x0)), RMI_RET_INDEX(x0));
}
#define MUST(c, x0) must((c), (x0), #x0, __LINE__)

#define STATE(c, pa) rmm_granule_state((c)->m.rmm, (pa))
#define REFS(c, pa)  rmm_granule_refcount((c)->m.rmm, (pa))

/* ---- machines and allocation ---- */

static void boot(struct ctx *c, unsigned kind)
{
	struct rmm_platform p;

	rmm_platform_default(&p);
	c->base = T_DRAM_BASE;
	c->size = DRAM_SIZE;
	switch (kind) {
	case P_RICH:
	case P_HIGH_LPA2:
		p.max_ipa_bits = 52;
		p.lpa2 = true;
		p.sve = true;
		p.sve_max_vl = 3;
		p.pmu = true;
		p.pmu_num_ctrs = 8;
		break;
	case P_NO_SHA512:
		p.sha512 = false;
		break;
	case P_PA40:
		p.max_ipa_bits = 40;
		break;
	case P_BIG:
		c->size = BIG_DRAM;
		break;
	}
	if (kind == P_HIGH || kind == P_HIGH_LPA2)
		c->base = HIGH_PA - DRAM_SIZE / 2;
	if (c->base == T_DRAM_BASE) {
		machine_init(&c->m, c->size, &p);
	} else {
		/* machine_init() with DRAM elsewhere: NS scratch first, then delegation space. */
		memset(&c->m, 0, sizeof(c->m));
		c->m.pas = pas_create(c->base, c->size);
		c->m.rmm = c->m.pas ? rmm_create(c->m.pas, &p) : NULL;
		if (!c->m.rmm) {
			perror("machine");
			exit(2);
		}
		c->m.next_ns = c->base;
		c->m.next_del = c->base + c->size / 8;
	}
	c->top = c->base + c->size;
}

/* Delegate @pa (no bookkeeping: each machine is thrown away after its row). */
static uint64_t delegate(struct ctx *c, uint64_t pa)
{
	MUST(c, call(c, RMI_GRANULE_DELEGATE, pa, 0, 0, 0, 0, NULL));
	return pa;
}

/* A fresh DELEGATED granule, bottom-up. */
static uint64_t del(struct ctx *c)
{
	uint64_t pa = c->m.next_del;

	if (pa >= c->top) {
		fprintf(stderr, "[%s] out of DRAM\n", c->name);
		exit(2);
	}
	c->m.next_del += GRANULE_SIZE;
	return delegate(c, pa);
}

/* @n fresh DELEGATED granules aligned to @align, top-down; returns the lowest. */
static uint64_t del_run(struct ctx *c, unsigned n, uint64_t align)
{
	uint64_t pa = (c->top - (uint64_t)n * GRANULE_SIZE) & ~(align - 1);

	if (pa < c->m.next_del) {
		fprintf(stderr, "[%s] out of DRAM\n", c->name);
		exit(2);
	}
	c->top = pa;
	for (unsigned i = 0; i < n; i++)
		delegate(c, pa + (uint64_t)i * GRANULE_SIZE);
	return pa;
}

/* A fresh NS granule holding @buf. */
static uint64_t ns_put(struct ctx *c, const void *buf, size_t len)
{
	uint64_t pa = ns_granule(&c->m);

	memcpy(pas_host_va(c->m.pas, pa), buf, len);
	return pa;
}

static uint64_t *host_u64(struct ctx *c, uint64_t pa)
{
	return pas_host_va(c->m.pas, pa);
}

/* ---- realms ---- */

static struct smc_result entry_of(struct ctx *c, uint64_t rd, uint64_t ipa, int level)
{
	struct smc_result r;

	MUST(c, call(c, RMI_RTT_READ_ENTRY, rd, ipa, LVL(level), 0, 0, &r));
	return r;
}

/* Create a realm from @p, filling in rtt_base; returns the RD. */
static uint64_t realm_make(struct ctx *c, struct rmi_realm_params *p, uint64_t *rtt)
{
	uint64_t rd = del(c);

	p->rtt_base = del(c);
	for (uint64_t i = 1; i < p->rtt_num_start; i++)
		del(c);
	if (rtt)
		*rtt = p->rtt_base;
	MUST(c, call(c, RMI_REALM_CREATE, rd, ns_put(c, p, sizeof(*p)), 0, 0, 0, NULL));
	return rd;
}

/* The realm under test: 48-bit IPA and a level-0 root unless @p says otherwise. */
static void realm_main(struct ctx *c, struct rmi_realm_params *p)
{
	struct rmi_realm_params d;

	if (!p) {
		realm_params_default(&d, 1);
		p = &d;
	}
	c->rd = realm_make(c, p, &c->rtt);
	c->sl = (int)p->rtt_level_start;
	c->s2sz = (unsigned)p->s2sz;
	c->num_start = (unsigned)p->rtt_num_start;
}

static void realm_geom(struct ctx *c, uint64_t flags, unsigned s2sz, int sl, unsigned num)
{
	struct rmi_realm_params p;

	realm_params_default(&p, 1);
	p.flags = flags;
	p.s2sz = s2sz;
	p.rtt_level_start = sl;
	p.rtt_num_start = num;
	realm_main(c, &p);
}

static void activate(struct ctx *c)
{
	MUST(c, call(c, RMI_REALM_ACTIVATE, c->rd, 0, 0, 0, 0, NULL));
}

/* The RTT at @level covering @ipa in realm @rd (root level @sl), creating what is missing. */
static uint64_t rtts_in(struct ctx *c, uint64_t rd, int sl, uint64_t ipa, int level)
{
	uint64_t pa = 0;

	for (int l = sl + 1; l <= level; l++) {
		uint64_t base = ipa & ~(LS(l - 1) - 1);
		struct smc_result r = entry_of(c, rd, base, l - 1);

		if ((int64_t)r.x[1] == l - 1 && r.x[2] == RMI_TABLE) {
			pa = r.x[3];
			continue;
		}
		pa = del(c);
		MUST(c, call(c, RMI_RTT_CREATE, rd, pa, base, LVL(l), 0, NULL));
	}
	return pa;
}

static uint64_t rtts(struct ctx *c, uint64_t ipa, int level)
{
	return rtts_in(c, c->rd, c->sl, ipa, level);
}

/* The RTT at @level covering @ipa in the realm under test (which must exist). */
static uint64_t rtt_pa(struct ctx *c, uint64_t ipa, int level)
{
	if (level == c->sl)
		return c->rtt + ((ipa / LS(c->sl)) / 512) * GRANULE_SIZE;
	return entry_of(c, c->rd, ipa & ~(LS(level - 1) - 1), level - 1).x[3];
}

static uint64_t rec_params(struct ctx *c, unsigned idx, bool runnable, uint64_t *aux)
{
	struct rmi_rec_params p;

	memset(&p, 0, sizeof(p));
	p.flags = runnable ? RMI_REC_PARAMS_FLAG_RUNNABLE : 0;
	p.mpidr = (idx & 0xf) | (uint64_t)((idx >> 4) & 0xff) << 8;
	p.pc = 0x80000;
	p.gprs[0] = 0x1000 + idx;
	p.num_aux = RMI_REC_PARAMS_AUX_GRANULES;
	for (unsigned i = 0; i < p.num_aux; i++)
		p.aux[i] = aux[i] = del(c);
	return ns_put(c, &p, sizeof(p));
}

static uint64_t rec_make(struct ctx *c, uint64_t rd, unsigned idx, bool runnable, uint64_t *aux)
{
	uint64_t rec = del(c), params = rec_params(c, idx, runnable, aux);

	MUST(c, call(c, RMI_REC_CREATE, rd, rec, params, 0, 0, NULL));
	return rec;
}

/* A REC of the realm under test (the next index); the last one made is c->rec. */
static uint64_t rec_new(struct ctx *c, bool runnable)
{
	c->rec = rec_make(c, c->rd, c->nrecs++, runnable, c->aux);
	return c->rec;
}

/* Content for DATA_CREATE: not zero, not uniform. */
static uint64_t src_page(struct ctx *c)
{
	uint8_t page[GRANULE_SIZE];

	for (unsigned i = 0; i < sizeof(page); i++)
		page[i] = (uint8_t)(i * 7 + 1);
	return ns_put(c, page, sizeof(page));
}

/* ---- realms that run: a generated program on REC 0 ---- */

#define PROG_IPA  0x80000UL           /* every REC's entry point (rec_params) */
#define PROG_RAM  (PROG_IPA + 0x1000) /* RIPAS RAM, never assigned: a protected fault */
#define PROG_MMIO (IPA_NS + 0x1000000) /* unprotected, unmapped: MMIO exits */
#define PROG_VBAR 0x800               /* vectors at PROG_IPA + 0x800 */

struct prog {
	uint32_t w[GRANULE_SIZE / 4];
	unsigned n;
};

static void p_mov(struct prog *p, unsigned rd, uint64_t v)
{
	p->n += a64_mov(p->w + p->n, rd, v);
}

static void p_op(struct prog *p, uint32_t op)
{
	p->w[p->n++] = op;
}

/* x20 = the MMIO address; str x0, [x20] (the host sees the REC's x0). */
static void p_report_x0(struct prog *p)
{
	p_mov(p, 20, PROG_MMIO);
	p_op(p, a64_str(0, 20));
}

/* x0..x4 = @fid and arguments; smc #0; report x0; spin. */
static void p_smc(struct prog *p, uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
		  uint64_t x4)
{
	p_mov(p, 0, fid);
	p_mov(p, 1, x1);
	p_mov(p, 2, x2);
	p_mov(p, 3, x3);
	p_mov(p, 4, x4);
	p_op(p, A64_SMC0);
	p_report_x0(p);
	p_op(p, A64_B_SELF);
}

/*
 * The realm under test, ACTIVE, running @p from PROG_IPA: @nrecs RECs, REC 0
 * runnable, the others as @others_runnable says.  v[0..2] = RECs 0..2,
 * v[3] = a run granule.
 */
static void realm_running(struct ctx *c, const struct prog *p, unsigned nrecs,
			  bool others_runnable)
{
	realm_main(c, NULL);
	rtts(c, PROG_IPA, 3);
	MUST(c, call(c, RMI_RTT_INIT_RIPAS, c->rd, PROG_IPA, PROG_RAM + GRANULE_SIZE, 0, 0,
		     NULL));
	MUST(c, call(c, RMI_DATA_CREATE, c->rd, del(c), PROG_IPA, ns_put(c, p->w, sizeof(p->w)),
		     0, NULL));
	for (unsigned i = 0; i < nrecs && i < 3; i++)
		c->v[i] = rec_new(c, i == 0 || others_runnable);
	activate(c);
	c->v[3] = ns_granule(&c->m);
}

static struct rmi_rec_run *run_of(struct ctx *c, uint64_t run)
{
	return pas_host_va(c->m.pas, run);
}

/* Enter @rec until an exit other than the host tick's IRQ; the exit reason. */
static uint64_t next_exit(struct ctx *c, uint64_t rec, uint64_t run, uint64_t flags)
{
	struct rmi_rec_run *r = run_of(c, run);

	r->enter.flags = flags;
	for (unsigned i = 0; i < 1000; i++) {
		if (!MUST(c, call(c, RMI_REC_ENTER, rec, run, 0, 0, 0, NULL)))
			return ~0UL;
		if (r->exit.exit_reason != RMI_EXIT_IRQ)
			return r->exit.exit_reason;
		r->enter.flags = 0;
	}
	EXPECT(c, !"the realm never left its IRQ exits");
	return ~0UL;
}

/* The next exit is the program's report of x0: its value (~0 and a failure if not). */
static uint64_t reported_x0(struct ctx *c, uint64_t rec, uint64_t run, uint64_t flags)
{
	const struct rmi_rec_exit *e = &run_of(c, run)->exit;

	if (next_exit(c, rec, run, flags) != RMI_EXIT_SYNC ||
	    !EXPECT(c, (e->esr & ESR_ISV) && (e->esr & ESR_WNR) && (e->hpfar << 8) == PROG_MMIO))
		return ~0UL;
	return e->gprs[0];
}

/* REC 0 runs @p to its first exit, which must be @reason; then x = { rd, ...}. */
static void run_to(struct ctx *c, const struct prog *p, unsigned nrecs, bool others,
		   uint64_t reason)
{
	realm_running(c, p, nrecs, others);
	EXPECT_EQ(c, next_exit(c, c->v[0], c->v[3], 0), reason);
}

static uint64_t data_make(struct ctx *c, uint64_t ipa)
{
	uint64_t data;

	rtts(c, ipa, 3);
	data = del(c);
	MUST(c, call(c, RMI_DATA_CREATE, c->rd, data, ipa, src_page(c), 0, NULL));
	return data;
}

static uint64_t unknown_make(struct ctx *c, uint64_t ipa)
{
	uint64_t data;

	rtts(c, ipa, 3);
	data = del(c);
	MUST(c, call(c, RMI_DATA_CREATE_UNKNOWN, c->rd, data, ipa, 0, 0, NULL));
	return data;
}

static void data_destroy(struct ctx *c, uint64_t ipa)
{
	MUST(c, call(c, RMI_DATA_DESTROY, c->rd, ipa, 0, 0, 0, NULL));
}

/* RIPAS RAM over [base, top), as many INIT_RIPAS calls as it takes. */
static void ripas_ram(struct ctx *c, uint64_t base, uint64_t top)
{
	while (base < top) {
		struct smc_result r;

		if (!MUST(c, call(c, RMI_RTT_INIT_RIPAS, c->rd, base, top, 0, 0, &r)))
			return;
		base = r.x[1];
	}
}

static void map_ns(struct ctx *c, uint64_t ipa, int level, uint64_t desc)
{
	rtts(c, ipa, level);
	MUST(c, call(c, RMI_RTT_MAP_UNPROTECTED, c->rd, ipa, LVL(level), desc, 0, NULL));
}

/* The zoo: another realm (VMID 2), holding an RD, RTTs, a REC with its aux and a DATA. */
static void zoo(struct ctx *c)
{
	struct rmi_realm_params p;

	if (c->zrd)
		return;
	realm_params_default(&p, 2);
	c->zrd = realm_make(c, &p, &c->zrtt);
	rtts_in(c, c->zrd, 0, 0, 3);
	c->zdata = del(c);
	MUST(c, call(c, RMI_DATA_CREATE_UNKNOWN, c->zrd, c->zdata, 0, 0, 0, NULL));
	c->zrec = rec_make(c, c->zrd, 0, true, c->zaux);
}

enum fill { F_RAM, F_EMPTY, F_DESTROYED };
#define FILL_SWAP      1U /* entries 0 and 1 swap their PAs */
#define FILL_UNALIGNED 2U /* the PAs start one granule past a 2 MiB boundary */

/*
 * A level-3 RTT at @ipa whose 512 entries are ASSIGNED to contiguous DATA
 * granules with RIPAS @kind; returns the first PA.  Bulk: invariants are
 * checked once at the end.
 */
static uint64_t fill_l3(struct ctx *c, uint64_t ipa, enum fill kind, unsigned flags)
{
	uint64_t pa;

	rtts(c, ipa, 3);
	if (kind == F_DESTROYED) {
		/* A level-2 entry left DESTROYED by RTT_DESTROY gives DESTROYED children. */
		MUST(c, call(c, RMI_RTT_DESTROY, c->rd, ipa, 3, 0, 0, NULL));
		MUST(c, call(c, RMI_RTT_CREATE, c->rd, del(c), ipa, 3, 0, NULL));
	}
	if (kind == F_RAM)
		ripas_ram(c, ipa, ipa + LS(2));
	c->bulk = true;
	pa = del_run(c, 513, LS(2)) + ((flags & FILL_UNALIGNED) ? GRANULE_SIZE : 0);
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t j = (flags & FILL_SWAP) && i < 2 ? 1 - i : i;

		MUST(c, call(c, RMI_DATA_CREATE_UNKNOWN, c->rd, pa + j * GRANULE_SIZE,
			     ipa + i * GRANULE_SIZE, 0, 0, NULL));
	}
	c->bulk = false;
	invariants(c, __LINE__);
	return pa;
}

/* A level-2 ASSIGNED block at @ipa (a folded full level-3 RTT); returns its PA. */
static uint64_t block_make(struct ctx *c, uint64_t ipa, enum fill kind)
{
	uint64_t pa = fill_l3(c, ipa, kind, 0);

	MUST(c, call(c, RMI_RTT_FOLD, c->rd, ipa, 3, 0, 0, NULL));
	return pa;
}

/* 512 NS mappings at @level from @ipa, PAs contiguous from @pa; entry @odd gets @odd_desc. */
static void map_ns_run(struct ctx *c, uint64_t ipa, int level, uint64_t pa, unsigned n,
		       unsigned odd, uint64_t odd_desc)
{
	rtts(c, ipa, level);
	c->bulk = true;
	for (unsigned i = 0; i < n; i++) {
		uint64_t desc = i == odd ? odd_desc : (pa + i * LS(level)) | NS_ATTRS;

		MUST(c, call(c, RMI_RTT_MAP_UNPROTECTED, c->rd, ipa + i * LS(level), LVL(level),
			     desc, 0, NULL));
	}
	c->bulk = false;
	invariants(c, __LINE__);
}

/* ---- snapshots ---- */

/*
 * Granules whose content a failing call must not change: RD, REC, RTT and
 * DATA granules, and the NS granules the host used.  (DELEGATED granules
 * must stay zero, which the invariants check; this RMM never writes REC_AUX
 * granules, and reading them would only populate their backing.)
 */
static bool keep_content(struct ctx *c, uint64_t pa, uint8_t state)
{
	if (state == GRANULE_UNDELEGATED)
		return pa >= c->base && pa < c->m.next_ns;
	return state != GRANULE_DELEGATED && state != GRANULE_REC_AUX;
}

static void snap_take(struct ctx *c, struct snap *s)
{
	uint64_t k = 0;
	uint64_t rds[2] = { c->rd, c->zrd };

	s->n = c->size / GRANULE_SIZE;
	s->state = malloc(s->n);
	s->ref = malloc(s->n * sizeof(*s->ref));
	s->kept_pa = malloc(s->n * sizeof(*s->kept_pa));
	if (!s->state || !s->ref || !s->kept_pa)
		abort();
	s->nkept = 0;
	for (uint64_t i = 0; i < s->n; i++) {
		uint64_t pa = c->base + i * GRANULE_SIZE;

		s->state[i] = (uint8_t)STATE(c, pa);
		s->ref[i] = REFS(c, pa);
		if (keep_content(c, pa, s->state[i]))
			s->kept_pa[s->nkept++] = pa;
	}
	s->kept = malloc(s->nkept * GRANULE_SIZE + 1);
	if (!s->kept)
		abort();
	/* Measurements before the RD's bytes: reading them drains queued DATA descriptors. */
	for (int i = 0; i < 2; i++)
		s->has_meas[i] = rds[i] && rmm_realm_measurements(c->m.rmm, rds[i], &s->meas[i]);
	for (k = 0; k < s->nkept; k++)
		memcpy(s->kept + k * GRANULE_SIZE, pas_rmm_va(c->m.pas, s->kept_pa[k]),
		       GRANULE_SIZE);
	rmm_census(c->m.rmm, &s->census, true);
	for (int i = 0; i < 2; i++)
		s->realm_state[i] = rds[i] ? rmm_realm_state(c->m.rmm, rds[i]) : -1;
}

static void snap_free(struct snap *s)
{
	free(s->state);
	free(s->ref);
	free(s->kept_pa);
	free(s->kept);
	memset(s, 0, sizeof(*s));
}

static uint64_t snap_idx(struct ctx *c, uint64_t pa)
{
	return (pa - c->base) / GRANULE_SIZE;
}

/* Refcount and state of @pa before the call under test. */
static uint32_t ref_before(struct ctx *c, uint64_t pa)
{
	return c->before.ref[snap_idx(c, pa)];
}

static bool meas_equal(const struct rmm_measurements *a, const struct rmm_measurements *b)
{
	return a->hash_len == b->hash_len && !memcmp(a->rim, b->rim, sizeof(a->rim)) &&
	       !memcmp(a->rem, b->rem, sizeof(a->rem));
}

/* Report the first difference between @a (before) and @b (after); true if none. */
static bool snap_same(struct ctx *c, const struct snap *a, const struct snap *b, int line)
{
	for (uint64_t i = 0; i < a->n; i++) {
		uint64_t pa = c->base + i * GRANULE_SIZE;

		if (a->state[i] != b->state[i] || a->ref[i] != b->ref[i])
			return t_check(false, __FILE__, line,
				       "[%s] granule 0x%llx changed: %s/%u -> %s/%u", c->name,
				       (unsigned long long)pa, rmm_granule_state_name(a->state[i]),
				       a->ref[i], rmm_granule_state_name(b->state[i]), b->ref[i]);
	}
	if (a->nkept != b->nkept)
		return t_check(false, __FILE__, line, "[%s] kept granules differ", c->name);
	for (uint64_t k = 0; k < a->nkept; k++)
		if (memcmp(a->kept + k * GRANULE_SIZE, b->kept + k * GRANULE_SIZE, GRANULE_SIZE))
			return t_check(false, __FILE__, line,
				       "[%s] content of %s granule 0x%llx changed", c->name,
				       rmm_granule_state_name(a->state[snap_idx(c, a->kept_pa[k])]),
				       (unsigned long long)a->kept_pa[k]);
	if (memcmp(&a->census, &b->census, sizeof(a->census)))
		return t_check(false, __FILE__, line, "[%s] census changed", c->name);
	for (int i = 0; i < 2; i++) {
		if (a->has_meas[i] != b->has_meas[i] ||
		    (a->has_meas[i] && !meas_equal(&a->meas[i], &b->meas[i])))
			return t_check(false, __FILE__, line,
				       "[%s] measurements of realm %d changed", c->name, i);
		if (a->realm_state[i] != b->realm_state[i])
			return t_check(false, __FILE__, line, "[%s] state of realm %d changed",
				       c->name, i);
	}
	return t_check(true, __FILE__, line, "[%s] unchanged", c->name);
}

/* ---- the runner ---- */

static uint64_t value(struct ctx *c, unsigned src, uint64_t lit, uint64_t cur)
{
	switch (src) {
	case S_LIT:
		return lit;
	case S_ADD:
		return cur + lit;
	case S_ARG:
		return c->x[lit - 1];
	case S_V:
		return c->v[lit];
	case S_NS:
		return ns_granule(&c->m);
	case S_DEL:
		return del(c);
	case S_BELOW:
		return c->base - GRANULE_SIZE;
	case S_PAST:
		return c->base + c->size;
	case S_HIGH:
		return del_run(c, 1, GRANULE_SIZE);
	case S_RD:
		return c->rd;
	case S_RTT:
		return c->rtt;
	case S_REC:
		return c->rec;
	case S_AUX:
		return c->aux[lit];
	}
	zoo(c);
	switch (src) {
	case S_ZRD:
		return c->zrd;
	case S_ZRTT:
		return c->zrtt;
	case S_ZREC:
		return c->zrec;
	case S_ZAUX:
		return c->zaux[lit];
	case S_ZDATA:
		return c->zdata;
	}
	abort();
}

static void mutate(struct ctx *c, const struct mut *mu)
{
	if (mu->off < 0) {
		c->x[mu->arg - 1] = value(c, mu->src, mu->lit, c->x[mu->arg - 1]);
	} else {
		uint64_t *p = host_u64(c, c->good[mu->arg - 1] + (uint64_t)mu->off);

		*p = value(c, mu->src, mu->lit, *p);
	}
}

static void run_case(const struct table *t, const struct tcase *tc)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct snap after;
	unsigned rim = tc->rim ? tc->rim : t->rim;
	uint64_t x0;

	if (!c)
		abort();
	snprintf(c->name, sizeof(c->name), "%s/%s", t->cmd, tc->name);
	c->fid = t->fid;
	boot(c, tc->plat);
	(tc->setup ? tc->setup : t->setup)(c);
	memcpy(c->good, c->x, sizeof(c->x));
	for (unsigned i = 0; i < N(tc->mut) && tc->mut[i].arg; i++)
		mutate(c, &tc->mut[i]);
	if (tc->pre)
		tc->pre(c);

	snap_take(c, &c->before);
	x0 = call(c, c->fid, c->x[0], c->x[1], c->x[2], c->x[3], c->x[4], &c->res);
	t_check(RMI_RET_STATUS(x0) == tc->status && RMI_RET_INDEX(x0) == tc->index &&
			(x0 >> 16) == 0,
		__FILE__, __LINE__, "[%s] got %s(%u) x0=0x%llx, expected %s(%u)", c->name,
		rmi_status_name(RMI_RET_STATUS(x0)), RMI_RET_INDEX(x0), (unsigned long long)x0,
		rmi_status_name(tc->status), tc->index);
	for (unsigned i = 0; i < 4 && tc->out[i].reg; i++) {
		unsigned r = tc->out[i].reg;
		uint64_t want = value(c, tc->out[i].src, tc->out[i].lit, 0);

		t_check(c->res.x[r] == want, __FILE__, __LINE__,
			"[%s] x%u = 0x%llx, expected 0x%llx", c->name, r,
			(unsigned long long)c->res.x[r], (unsigned long long)want);
	}
	for (unsigned r = 1; r <= 4; r++)
		if (tc->status == RMI_ERROR_INPUT && (t->zero_input & (1U << r)))
			t_check(c->res.x[r] == 0, __FILE__, __LINE__,
				"[%s] x%u = 0x%llx, expected 0", c->name, r,
				(unsigned long long)c->res.x[r]);

	snap_take(c, &after);
	if ((tc->status != RMI_SUCCESS && !tc->completes) || t->readonly) {
		snap_same(c, &c->before, &after, __LINE__);
	} else if (rim != RIM_ANY) {
		bool same = c->before.has_meas[0] && after.has_meas[0] &&
			    meas_equal(&c->before.meas[0], &after.meas[0]);

		t_check(same == (rim == RIM_SAME), __FILE__, __LINE__, "[%s] RIM %s", c->name,
			same ? "unchanged, expected a change" : "changed, expected unchanged");
	}
	snap_free(&after);
	if (tc->check)
		tc->check(c);
	snap_free(&c->before);
	machine_fini(&c->m);
	free(c);
}

/* ---- common checks ---- */

static void refs_unchanged(struct ctx *c)
{
	for (uint64_t i = 0; i < c->before.n; i++) {
		uint64_t pa = c->base + i * GRANULE_SIZE;

		if (REFS(c, pa) != c->before.ref[i]) {
			EXPECT_EQ(c, REFS(c, pa), c->before.ref[i]);
			return;
		}
	}
}

static void expect_entry(struct ctx *c, uint64_t ipa, int level, int walk, unsigned state,
			 uint64_t desc, unsigned ripas)
{
	struct smc_result r = entry_of(c, c->rd, ipa, level);

	t_check(r.x[1] == LVL(walk) && r.x[2] == state && r.x[3] == desc && r.x[4] == ripas,
		__FILE__, __LINE__,
		"[%s] READ_ENTRY(0x%llx, %d) = (%lld, %llu, 0x%llx, %llu), expected "
		"(%d, %u, 0x%llx, %u)", c->name, (unsigned long long)ipa, level,
		(long long)r.x[1], (unsigned long long)r.x[2], (unsigned long long)r.x[3],
		(unsigned long long)r.x[4], walk, state, (unsigned long long)desc, ripas);
}

static bool ipa_protected(struct ctx *c, uint64_t ipa)
{
	return ipa < (1UL << (c->s2sz - 1));
}

/* An NS block or page can be mapped at @ipa (level >= 1): the entry is UNASSIGNED_NS. */
static void expect_ns_mappable(struct ctx *c, uint64_t ipa, int level)
{
	uint64_t desc = (NS_PA & ~(LS(level) - 1)) | NS_ATTRS;

	EXPECT_EQ(c, call(c, RMI_RTT_MAP_UNPROTECTED, c->rd, ipa, LVL(level), desc, 0, NULL),
		  RMI_SUCCESS);
}

/* ---- VERSION, FEATURES ---- */

/*
 * The main realm with RTTs down to @tables at @ipa, and a call on (rd, ipa, level);
 * v[0] is the RTT rtts() created last.
 */
static void rtt_call_at(struct ctx *c, uint64_t ipa, int tables, uint64_t level)
{
	realm_main(c, NULL);
	c->v[0] = rtts(c, ipa, tables);
	c->x[0] = c->rd;
	c->x[1] = ipa;
	c->x[2] = level;
}

static void su_version(struct ctx *c)
{
	c->x[0] = RMI_ABI_VERSION;
}

static void su_features(struct ctx *c)
{
	(void)c;
}

#define V10 0x10000UL

static const struct tcase version_cases[] = {
	{ "ok", "request 1.0", E_OK, .out = { OUT(1, V10), OUT(2, V10) } },
	{ "req_1_1", "request 1.1: not implemented", E_INPUT, .mut = { SET(1, 0x10001) },
	  .out = { OUT(1, V10), OUT(2, V10) } },
	{ "req_2_0", "request 2.0", E_INPUT, .mut = { SET(1, 0x20000) },
	  .out = { OUT(1, V10), OUT(2, V10) } },
	{ "req_0_0", "request 0.0", E_INPUT, .mut = { SET(1, 0) },
	  .out = { OUT(1, V10), OUT(2, V10) } },
	{ "req_upper_bits", "request 1.0 with bit 32 set: x1 != 0x10000", E_INPUT,
	  .mut = { SET(1, (1UL << 32) | V10) }, .out = { OUT(1, V10), OUT(2, V10) } },
};

#define FEAT(s2sz, lpa2, sve, vl, bps, wps, pmu, ctrs, s512)                              \
	((uint64_t)(s2sz) << RMI_FEATURE_REGISTER_0_S2SZ_SHIFT |                           \
	 (uint64_t)(lpa2) << RMI_FEATURE_REGISTER_0_LPA2_SHIFT |                           \
	 (uint64_t)(sve) << RMI_FEATURE_REGISTER_0_SVE_EN_SHIFT |                          \
	 (uint64_t)(vl) << RMI_FEATURE_REGISTER_0_SVE_VL_SHIFT |                           \
	 (uint64_t)(bps) << RMI_FEATURE_REGISTER_0_NUM_BPS_SHIFT |                         \
	 (uint64_t)(wps) << RMI_FEATURE_REGISTER_0_NUM_WPS_SHIFT |                         \
	 (uint64_t)(pmu) << RMI_FEATURE_REGISTER_0_PMU_EN_SHIFT |                          \
	 (uint64_t)(ctrs) << RMI_FEATURE_REGISTER_0_PMU_NUM_CTRS_SHIFT |                   \
	 1UL << RMI_FEATURE_REGISTER_0_HASH_SHA_256_SHIFT |                                \
	 (uint64_t)(s512) << RMI_FEATURE_REGISTER_0_HASH_SHA_512_SHIFT |                   \
	 15UL << RMI_FEATURE_REGISTER_0_GICV3_NUM_LRS_SHIFT |                              \
	 10UL << RMI_FEATURE_REGISTER_0_MAX_RECS_ORDER_SHIFT)

static const struct tcase features_cases[] = {
	{ "reg0_default", "index 0, default platform (6 BPs, 4 WPs: encoded 5 and 3)", E_OK,
	  .out = { OUT(1, FEAT(48, 0, 0, 0, 5, 3, 0, 0, 1)) } },
	{ "reg0_rich", "index 0, LPA2/SVE/PMU platform", E_OK, .plat = P_RICH,
	  .out = { OUT(1, FEAT(52, 1, 1, 3, 5, 3, 1, 8, 1)) } },
	{ "reg0_no_sha512", "index 0, platform without SHA-512", E_OK, .plat = P_NO_SHA512,
	  .out = { OUT(1, FEAT(48, 0, 0, 0, 5, 3, 0, 0, 0)) } },
	{ "reg0_pa40", "index 0, 40-bit PA platform", E_OK, .plat = P_PA40,
	  .out = { OUT(1, FEAT(40, 0, 0, 0, 5, 3, 0, 0, 1)) } },
	{ "index_1", "index 1: SUCCESS with x1 = 0", E_OK, .mut = { SET(1, 1) },
	  .out = { OUT(1, 0) } },
	{ "index_max", "index ~0: SUCCESS with x1 = 0", E_OK, .mut = { SET(1, ~0UL) },
	  .out = { OUT(1, 0) } },
};

/* ---- GRANULE_DELEGATE, GRANULE_UNDELEGATE ---- */

static void su_delegate(struct ctx *c)
{
	uint8_t junk[GRANULE_SIZE];

	c->x[0] = c->m.next_del;
	c->m.next_del += GRANULE_SIZE;
	memset(junk, 0xa5, sizeof(junk));
	host_write(&c->m, c->x[0], junk, sizeof(junk));
}

static void chk_delegated(struct ctx *c)
{
	EXPECT_EQ(c, STATE(c, c->x[0]), GRANULE_DELEGATED);
	EXPECT_EQ(c, pas_gpt_get(c->m.pas, c->x[0]), PAS_REALM);
	EXPECT(c, pas_host_faults(c->m.pas, c->x[0]));
	EXPECT(c, pas_is_zero(c->m.pas, c->x[0]));
}

static const struct tcase delegate_cases[] = {
	{ "ok", "NS granule: DELEGATED, host access faults, scrubbed", E_OK,
	  .check = chk_delegated },
	{ "ok_last_granule", "the last granule of DRAM", E_OK,
	  .mut = { USE(1, S_PAST), ADD(1, -GRANULE_SIZE) }, .check = chk_delegated },
	{ "unaligned", "#1 addr not 4 KiB aligned (+8)", E_INPUT, .mut = { ADD(1, 8) } },
	{ "unaligned_0x800", "#1 addr not 4 KiB aligned (+0x800)", E_INPUT,
	  .mut = { ADD(1, 0x800) } },
	{ "below_dram", "#1 addr below DRAM", E_INPUT, .mut = { USE(1, S_BELOW) } },
	{ "past_dram", "#1 addr past DRAM", E_INPUT, .mut = { USE(1, S_PAST) } },
	{ "max_addr", "#1 addr 0xffff_ffff_ffff_f000", E_INPUT, .mut = { SET(1, ~0xfffUL) } },
	{ "delegated", "#1 state DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd", "#1 state RD", E_INPUT, .mut = { USE(1, S_ZRD) } },
	{ "rtt", "#1 state RTT", E_INPUT, .mut = { USE(1, S_ZRTT) } },
	{ "rec", "#1 state REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "rec_aux", "#1 state REC_AUX", E_INPUT, .mut = { USEL(1, S_ZAUX, 15) } },
	{ "data", "#1 state DATA", E_INPUT, .mut = { USE(1, S_ZDATA) } },
	{ "prec_unaligned_delegated", "#1 unaligned and DELEGATED", E_INPUT,
	  .mut = { USE(1, S_DEL), ADD(1, 8) } },
};

static void su_undelegate(struct ctx *c)
{
	c->x[0] = del(c);
}

static void chk_undelegated(struct ctx *c)
{
	EXPECT_EQ(c, STATE(c, c->x[0]), GRANULE_UNDELEGATED);
	EXPECT_EQ(c, pas_gpt_get(c->m.pas, c->x[0]), PAS_NS);
	EXPECT(c, !pas_host_faults(c->m.pas, c->x[0]));
	EXPECT(c, pas_is_zero(c->m.pas, c->x[0]));
}

/* A granule that held realm data comes back to the host zeroed. */
static void pre_undelegate_after_data(struct ctx *c)
{
	realm_main(c, NULL);
	c->x[0] = data_make(c, 0);
	data_destroy(c, 0);
}

static const struct tcase undelegate_cases[] = {
	{ "ok", "DELEGATED granule: NS again, host access works", E_OK,
	  .check = chk_undelegated },
	{ "ok_after_data", "a granule that was DATA, destroyed: returned zeroed", E_OK,
	  .pre = pre_undelegate_after_data, .check = chk_undelegated },
	{ "unaligned", "#1 addr not 4 KiB aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "below_dram", "#1 addr below DRAM", E_INPUT, .mut = { USE(1, S_BELOW) } },
	{ "past_dram", "#1 addr past DRAM", E_INPUT, .mut = { USE(1, S_PAST) } },
	{ "max_addr", "#1 addr 0xffff_ffff_ffff_f000", E_INPUT, .mut = { SET(1, ~0xfffUL) } },
	{ "undelegated", "#1 state NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd", "#1 state RD", E_INPUT, .mut = { USE(1, S_ZRD) } },
	{ "rtt", "#1 state RTT", E_INPUT, .mut = { USE(1, S_ZRTT) } },
	{ "rec", "#1 state REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "rec_aux", "#1 state REC_AUX", E_INPUT, .mut = { USEL(1, S_ZAUX, 0) } },
	{ "data", "#1 state DATA", E_INPUT, .mut = { USE(1, S_ZDATA) } },
	{ "prec_unaligned_ns", "#1 unaligned and NS", E_INPUT,
	  .mut = { USE(1, S_NS), ADD(1, 8) } },
};

/* ---- REALM_CREATE ---- */

#define F_LPA2 RMI_REALM_FLAGS_LPA2
#define F_SVE  RMI_REALM_FLAGS_SVE
#define F_PMU  RMI_REALM_FLAGS_PMU

/* RD, then 16 DELEGATED granules from rtt_base (room for any concatenation). */
static void su_realm_create(struct ctx *c)
{
	struct rmi_realm_params p;

	realm_params_default(&p, 1);
	c->rd = del(c);
	c->rtt = del(c);
	for (unsigned i = 1; i < 16; i++)
		del(c);
	p.rtt_base = c->rtt;
	c->x[0] = c->rd;
	c->x[1] = ns_put(c, &p, sizeof(p));
}

static const struct rmi_realm_params *params_of(struct ctx *c, uint64_t pa)
{
	return pas_host_va(c->m.pas, pa);
}

static void chk_realm_created(struct ctx *c)
{
	const struct rmi_realm_params *p = params_of(c, c->x[1]);
	unsigned num = (uint32_t)p->rtt_num_start;
	struct rmm_measurements m;
	uint8_t zero[64] = { 0 };

	c->rd = c->x[0];
	c->rtt = p->rtt_base;
	c->sl = (int)p->rtt_level_start;
	c->s2sz = (uint32_t)p->s2sz;
	EXPECT_EQ(c, STATE(c, c->rd), GRANULE_RD);
	EXPECT_EQ(c, REFS(c, c->rd), 0);
	for (unsigned i = 0; i < num; i++) {
		EXPECT_EQ(c, STATE(c, c->rtt + i * GRANULE_SIZE), GRANULE_RTT);
		EXPECT_EQ(c, REFS(c, c->rtt + i * GRANULE_SIZE), 0);
	}
	EXPECT_EQ(c, rmm_realm_state(c->m.rmm, c->rd), REALM_NEW);
	if (EXPECT(c, rmm_realm_measurements(c->m.rmm, c->rd, &m))) {
		EXPECT_EQ(c, m.hash_len, (uint8_t)p->hash_algo == RMI_HASH_SHA_512 ? 64 : 32);
		EXPECT(c, memcmp(m.rim, zero, m.hash_len) != 0);
	}
	/* The starting RTTs cover the IPA space: protected half UNASSIGNED/EMPTY ... */
	expect_entry(c, 0, c->sl, c->sl, RMI_UNASSIGNED, 0, RMI_EMPTY);
	expect_entry(c, (1UL << (c->s2sz - 1)) - LS(c->sl), c->sl, c->sl, RMI_UNASSIGNED, 0,
		     RMI_EMPTY);
	/* ... and the rest UNASSIGNED_NS: an NS block can be mapped there. */
	expect_entry(c, (1UL << c->s2sz) - LS(c->sl), c->sl, c->sl, RMI_UNASSIGNED, 0, 0);
	rtts(c, 1UL << (c->s2sz - 1), 1);
	expect_ns_mappable(c, 1UL << (c->s2sz - 1), c->sl > 1 ? c->sl : 1);
}

/* Success reserved the VMID: another realm cannot have it. */
static void chk_realm_created_vmid(struct ctx *c)
{
	struct rmi_realm_params p;

	chk_realm_created(c);
	realm_params_default(&p, (uint16_t)params_of(c, c->x[1])->vmid);
	p.rtt_base = del(c);
	EXPECT_EQ(c, call(c, RMI_REALM_CREATE, del(c), ns_put(c, &p, sizeof(p)), 0, 0, 0, NULL),
		  RMI_ERROR_INPUT);
}

/* A failure after the VMID check gave the VMID back: a realm can now have it. */
static void chk_vmid_free(struct ctx *c)
{
	struct rmi_realm_params p;

	realm_params_default(&p, (uint16_t)params_of(c, c->good[1])->vmid);
	p.rtt_base = del(c);
	EXPECT_EQ(c, call(c, RMI_REALM_CREATE, del(c), ns_put(c, &p, sizeof(p)), 0, 0, 0, NULL),
		  RMI_SUCCESS);
}

static void pre_vmid_taken(struct ctx *c)
{
	struct rmi_realm_params p;

	realm_params_default(&p, 1);
	realm_make(c, &p, NULL);
}

static void pre_rtt1_undelegated(struct ctx *c)
{
	MUST(c, call(c, RMI_GRANULE_UNDELEGATE, c->rtt + GRANULE_SIZE, 0, 0, 0, 0, NULL));
}

/* rd is the (NS) granule at rtt_base. */
static void pre_rd_is_ns_rtt_base(struct ctx *c)
{
	c->x[0] = ns_granule(&c->m);
	host_u64(c, c->x[1] + RP(rtt_base))[0] = c->x[0];
}

#define GEOM(sl_, s2sz_, num_)                                                            \
	PUT(2, RP(rtt_level_start), LVL(sl_)), PUT(2, RP(s2sz), (s2sz_)),                 \
		PUT(2, RP(rtt_num_start), (num_))

static const struct tcase realm_create_cases[] = {
	{ "ok", "default params: RD, RTT, NEW, root entries, RIM, VMID reserved", E_OK,
	  .check = chk_realm_created_vmid },
	{ "ok_vmid_0", "VMID 0 is allowed", E_OK, .mut = { PUT(2, RP(vmid), 0) },
	  .check = chk_realm_created_vmid },
	{ "ok_vmid_ffff", "VMID 0xffff (16-bit VMIDs)", E_OK, .mut = { PUT(2, RP(vmid), 0xffff) },
	  .check = chk_realm_created_vmid },
	{ "ok_vmid_upper_ignored", "vmid is read as 16 bits: 0x10005 is VMID 5", E_OK,
	  .mut = { PUT(2, RP(vmid), 0x10005) }, .check = chk_realm_created_vmid },
	{ "ok_flags_unknown_ignored", "flags bits above PMU are ignored", E_OK,
	  .mut = { PUT(2, RP(flags), ~7UL) }, .check = chk_realm_created },
	{ "ok_bps_max", "num_bps = NUM_BPS (5)", E_OK, .mut = { PUT(2, RP(num_bps), 5) },
	  .check = chk_realm_created },
	{ "ok_wps_max", "num_wps = NUM_WPS (3)", E_OK, .mut = { PUT(2, RP(num_wps), 3) },
	  .check = chk_realm_created },
	{ "ok_sha512", "hash_algo SHA-512: 64-byte RIM", E_OK, .mut = { PUT(2, RP(hash_algo), 1) },
	  .check = chk_realm_created },
	{ "ok_hash_upper_ignored", "hash_algo is read as 8 bits: 0x100 is SHA-256", E_OK,
	  .mut = { PUT(2, RP(hash_algo), 0x100) }, .check = chk_realm_created },
	{ "ok_s2sz_upper_ignored", "s2sz is read as 32 bits", E_OK,
	  .mut = { PUT(2, RP(s2sz), (1UL << 32) | 48) }, .check = chk_realm_created },
	{ "ok_l0_s2sz40", "level 0, s2sz 40, 1 RTT", E_OK, .mut = { GEOM(0, 40, 1) },
	  .check = chk_realm_created },
	{ "ok_l1_s2sz39", "level 1, s2sz 39, 1 RTT", E_OK, .mut = { GEOM(1, 39, 1) },
	  .check = chk_realm_created },
	{ "ok_l1_s2sz40_num2", "level 1, s2sz 40, 2 RTTs; rtt_base need not be 8 KiB aligned",
	  E_OK, .mut = { GEOM(1, 40, 2) }, .check = chk_realm_created },
	{ "ok_l1_s2sz43_num16", "level 1, s2sz 43, 16 RTTs", E_OK, .mut = { GEOM(1, 43, 16) },
	  .check = chk_realm_created },
	{ "ok_l2_s2sz32_num4", "level 2, s2sz 32, 4 RTTs", E_OK, .mut = { GEOM(2, 32, 4) },
	  .check = chk_realm_created },
	{ "ok_l2_s2sz34_num16", "level 2, s2sz 34, 16 RTTs", E_OK, .mut = { GEOM(2, 34, 16) },
	  .check = chk_realm_created },
	{ "ok_rd_above_rtts", "rd above the starting RTTs", E_OK, .mut = { USE(1, S_DEL) },
	  .check = chk_realm_created },
	{ "ok_sve", "SVE with sve_vl = the maximum (3)", E_OK, .plat = P_RICH,
	  .mut = { PUT(2, RP(flags), F_SVE), PUT(2, RP(sve_vl), 3) },
	  .check = chk_realm_created },
	{ "ok_sve_off_vl_ignored", "SVE off: sve_vl 15 is not checked", E_OK,
	  .mut = { PUT(2, RP(sve_vl), 15) }, .check = chk_realm_created },
	{ "ok_pmu", "PMU with pmu_num_ctrs = PMCR_EL0.N (8)", E_OK, .plat = P_RICH,
	  .mut = { PUT(2, RP(flags), F_PMU), PUT(2, RP(pmu_num_ctrs), 8) },
	  .check = chk_realm_created },
	{ "ok_pmu_off_ctrs_ignored", "PMU off: pmu_num_ctrs 31 is not checked", E_OK,
	  .mut = { PUT(2, RP(pmu_num_ctrs), 31) }, .check = chk_realm_created },
	{ "ok_lpa2_l0_s2sz48", "LPA2, level 0, s2sz 48", E_OK, .plat = P_RICH,
	  .mut = { PUT(2, RP(flags), F_LPA2) }, .check = chk_realm_created },
	{ "ok_lpa2_l0_s2sz52_num16", "LPA2, level 0, s2sz 52, 16 RTTs", E_OK, .plat = P_RICH,
	  .mut = { PUT(2, RP(flags), F_LPA2), GEOM(0, 52, 16) }, .check = chk_realm_created },
	{ "ok_lpa2_lm1_s2sz52", "LPA2, level -1, s2sz 52, 1 RTT (16 entries)", E_OK,
	  .plat = P_RICH, .mut = { PUT(2, RP(flags), F_LPA2), GEOM(-1, 52, 1) },
	  .check = chk_realm_created },
	{ "ok_all_features", "LPA2 + SVE + PMU + SHA-512 together", E_OK, .plat = P_RICH,
	  .mut = { PUT(2, RP(flags), F_LPA2 | F_SVE | F_PMU), PUT(2, RP(pmu_num_ctrs), 1),
		   PUT(2, RP(hash_algo), 1) },
	  .check = chk_realm_created },
	/* 1, 2: the params granule */
	{ "params_unaligned", "#1 params_ptr not aligned", E_INPUT, .mut = { ADD(2, 8) } },
	{ "params_below_dram", "#1 params_ptr below DRAM", E_INPUT, .mut = { USE(2, S_BELOW) } },
	{ "params_past_dram", "#1 params_ptr past DRAM", E_INPUT, .mut = { USE(2, S_PAST) } },
	{ "params_delegated", "#1 params_ptr DELEGATED", E_INPUT, .mut = { USE(2, S_DEL) } },
	{ "params_rd", "#1 params_ptr an RD", E_INPUT, .mut = { USE(2, S_ZRD) } },
	/* 3.1 .. 3.9: parameter values */
	{ "lpa2_unsupported", "#3.1 flags.LPA2 without FEAT_LPA2", E_INPUT,
	  .mut = { PUT(2, RP(flags), F_LPA2) } },
	{ "s2sz_31", "#3.2 s2sz < 32", E_INPUT, .mut = { PUT(2, RP(s2sz), 31) } },
	{ "s2sz_0", "#3.2 s2sz 0", E_INPUT, .mut = { PUT(2, RP(s2sz), 0) } },
	{ "s2sz_over_pa", "#3.2 s2sz 49 > PA width 48", E_INPUT,
	  .mut = { PUT(2, RP(s2sz), 49) } },
	{ "s2sz_over_pa40", "#3.2 s2sz 41 > PA width 40 (level 1, 4 RTTs: else valid)", E_INPUT,
	  .plat = P_PA40, .mut = { GEOM(1, 41, 4) } },
	{ "s2sz_53_lpa2", "#3.2 s2sz 53 > PA width 52", E_INPUT, .plat = P_RICH,
	  .mut = { PUT(2, RP(flags), F_LPA2), GEOM(-1, 53, 1) } },
	{ "bps_0", "#3.3 num_bps 0", E_INPUT, .mut = { PUT(2, RP(num_bps), 0) } },
	{ "bps_over", "#3.3 num_bps 6 > NUM_BPS 5", E_INPUT, .mut = { PUT(2, RP(num_bps), 6) } },
	{ "wps_0", "#3.3 num_wps 0", E_INPUT, .mut = { PUT(2, RP(num_wps), 0) } },
	{ "wps_over", "#3.3 num_wps 4 > NUM_WPS 3", E_INPUT, .mut = { PUT(2, RP(num_wps), 4) } },
	{ "sve_unsupported", "#3.4 flags.SVE without SVE", E_INPUT,
	  .mut = { PUT(2, RP(flags), F_SVE) } },
	{ "sve_vl_over", "#3.4 sve_vl 4 > max 3", E_INPUT, .plat = P_RICH,
	  .mut = { PUT(2, RP(flags), F_SVE), PUT(2, RP(sve_vl), 4) } },
	{ "pmu_unsupported", "#3.5 flags.PMU without a PMU (see Divergences)", E_INPUT,
	  .mut = { PUT(2, RP(flags), F_PMU), PUT(2, RP(pmu_num_ctrs), 1) } },
	{ "pmu_ctrs_over", "#3.5 pmu_num_ctrs 9 > PMCR_EL0.N 8", E_INPUT, .plat = P_RICH,
	  .mut = { PUT(2, RP(flags), F_PMU), PUT(2, RP(pmu_num_ctrs), 9) } },
	{ "pmu_ctrs_0", "#3.5 pmu_num_ctrs 0 without FEAT_HPMN0", E_INPUT, .plat = P_RICH,
	  .mut = { PUT(2, RP(flags), F_PMU), PUT(2, RP(pmu_num_ctrs), 0) } },
	{ "s2sz_over_48_no_lpa2", "#3.6 s2sz 52 without flags.LPA2 (PA 52)", E_INPUT,
	  .plat = P_RICH, .mut = { GEOM(0, 52, 16) } },
	{ "level_m1_no_lpa2", "#3.6 level -1 without flags.LPA2", E_INPUT, .plat = P_RICH,
	  .mut = { GEOM(-1, 48, 1) } },
	{ "level_m2_lpa2", "#3.6 level -2 with LPA2", E_INPUT, .plat = P_RICH,
	  .mut = { PUT(2, RP(flags), F_LPA2), GEOM(-2, 52, 1) } },
	{ "level_4", "#3.6 level 4", E_INPUT, .mut = { GEOM(4, 32, 1) } },
	{ "level_3", "#3.6 level 3: no s2sz is valid", E_INPUT, .mut = { GEOM(3, 32, 1) } },
	{ "level0_pa_under_44", "#3.6 level 0 with PA width 40 < 44", E_INPUT, .plat = P_PA40,
	  .mut = { GEOM(0, 40, 1) } },
	{ "s2sz_below_l0", "#3.6 level 0, s2sz 39 < 40", E_INPUT, .mut = { GEOM(0, 39, 1) } },
	{ "s2sz_above_l1", "#3.6 level 1, s2sz 44 > 43", E_INPUT, .mut = { GEOM(1, 44, 16) } },
	{ "s2sz_above_l2", "#3.6 level 2, s2sz 35 > 34", E_INPUT, .mut = { GEOM(2, 35, 16) } },
	{ "s2sz_below_lm1", "#3.6 level -1, s2sz 48 < 49", E_INPUT, .plat = P_RICH,
	  .mut = { PUT(2, RP(flags), F_LPA2), GEOM(-1, 48, 1) } },
	{ "num_start_0", "#3.7 rtt_num_start 0 (needs 1)", E_INPUT, .mut = { GEOM(0, 48, 0) } },
	{ "num_start_2", "#3.7 rtt_num_start 2 (needs 1)", E_INPUT, .mut = { GEOM(0, 48, 2) } },
	{ "num_start_l1_s2sz40_1", "#3.7 level 1 s2sz 40: 1 (needs 2)", E_INPUT,
	  .mut = { GEOM(1, 40, 1) } },
	{ "num_start_l2_s2sz32_8", "#3.7 level 2 s2sz 32: 8 (needs 4)", E_INPUT,
	  .mut = { GEOM(2, 32, 8) } },
	{ "num_start_lpa2_s2sz52_8", "#3.7 LPA2 level 0 s2sz 52: 8 (needs 16)", E_INPUT,
	  .plat = P_RICH, .mut = { PUT(2, RP(flags), F_LPA2), GEOM(0, 52, 8) } },
	{ "hash_2", "#3.8 hash_algo 2", E_INPUT, .mut = { PUT(2, RP(hash_algo), 2) } },
	{ "hash_sha512_unsupported", "#3.8 SHA-512 on a platform without it", E_INPUT,
	  .plat = P_NO_SHA512, .mut = { PUT(2, RP(hash_algo), 1) } },
	{ "vmid_in_use", "#3.9 VMID used by another realm", E_INPUT, .pre = pre_vmid_taken },
	/* 4, 5: rd and the starting RTTs */
	{ "rd_is_rtt_base", "#4 rd == rtt_base (VMID freed)", E_INPUT, .mut = { USE(1, S_RTT) },
	  .check = chk_vmid_free },
	{ "rd_in_rtt_range", "#4 rd == rtt_base + 4 KiB with 2 RTTs", E_INPUT,
	  .mut = { GEOM(1, 40, 2), USE(1, S_RTT), ADD(1, GRANULE_SIZE) },
	  .check = chk_vmid_free },
	{ "rd_ns", "#5 rd not DELEGATED (NS; VMID freed)", E_INPUT, .mut = { USE(1, S_NS) },
	  .check = chk_vmid_free },
	{ "rd_unaligned", "#5 rd not aligned", E_INPUT, .mut = { ADD(1, 8) },
	  .check = chk_vmid_free },
	{ "rd_below_dram", "#5 rd below DRAM", E_INPUT, .mut = { USE(1, S_BELOW) } },
	{ "rd_is_rd", "#5 rd already an RD", E_INPUT, .mut = { USE(1, S_ZRD) } },
	{ "rd_is_data", "#5 rd a DATA granule", E_INPUT, .mut = { USE(1, S_ZDATA) } },
	{ "rtt_ns", "#5 rtt_base NS (VMID freed)", E_INPUT,
	  .mut = { PUTS(2, RP(rtt_base), S_NS, 0) }, .check = chk_vmid_free },
	{ "rtt_unaligned", "#5 rtt_base not aligned", E_INPUT,
	  .mut = { PUTADD(2, RP(rtt_base), 8) } },
	{ "rtt_below_dram", "#5 rtt_base below DRAM", E_INPUT,
	  .mut = { PUTS(2, RP(rtt_base), S_BELOW, 0) } },
	{ "rtt_second_ns", "#5 second of 2 starting RTTs not DELEGATED", E_INPUT,
	  .mut = { GEOM(1, 40, 2) }, .pre = pre_rtt1_undelegated, .check = chk_vmid_free },
	{ "rtt_is_rtt", "#5 rtt_base an RTT of another realm", E_INPUT,
	  .mut = { PUTS(2, RP(rtt_base), S_ZRTT, 0) } },
	{ "rtt_is_rd", "#5 rtt_base an RD", E_INPUT, .mut = { PUTS(2, RP(rtt_base), S_ZRD, 0) } },
	{ "rtt_is_rec", "#5 rtt_base a REC", E_INPUT,
	  .mut = { PUTS(2, RP(rtt_base), S_ZREC, 0) } },
	/* precedence: adjacent pairs (all ERROR_INPUT; nothing may change) */
	{ "prec_params_over_rd", "#1 params unaligned and #5 rd NS", E_INPUT,
	  .mut = { ADD(2, 8), USE(1, S_NS) } },
	{ "prec_lpa2_over_s2sz", "#3.1 LPA2 unsupported and #3.2 s2sz 31", E_INPUT,
	  .mut = { PUT(2, RP(flags), F_LPA2), PUT(2, RP(s2sz), 31) } },
	{ "prec_s2sz_over_bps", "#3.2 s2sz 31 and #3.3 num_bps 0", E_INPUT,
	  .mut = { PUT(2, RP(s2sz), 31), PUT(2, RP(num_bps), 0) } },
	{ "prec_wps_over_sve", "#3.3 num_wps 0 and #3.4 SVE unsupported", E_INPUT,
	  .mut = { PUT(2, RP(num_wps), 0), PUT(2, RP(flags), F_SVE) } },
	{ "prec_sve_over_pmu", "#3.4 SVE and #3.5 PMU unsupported", E_INPUT,
	  .mut = { PUT(2, RP(flags), F_SVE | F_PMU) } },
	{ "prec_pmu_over_level", "#3.5 pmu_num_ctrs 9 and #3.6 level 4", E_INPUT,
	  .plat = P_RICH,
	  .mut = { PUT(2, RP(flags), F_PMU), PUT(2, RP(pmu_num_ctrs), 9),
		   PUT(2, RP(rtt_level_start), 4) } },
	{ "prec_level_over_num_start", "#3.6 level 4 and #3.7 rtt_num_start 0", E_INPUT,
	  .mut = { PUT(2, RP(rtt_level_start), 4), PUT(2, RP(rtt_num_start), 0) } },
	{ "prec_num_start_over_hash", "#3.7 rtt_num_start 2 and #3.8 hash 2", E_INPUT,
	  .mut = { PUT(2, RP(rtt_num_start), 2), PUT(2, RP(hash_algo), 2) } },
	{ "prec_hash_over_vmid", "#3.8 hash 2 and #3.9 VMID in use", E_INPUT,
	  .mut = { PUT(2, RP(hash_algo), 2) }, .pre = pre_vmid_taken },
	{ "prec_vmid_over_rd_range", "#3.9 VMID in use and #4 rd == rtt_base", E_INPUT,
	  .mut = { USE(1, S_RTT) }, .pre = pre_vmid_taken },
	{ "prec_rd_range_over_rtt_state", "#4 rd == rtt_base and #5 both NS", E_INPUT,
	  .pre = pre_rd_is_ns_rtt_base },
	{ "prec_bad_field_over_rd", "#3.2 s2sz 31 and #5 rd not DELEGATED", E_INPUT,
	  .mut = { PUT(2, RP(s2sz), 31), USE(1, S_NS) } },
};

/* ---- REALM_ACTIVATE, REALM_DESTROY, REC_AUX_COUNT ---- */

static void su_realm(struct ctx *c)
{
	realm_main(c, NULL);
	c->x[0] = c->rd;
}

static void chk_active(struct ctx *c)
{
	EXPECT_EQ(c, rmm_realm_state(c->m.rmm, c->rd), REALM_ACTIVE);
}

static void pre_activate(struct ctx *c)
{
	activate(c);
}

static void pre_rec_and_data(struct ctx *c)
{
	rec_new(c, true);
	data_make(c, 0);
}

/* The realm ran PSCI SYSTEM_OFF. */
static void su_realm_off(struct ctx *c)
{
	struct prog p = { .n = 0 };

	p_smc(&p, PSCI_SYSTEM_OFF, 0, 0, 0, 0);
	run_to(c, &p, 1, false, RMI_EXIT_PSCI);
	c->x[0] = c->rd;
	c->x[1] = ns_granule(&c->m);
}

static const struct tcase realm_activate_cases[] = {
	{ "ok", "NEW realm: ACTIVE, RIM unchanged", E_OK, .check = chk_active },
	{ "ok_with_rec_and_data", "NEW realm with a REC and DATA", E_OK,
	  .pre = pre_rec_and_data, .check = chk_active },
	{ "rd_unaligned", "#1 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_below_dram", "#1 rd below DRAM", E_INPUT, .mut = { USE(1, S_BELOW) } },
	{ "rd_past_dram", "#1 rd past DRAM", E_INPUT, .mut = { USE(1, S_PAST) } },
	{ "rd_ns", "#1 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#1 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_rtt", "#1 rd an RTT (the realm's root)", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_rec", "#1 rd a REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "rd_data", "#1 rd a DATA granule", E_INPUT, .mut = { USE(1, S_ZDATA) } },
	{ "rd_aux", "#1 rd a REC_AUX granule", E_INPUT, .mut = { USEL(1, S_ZAUX, 3) } },
	{ "active", "#2 realm ACTIVE", E_REALM(0), .pre = pre_activate },
	{ "system_off", "#2 realm SYSTEM_OFF (its REC called PSCI SYSTEM_OFF)", E_REALM(0),
	  .setup = su_realm_off },
	{ "prec_rd_over_state", "#1 rd unaligned (pointing into an ACTIVE RD) and #2", E_INPUT,
	  .mut = { ADD(1, 8) }, .pre = pre_activate },
};

static void chk_realm_destroyed(struct ctx *c)
{
	struct rmi_realm_params p;

	EXPECT_EQ(c, STATE(c, c->rd), GRANULE_DELEGATED);
	EXPECT(c, pas_is_zero(c->m.pas, c->rd));
	for (unsigned i = 0; i < c->num_start; i++) {
		EXPECT_EQ(c, STATE(c, c->rtt + i * GRANULE_SIZE), GRANULE_DELEGATED);
		EXPECT(c, pas_is_zero(c->m.pas, c->rtt + i * GRANULE_SIZE));
	}
	EXPECT_EQ(c, rmm_realm_state(c->m.rmm, c->rd), -1);
	/* The VMID is free again. */
	realm_params_default(&p, 1);
	p.rtt_base = del(c);
	EXPECT_EQ(c, call(c, RMI_REALM_CREATE, del(c), ns_put(c, &p, sizeof(p)), 0, 0, 0, NULL),
		  RMI_SUCCESS);
}

static void su_realm_concat(struct ctx *c)
{
	realm_geom(c, 0, 40, 1, 2);
	c->x[0] = c->rd;
}

static void su_realm_l1(struct ctx *c)
{
	realm_geom(c, 0, 39, 1, 1);
	c->x[0] = c->rd;
}

static void su_realm_l2(struct ctx *c)
{
	realm_geom(c, 0, 32, 2, 4);
	c->x[0] = c->rd;
}

static void pre_teardown_done(struct ctx *c)
{
	uint64_t rec = rec_new(c, true);

	rtts(c, 0, 3);
	data_make(c, 0);
	data_destroy(c, 0);
	MUST(c, call(c, RMI_RTT_DESTROY, c->rd, 0, 3, 0, 0, NULL));
	MUST(c, call(c, RMI_RTT_DESTROY, c->rd, 0, 2, 0, 0, NULL));
	MUST(c, call(c, RMI_RTT_DESTROY, c->rd, 0, 1, 0, 0, NULL));
	MUST(c, call(c, RMI_REC_DESTROY, rec, 0, 0, 0, 0, NULL));
}

static void pre_root_ns_block(struct ctx *c)
{
	map_ns(c, 1UL << 38, 1, GIB(4) | NS_ATTRS);
}

static void pre_rec(struct ctx *c)
{
	rec_new(c, true);
}

static void pre_rtt_l1(struct ctx *c)
{
	c->v[0] = rtts(c, 0, 1);
}

static void pre_rtt_second_root(struct ctx *c)
{
	rtts(c, 1UL << 39, 2);
}

static void pre_root_block(struct ctx *c)
{
	block_make(c, 0, F_RAM);
}

static void pre_rec_and_rtt(struct ctx *c)
{
	rec_new(c, true);
	rtts(c, 0, 1);
}

static const struct tcase realm_destroy_cases[] = {
	{ "ok_new", "NEW realm: RD and root DELEGATED and zero, VMID free", E_OK,
	  .check = chk_realm_destroyed },
	{ "ok_active", "ACTIVE realm (state not checked)", E_OK, .pre = pre_activate,
	  .check = chk_realm_destroyed },
	{ "ok_after_teardown", "after its REC, DATA and RTTs were destroyed", E_OK,
	  .pre = pre_teardown_done, .check = chk_realm_destroyed },
	{ "ok_concat_roots", "2 starting RTTs both freed", E_OK, .setup = su_realm_concat,
	  .check = chk_realm_destroyed },
	{ "ok_root_ns_block", "root holds only an NS block (not live; see Divergences)", E_OK,
	  .setup = su_realm_l1, .pre = pre_root_ns_block, .check = chk_realm_destroyed },
	{ "rd_unaligned", "#1 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_below_dram", "#1 rd below DRAM", E_INPUT, .mut = { USE(1, S_BELOW) } },
	{ "rd_ns", "#1 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#1 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_rtt", "#1 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_rec", "#1 rd a REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "rd_data", "#1 rd a DATA granule", E_INPUT, .mut = { USE(1, S_ZDATA) } },
	{ "rd_aux", "#1 rd a REC_AUX granule", E_INPUT, .mut = { USEL(1, S_ZAUX, 1) } },
	{ "has_rec", "#1 RD refcount != 0: a REC exists", E_REALM(0), .pre = pre_rec },
	{ "has_rtt", "#2 the root has a table entry", E_REALM(0), .pre = pre_rtt_l1 },
	{ "has_rtt_second_root", "#2 the second of 2 starting RTTs is live", E_REALM(0),
	  .setup = su_realm_concat, .pre = pre_rtt_second_root },
	{ "has_block_in_root", "#2 a level-2 root holds an ASSIGNED block", E_REALM(0),
	  .setup = su_realm_l2, .pre = pre_root_block },
	{ "prec_rd_over_rec", "#1 rd unaligned and a REC exists", E_INPUT, .mut = { ADD(1, 8) },
	  .pre = pre_rec },
	{ "prec_rec_over_rtt", "#1 REC exists and #2 root live", E_REALM(0),
	  .pre = pre_rec_and_rtt },
};

static const struct tcase rec_aux_count_cases[] = {
	{ "ok", "NEW realm: x1 = 16", E_OK, .out = { OUT(1, 16) } },
	{ "ok_active", "ACTIVE realm: x1 = 16", E_OK, .pre = pre_activate, .out = { OUT(1, 16) } },
	{ "ok_l2_realm", "a level-2, 4-RTT realm: x1 = 16", E_OK, .setup = su_realm_l2,
	  .out = { OUT(1, 16) } },
	{ "rd_unaligned", "#1 rd not aligned; x1 not written", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_below_dram", "#1 rd below DRAM", E_INPUT, .mut = { USE(1, S_BELOW) } },
	{ "rd_ns", "#1 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#1 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_rtt", "#1 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_rec", "#1 rd a REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "rd_data", "#1 rd a DATA granule", E_INPUT, .mut = { USE(1, S_ZDATA) } },
};

/* ---- REC_CREATE, REC_DESTROY ---- */

/* Another REC of the realm under test, leaving c->rec and c->aux alone. */
static uint64_t rec_other(struct ctx *c)
{
	uint64_t aux[RMI_REC_PARAMS_AUX_GRANULES];

	return rec_make(c, c->rd, c->nrecs++, true, aux);
}

static void su_rec_create(struct ctx *c)
{
	realm_main(c, NULL);
	c->x[0] = c->rd;
	c->x[1] = del(c);
	c->x[2] = rec_params(c, 0, true, c->aux);
}

/* 1023 RECs: the RD refcount is at its maximum.  Bulk: invariants checked once. */
static void su_rec_create_max(struct ctx *c)
{
	uint64_t aux[RMI_REC_PARAMS_AUX_GRANULES];

	realm_main(c, NULL);
	c->bulk = true;
	for (unsigned i = 0; i < 1023; i++)
		rec_make(c, c->rd, i, false, aux);
	c->nrecs = 1023;
	c->x[0] = c->rd;
	c->x[1] = del(c);
	c->x[2] = rec_params(c, 1023, true, c->aux);
	c->bulk = false;
	invariants(c, __LINE__);
}

static void chk_rec_created(struct ctx *c)
{
	const struct rmi_rec_params *p = pas_host_va(c->m.pas, c->x[2]);

	EXPECT_EQ(c, STATE(c, c->x[1]), GRANULE_REC);
	for (unsigned i = 0; i < RMI_REC_PARAMS_AUX_GRANULES; i++)
		EXPECT_EQ(c, STATE(c, p->aux[i]), GRANULE_REC_AUX);
	EXPECT_EQ(c, REFS(c, c->rd), ref_before(c, c->rd) + 1);
	EXPECT_EQ(c, rmm_realm_state(c->m.rmm, c->rd), REALM_NEW);
}

static void pre_rec_other(struct ctx *c)
{
	rec_other(c);
}

static void pre_16_recs(struct ctx *c)
{
	for (unsigned i = 0; i < 16; i++)
		rec_other(c);
}

static void pre_rec_destroyed(struct ctx *c)
{
	MUST(c, call(c, RMI_REC_DESTROY, rec_other(c), 0, 0, 0, 0, NULL));
}

#define AUX(i) CP(aux[i])

static const struct tcase rec_create_cases[] = {
	{ "ok_runnable", "REC, 16 REC_AUX, RD refcount +1, RIM extended", E_OK,
	  .check = chk_rec_created },
	{ "ok_not_runnable", "not runnable: RIM unchanged", E_OK, .rim = RIM_SAME,
	  .mut = { PUT(3, CP(flags), 0) }, .check = chk_rec_created },
	{ "ok_flags_unknown_ignored", "flags bits above RUNNABLE ignored", E_OK,
	  .mut = { PUT(3, CP(flags), ~0UL) }, .check = chk_rec_created },
	{ "ok_second", "index 1 after index 0", E_OK, .mut = { PUT(3, CP(mpidr), 1) },
	  .pre = pre_rec_other, .check = chk_rec_created },
	{ "ok_index_16_is_aff1", "index 16 = Aff1 1, Aff0 0", E_OK,
	  .mut = { PUT(3, CP(mpidr), 0x100) }, .pre = pre_16_recs, .check = chk_rec_created },
	{ "ok_index_after_destroy", "index 1 after REC 0 was destroyed", E_OK,
	  .mut = { PUT(3, CP(mpidr), 1) }, .pre = pre_rec_destroyed, .check = chk_rec_created },
	{ "params_unaligned", "#1 params_ptr not aligned", E_INPUT, .mut = { ADD(3, 8) } },
	{ "params_below_dram", "#1 params_ptr below DRAM", E_INPUT, .mut = { USE(3, S_BELOW) } },
	{ "params_delegated", "#1 params_ptr DELEGATED", E_INPUT, .mut = { USE(3, S_DEL) } },
	{ "params_rd", "#1 params_ptr an RD", E_INPUT, .mut = { USE(3, S_RD) } },
	{ "num_aux_17", "#3 num_aux 17 > 16", E_INPUT, .mut = { PUT(3, CP(num_aux), 17) } },
	{ "num_aux_max", "#3 num_aux ~0", E_INPUT, .mut = { PUT(3, CP(num_aux), ~0UL) } },
	{ "aux0_ns", "#4 aux[0] NS", E_INPUT, .mut = { PUTS(3, AUX(0), S_NS, 0) } },
	{ "aux15_ns", "#4 aux[15] NS: aux[0..14] given back", E_INPUT,
	  .mut = { PUTS(3, AUX(15), S_NS, 0) } },
	{ "aux_unaligned", "#4 aux[3] not aligned", E_INPUT, .mut = { PUTADD(3, AUX(3), 8) } },
	{ "aux_below_dram", "#4 aux[0] below DRAM", E_INPUT,
	  .mut = { PUTS(3, AUX(0), S_BELOW, 0) } },
	{ "aux_duplicate", "#4 aux[5] == aux[4]: not DELEGATED on second use", E_INPUT,
	  .mut = { PUTS(3, AUX(5), S_AUX, 4) } },
	{ "aux_is_rd", "#4 aux[2] the RD", E_INPUT, .mut = { PUTS(3, AUX(2), S_RD, 0) } },
	{ "aux_is_data", "#4 aux[9] a DATA granule", E_INPUT,
	  .mut = { PUTS(3, AUX(9), S_ZDATA, 0) } },
	{ "aux_is_rec_arg", "#5 aux[7] == rec: rec is REC_AUX by then", E_INPUT,
	  .mut = { PUTS(3, AUX(7), S_ARG, 2) } },
	{ "rec_ns", "#5 rec NS", E_INPUT, .mut = { USE(2, S_NS) } },
	{ "rec_unaligned", "#5 rec not aligned", E_INPUT, .mut = { ADD(2, 8) } },
	{ "rec_below_dram", "#5 rec below DRAM", E_INPUT, .mut = { USE(2, S_BELOW) } },
	{ "rec_is_rd", "#5 rec == rd", E_INPUT, .mut = { USE(2, S_RD) } },
	{ "rec_is_rec", "#5 rec already a REC", E_INPUT, .mut = { USE(2, S_ZREC) } },
	{ "rd_ns", "#5 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#5 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_unaligned", "#5 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_is_rtt", "#5 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_is_rec", "#5 rd a REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "rd_eq_rec", "#5 rd == rec (DELEGATED)", E_INPUT, .mut = { USEL(1, S_ARG, 2) } },
	{ "recs_max", "#6 RD refcount at 1023", E_REALM(0), .plat = P_BIG,
	  .setup = su_rec_create_max },
	{ "realm_active", "#7 realm ACTIVE", E_REALM(0), .pre = pre_activate },
	{ "mpidr_bits_7_4", "#8 mpidr bit 4 (outside Aff0[3:0])", E_INPUT,
	  .mut = { PUT(3, CP(mpidr), 0x10) } },
	{ "mpidr_bit_32", "#8 mpidr bit 32", E_INPUT, .mut = { PUT(3, CP(mpidr), 1UL << 32) } },
	{ "mpidr_aff3", "#8 mpidr Aff3 1: index 2^20 != 0", E_INPUT,
	  .mut = { PUT(3, CP(mpidr), 1UL << 24) } },
	{ "mpidr_skips_index", "#8 mpidr 1 for the first REC", E_INPUT,
	  .mut = { PUT(3, CP(mpidr), 1) } },
	{ "mpidr_reused", "#8 mpidr 0 after REC 0 was destroyed", E_INPUT,
	  .pre = pre_rec_destroyed },
	{ "num_aux_15", "#9 num_aux 15 != 16", E_INPUT, .mut = { PUT(3, CP(num_aux), 15) } },
	{ "num_aux_0", "#9 num_aux 0", E_INPUT, .mut = { PUT(3, CP(num_aux), 0) } },
	{ "prec_params_over_rd", "#1 params unaligned and #5 rd NS", E_INPUT,
	  .mut = { ADD(3, 8), USE(1, S_NS) } },
	{ "prec_num_aux_over_aux", "#3 num_aux 17 and #4 aux[0] NS", E_INPUT,
	  .mut = { PUT(3, CP(num_aux), 17), PUTS(3, AUX(0), S_NS, 0) } },
	{ "prec_aux_over_rec", "#4 aux[0] NS and #5 rec NS", E_INPUT,
	  .mut = { PUTS(3, AUX(0), S_NS, 0), USE(2, S_NS) } },
	{ "prec_rec_over_max", "#5 rec NS and #6 1023 RECs", E_INPUT, .plat = P_BIG,
	  .setup = su_rec_create_max, .mut = { USE(2, S_NS) } },
	{ "prec_max_over_active", "#6 1023 RECs and #7 ACTIVE", E_REALM(0), .plat = P_BIG,
	  .setup = su_rec_create_max, .pre = pre_activate },
	{ "prec_max_over_mpidr", "#6 1023 RECs and #8 mpidr bit 4", E_REALM(0), .plat = P_BIG,
	  .setup = su_rec_create_max, .mut = { PUT(3, CP(mpidr), 0x10) } },
	{ "prec_num_aux_over_active", "#3 num_aux 17 and #7 ACTIVE", E_INPUT,
	  .mut = { PUT(3, CP(num_aux), 17) }, .pre = pre_activate },
	{ "prec_aux_over_active", "#4 aux[0] NS and #7 ACTIVE", E_INPUT,
	  .mut = { PUTS(3, AUX(0), S_NS, 0) }, .pre = pre_activate },
	{ "prec_rec_over_active", "#5 rec NS and #7 ACTIVE", E_INPUT, .mut = { USE(2, S_NS) },
	  .pre = pre_activate },
	{ "prec_active_over_mpidr", "#7 ACTIVE and #8 mpidr bit 4", E_REALM(0),
	  .mut = { PUT(3, CP(mpidr), 0x10) }, .pre = pre_activate },
	{ "prec_active_over_num_aux", "#7 ACTIVE and #9 num_aux 15", E_REALM(0),
	  .mut = { PUT(3, CP(num_aux), 15) }, .pre = pre_activate },
	{ "prec_mpidr_over_num_aux", "#8 mpidr bit 4 and #9 num_aux 15", E_INPUT,
	  .mut = { PUT(3, CP(mpidr), 0x10), PUT(3, CP(num_aux), 15) } },
};

static void su_rec_destroy(struct ctx *c)
{
	realm_main(c, NULL);
	c->x[0] = rec_new(c, true);
}

static void chk_rec_destroyed(struct ctx *c)
{
	uint64_t aux[RMI_REC_PARAMS_AUX_GRANULES];

	EXPECT_EQ(c, STATE(c, c->x[0]), GRANULE_DELEGATED);
	EXPECT(c, pas_is_zero(c->m.pas, c->x[0]));
	for (unsigned i = 0; i < RMI_REC_PARAMS_AUX_GRANULES; i++)
		EXPECT_EQ(c, STATE(c, c->aux[i]), GRANULE_DELEGATED);
	EXPECT_EQ(c, REFS(c, c->rd), ref_before(c, c->rd) - 1);
	if (rmm_realm_state(c->m.rmm, c->rd) != REALM_NEW)
		return;
	/* The REC count is not decreased: index 0 is not reused, the next index is taken. */
	EXPECT_EQ(c, call(c, RMI_REC_CREATE, c->rd, del(c), rec_params(c, 0, true, aux), 0, 0,
			  NULL),
		  RMI_ERROR_INPUT);
	EXPECT_EQ(c, call(c, RMI_REC_CREATE, c->rd, del(c), rec_params(c, c->nrecs, true, aux), 0,
			  0, NULL),
		  RMI_SUCCESS);
}

static void pre_first_rec(struct ctx *c)
{
	uint64_t first = c->rec, aux[RMI_REC_PARAMS_AUX_GRANULES];

	memcpy(aux, c->aux, sizeof(aux));
	rec_new(c, false);
	c->rec = first;
	memcpy(c->aux, aux, sizeof(aux));
}

static const struct tcase rec_destroy_cases[] = {
	{ "ok", "REC and aux DELEGATED, RD refcount -1, index not reused", E_OK,
	  .check = chk_rec_destroyed },
	{ "ok_active", "ACTIVE realm (state not checked)", E_OK, .pre = pre_activate,
	  .check = chk_rec_destroyed },
	{ "ok_first_of_two", "REC 0 while REC 1 exists", E_OK, .pre = pre_first_rec,
	  .check = chk_rec_destroyed },
	{ "rec_unaligned", "#1 rec not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rec_below_dram", "#1 rec below DRAM", E_INPUT, .mut = { USE(1, S_BELOW) } },
	{ "rec_past_dram", "#1 rec past DRAM", E_INPUT, .mut = { USE(1, S_PAST) } },
	{ "rec_ns", "#1 rec NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rec_delegated", "#1 rec DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rec_rd", "#1 rec an RD", E_INPUT, .mut = { USE(1, S_RD) } },
	{ "rec_rtt", "#1 rec an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rec_aux", "#1 rec a REC_AUX granule", E_INPUT, .mut = { USEL(1, S_AUX, 0) } },
	{ "rec_data", "#1 rec a DATA granule", E_INPUT, .mut = { USE(1, S_ZDATA) } },
};

/* ---- REC_ENTER, PSCI_COMPLETE ---- */

static void su_enter(struct ctx *c, bool runnable, bool active)
{
	uint8_t junk[sizeof(struct rmi_rec_exit)];

	realm_main(c, NULL);
	rec_new(c, runnable);
	if (active)
		activate(c);
	c->x[0] = c->rec;
	c->x[1] = ns_granule(&c->m);
	/* The exit part holds junk: success must overwrite all of it, failure none. */
	memset(junk, 0x5a, sizeof(junk));
	host_write(&c->m, c->x[1] + RUN(exit), junk, sizeof(junk));
}

static void su_rec_enter(struct ctx *c)
{
	su_enter(c, true, true);
}

static void su_rec_enter_new(struct ctx *c)
{
	su_enter(c, true, false);
}

static void su_rec_enter_nr(struct ctx *c)
{
	su_enter(c, false, true);
}

static void su_rec_enter_new_nr(struct ctx *c)
{
	su_enter(c, false, false);
}

/* The content of @pa before the call under test (NULL if not kept). */
static const uint8_t *kept_before(struct ctx *c, uint64_t pa)
{
	for (uint64_t k = 0; k < c->before.nkept; k++)
		if (c->before.kept_pa[k] == pa)
			return c->before.kept + k * GRANULE_SIZE;
	return NULL;
}

/* No vCPU yet: the REC exits at once with an IRQ exit, written to run + 0x800. */
static void chk_rec_exit(struct ctx *c)
{
	const struct rmi_rec_run *run = pas_host_va(c->m.pas, c->x[1]);
	const uint8_t *old = kept_before(c, c->x[1]);
	struct rmi_rec_exit want;

	memset(&want, 0, sizeof(want));
	want.exit_reason = RMI_EXIT_IRQ;
	want.gicv3_hcr = run->enter.gicv3_hcr;
	memcpy(want.gicv3_lrs, run->enter.gicv3_lrs, sizeof(want.gicv3_lrs));
	EXPECT_EQ(c, run->exit.exit_reason, RMI_EXIT_IRQ);
	EXPECT(c, !memcmp(&run->exit, &want, sizeof(want)));
	/* The entry part is the host's: untouched. */
	EXPECT(c, old && !memcmp(old, &run->enter, sizeof(run->enter)));
	EXPECT_EQ(c, REFS(c, c->x[0]), 0);
}

/* One entry and IRQ exit first, through another run granule. */
static void pre_entered_once(struct ctx *c)
{
	MUST(c, call(c, RMI_REC_ENTER, c->x[0], ns_granule(&c->m), 0, 0, 0, NULL));
}

#define HCR     RUN(enter.gicv3_hcr)
#define LRS(i)  RUN(enter.gicv3_lrs[i])
#define EFLAGS  RUN(enter.flags)
#define EF_MMIO RMI_REC_ENTRY_FLAG_EMUL_MMIO
#define EF_SEA  RMI_REC_ENTRY_FLAG_INJECT_SEA

static void su_enter_at(struct ctx *c)
{
	c->x[0] = c->v[0];
	c->x[1] = c->v[3];
}

static void su_enter_off(struct ctx *c)
{
	su_realm_off(c);
	su_enter_at(c);
}

/* REC 0 asked PSCI CPU_ON for REC 1; the host has not completed it. */
static void su_enter_psci_pending(struct ctx *c)
{
	struct prog p = { .n = 0 };

	p_smc(&p, PSCI_CPU_ON_64, 1, PROG_IPA, 0, 0);
	run_to(c, &p, 2, false, RMI_EXIT_PSCI);
	su_enter_at(c);
}

/* REC 0 loaded from protected RAM that is not assigned: a SYNC exit, no ISV. */
static void su_enter_protected_abort(struct ctx *c)
{
	struct prog p = { .n = 0 };

	p_mov(&p, 21, PROG_RAM);
	p_op(&p, a64_ldr(1, 21));
	p_op(&p, A64_B_SELF);
	run_to(c, &p, 1, false, RMI_EXIT_SYNC);
	EXPECT(c, !(run_of(c, c->v[3])->exit.esr & ESR_ISV));
	su_enter_at(c);
}

/*
 * REC 0 read MMIO (x0 = [PROG_MMIO]) and will report x0; its synchronous
 * exception vector reports 0x5ea instead.
 */
static void su_enter_mmio_read(struct ctx *c)
{
	struct prog p = { .n = 0 };

	p_mov(&p, 22, PROG_IPA + PROG_VBAR);
	p_op(&p, a64_msr_vbar_el1(22));
	p_mov(&p, 20, PROG_MMIO);
	p_op(&p, a64_ldr(0, 20));
	p_op(&p, a64_str(0, 20));
	p_op(&p, A64_B_SELF);
	p.n = (PROG_VBAR + 0x200) / 4; /* current EL with SP_ELx, synchronous */
	p_mov(&p, 0, 0x5ea);
	p_op(&p, a64_str(0, 20));
	p_op(&p, A64_B_SELF);
	run_to(c, &p, 1, false, RMI_EXIT_SYNC);
	EXPECT(c, (run_of(c, c->v[3])->exit.esr & (ESR_ISV | ESR_WNR)) == ESR_ISV);
	su_enter_at(c);
}

/* The REC_ENTER under test ended at the program's report of x0 (after host ticks). */
static uint64_t entered_report(struct ctx *c)
{
	const struct rmi_rec_exit *e = &run_of(c, c->x[1])->exit;

	if (e->exit_reason == RMI_EXIT_IRQ)
		return reported_x0(c, c->x[0], c->x[1], 0);
	if (!EXPECT(c, e->exit_reason == RMI_EXIT_SYNC && (e->esr & ESR_WNR) &&
			       (e->hpfar << 8) == PROG_MMIO))
		return ~0UL;
	return e->gprs[0];
}

static void chk_mmio_read_done(struct ctx *c)
{
	EXPECT_EQ(c, entered_report(c), 0x1234);
}

static void chk_sea_taken(struct ctx *c)
{
	EXPECT_EQ(c, entered_report(c), 0x5ea);
}

static const struct tcase rec_enter_cases[] = {
	{ "ok", "exit written at run+0x800: reason IRQ, the rest zero", E_OK,
	  .check = chk_rec_exit },
	{ "ok_gic_lrs", "valid HCR (UIE, TDIR) and LRs (vINTID 32, 8192, 0xffff)", E_OK,
	  .mut = { PUT(2, HCR, (1UL << 1) | (1UL << 14)), PUT(2, LRS(0), LR(32)),
		   PUT(2, LRS(1), LR(8192)), PUT(2, LRS(15), LR(0xffff)) },
	  .check = chk_rec_exit },
	{ "ok_lr_invalid_state_ignored", "an LR in state Invalid is not checked (HW set)", E_OK,
	  .mut = { PUT(2, LRS(2), (1UL << 61) | 5000) }, .check = chk_rec_exit },
	{ "ok_lr_eoi", "an LR with pINTID bit 41 (EOI) only", E_OK,
	  .mut = { PUT(2, LRS(0), LR(40) | (1UL << 41)) }, .check = chk_rec_exit },
	{ "ok_trap_flags", "TRAP_WFI and TRAP_WFE", E_OK, .mut = { PUT(2, EFLAGS, 0xc) },
	  .check = chk_rec_exit },
	{ "ok_ripas_response_flag", "RIPAS_RESPONSE with no request pending", E_OK,
	  .mut = { PUT(2, EFLAGS, RMI_REC_ENTRY_FLAG_RIPAS_RESPONSE) }, .check = chk_rec_exit },
	{ "ok_unknown_flags_ignored", "entry flag bits 5..63 ignored", E_OK,
	  .mut = { PUT(2, EFLAGS, ~0x1fUL) }, .check = chk_rec_exit },
	{ "ok_twice", "enter again after an IRQ exit", E_OK, .pre = pre_entered_once,
	  .check = chk_rec_exit },
	{ "ok_emul_mmio_read", "#10 EMUL_MMIO after an MMIO read: gprs[0] loaded, PC stepped",
	  E_OK, .setup = su_enter_mmio_read,
	  .mut = { PUT(2, EFLAGS, EF_MMIO), PUT(2, RUN(enter.gprs), 0x1234) },
	  .check = chk_mmio_read_done },
	{ "ok_inject_sea_mmio", "#9 INJECT_SEA after an MMIO read: the realm's vector runs",
	  E_OK, .setup = su_enter_mmio_read, .mut = { PUT(2, EFLAGS, EF_SEA) },
	  .check = chk_sea_taken },
	{ "realm_system_off", "#5 realm SYSTEM_OFF: ERROR_REALM index 1", E_REALM(1),
	  .setup = su_enter_off },
	{ "psci_pending", "#7 PSCI CPU_ON request not completed", E_REC,
	  .setup = su_enter_psci_pending },
	{ "inject_sea_protected_abort", "#9 INJECT_SEA after a protected data abort", E_REC,
	  .setup = su_enter_protected_abort, .mut = { PUT(2, EFLAGS, EF_SEA) } },
	{ "emul_mmio_protected_abort", "#10 EMUL_MMIO after a protected data abort", E_REC,
	  .setup = su_enter_protected_abort, .mut = { PUT(2, EFLAGS, EF_MMIO) } },
	{ "run_unaligned", "#2 run_ptr not aligned", E_INPUT, .mut = { ADD(2, 8) } },
	{ "run_below_dram", "#2 run_ptr below DRAM", E_INPUT, .mut = { USE(2, S_BELOW) } },
	{ "run_past_dram", "#2 run_ptr past DRAM", E_INPUT, .mut = { USE(2, S_PAST) } },
	{ "run_delegated", "#2 run_ptr DELEGATED", E_INPUT, .mut = { USE(2, S_DEL) } },
	{ "run_rd", "#2 run_ptr an RD", E_INPUT, .mut = { USE(2, S_RD) } },
	{ "run_is_rec", "#2 run_ptr == rec", E_INPUT, .mut = { USEL(2, S_ARG, 1) } },
	{ "rec_unaligned", "#3 rec not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rec_ns", "#3 rec NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rec_delegated", "#3 rec DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rec_rd", "#3 rec an RD", E_INPUT, .mut = { USE(1, S_RD) } },
	{ "rec_aux", "#3 rec a REC_AUX granule", E_INPUT, .mut = { USEL(1, S_AUX, 0) } },
	{ "rec_data", "#3 rec a DATA granule", E_INPUT, .mut = { USE(1, S_ZDATA) } },
	{ "realm_new", "#5 realm NEW: ERROR_REALM index 0", E_REALM(0),
	  .setup = su_rec_enter_new },
	{ "not_runnable", "#6 REC not runnable", E_REC, .setup = su_rec_enter_nr },
	{ "gic_hcr_en", "#8 gicv3_hcr bit 0 (En) not allowed", E_REC, .mut = { PUT(2, HCR, 1) } },
	{ "gic_hcr_bit8", "#8 gicv3_hcr bit 8", E_REC, .mut = { PUT(2, HCR, 1UL << 8) } },
	{ "gic_hcr_bit63", "#8 gicv3_hcr bit 63", E_REC, .mut = { PUT(2, HCR, 1UL << 63) } },
	{ "gic_lr_hw", "#8 LR with HW = 1", E_REC,
	  .mut = { PUT(2, LRS(0), LR(32) | (1UL << 61)) } },
	{ "gic_lr_priority_res0", "#8 LR priority bit 48 (RES0 with 5 PRIbits)", E_REC,
	  .mut = { PUT(2, LRS(0), LR(32) | (1UL << 48)) } },
	{ "gic_lr_pintid", "#8 LR pINTID bit 32", E_REC,
	  .mut = { PUT(2, LRS(0), LR(32) | (1UL << 32)) } },
	{ "gic_lr_vintid_1020", "#8 LR vINTID 1020 (special)", E_REC,
	  .mut = { PUT(2, LRS(0), LR(1020)) } },
	{ "gic_lr_vintid_1056", "#8 LR vINTID 1056 (no ExtRange)", E_REC,
	  .mut = { PUT(2, LRS(0), LR(1056)) } },
	{ "gic_lr_vintid_8191", "#8 LR vINTID 8191", E_REC, .mut = { PUT(2, LRS(0), LR(8191)) } },
	{ "gic_lr_vintid_65536", "#8 LR vINTID 65536 > 16 IDbits", E_REC,
	  .mut = { PUT(2, LRS(0), LR(65536)) } },
	{ "gic_lr_duplicate", "#8 LRs 0 and 3 both vINTID 32", E_REC,
	  .mut = { PUT(2, LRS(0), LR(32)), PUT(2, LRS(3), LR(32) ^ (3UL << 62)) } },
	{ "gic_lr15_bad", "#8 the last LR invalid", E_REC,
	  .mut = { PUT(2, LRS(15), LR(32) | (1UL << 61)) } },
	{ "inject_sea_no_abort", "#9 INJECT_SEA, last exit not a data abort", E_REC,
	  .mut = { PUT(2, EFLAGS, EF_SEA) } },
	{ "inject_sea_after_irq", "#9 INJECT_SEA after an IRQ exit", E_REC,
	  .mut = { PUT(2, EFLAGS, EF_SEA) }, .pre = pre_entered_once },
	{ "emul_mmio_no_abort", "#10 EMUL_MMIO, last exit not a data abort", E_REC,
	  .mut = { PUT(2, EFLAGS, EF_MMIO) } },
	{ "emul_mmio_after_irq", "#10 EMUL_MMIO after an IRQ exit", E_REC,
	  .mut = { PUT(2, EFLAGS, EF_MMIO) }, .pre = pre_entered_once },
	{ "prec_run_over_rec", "#2 run DELEGATED and #3 rec NS", E_INPUT,
	  .mut = { USE(2, S_DEL), USE(1, S_NS) } },
	{ "prec_run_over_realm_new", "#2 run unaligned and #5 realm NEW", E_INPUT,
	  .setup = su_rec_enter_new, .mut = { ADD(2, 8) } },
	{ "prec_rec_over_realm_new", "#3 rec is the RD and #5 realm NEW", E_INPUT,
	  .setup = su_rec_enter_new, .mut = { USE(1, S_RD) } },
	{ "prec_realm_new_over_runnable", "#5 NEW and #6 not runnable", E_REALM(0),
	  .setup = su_rec_enter_new_nr },
	{ "prec_realm_new_over_gic", "#5 NEW and #8 bad gicv3_hcr", E_REALM(0),
	  .setup = su_rec_enter_new, .mut = { PUT(2, HCR, 1) } },
	{ "prec_realm_new_over_sea", "#5 NEW and #9 INJECT_SEA", E_REALM(0),
	  .setup = su_rec_enter_new, .mut = { PUT(2, EFLAGS, EF_SEA) } },
	{ "prec_runnable_over_gic", "#6 not runnable and #8 bad gicv3_hcr", E_REC,
	  .setup = su_rec_enter_nr, .mut = { PUT(2, HCR, 1) } },
	{ "prec_gic_over_sea", "#8 bad LR and #9 INJECT_SEA", E_REC,
	  .mut = { PUT(2, LRS(0), LR(1020)), PUT(2, EFLAGS, EF_SEA) } },
	{ "prec_sea_over_mmio", "#9 INJECT_SEA and #10 EMUL_MMIO", E_REC,
	  .mut = { PUT(2, EFLAGS, EF_SEA | EF_MMIO) } },
};

static void su_psci(struct ctx *c)
{
	realm_main(c, NULL);
	c->v[0] = rec_new(c, true);
	c->v[1] = rec_new(c, true);
	c->x[0] = c->v[0];
	c->x[1] = c->v[1];
}

/*
 * REC 0 reports its x0, then asks @fid (CPU_ON or AFFINITY_INFO) about REC 1
 * and reports the result.  Three RECs; RECs 1 and 2 runnable if @others.
 * x = { REC 0, REC 1, SUCCESS }.
 */
static void su_psci_req(struct ctx *c, uint64_t fid, bool others)
{
	struct prog p = { .n = 0 };

	p_report_x0(&p);
	p_smc(&p, fid, 1, fid == PSCI_CPU_ON_64 ? PROG_IPA : 0, 0xc0ffee, 0);
	realm_running(c, &p, 3, others);
	EXPECT_EQ(c, reported_x0(c, c->v[0], c->v[3], 0), 0x1000); /* REC 0's params x0 */
	EXPECT_EQ(c, next_exit(c, c->v[0], c->v[3], RMI_REC_ENTRY_FLAG_EMUL_MMIO),
		  RMI_EXIT_PSCI);
	EXPECT_EQ(c, run_of(c, c->v[3])->exit.gprs[0], fid);
	EXPECT_EQ(c, run_of(c, c->v[3])->exit.gprs[1], 1);
	c->x[0] = c->v[0];
	c->x[1] = c->v[1];
	c->x[2] = PSCI_RET_SUCCESS;
}

static void su_cpu_on(struct ctx *c)
{
	su_psci_req(c, PSCI_CPU_ON_64, false);
}

static void su_cpu_on_target_on(struct ctx *c)
{
	su_psci_req(c, PSCI_CPU_ON_64, true);
}

static void su_affinity(struct ctx *c)
{
	su_psci_req(c, PSCI_AFFINITY_INFO_64, false);
}

static void su_affinity_on(struct ctx *c)
{
	su_psci_req(c, PSCI_AFFINITY_INFO_64, true);
}

/* What REC 0 sees as its PSCI result when it runs on. */
static uint64_t caller_result(struct ctx *c)
{
	return reported_x0(c, c->v[0], c->v[3], 0);
}

/* CPU_ON done: REC 0 gets SUCCESS; REC 1 starts at the entry with x0 = context ID. */
static void chk_cpu_on(struct ctx *c)
{
	EXPECT_EQ(c, caller_result(c), PSCI_RET_SUCCESS);
	EXPECT_EQ(c, reported_x0(c, c->v[1], ns_granule(&c->m), 0), 0xc0ffee);
}

static void chk_cpu_on_denied(struct ctx *c)
{
	EXPECT_EQ(c, caller_result(c), PSCI_RET_DENIED);
	EXPECT_EQ(c, RMI_RET_STATUS(call(c, RMI_REC_ENTER, c->v[1], ns_granule(&c->m), 0, 0, 0,
					 NULL)),
		  RMI_ERROR_REC);
}

static void chk_already_on(struct ctx *c)
{
	EXPECT_EQ(c, caller_result(c), PSCI_RET_ALREADY_ON);
}

static void chk_affinity_off(struct ctx *c)
{
	EXPECT_EQ(c, caller_result(c), PSCI_AFFINITY_OFF);
}

static void chk_affinity_on(struct ctx *c)
{
	EXPECT_EQ(c, caller_result(c), PSCI_AFFINITY_ON);
}

static const struct tcase psci_complete_cases[] = {
	{ "no_request", "#5 calling REC has no PSCI request pending", E_INPUT },
	{ "no_request_active", "#5 no request, ACTIVE realm", E_INPUT, .pre = pre_activate },
	{ "no_request_status_denied", "#5 no request, status DENIED", E_INPUT,
	  .mut = { SET(3, -3) } },
	{ "no_request_reversed", "#5 no request, target calls", E_INPUT,
	  .mut = { USEL(1, S_V, 1), USEL(2, S_V, 0) } },
	{ "calling_unaligned", "#1 calling_rec not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "target_unaligned", "#2 target_rec not aligned", E_INPUT, .mut = { ADD(2, 8) } },
	{ "calling_below_dram", "#3 calling_rec below DRAM", E_INPUT, .mut = { USE(1, S_BELOW) } },
	{ "calling_ns", "#3 calling_rec NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "calling_delegated", "#3 calling_rec DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "calling_rd", "#3 calling_rec an RD", E_INPUT, .mut = { USE(1, S_RD) } },
	{ "calling_aux", "#3 calling_rec a REC_AUX granule", E_INPUT,
	  .mut = { USEL(1, S_AUX, 2) } },
	{ "target_ns", "#3 target_rec NS", E_INPUT, .mut = { USE(2, S_NS) } },
	{ "target_past_dram", "#3 target_rec past DRAM", E_INPUT, .mut = { USE(2, S_PAST) } },
	{ "target_rd", "#3 target_rec an RD", E_INPUT, .mut = { USE(2, S_RD) } },
	{ "target_data", "#3 target_rec a DATA granule", E_INPUT, .mut = { USE(2, S_ZDATA) } },
	{ "same_rec", "#3 calling_rec == target_rec", E_INPUT, .mut = { USEL(2, S_ARG, 1) } },
	{ "other_realm", "#5 no request (before #6 target in another realm)", E_INPUT,
	  .mut = { USE(2, S_ZREC) } },
	{ "prec_calling_over_target", "#1 and #2 both unaligned", E_INPUT,
	  .mut = { ADD(1, 8), ADD(2, 8) } },
	{ "prec_target_align_over_state", "#2 target unaligned and #3 calling NS", E_INPUT,
	  .mut = { ADD(2, 8), USE(1, S_NS) } },
	{ "prec_state_over_request", "#3 target an RD and #5 no request", E_INPUT,
	  .mut = { USE(2, S_RD) } },
	{ "ok_cpu_on", "#8, #9 CPU_ON SUCCESS: target runnable at the entry, x0 = context ID",
	  E_OK, .setup = su_cpu_on, .check = chk_cpu_on },
	{ "ok_cpu_on_denied", "#9 CPU_ON DENIED: the caller gets DENIED, the target stays off",
	  E_OK, .setup = su_cpu_on, .mut = { SET(3, PSCI_RET_DENIED) },
	  .check = chk_cpu_on_denied },
	{ "ok_cpu_on_already_on", "#9 CPU_ON SUCCESS for a runnable target: ALREADY_ON", E_OK,
	  .setup = su_cpu_on_target_on, .check = chk_already_on },
	{ "cpu_on_denied_target_on", "#9 DENIED for a runnable target: ERROR_INPUT, yet completed "
	  "(the caller gets ALREADY_ON)", E_INPUT, .setup = su_cpu_on_target_on,
	  .mut = { SET(3, PSCI_RET_DENIED) }, .check = chk_already_on, .completes = true },
	{ "cpu_on_status_invalid", "#8 CPU_ON status INVALID_PARAMETERS", E_INPUT,
	  .setup = su_cpu_on, .mut = { SET(3, PSCI_RET_INVALID_PARAMETERS) } },
	{ "cpu_on_status_already_on", "#8 CPU_ON status ALREADY_ON (only SUCCESS, DENIED)",
	  E_INPUT, .setup = su_cpu_on, .mut = { SET(3, PSCI_RET_ALREADY_ON) } },
	{ "target_not_requested", "#7 target REC 2, the request named REC 1", E_INPUT,
	  .setup = su_cpu_on, .mut = { USEL(2, S_V, 2) } },
	{ "target_other_realm", "#6 target a REC of another realm (request pending)", E_INPUT,
	  .setup = su_cpu_on, .mut = { USE(2, S_ZREC) } },
	{ "ok_affinity_off", "#8, #9 AFFINITY_INFO of an off REC: OFF", E_OK,
	  .setup = su_affinity, .check = chk_affinity_off },
	{ "ok_affinity_on", "#9 AFFINITY_INFO of a runnable REC: ON", E_OK,
	  .setup = su_affinity_on, .check = chk_affinity_on },
	{ "affinity_denied", "#8 AFFINITY_INFO status DENIED (only SUCCESS)", E_INPUT,
	  .setup = su_affinity, .mut = { SET(3, PSCI_RET_DENIED) } },
	{ "prec_other_realm_over_status", "#6 target of another realm and #8 bad status",
	  E_INPUT, .setup = su_cpu_on, .mut = { USE(2, S_ZREC), SET(3, 7) } },
};

/* ---- RTT_CREATE ---- */

static void su_rtt_create(struct ctx *c)
{
	realm_main(c, NULL);
	c->x[0] = c->rd;
	c->x[1] = del(c);
	c->x[2] = 0;
	c->x[3] = 1;
}

static void su_rtt_create_concat(struct ctx *c)
{
	realm_geom(c, 0, 40, 1, 2);
	c->x[1] = del(c);
	c->x[0] = c->rd;
	c->x[2] = 1UL << 39; /* the first entry of the second starting RTT */
	c->x[3] = 2;
}

static void su_rtt_create_lm1(struct ctx *c)
{
	realm_geom(c, F_LPA2, 52, -1, 1);
	c->x[0] = c->rd;
	c->x[1] = del(c);
	c->x[2] = 0;
	c->x[3] = 0;
}

static void su_rtt_create_lpa2(struct ctx *c)
{
	realm_geom(c, F_LPA2, 48, 0, 1);
	c->x[0] = c->rd;
	c->x[1] = del(c);
	c->x[2] = 0;
	c->x[3] = 1;
}

/*
 * The new RTT is a TABLE entry of its parent, and its entries are what the
 * parent entry was: v[0] state, v[1] RIPAS, v[2] first descriptor (the rest
 * contiguous), v[3] 1 if a protected block moved its count into the child.
 */
static void chk_rtt_created(struct ctx *c)
{
	uint64_t rtt = c->x[1], ipa = c->x[2];
	int level = (int)c->x[3];
	uint64_t parent = rtt_pa(c, ipa, level - 1);
	struct smc_result r = entry_of(c, c->rd, ipa, level - 1);
	uint64_t idx[] = { 0, 1, 511 };

	EXPECT_EQ(c, STATE(c, rtt), GRANULE_RTT);
	EXPECT(c, r.x[1] == LVL(level - 1) && r.x[2] == RMI_TABLE && r.x[3] == rtt);
	for (unsigned i = 0; i < N(idx); i++)
		expect_entry(c, ipa + idx[i] * LS(level), level, level, (unsigned)c->v[0],
			     c->v[2] ? c->v[2] + idx[i] * LS(level) : 0, (unsigned)c->v[1]);
	EXPECT_EQ(c, REFS(c, rtt), c->v[3] ? 512 : 0);
	EXPECT_EQ(c, REFS(c, parent), ref_before(c, parent) + (c->v[3] ? 0 : 1));
	if (!ipa_protected(c, ipa) && c->v[0] == RMI_UNASSIGNED && level >= 1)
		expect_ns_mappable(c, ipa + LS(level), level);
}

static void pre_rtt_create_l3(struct ctx *c)
{
	rtts(c, 0, 2);
	c->x[3] = 3;
}

static void pre_rtt_create_from_ram(struct ctx *c)
{
	rtts(c, 0, 1);
	ripas_ram(c, 0, LS(1));
	c->x[3] = 2;
	c->v[1] = RMI_RAM;
}

static void pre_rtt_create_from_destroyed(struct ctx *c)
{
	rtts(c, 0, 2);
	MUST(c, call(c, RMI_RTT_DESTROY, c->rd, 0, 2, 0, 0, NULL));
	c->x[3] = 2;
	c->v[1] = RMI_DESTROYED;
}

static void split_block(struct ctx *c, enum fill kind, unsigned ripas)
{
	c->v[2] = block_make(c, LS(2), kind);
	c->x[2] = LS(2);
	c->x[3] = 3;
	c->v[0] = RMI_ASSIGNED;
	c->v[1] = ripas;
	c->v[3] = 1;
}

static void pre_split_ram(struct ctx *c)
{
	split_block(c, F_RAM, RMI_RAM);
}

static void pre_split_empty(struct ctx *c)
{
	split_block(c, F_EMPTY, RMI_EMPTY);
}

static void pre_split_destroyed(struct ctx *c)
{
	split_block(c, F_DESTROYED, RMI_DESTROYED);
}

static void pre_split_ns(struct ctx *c)
{
	map_ns(c, IPA_NS, 2, NS_DESC);
	c->x[2] = IPA_NS;
	c->x[3] = 3;
	c->v[0] = RMI_ASSIGNED;
	c->v[2] = NS_DESC;
}

static void pre_split_ns_l1(struct ctx *c)
{
	map_ns(c, IPA_NS, 1, NS_DESC);
	c->x[2] = IPA_NS;
	c->x[3] = 2;
	c->v[0] = RMI_ASSIGNED;
	c->v[2] = NS_DESC;
}

static void pre_rtt_l2(struct ctx *c)
{
	c->v[0] = rtts(c, 0, 2);
}

static void pre_rtt_l3(struct ctx *c)
{
	c->v[0] = rtts(c, 0, 3);
}

static void pre_lm1_level0(struct ctx *c)
{
	rtts(c, 0, 0);
}

static const struct tcase rtt_create_cases[] = {
	{ "ok_l1", "level 1 under the root: children UNASSIGNED EMPTY, root refcount +1", E_OK,
	  .check = chk_rtt_created },
	{ "ok_l3", "level 3 under level 2", E_OK, .pre = pre_rtt_create_l3,
	  .check = chk_rtt_created },
	{ "ok_unprotected", "unprotected IPA: children UNASSIGNED_NS", E_OK,
	  .mut = { SET(3, IPA_NS) }, .check = chk_rtt_created },
	{ "ok_from_ram", "parent UNASSIGNED RAM: children RAM", E_OK,
	  .pre = pre_rtt_create_from_ram, .check = chk_rtt_created },
	{ "ok_from_destroyed", "parent UNASSIGNED DESTROYED: children DESTROYED", E_OK,
	  .pre = pre_rtt_create_from_destroyed, .check = chk_rtt_created },
	{ "ok_split_block_ram", "ASSIGNED RAM block: 512 pages, child refcount 512", E_OK,
	  .pre = pre_split_ram, .check = chk_rtt_created },
	{ "ok_split_block_empty", "ASSIGNED EMPTY block split", E_OK, .pre = pre_split_empty,
	  .check = chk_rtt_created },
	{ "ok_split_block_destroyed", "ASSIGNED DESTROYED block split", E_OK,
	  .pre = pre_split_destroyed, .check = chk_rtt_created },
	{ "ok_split_ns_block", "ASSIGNED_NS block: 512 NS pages, parent refcount +1", E_OK,
	  .pre = pre_split_ns, .check = chk_rtt_created },
	{ "ok_split_ns_l1_block", "ASSIGNED_NS 1 GiB block: 512 NS 2 MiB blocks", E_OK,
	  .pre = pre_split_ns_l1, .check = chk_rtt_created },
	{ "ok_active", "ACTIVE realm (state not checked)", E_OK, .pre = pre_activate,
	  .check = chk_rtt_created },
	{ "ok_concat_second_root", "level 2 under the second of 2 starting RTTs", E_OK,
	  .setup = su_rtt_create_concat, .check = chk_rtt_created },
	{ "ok_lpa2_level0", "LPA2 realm, level -1 root: a level-0 RTT", E_OK, .plat = P_RICH,
	  .setup = su_rtt_create_lm1, .check = chk_rtt_created },
	{ "ok_lpa2_last_root_entry", "LPA2 level -1 root, entry 15", E_OK, .plat = P_RICH,
	  .setup = su_rtt_create_lm1, .mut = { SET(3, 15UL << 48) }, .check = chk_rtt_created },
	{ "ok_lpa2_rtt_above_48", "LPA2 realm: an RTT at PA >= 2^48", E_OK,
	  .plat = P_HIGH_LPA2, .setup = su_rtt_create_lpa2, .mut = { USE(2, S_HIGH) },
	  .check = chk_rtt_created },
	{ "rtt_unaligned", "#1 rtt not aligned", E_INPUT, .mut = { ADD(2, 8) } },
	{ "rtt_below_dram", "#1 rtt below DRAM", E_INPUT, .mut = { USE(2, S_BELOW) } },
	{ "rtt_past_dram", "#1 rtt past DRAM", E_INPUT, .mut = { USE(2, S_PAST) } },
	{ "rtt_ns", "#1 rtt NS", E_INPUT, .mut = { USE(2, S_NS) } },
	{ "rtt_is_rd", "#1 rtt == rd", E_INPUT, .mut = { USE(2, S_RD) } },
	{ "rtt_is_root", "#1 rtt the realm's root RTT", E_INPUT, .mut = { USE(2, S_RTT) } },
	{ "rtt_is_rec", "#1 rtt a REC", E_INPUT, .mut = { USE(2, S_ZREC) } },
	{ "rtt_is_data", "#1 rtt a DATA granule", E_INPUT, .mut = { USE(2, S_ZDATA) } },
	{ "rtt_is_aux", "#1 rtt a REC_AUX granule", E_INPUT, .mut = { USEL(2, S_ZAUX, 5) } },
	{ "rd_unaligned", "#1 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_ns", "#1 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#1 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_is_rtt", "#1 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_is_rec", "#1 rd a REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "rd_eq_rtt", "#1 rd == rtt (DELEGATED)", E_INPUT, .mut = { USEL(1, S_ARG, 2) } },
	{ "level_start", "#2 level == start level 0", E_INPUT, .mut = { SET(4, 0) } },
	{ "level_4", "#2 level 4", E_INPUT, .mut = { SET(4, 4) } },
	{ "level_m1", "#2 level -1", E_INPUT, .mut = { SET(4, LVL(-1)) } },
	{ "level_2pow32_plus1", "#2 level 2^32 + 1 (not truncated)", E_INPUT,
	  .mut = { SET(4, (1UL << 32) | 1) } },
	{ "level_m1_lpa2", "#2 level -1 == start level -1", E_INPUT, .plat = P_RICH,
	  .setup = su_rtt_create_lm1, .mut = { SET(4, LVL(-1)) } },
	{ "ipa_out_of_range", "#2 ipa 2^48 >= 2^s2sz", E_INPUT, .mut = { SET(3, 1UL << 48) } },
	{ "ipa_unaligned", "#2 level 1 at ipa 0x1000", E_INPUT, .mut = { SET(3, 0x1000) } },
	{ "ipa_aligned_to_level_only", "#2 level 2 at 2 MiB: aligned to level, not level - 1",
	  E_INPUT, .mut = { SET(3, LS(2)), SET(4, 2) }, .pre = pre_rtt_l1 },
	{ "ipa_unaligned_l3", "#2 level 3 at ipa 0x1000", E_INPUT,
	  .mut = { SET(3, 0x1000), SET(4, 3) }, .pre = pre_rtt_l2 },
	{ "rtt_pa_above_48", "#3 no LPA2 and rtt >= 2^48", E_INPUT, .plat = P_HIGH,
	  .mut = { USE(2, S_HIGH) } },
	{ "walk_short_l0", "#4 level 2: the walk stops at level 0", E_RTT(0),
	  .mut = { SET(4, 2) } },
	{ "walk_short_l1", "#4 level 3: the walk stops at level 1", E_RTT(1),
	  .mut = { SET(4, 3) }, .pre = pre_rtt_l1 },
	{ "walk_short_l0_for_l3", "#4 level 3, no tables: the walk stops at level 0", E_RTT(0),
	  .mut = { SET(4, 3) } },
	{ "walk_short_lm1", "#4 LPA2, level 1: the walk stops at level -1", E_RTT(0xff),
	  .plat = P_RICH, .setup = su_rtt_create_lm1, .mut = { SET(4, 1) } },
	{ "parent_table_l0", "#5 level 1 already there", E_RTT(0), .pre = pre_rtt_l1 },
	{ "parent_table_l2", "#5 level 3 already there", E_RTT(2), .mut = { SET(4, 3) },
	  .pre = pre_rtt_l3 },
	{ "parent_table_lm1", "#5 LPA2: level 0 already there", E_RTT(0xff), .plat = P_RICH,
	  .setup = su_rtt_create_lm1, .pre = pre_lm1_level0 },
	{ "prec_rtt_over_level", "#1 rtt NS and #2 level 4", E_INPUT,
	  .mut = { USE(2, S_NS), SET(4, 4) } },
	{ "prec_rd_over_level", "#1 rd NS and #2 level 4", E_INPUT,
	  .mut = { USE(1, S_NS), SET(4, 4) } },
	{ "prec_level_over_pa48", "#2 level 4 and #3 rtt >= 2^48", E_INPUT, .plat = P_HIGH,
	  .mut = { USE(2, S_HIGH), SET(4, 4) } },
	{ "prec_align_over_walk", "#2 level 3 at 0x1000 and #4 walk short", E_INPUT,
	  .mut = { SET(3, 0x1000), SET(4, 3) } },
	{ "prec_range_over_walk", "#2 ipa 2^48 and #4 walk short", E_INPUT,
	  .mut = { SET(3, 1UL << 48), SET(4, 2) } },
	{ "prec_align_over_parent_table", "#2 level 1 at 0x1000 and #5 parent a table",
	  E_INPUT, .mut = { SET(3, 0x1000) }, .pre = pre_rtt_l1 },
	{ "prec_pa48_over_walk", "#3 rtt >= 2^48 and #4 walk short", E_INPUT, .plat = P_HIGH,
	  .mut = { USE(2, S_HIGH), SET(4, 2) } },
	{ "prec_pa48_over_parent_table", "#3 rtt >= 2^48 and #5 parent a table", E_INPUT,
	  .plat = P_HIGH, .mut = { USE(2, S_HIGH) }, .pre = pre_rtt_l1 },
};

/* ---- RTT_DESTROY ---- */

static void su_rtt_destroy(struct ctx *c)
{
	rtt_call_at(c, 0, 2, 2);
}

static void su_rtt_destroy_l1(struct ctx *c)
{
	rtt_call_at(c, 0, 1, 1);
}

static void su_rtt_destroy_ns(struct ctx *c)
{
	rtt_call_at(c, IPA_NS, 2, 2);
}

static void su_rtt_destroy_lm1(struct ctx *c)
{
	realm_geom(c, F_LPA2, 52, -1, 1);
	c->x[0] = c->rd;
	c->x[1] = 0;
	c->x[2] = 1;
}

/* The child (v[0]) is DELEGATED; the parent entry UNASSIGNED DESTROYED, or NS if unprotected. */
static void chk_rtt_destroyed(struct ctx *c)
{
	uint64_t ipa = c->x[1];
	int level = (int)c->x[2];
	bool prot = ipa_protected(c, ipa);

	EXPECT_EQ(c, STATE(c, c->v[0]), GRANULE_DELEGATED);
	EXPECT(c, pas_is_zero(c->m.pas, c->v[0]));
	expect_entry(c, ipa, level - 1, level - 1, RMI_UNASSIGNED, 0,
		     prot ? RMI_DESTROYED : RMI_EMPTY);
	EXPECT_EQ(c, REFS(c, rtt_pa(c, ipa, level - 1)),
		  ref_before(c, rtt_pa(c, ipa, level - 1)) - 1);
	if (!prot && level - 1 >= 1)
		expect_ns_mappable(c, ipa, level - 1);
}

static void pre_l2_at_5g(struct ctx *c)
{
	rtts(c, GIB(5), 2);
}

static void pre_l2_at_3g(struct ctx *c)
{
	rtts(c, GIB(3), 2);
}

static void pre_ns_blocks_in_l2(struct ctx *c)
{
	map_ns(c, IPA_NS, 2, NS_DESC);
	map_ns(c, IPA_NS + LS(2), 2, (NS_PA + LS(2)) | NS_ATTRS);
}

static void pre_destroy_twice(struct ctx *c)
{
	MUST(c, call(c, RMI_RTT_DESTROY, c->rd, 0, 2, 0, 0, NULL));
}

static void pre_block_at_2m(struct ctx *c)
{
	c->v[0] = block_make(c, LS(2), F_RAM);
}

static void pre_ns_block_at_ns_2m(struct ctx *c)
{
	map_ns(c, IPA_NS + LS(2), 2, NS_DESC);
}

static void pre_l3_at_1g(struct ctx *c)
{
	rtts(c, GIB(1), 3);
}

static void pre_data_in_l3_at_2m(struct ctx *c)
{
	data_make(c, LS(2) + 0x3000);
}

static void pre_block_in_l2_at_1g(struct ctx *c)
{
	block_make(c, GIB(1) + LS(2), F_EMPTY);
}

static const struct tcase rtt_destroy_cases[] = {
	{ "ok", "level 2: parent UNASSIGNED DESTROYED, x1 = RTT, x2 = end of parent", E_OK,
	  .out = { OUTS(1, S_V, 0), OUT(2, LS(0)) }, .check = chk_rtt_destroyed },
	{ "ok_top_next_live", "x2 = the next live parent entry (5 GiB)", E_OK,
	  .pre = pre_l2_at_5g, .out = { OUTS(1, S_V, 0), OUT(2, GIB(5)) },
	  .check = chk_rtt_destroyed },
	{ "ok_l1", "level 1: x2 = end of the root (2^48)", E_OK, .setup = su_rtt_destroy_l1,
	  .out = { OUTS(1, S_V, 0), OUT(2, 1UL << 48) }, .check = chk_rtt_destroyed },
	{ "ok_unprotected", "unprotected: parent UNASSIGNED_NS", E_OK,
	  .setup = su_rtt_destroy_ns, .out = { OUTS(1, S_V, 0), OUT(2, IPA_NS + LS(0)) },
	  .check = chk_rtt_destroyed },
	{ "ok_unprotected_ns_maps", "an RTT holding NS blocks is not live", E_OK,
	  .setup = su_rtt_destroy_ns, .pre = pre_ns_blocks_in_l2,
	  .out = { OUTS(1, S_V, 0), OUT(2, IPA_NS + LS(0)) }, .check = chk_rtt_destroyed },
	{ "ok_active", "ACTIVE realm (state not checked)", E_OK, .pre = pre_activate,
	  .out = { OUTS(1, S_V, 0), OUT(2, LS(0)) }, .check = chk_rtt_destroyed },
	{ "rd_unaligned", "#1 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_ns", "#1 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#1 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_is_rtt", "#1 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_is_rec", "#1 rd a REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "level_start", "#2 level 0 == start level", E_INPUT, .mut = { SET(3, 0) } },
	{ "level_4", "#2 level 4", E_INPUT, .mut = { SET(3, 4) } },
	{ "level_m1", "#2 level -1", E_INPUT, .mut = { SET(3, LVL(-1)) } },
	{ "ipa_out_of_range", "#2 ipa 2^48", E_INPUT, .mut = { SET(2, 1UL << 48) } },
	{ "ipa_aligned_to_level_only", "#2 level 2 at 2 MiB", E_INPUT, .mut = { SET(2, LS(2)) } },
	{ "ipa_unaligned", "#2 level 2 at 0x1000", E_INPUT, .mut = { SET(2, 0x1000) } },
	{ "walk_short_root", "#3 level 2 at 512 GiB: the walk stops at level 0", E_RTT(0),
	  .mut = { SET(2, LS(0)) }, .out = { OUT(2, 1UL << 48) } },
	{ "walk_short_l1", "#3 level 3 at 1 GiB: the walk stops at level 1", E_RTT(1),
	  .mut = { SET(2, GIB(1)), SET(3, 3) }, .out = { OUT(2, LS(0)) } },
	{ "walk_short_l1_next_live", "#3 walk stops at level 1; x2 = next live (3 GiB)", E_RTT(1),
	  .mut = { SET(2, GIB(1)), SET(3, 3) }, .pre = pre_l2_at_3g, .out = { OUT(2, GIB(3)) } },
	{ "walk_short_lm1", "#3 LPA2 level 1: the walk stops at level -1; x2 = 2^52", E_RTT(0xff),
	  .plat = P_RICH, .setup = su_rtt_destroy_lm1, .out = { OUT(2, 1UL << 52) } },
	{ "parent_unassigned", "#3 level 2 at 1 GiB: parent entry UNASSIGNED", E_RTT(1),
	  .mut = { SET(2, GIB(1)) }, .out = { OUT(2, LS(0)) } },
	{ "parent_destroyed", "#3 destroyed twice: parent entry DESTROYED", E_RTT(1),
	  .pre = pre_destroy_twice, .out = { OUT(2, LS(0)) } },
	{ "parent_block", "#3 level 3 under an ASSIGNED block: x2 = ipa", E_RTT(2),
	  .mut = { SET(2, LS(2)), SET(3, 3) }, .pre = pre_block_at_2m,
	  .out = { OUT(2, LS(2)) } },
	{ "parent_ns_block", "#3 level 3 under an NS block: x2 = ipa", E_RTT(2),
	  .setup = su_rtt_destroy_ns, .mut = { SET(2, IPA_NS + LS(2)), SET(3, 3) },
	  .pre = pre_ns_block_at_ns_2m, .out = { OUT(2, IPA_NS + LS(2)) } },
	{ "child_has_table", "#4 the level-2 RTT has a level-3 table: x2 = ipa", E_RTT(2),
	  .mut = { SET(2, GIB(1)) }, .pre = pre_l3_at_1g, .out = { OUT(2, GIB(1)) } },
	{ "child_has_data", "#4 the level-3 RTT holds DATA: x2 = ipa", E_RTT(3),
	  .mut = { SET(2, LS(2)), SET(3, 3) }, .pre = pre_data_in_l3_at_2m,
	  .out = { OUT(2, LS(2)) } },
	{ "child_has_block", "#4 the level-2 RTT holds a block: x2 = ipa", E_RTT(2),
	  .mut = { SET(2, GIB(1)) }, .pre = pre_block_in_l2_at_1g, .out = { OUT(2, GIB(1)) } },
	{ "prec_rd_over_level", "#1 rd NS and #2 level 4", E_INPUT,
	  .mut = { USE(1, S_NS), SET(3, 4) } },
	{ "prec_level_over_walk", "#2 level 3 at 1 GiB + 4 KiB and #3 walk short", E_INPUT,
	  .mut = { SET(2, GIB(1) + 0x1000), SET(3, 3) } },
	{ "prec_range_over_walk", "#2 ipa 2^48 and #3 walk short", E_INPUT,
	  .mut = { SET(2, 1UL << 48) } },
	{ "prec_align_over_live", "#2 level 2 at 1 GiB + 2 MiB and #4 child live", E_INPUT,
	  .mut = { SET(2, GIB(1) + LS(2)) }, .pre = pre_l3_at_1g },
};

/* ---- RTT_FOLD ---- */

static void su_rtt_fold(struct ctx *c)
{
	rtt_call_at(c, 0, 3, 3);
}

static void su_rtt_fold_ns(struct ctx *c)
{
	rtt_call_at(c, IPA_NS, 3, 3);
}

static void su_rtt_fold_ns_l2(struct ctx *c)
{
	rtt_call_at(c, IPA_NS + GIB(1), 2, 2);
}

static void su_rtt_fold_ns_l1(struct ctx *c)
{
	rtt_call_at(c, IPA_NS, 1, 1);
}

static void su_rtt_fold_l1(struct ctx *c)
{
	rtt_call_at(c, 0, 1, 1);
}

static void su_rtt_fold_lm1(struct ctx *c)
{
	realm_geom(c, F_LPA2, 52, -1, 1);
	c->v[0] = rtts(c, 0, 0);
	c->x[0] = c->rd;
	c->x[1] = 0;
	c->x[2] = 0;
}

/* The child (v[0]) is gone; the parent entry is v[1] state, v[2] desc, v[3] RIPAS. */
static void chk_rtt_folded(struct ctx *c)
{
	uint64_t ipa = c->x[1], parent;
	int level = (int)c->x[2];
	bool counted = c->v[1] == RMI_ASSIGNED && ipa_protected(c, ipa);

	EXPECT_EQ(c, STATE(c, c->v[0]), GRANULE_DELEGATED);
	EXPECT(c, pas_is_zero(c->m.pas, c->v[0]));
	EXPECT_EQ(c, REFS(c, c->v[0]), 0);
	expect_entry(c, ipa, level - 1, level - 1, (unsigned)c->v[1], c->v[2], (unsigned)c->v[3]);
	parent = rtt_pa(c, ipa, level - 1);
	EXPECT_EQ(c, REFS(c, parent), ref_before(c, parent) - (counted ? 0 : 1));
	if (!ipa_protected(c, ipa) && c->v[1] == RMI_UNASSIGNED && level - 1 >= 1)
		expect_ns_mappable(c, ipa, level - 1);
}

static void pre_fold_ram(struct ctx *c)
{
	ripas_ram(c, 0, LS(2));
	c->v[3] = RMI_RAM;
}

static void pre_fold_destroyed(struct ctx *c)
{
	MUST(c, call(c, RMI_RTT_DESTROY, c->rd, 0, 3, 0, 0, NULL));
	c->v[0] = rtts(c, 0, 3);
	c->v[3] = RMI_DESTROYED;
}

static void fold_assigned(struct ctx *c, enum fill kind, unsigned ripas)
{
	c->v[2] = fill_l3(c, 0, kind, 0);
	c->v[0] = rtt_pa(c, 0, 3);
	c->v[1] = RMI_ASSIGNED;
	c->v[3] = ripas;
}

static void pre_fold_assigned_ram(struct ctx *c)
{
	fold_assigned(c, F_RAM, RMI_RAM);
}

static void pre_fold_assigned_empty(struct ctx *c)
{
	fold_assigned(c, F_EMPTY, RMI_EMPTY);
}

static void pre_fold_assigned_destroyed(struct ctx *c)
{
	fold_assigned(c, F_DESTROYED, RMI_DESTROYED);
}

static void pre_fold_ns_pages(struct ctx *c)
{
	map_ns_run(c, IPA_NS, 3, NS_PA, 512, 512, 0);
	c->v[1] = RMI_ASSIGNED;
	c->v[2] = NS_DESC;
}

static void pre_fold_ns_blocks(struct ctx *c)
{
	map_ns_run(c, IPA_NS + GIB(1), 2, NS_PA, 512, 512, 0);
	c->v[1] = RMI_ASSIGNED;
	c->v[2] = NS_DESC;
}

static void pre_fold_ripas_first(struct ctx *c)
{
	ripas_ram(c, 0, GRANULE_SIZE);
}

static void pre_fold_ripas_last(struct ctx *c)
{
	ripas_ram(c, 0, LS(2) - GRANULE_SIZE);
}

static void pre_fold_one_data(struct ctx *c)
{
	unknown_make(c, 0x5000);
}

static void pre_fold_swapped(struct ctx *c)
{
	fill_l3(c, 0, F_RAM, FILL_SWAP);
}

static void pre_fold_unaligned(struct ctx *c)
{
	fill_l3(c, 0, F_RAM, FILL_UNALIGNED);
}

static void pre_fold_mixed_assigned(struct ctx *c)
{
	ripas_ram(c, 0, GRANULE_SIZE);
	fill_l3(c, 0, F_EMPTY, 0);
}

static void pre_fold_ns_attrs(struct ctx *c)
{
	map_ns_run(c, IPA_NS, 3, NS_PA, 512, 7, (NS_PA + 7 * GRANULE_SIZE) | 0x18);
}

static void pre_fold_ns_gap(struct ctx *c)
{
	map_ns_run(c, IPA_NS, 3, NS_PA, 512, 7, (NS_PA + 8 * GRANULE_SIZE) | NS_ATTRS);
}

static void pre_fold_ns_unaligned(struct ctx *c)
{
	map_ns_run(c, IPA_NS, 3, NS_PA + GRANULE_SIZE, 512, 512, 0);
}

static void pre_fold_ns_partial(struct ctx *c)
{
	map_ns_run(c, IPA_NS, 3, NS_PA, 511, 512, 0);
}

static void pre_fold_ns_l1_blocks(struct ctx *c)
{
	map_ns_run(c, IPA_NS, 1, LS(0), 512, 512, 0);
}

static const struct tcase rtt_fold_cases[] = {
	{ "ok_unassigned_empty", "all UNASSIGNED EMPTY: parent EMPTY, x1 = RTT", E_OK,
	  .out = { OUTS(1, S_V, 0) }, .check = chk_rtt_folded },
	{ "ok_unassigned_ram", "all UNASSIGNED RAM", E_OK, .pre = pre_fold_ram,
	  .out = { OUTS(1, S_V, 0) }, .check = chk_rtt_folded },
	{ "ok_unassigned_destroyed", "all UNASSIGNED DESTROYED", E_OK, .pre = pre_fold_destroyed,
	  .out = { OUTS(1, S_V, 0) }, .check = chk_rtt_folded },
	{ "ok_unassigned_ns", "all UNASSIGNED_NS", E_OK, .setup = su_rtt_fold_ns,
	  .out = { OUTS(1, S_V, 0) }, .check = chk_rtt_folded },
	{ "ok_assigned_ram", "512 contiguous aligned RAM pages: a 2 MiB block", E_OK,
	  .pre = pre_fold_assigned_ram, .out = { OUTS(1, S_V, 0) }, .check = chk_rtt_folded },
	{ "ok_assigned_empty", "512 contiguous aligned EMPTY pages", E_OK,
	  .pre = pre_fold_assigned_empty, .out = { OUTS(1, S_V, 0) }, .check = chk_rtt_folded },
	{ "ok_assigned_destroyed", "512 contiguous aligned DESTROYED pages", E_OK,
	  .pre = pre_fold_assigned_destroyed, .out = { OUTS(1, S_V, 0) },
	  .check = chk_rtt_folded },
	{ "ok_ns_pages", "512 contiguous NS pages, same attributes: an NS 2 MiB block", E_OK,
	  .setup = su_rtt_fold_ns, .pre = pre_fold_ns_pages, .out = { OUTS(1, S_V, 0) },
	  .check = chk_rtt_folded },
	{ "ok_ns_blocks_to_l1", "512 NS 2 MiB blocks: an NS 1 GiB block (level-1 blocks)", E_OK,
	  .setup = su_rtt_fold_ns_l2, .pre = pre_fold_ns_blocks, .out = { OUTS(1, S_V, 0) },
	  .check = chk_rtt_folded },
	{ "ok_l1_into_l0", "an empty level-1 RTT into a root entry", E_OK, .setup = su_rtt_fold_l1,
	  .out = { OUTS(1, S_V, 0) }, .check = chk_rtt_folded },
	{ "ok_lpa2_l0_into_lm1", "LPA2: an empty level-0 RTT into a level -1 entry", E_OK,
	  .plat = P_RICH, .setup = su_rtt_fold_lm1, .out = { OUTS(1, S_V, 0) },
	  .check = chk_rtt_folded },
	{ "ok_active", "ACTIVE realm (state not checked)", E_OK, .pre = pre_activate,
	  .out = { OUTS(1, S_V, 0) }, .check = chk_rtt_folded },
	{ "rd_unaligned", "#1 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_ns", "#1 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#1 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_is_rtt", "#1 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_is_data", "#1 rd a DATA granule", E_INPUT, .mut = { USE(1, S_ZDATA) } },
	{ "level_start", "#2 level 0 == start level", E_INPUT, .mut = { SET(3, 0) } },
	{ "level_4", "#2 level 4", E_INPUT, .mut = { SET(3, 4) } },
	{ "level_m1", "#2 level -1", E_INPUT, .mut = { SET(3, LVL(-1)) } },
	{ "ipa_out_of_range", "#2 ipa 2^48", E_INPUT, .mut = { SET(2, 1UL << 48) } },
	{ "ipa_unaligned", "#2 level 3 at 0x1000 (not 2 MiB aligned)", E_INPUT,
	  .mut = { SET(2, 0x1000) } },
	{ "walk_short", "#3 level 3 at 1 GiB: the walk stops at level 1", E_RTT(1),
	  .mut = { SET(2, GIB(1)) } },
	{ "walk_short_root", "#3 level 3 at 512 GiB: the walk stops at level 0", E_RTT(0),
	  .mut = { SET(2, LS(0)) } },
	{ "parent_unassigned", "#4 level 3 at 2 MiB: parent entry UNASSIGNED", E_RTT(2),
	  .mut = { SET(2, LS(2)) } },
	{ "parent_block", "#4 level 3 at 2 MiB: parent entry an ASSIGNED block", E_RTT(2),
	  .mut = { SET(2, LS(2)) }, .pre = pre_block_at_2m },
	{ "mixed_ripas_first", "#5 entry 0 RAM, the rest EMPTY", E_RTT(3),
	  .pre = pre_fold_ripas_first },
	{ "mixed_ripas_last", "#5 entries 0..510 RAM, 511 EMPTY", E_RTT(3),
	  .pre = pre_fold_ripas_last },
	{ "one_data", "#5 one DATA: refcount 1, neither 0 nor 512", E_RTT(3),
	  .pre = pre_fold_one_data },
	{ "child_has_table", "#5 level 2 with a level-3 table", E_RTT(2), .mut = { SET(3, 2) } },
	{ "assigned_not_contiguous", "#5 512 pages, entries 0 and 1 swapped", E_RTT(3),
	  .pre = pre_fold_swapped },
	{ "assigned_unaligned", "#5 512 contiguous pages from a 2 MiB + 4 KiB PA", E_RTT(3),
	  .pre = pre_fold_unaligned },
	{ "assigned_mixed_ripas", "#5 512 pages: entry 0 RAM, the rest EMPTY", E_RTT(3),
	  .pre = pre_fold_mixed_assigned },
	{ "ns_attrs_differ", "#5 NS pages, entry 7 with other S2AP", E_RTT(3),
	  .setup = su_rtt_fold_ns, .pre = pre_fold_ns_attrs },
	{ "ns_not_contiguous", "#5 NS pages, entry 7 skips a granule", E_RTT(3),
	  .setup = su_rtt_fold_ns, .pre = pre_fold_ns_gap },
	{ "ns_unaligned", "#5 NS pages from a 2 MiB + 4 KiB PA", E_RTT(3),
	  .setup = su_rtt_fold_ns, .pre = pre_fold_ns_unaligned },
	{ "ns_partial", "#5 511 NS pages and one UNASSIGNED_NS", E_RTT(3),
	  .setup = su_rtt_fold_ns, .pre = pre_fold_ns_partial },
	{ "ns_l1_into_l0", "#5 512 NS 1 GiB blocks: no level-0 block (spec: RTT(level))",
	  E_RTT(1), .setup = su_rtt_fold_ns_l1, .pre = pre_fold_ns_l1_blocks },
	{ "prec_rd_over_level", "#1 rd NS and #2 level 4", E_INPUT,
	  .mut = { USE(1, S_NS), SET(3, 4) } },
	{ "prec_level_over_walk", "#2 level 3 at 1 GiB + 4 KiB and #3 walk short", E_INPUT,
	  .mut = { SET(2, GIB(1) + 0x1000) } },
	{ "prec_align_over_homogeneous", "#2 ipa 0x1000 and #5 not homogeneous", E_INPUT,
	  .mut = { SET(2, 0x1000) }, .pre = pre_fold_one_data },
};

/* ---- RTT_READ_ENTRY ---- */

static void su_read_entry(struct ctx *c)
{
	realm_main(c, NULL);
	c->x[0] = c->rd;
	c->x[1] = 0;
	c->x[2] = 0;
}

static void su_read_entry_l1(struct ctx *c)
{
	realm_geom(c, 0, 39, 1, 1);
	c->x[0] = c->rd;
	c->x[1] = 0;
	c->x[2] = 1;
}

static void su_read_entry_lm1(struct ctx *c)
{
	realm_geom(c, F_LPA2, 52, -1, 1);
	c->x[0] = c->rd;
	c->x[1] = 0;
	c->x[2] = LVL(-1);
}

static void pre_l3_ram(struct ctx *c)
{
	rtts(c, 0, 3);
	ripas_ram(c, 0, GRANULE_SIZE);
}

static void pre_data_destroyed_at_0(struct ctx *c)
{
	c->v[0] = data_make(c, 0);
	data_destroy(c, 0);
}

static void pre_data_at_0(struct ctx *c)
{
	c->v[0] = data_make(c, 0);
}

static void pre_unknown_at_0(struct ctx *c)
{
	c->v[0] = unknown_make(c, 0);
}

static void pre_unknown_destroyed_at_0(struct ctx *c)
{
	data_make(c, 0);
	data_destroy(c, 0);
	c->v[0] = unknown_make(c, 0);
}

static void pre_ns_page(struct ctx *c)
{
	map_ns(c, IPA_NS, 3, NS_DESC);
}

static void pre_ns_l2_block(struct ctx *c)
{
	map_ns(c, IPA_NS, 2, NS_DESC);
}

static void pre_l3_at_ns(struct ctx *c)
{
	rtts(c, IPA_NS, 3);
}

#define RE(wl, st, desc, ripas) \
	{ OUT(1, LVL(wl)), OUT(2, st), desc, OUT(4, ripas) }
#define D(v)   OUT(3, v)
#define DV(i)  OUTS(3, S_V, i)

static const struct tcase read_entry_cases[] = {
	{ "root_empty", "root entry 0: UNASSIGNED EMPTY", E_OK,
	  .out = RE(0, RMI_UNASSIGNED, D(0), RMI_EMPTY) },
	{ "root_ns", "root entry in the unprotected half: UNASSIGNED, RIPAS 0", E_OK,
	  .mut = { SET(2, IPA_NS) }, .out = RE(0, RMI_UNASSIGNED, D(0), 0) },
	{ "root_last", "the last root entry", E_OK, .mut = { SET(2, (1UL << 48) - LS(0)) },
	  .out = RE(0, RMI_UNASSIGNED, D(0), 0) },
	{ "walk_stops_early", "level 3 with no tables: x1 = 0", E_OK, .mut = { SET(3, 3) },
	  .out = RE(0, RMI_UNASSIGNED, D(0), RMI_EMPTY) },
	{ "table", "root entry 0 a table: x3 = the level-1 RTT", E_OK, .pre = pre_rtt_l1,
	  .out = RE(0, RMI_TABLE, DV(0), 0) },
	{ "table_l2", "level-2 entry a table: x3 = the level-3 RTT", E_OK, .mut = { SET(3, 2) },
	  .pre = pre_rtt_l3, .out = RE(2, RMI_TABLE, DV(0), 0) },
	{ "unassigned_ram", "UNASSIGNED RAM", E_OK, .mut = { SET(3, 3) }, .pre = pre_l3_ram,
	  .out = RE(3, RMI_UNASSIGNED, D(0), RMI_RAM) },
	{ "unassigned_destroyed", "UNASSIGNED DESTROYED", E_OK, .mut = { SET(3, 3) },
	  .pre = pre_data_destroyed_at_0, .out = RE(3, RMI_UNASSIGNED, D(0), RMI_DESTROYED) },
	{ "assigned_ram", "ASSIGNED RAM: x3 = PA", E_OK, .mut = { SET(3, 3) },
	  .pre = pre_data_at_0, .out = RE(3, RMI_ASSIGNED, DV(0), RMI_RAM) },
	{ "assigned_empty", "ASSIGNED EMPTY: x3 = PA", E_OK, .mut = { SET(3, 3) },
	  .pre = pre_unknown_at_0, .out = RE(3, RMI_ASSIGNED, DV(0), RMI_EMPTY) },
	{ "assigned_destroyed", "ASSIGNED DESTROYED: x3 = PA", E_OK, .mut = { SET(3, 3) },
	  .pre = pre_unknown_destroyed_at_0, .out = RE(3, RMI_ASSIGNED, DV(0), RMI_DESTROYED) },
	{ "assigned_block", "an ASSIGNED 2 MiB block at level 2", E_OK,
	  .mut = { SET(2, LS(2)), SET(3, 2) }, .pre = pre_block_at_2m,
	  .out = RE(2, RMI_ASSIGNED, DV(0), RMI_RAM) },
	{ "block_read_at_l3", "level 3 inside a block: x1 = 2", E_OK,
	  .mut = { SET(2, LS(2) + 0x5000), SET(3, 3) }, .pre = pre_block_at_2m,
	  .out = RE(2, RMI_ASSIGNED, DV(0), RMI_RAM) },
	{ "ns_page", "ASSIGNED_NS page: x3 = PA | MemAttr | S2AP", E_OK,
	  .mut = { SET(2, IPA_NS), SET(3, 3) }, .pre = pre_ns_page,
	  .out = RE(3, RMI_ASSIGNED, D(NS_DESC), 0) },
	{ "ns_block", "ASSIGNED_NS 2 MiB block", E_OK, .mut = { SET(2, IPA_NS), SET(3, 2) },
	  .pre = pre_ns_l2_block, .out = RE(2, RMI_ASSIGNED, D(NS_DESC), 0) },
	{ "ns_unassigned_l3", "UNASSIGNED_NS at level 3", E_OK,
	  .mut = { SET(2, IPA_NS + 0x7000), SET(3, 3) }, .pre = pre_l3_at_ns,
	  .out = RE(3, RMI_UNASSIGNED, D(0), 0) },
	{ "lpa2_level_m1", "LPA2 level -1 root: x1 = -1", E_OK, .plat = P_RICH,
	  .setup = su_read_entry_lm1, .out = RE(-1, RMI_UNASSIGNED, D(0), RMI_EMPTY) },
	{ "level1_root", "level-1 root", E_OK, .setup = su_read_entry_l1,
	  .out = RE(1, RMI_UNASSIGNED, D(0), RMI_EMPTY) },
	{ "rd_unaligned", "#1 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_ns", "#1 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#1 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_is_rtt", "#1 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_is_rec", "#1 rd a REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "level_below_start", "#2 level -1 < start level 0", E_INPUT, .mut = { SET(3, LVL(-1)) } },
	{ "level_below_start_l1", "#2 level 0 < start level 1", E_INPUT,
	  .setup = su_read_entry_l1, .mut = { SET(3, 0) } },
	{ "level_m2_lpa2", "#2 level -2 < start level -1", E_INPUT, .plat = P_RICH,
	  .setup = su_read_entry_lm1, .mut = { SET(3, LVL(-2)) } },
	{ "level_4", "#2 level 4", E_INPUT, .mut = { SET(3, 4) } },
	{ "ipa_out_of_range", "#2 ipa 2^48", E_INPUT, .mut = { SET(2, 1UL << 48) } },
	{ "ipa_unaligned_l0", "#2 level 0 at 0x1000", E_INPUT, .mut = { SET(2, 0x1000) } },
	{ "ipa_unaligned_l3", "#2 level 3 at 0x800", E_INPUT,
	  .mut = { SET(2, 0x800), SET(3, 3) } },
	{ "prec_rd_over_level", "#1 rd NS and #2 level 4", E_INPUT,
	  .mut = { USE(1, S_NS), SET(3, 4) } },
};

/* ---- RTT_MAP_UNPROTECTED, RTT_UNMAP_UNPROTECTED ---- */

static void su_map(struct ctx *c)
{
	realm_main(c, NULL);
	rtts(c, IPA_NS, 3);
	c->x[0] = c->rd;
	c->x[1] = IPA_NS;
	c->x[2] = 3;
	c->x[3] = NS_DESC;
}

static void su_map_lpa2(struct ctx *c)
{
	realm_geom(c, F_LPA2, 48, 0, 1);
	rtts(c, IPA_NS, 3);
	c->x[0] = c->rd;
	c->x[1] = IPA_NS;
	c->x[2] = 3;
	c->x[3] = NS_DESC;
}

/* A realm whose 4 starting RTTs are at level 2; x: level 1 at the first NS IPA (2 GiB). */
static void su_map_l2_root(struct ctx *c)
{
	realm_geom(c, 0, 32, 2, 4);
	c->x[0] = c->rd;
	c->x[1] = 1UL << 31;
	c->x[2] = 1;
	c->x[3] = NS_DESC;
}

static void chk_mapped(struct ctx *c)
{
	int level = (int)c->x[2];

	expect_entry(c, c->x[1], level, level, RMI_ASSIGNED, c->x[3], 0);
	refs_unchanged(c);
}

static void pre_l2_at_ns_1g(struct ctx *c)
{
	rtts(c, IPA_NS + GIB(1), 1);
}

static const struct tcase map_cases[] = {
	{ "ok_l3", "NS page: READ_ENTRY gives the descriptor, no refcount change", E_OK,
	  .check = chk_mapped },
	{ "ok_l2", "NS 2 MiB block", E_OK, .mut = { SET(2, IPA_NS + LS(2)), SET(3, 2) },
	  .check = chk_mapped },
	{ "ok_l1", "NS 1 GiB block", E_OK, .mut = { SET(2, IPA_NS + GIB(1)), SET(3, 1) },
	  .pre = pre_l2_at_ns_1g, .check = chk_mapped },
	{ "ok_s2ap_none", "S2AP 0 is accepted", E_OK, .mut = { SET(4, NS_PA | 0x18) },
	  .check = chk_mapped },
	{ "ok_memattr_device", "MemAttr 0 (Device-nGnRnE)", E_OK, .mut = { SET(4, NS_PA | 0xc0) },
	  .check = chk_mapped },
	{ "ok_memattr_nc", "MemAttr 0b101 (Normal NC)", E_OK,
	  .mut = { SET(4, NS_PA | 0x14 | 0xc0) }, .check = chk_mapped },
	{ "ok_pa_delegated", "the PA is a DELEGATED granule: not checked", E_OK,
	  .mut = { USE(4, S_DEL), ADD(4, NS_ATTRS) }, .check = chk_mapped },
	{ "ok_pa_zero", "PA 0", E_OK, .mut = { SET(4, NS_ATTRS) }, .check = chk_mapped },
	{ "ok_active", "ACTIVE realm (state not checked)", E_OK, .pre = pre_activate,
	  .check = chk_mapped },
	{ "ok_lpa2_oa_bits", "LPA2: OA bits [49:48] and [9:8] (OA[51:50]) allowed", E_OK,
	  .plat = P_RICH, .setup = su_map_lpa2,
	  .mut = { SET(4, NS_DESC | (3UL << 48) | (3UL << 8)) }, .check = chk_mapped },
	{ "level_0", "#1 level 0", E_INPUT, .mut = { SET(3, 0) } },
	{ "level_4", "#1 level 4", E_INPUT, .mut = { SET(3, 4) } },
	{ "level_m1", "#1 level -1", E_INPUT, .mut = { SET(3, LVL(-1)) } },
	{ "rd_unaligned", "#2 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_ns", "#2 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#2 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_is_rtt", "#2 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_is_rec", "#2 rd a REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "desc_valid_bit", "#3 desc bit 0 set", E_INPUT, .mut = { SET(4, NS_DESC | 1) } },
	{ "desc_page_type", "#3 desc bits [1:0] = 3", E_INPUT, .mut = { SET(4, NS_DESC | 3) } },
	{ "desc_af", "#3 desc AF set", E_INPUT, .mut = { SET(4, NS_DESC | (1UL << 10)) } },
	{ "desc_sh", "#3 desc SH set (no LPA2)", E_INPUT, .mut = { SET(4, NS_DESC | (3UL << 8)) } },
	{ "desc_ns", "#3 desc NS bit 55 set", E_INPUT, .mut = { SET(4, NS_DESC | (1UL << 55)) } },
	{ "desc_xn", "#3 desc XN bit 54 set", E_INPUT, .mut = { SET(4, NS_DESC | (1UL << 54)) } },
	{ "desc_bit63", "#3 desc bit 63 set", E_INPUT, .mut = { SET(4, NS_DESC | (1UL << 63)) } },
	{ "desc_pa_above_48", "#3 OA bit 48 without LPA2", E_INPUT,
	  .mut = { SET(4, NS_DESC | (1UL << 48)) } },
	{ "desc_pa_unaligned_l2", "#3 level 2 with OA bit 12", E_INPUT,
	  .mut = { SET(2, IPA_NS + LS(2)), SET(3, 2), SET(4, NS_DESC | 0x1000) } },
	{ "desc_memattr_reserved", "#3 MemAttr 0b100 (reserved with FWB)", E_INPUT,
	  .mut = { SET(4, NS_PA | 0x10 | 0xc0) } },
	{ "desc_lpa2_oa_bit50", "#3 LPA2: desc bit 50 is not an OA bit", E_INPUT,
	  .plat = P_RICH, .setup = su_map_lpa2, .mut = { SET(4, NS_DESC | (1UL << 50)) } },
	{ "ipa_out_of_range", "#4 ipa 2^48", E_INPUT, .mut = { SET(2, 1UL << 48) } },
	{ "ipa_unaligned", "#4 ipa not 4 KiB aligned", E_INPUT, .mut = { SET(2, IPA_NS + 0x800) } },
	{ "ipa_unaligned_l2", "#4 level 2 at a 4 KiB-aligned ipa", E_INPUT,
	  .mut = { SET(2, IPA_NS + 0x1000), SET(3, 2), SET(4, NS_DESC) } },
	{ "ipa_protected", "#5 ipa 0 (protected)", E_INPUT, .mut = { SET(2, 0) } },
	{ "ipa_protected_last", "#5 ipa 2^47 - 4 KiB", E_INPUT,
	  .mut = { SET(2, IPA_NS - GRANULE_SIZE) } },
	{ "walk_short", "#6 level 3 at +1 GiB: the walk stops at level 1", E_RTT(1),
	  .mut = { SET(2, IPA_NS + GIB(1)) } },
	{ "walk_short_root", "#6 level 3 at +512 GiB: the walk stops at level 0", E_RTT(0),
	  .mut = { SET(2, IPA_NS + LS(0)) } },
	{ "level_above_start", "#6 level 1 above start level 2: the walk ends at level 2",
	  E_RTT(2), .setup = su_map_l2_root },
	{ "entry_assigned_ns", "#7 already mapped", E_RTT(3), .pre = pre_ns_page },
	{ "entry_table_l2", "#7 level 2: the entry is a table", E_RTT(2), .mut = { SET(3, 2) } },
	{ "entry_table_l1", "#7 level 1: the entry is a table", E_RTT(1), .mut = { SET(3, 1) } },
	{ "prec_level_over_rd", "#1 level 0 and #2 rd NS", E_INPUT,
	  .mut = { SET(3, 0), USE(1, S_NS) } },
	{ "prec_rd_over_desc", "#2 rd NS and #3 desc bit 0", E_INPUT,
	  .mut = { USE(1, S_NS), SET(4, NS_DESC | 1) } },
	{ "prec_desc_over_ipa", "#3 desc bit 0 and #4 ipa out of range", E_INPUT,
	  .mut = { SET(4, NS_DESC | 1), SET(2, 1UL << 48) } },
	{ "prec_align_over_protected", "#4 ipa unaligned and #5 protected", E_INPUT,
	  .mut = { SET(2, 0x800) } },
	{ "prec_protected_over_walk", "#5 protected and #6 walk short", E_INPUT,
	  .mut = { SET(2, LS(0)) } },
	{ "prec_desc_over_walk", "#3 desc bit 0 and #6 walk short", E_INPUT,
	  .mut = { SET(4, NS_DESC | 1), SET(2, IPA_NS + GIB(1)) } },
};

static void su_unmap(struct ctx *c)
{
	su_map(c);
	MUST(c, call(c, RMI_RTT_MAP_UNPROTECTED, c->rd, IPA_NS, 3, NS_DESC, 0, NULL));
	c->x[3] = 0;
}

static void chk_unmapped(struct ctx *c)
{
	int level = (int)c->x[2];

	expect_entry(c, c->x[1], level, level, RMI_UNASSIGNED, 0, 0);
	refs_unchanged(c);
	expect_ns_mappable(c, c->x[1], level);
}

static void pre_ns_page_5(struct ctx *c)
{
	map_ns(c, IPA_NS + 0x5000, 3, NS_DESC);
}

static void pre_ns_page_9(struct ctx *c)
{
	map_ns(c, IPA_NS + 0x9000, 3, NS_DESC);
}

static void pre_ns_l1_block(struct ctx *c)
{
	map_ns(c, IPA_NS + GIB(1), 1, NS_DESC);
}

static const struct tcase unmap_cases[] = {
	{ "ok", "page: UNASSIGNED_NS again, x1 = end of the RTT", E_OK,
	  .out = { OUT(1, IPA_NS + LS(2)) }, .check = chk_unmapped },
	{ "ok_next_live", "x1 = the next mapping (+0x5000)", E_OK, .pre = pre_ns_page_5,
	  .out = { OUT(1, IPA_NS + 0x5000) }, .check = chk_unmapped },
	{ "ok_l2_block", "2 MiB block: x1 = end of the level-2 RTT", E_OK,
	  .mut = { SET(2, IPA_NS + LS(2)), SET(3, 2) }, .pre = pre_ns_block_at_ns_2m,
	  .out = { OUT(1, IPA_NS + LS(1)) }, .check = chk_unmapped },
	{ "ok_l1_block", "1 GiB block: x1 = end of the level-1 RTT", E_OK,
	  .mut = { SET(2, IPA_NS + GIB(1)), SET(3, 1) }, .pre = pre_ns_l1_block,
	  .out = { OUT(1, IPA_NS + LS(0)) }, .check = chk_unmapped },
	{ "ok_active", "ACTIVE realm (state not checked)", E_OK, .pre = pre_activate,
	  .out = { OUT(1, IPA_NS + LS(2)) }, .check = chk_unmapped },
	{ "level_0", "#1 level 0; x1 = 0", E_INPUT, .mut = { SET(3, 0) } },
	{ "level_4", "#1 level 4", E_INPUT, .mut = { SET(3, 4) } },
	{ "rd_unaligned", "#2 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_ns", "#2 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#2 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_is_rtt", "#2 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "ipa_out_of_range", "#3 ipa 2^48", E_INPUT, .mut = { SET(2, 1UL << 48) } },
	{ "ipa_unaligned", "#3 ipa not 4 KiB aligned", E_INPUT, .mut = { SET(2, IPA_NS + 0x800) } },
	{ "ipa_unaligned_l2", "#3 level 2 at a 4 KiB-aligned ipa", E_INPUT,
	  .mut = { SET(2, IPA_NS + 0x1000), SET(3, 2) } },
	{ "ipa_protected", "#4 ipa 0 (protected)", E_INPUT, .mut = { SET(2, 0) } },
	{ "not_mapped", "#5 UNASSIGNED_NS: x1 = end of the RTT", E_RTT(3),
	  .mut = { SET(2, IPA_NS + 0x1000) }, .out = { OUT(1, IPA_NS + LS(2)) } },
	{ "not_mapped_next_live", "#5 UNASSIGNED_NS: x1 = the next mapping", E_RTT(3),
	  .mut = { SET(2, IPA_NS + 0x1000) }, .pre = pre_ns_page_9,
	  .out = { OUT(1, IPA_NS + 0x9000) } },
	{ "walk_short", "#5 the walk stops at level 1: x1 = end of that RTT", E_RTT(1),
	  .mut = { SET(2, IPA_NS + GIB(1)) }, .out = { OUT(1, IPA_NS + LS(0)) } },
	{ "walk_short_root", "#5 the walk stops at level 0: x1 = 2^48", E_RTT(0),
	  .mut = { SET(2, IPA_NS + LS(0)) }, .out = { OUT(1, 1UL << 48) } },
	{ "level_above_start", "#5 level 1 above start level 2: x1 = end of that RTT",
	  E_RTT(2), .setup = su_map_l2_root, .mut = { SET(4, 0) },
	  .out = { OUT(1, GIB(3)) } },
	{ "block_at_lower_level", "#5 an NS block at level 2: x1 = ipa", E_RTT(2),
	  .mut = { SET(2, IPA_NS + LS(2)) }, .pre = pre_ns_block_at_ns_2m,
	  .out = { OUT(1, IPA_NS + LS(2)) } },
	{ "entry_table", "#5 level 2: the entry is a table, x1 = ipa", E_RTT(2),
	  .mut = { SET(3, 2) }, .out = { OUT(1, IPA_NS) } },
	{ "prec_level_over_rd", "#1 level 0 and #2 rd NS", E_INPUT,
	  .mut = { SET(3, 0), USE(1, S_NS) } },
	{ "prec_rd_over_ipa", "#2 rd NS and #3 ipa out of range", E_INPUT,
	  .mut = { USE(1, S_NS), SET(2, 1UL << 48) } },
	{ "prec_protected_over_walk", "#4 protected and #5 walk short", E_INPUT,
	  .mut = { SET(2, GIB(1)) } },
};

/* ---- RTT_INIT_RIPAS, RTT_SET_RIPAS ---- */

static void su_init_ripas(struct ctx *c)
{
	realm_main(c, NULL);
	rtts(c, 0, 3);
	c->x[0] = c->rd;
	c->x[1] = 0;
	c->x[2] = 0x4000;
}

static void su_init_ripas_bare(struct ctx *c)
{
	realm_main(c, NULL);
	c->x[0] = c->rd;
	c->x[1] = 0;
	c->x[2] = LS(0);
}

static void su_init_ripas_l1(struct ctx *c)
{
	realm_main(c, NULL);
	rtts(c, 0, 1);
	c->x[0] = c->rd;
	c->x[1] = GIB(1);
	c->x[2] = GIB(2);
}

static void su_init_ripas_lm1(struct ctx *c)
{
	realm_geom(c, F_LPA2, 52, -1, 1);
	c->x[0] = c->rd;
	c->x[1] = 0;
	c->x[2] = 1UL << 48;
}

/* [base, x1) is RAM; no refcount moved. */
static void chk_ripas_ram(struct ctx *c)
{
	uint64_t base = c->x[1], end = c->res.x[1];
	struct smc_result r;

	r = entry_of(c, c->rd, base, 3);
	EXPECT(c, r.x[2] == RMI_UNASSIGNED && r.x[4] == RMI_RAM);
	r = entry_of(c, c->rd, end - GRANULE_SIZE, 3);
	EXPECT(c, r.x[2] == RMI_UNASSIGNED && r.x[4] == RMI_RAM);
	refs_unchanged(c);
}

static void pre_data_at_2000(struct ctx *c)
{
	data_make(c, 0x2000);
}

static void pre_destroyed_at_2000(struct ctx *c)
{
	data_make(c, 0x2000);
	data_destroy(c, 0x2000);
}

static void pre_ram_0_4000(struct ctx *c)
{
	ripas_ram(c, 0, 0x4000);
}

static void pre_l3_at_4m(struct ctx *c)
{
	rtts(c, 2 * LS(2), 3);
}

static void pre_destroyed_at_0(struct ctx *c)
{
	data_make(c, 0);
	data_destroy(c, 0);
}

static void pre_data_at_0_active(struct ctx *c)
{
	data_make(c, 0);
	activate(c);
}

static const struct tcase init_ripas_cases[] = {
	{ "ok", "4 pages EMPTY -> RAM: x1 = top, RIM extended", E_OK,
	  .out = { OUT(1, 0x4000) }, .check = chk_ripas_ram },
	{ "ok_one_page", "one page", E_OK, .mut = { SET(3, 0x1000) }, .out = { OUT(1, 0x1000) },
	  .check = chk_ripas_ram },
	{ "ok_to_rtt_end", "top beyond the RTT: x1 = end of the RTT", E_OK,
	  .mut = { SET(2, LS(2) - 0x1000), SET(3, 2 * LS(2)) }, .out = { OUT(1, LS(2)) },
	  .check = chk_ripas_ram },
	{ "ok_stops_at_assigned", "stops at an ASSIGNED entry: x1 = 0x2000", E_OK,
	  .pre = pre_data_at_2000, .out = { OUT(1, 0x2000) }, .check = chk_ripas_ram },
	{ "ok_stops_at_destroyed", "stops at a DESTROYED entry: x1 = 0x2000", E_OK,
	  .pre = pre_destroyed_at_2000, .out = { OUT(1, 0x2000) }, .check = chk_ripas_ram },
	{ "ok_already_ram", "RAM entries count as progress (and are measured)", E_OK,
	  .pre = pre_ram_0_4000, .out = { OUT(1, 0x4000) }, .check = chk_ripas_ram },
	{ "ok_l2_block", "a whole level-2 entry: x1 = 4 MiB", E_OK,
	  .mut = { SET(2, LS(2)), SET(3, 2 * LS(2)) }, .out = { OUT(1, 2 * LS(2)) },
	  .check = chk_ripas_ram },
	{ "ok_l2_stops_at_table", "level-2 entries, stops at a table: x1 = 4 MiB", E_OK,
	  .mut = { SET(2, LS(2)), SET(3, 4 * LS(2)) }, .pre = pre_l3_at_4m,
	  .out = { OUT(1, 2 * LS(2)) }, .check = chk_ripas_ram },
	{ "ok_l1_block", "a whole level-1 entry", E_OK, .setup = su_init_ripas_l1,
	  .out = { OUT(1, GIB(2)) }, .check = chk_ripas_ram },
	{ "ok_l0_block", "a whole level-0 entry (no tables)", E_OK, .setup = su_init_ripas_bare,
	  .out = { OUT(1, LS(0)) }, .check = chk_ripas_ram },
	{ "ok_lpa2_lm1_block", "LPA2: a whole level -1 entry (256 TiB)", E_OK, .plat = P_RICH,
	  .setup = su_init_ripas_lm1, .out = { OUT(1, 1UL << 48) }, .check = chk_ripas_ram },
	{ "ok_last_protected", "up to top = 2^47", E_OK,
	  .mut = { SET(2, IPA_NS - LS(0)), SET(3, IPA_NS) }, .setup = su_init_ripas_bare,
	  .out = { OUT(1, IPA_NS) }, .check = chk_ripas_ram },
	{ "top_eq_base", "#1 top == base", E_INPUT, .mut = { SET(3, 0) } },
	{ "top_below_base", "#1 top < base", E_INPUT, .mut = { SET(2, 0x4000), SET(3, 0x1000) } },
	{ "rd_unaligned", "#2 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_ns", "#2 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#2 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_is_rtt", "#2 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_is_rec", "#2 rd a REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "base_unaligned", "#3 base not 4 KiB aligned", E_INPUT, .mut = { SET(2, 0x800) } },
	{ "top_unaligned", "#3 top not 4 KiB aligned", E_INPUT, .mut = { SET(3, 0x4800) } },
	{ "base_unprotected", "#3 base 2^47 (unprotected)", E_INPUT,
	  .mut = { SET(2, IPA_NS), SET(3, IPA_NS + 0x1000) } },
	{ "top_unprotected", "#3 top - 4 KiB unprotected", E_INPUT,
	  .mut = { SET(3, IPA_NS + 0x1000) } },
	{ "top_out_of_range", "#3 top 2^49", E_INPUT, .mut = { SET(3, 1UL << 49) } },
	{ "realm_active", "#4 realm ACTIVE", E_REALM(0), .pre = pre_activate },
	{ "base_unaligned_l2", "#5 base 2 MiB + 4 KiB where the walk stops at level 2", E_RTT(2),
	  .mut = { SET(2, LS(2) + 0x1000), SET(3, LS(2) + 0x2000) } },
	{ "base_unaligned_l0", "#5 base 4 KiB where the walk stops at level 0", E_RTT(0),
	  .setup = su_init_ripas_bare, .mut = { SET(2, 0x1000) } },
	{ "top_at_par_end", "#5 valid [2^47 - 4 KiB, 2^47), walk stops at level 0", E_RTT(0),
	  .setup = su_init_ripas_bare, .mut = { SET(2, IPA_NS - 0x1000), SET(3, IPA_NS) } },
	{ "base_unaligned_lm1", "#5 LPA2: base 4 KiB, walk stops at level -1", E_RTT(0xff),
	  .plat = P_RICH, .setup = su_init_ripas_lm1, .mut = { SET(2, 0x1000) } },
	{ "block_does_not_fit", "loop: a level-2 entry crossing top is not split", E_RTT(2),
	  .mut = { SET(2, LS(2)), SET(3, LS(2) + MIB(1)) } },
	{ "entry_assigned", "loop: the first entry ASSIGNED", E_RTT(3), .pre = pre_data_at_0 },
	{ "entry_destroyed", "loop: the first entry UNASSIGNED DESTROYED", E_RTT(3),
	  .pre = pre_destroyed_at_0 },
	{ "prec_order_over_rd", "#1 top <= base and #2 rd NS", E_INPUT,
	  .mut = { SET(3, 0), USE(1, S_NS) } },
	{ "prec_rd_over_addr", "#2 rd NS and #3 base unaligned", E_INPUT,
	  .mut = { USE(1, S_NS), SET(2, 0x800) } },
	{ "prec_order_over_active", "#1 top <= base and #4 ACTIVE", E_INPUT,
	  .mut = { SET(3, 0) }, .pre = pre_activate },
	{ "prec_addr_over_active", "#3 base unaligned and #4 ACTIVE", E_INPUT,
	  .mut = { SET(2, 0x800) }, .pre = pre_activate },
	{ "prec_unprotected_over_active", "#3 top unprotected and #4 ACTIVE", E_INPUT,
	  .mut = { SET(3, IPA_NS + 0x1000) }, .pre = pre_activate },
	{ "prec_active_over_level_align", "#4 ACTIVE and #5 base unaligned to level 2",
	  E_REALM(0), .mut = { SET(2, LS(2) + 0x1000), SET(3, LS(2) + 0x2000) },
	  .pre = pre_activate },
	{ "prec_active_over_assigned", "#4 ACTIVE and the entry ASSIGNED", E_REALM(0),
	  .pre = pre_data_at_0_active },
};

static void su_set_ripas(struct ctx *c)
{
	realm_main(c, NULL);
	rec_new(c, true);
	activate(c);
	c->x[0] = c->rd;
	c->x[1] = c->rec;
	c->x[2] = 0;
	c->x[3] = 0x1000;
}

static void su_set_ripas_new(struct ctx *c)
{
	realm_main(c, NULL);
	rec_new(c, true);
	c->x[0] = c->rd;
	c->x[1] = c->rec;
	c->x[2] = 0;
	c->x[3] = 0x1000;
}

/* REC 0 asked IPA_STATE_SET RAM over [base, top); x = { rd, REC 0, base, top }. */
static void su_ripas_req(struct ctx *c, uint64_t base, uint64_t top)
{
	struct prog p = { .n = 0 };

	p_smc(&p, RSI_IPA_STATE_SET, base, top, RSI_RIPAS_RAM, 0);
	run_to(c, &p, 1, false, RMI_EXIT_RIPAS_CHANGE);
	c->x[0] = c->rd;
	c->x[1] = c->v[0];
	c->x[2] = base;
	c->x[3] = top;
}

/* Two pages in the level-3 RTT the program lives in. */
static void su_ripas_l3(struct ctx *c)
{
	su_ripas_req(c, 0x82000, 0x84000);
}

/* [2 MiB, 4 MiB): one level-2 entry (no level-3 RTT there). */
static void su_ripas_l2(struct ctx *c)
{
	su_ripas_req(c, LS(2), 2 * LS(2));
}

static void su_ripas_l2_unaligned(struct ctx *c)
{
	su_ripas_req(c, LS(2) + 0x1000, 2 * LS(2));
}

static void su_ripas_l2_small(struct ctx *c)
{
	su_ripas_req(c, LS(2), LS(2) + 0x1000);
}

/* The host applies the first page of the request. */
static void pre_ripas_first_page(struct ctx *c)
{
	MUST(c, call(c, RMI_RTT_SET_RIPAS, c->rd, c->v[0], 0x82000, 0x83000, 0, NULL));
}

static void chk_set_ripas_done(struct ctx *c)
{
	expect_entry(c, 0x82000, 3, 3, RMI_UNASSIGNED, 0, RMI_RAM);
	expect_entry(c, 0x83000, 3, 3, RMI_UNASSIGNED, 0, RMI_RAM);
	expect_entry(c, 0x84000, 3, 3, RMI_UNASSIGNED, 0, RMI_EMPTY);
	/* The realm learns how far the host got. */
	EXPECT_EQ(c, reported_x0(c, c->v[0], c->v[3], 0), RSI_SUCCESS);
}

static void chk_ripas_l2(struct ctx *c)
{
	expect_entry(c, LS(2), 2, 2, RMI_UNASSIGNED, 0, RMI_RAM);
	expect_entry(c, 2 * LS(2), 2, 2, RMI_UNASSIGNED, 0, RMI_EMPTY);
}

static const struct tcase set_ripas_cases[] = {
	{ "no_request", "#5 no RSI request pending: base/top cannot match", E_INPUT },
	{ "no_request_base_nonzero", "#5 no request, [4 KiB, 8 KiB)", E_INPUT,
	  .mut = { SET(3, 0x1000), SET(4, 0x2000) } },
	{ "no_request_new_realm", "#5 no request, NEW realm", E_INPUT, .setup = su_set_ripas_new },
	{ "top_eq_base", "#1 top == base", E_INPUT, .mut = { SET(4, 0) } },
	{ "top_below_base", "#1 top < base", E_INPUT, .mut = { SET(3, 0x2000), SET(4, 0x1000) } },
	{ "rd_unaligned", "#2 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_ns", "#2 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#2 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_is_rtt", "#2 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_is_rec", "#2 rd == rec", E_INPUT, .mut = { USEL(1, S_ARG, 2) } },
	{ "rec_unaligned", "#2 rec not aligned", E_INPUT, .mut = { ADD(2, 8) } },
	{ "rec_ns", "#2 rec NS", E_INPUT, .mut = { USE(2, S_NS) } },
	{ "rec_delegated", "#2 rec DELEGATED", E_INPUT, .mut = { USE(2, S_DEL) } },
	{ "rec_is_rd", "#2 rec == rd", E_INPUT, .mut = { USE(2, S_RD) } },
	{ "rec_aux", "#2 rec a REC_AUX granule", E_INPUT, .mut = { USEL(2, S_AUX, 0) } },
	{ "rec_other_realm", "#4 rec belongs to another realm", E_REC,
	  .mut = { USE(2, S_ZREC) } },
	{ "prec_order_over_rd", "#1 top <= base and #2 rd NS", E_INPUT,
	  .mut = { SET(4, 0), USE(1, S_NS) } },
	{ "prec_order_over_owner", "#1 top <= base and #4 rec of another realm", E_INPUT,
	  .mut = { SET(4, 0), USE(2, S_ZREC) } },
	{ "prec_rd_over_owner", "#2 rd NS and #4 rec of another realm", E_INPUT,
	  .mut = { USE(1, S_NS), USE(2, S_ZREC) } },
	{ "prec_owner_over_request", "#4 rec of another realm and #5 no request (NEW realm)",
	  E_REC, .setup = su_set_ripas_new, .mut = { USE(2, S_ZREC) } },
	{ "ok_request", "the whole request at level 3: x1 = top, RIPAS RAM", E_OK,
	  .setup = su_ripas_l3, .out = { OUT(1, 0x84000) }, .check = chk_set_ripas_done },
	{ "ok_partial", "top below the request's top: x1 = top", E_OK, .setup = su_ripas_l3,
	  .mut = { SET(4, 0x83000) }, .out = { OUT(1, 0x83000) } },
	{ "ok_continue", "a second call from where the first stopped", E_OK,
	  .setup = su_ripas_l3, .pre = pre_ripas_first_page, .mut = { SET(3, 0x83000) },
	  .out = { OUT(1, 0x84000) }, .check = chk_set_ripas_done },
	{ "ok_level2_entry", "[2 MiB, 4 MiB) changed as one level-2 entry", E_OK,
	  .setup = su_ripas_l2, .out = { OUT(1, 2 * LS(2)) }, .check = chk_ripas_l2 },
	{ "base_not_request", "#5 base != the request's address", E_INPUT, .setup = su_ripas_l3,
	  .mut = { SET(3, 0x83000) } },
	{ "top_above_request", "#5 top above the request's top", E_INPUT, .setup = su_ripas_l3,
	  .mut = { SET(4, 0x85000) } },
	{ "base_already_done", "#5 base is where the request began, after progress", E_INPUT,
	  .setup = su_ripas_l3, .pre = pre_ripas_first_page },
	{ "level_unaligned", "#6 base not aligned to the level-2 entry the walk reached",
	  E_RTT(2), .setup = su_ripas_l2_unaligned },
	{ "no_progress", "#6 top inside the level-2 entry: no progress", E_RTT(2),
	  .setup = su_ripas_l2_small },
	{ "prec_request_over_level", "#5 top above the request and #6 unaligned", E_INPUT,
	  .setup = su_ripas_l2_unaligned, .mut = { SET(4, 3 * LS(2)) } },
};

/* ---- DATA_CREATE, DATA_CREATE_UNKNOWN, DATA_DESTROY ---- */

static void su_data_create(struct ctx *c)
{
	realm_main(c, NULL);
	rtts(c, 0, 3);
	c->x[0] = c->rd;
	c->x[1] = del(c);
	c->x[2] = 0x3000;
	c->x[3] = src_page(c);
	c->x[4] = 0;
}

static void su_data_create_lpa2(struct ctx *c)
{
	realm_geom(c, F_LPA2, 48, 0, 1);
	rtts(c, 0, 3);
	c->x[0] = c->rd;
	c->x[1] = del(c);
	c->x[2] = 0x3000;
	c->x[3] = src_page(c);
	c->x[4] = 0;
}

/* ASSIGNED RAM at level 3, DATA with the source's content, leaf refcount +1. */
static void chk_data_created(struct ctx *c)
{
	uint64_t data = c->x[1], ipa = c->x[2], l3 = rtt_pa(c, ipa, 3);

	expect_entry(c, ipa, 3, 3, RMI_ASSIGNED, data, RMI_RAM);
	EXPECT_EQ(c, STATE(c, data), GRANULE_DATA);
	EXPECT_EQ(c, REFS(c, l3), ref_before(c, l3) + 1);
	EXPECT(c, !memcmp(pas_rmm_va(c->m.pas, data), pas_host_va(c->m.pas, c->x[3]),
			  GRANULE_SIZE));
	EXPECT(c, pas_host_faults(c->m.pas, data));
}

static void pre_ram_at_3000(struct ctx *c)
{
	ripas_ram(c, 0x3000, 0x4000);
}

static void pre_destroyed_at_3000(struct ctx *c)
{
	data_make(c, 0x3000);
	data_destroy(c, 0x3000);
}

static void pre_data_at_3000(struct ctx *c)
{
	c->v[0] = data_make(c, 0x3000);
}

static void pre_data_at_3000_active(struct ctx *c)
{
	data_make(c, 0x3000);
	activate(c);
}

static void pre_l3_last_protected(struct ctx *c)
{
	rtts(c, IPA_NS - GRANULE_SIZE, 3);
}

static const struct tcase data_create_cases[] = {
	{ "ok", "ASSIGNED RAM, DATA holds the source, refcount +1, RIM extended", E_OK,
	  .check = chk_data_created },
	{ "ok_measured", "flags MEASURE_CONTENT", E_OK, .mut = { SET(5, RMI_MEASURE_CONTENT) },
	  .check = chk_data_created },
	{ "ok_on_ram", "the entry UNASSIGNED RAM: becomes ASSIGNED RAM", E_OK,
	  .pre = pre_ram_at_3000, .check = chk_data_created },
	{ "ok_on_destroyed", "the entry UNASSIGNED DESTROYED: becomes ASSIGNED RAM", E_OK,
	  .pre = pre_destroyed_at_3000, .check = chk_data_created },
	{ "ok_last_protected", "ipa 2^47 - 4 KiB", E_OK, .mut = { SET(3, IPA_NS - GRANULE_SIZE) },
	  .pre = pre_l3_last_protected, .check = chk_data_created },
	{ "ok_lpa2_above_48", "LPA2 realm: DATA at PA >= 2^48", E_OK, .plat = P_HIGH_LPA2,
	  .setup = su_data_create_lpa2, .mut = { USE(2, S_HIGH) }, .check = chk_data_created },
	{ "flags_2", "#1 flags 2", E_INPUT, .mut = { SET(5, 2) } },
	{ "flags_3", "#1 flags 3", E_INPUT, .mut = { SET(5, 3) } },
	{ "flags_bit63", "#1 flags bit 63", E_INPUT, .mut = { SET(5, 1UL << 63) } },
	{ "src_unaligned", "#2 src not aligned", E_INPUT, .mut = { ADD(4, 8) } },
	{ "src_below_dram", "#2 src below DRAM", E_INPUT, .mut = { USE(4, S_BELOW) } },
	{ "src_past_dram", "#2 src past DRAM", E_INPUT, .mut = { USE(4, S_PAST) } },
	{ "src_delegated", "#2 src DELEGATED", E_INPUT, .mut = { USE(4, S_DEL) } },
	{ "src_rd", "#2 src an RD", E_INPUT, .mut = { USE(4, S_RD) } },
	{ "src_data", "#2 src a DATA granule", E_INPUT, .mut = { USE(4, S_ZDATA) } },
	{ "src_eq_data", "#2 src == data (DELEGATED)", E_INPUT, .mut = { USEL(4, S_ARG, 2) } },
	{ "data_unaligned", "#3 data not aligned", E_INPUT, .mut = { ADD(2, 8) } },
	{ "data_below_dram", "#3 data below DRAM", E_INPUT, .mut = { USE(2, S_BELOW) } },
	{ "data_ns", "#3 data NS", E_INPUT, .mut = { USE(2, S_NS) } },
	{ "data_is_rd", "#3 data == rd", E_INPUT, .mut = { USE(2, S_RD) } },
	{ "data_is_rtt", "#3 data the root RTT", E_INPUT, .mut = { USE(2, S_RTT) } },
	{ "data_is_data", "#3 data already DATA", E_INPUT, .mut = { USE(2, S_ZDATA) } },
	{ "data_is_rec", "#3 data a REC", E_INPUT, .mut = { USE(2, S_ZREC) } },
	{ "data_is_aux", "#3 data a REC_AUX granule", E_INPUT, .mut = { USEL(2, S_ZAUX, 4) } },
	{ "rd_unaligned", "#3 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_ns", "#3 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#3 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_is_rtt", "#3 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_is_rec", "#3 rd a REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "rd_eq_data", "#3 rd == data (DELEGATED)", E_INPUT, .mut = { USEL(1, S_ARG, 2) } },
	{ "realm_active", "#4 realm ACTIVE", E_REALM(0), .pre = pre_activate },
	{ "ipa_unprotected", "#5 ipa 2^47", E_INPUT, .mut = { SET(3, IPA_NS) } },
	{ "ipa_unaligned", "#5 ipa not 4 KiB aligned", E_INPUT, .mut = { SET(3, 0x3800) } },
	{ "ipa_out_of_range", "#5 ipa 2^48", E_INPUT, .mut = { SET(3, 1UL << 48) } },
	{ "data_pa_above_48", "#6 no LPA2 and data >= 2^48", E_INPUT, .plat = P_HIGH,
	  .mut = { USE(2, S_HIGH) } },
	{ "walk_short_l2", "#7 ipa 2 MiB: the walk stops at level 2", E_RTT(2),
	  .mut = { SET(3, LS(2)) } },
	{ "walk_short_l1", "#7 ipa 1 GiB: the walk stops at level 1", E_RTT(1),
	  .mut = { SET(3, GIB(1)) } },
	{ "walk_short_l0", "#7 ipa 512 GiB: the walk stops at level 0", E_RTT(0),
	  .mut = { SET(3, LS(0)) } },
	{ "walk_block", "#7 ipa inside an ASSIGNED block: the walk stops at level 2", E_RTT(2),
	  .mut = { SET(3, LS(2) + 0x3000) }, .pre = pre_block_at_2m },
	{ "entry_assigned", "#8 the entry ASSIGNED", E_RTT(3), .pre = pre_data_at_3000 },
	{ "prec_flags_over_src", "#1 flags 2 and #2 src DELEGATED", E_INPUT,
	  .mut = { SET(5, 2), USE(4, S_DEL) } },
	{ "prec_flags_over_active", "#1 flags 2 and #4 ACTIVE", E_INPUT, .mut = { SET(5, 2) },
	  .pre = pre_activate },
	{ "prec_src_over_data", "#2 src DELEGATED and #3 data NS", E_INPUT,
	  .mut = { USE(4, S_DEL), USE(2, S_NS) } },
	{ "prec_src_over_active", "#2 src DELEGATED and #4 ACTIVE", E_INPUT,
	  .mut = { USE(4, S_DEL) }, .pre = pre_activate },
	{ "prec_data_over_active", "#3 data NS and #4 ACTIVE", E_INPUT, .mut = { USE(2, S_NS) },
	  .pre = pre_activate },
	{ "prec_active_over_ipa", "#4 ACTIVE and #5 ipa unprotected", E_REALM(0),
	  .mut = { SET(3, IPA_NS) }, .pre = pre_activate },
	{ "prec_active_over_pa48", "#4 ACTIVE and #6 data >= 2^48", E_REALM(0), .plat = P_HIGH,
	  .mut = { USE(2, S_HIGH) }, .pre = pre_activate },
	{ "prec_active_over_walk", "#4 ACTIVE and #7 walk short", E_REALM(0),
	  .mut = { SET(3, LS(2)) }, .pre = pre_activate },
	{ "prec_active_over_entry", "#4 ACTIVE and #8 entry ASSIGNED", E_REALM(0),
	  .pre = pre_data_at_3000_active },
	{ "prec_ipa_over_pa48", "#5 ipa unaligned and #6 data >= 2^48", E_INPUT, .plat = P_HIGH,
	  .mut = { SET(3, 0x3800), USE(2, S_HIGH) } },
	{ "prec_pa48_over_walk", "#6 data >= 2^48 and #7 walk short", E_INPUT, .plat = P_HIGH,
	  .mut = { USE(2, S_HIGH), SET(3, LS(2)) } },
	{ "prec_pa48_over_entry", "#6 data >= 2^48 and #8 entry ASSIGNED", E_INPUT,
	  .plat = P_HIGH, .mut = { USE(2, S_HIGH) }, .pre = pre_data_at_3000 },
	{ "prec_ipa_over_walk", "#5 ipa unaligned and #7 walk short", E_INPUT,
	  .mut = { SET(3, LS(2) + 0x800) } },
};

static void su_data_unknown(struct ctx *c)
{
	realm_main(c, NULL);
	rtts(c, 0, 3);
	c->x[0] = c->rd;
	c->x[1] = del(c);
	c->x[2] = 0x3000;
}

static void su_data_unknown_lpa2(struct ctx *c)
{
	realm_geom(c, F_LPA2, 48, 0, 1);
	rtts(c, 0, 3);
	c->x[0] = c->rd;
	c->x[1] = del(c);
	c->x[2] = 0x3000;
}

/* ASSIGNED with the RIPAS the entry had (v[0]), zero content, refcount +1. */
static void chk_data_unknown(struct ctx *c)
{
	uint64_t data = c->x[1], ipa = c->x[2], l3 = rtt_pa(c, ipa, 3);

	expect_entry(c, ipa, 3, 3, RMI_ASSIGNED, data, (unsigned)c->v[0]);
	EXPECT_EQ(c, STATE(c, data), GRANULE_DATA);
	EXPECT_EQ(c, REFS(c, l3), ref_before(c, l3) + 1);
	EXPECT(c, pas_is_zero(c->m.pas, data));
}

static void pre_unknown_on_ram(struct ctx *c)
{
	pre_ram_at_3000(c);
	c->v[0] = RMI_RAM;
}

static void pre_unknown_on_destroyed(struct ctx *c)
{
	pre_destroyed_at_3000(c);
	c->v[0] = RMI_DESTROYED;
}

static void pre_active_ram_at_3000(struct ctx *c)
{
	pre_unknown_on_ram(c);
	activate(c);
}

static const struct tcase data_unknown_cases[] = {
	{ "ok_empty", "UNASSIGNED EMPTY: ASSIGNED EMPTY, zero, RIM unchanged", E_OK,
	  .check = chk_data_unknown },
	{ "ok_ram", "UNASSIGNED RAM: ASSIGNED RAM", E_OK, .pre = pre_unknown_on_ram,
	  .check = chk_data_unknown },
	{ "ok_destroyed", "UNASSIGNED DESTROYED: ASSIGNED DESTROYED", E_OK,
	  .pre = pre_unknown_on_destroyed, .check = chk_data_unknown },
	{ "ok_active", "ACTIVE realm (state not checked)", E_OK, .pre = pre_active_ram_at_3000,
	  .check = chk_data_unknown },
	{ "ok_lpa2_above_48", "LPA2 realm: DATA at PA >= 2^48", E_OK, .plat = P_HIGH_LPA2,
	  .setup = su_data_unknown_lpa2, .mut = { USE(2, S_HIGH) }, .check = chk_data_unknown },
	{ "data_unaligned", "#1 data not aligned", E_INPUT, .mut = { ADD(2, 8) } },
	{ "data_below_dram", "#1 data below DRAM", E_INPUT, .mut = { USE(2, S_BELOW) } },
	{ "data_ns", "#1 data NS", E_INPUT, .mut = { USE(2, S_NS) } },
	{ "data_is_rd", "#1 data == rd", E_INPUT, .mut = { USE(2, S_RD) } },
	{ "data_is_rtt", "#1 data the root RTT", E_INPUT, .mut = { USE(2, S_RTT) } },
	{ "data_is_data", "#1 data already DATA", E_INPUT, .mut = { USE(2, S_ZDATA) } },
	{ "data_is_aux", "#1 data a REC_AUX granule", E_INPUT, .mut = { USEL(2, S_ZAUX, 6) } },
	{ "rd_unaligned", "#1 rd not aligned", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_ns", "#1 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#1 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_is_rec", "#1 rd a REC", E_INPUT, .mut = { USE(1, S_ZREC) } },
	{ "rd_eq_data", "#1 rd == data", E_INPUT, .mut = { USEL(1, S_ARG, 2) } },
	{ "ipa_unprotected", "#2 ipa 2^47", E_INPUT, .mut = { SET(3, IPA_NS) } },
	{ "ipa_unaligned", "#2 ipa not 4 KiB aligned", E_INPUT, .mut = { SET(3, 0x3800) } },
	{ "ipa_out_of_range", "#2 ipa 2^48", E_INPUT, .mut = { SET(3, 1UL << 48) } },
	{ "data_pa_above_48", "#3 no LPA2 and data >= 2^48", E_INPUT, .plat = P_HIGH,
	  .mut = { USE(2, S_HIGH) } },
	{ "walk_short_l2", "#4 ipa 2 MiB: the walk stops at level 2", E_RTT(2),
	  .mut = { SET(3, LS(2)) } },
	{ "walk_short_l1", "#4 ipa 1 GiB: the walk stops at level 1", E_RTT(1),
	  .mut = { SET(3, GIB(1)) } },
	{ "walk_short_l0", "#4 ipa 512 GiB: the walk stops at level 0", E_RTT(0),
	  .mut = { SET(3, LS(0)) } },
	{ "entry_assigned", "#5 the entry ASSIGNED", E_RTT(3), .pre = pre_data_at_3000 },
	{ "active_walk_short", "#4 in an ACTIVE realm: no state check, ERROR_RTT", E_RTT(2),
	  .mut = { SET(3, LS(2)) }, .pre = pre_activate },
	{ "prec_data_over_ipa", "#1 data NS and #2 ipa unprotected", E_INPUT,
	  .mut = { USE(2, S_NS), SET(3, IPA_NS) } },
	{ "prec_ipa_over_pa48", "#2 ipa unaligned and #3 data >= 2^48", E_INPUT, .plat = P_HIGH,
	  .mut = { SET(3, 0x3800), USE(2, S_HIGH) } },
	{ "prec_pa48_over_walk", "#3 data >= 2^48 and #4 walk short", E_INPUT, .plat = P_HIGH,
	  .mut = { USE(2, S_HIGH), SET(3, LS(2)) } },
	{ "prec_pa48_over_entry", "#3 data >= 2^48 and #5 entry ASSIGNED", E_INPUT,
	  .plat = P_HIGH, .mut = { USE(2, S_HIGH) }, .pre = pre_data_at_3000 },
	{ "prec_ipa_over_walk", "#2 ipa unaligned and #4 walk short", E_INPUT,
	  .mut = { SET(3, LS(2) + 0x800) } },
};

static void su_data_destroy(struct ctx *c)
{
	realm_main(c, NULL);
	c->v[0] = data_make(c, 0x3000);
	c->v[1] = RMI_DESTROYED;
	c->x[0] = c->rd;
	c->x[1] = 0x3000;
}

static void su_data_destroy_empty(struct ctx *c)
{
	realm_main(c, NULL);
	c->v[0] = unknown_make(c, 0x3000);
	c->v[1] = RMI_EMPTY;
	c->x[0] = c->rd;
	c->x[1] = 0x3000;
}

static void su_data_destroy_destroyed(struct ctx *c)
{
	realm_main(c, NULL);
	data_make(c, 0x3000);
	data_destroy(c, 0x3000);
	c->v[0] = unknown_make(c, 0x3000);
	c->v[1] = RMI_DESTROYED;
	c->x[0] = c->rd;
	c->x[1] = 0x3000;
}

/* The DATA (v[0]) is DELEGATED and zero; the entry UNASSIGNED with RIPAS v[1]. */
static void chk_data_destroyed(struct ctx *c)
{
	uint64_t ipa = c->x[1], l3 = rtt_pa(c, ipa, 3);

	EXPECT_EQ(c, STATE(c, c->v[0]), GRANULE_DELEGATED);
	EXPECT(c, pas_is_zero(c->m.pas, c->v[0]));
	expect_entry(c, ipa, 3, 3, RMI_UNASSIGNED, 0, (unsigned)c->v[1]);
	EXPECT_EQ(c, REFS(c, l3), ref_before(c, l3) - 1);
}

static void pre_data_at_8000(struct ctx *c)
{
	data_make(c, 0x8000);
}

static void pre_destroyed_before(struct ctx *c)
{
	data_destroy(c, 0x3000);
}

static const struct tcase data_destroy_cases[] = {
	{ "ok_ram", "ASSIGNED RAM: UNASSIGNED DESTROYED, x1 = PA, x2 = end of the RTT", E_OK,
	  .out = { OUTS(1, S_V, 0), OUT(2, LS(2)) }, .check = chk_data_destroyed },
	{ "ok_next_live", "x2 = the next DATA (0x8000)", E_OK, .pre = pre_data_at_8000,
	  .out = { OUTS(1, S_V, 0), OUT(2, 0x8000) }, .check = chk_data_destroyed },
	{ "ok_empty", "ASSIGNED EMPTY: UNASSIGNED EMPTY", E_OK, .setup = su_data_destroy_empty,
	  .out = { OUTS(1, S_V, 0), OUT(2, LS(2)) }, .check = chk_data_destroyed },
	{ "ok_destroyed", "ASSIGNED DESTROYED: UNASSIGNED DESTROYED", E_OK,
	  .setup = su_data_destroy_destroyed, .out = { OUTS(1, S_V, 0), OUT(2, LS(2)) },
	  .check = chk_data_destroyed },
	{ "ok_active", "ACTIVE realm (state not checked)", E_OK, .pre = pre_activate,
	  .out = { OUTS(1, S_V, 0), OUT(2, LS(2)) }, .check = chk_data_destroyed },
	{ "rd_unaligned", "#1 rd not aligned; x2 = 0", E_INPUT, .mut = { ADD(1, 8) } },
	{ "rd_ns", "#1 rd NS", E_INPUT, .mut = { USE(1, S_NS) } },
	{ "rd_delegated", "#1 rd DELEGATED", E_INPUT, .mut = { USE(1, S_DEL) } },
	{ "rd_is_rtt", "#1 rd an RTT", E_INPUT, .mut = { USE(1, S_RTT) } },
	{ "rd_is_data", "#1 rd the DATA granule", E_INPUT, .mut = { USEL(1, S_V, 0) } },
	{ "ipa_unprotected", "#2 ipa 2^47", E_INPUT, .mut = { SET(2, IPA_NS) } },
	{ "ipa_unaligned", "#2 ipa not 4 KiB aligned", E_INPUT, .mut = { SET(2, 0x3800) } },
	{ "ipa_out_of_range", "#2 ipa 2^48", E_INPUT, .mut = { SET(2, 1UL << 48) } },
	{ "walk_short_l2", "#3 ipa 2 MiB: walk stops at level 2, x2 = end of that RTT", E_RTT(2),
	  .mut = { SET(2, LS(2)) }, .out = { OUT(2, LS(1)) } },
	{ "walk_short_l1", "#3 ipa 1 GiB: walk stops at level 1", E_RTT(1),
	  .mut = { SET(2, GIB(1)) }, .out = { OUT(2, LS(0)) } },
	{ "walk_short_l0", "#3 ipa 512 GiB: walk stops at level 0, x2 = 2^48", E_RTT(0),
	  .mut = { SET(2, LS(0)) }, .out = { OUT(2, 1UL << 48) } },
	{ "walk_block", "#3 ipa inside an ASSIGNED block: x2 = ipa", E_RTT(2),
	  .mut = { SET(2, LS(2) + 0x5000) }, .pre = pre_block_at_2m,
	  .out = { OUT(2, LS(2) + 0x5000) } },
	{ "entry_unassigned", "#4 UNASSIGNED below a DATA: x2 = that DATA (0x3000)", E_RTT(3),
	  .mut = { SET(2, 0x1000) }, .out = { OUT(2, 0x3000) } },
	{ "entry_unassigned_after", "#4 UNASSIGNED after the last DATA: x2 = end", E_RTT(3),
	  .mut = { SET(2, 0x4000) }, .out = { OUT(2, LS(2)) } },
	{ "entry_destroyed", "#4 destroyed twice: UNASSIGNED DESTROYED", E_RTT(3),
	  .pre = pre_destroyed_before, .out = { OUT(2, LS(2)) } },
	{ "prec_rd_over_ipa", "#1 rd NS and #2 ipa unprotected", E_INPUT,
	  .mut = { USE(1, S_NS), SET(2, IPA_NS) } },
	{ "prec_ipa_over_walk", "#2 ipa unaligned and #3 walk short", E_INPUT,
	  .mut = { SET(2, LS(2) + 0x800) } },
};

/* ---- the tables ---- */

#define TABLE(cmd_, fid_, ref_, setup_, cases_, ...)                                       \
	{ .cmd = (cmd_), .fid = (fid_), .ref = (ref_), .setup = (setup_), .cases = (cases_), \
	  .n = N(cases_), __VA_ARGS__ }

static const struct table tables[] = {
	TABLE("VERSION", RMI_VERSION, "h1 §2", su_version, version_cases, .readonly = true),
	TABLE("FEATURES", RMI_FEATURES, "h1 §3", su_features, features_cases, .readonly = true),
	TABLE("GRANULE_DELEGATE", RMI_GRANULE_DELEGATE, "h1 §4", su_delegate, delegate_cases),
	TABLE("GRANULE_UNDELEGATE", RMI_GRANULE_UNDELEGATE, "h1 §4", su_undelegate,
	      undelegate_cases),
	TABLE("REALM_CREATE", RMI_REALM_CREATE, "h1 §6", su_realm_create, realm_create_cases),
	TABLE("REALM_ACTIVATE", RMI_REALM_ACTIVATE, "h1 §7", su_realm, realm_activate_cases,
	      .rim = RIM_SAME),
	TABLE("REALM_DESTROY", RMI_REALM_DESTROY, "h1 §8", su_realm, realm_destroy_cases),
	TABLE("REC_AUX_COUNT", RMI_REC_AUX_COUNT, "h1 §9", su_realm, rec_aux_count_cases,
	      .readonly = true, .zero_input = 1U << 1),
	TABLE("REC_CREATE", RMI_REC_CREATE, "h1 §10", su_rec_create, rec_create_cases,
	      .rim = RIM_CHANGED),
	TABLE("REC_DESTROY", RMI_REC_DESTROY, "h1 §11", su_rec_destroy, rec_destroy_cases,
	      .rim = RIM_SAME),
	TABLE("REC_ENTER", RMI_REC_ENTER, "h1 §12", su_rec_enter, rec_enter_cases,
	      .rim = RIM_SAME),
	TABLE("PSCI_COMPLETE", RMI_PSCI_COMPLETE, "h1 §13", su_psci, psci_complete_cases),
	TABLE("RTT_CREATE", RMI_RTT_CREATE, "h2 §3", su_rtt_create, rtt_create_cases,
	      .rim = RIM_SAME),
	TABLE("RTT_DESTROY", RMI_RTT_DESTROY, "h2 §4", su_rtt_destroy, rtt_destroy_cases,
	      .rim = RIM_SAME, .zero_input = 1U << 2),
	TABLE("RTT_FOLD", RMI_RTT_FOLD, "h2 §5", su_rtt_fold, rtt_fold_cases, .rim = RIM_SAME),
	TABLE("RTT_READ_ENTRY", RMI_RTT_READ_ENTRY, "h2 §6", su_read_entry, read_entry_cases,
	      .readonly = true),
	TABLE("RTT_MAP_UNPROTECTED", RMI_RTT_MAP_UNPROTECTED, "h2 §7", su_map, map_cases,
	      .rim = RIM_SAME),
	TABLE("RTT_UNMAP_UNPROTECTED", RMI_RTT_UNMAP_UNPROTECTED, "h2 §8", su_unmap, unmap_cases,
	      .rim = RIM_SAME, .zero_input = 1U << 1),
	TABLE("RTT_INIT_RIPAS", RMI_RTT_INIT_RIPAS, "h2 §9", su_init_ripas, init_ripas_cases,
	      .rim = RIM_CHANGED),
	TABLE("RTT_SET_RIPAS", RMI_RTT_SET_RIPAS, "h2 §10", su_set_ripas, set_ripas_cases),
	TABLE("DATA_CREATE", RMI_DATA_CREATE, "h2 §11", su_data_create, data_create_cases,
	      .rim = RIM_CHANGED),
	TABLE("DATA_CREATE_UNKNOWN", RMI_DATA_CREATE_UNKNOWN, "h2 §12", su_data_unknown,
	      data_unknown_cases, .rim = RIM_SAME),
	TABLE("DATA_DESTROY", RMI_DATA_DESTROY, "h2 §13", su_data_destroy, data_destroy_cases,
	      .rim = RIM_SAME, .zero_input = 1U << 2),
};

/* FIDs in the RMI range that RMI 1.0 does not define: SMCCC NOT_SUPPORTED (-1). */
static void test_unknown_fids(void)
{
	static const uint64_t fids[] = { 0x156, 0x160, 0x163, 0x16a, 0x14f, 0x1cf };
	struct ctx c;

	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "DISPATCH/unknown_fids");
	boot(&c, P_DEFAULT);
	for (unsigned i = 0; i < N(fids); i++)
		t_check(call(&c, SMC64_STD_FID(fids[i]), 0, 0, 0, 0, 0, NULL) == (uint64_t)-1,
			__FILE__, __LINE__, "[%s] FID 0x%llx", c.name,
			(unsigned long long)SMC64_STD_FID(fids[i]));
	machine_fini(&c.m);
}

static const char *plat_name(unsigned p)
{
	static const char *const names[] = {
		[P_DEFAULT] = "", [P_RICH] = "LPA2/SVE/PMU", [P_NO_SHA512] = "no SHA-512",
		[P_PA40] = "PA 40", [P_HIGH] = "DRAM at 2^48", [P_HIGH_LPA2] = "LPA2, DRAM at 2^48",
		[P_BIG] = "96 MiB",
	};

	return names[p];
}

static void print_expected(const struct table *t, const struct tcase *tc)
{
	printf("%s", rmi_status_name(tc->status));
	if (tc->status == RMI_ERROR_RTT || tc->status == RMI_ERROR_REALM)
		printf("(%d)", tc->index == 0xff ? -1 : (int)tc->index);
	for (unsigned r = 1; r <= 4; r++)
		if (tc->status == RMI_ERROR_INPUT && (t->zero_input & (1U << r)))
			printf("; x%u=0", r);
	for (unsigned i = 0; i < N(tc->out) && tc->out[i].reg; i++) {
		const struct out *o = &tc->out[i];

		if (o->src == S_LIT)
			printf("; x%u=0x%llx", o->reg, (unsigned long long)o->lit);
		else
			printf("; x%u=its PA", o->reg);
	}
}

static void print_markdown(void)
{
	for (size_t t = 0; t < N(tables); t++) {
		printf("\n### %s\n\nConditions: %s.\n\n", tables[t].cmd, tables[t].ref);
		printf("| Case | Condition | Expected | Platform |\n|---|---|---|---|\n");
		for (size_t i = 0; i < tables[t].n; i++) {
			const struct tcase *tc = &tables[t].cases[i];

			printf("| `%s/%s` | ", tables[t].cmd, tc->name);
			for (const char *ch = tc->cond; *ch; ch++)
				printf(*ch == '|' ? "\\|" : "%c", *ch);
			printf(" | ");
			print_expected(&tables[t], tc);
			printf(" | %s |\n", plat_name(tc->plat));
		}
	}
}

/*
 * Commands on a REC that is inside REC_ENTER on another thread (its realm
 * spins): REC_ENTER #3, REC_DESTROY #1, RTT_SET_RIPAS #3 and PSCI_COMPLETE #4.
 * The REC runs until the host tick ends its REC_ENTER, so each call is made
 * while its refcount is 1, and counts only if it still is afterwards (else
 * the row is tried again).  Nothing may change: the RTTs, the REC and the
 * census are compared around the call.
 */
struct runner {
	struct ctx *c;
	uint64_t run;
	atomic_int done;
};

static void *runner_main(void *arg)
{
	struct runner *r = arg;
	struct smc_result res;

	rmm_call(r->c->m.rmm, RMI_REC_ENTER, r->c->v[0], r->run, 0, 0, 0, &res);
	r->done = 1;
	return NULL;
}

struct running_row {
	const char *name, *cond;
	uint64_t fid;
	unsigned status;
	unsigned nargs;
	int arg[3]; /* 0: rd, 1: REC 0 (running), 2: REC 1, 3: a run granule, 4: base, 5: top */
};

static const struct running_row running_rows[] = {
	{ "REC_ENTER/rec_running", "#3 REC already running", RMI_REC_ENTER, RMI_ERROR_REC, 2,
	  { 1, 3 } },
	{ "REC_DESTROY/rec_running", "#1 REC running", RMI_REC_DESTROY, RMI_ERROR_REC, 1, { 1 } },
	{ "RTT_SET_RIPAS/rec_running", "#3 REC running", RMI_RTT_SET_RIPAS, RMI_ERROR_REC, 3,
	  { 0, 1, 4 } },
	{ "PSCI_COMPLETE/calling_running", "#4 calling REC running", RMI_PSCI_COMPLETE,
	  RMI_ERROR_INPUT, 2, { 1, 2 } },
};

static void running_row(const struct running_row *row)
{
	for (unsigned attempt = 0; attempt < 20; attempt++) {
		struct ctx *c = calloc(1, sizeof(*c));
		struct prog p = { .n = 0 };
		struct runner r;
		struct rmm_census before, after;
		uint64_t x[5] = { 0 }, x0, refs_after;
		bool still_running;
		pthread_t th;

		if (!c)
			abort();
		snprintf(c->name, sizeof(c->name), "%s", row->name);
		boot(c, P_DEFAULT);
		p_op(&p, A64_B_SELF);
		realm_running(c, &p, 2, false);
		r = (struct runner){ .c = c, .run = c->v[3] };
		for (unsigned i = 0; i < row->nargs; i++) {
			static const uint64_t range[2] = { 0x82000, 0x83000 };
			int a = row->arg[i];

			x[i] = a == 0 ? c->rd : a <= 2 ? c->v[a - 1] : a == 3 ? ns_granule(&c->m)
									    : range[a - 4];
		}
		if (row->fid == RMI_RTT_SET_RIPAS)
			x[3] = 0x83000;
		pthread_create(&th, NULL, runner_main, &r);
		while (!r.done && rmm_granule_refcount(c->m.rmm, c->v[0]) == 0)
			sched_yield();
		rmm_census(c->m.rmm, &before, true);
		x0 = rmm_call(c->m.rmm, row->fid, x[0], x[1], x[2], x[3], x[4], NULL);
		rmm_census(c->m.rmm, &after, true);
		refs_after = rmm_granule_refcount(c->m.rmm, c->v[0]);
		still_running = !r.done;
		pthread_join(th, NULL);
		if (refs_after == 1 && still_running) {
			t_check(RMI_RET_STATUS(x0) == row->status, __FILE__, __LINE__,
				"[%s] got %s, expected %s", row->name,
				rmi_status_name(RMI_RET_STATUS(x0)), rmi_status_name(row->status));
			EXPECT(c, !memcmp(&before, &after, sizeof(before)));
			EXPECT_EQ(c, STATE(c, c->v[0]), GRANULE_REC);
			machine_fini(&c->m);
			free(c);
			return;
		}
		machine_fini(&c->m);
		free(c);
	}
	t_check(false, __FILE__, __LINE__, "[%s] the REC never stayed running across the call",
		row->name);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--markdown")) {
		print_markdown();
		return 0;
	}
	for (size_t t = 0; t < N(tables); t++)
		for (size_t i = 0; i < tables[t].n; i++)
			if (argc < 2 || strstr(tables[t].cmd, argv[1]) ||
			    strstr(tables[t].cases[i].name, argv[1]))
				run_case(&tables[t], &tables[t].cases[i]);
	for (size_t i = 0; i < N(running_rows); i++)
		if (argc < 2 || strstr(running_rows[i].name, argv[1]))
			running_row(&running_rows[i]);
	if (argc < 2)
		test_unknown_fids();
	return t_done();
}
