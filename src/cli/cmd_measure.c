// SPDX-License-Identifier: MIT
/*
 * `realmkit measure`: the RIM and REMs a realm launch will produce, without
 * running it, and reference values for verifiers.  Inputs: realmkit run's
 * own options (the same launch plan, dry-run through KVM and the RMM, and
 * checked against the engine), a JSON launch manifest, kvmtool's or QEMU's
 * layout, or a TCG event log.  docs/MEASURE.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cli/cli.h"
#include "measure/ccel.h"
#include "measure/export.h"
#include "measure/runplan.h"
#include "measure/spec.h"
#include "realmkit/host.h"
#include "realmkit/rmi.h"

static const char usage[] =
	"usage: realmkit measure [input] [output options]\n"
	"\n"
	"The RIM and REMs a realm launch will produce, computed without running it.\n"
	"Details: docs/MEASURE.md.\n"
	"\n"
	"input (one; default: realmkit run's options below, dry-run through KVM):\n"
	"      --manifest FILE      a JSON launch manifest\n"
	"      --vmm kvmtool|qemu   that VMM's layout of -k/-i/-d/--firmware in -m MiB of RAM\n"
	"                           (kvmtool without -d: its DTB, generated from -c, -m, -p)\n"
	"      --measurement-log    (--vmm) the VMM's event-log area, loaded unmeasured\n"
	"      --event-log FILE     replay a TCG2 event log (CCEL); --image FILE for each\n"
	"                           image its blob events name by digest\n"
	"      --pmu-counters N     (--vmm) a PMU with N counters (realm flag and DTB node)\n"
	"      --breakpoints N, --watchpoints N   (--vmm) the realm's counts (default 6, 4;\n"
	"                           also --num-bps, --num-wps)\n"
	"      --engine-only        (run options) skip the dry run through KVM\n"
	"      --threads N          hashing threads (default: one per CPU)\n"
	"      --rmm 1.0|2.0        the RMM's measurement rules (2.0: no RIPAS descriptor);\n"
	"                           default: a manifest's \"rmm\", else REALMKIT_RMM, else\n"
	"                           2.0, the RMM realmkit run boots\n"
	"output:\n"
	"      --base64             values in base64 instead of hex\n"
	"      --json               one JSON object: hash_algo, rim, rems, rpv, counts\n"
	"      --corim FILE         a Veraison CoRIM (CBOR, CCA realm profile)\n"
	"      --comid-json FILE    the CoMID JSON cca-realm-measurements writes\n"
	"      --refvals FILE       reference values for realmkit token verify --refvals\n"
	"      --name TEXT          the name of the reference-value entry\n"
	"      --with-rems          put the REMs in reference values even when the launch\n"
	"                           declares no REM extension (default: only then)\n"
	"      --expect-rim HEX     exit 3 if the RIM is not this\n"
	"  -q, --quiet              no progress bar (it shows only on a terminal)\n"
	"  -h, --help               this text\n"
	"\n"
	"realmkit run's image and realm options (realmkit help run) select the images\n"
	"and the realm: -k/--kernel, -i/--initrd, -d/--dtb, --firmware, -m/--mem, -c/--cpus,\n"
	"-p/--params, --ipa-bits, --measurement-algo, --realm-pv, --ripas, --measure,\n"
	"--no-measure, --dump-dtb (with --vmm: the generated DTB).  With --vmm, --ipa-bits\n"
	"is the host's limit: the width is the VMM's own (docs/MEASURE.md).\n"
	"\n"
	"exit status: 0 measured; 1 bad input (manifest, layout, event log); 2 bad options\n"
	"or unreadable files; 3 --expect-rim differs or the dry run and the engine disagree.\n";

enum { O_MANIFEST = 1, O_VMM, O_LOG, O_IMAGE, O_BASE64, O_JSON, O_CORIM, O_COMID, O_REFVALS,
       O_NAME, O_QUIET, O_THREADS, O_ENGINE_ONLY, O_EXPECT, O_BPS, O_WPS, O_MLOG, O_HELP,
       O_RMM, O_WITH_REMS, O_PMU };

static const struct {
	const char *name;
	int id;
	bool arg;
} own[] = {
	{ "manifest", O_MANIFEST, true },   { "vmm", O_VMM, true },
	{ "event-log", O_LOG, true },       { "image", O_IMAGE, true },
	{ "base64", O_BASE64, false },      { "json", O_JSON, false },
	{ "corim", O_CORIM, true },         { "comid-json", O_COMID, true },
	{ "refvals", O_REFVALS, true },     { "name", O_NAME, true },
	{ "quiet", O_QUIET, false },        { "threads", O_THREADS, true },
	{ "engine-only", O_ENGINE_ONLY, false }, { "expect-rim", O_EXPECT, true },
	{ "breakpoints", O_BPS, true },     { "watchpoints", O_WPS, true },
	{ "measurement-log", O_MLOG, false }, { "help", O_HELP, false },
	{ "rmm", O_RMM, true },             { "with-rems", O_WITH_REMS, false },
	/* cca-realm-measurements' spelling of --breakpoints and --watchpoints */
	{ "num-bps", O_BPS, true },         { "num-wps", O_WPS, true },
	{ "pmu-counters", O_PMU, true },
};

