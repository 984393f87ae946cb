// SPDX-License-Identifier: MIT
/*
 * `realmkit run` end to end: the demo and every guest in guests/bin run
 * through the command, checking the console, the exit status, the JSON
 * summary and the RIM.  The RIM is recomputed here from the image files and
 * the DTB the run dumped (--dump-dtb), with this file's own model of the
 * RMM 1.0 measurement (docs/MEASUREMENT.md), KVM's RTT policy (docs/KVM.md)
 * and the VMM's placement rules (docs/VMM.md): it shares no code with
 * src/vmm, src/kvm or src/rmm.
 *
 * usage: test_vmm_run REALMKIT GUESTS_DIR TMPDIR
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <jansson.h>
#include <libfdt.h>
#include <openssl/evp.h>

#include "harness.h"

#define MiB (1ULL << 20)
#define RAM 0x80000000ULL

static const char *realmkit, *guests, *tmpdir;

/* ---- the independent model (the scheme of tests/test_kvm.c, sized for images) ---- */

struct model {
	unsigned alg, len;
	uint8_t rim[64];
	int start_level;
	struct {
		int level;
		uint64_t base;
	} *tables;
	unsigned ntables, cap_tables;
	uint64_t *populated;
	unsigned npopulated, cap_populated;
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

static void model_init(struct model *m, unsigned alg, unsigned ipa)
{
	static uint8_t page[4096];

	memset(m, 0, sizeof(*m));
	m->alg = alg;
	m->len = alg ? 64 : 32;
	m->start_level = 4 - (int)((ipa - 8) / 9);
	memset(page, 0, sizeof(page));
	put64(page + 0x08, ipa);
	put64(page + 0x18, 5); /* KVM's default: 6 breakpoints, encoded minus one */
	put64(page + 0x20, 3); /* 4 watchpoints */
	put64(page + 0x30, alg);
	hash(alg, page, sizeof(page), m->rim);
}

static void model_free(struct model *m)
{
	free(m->tables);
	free(m->populated);
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
	if (m->ntables == m->cap_tables) {
		m->cap_tables = m->cap_tables ? 2 * m->cap_tables : 64;
		m->tables = realloc(m->tables, m->cap_tables * sizeof(*m->tables));
	}
	m->tables[m->ntables].level = level;
	m->tables[m->ntables++].base = base;
}

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
	if (m->npopulated == m->cap_populated) {
		m->cap_populated = m->cap_populated ? 2 * m->cap_populated : 256;
		m->populated = realloc(m->populated, m->cap_populated * sizeof(uint64_t));
	}
	m->populated[m->npopulated++] = ipa;
}

