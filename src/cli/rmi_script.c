// SPDX-License-Identifier: MIT
/* The RMI script interpreter behind `realmkit rmi`. */
#include "cli/rmi_script.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arch/esr.h"
#include "cli/cli.h"
#include "hw/pas.h"
#include "realmkit/rmi.h"
#include "realmkit/rmi2.h"
#include "rmm/introspect.h"
#include "rmm/rmi_cmds.h"

#define MAX_TOKENS 32
/* Fills at least this large prefault their pages in one madvise() call. */
#define FILL_PREFAULT_MIN (1ULL << 20)


static const char *const status_names[] = {
	"SUCCESS", "ERROR_INPUT", "ERROR_REALM", "ERROR_REC", "ERROR_RTT",
	/* RMI 2.0 only: a 1.0 RMM never returns these, and 1.0 scripts print them raw. */
	"ERROR_NOT_SUPPORTED", "ERROR_DEVICE", "ERROR_RTT_AUX", "ERROR_PSMMU_ST", "ERROR_DPT",
	"BUSY", "ERROR_GLOBAL", "ERROR_TRACKING", "INCOMPLETE", "BLOCKED", "ERROR_GPT",
	"ERROR_GRANULE",
};
#define NSTATUS_V1 5U
/* The statuses a script's RMM defines: 1.0's five, or all of 2.0's. */
#define NSTATUS(s)                                                                         \
	((s)->plat.rmi_v2 ? (unsigned)(sizeof(status_names) / sizeof(status_names[0])) : NSTATUS_V1)

const char *rmi_command_name(uint64_t fid)
{
	const struct rmi_cmd *c = rmi_cmd_by_fid(fid, RMI_ABI_1_0 | RMI_ABI_2_0);

	return c ? c->name : NULL;
}

void rmi_script_default_opts(struct rmi_script_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->dram_base = PAS_DEFAULT_DRAM_BASE;
	o->dram_size = PAS_DEFAULT_DRAM_SIZE;
	rmm_platform_default(&o->plat);
}

struct script {
	const char *name; /* printable (escaped) */
	unsigned line;
	FILE *out;
	FILE *err;
	const struct rmi_script_opts *opts;
	struct rmm_platform plat;
	struct pas *pas;
	struct rmm *rmm;
	/* The previous statement, if it was a call: what `expect` checks. */
	struct {
		bool pending;
		unsigned line;
		const struct rmi_cmd *cmd;
		struct smc_result r;
	} last;
	/* Script words made printable for messages (a few per message). */
	char esc[4][128];
	unsigned next_esc;
};

/* Return codes of the statement functions, mapped to exit statuses by rmi_script_run(). */
#define ERR_LINE     (-1) /* malformed line or failed action: exit 1 */
#define ERR_MACHINE  (-2) /* machine not set up: exit 2 */
#define ERR_EXPECTED (-3) /* a call's result was not the expected one: exit 3 */

static const char *esc(struct script *s, const char *word)
{
	char *buf = s->esc[s->next_esc++ % (sizeof(s->esc) / sizeof(s->esc[0]))];

	return cli_escape(buf, sizeof(s->esc[0]), word);
}

static int vreport(struct script *s, int ret, const char *fmt, va_list ap)
{
	/* Results and errors reach a shared log (>log 2>&1) in the order they happen. */
	fflush(s->out);
	fprintf(s->err, "%s:%u: ", s->name, s->line);
	vfprintf(s->err, fmt, ap);
	fputc('\n', s->err);
	fflush(s->err);
	return ret;
}

static int __attribute__((format(printf, 2, 3))) fail(struct script *s, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vreport(s, ERR_LINE, fmt, ap);
	va_end(ap);
	return ret;
}

static int __attribute__((format(printf, 2, 3))) unexpected(struct script *s, const char *fmt,
							     ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vreport(s, ERR_EXPECTED, fmt, ap);
	va_end(ap);
	return ret;
}

/* How a number may be written where it is read. */
enum num_kind {
	NUM_UNSIGNED, /* 0 .. 2^64 - 1 */
	NUM_SIGNED,   /* -2^63 .. 2^63 - 1, stored two's complement */
	NUM_REGISTER, /* either: -2^63 .. 2^64 - 1, as a register holds them */
};

static int parse_num(struct script *s, const char *tok, const char *what, enum num_kind kind,
		     uint64_t *v)
{
	bool neg = tok[0] == '-';
	const char *end;
	uint64_t n;
	int ret;

	if (neg && kind == NUM_UNSIGNED)
		return fail(s, "%s: '%s' is negative, and %s is unsigned", what, esc(s, tok), what);
	ret = cli_parse_number(tok + neg, &end, &n);
	if (ret == -ERANGE)
		return fail(s, "%s: '%s' does not fit in 64 bits", what, esc(s, tok));
	if (ret || *end)
		return fail(s, "%s: '%s' is not a number (decimal or 0x-hex%s)", what, esc(s, tok),
			    kind == NUM_UNSIGNED ? "" : ", a leading '-' for a negative one");
	if (neg ? n > 1ULL << 63 : kind == NUM_SIGNED && n > (uint64_t)INT64_MAX)
		return fail(s, "%s: '%s' does not fit in 64 bits (signed)", what, esc(s, tok));
	*v = neg ? 0 - n : n;
	return 0;
}

static int parse_u64(struct script *s, const char *tok, const char *what, uint64_t *v)
{
	return parse_num(s, tok, what, NUM_UNSIGNED, v);
}

static int parse_hex_bytes(struct script *s, const char *tok, const char *what, uint8_t *buf,
			   size_t max, size_t *len)
{
	size_t n = strlen(tok);

	if (n >= 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
		tok += 2;
		n -= 2;
	}
	if (!n || n % 2)
		return fail(s, "%s: '%s' is not an even number of hex digits", what, esc(s, tok));
	if (n / 2 > max)
		return fail(s, "%s: %zu bytes given, at most %zu allowed", what, n / 2, max);
	for (size_t i = 0; i < n / 2; i++) {
		char pair[3] = { tok[2 * i], tok[2 * i + 1], 0 };

		if (!isxdigit((unsigned char)pair[0]) || !isxdigit((unsigned char)pair[1]))
			return fail(s, "%s: '%s' is not hex", what, esc(s, tok));
		buf[i] = (uint8_t)strtoul(pair, NULL, 16);
	}
	*len = n / 2;
	return 0;
}

