// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the RMM in RMI 2.0 mode (docs/RMM2.md, docs/FUZZING.md):
 * random sequences of 2.0 commands on a 2 MiB machine, with stateful
 * operations interleaved (several REC_CREATEs in flight, donations of good
 * and bad lists, reclaims with any capacity, cancellation at any point).
 *
 * After every call: the RMM's invariants hold, and a call that failed
 * (neither SUCCESS nor INCOMPLETE) changed no granule's state or refcount
 * and no realm's measurements.  At the end everything is torn down through
 * RMI calls only (in-flight operations cancelled or finished, realms
 * terminated, RECs destroyed by SRO, memory unmapped, RTTs and RDs
 * destroyed, granules undelegated) and every granule must be UNDELEGATED
 * and zero: a leak census.  A violation prints the call and aborts.
 *
 * Built two ways: as a libFuzzer target (REALMKIT_FUZZ, clang), and with
 * FUZZ_STANDALONE as a plain program that runs inputs from a seeded PRNG
 * (ctest fuzz_rmi2_random) or replays the files it is given.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/pas.h"
#include "realmkit/rmi2.h"
#include "rmm/introspect.h"
#include "rmm/rmm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DRAM_BASE 0x80000000UL
#define NGRAN     512 /* 2 MiB */
#define NS_POOL   64  /* the first granules are the host's scratch (params, lists, run) */
#define MAX_OPS   200
#define MAX_HANDLES 64

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t in8(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t in64(struct input *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)in8(in) << (8 * i);
	return v;
}

static struct {
	struct pas *pas;
	struct rmm *rmm;
	uint64_t handles[MAX_HANDLES];
	unsigned nhandles;
	uint64_t last_fid;
	uint64_t last_x[5];
	bool trace;
} F;

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_rmi2: after fid 0x%llx (0x%llx 0x%llx 0x%llx 0x%llx 0x%llx): ",
		(unsigned long long)F.last_fid, (unsigned long long)F.last_x[0],
		(unsigned long long)F.last_x[1], (unsigned long long)F.last_x[2],
		(unsigned long long)F.last_x[3], (unsigned long long)F.last_x[4]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static uint64_t gpa(unsigned i)
{
	return DRAM_BASE + (uint64_t)(i % NGRAN) * GRANULE_SIZE;
}

struct snap {
	uint8_t st[NGRAN];
	uint32_t ref[NGRAN];
};

static void snap(struct snap *s)
{
	for (unsigned i = 0; i < NGRAN; i++) {
		s->st[i] = (uint8_t)rmm_granule_state(F.rmm, gpa(i));
		s->ref[i] = rmm_granule_refcount(F.rmm, gpa(i));
	}
}

static uint64_t call(uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
		     uint64_t x5, struct smc_result *r)
{
	static struct snap before, after;
	struct smc_result tmp;
	char why[256];
	unsigned st;

	if (!r)
		r = &tmp;
	F.last_fid = fid;
	F.last_x[0] = x1, F.last_x[1] = x2, F.last_x[2] = x3, F.last_x[3] = x4, F.last_x[4] = x5;
	snap(&before);
	rmm_call(F.rmm, fid, x1, x2, x3, x4, x5, r);
	if (F.trace)
		fprintf(stderr, "call 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx -> 0x%llx 0x%llx\n",
			(unsigned long long)fid, (unsigned long long)x1, (unsigned long long)x2,
			(unsigned long long)x3, (unsigned long long)x4, (unsigned long long)x5,
			(unsigned long long)r->x[0], (unsigned long long)r->x[1]);
	if (!rmm_check_invariants(F.rmm, why, sizeof(why)))
		fail("invariant: %s", why);
	st = RMI_RET_STATUS(r->x[0]);
	if (st != RMI_SUCCESS && st != RMI2_INCOMPLETE && r->x[0] != ~0UL) {
		snap(&after);
		if (memcmp(&before, &after, sizeof(before)))
			fail("a failing call (x0 0x%llx) changed granules",
			     (unsigned long long)r->x[0]);
	}
	/* Handles of operations that started: the teardown finishes them. */
	if (st == RMI2_INCOMPLETE && (fid == RMI_REC_CREATE || fid == RMI_REC_DESTROY) &&
	    F.nhandles < MAX_HANDLES)
		F.handles[F.nhandles++] = r->x[1];
	return r->x[0];
}