/* An image of @n bytes at @gpa, page by page, the last page zero-padded. */
static void model_image(struct model *m, uint64_t gpa, const uint8_t *b, size_t n, bool measured)
{
	uint8_t page[4096];

	for (size_t off = 0; off < n; off += 4096) {
		size_t k = n - off < 4096 ? n - off : 4096;

		memset(page, 0, sizeof(page));
		memcpy(page, b + off, k);
		model_data(m, gpa + off, page, measured);
	}
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

/* ---- running the command ---- */

struct run {
	int status; /* exit status, or -1 */
	char *out, *err;
	json_t *json;
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = calloc(1, (size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	if (len)
		*len = (size_t)n;
	return b;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	if (r->json)
		json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

/* realmkit run ARGS --json --dump-dtb TMP/dtb; stdout is the JSON, stderr the console. */
static void run(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void run(struct run *r, const char *fmt, ...)
{
	char args[2048], cmd[4096], out[512], err[512];
	json_error_t je;
	va_list ap;
	int st;

	memset(r, 0, sizeof(*r));
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(out, sizeof(out), "%s/out", tmpdir);
	snprintf(err, sizeof(err), "%s/err", tmpdir);
	snprintf(cmd, sizeof(cmd),
		 "%s run --timeout 60 %s --json --dump-dtb %s/dtb </dev/null >%s 2>%s",
		 realmkit, args, tmpdir, out, err);
	st = system(cmd);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r->out = slurp(out, NULL);
	r->err = slurp(err, NULL);
	r->json = r->out ? json_loads(r->out, 0, &je) : NULL;
	if (!r->json)
		t_check(false, __FILE__, __LINE__, "`realmkit run %s`: no JSON (%s); stderr:\n%s",
			args, r->out ? je.text : "no output", r->err ? r->err : "");
}

static const char *jstr(const struct run *r, const char *key)
{
	json_t *v = r->json ? json_object_get(r->json, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : "";
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
			return true;
	return false;
}

static bool has_prefix_line(const char *text, const char *prefix)
{
	for (const char *p = text; p && (p = strstr(p, prefix)); p++)
		if (p == text || p[-1] == '\n')
			return true;
	return false;
}

static void tohex(const uint8_t *b, unsigned n, char *out)
{
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* ---- the launch as docs/VMM.md describes it ---- */

struct launch {
	unsigned rmm;         /* 1 or 2: the RMM realmkit run boots (REALMKIT_RMM, else 2.0) */
	unsigned alg, ipa;
	uint64_t mem;
	enum { RIPAS_KVM, RIPAS_VMM, RIPAS_IMAGES } ripas;
	const uint8_t *kernel;
	size_t kernel_len;
	uint64_t kernel_gpa, pc;
	bool x0_dtb;          /* Linux Image and the demo: x0 = DTB; raw and ELF: x1 */
	bool kernel_measured, dtb_measured, initrd_measured;
	const uint8_t *initrd;
	size_t initrd_len;
};

static uint64_t dtb_gpa(uint64_t mem)
{
	uint64_t low = RAM + (mem < 256 * MiB ? mem : 256 * MiB);

	return (low - 0x10000) & ~(0x200000ULL - 1);
}

static void expected_rim(const struct launch *l, char *hex)
{
	struct model m;
	size_t dtb_len;
	char path[512];
	uint8_t *dtb;
	uint64_t gprs[8] = { 0 }, dtb_at = dtb_gpa(l->mem);
	uint64_t initrd_at = dtb_at - ((l->initrd_len + 4095) & ~4095ULL);

	snprintf(path, sizeof(path), "%s/dtb", tmpdir);
	dtb = (uint8_t *)slurp(path, &dtb_len);
	if (!CHECK(dtb != NULL)) {
		hex[0] = 0;
		return;
	}
	model_init(&m, l->alg, l->ipa);
	/* Populated in ascending IPA: kernel, initrd, DTB. */
	model_image(&m, l->kernel_gpa, l->kernel, l->kernel_len, l->kernel_measured);
	if (l->initrd)
		model_image(&m, initrd_at, l->initrd, l->initrd_len, l->initrd_measured);
	model_image(&m, dtb_at, dtb, dtb_len, l->dtb_measured);
	/* RMM 2.0 measures no RIPAS: only 1.0 has RIPAS descriptors. */
	if (l->ripas == RIPAS_VMM && l->rmm == 1)
		model_ripas(&m, RAM, RAM + l->mem);
	if (l->ripas == RIPAS_IMAGES && l->rmm == 1) { /* kernel and DTB in separate 2 MiB blocks here */
		model_ripas(&m, l->kernel_gpa & ~0x1fffffULL,
			    (l->kernel_gpa + l->kernel_len + 0x1fffffULL) & ~0x1fffffULL);
		model_ripas(&m, dtb_at, dtb_at + 0x200000);
	}
	gprs[l->x0_dtb ? 0 : 1] = dtb_at;
	model_rec(&m, l->pc, gprs);
	if (l->ripas == RIPAS_KVM && l->rmm == 1)
		model_ripas(&m, RAM, RAM + l->mem);
	tohex(m.rim, m.len, hex);
	model_free(&m);
	free(dtb);
}

static uint8_t *load_guest(const char *name, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.bin", guests, name);
	return (uint8_t *)slurp(path, len);
}

static struct launch raw_launch(const uint8_t *img, size_t len)
{
	const char *env = getenv("REALMKIT_RMM");
	struct launch l = { .rmm = env && !strcmp(env, "1.0") ? 1 : 2,
			    .alg = 0, .ipa = 40, .mem = 64 * MiB, .kernel = img,
			    .kernel_len = len, .kernel_gpa = RAM, .pc = RAM,
			    .kernel_measured = true, .dtb_measured = true,
			    .initrd_measured = true };

	return l;
}

static void check_rim(const struct run *r, const struct launch *l, const char *what)
{
	char want[129];

	expected_rim(l, want);
	t_check(!strcmp(jstr(r, "rim"), want), __FILE__, __LINE__,
		"%s: RIM %s, the model says %s", what, jstr(r, "rim"), want);
}

/* ---- the cases ---- */

static void test_guests(void)
{
	static const struct {
		const char *name;
		unsigned cpus;
		const char *extra;
		int status;
		const char *ending;
	} g[] = {
		{ "hello", 1, "", 0, "system_off" },
		{ "rsi_version", 1, "", 0, "system_off" },
		{ "rsi_config_errors", 1, "", 0, "system_off" },
		{ "undef", 1, "", 0, "system_off" },
		{ "unassigned", 1, "", 0, "system_off" },
		{ "ripas", 1, "", 0, "system_off" },
		{ "rsi_measure", 1, "", 0, "system_off" },
		{ "ripas_reject", 1, "--refuse-ram", 0, "system_off" },
		{ "host_call", 1, "", 0, "system_off" },
		{ "psci", 2, "", 0, "system_off" },
		{ "psci_reset", 1, "", 3, "system_reset" },
		{ "idregs", 1, "", 0, "system_off" },
		{ "stress", 4, "", 0, "system_off" },
		{ "sgi", 2, "", 0, "system_off" }, /* an SGI through the in-kernel vGIC */
		/* The GIC's addresses from the DTB; the doorbell a device of the VMM. */
		{ "timer", 1, "", 0, "system_off" },
		{ "spi", 1, "", 0, "system_off" },
		{ "irqbench", 1, "", 0, "system_off" },
		/* The VMM's own host calls: every refusal, then one good shared message. */
		{ "vmm_hostcalls", 1, "", 0, "system_off" },
	};

	for (unsigned i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		struct run r;
		size_t len;
		uint8_t *img = load_guest(g[i].name, &len);
		struct launch l = raw_launch(img, len);

		if (!CHECK(img != NULL))
			continue;
		run(&r, "-k %s/%s.bin -c %u %s", guests, g[i].name, g[i].cpus,
		    g[i].extra);
		t_check(r.status == g[i].status && !strcmp(jstr(&r, "ending"), g[i].ending) &&
				has_line(r.err, "PASS") && !has_prefix_line(r.err, "FAIL"),
			__FILE__, __LINE__, "guest %s: status %d ending %s, console:\n%s",
			g[i].name, r.status, jstr(&r, "ending"), r.err);
		check_rim(&r, &l, g[i].name);
		/* The doorbell raised the SPIs (spi: 1; irqbench: 2000, and its 3 markers). */
		if (!strcmp(g[i].name, "spi"))
			CHECK_EQ(json_integer_value(json_object_get(r.json, "doorbells")), 1);
		if (!strcmp(g[i].name, "irqbench")) {
			CHECK_EQ(json_integer_value(json_object_get(r.json, "doorbells")), 2000);
			CHECK_EQ(json_integer_value(json_object_get(r.json, "markers")), 3);
		}
		if (!strcmp(g[i].name, "timer") || !strcmp(g[i].name, "spi") ||
		    !strcmp(g[i].name, "irqbench"))
			CHECK_EQ(json_integer_value(json_object_get(json_object_get(r.json, "exits"),
								    "mmio_unclaimed")), 0);
		printf("guest %s through realmkit run: ok\n", g[i].name);
		run_free(&r);
		free(img);
	}
}

/* The stress guest's 8-byte stores at 0x0a000100 + cpu * 8 and the mmio guest's window. */
static void test_unclaimed_mmio(void)
{
	struct run r;
	json_t *ex;

	run(&r, "-k %s/mmio.bin", guests);
	CHECK_EQ(r.status, 0);
	ex = json_object_get(r.json, "exits");
	CHECK_EQ(json_integer_value(json_object_get(ex, "mmio_unclaimed")), 16);
	/* Reads are answered as zero: the guest sees its loads read 0. */
	CHECK(has_line(r.err, "read R4=0x0"));
	CHECK(strstr(r.err, "unclaimed MMIO write at 0xa000010, 1 byte, value 0xd1") != NULL);
	CHECK(strstr(r.err, "unclaimed MMIO read at 0xa000010, 1 byte") != NULL);
	run_free(&r);

	run(&r, "-k %s/mmio.bin --strict-mmio", guests);
	CHECK_EQ(r.status, 4);
	CHECK(!strcmp(jstr(&r, "ending"), "unclaimed_mmio"));
	CHECK(strstr(jstr(&r, "detail"), "write at 0xa000010") != NULL);
	CHECK(strstr(r.err, "unclaimed MMIO read") == NULL);
	run_free(&r);
}

static const char *const demo_steps[] = {
	"realmkit demo realm: what a realm guest does at boot, one step per line",
	"[1] RSI_VERSION: status 0, the RMM implements 1.0 (asked for 1.0)",
	"[2] RSI_REALM_CONFIG: IPA width 40 bits, hash SHA-256; IPA bit 39 selects the "
	"unprotected (shared) half",
	"[3] DTB at x0 = 0x83e00000: RAM [0x80000000, 0x84000000), 2 cpus, bootargs \"\"",
	"[4] RIPAS RAM over all of RAM (RSI_IPA_STATE_SET, NO_CHANGE_DESTROYED, as Linux does at "
	"boot): accepted by the host after 1 call",
	"[7] RSI_MEASUREMENT_EXTEND: REM0 extended with \"realmkit demo\": status 0",
	"[8] PSCI CPU_ON for the other 1 vCPU (vCPU 0 is the only one runnable at start)",
	"    cpu1: up at rk_secondary_entry with context id 1; powering off with CPU_OFF",
	"[10] measurements (RSI_MEASUREMENT_READ):",
	"[11] PSCI SYSTEM_OFF: the VMM reports how the realm ended",
};

/*
 * The demo's shared page: the realm's message read by the VMM in its own
 * memory, and the VMM's answer read by the realm at the same alias.  The
 * page's IPA depends on the demo's layout: taken from the [6] line.
 */
static void check_shared_page(const char *out)
{
	const char *p = strstr(out, "\n[6] shared page 0x");
	unsigned long long ipa = 0;
	char line[400];

	if (!CHECK(p != NULL) || !CHECK(sscanf(p + 19, "%llx", &ipa) == 1))
		return;
	snprintf(line, sizeof(line), "[6] shared page 0x%llx: RIPAS EMPTY accepted; the realm "
		 "writes \"ping from the realm, written at the unprotected alias\" at 0x%llx "
		 "and tells the VMM (host call 0xc6000103)", ipa, ipa | 1ULL << 39);
	t_check(has_line(out, line), __FILE__, __LINE__, "demo: no line '%s'", line);
	snprintf(line, sizeof(line), "    vmm: read \"ping from the realm, written at the "
		 "unprotected alias\" from its own memory for IPA 0x%llx; answered in the same "
		 "page", ipa);
	t_check(has_line(out, line), __FILE__, __LINE__, "demo: no line '%s'", line);
	snprintf(line, sizeof(line), "    the realm reads at 0x%llx: \"pong from the VMM, "
		 "written through its own mapping\"", ipa | 1ULL << 39);
	t_check(has_line(out, line), __FILE__, __LINE__, "demo: no line '%s'", line);
	CHECK(has_line(out, "    RIPAS RAM again accepted: the page is private, the VMM keeps "
			    "its copy"));
}

static void test_demo(void)
{
	struct run r;
	size_t len;
	uint8_t *img = load_guest("demo", &len);
	struct launch l = raw_launch(img, len);
	uint8_t rem0[64], buf[64];
	char hex[129], line[200], demo_rim[129];
	json_t *att;

	if (!CHECK(img != NULL))
		return;
	l.x0_dtb = true;

	run(&r, "--challenge 00112233445566778899");
	CHECK_EQ(r.status, 0);
	CHECK(!strcmp(jstr(&r, "ending"), "system_off"));
	for (unsigned i = 0; i < sizeof(demo_steps) / sizeof(demo_steps[0]); i++)
		t_check(has_line(r.err, demo_steps[i]), __FILE__, __LINE__,
			"demo: no line '%s' in:\n%s", demo_steps[i], r.err);
	CHECK_EQ(json_integer_value(json_object_get(r.json, "shared_reads")), 1);
	check_shared_page(r.err);
	CHECK(has_line(r.err, "[9] attestation: challenge from the host (host call 0xc6000100): "
			      "0011223344556677..."));
	check_rim(&r, &l, "demo");
	snprintf(demo_rim, sizeof(demo_rim), "%s", jstr(&r, "rim"));
	/* REM0 = H(0^32 || "realmkit demo"), recomputed; the realm printed the same. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 32, "realmkit demo", 13);
	hash(0, buf, 45, rem0);
	tohex(rem0, 32, hex);
	CHECK(!strcmp(json_string_value(json_array_get(json_object_get(r.json, "rems"), 0)), hex));
	snprintf(line, sizeof(line), "    REM0 %s", hex);
	CHECK(has_line(r.err, line));
	snprintf(line, sizeof(line), "    RIM  %s", jstr(&r, "rim"));
	CHECK(has_line(r.err, line)); /* the realm reads the RIM the host computed */
	/* Attestation: the whole token handed back (no RSI error). */
	att = json_object_get(r.json, "attestation");
	CHECK(json_is_null(json_object_get(att, "rsi_status")));
	CHECK(json_is_true(json_object_get(att, "token_complete")));
	CHECK(json_integer_value(json_object_get(att, "token_size")) > 0);
	run_free(&r);

	/* SHA-512, the RPV (not measured), one vCPU. */
	run(&r, "--measurement-algo sha512 --realm-pv 0102 -c 1");
	CHECK_EQ(r.status, 0);
	CHECK_EQ(strlen(jstr(&r, "rim")), 128);
	l.alg = 1;
	check_rim(&r, &l, "demo sha512");
	CHECK(has_line(r.err, "[8] PSCI CPU_ON for the other 0 vCPUs (vCPU 0 is the only one "
			      "runnable at start)"));
	run_free(&r);
	l.alg = 0;

	/*
	 * Who sets RIPAS: the VMM (before the REC descriptor), or nobody (the demo does).
	 * On an RMM 1.0 that changes the RIM (RIPAS descriptors, in different places); on
	 * 2.0 (the default) it does not: all three give KVM's RIM (the seed-2 question).
	 */
	{
		unsigned rmm = l.rmm;

		setenv("REALMKIT_RMM", "1.0", 1);
		l.rmm = 1;
		run(&r, "--ripas vmm");
		CHECK_EQ(r.status, 0);
		l.ripas = RIPAS_VMM;
		check_rim(&r, &l, "demo --ripas vmm (RMM 1.0)");
		run_free(&r);
		run(&r, "--ripas images");
		CHECK_EQ(r.status, 0);
		CHECK(has_prefix_line(r.err, "[4] RIPAS RAM over all of RAM") &&
		      strstr(r.err, "accepted by the host") != NULL);
		l.ripas = RIPAS_IMAGES;
		check_rim(&r, &l, "demo --ripas images (RMM 1.0)");
		run_free(&r);
		setenv("REALMKIT_RMM", "2.0", 1);
		l.rmm = 2;
		run(&r, "--ripas vmm");
		CHECK_EQ(r.status, 0);
		l.ripas = RIPAS_VMM;
		check_rim(&r, &l, "demo --ripas vmm (RMM 2.0)");
		CHECK(!strcmp(jstr(&r, "rim"), demo_rim) || rmm == 1);
		run_free(&r);
		run(&r, "--ripas images");
		CHECK_EQ(r.status, 0);
		l.ripas = RIPAS_IMAGES;
		check_rim(&r, &l, "demo --ripas images (RMM 2.0)");
		CHECK(!strcmp(jstr(&r, "rim"), demo_rim) || rmm == 1);
		run_free(&r);
		if (rmm == 1)
			setenv("REALMKIT_RMM", "1.0", 1);
		else
			unsetenv("REALMKIT_RMM");
		l.rmm = rmm;
		l.ripas = RIPAS_KVM;
	}

	/* Unmeasured DTB, forced partial progress: the same RIM as one call would give. */
	run(&r, "--no-measure dtb --populate-chunk 1 -m 128");
	CHECK_EQ(r.status, 0);
	l.dtb_measured = false;
	l.mem = 128 * MiB;
	check_rim(&r, &l, "demo --no-measure dtb --populate-chunk 1");
	run_free(&r);
	free(img);
}

/* A minimal arm64 Linux Image: header, then SYSTEM_OFF at +0x40. */
static void test_linux_image(void)
{
	uint8_t img[4096] = { 0 }, ird[10000];
	static const uint32_t code[] = { 0xd2800100, 0xf2b08000, 0xd4000003 }; /* x0 = 0x84000008; smc */
	uint32_t b = 0x14000010; /* b +0x40 */
	uint64_t text_offset = 0x80000, image_size = 0x10000;
	char path[512], ipath[512];
	struct run r;
	struct launch l;
	FILE *f;
	size_t dlen;
	char dpath[512];
	void *dtb;
	int chosen;
	const fdt64_t *p;

	memcpy(img, &b, 4);
	memcpy(img + 8, &text_offset, 8);
	memcpy(img + 16, &image_size, 8);
	memcpy(img + 56, "ARM\x64", 4);
	memcpy(img + 0x40, code, sizeof(code));
	snprintf(path, sizeof(path), "%s/Image", tmpdir);
	f = fopen(path, "wb");
	fwrite(img, 1, sizeof(img), f);
	fclose(f);
	for (unsigned i = 0; i < sizeof(ird); i++)
		ird[i] = (uint8_t)(i * 7);
	snprintf(ipath, sizeof(ipath), "%s/initrd", tmpdir);
	f = fopen(ipath, "wb");
	fwrite(ird, 1, sizeof(ird), f);
	fclose(f);

	run(&r, "-k %s -i %s --no-measure initrd -p 'console=ttyS0 rdinit=/init'", path, ipath);
	CHECK_EQ(r.status, 0);
	CHECK(!strcmp(jstr(&r, "entry_pc"), "0x80080000"));
	l = raw_launch(img, sizeof(img));
	l.kernel_gpa = l.pc = RAM + text_offset;
	l.x0_dtb = true;
	l.initrd = ird;
	l.initrd_len = sizeof(ird);
	l.initrd_measured = false;
	check_rim(&r, &l, "linux Image with initrd");
	/* /chosen describes the initrd (right below the DTB) and the command line. */
	snprintf(dpath, sizeof(dpath), "%s/dtb", tmpdir);
	dtb = slurp(dpath, &dlen);
	chosen = dtb ? fdt_path_offset(dtb, "/chosen") : -1;
	CHECK(chosen >= 0);
	if (chosen >= 0) {
		/* Properties are 4-byte aligned: read the 64-bit values with fdt64_ld. */
		p = fdt_getprop(dtb, chosen, "linux,initrd-start", NULL);
		CHECK(p && fdt64_ld(p) == dtb_gpa(64 * MiB) - 12288);
		p = fdt_getprop(dtb, chosen, "linux,initrd-end", NULL);
		CHECK(p && fdt64_ld(p) == dtb_gpa(64 * MiB) - 12288 + sizeof(ird));
		CHECK(!strcmp(fdt_getprop(dtb, chosen, "bootargs", NULL),
			      "console=ttyS0 rdinit=/init"));
		CHECK(!strcmp(fdt_getprop(dtb, chosen, "stdout-path", NULL), "/serial@1000000"));
	}
	free(dtb);
	run_free(&r);
}

/* A minimal ELF executable: one PT_LOAD at 0x80200000 with SYSTEM_OFF, entry inside it. */
static void test_elf(void)
{
	uint8_t elf[0x1000] = { 0 };
	static const uint32_t code[] = { 0xd2800100, 0xf2b08000, 0xd4000003 };
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;
	char path[512];
	struct run r;
	struct launch l;
	FILE *f;

	memcpy(elf, "\x7f" "ELF\x02\x01\x01", 7);
	v16 = 2; memcpy(elf + 16, &v16, 2);           /* ET_EXEC */
	v16 = 183; memcpy(elf + 18, &v16, 2);         /* EM_AARCH64 */
	v32 = 1; memcpy(elf + 20, &v32, 4);
	v64 = 0x80200100; memcpy(elf + 24, &v64, 8);  /* entry */
	v64 = 64; memcpy(elf + 32, &v64, 8);          /* phoff */
	v16 = 64; memcpy(elf + 52, &v16, 2);          /* ehsize */
	v16 = 56; memcpy(elf + 54, &v16, 2);          /* phentsize */
	v16 = 1; memcpy(elf + 56, &v16, 2);           /* phnum */
	v32 = 1; memcpy(elf + 64, &v32, 4);           /* PT_LOAD */
	v32 = 5; memcpy(elf + 68, &v32, 4);           /* R X */
	v64 = 0x100; memcpy(elf + 72, &v64, 8);       /* offset */
	v64 = 0x80200100; memcpy(elf + 80, &v64, 8);  /* vaddr */
	memcpy(elf + 88, &v64, 8);                    /* paddr */
	v64 = 12; memcpy(elf + 96, &v64, 8);          /* filesz */
	v64 = 0x3000; memcpy(elf + 104, &v64, 8);     /* memsz */
	memcpy(elf + 0x100, code, sizeof(code));
	snprintf(path, sizeof(path), "%s/elf", tmpdir);
	f = fopen(path, "wb");
	fwrite(elf, 1, 0x10c, f);
	fclose(f);

	run(&r, "-k %s", path);
	CHECK_EQ(r.status, 0);
	CHECK(!strcmp(jstr(&r, "entry_pc"), "0x80200100"));
	{
		uint8_t page[4096] = { 0 };

		memcpy(page + 0x100, code, sizeof(code));
		l = raw_launch(page, sizeof(page));
		l.kernel_gpa = 0x80200000;
		l.pc = 0x80200100;
		check_rim(&r, &l, "ELF");
	}
	run_free(&r);
}

static void test_endings(void)
{
	/* A realm that never ends (b .): the timeout, not the machine's speed, ends it. */
	static const uint32_t forever[] = { 0x14000000 };
	char path[512];
	struct run r;
	FILE *f;

	snprintf(path, sizeof(path), "%s/forever.bin", tmpdir);
	f = fopen(path, "wb");
	if (!CHECK(f && fwrite(forever, sizeof(forever), 1, f) == 1))
		return;
	fclose(f);
	run(&r, "-k %s --timeout 0.3", path);
	CHECK_EQ(r.status, 5);
	CHECK(!strcmp(jstr(&r, "ending"), "timeout"));
	run_free(&r);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: test_vmm_run REALMKIT GUESTS_DIR TMPDIR\n");
		return 2;
	}
	realmkit = argv[1];
	guests = argv[2];
	tmpdir = argv[3];
	mkdir(tmpdir, 0700);
	test_demo();
	test_guests();
	test_unclaimed_mmio();
	test_linux_image();
	test_elf();
	test_endings();
	return t_done();
}