/* Parse "a,b,c" into at most @max numbers: no empty elements. */
static int parse_list(struct script *s, char *val, const char *what, uint64_t *v, size_t max)
{
	const char *shown = esc(s, val);
	size_t n = 0;

	for (char *p = val;; n++) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = 0;
		if (!*p)
			return fail(s, "%s: empty value in '%s' (numbers separated by commas)",
				    what, shown);
		if (n == max)
			return fail(s, "%s: more than %zu values", what, max);
		if (parse_u64(s, p, what, &v[n]) < 0)
			return ERR_LINE;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/*
 * Can the host write [pa, pa + len)?  Only inside DRAM, and only granules
 * whose GPT entry is NS: the host view faults on every other one.  Checked
 * for the whole range before anything is written.
 */
static int host_range(struct script *s, const char *what, uint64_t pa, uint64_t len)
{
	uint64_t last;

	if (!pas_in_dram(s->pas, pa, len))
		return fail(s, "%sPA range 0x%llx+0x%llx is outside DRAM", what,
			    (unsigned long long)pa, (unsigned long long)len);
	if (!len)
		return 0;
	last = (pa + len - 1) & ~GRANULE_MASK;
	for (uint64_t g = pa & ~GRANULE_MASK; g <= last; g += GRANULE_SIZE)
		if (pas_gpt_get(s->pas, g) != PAS_NS)
			return fail(s, "granule 0x%llx is not host memory (delegated)",
				    (unsigned long long)g);
	return 0;
}

/* Host write of NS memory: refused (not faulted) where the host has no access. */
static int host_write(struct script *s, uint64_t pa, const void *buf, uint64_t len)
{
	if (!len)
		return 0;
	if (host_range(s, "", pa, len) < 0)
		return ERR_LINE;
	memcpy(pas_host_va(s->pas, pa), buf, len);
	return 0;
}

static int machine_up(struct script *s)
{
	if (s->rmm)
		return 0;
	s->rmm = rmm_create(s->pas, &s->plat);
	if (!s->rmm) {
		fflush(s->out);
		fprintf(s->err,
			"realmkit rmi: cannot create the RMM for 0x%llx bytes of DRAM "
			"(--dram-size): out of memory\n",
			(unsigned long long)s->opts->dram_size);
		return ERR_MACHINE;
	}
	return 0;
}

static int split_kv(struct script *s, char *tok, char **key, char **val)
{
	char *eq = strchr(tok, '=');

	if (!eq || eq == tok || !eq[1])
		return fail(s, "expected key=value, got '%s'", esc(s, tok));
	*eq = 0;
	*key = tok;
	*val = eq + 1;
	return 0;
}

/*
 * Split tok[first..] into keys and values, refusing a key given twice (a
 * later value silently winning hides typos).
 */
static int split_kvs(struct script *s, int ntok, char **tok, int first, char **keys, char **vals)
{
	for (int i = first; i < ntok; i++) {
		if (split_kv(s, tok[i], &keys[i], &vals[i]) < 0)
			return ERR_LINE;
		for (int j = first; j < i; j++)
			if (!strcmp(keys[i], keys[j]))
				return fail(s, "%s: '%s' given twice", tok[0], esc(s, keys[i]));
	}
	return 0;
}

static int stmt_platform(struct script *s, int ntok, char **tok)
{
	char *keys[MAX_TOKENS], *vals[MAX_TOKENS];

	if (s->rmm)
		return fail(s, "'platform' must come before anything that uses the machine");
	if (split_kvs(s, ntok, tok, 1, keys, vals) < 0)
		return ERR_LINE;
	for (int i = 1; i < ntok; i++) {
		const char *k = keys[i], *v = vals[i];
		uint64_t n;

		if (!strcmp(k, "rmm")) {
			if (strcmp(v, "1.0") && strcmp(v, "2.0"))
				return fail(s, "platform: rmm=%s: the RMM is 1.0 or 2.0", esc(s, v));
			s->plat.rmi_v2 = !strcmp(v, "2.0");
			continue;
		}
		if (parse_u64(s, v, esc(s, k), &n) < 0)
			return ERR_LINE;
		if (!strcmp(k, "ipa_bits") && n >= 32 && n <= 52)
			s->plat.max_ipa_bits = (unsigned)n;
		else if (!strcmp(k, "lpa2") && n <= 1)
			s->plat.lpa2 = n;
		else if (!strcmp(k, "sve_vl") && n <= 15)
			s->plat.sve = true, s->plat.sve_max_vl = (unsigned)n;
		else if (!strcmp(k, "sve") && n <= 1)
			s->plat.sve = n;
		else if (!strcmp(k, "bps") && n >= 2 && n <= 16)
			s->plat.num_bps = (unsigned)n;
		else if (!strcmp(k, "wps") && n >= 2 && n <= 16)
			s->plat.num_wps = (unsigned)n;
		else if (!strcmp(k, "pmu_ctrs") && n <= 31)
			s->plat.pmu = true, s->plat.pmu_num_ctrs = (unsigned)n;
		else if (!strcmp(k, "pmu") && n <= 1)
			s->plat.pmu = n;
		else if (!strcmp(k, "sha512") && n <= 1)
			s->plat.sha512 = n;
		else
			return fail(s, "platform: unknown key or value out of range: %s=%s",
				    esc(s, k), esc(s, v));
	}
	return 0;
}

/* A 64-bit field of a parameter granule that a script may set by name. */
struct field {
	const char *name;
	size_t offset;
	bool is_signed;
};

static const struct field realm_fields[] = {
	{ "flags", offsetof(struct rmi_realm_params, flags), false },
	{ "s2sz", offsetof(struct rmi_realm_params, s2sz), false },
	{ "sve_vl", offsetof(struct rmi_realm_params, sve_vl), false },
	{ "num_bps", offsetof(struct rmi_realm_params, num_bps), false },
	{ "num_wps", offsetof(struct rmi_realm_params, num_wps), false },
	{ "pmu_num_ctrs", offsetof(struct rmi_realm_params, pmu_num_ctrs), false },
	{ "hash_algo", offsetof(struct rmi_realm_params, hash_algo), false },
	{ "vmid", offsetof(struct rmi_realm_params, vmid), false },
	{ "rtt_base", offsetof(struct rmi_realm_params, rtt_base), false },
	{ "rtt_level_start", offsetof(struct rmi_realm_params, rtt_level_start), true },
	{ "rtt_num_start", offsetof(struct rmi_realm_params, rtt_num_start), false },
	/* RMI 2.0's RmiRealmParams (vmid above is padding there). */
	{ "num_aux_planes", offsetof(struct rmi2_realm_params, num_aux_planes), false },
	{ "flags1", offsetof(struct rmi2_realm_params, flags1), false },
	{ NULL, 0, false },
};

static const struct field rec_fields[] = {
	{ "flags", offsetof(struct rmi_rec_params, flags), false },
	{ "mpidr", offsetof(struct rmi_rec_params, mpidr), false },
	{ "pc", offsetof(struct rmi_rec_params, pc), false },
	{ "num_aux", offsetof(struct rmi_rec_params, num_aux), false },
	{ NULL, 0, false },
};

/* A list-valued field: up to @max comma-separated numbers. */
struct list_field {
	const char *name;
	size_t offset;
	size_t max;
};

static const struct list_field rec_lists[] = {
	{ "gprs", offsetof(struct rmi_rec_params, gprs), RMI_REC_PARAMS_GPRS },
	{ "aux", offsetof(struct rmi_rec_params, aux), RMI_REC_PARAMS_AUX_GRANULES },
	{ NULL, 0, 0 },
};

/*
 * Build a zeroed 4 KiB parameter granule from key=value words and write it
 * to NS memory at the PA in tok[1].
 */
static int stmt_params(struct script *s, int ntok, char **tok, const struct field *fields,
		       const struct list_field *lists, bool has_rpv)
{
	uint64_t buf[GRANULE_SIZE / sizeof(uint64_t)]; /* aligned for the u64 fields */
	uint8_t *page = (uint8_t *)buf;
	char *keys[MAX_TOKENS], *vals[MAX_TOKENS];
	uint64_t pa;

	if (ntok < 2)
		return fail(s, "usage: %s PA key=value ...", tok[0]);
	if (parse_u64(s, tok[1], "PA", &pa) < 0)
		return ERR_LINE;
	if (pa & GRANULE_MASK)
		return fail(s, "%s: PA 0x%llx is not granule-aligned", tok[0],
			    (unsigned long long)pa);
	if (split_kvs(s, ntok, tok, 2, keys, vals) < 0)
		return ERR_LINE;
	memset(buf, 0, sizeof(buf));
	for (int i = 2; i < ntok; i++) {
		char *k = keys[i], *v = vals[i];
		const struct field *f;
		const struct list_field *l;
		size_t n;

		if (has_rpv && !strcmp(k, "rpv")) {
			if (parse_hex_bytes(s, v, "rpv",
					    page + offsetof(struct rmi_realm_params, rpv),
					    RMI_RPV_SIZE, &n) < 0)
				return ERR_LINE;
			continue;
		}
		for (l = lists; l && l->name && strcmp(l->name, k); l++)
			;
		if (l && l->name) {
			if (parse_list(s, v, l->name, (uint64_t *)(page + l->offset), l->max) < 0)
				return ERR_LINE;
			continue;
		}
		for (f = fields; f->name && strcmp(f->name, k); f++)
			;
		if (!f->name)
			return fail(s, "%s: unknown field '%s'", tok[0], esc(s, k));
		if (parse_num(s, v, f->name, f->is_signed ? NUM_SIGNED : NUM_UNSIGNED,
			      (uint64_t *)(page + f->offset)) < 0)
			return ERR_LINE;
	}
	return host_write(s, pa, buf, sizeof(buf));
}

/*
 * LEN bytes of BYTE, checked as a whole first.  Whole granules of zeroes
 * are scrubbed (given back to the host, as a hole reads as zero), so
 * clearing a large range costs neither time nor memory.  Any other byte
 * needs LEN bytes of host memory: the range is prefaulted in one call
 * (page faults on the DRAM memfd one by one cost ~3x more), then set with
 * one memset of the host view.
 */
static int stmt_fill(struct script *s, int ntok, char **tok)
{
	uint64_t pa, len, byte, end;
	uint8_t *va;

	if (ntok != 4)
		return fail(s, "usage: fill PA LEN BYTE");
	if (parse_u64(s, tok[1], "PA", &pa) < 0 || parse_u64(s, tok[2], "LEN", &len) < 0 ||
	    parse_u64(s, tok[3], "BYTE", &byte) < 0)
		return ERR_LINE;
	if (byte > 0xff)
		return fail(s, "fill: BYTE 0x%llx is larger than 0xff", (unsigned long long)byte);
	if (host_range(s, "fill: ", pa, len) < 0)
		return ERR_LINE;
	if (!len)
		return 0;
	va = pas_host_va(s->pas, pa);
	if (byte) {
#ifdef MADV_POPULATE_WRITE
		uint64_t first = pa & ~GRANULE_MASK;

		/* Best effort (Linux 5.14+): without it the memset faults the pages in. */
		if (len >= FILL_PREFAULT_MIN)
			madvise(pas_host_va(s->pas, first),
				((pa + len + GRANULE_MASK) & ~GRANULE_MASK) - first,
				MADV_POPULATE_WRITE);
#endif
		memset(va, (int)byte, len);
		return 0;
	}
	end = pa + len;
	while (pa < end) {
		uint64_t next = (pa & ~GRANULE_MASK) + GRANULE_SIZE;

		if (next > end)
			next = end;
		if (!(pa & GRANULE_MASK) && next - pa == GRANULE_SIZE)
			pas_scrub(s->pas, pa);
		else
			memset(pas_host_va(s->pas, pa), 0, next - pa);
		pa = next;
	}
	return 0;
}

static int stmt_data(struct script *s, int ntok, char **tok)
{
	static uint8_t buf[1 << 16];
	uint64_t pa;
	size_t len;

	if (ntok != 3)
		return fail(s, "usage: data PA HEXBYTES");
	if (parse_u64(s, tok[1], "PA", &pa) < 0 ||
	    parse_hex_bytes(s, tok[2], "data", buf, sizeof(buf), &len) < 0)
		return ERR_LINE;
	return host_write(s, pa, buf, len);
}

static const char *status_text(const struct script *s, uint64_t x0, char *buf, size_t size);

/* load PA FILE: a file's bytes (e.g. a guest image from guests/bin) into host memory. */
static int stmt_load(struct script *s, int ntok, char **tok)
{
	uint64_t pa;
	FILE *f;
	long n;
	int ret;

	if (ntok != 3)
		return fail(s, "usage: load PA FILE");
	if (parse_u64(s, tok[1], "PA", &pa) < 0)
		return ERR_LINE;
	f = fopen(tok[2], "rb");
	if (!f)
		return fail(s, "load: cannot open '%s': %s", esc(s, tok[2]), strerror(errno));
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		return fail(s, "load: '%s' is not a regular file", esc(s, tok[2]));
	}
	ret = host_range(s, "load: ", pa, (uint64_t)n);
	if (!ret && n && fread(pas_host_va(s->pas, pa), 1, (size_t)n, f) != (size_t)n)
		ret = fail(s, "load: cannot read '%s'", esc(s, tok[2]));
	fclose(f);
	return ret < 0 ? ERR_LINE : 0;
}

