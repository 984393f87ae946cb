// SPDX-License-Identifier: MIT
/*
 * `realmkit run`: launch a realm from images (or the embedded demo) with the
 * VMM in src/vmm, then say how it ended, its RIM and REMs and the time each
 * launch phase took.  Options and exit statuses: docs/VMM.md.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "vmm/plan.h"
#include "vmm/vmm.h"

static void run_usage(FILE *f)
{
	fputs("usage: realmkit run [options]\n"
	      "\n"
	      "Launch a realm the way kvmtool's `lkvm run --realm` does, through the KVM realm\n"
	      "ABI, and report how it ended, its RIM and REMs and the launch timings. With no\n"
	      "image, the embedded demo realm. Details: docs/VMM.md.\n"
	      "\n",
	      f);
	fputs(vmm_options_usage, f);
	fputs("\n"
	      "exit status: 0 the realm called SYSTEM_OFF; 1 the VMM failed; 2 bad options or\n"
	      "images; 3 SYSTEM_RESET; 4 the realm faulted (or --strict-mmio); 5 --timeout;\n"
	      "6 interrupted.\n"
	      "\n"
	      "environment: REALMKIT_RMM=1.0|2.0, the RMM the simulated host boots (default\n"
	      "2.0, as a Linux v14 host; the RIMs differ: docs/KVM.md). realmkit measure\n"
	      "follows it.\n",
	      f);
}

static void on_signal(int sig)
{
	(void)sig;
	vmm_request_stop();
}

static void hex(FILE *f, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void print_json(const struct vmm_plan *p, const struct vmm_result *r, int code)
{
	const struct vmm_timings *t = &r->t;
	unsigned hl = r->m.hash_len;

	printf("{\"ending\":\"%s\",\"exit_code\":%d,\"detail\":", vmm_ending_name(r->ending),
	       code);
	json_str(stdout, r->detail);
	printf(",\"hash_algo\":\"%s\",\"rim\":", p->hash_algo ? "sha512" : "sha256");
	if (r->have_measurements) {
		putchar('"');
		hex(stdout, r->m.rim, hl);
		printf("\",\"rems\":[");
		for (int i = 0; i < 4; i++) {
			printf("%s\"", i ? "," : "");
			hex(stdout, r->m.rem[i], hl);
			putchar('"');
		}
		putchar(']');
	} else {
		printf("null,\"rems\":null");
	}
	printf(",\"timings_ms\":{\"create\":%.3f,\"populate_measured\":%.3f,"
	       "\"populate_unmeasured\":%.3f,\"ripas\":%.3f,\"activate\":%.3f,\"run\":%.3f,"
	       "\"total\":%.3f}",
	       t->create, t->populate_measured, t->populate_unmeasured, t->ripas, t->activate,
	       t->run, t->total);
	printf(",\"bytes_measured\":%llu,\"bytes_unmeasured\":%llu",
	       (unsigned long long)t->measured_bytes, (unsigned long long)t->unmeasured_bytes);
	printf(",\"vcpus\":%u,\"mem_mib\":%llu,\"entry_pc\":\"0x%llx\",\"dtb\":\"0x%llx\"", p->cpus,
	       (unsigned long long)(p->ram_size >> 20), (unsigned long long)p->entry_pc,
	       (unsigned long long)p->dtb_gpa);
	printf(",\"images\":[");
	for (unsigned i = 0; i < p->nregions; i++)
		printf("%s{\"image\":\"%s\",\"gpa\":\"0x%llx\",\"size\":%llu,\"measured\":%s}",
		       i ? "," : "", vmm_image_name(p->region[i].what),
		       (unsigned long long)p->region[i].gpa, (unsigned long long)p->region[i].size,
		       p->region[i].measured ? "true" : "false");
	printf("],\"exits\":{\"mmio\":%llu,\"mmio_unclaimed\":%llu,\"memory_fault\":%llu,"
	       "\"hypercall\":%llu},\"shared_reads\":%llu,\"doorbells\":%llu,\"markers\":%llu",
	       (unsigned long long)r->mmio_exits, (unsigned long long)r->mmio_unclaimed,
	       (unsigned long long)r->memory_faults, (unsigned long long)r->hypercalls,
	       (unsigned long long)r->shared_reads, (unsigned long long)r->doorbells,
	       (unsigned long long)r->markers);
	printf(",\"attestation\":{\"rsi_status\":");
	if (r->attest_failed)
		printf("\"0x%llx\"", (unsigned long long)r->attest_rsi_status);
	else
		printf("null");
	printf(",\"token_size\":%zu,\"token_complete\":%s}}\n", r->token_size,
	       r->token_complete ? "true" : "false");
}

static void print_text(const struct vmm_plan *p, const struct vmm_result *r, int code)
{
	const struct vmm_timings *t = &r->t;

	printf("== realm ended: %s%s%s (exit status %d)\n", vmm_ending_name(r->ending),
	       r->detail[0] ? ": " : "", r->detail, code);
	if (r->have_measurements) {
		printf("== RIM  (%s) ", p->hash_algo ? "sha512" : "sha256");
		hex(stdout, r->m.rim, r->m.hash_len);
		putchar('\n');
		for (int i = 0; i < 4; i++) {
			printf("== REM%d        ", i);
			hex(stdout, r->m.rem[i], r->m.hash_len);
			putchar('\n');
		}
	}
	if (r->attest_failed)
		printf("== attestation: the realm reports that RSI attestation failed with status "
		       "0x%llx\n", (unsigned long long)r->attest_rsi_status);
	else if (r->token_complete)
		printf("== attestation token: %zu bytes handed back by the realm\n", r->token_size);
	if (r->mmio_unclaimed)
		printf("== unclaimed MMIO accesses: %llu (read as zero, writes ignored)\n",
		       (unsigned long long)r->mmio_unclaimed);
	printf("== time (ms): create %.2f, populate %.2f measured (%llu KiB) + %.2f unmeasured "
	       "(%llu KiB), activate %.2f, run %.2f; total from process start %.2f\n",
	       t->create, t->populate_measured, (unsigned long long)(t->measured_bytes >> 10),
	       t->populate_unmeasured, (unsigned long long)(t->unmeasured_bytes >> 10),
	       t->activate, t->run, t->total);
}

static int write_file(const char *what, const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(b, 1, n, f) != n || fclose(f)) {
		cli_error("run", "%s '%s': %s", what, path, strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct timespec ts;
	struct vmm_options o;
	struct vmm_plan p;
	struct vmm_result r;
	struct vmm_run_config c = { 0 };
	struct sigaction sa = { 0 };
	char err[512];
	int code;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	vmm_options_init(&o);
	switch (vmm_options_parse(&o, argc, argv, err, sizeof(err))) {
	case VMM_PARSE_HELP:
		run_usage(stdout);
		return CLI_EXIT_OK;
	case VMM_PARSE_ERROR:
		cli_error("run", "%s", err);
		return CLI_EXIT_USAGE;
	default:
		break;
	}
	if (vmm_plan_build(&o, &p, err, sizeof(err))) {
		cli_error("run", "%s", err);
		return CLI_EXIT_USAGE;
	}
	if (o.dump_dtb && write_file("--dump-dtb", o.dump_dtb, p.dtb, p.dtb_size)) {
		vmm_plan_free(&p);
		return CLI_EXIT_USAGE;
	}

	c.console = o.console;
	c.console_out = o.json ? stderr : stdout;
	c.timeout = o.timeout;
	c.strict_mmio = o.strict_mmio;
	c.refuse_ram = o.refuse_ram;
	c.challenge = o.challenge_set ? o.challenge : NULL;
	/* From entering main() (the bench measures from fork() to exit: docs/PERFORMANCE.md). */
	c.t_process_start = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	code = vmm_launch(&p, &c, &r);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);

	if (o.token_out) {
		if (!r.token_complete)
			cli_error("run", "--token-out: the realm handed back no attestation token%s",
				  r.attest_failed ? " (its RSI attestation call failed)" : "");
		else if (write_file("--token-out", o.token_out, r.token, r.token_size) &&
			 code == VMM_EXIT_OK)
			code = VMM_EXIT_ERROR;
	}
	if (r.ending == VMM_END_ERROR)
		cli_error("run", "%s", r.detail);
	if (o.json)
		print_json(&p, &r, code);
	else
		print_text(&p, &r, code);
	fflush(stdout);
	vmm_result_free(&r);
	vmm_plan_free(&p);
	return code;
}