/* An NS scratch granule chosen by the input (params, lists, run). */
static uint64_t ns(struct input *in)
{
	return gpa(in8(in) % NS_POOL);
}

/* Any granule: mostly beyond the NS pool, sometimes anywhere, sometimes off the end. */
static uint64_t anypa(struct input *in)
{
	uint8_t k = in8(in);

	if (k == 0xff)
		return DRAM_BASE + NGRAN * GRANULE_SIZE;
	return gpa(NS_POOL + (unsigned)((k | (uint64_t)in8(in) << 8) % (NGRAN - NS_POOL)));
}

static uint64_t rd_of(struct input *in)
{
	for (unsigned i = 0, k = in8(in); i < NGRAN; i++) {
		uint64_t pa = gpa(NS_POOL + (k + i) % (NGRAN - NS_POOL));

		if (rmm_granule_state(F.rmm, pa) == GRANULE_RD)
			return pa;
	}
	return anypa(in);
}

static uint64_t of_state(struct input *in, enum rmm_granule_state st)
{
	for (unsigned i = 0, k = in8(in); i < NGRAN; i++) {
		uint64_t pa = gpa(NS_POOL + (k + i) % (NGRAN - NS_POOL));

		if (rmm_granule_state(F.rmm, pa) == st && !rmm_granule_refcount(F.rmm, pa))
			return pa;
	}
	return anypa(in);
}

static uint64_t handle(struct input *in)
{
	uint8_t k = in8(in);

	return F.nhandles && k < 0xf0 ? F.handles[k % F.nhandles] : k;
}

/* IPAs of the small realms the fuzzer makes (s2sz 32..33, level 1 start). */
static const uint64_t ipa_bases[] = { 0, 0x1000, 0x200000, 0x40000000, 0x80000000UL,
				      0x80001000UL, 0x100000000UL, 0x1ff000 };

static uint64_t ipa(struct input *in)
{
	uint8_t k = in8(in);

	return ipa_bases[k % 8] + (uint64_t)(k >> 3) * GRANULE_SIZE;
}

static void realm_create(struct input *in)
{
	uint8_t buf[GRANULE_SIZE] = { 0 };
	uint64_t params = ns(in), rd = of_state(in, GRANULE_DELEGATED);
	uint64_t rtt = of_state(in, GRANULE_DELEGATED), v;
	uint8_t mut = in8(in);

	v = 32 + (mut & 1);
	memcpy(buf + 0x8, &v, 8);
	v = 1;
	memcpy(buf + 0x18, &v, 8);
	memcpy(buf + 0x20, &v, 8);
	v = (mut >> 1) & 1; /* hash */
	memcpy(buf + 0x30, &v, 8);
	memcpy(buf + 0x808, &rtt, 8);
	v = (mut & 0x40) ? 0 : 1; /* starting level: 1 is right for s2sz 32..33 */
	memcpy(buf + 0x810, &v, 8);
	v = 1;
	memcpy(buf + 0x818, &v, 8);
	if (mut & 0x80) { /* a random field, random value */
		uint64_t off = (in8(in) % 0x200) * 8, val = in64(in);

		memcpy(buf + off, &val, 8);
	}
	memcpy(pas_host_va(F.pas, params), buf, sizeof(buf));
	call(RMI_REALM_CREATE, rd, params, 0, 0, 0, NULL);
}

static void rec_params(uint64_t pa, uint64_t mpidr, bool runnable)
{
	uint8_t buf[GRANULE_SIZE] = { 0 };
	uint64_t f = runnable;

	memcpy(buf, &f, 8);
	memcpy(buf + 0x100, &mpidr, 8);
	memcpy(pas_host_va(F.pas, pa), buf, sizeof(buf));
}

/* A list of @n range descriptors in NS granule @list: good delegated granules or input's. */
static void write_list(struct input *in, uint64_t list, unsigned n, bool good)
{
	uint64_t *l = pas_host_va(F.pas, list);

	for (unsigned i = 0; i < n && i < 512; i++)
		l[i] = good ? RMI2_RDESC(of_state(in, GRANULE_DELEGATED), 1, 0) : in64(in);
}