/*
 * gic RUN [hcr=V] [lrs=V,V,...]: the GIC part of the run granule's entry for
 * the next REC_ENTER, as KVM's vgic flush writes it: gicv3_hcr and up to 16
 * list registers, the rest zero.  `gic RUN` alone clears them.
 */
static int stmt_gic(struct script *s, int ntok, char **tok)
{
	char *keys[MAX_TOKENS], *vals[MAX_TOKENS];
	uint64_t run, hcr = 0, lrs[RMI_REC_GIC_NUM_LRS] = { 0 };
	struct rmi_rec_run *r;

	if (ntok < 2)
		return fail(s, "usage: gic RUN [hcr=V] [lrs=V,V,...]");
	/*
	 * RMI 2.0's RecRun has no GIC fields: the host programs the PE's
	 * ICH_*_EL2 registers instead (docs/RMM2.md), which a script cannot
	 * reach.  Refuse rather than write padding the RMM ignores.
	 */
	if (s->plat.rmi_v2)
		return fail(s, "gic: needs an RMM 1.0 (platform rmm=1.0): RMI 2.0 passes the list "
			       "registers in the PE's ICH_*_EL2, not in RecRun");
	if (parse_u64(s, tok[1], "RUN", &run) < 0 || split_kvs(s, ntok, tok, 2, keys, vals) < 0)
		return ERR_LINE;
	if (host_range(s, "gic: RUN ", run, GRANULE_SIZE) < 0 || (run & GRANULE_MASK))
		return fail(s, "gic: RUN must be a 4 KiB-aligned page of host memory");
	for (int i = 2; i < ntok; i++) {
		if (!strcmp(keys[i], "hcr")) {
			if (parse_num(s, vals[i], "hcr", NUM_UNSIGNED, &hcr) < 0)
				return ERR_LINE;
		} else if (!strcmp(keys[i], "lrs")) {
			if (parse_list(s, vals[i], "lrs", lrs, RMI_REC_GIC_NUM_LRS) < 0)
				return ERR_LINE;
		} else {
			return fail(s, "gic: unknown field '%s' (hcr, lrs)", esc(s, keys[i]));
		}
	}
	r = pas_host_va(s->pas, run);
	r->enter.gicv3_hcr = hcr;
	memcpy(r->enter.gicv3_lrs, lrs, sizeof(lrs));
	return 0;
}