struct mopts {
	const char *manifest, *vmm, *log, *corim, *comid, *refvals, *name, *expect, *rmm;
	const char *images[16];
	unsigned nimages, threads, bps, wps, pmu_counters;
	bool pmu;
	bool base64, json, quiet, engine_only, mlog, help, algo_given, with_rems, ipa_given;
};

static void hexs(FILE *f, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
}

static void val(FILE *f, const uint8_t *b, size_t n, bool base64)
{
	if (base64) {
		char out[128];

		EVP_EncodeBlock((unsigned char *)out, b, (int)n);
		fputs(out, f);
	} else {
		hexs(f, b, n);
	}
}

/* Take measure's own options out of argv; the rest is realmkit run's. */
static int split_args(int argc, char **argv, struct mopts *m, int *rargc, char **rargv)
{
	*rargc = 0;
	rargv[(*rargc)++] = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL, *eq;
		size_t n;
		unsigned k;

		if (!strcmp(a, "-q") || !strcmp(a, "-h")) {
			a = a[1] == 'q' ? "--quiet" : "--help";
		}
		if (strncmp(a, "--", 2) || !a[2]) {
			rargv[(*rargc)++] = argv[i];
			if (!strcmp(a, "--"))
				for (i++; i < argc; i++)
					rargv[(*rargc)++] = argv[i];
			continue;
		}
		eq = strchr(a, '=');
		n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		for (k = 0; k < sizeof(own) / sizeof(own[0]); k++)
			if (strlen(own[k].name) == n && !strncmp(a + 2, own[k].name, n))
				break;
		if (k == sizeof(own) / sizeof(own[0])) {
			if (!strncmp(a, "--measurement-algo", 18))
				m->algo_given = true;
			if (!strncmp(a, "--ipa-bits", 10))
				m->ipa_given = true;
			rargv[(*rargc)++] = argv[i];
			continue;
		}
		if (own[k].arg) {
			if (eq)
				v = eq + 1;
			else if (i + 1 < argc)
				v = argv[++i];
			else {
				cli_error("measure", "--%s needs a value", own[k].name);
				return -1;
			}
		} else if (eq) {
			cli_error("measure", "--%s takes no value", own[k].name);
			return -1;
		}
		switch (own[k].id) {
		case O_MANIFEST: m->manifest = v; break;
		case O_VMM: m->vmm = v; break;
		case O_LOG: m->log = v; break;
		case O_IMAGE:
			if (m->nimages == 16) {
				cli_error("measure", "at most 16 --image files");
				return -1;
			}
			m->images[m->nimages++] = v;
			break;
		case O_BASE64: m->base64 = true; break;
		case O_JSON: m->json = true; break;
		case O_CORIM: m->corim = v; break;
		case O_COMID: m->comid = v; break;
		case O_REFVALS: m->refvals = v; break;
		case O_NAME: m->name = v; break;
		case O_QUIET: m->quiet = true; break;
		case O_ENGINE_ONLY: m->engine_only = true; break;
		case O_EXPECT: m->expect = v; break;
		case O_MLOG: m->mlog = true; break;
		case O_HELP: m->help = true; break;
		case O_WITH_REMS: m->with_rems = true; break;
		case O_RMM:
			if (strcmp(v, "1.0") && strcmp(v, "2.0")) {
				cli_error("measure", "--rmm: '%s' is neither 1.0 nor 2.0", v);
				return -1;
			}
			m->rmm = v;
			break;
		case O_PMU: {
			uint64_t x;
			const char *end;

			if (cli_parse_number(v, &end, &x) || *end || x > 31) {
				cli_error("measure", "--pmu-counters: '%s' is not 0 to 31", v);
				return -1;
			}
			m->pmu = true;
			m->pmu_counters = (unsigned)x;
			break;
		}
		case O_THREADS:
		case O_BPS:
		case O_WPS: {
			uint64_t x;
			const char *end;

			if (cli_parse_number(v, &end, &x) || *end || x > 1024 ||
			    (own[k].id != O_THREADS && (x < 2 || x > 16))) {
				cli_error("measure", "--%s: '%s' is out of range", own[k].name, v);
				return -1;
			}
			if (own[k].id == O_THREADS)
				m->threads = (unsigned)x;
			else if (own[k].id == O_BPS)
				m->bps = (unsigned)x;
			else
				m->wps = (unsigned)x;
			break;
		}
		}
	}
	rargv[*rargc] = NULL;
	return 0;
}