static void op(struct input *in)
{
	struct smc_result r;
	uint64_t a, b, list;
	uint8_t k = in8(in);

	switch (k % 24) {
	case 0:
	case 1:
		a = anypa(in);
		call(RMI2_GRANULE_RANGE_DELEGATE, a, a + (1 + in8(in) % 8) * GRANULE_SIZE, 0, 0, 0,
		     NULL);
		break;
	case 2:
		a = anypa(in);
		call(RMI2_GRANULE_RANGE_UNDELEGATE, a, a + (1 + in8(in) % 8) * GRANULE_SIZE, 0, 0,
		     0, NULL);
		break;
	case 3:
		realm_create(in);
		break;
	case 4:
		a = rd_of(in);
		b = ipa(in);
		call(RMI_RTT_CREATE, a, of_state(in, GRANULE_DELEGATED), b & ~0x1fffffUL,
		     2 + in8(in) % 2, 0, NULL);
		break;
	case 5:
		call(RMI_RTT_DESTROY, rd_of(in), ipa(in) & ~0x1fffffUL, 2 + in8(in) % 2, 0, 0, NULL);
		break;
	case 6:
		call(RMI_RTT_FOLD, rd_of(in), ipa(in) & ~0x1fffffUL, 3, 0, 0, NULL);
		break;
	case 7:
		call(RMI2_RTT_DATA_MAP_INIT, rd_of(in), of_state(in, GRANULE_DELEGATED), ipa(in),
		     ns(in), in8(in) & 1, NULL);
		break;
	case 8:
		a = ipa(in);
		if (in8(in) & 1) {
			call(RMI2_RTT_DATA_MAP, rd_of(in), a, a + GRANULE_SIZE, RMI2_ADDR_TYPE_SINGLE,
			     RMI2_RDESC(of_state(in, GRANULE_DELEGATED), 1, 0), NULL);
		} else {
			unsigned n = 1 + in8(in) % 4;

			list = ns(in);
			write_list(in, list, n, in8(in) & 1);
			call(RMI2_RTT_DATA_MAP, rd_of(in), a, a + n * GRANULE_SIZE,
			     RMI2_ADDR_TYPE_LIST | (uint64_t)n << 2, list, NULL);
		}
		break;
	case 9:
		a = ipa(in);
		call(RMI2_RTT_DATA_UNMAP, rd_of(in), a, a + (1 + in8(in) % 16) * GRANULE_SIZE,
		     in8(in) % 3, 0, NULL);
		break;
	case 10:
		a = (1UL << 31) + (in8(in) % 4) * 0x200000UL;
		call(RMI2_RTT_UNPROT_MAP, rd_of(in), a, a + 0x200000,
		     RMI2_ADDR_TYPE_SINGLE | 3UL << 16 | 3UL << 19,
		     RMI2_RDESC(DRAM_BASE, 1, RMI2_BLOCK_L2), NULL);
		break;
	case 11:
		a = (1UL << 31) + (in8(in) % 4) * 0x200000UL;
		call(RMI2_RTT_UNPROT_UNMAP, rd_of(in), a, a + 0x400000, RMI2_ADDR_TYPE_NONE, 0,
		     NULL);
		break;
	case 12:
		a = ipa(in);
		call(RMI_RTT_INIT_RIPAS, rd_of(in), a, a + (1 + in8(in)) * GRANULE_SIZE, 0, 0, NULL);
		break;
	case 13:
		call(RMI_REALM_ACTIVATE, rd_of(in), 0, 0, 0, 0, NULL);
		break;
	case 14:
		call(RMI2_REALM_TERMINATE, rd_of(in), 0, 0, 0, 0, NULL);
		break;
	case 15:
		call(RMI_REALM_DESTROY, rd_of(in), 0, 0, 0, 0, NULL);
		break;
	case 16:
		a = ns(in);
		rec_params(a, in8(in) % 3, in8(in) & 1);
		call(RMI_REC_CREATE, rd_of(in), of_state(in, GRANULE_DELEGATED), a, 0, 0, NULL);
		break;
	case 17:
	case 18: {
		unsigned n = 1 + in8(in) % 17;

		list = ns(in);
		write_list(in, list, n, in8(in) % 4);
		call(RMI2_OP_MEM_DONATE, handle(in), list, n, 0, 0, NULL);
		break;
	}
	case 19:
		call(RMI2_OP_CONTINUE, handle(in), 0, 0, 0, 0, NULL);
		break;
	case 20:
		call(RMI2_OP_MEM_RECLAIM, handle(in), ns(in), in8(in) % 20, 0, 0, NULL);
		break;
	case 21:
		call(RMI2_OP_CANCEL, handle(in), 0, 0, 0, 0, NULL);
		break;
	case 22:
		call(RMI_REC_DESTROY, of_state(in, GRANULE_REC), 0, 0, 0, 0, NULL);
		break;
	default: /* anything at all, with registers from the input */
		a = 0xC4000150UL + in8(in) % 0xc0;
		call(a, in64(in), in64(in), in64(in), in64(in), in64(in), &r);
		break;
	}
}