/* CNTx_CTL: ENABLE, IMASK, ISTATUS.  A timer asserts its interrupt when enabled, met, unmasked. */
static bool timer_asserted(uint64_t ctl)
{
	return (ctl & 5) == 5 && !(ctl & 2);
}

static const char *const exit_names[] = { "SYNC", "IRQ", "FIQ", "PSCI", "RIPAS_CHANGE",
					  "HOST_CALL", "SERROR" };

/*
 * run_rec REC RUN [MAX]: REC_ENTER until the realm needs more than a VMM's
 * MMIO emulation, printing every exit but host-tick IRQs (which depend on
 * timing) deterministically.  Emulatable MMIO is answered as a VMM would:
 * writes to the UART (0x01000000 at the unprotected alias) are collected
 * and printed as "console", other writes ignored, reads return zero.  Stops
 * at any other exit, an RMI error, or after MAX entries (default 100000).
 */
static int stmt_run_rec(struct script *s, int ntok, char **tok)
{
	uint64_t rec, run, max = 100000, n, shared;
	char console[4096];
	size_t clen = 0;

	bool json = s->opts->json;

	if (ntok != 3 && ntok != 4)
		return fail(s, "usage: run_rec REC RUN [MAX]");
	if (parse_u64(s, tok[1], "REC", &rec) < 0 || parse_u64(s, tok[2], "RUN", &run) < 0 ||
	    (ntok == 4 && parse_u64(s, tok[3], "MAX", &max) < 0))
		return ERR_LINE;
	if (host_range(s, "run_rec: RUN ", run, GRANULE_SIZE) < 0 || (run & GRANULE_MASK))
		return fail(s, "run_rec: RUN must be a 4 KiB-aligned page of host memory");
	for (n = 0; n < max; n++) {
		struct rmi_rec_run *r = pas_host_va(s->pas, run);
		struct smc_result res;
		uint64_t x0 = rmm_call(s->rmm, RMI_REC_ENTER, rec, run, 0, 0, 0, &res), esr, ipa;
		const struct rmi_rec_exit *e = &r->exit;
		char st[64];

		if (RMI_RET_STATUS(x0) != RMI_SUCCESS) {
			if (json)
				fprintf(s->out, "{\"type\":\"run_rec\",\"rec_enter\":\"%s\"}\n",
					status_text(s, x0, st, sizeof(st)));
			else
				fprintf(s->out, "run_rec: REC_ENTER %s\n",
					status_text(s, x0, st, sizeof(st)));
			break;
		}
		r->enter.flags = 0;
		/*
		 * An IRQ exit is the host tick (timing, not behaviour: re-entered
		 * without a line) unless the realm caused it: one of its timers
		 * asserts its interrupt, or the GIC asks for maintenance.  Those
		 * are printed with the state KVM would act on, and end run_rec so
		 * that the script answers (`gic`) as KVM's vgic does.
		 */
		if (e->exit_reason == RMI_EXIT_IRQ && !timer_asserted(e->cntv_ctl) &&
		    !timer_asserted(e->cntp_ctl) && !e->gicv3_misr)
			continue;
		if (e->exit_reason == RMI_EXIT_IRQ) {
			unsigned last = 0;

			fprintf(s->out,
				json ? "{\"type\":\"exit\",\"reason\":\"IRQ\",\"cntv_ctl\":\"0x%llx\","
				       "\"cntp_ctl\":\"0x%llx\",\"misr\":\"0x%llx\",\"lrs\":["
				     : "exit IRQ cntv_ctl=0x%llx cntp_ctl=0x%llx misr=0x%llx lrs=",
				(unsigned long long)e->cntv_ctl, (unsigned long long)e->cntp_ctl,
				(unsigned long long)e->gicv3_misr);
			/* Up to the last list register in use, at least one. */
			for (unsigned j = 0; j < RMI_REC_GIC_NUM_LRS; j++)
				if (e->gicv3_lrs[j])
					last = j;
			for (unsigned i = 0; i <= last; i++)
				fprintf(s->out, json ? "%s\"0x%llx\"" : "%s0x%llx", i ? "," : "",
					(unsigned long long)e->gicv3_lrs[i]);
			fprintf(s->out, json ? "]}\n" : "\n");
			break;
		}
		esr = e->esr;
		ipa = (e->hpfar >> 4) << GRANULE_SHIFT;
		/* The unprotected bit is the top IPA bit: find it from the exit's address. */
		shared = ipa ? 1ULL << (63 - __builtin_clzll(ipa)) : 0;
		if (e->exit_reason == RMI_EXIT_SYNC && esr_ec(esr) == ESR_EC_DABT_LOWER &&
		    (esr & ESR_ISV)) {
			bool write = esr & ESR_WNR;
			unsigned len = 1U << ((esr & ESR_SAS_MASK) >> ESR_SAS_SHIFT);

			if (write && (ipa & ~shared) == 0x01000000 && (e->far & 0xfff) == 0) {
				if (clen < sizeof(console) - 1)
					console[clen++] = (char)e->gprs[0];
			} else if (json) {
				fprintf(s->out,
					"{\"type\":\"exit\",\"reason\":\"SYNC\",\"mmio\":\"%s\","
					"\"size\":%u,\"ipa\":\"0x%llx\",\"value\":\"0x%llx\"}\n",
					write ? "write" : "read", len,
					(unsigned long long)(ipa | (e->far & 0xfff)),
					(unsigned long long)(write ? e->gprs[0] : 0));
			} else {
				fprintf(s->out, "exit SYNC mmio %s %u bytes at ipa 0x%llx%s0x%llx\n",
					write ? "write" : "read", len,
					(unsigned long long)(ipa | (e->far & 0xfff)),
					write ? " value " : " -> ",
					(unsigned long long)(write ? e->gprs[0] : 0));
			}
			r->enter.flags = RMI_REC_ENTRY_FLAG_EMUL_MMIO;
			r->enter.gprs[0] = 0;
			continue;
		}
		fprintf(s->out,
			json ? "{\"type\":\"exit\",\"reason\":\"%s\",\"esr\":\"0x%llx\","
			       "\"far\":\"0x%llx\",\"hpfar\":\"0x%llx\",\"gprs\":[\"0x%llx\","
			       "\"0x%llx\",\"0x%llx\",\"0x%llx\"]"
			     : "exit %s esr=0x%llx far=0x%llx hpfar=0x%llx gprs=0x%llx,0x%llx,0x%llx,0x%llx",
			e->exit_reason < sizeof(exit_names) / sizeof(exit_names[0])
				? exit_names[e->exit_reason] : "?",
			(unsigned long long)esr, (unsigned long long)e->far,
			(unsigned long long)e->hpfar, (unsigned long long)e->gprs[0],
			(unsigned long long)e->gprs[1], (unsigned long long)e->gprs[2],
			(unsigned long long)e->gprs[3]);
		if (e->exit_reason == RMI_EXIT_RIPAS_CHANGE)
			fprintf(s->out,
				json ? ",\"ripas_base\":\"0x%llx\",\"ripas_top\":\"0x%llx\","
				       "\"ripas\":%u"
				     : " ripas=[0x%llx,0x%llx) value=%u",
				(unsigned long long)e->ripas_base, (unsigned long long)e->ripas_top,
				e->ripas_value);
		if (e->exit_reason == RMI_EXIT_HOST_CALL)
			fprintf(s->out, json ? ",\"imm\":%u" : " imm=0x%x", e->imm);
		fprintf(s->out, json ? "}\n" : "\n");
		break;
	}
	if (n == max)
		fprintf(s->out,
			json ? "{\"type\":\"run_rec\",\"stopped_after\":%llu}\n"
			     : "run_rec: stopped after %llu entries\n",
			(unsigned long long)max);
	if (clen) {
		/* Printable ASCII and newlines only: anything else shows as '?'. */
		fprintf(s->out, json ? "{\"type\":\"console\",\"text\":\"" : "console:\n");
		for (size_t i = 0; i < clen; i++) {
			char c = console[i];

			if (c == '\n')
				fputs(json ? "\\n" : "\n", s->out);
			else if (json && (c == '"' || c == '\\'))
				fprintf(s->out, "\\%c", c);
			else
				fputc(c >= 0x20 && c < 0x7f ? c : '?', s->out);
		}
		if (json)
			fputs("\"}\n", s->out);
		else if (console[clen - 1] != '\n')
			fputc('\n', s->out);
	}
	return 0;
}