struct progress {
	bool on;
	double last;
	uint64_t total;
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void progress_cb(void *arg, uint64_t done, uint64_t total)
{
	struct progress *p = arg;
	double t = mono();
	int w = 40, filled;

	if (!p->on || (done < total && t - p->last < 0.1))
		return;
	p->last = t;
	p->total = total;
	filled = total ? (int)(w * done / total) : w;
	fprintf(stderr, "\r[%.*s%*s] %3d%% %llu/%llu MiB", filled,
		"========================================", w - filled, "",
		total ? (int)(100 * done / total) : 100, (unsigned long long)(done >> 8),
		(unsigned long long)(total >> 8));
	if (done == total)
		fputc('\n', stderr);
}

static int read_log(const char *path, uint8_t **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *p;

	if (fd < 0 || fstat(fd, &st) < 0) {
		cli_error("measure", "event log %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || !st.st_size) {
		cli_error("measure", "event log %s: not a non-empty regular file", path);
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		cli_error("measure", "event log %s: %s", path, strerror(errno));
		return -1;
	}
	*buf = p;
	*len = (size_t)st.st_size;
	return 0;
}

static int parse_hex(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned b;

		if (!strchr("0123456789abcdefABCDEF", s[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i + 1]) || sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (uint8_t)b;
	}
	*len = n / 2;
	return 0;
}

static void print_json(const struct rkm_spec *s, const struct rkm_result *r, bool dry_run)
{
	printf("{\"hash_algo\":\"%s\",\"rim\":\"", r->hash_len == 64 ? "sha512" : "sha256");
	hexs(stdout, r->rim, r->hash_len);
	printf("\",\"rems\":[");
	for (int i = 0; i < 4; i++) {
		printf("%s\"", i ? "," : "");
		hexs(stdout, r->rem[i], r->hash_len);
		putchar('"');
	}
	printf("],\"rpv\":\"");
	hexs(stdout, s->l.params.rpv, 64);
	printf("\",\"input\":\"%s\",\"rmm\":\"%s\",\"dry_run\":%s,\"descriptors\":{\"data\":%llu,"
	       "\"ripas\":%llu,\"rec\":%llu},\"bytes_hashed\":%llu}\n",
	       s->vmm, s->l.rmm == RKM_RMM_2_0 ? "2.0" : "1.0", dry_run ? "true" : "false",
	       (unsigned long long)r->data_descs, (unsigned long long)r->ripas_descs,
	       (unsigned long long)r->rec_descs, (unsigned long long)r->bytes_hashed);
}

int cmd_measure(int argc, char **argv)
{
	struct mopts m = { 0 };
	char **rargv = calloc((size_t)argc + 1, sizeof(char *));
	int rargc, ret = CLI_EXIT_USAGE;
	struct vmm_options vo;
	struct vmm_plan plan;
	bool have_plan = false, dry = false;
	struct rkm_spec spec;
	struct rkm_result res;
	struct progress prog = { 0 };
	struct rkm_options ro = { .progress = progress_cb, .progress_arg = &prog };
	char err[RKM_ERR_LEN] = "";
	uint8_t *logbuf = NULL;
	size_t loglen = 0;
	unsigned inputs;

	rkm_spec_init(&spec);
	memset(&plan, 0, sizeof(plan));
	if (!rargv || split_args(argc, argv, &m, &rargc, rargv) < 0)
		goto out;
	if (m.help) {
		fputs(usage, stdout);
		ret = CLI_EXIT_OK;
		goto out;
	}
	vmm_options_init(&vo);
	optind = 0;
	switch (vmm_options_parse(&vo, rargc, rargv, err, sizeof(err))) {
	case VMM_PARSE_OK:
		break;
	case VMM_PARSE_HELP:
		fputs(usage, stdout);
		ret = CLI_EXIT_OK;
		goto out;
	default:
		cli_error("measure", "%s", err);
		goto out;
	}
	inputs = !!m.manifest + !!m.vmm + !!m.log;
	if (inputs > 1) {
		cli_error("measure", "one input at a time: --manifest, --vmm or --event-log");
		goto out;
	}
	if (m.nimages && !m.log) {
		cli_error("measure", "--image goes with --event-log");
		goto out;
	}
	ro.threads = m.threads;
	prog.on = !m.quiet && !m.json && isatty(STDERR_FILENO);

	ret = CLI_EXIT_FAILED;
	if (m.manifest) {
		if (rargc > 1) {
			cli_error("measure", "--manifest describes the whole launch: '%s' does not "
					     "apply", rargv[1]);
			ret = CLI_EXIT_USAGE;
			goto out;
		}
		if (rkm_manifest_load(m.manifest, &spec, err, sizeof(err)) < 0) {
			cli_error("measure", "%s", err);
			goto out;
		}
	} else if (m.vmm) {
		struct rkm_vmm_args a = {
			.kernel = vo.image[VMM_IMG_KERNEL], .initrd = vo.image[VMM_IMG_INITRD],
			.dtb = vo.image[VMM_IMG_DTB], .firmware = vo.image[VMM_IMG_FIRMWARE],
			.mem = vo.mem_mib << 20, .measurement_log = m.mlog,
			.cpus = vo.cpus_set ? vo.cpus : 1, .params_str = vo.params,
			.ipa_bits_given = m.ipa_given, .dump_dtb = vo.dump_dtb,
		};
		bool qemu = !strcmp(m.vmm, "qemu");

		if (!qemu && strcmp(m.vmm, "kvmtool")) {
			cli_error("measure", "--vmm: '%s' is neither kvmtool nor qemu", m.vmm);
			ret = CLI_EXIT_USAGE;
			goto out;
		}
		a.params.hash_algo = m.algo_given ? vo.hash_algo : qemu ? 1 : 0;
		a.params.ipa_bits = vo.ipa_bits;
		a.params.num_bps = (m.bps ? m.bps : 6) - 1;
		a.params.num_wps = (m.wps ? m.wps : 4) - 1;
		if (m.pmu) {
			a.params.flags |= RMI_REALM_FLAGS_PMU;
			a.params.pmu_num_ctrs = m.pmu_counters;
		}
		memcpy(a.params.rpv, vo.rpv, sizeof(vo.rpv));
		if ((qemu ? rkm_layout_qemu : rkm_layout_kvmtool)(&a, &spec, err, sizeof(err)) < 0) {
			cli_error("measure", "%s", err);
			goto out;
		}
	} else if (m.log) {
		struct rkm_ccel_info info;

		if (rargc > 1) {
			cli_error("measure", "--event-log describes the whole launch: '%s' does not "
					     "apply", rargv[1]);
			ret = CLI_EXIT_USAGE;
			goto out;
		}
		if (read_log(m.log, &logbuf, &loglen) < 0) {
			ret = CLI_EXIT_USAGE;
			goto out;
		}
		if (rkm_ccel_replay(logbuf, loglen, m.images, m.nimages, &spec, &info, err,
				    sizeof(err)) < 0) {
			cli_error("measure", "%s", err);
			goto out;
		}
	} else {
		if (vmm_plan_build(&vo, &plan, err, sizeof(err)) < 0) {
			cli_error("measure", "%s", err);
			ret = CLI_EXIT_USAGE;
			goto out;
		}
		have_plan = true;
		if (rkm_from_plan(&plan, &spec, err, sizeof(err)) < 0) {
			cli_error("measure", "%s", err);
			goto out;
		}
	}
	if (m.rmm && !strcmp(m.rmm, "2.0")) {
		spec.l.rmm = RKM_RMM_2_0;
	} else if (m.rmm) {
		spec.l.rmm = RKM_RMM_1_0;
	} else if (!spec.rmm_set) {
		/* The RMM `realmkit run` would boot: REALMKIT_RMM, else 2.0. */
		unsigned d = rk_default_rmm();

		if (!d) {
			cli_error("measure", "REALMKIT_RMM=\"%s\" is not an RMM version (1.0 or 2.0)",
				  getenv("REALMKIT_RMM"));
			ret = CLI_EXIT_USAGE;
			goto out;
		}
		spec.l.rmm = d == RK_RMM_1_0 ? RKM_RMM_1_0 : RKM_RMM_2_0;
	}
	if (rkm_measure(&spec.l, &ro, &res, err, sizeof(err)) < 0) {
		if (prog.on && prog.total)
			fputc('\n', stderr);
		cli_error("measure", "%s", err);
		goto out;
	}
	if (have_plan && !m.engine_only) {
		struct rk_measurements km;

		if (rkm_plan_dry_run(&plan, spec.l.rmm, &km, err, sizeof(err)) < 0) {
			cli_error("measure", "%s", err);
			goto out;
		}
		dry = true;
		if (km.hash_len != res.hash_len || memcmp(km.rim, res.rim, res.hash_len)) {
			cli_error("measure", "the dry run through KVM and the engine disagree on the "
					     "RIM (a bug: please report it with the options used)");
			ret = CLI_EXIT_EXPECTED;
			goto out;
		}
	}
	{
		struct rkm_refval rv = { .r = &res, .rpv = spec.l.params.rpv, .name = m.name,
					 .rems_known = spec.l.nrem_ext || m.with_rems };

		if (m.corim && rkm_write_corim(m.corim, &rv, err, sizeof(err)) < 0)
			goto werr;
		if (m.comid && rkm_write_comid_json(m.comid, &rv, err, sizeof(err)) < 0)
			goto werr;
		if (m.refvals && rkm_write_refvals(m.refvals, &rv, err, sizeof(err)) < 0)
			goto werr;
	}
	if (m.json) {
		print_json(&spec, &res, dry);
	} else if (!(m.corim && !strcmp(m.corim, "-")) && !(m.comid && !strcmp(m.comid, "-")) &&
		   !(m.refvals && !strcmp(m.refvals, "-"))) {
		printf("RIM  ");
		val(stdout, res.rim, res.hash_len, m.base64);
		putchar('\n');
		for (int i = 0; i < 4; i++) {
			printf("REM%d ", i);
			val(stdout, res.rem[i], res.hash_len, m.base64);
			putchar('\n');
		}
	}
	ret = CLI_EXIT_OK;
	if (m.expect) {
		uint8_t want[64];
		size_t n;

		if (parse_hex(m.expect, want, sizeof(want), &n) < 0) {
			cli_error("measure", "--expect-rim: '%s' is not hex", m.expect);
			ret = CLI_EXIT_USAGE;
		} else if (n != res.hash_len || memcmp(want, res.rim, n)) {
			cli_error("measure", "the RIM is not the expected one");
			ret = CLI_EXIT_EXPECTED;
		}
	}
	goto out;
werr:
	cli_error("measure", "%s", err);
	ret = CLI_EXIT_USAGE;
out:
	if (logbuf)
		munmap(logbuf, loglen);
	if (have_plan)
		vmm_plan_free(&plan);
	rkm_spec_free(&spec);
	free(rargv);
	return ret;
}