/* Finish an operation: cancel it if it can be, then answer its requests. */
static void finish(uint64_t h)
{
	struct smc_result r;
	uint64_t list = gpa(NS_POOL - 1), x0;

	x0 = call(RMI2_OP_CANCEL, h, 0, 0, 0, 0, &r);
	if (RMI_RET_STATUS(x0) != RMI2_INCOMPLETE)
		x0 = call(RMI2_OP_MEM_RECLAIM, h, list, 512, 0, 0, &r);
	if (RMI_RET_STATUS(x0) != RMI2_INCOMPLETE)
		x0 = call(RMI2_OP_CONTINUE, h, 0, 0, 0, 0, &r);
	for (unsigned i = 0; i < 64 && RMI_RET_STATUS(x0) == RMI2_INCOMPLETE; i++) {
		if (RMI2_OP_MEM_REQ(x0) == RMI2_OP_MEM_REQ_RECLAIM)
			x0 = call(RMI2_OP_MEM_RECLAIM, h, list, 512, 0, 0, &r);
		else if (RMI2_OP_MEM_REQ(x0) == RMI2_OP_MEM_REQ_NONE)
			x0 = call(RMI2_OP_CONTINUE, h, 0, 0, 0, 0, &r);
		else
			fail("operation 0x%llx asks for memory and cannot be cancelled",
			     (unsigned long long)h);
	}
}

/* DATA_UNMAP / UNPROT_UNMAP over [base, top), following out_top, until an error. */
static void unmap_all(uint64_t fid, uint64_t rd, uint64_t base, uint64_t top)
{
	struct smc_result r;

	while (base < top &&
	       call(fid, rd, base, top, RMI2_ADDR_TYPE_NONE, 0, &r) == RMI_RET(RMI_SUCCESS, 0))
		base = r.x[1] > base ? r.x[1] : base + GRANULE_SIZE;
}