static const struct rmi_cmd *find_command(const char *name)
{
	return rmi_cmd_by_name(name);
}

/*
 * "SUCCESS index=0", or the raw x0 for a status the RMM's RMI does not
 * define.  A 2.0 INCOMPLETE carries a memory request and a cancel bit where
 * other statuses have the index: "INCOMPLETE req=DONATE cancel=1".
 */
static const char *status_text(const struct script *s, uint64_t x0, char *buf, size_t size)
{
	static const char *const reqs[] = { "NONE", "DONATE", "RECLAIM", "3" };
	unsigned status = RMI_RET_STATUS(x0);

	if (s->plat.rmi_v2 && status == RMI2_INCOMPLETE)
		snprintf(buf, size, "INCOMPLETE req=%s cancel=%u", reqs[RMI2_OP_MEM_REQ(x0)],
			 (x0 & RMI2_OP_CAN_CANCEL) ? 1U : 0U);
	else if (status < NSTATUS(s))
		snprintf(buf, size, "%s index=%u", status_names[status], RMI_RET_INDEX(x0));
	else
		snprintf(buf, size, "0x%llx", (unsigned long long)x0);
	return buf;
}

static void print_call(struct script *s, const struct rmi_cmd *c, const struct smc_args *a,
		       int nargs, const struct smc_result *r)
{
	unsigned status = RMI_RET_STATUS(r->x[0]), outputs = c->outputs;
	char st[64];

	/* A 2.0 operation that is not finished: x1 the handle (or count), x2 the request. */
	if (s->plat.rmi_v2 && status == RMI2_INCOMPLETE) {
		status = RMI_SUCCESS;
		outputs = 0x3;
	}
	if (!s->opts->json) {
		fprintf(s->out, "%s status=%s", c->name, status_text(s, r->x[0], st, sizeof(st)));
		if (status == RMI_SUCCESS)
			for (unsigned i = 0; i < 4; i++)
				if (outputs & (1U << i))
					fprintf(s->out, " x%u=0x%llx", i + 1,
						(unsigned long long)r->x[i + 1]);
		fputc('\n', s->out);
		return;
	}
	fprintf(s->out, "{\"type\":\"call\",\"line\":%u,\"command\":\"%s\",\"args\":[", s->line,
		c->name);
	for (int i = 0; i < nargs; i++)
		fprintf(s->out, "%s\"0x%llx\"", i ? "," : "", (unsigned long long)a->x[i]);
	fprintf(s->out, "],\"x0\":\"0x%llx\",", (unsigned long long)r->x[0]);
	if (RMI_RET_STATUS(r->x[0]) < NSTATUS(s))
		fprintf(s->out, "\"status\":\"%s\",", status_names[RMI_RET_STATUS(r->x[0])]);
	else
		fputs("\"status\":null,", s->out);
	if (s->plat.rmi_v2 && RMI_RET_STATUS(r->x[0]) == RMI2_INCOMPLETE)
		fprintf(s->out, "\"mem_req\":%llu,\"can_cancel\":%s",
			(unsigned long long)RMI2_OP_MEM_REQ(r->x[0]),
			(r->x[0] & RMI2_OP_CAN_CANCEL) ? "true" : "false");
	else
		fprintf(s->out, "\"index\":%u", RMI_RET_INDEX(r->x[0]));
	if (status == RMI_SUCCESS) {
		const char *sep = "";

		fputs(",\"out\":{", s->out);
		for (unsigned i = 0; i < 4; i++)
			if (outputs & (1U << i)) {
				fprintf(s->out, "%s\"x%u\":\"0x%llx\"", sep, i + 1,
					(unsigned long long)r->x[i + 1]);
				sep = ",";
			}
		fputc('}', s->out);
	}
	fputs("}\n", s->out);
}

/* Make the call, print it, remember it for `expect`, check invariants if asked. */
static int issue(struct script *s, const struct rmi_cmd *c, const struct smc_args *a, int nargs,
		 struct smc_result *r)
{
	char why[256];

	rmm_smc(s->rmm, a, r);
	print_call(s, c, a, nargs, r);
	s->last.pending = true;
	s->last.line = s->line;
	s->last.cmd = c;
	s->last.r = *r;
	if (s->opts->check_invariants && !rmm_check_invariants(s->rmm, why, sizeof(why)))
		return fail(s, "RMM invariant violated after %s: %s", c->name, why);
	return 0;
}

static int stmt_call(struct script *s, int ntok, char **tok)
{
	static const char *const regs[] = { "x1", "x2", "x3", "x4", "x5", "x6" };
	const struct rmi_cmd *c;
	struct smc_args a = { 0 };
	struct smc_result r;

	if (ntok < 2)
		return fail(s, "usage: call NAME X1 X2 ...");
	c = find_command(tok[1]);
	if (!c)
		return fail(s, "call: unknown RMI command '%s'", esc(s, tok[1]));
	if ((unsigned)(ntok - 2) > sizeof(regs) / sizeof(regs[0]))
		return fail(s, "call %s: at most 6 argument registers", c->name);
	for (int i = 2; i < ntok; i++)
		if (parse_num(s, tok[i], regs[i - 2], NUM_REGISTER, &a.x[i - 2]) < 0)
			return ERR_LINE;
	a.fid = c->fid;
	return issue(s, c, &a, ntok - 2, &r);
}

static const struct rmi_cmd *command_by_fid(const struct script *s, uint64_t fid)
{
	return rmi_cmd_by_fid(fid, s->plat.rmi_v2 ? RMI_ABI_2_0 : RMI_ABI_1_0);
}

/* Issue a call the `sro` statement makes, printed as a `call` line would be. */
static int sro_call(struct script *s, uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
		    struct smc_result *r)
{
	const struct rmi_cmd *c = command_by_fid(s, fid);
	struct smc_args a = { .fid = fid, .x = { x1, x2, x3 } };

	return issue(s, c, &a, (int)c->nargs, r);
}

/* GRANULE_RANGE_(UN)DELEGATE [base, top) to the end, following out_top. */
static int sro_range(struct script *s, uint64_t fid, uint64_t base, uint64_t top)
{
	struct smc_result r;

	while (base < top) {
		if (sro_call(s, fid, base, top, 0, &r) < 0)
			return ERR_LINE;
		if (r.x[0] != RMI_RET(RMI_SUCCESS, 0) || r.x[1] <= base)
			return unexpected(s, "sro: %s 0x%llx failed", command_by_fid(s, fid)->name,
					  (unsigned long long)base);
		base = r.x[1];
	}
	return 0;
}

/*
 * sro pool=PA list=PA [chunk=N]: drive the 2.0 operation the previous call
 * started (it returned INCOMPLETE) to its end, the way Linux v14 loops:
 * request NONE -> OP_CONTINUE; DONATE -> delegate up to N granules from the
 * pool (GRANULE_RANGE_DELEGATE), write one descriptor to the list granule,
 * OP_MEM_DONATE; RECLAIM -> OP_MEM_RECLAIM with room for N descriptors, then
 * undelegate what came back.  Every call is printed, so two RMMs' outputs
 * diff line by line; `expect` after it checks the operation's last call.
 */