static void teardown(void)
{
	struct smc_result r;
	struct rmm_census c;

	for (unsigned i = 0; i < F.nhandles; i++)
		finish(F.handles[i]);
	F.nhandles = 0;
	for (unsigned i = 0; i < NGRAN; i++)
		if (rmm_granule_state(F.rmm, gpa(i)) == GRANULE_RD)
			call(RMI2_REALM_TERMINATE, gpa(i), 0, 0, 0, 0, NULL);
	for (unsigned i = 0; i < NGRAN; i++)
		if (rmm_granule_state(F.rmm, gpa(i)) == GRANULE_REC) {
			uint64_t x0 = call(RMI_REC_DESTROY, gpa(i), 0, 0, 0, 0, &r);

			if (RMI_RET_STATUS(x0) != RMI2_INCOMPLETE)
				fail("REC_DESTROY in teardown: 0x%llx", (unsigned long long)x0);
			finish(r.x[1]);
		}
	for (unsigned i = 0; i < NGRAN; i++) {
		uint64_t rd = gpa(i);

		if (rmm_granule_state(F.rmm, rd) != GRANULE_RD)
			continue;
		/* The realm is 32 or 33 bits wide: unmap as both (the wrong one fails harmlessly). */
		for (unsigned bits = 32; bits <= 33; bits++) {
			uint64_t half = 1UL << (bits - 1);

			unmap_all(RMI2_RTT_DATA_UNMAP, rd, 0, half);
			unmap_all(RMI2_RTT_UNPROT_UNMAP, rd, half, 2 * half);
		}
		/* RTTs exist only where the ops put them: the ipa() bases and the NS windows. */
		for (int level = 3; level >= 2; level--)
			for (unsigned j = 0; j < 8 + 8; j++) {
				uint64_t a = j < 8 ? ipa_bases[j] : (1UL << (31 + (j - 8) / 4)) +
								     ((j - 8) % 4) * 0x200000UL;
				uint64_t align = 1UL << (12 + 9 * (4 - level));

				for (uint64_t off = 0; off < (level == 3 ? 0x200000UL : 1); off += 0x200000)
					call(RMI_RTT_DESTROY, rd, (a + off) & ~(align - 1),
					     (uint64_t)level, 0, 0, NULL);
			}
		if (call(RMI_REALM_DESTROY, rd, 0, 0, 0, 0, NULL) != RMI_RET(RMI_SUCCESS, 0))
			fail("REALM_DESTROY in teardown");
	}
	for (unsigned i = 0; i < NGRAN; i++)
		if (rmm_granule_state(F.rmm, gpa(i)) == GRANULE_DELEGATED)
			call(RMI2_GRANULE_RANGE_UNDELEGATE, gpa(i), gpa(i) + GRANULE_SIZE, 0, 0, 0,
			     NULL);
	rmm_census(F.rmm, &c, true);
	if (c.count[GRANULE_UNDELEGATED] != NGRAN || c.nonzero_free)
		fail("leak census: %llu of %u granules UNDELEGATED, %llu not zero",
		     (unsigned long long)c.count[GRANULE_UNDELEGATED], NGRAN,
		     (unsigned long long)c.nonzero_free);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct rmm_platform p;
	uint64_t cfg;

	memset(&F, 0, sizeof(F));
	F.trace = getenv("FUZZ_RMI_TRACE") != NULL;
	F.pas = pas_create(DRAM_BASE, NGRAN * GRANULE_SIZE);
	rmm_platform_default(&p);
	p.rmi_v2 = true;
	F.rmm = rmm_create(F.pas, &p);
	if (!F.pas || !F.rmm)
		abort();
	/* Bring-up, unless the input starts with 0xff (then the ERROR_GLOBAL paths). */
	cfg = gpa(0);
	if (!(size && data[0] == 0xff)) {
		call(RMI2_RMM_CONFIG_SET, cfg, 0, 0, 0, 0, NULL);
		call(RMI2_RMM_ACTIVATE, 0, 0, 0, 0, 0, NULL);
	}
	for (unsigned n = 0; n < MAX_OPS && in.n; n++)
		op(&in);
	call(RMI2_RMM_ACTIVATE, 0, 0, 0, 0, 0, NULL);
	teardown();
	rmm_destroy(F.rmm);
	pas_destroy(F.pas);
	return 0;
}

#ifdef FUZZ_STANDALONE
/* fuzz_rmi2 N SEED: N random inputs; fuzz_rmi2 FILE...: replay files. */
int main(int argc, char **argv)
{
	if (argc == 3 && argv[1][0] >= '0' && argv[1][0] <= '9') {
		unsigned long n = strtoul(argv[1], NULL, 0), seed = strtoul(argv[2], NULL, 0);
		static uint8_t buf[4096];

		for (unsigned long i = 0; i < n; i++) {
			size_t len = 64 + (seed % 2048);

			for (size_t j = 0; j < len; j++) {
				seed = seed * 6364136223846793005UL + 1442695040888963407UL;
				buf[j] = (uint8_t)(seed >> 56);
			}
			LLVMFuzzerTestOneInput(buf, len);
		}
		printf("fuzz_rmi2: %lu random inputs, no violation\n", n);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		static uint8_t buf[1 << 16];
		FILE *f = fopen(argv[i], "rb");
		size_t len;

		if (!f) {
			perror(argv[i]);
			return 2;
		}
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
	}
	return 0;
}
#endif