static int stmt_sro(struct script *s, int ntok, char **tok)
{
	char *keys[MAX_TOKENS], *vals[MAX_TOKENS];
	uint64_t pool = 0, list = 0, chunk = 16, handle, x0;
	bool have_pool = false, have_list = false;
	struct smc_result r;

	if (!s->plat.rmi_v2)
		return fail(s, "sro: needs an RMI 2.0 machine (platform rmm=2.0)");
	if (!s->last.pending || RMI_RET_STATUS(s->last.r.x[0]) != RMI2_INCOMPLETE)
		return fail(s, "sro: must come straight after a call that returned INCOMPLETE");
	if (split_kvs(s, ntok, tok, 1, keys, vals) < 0)
		return ERR_LINE;
	for (int i = 1; i < ntok; i++) {
		uint64_t *dst = !strcmp(keys[i], "pool") ? &pool : !strcmp(keys[i], "list") ? &list
			      : !strcmp(keys[i], "chunk") ? &chunk : NULL;

		if (!dst)
			return fail(s, "sro: unknown key '%s' (pool, list or chunk)", esc(s, keys[i]));
		if (parse_num(s, vals[i], keys[i], NUM_UNSIGNED, dst) < 0)
			return ERR_LINE;
		have_pool |= dst == &pool;
		have_list |= dst == &list;
	}
	if (!have_pool || !have_list)
		return fail(s, "usage: sro pool=PA list=PA [chunk=N]");
	if ((pool | list) & GRANULE_MASK || !chunk || chunk > 512)
		return fail(s, "sro: pool and list are 4 KiB-aligned, chunk is 1..512");
	handle = s->last.r.x[1];
	x0 = s->last.r.x[0];
	r = s->last.r;
	s->last.pending = false;
	for (unsigned step = 0; RMI_RET_STATUS(x0) == RMI2_INCOMPLETE; step++) {
		uint64_t req = RMI2_OP_MEM_REQ(x0);

		if (step == 1000)
			return unexpected(s, "sro: no end after 1000 steps");
		if (req == RMI2_OP_MEM_REQ_NONE) {
			if (sro_call(s, RMI2_OP_CONTINUE, handle, 0, 0, &r) < 0)
				return ERR_LINE;
		} else if (req == RMI2_OP_MEM_REQ_DONATE) {
			uint64_t n = RMI2_DONATE_COUNT(r.x[2]), d;

			n = n < chunk ? n : chunk;
			d = RMI2_RDESC(pool, n, RMI2_PAGE_L3);
			if (sro_range(s, RMI2_GRANULE_RANGE_DELEGATE, pool, pool + n * GRANULE_SIZE) < 0 ||
			    host_write(s, list, &d, sizeof(d)) < 0 ||
			    sro_call(s, RMI2_OP_MEM_DONATE, handle, list, 1, &r) < 0)
				return ERR_LINE;
			pool += n * GRANULE_SIZE;
		} else {
			uint64_t out[512];

			if (sro_call(s, RMI2_OP_MEM_RECLAIM, handle, list, chunk, &r) < 0)
				return ERR_LINE;
			memcpy(out, pas_host_va(s->pas, list), sizeof(out));
			for (uint64_t i = 0; i < r.x[1] && i < chunk; i++) {
				uint64_t b = RMI2_RDESC_ADDR(out[i]);

				if (sro_range(s, RMI2_GRANULE_RANGE_UNDELEGATE, b,
					      b + RMI2_RDESC_COUNT(out[i]) * GRANULE_SIZE) < 0)
					return ERR_LINE;
			}
		}
		x0 = r.x[0];
	}
	/* `expect` checks the operation's last step. */
	s->last.r = r;
	return 0;
}

/*
 * expect STATUS [index=N] [x1=V] .. [x4=V]: the call on the line before
 * (blank and comment lines aside) must have returned this.
 */
static int stmt_expect(struct script *s, int ntok, char **tok)
{
	static const char *const regs[] = { "x1", "x2", "x3", "x4" };
	char *keys[MAX_TOKENS], *vals[MAX_TOKENS];
	uint64_t want[MAX_TOKENS];
	const struct smc_result *r = &s->last.r;
	char got[64];
	unsigned status;

	if (!s->last.pending)
		return fail(s, "expect: must come straight after a call");
	s->last.pending = false;
	if (ntok < 2)
		return fail(s, "usage: expect STATUS [index=N] [x1=V] .. [x4=V]");
	for (status = 0; status < NSTATUS(s) && strcmp(tok[1], status_names[status]); status++)
		;
	if (status == NSTATUS(s))
		return fail(s,
			    "expect: unknown status '%s' (SUCCESS, ERROR_INPUT, ERROR_REALM, "
			    "ERROR_REC or ERROR_RTT)",
			    esc(s, tok[1]));
	if (split_kvs(s, ntok, tok, 2, keys, vals) < 0)
		return ERR_LINE;
	/* Check the words first: a malformed expectation is an error in the script. */
	for (int i = 2; i < ntok; i++) {
		bool known = !strcmp(keys[i], "index");

		for (unsigned k = 0; k < 4; k++)
			known |= !strcmp(keys[i], regs[k]);
		if (!known)
			return fail(s, "expect: unknown key '%s' (index, x1, x2, x3 or x4)",
				    esc(s, keys[i]));
		if (parse_num(s, vals[i], keys[i], NUM_REGISTER, &want[i]) < 0)
			return ERR_LINE;
	}
	if (RMI_RET_STATUS(r->x[0]) != status)
		return unexpected(s, "expect: %s on line %u returned %s, not %s", s->last.cmd->name,
				  s->last.line, status_text(s, r->x[0], got, sizeof(got)),
				  status_names[status]);
	for (int i = 2; i < ntok; i++) {
		bool index = !strcmp(keys[i], "index");
		uint64_t have = index ? RMI_RET_INDEX(r->x[0]) : r->x[keys[i][1] - '0'];

		if (have == want[i])
			continue;
		if (index)
			return unexpected(s, "expect: %s on line %u returned index=%llu, not %llu",
					  s->last.cmd->name, s->last.line,
					  (unsigned long long)have, (unsigned long long)want[i]);
		return unexpected(s, "expect: %s on line %u returned %s=0x%llx, not 0x%llx",
				  s->last.cmd->name, s->last.line, keys[i],
				  (unsigned long long)have, (unsigned long long)want[i]);
	}
	return 0;
}

/* Under --expect-success, a call not followed by `expect` must have succeeded. */
static int check_pending(struct script *s)
{
	unsigned line = s->line;
	char got[64];
	int ret = 0;

	if (!s->last.pending)
		return 0;
	s->last.pending = false;
	if (!s->opts->expect_success || RMI_RET_STATUS(s->last.r.x[0]) == RMI_SUCCESS)
		return 0;
	s->line = s->last.line;
	ret = unexpected(s,
			 "%s returned %s, not SUCCESS (--expect-success; put 'expect STATUS' "
			 "after a call that should fail)",
			 s->last.cmd->name, status_text(s, s->last.r.x[0], got, sizeof(got)));
	s->line = line;
	return ret;
}

static void hex(FILE *f, const uint8_t *b, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		fprintf(f, "%02x", b[i]);
}

static int stmt_measurements(struct script *s, int ntok, char **tok)
{
	struct rmm_measurements m;
	uint64_t rd;

	if (ntok != 2)
		return fail(s, "usage: measurements RD_PA");
	if (parse_u64(s, tok[1], "RD_PA", &rd) < 0)
		return ERR_LINE;
	if (!rmm_realm_measurements(s->rmm, rd, &m))
		return fail(s, "measurements: 0x%llx is not a realm descriptor",
			    (unsigned long long)rd);
	if (s->opts->json) {
		fprintf(s->out,
			"{\"type\":\"measurements\",\"line\":%u,\"rd\":\"0x%llx\",\"rim\":\"",
			s->line, (unsigned long long)rd);
		hex(s->out, m.rim, m.hash_len);
		fputs("\",\"rem\":[", s->out);
		for (int i = 0; i < 4; i++) {
			fputs(i ? ",\"" : "\"", s->out);
			hex(s->out, m.rem[i], m.hash_len);
			fputc('"', s->out);
		}
		fputs("]}\n", s->out);
		return 0;
	}
	for (int i = 0; i <= 4; i++) {
		if (i)
			fprintf(s->out, "rem%d ", i - 1);
		else
			fputs("rim ", s->out);
		hex(s->out, i ? m.rem[i - 1] : m.rim, m.hash_len);
		fputc('\n', s->out);
	}
	return 0;
}

static int stmt_census(struct script *s, int ntok)
{
	struct rmm_census c;

	if (ntok != 1)
		return fail(s, "usage: census");
	rmm_census(s->rmm, &c, true);
	if (s->opts->json) {
		fprintf(s->out, "{\"type\":\"census\",\"line\":%u,\"granules\":{", s->line);
		for (int st = 0; st < GRANULE_STATE_COUNT; st++)
			fprintf(s->out, "%s\"%s\":%llu", st ? "," : "", rmm_granule_state_name(st),
				(unsigned long long)c.count[st]);
		fprintf(s->out, "},\"nonzero_delegated\":%llu}\n",
			(unsigned long long)c.nonzero_free);
		return 0;
	}
	fputs("census", s->out);
	for (int st = 0; st < GRANULE_STATE_COUNT; st++)
		fprintf(s->out, " %s=%llu", rmm_granule_state_name(st),
			(unsigned long long)c.count[st]);
	fprintf(s->out, " nonzero_delegated=%llu\n", (unsigned long long)c.nonzero_free);
	return 0;
}

static int run_line(struct script *s, char *line)
{
	char *tok[MAX_TOKENS + 1];
	int ntok = 0;
	char *save = NULL;
	char *hash = strchr(line, '#');

	if (hash)
		*hash = 0;
	for (char *p = strtok_r(line, " \t\r", &save); p; p = strtok_r(NULL, " \t\r", &save)) {
		if (ntok == MAX_TOKENS)
			return fail(s, "too many words on one line (at most %d)", MAX_TOKENS);
		tok[ntok++] = p;
	}
	if (!ntok)
		return 0;
	if (!strcmp(tok[0], "expect"))
		return stmt_expect(s, ntok, tok);
	if (!strcmp(tok[0], "sro")) /* takes over the INCOMPLETE call before it */
		return stmt_sro(s, ntok, tok);
	if (check_pending(s) < 0)
		return ERR_EXPECTED;
	if (!strcmp(tok[0], "platform"))
		return stmt_platform(s, ntok, tok);
	if (machine_up(s) < 0)
		return ERR_MACHINE;
	if (!strcmp(tok[0], "call"))
		return stmt_call(s, ntok, tok);
	if (!strcmp(tok[0], "realm_params"))
		return stmt_params(s, ntok, tok, realm_fields, NULL, true);
	if (!strcmp(tok[0], "rec_params"))
		return stmt_params(s, ntok, tok, rec_fields, rec_lists, false);
	if (!strcmp(tok[0], "fill"))
		return stmt_fill(s, ntok, tok);
	if (!strcmp(tok[0], "data"))
		return stmt_data(s, ntok, tok);
	if (!strcmp(tok[0], "load"))
		return stmt_load(s, ntok, tok);
	if (!strcmp(tok[0], "run_rec"))
		return stmt_run_rec(s, ntok, tok);
	if (!strcmp(tok[0], "gic"))
		return stmt_gic(s, ntok, tok);
	if (!strcmp(tok[0], "measurements"))
		return stmt_measurements(s, ntok, tok);
	if (!strcmp(tok[0], "census"))
		return stmt_census(s, ntok);
	return fail(s, "unknown statement '%s'", esc(s, tok[0]));
}

/*
 * A script is plain text: refuse NUL bytes and control characters (other
 * than tab and carriage return) before they reach a parser or a terminal.
 */
static int check_text(struct script *s, const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		const char *hint = c == 0x1b ? " (an ANSI escape sequence?)" : "";

		if (c == 0)
			return fail(s, "NUL byte at column %zu: %s", i + 1,
				    "a script is text (is this a binary file?)");
		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return fail(s, "control character 0x%02x at column %zu%s: %s", c, i + 1,
				    hint, "a script is plain text");
	}
	return 0;
}

int rmi_script_run(const char *text, size_t len, const char *name,
		   const struct rmi_script_opts *opts, FILE *out, FILE *err)
{
	char shown[256];
	struct script s = { .name = cli_escape(shown, sizeof(shown), name), .out = out,
			    .err = err, .opts = opts };
	const char *p = text, *end = text + len;
	int ret = 0;

	s.plat = opts->plat;
	s.pas = pas_create(opts->dram_base, opts->dram_size);
	if (!s.pas) {
		fflush(out);
		fprintf(err,
			"realmkit rmi: cannot create a simulated DRAM of 0x%llx bytes at 0x%llx "
			"(--dram-size, --dram-base): %s\n",
			(unsigned long long)opts->dram_size, (unsigned long long)opts->dram_base,
			strerror(errno));
		return 2;
	}
	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line;
		int r;

		s.line++;
		r = check_text(&s, p, n);
		if (!r) {
			line = strndup(p, n);
			if (!line) {
				fail(&s, "out of memory");
				ret = 2;
				break;
			}
			r = run_line(&s, line);
			free(line);
		}
		ret = r == 0 ? 0 : r == ERR_MACHINE ? 2 : r == ERR_EXPECTED ? 3 : 1;
		p += n + (nl ? 1 : 0);
	}
	if (!ret && check_pending(&s) < 0)
		ret = 3;
	fflush(out);
	rmm_destroy(s.rmm);
	pas_destroy(s.pas);
	return ret;
}
