// SPDX-License-Identifier: MIT
/*
 * `realmkit run`, timed from outside as a user sees it (docs/PERFORMANCE.md,
 * "The realm VMM"):
 *
 *  1. The demo realm, boot -> attestation request -> SYSTEM_OFF: wall time
 *     from fork() to the process's exit, against the same binary doing
 *     nothing (`realmkit --version`: exec, dynamic linking, exit) measured in
 *     the same run.
 *  2. The launch of a 256 MiB realm with a 30 MiB kernel (measured) and a
 *     16 MiB initrd (unmeasured), split by phase from the --json timings,
 *     against what the data alone costs on this machine, measured in the
 *     same run: SHA-256 over the kernel (the measured pages are hashed once
 *     for their DATA descriptors) and memcpy of each image.
 *
 *   bench_vmm REALMKIT [--quick]
 *   bench_vmm REALMKIT --demo [BASELINE]   only (1), 30 runs, wall and CPU time;
 *                                          BASELINE: another realmkit binary
 *                                          (e.g. an older build) run alternately
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "series.h"

#define MiB ((size_t)1 << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time (user + system, ms) of the last spawn()'s child. */
static double last_cpu_ms;

/* Run argv with stdout to @out (or /dev/null); returns wall seconds, or -1. */
static double spawn(char *const argv[], const char *out)
{
	struct rusage ru;
	double t0;
	pid_t pid;

	fflush(stdout);
	t0 = now();
	pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		FILE *f = freopen(out ? out : "/dev/null", "w", stdout);

		if (!f || !freopen("/dev/null", "w", stderr) || !freopen("/dev/null", "r", stdin))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	last_cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-3;
	return now() - t0;
}

static int write_file(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (fwrite(b, 1, n, f) != n) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static double jnum(json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

/* The demo, its CPU time, and the process start-up limit; optionally against a baseline binary. */
static int demo_only(char *rk, char *base)
{
	char *bins[2] = { rk, base };
	struct series wall[2][2], cpu[2][2]; /* [binary][demo, --version] */
	const unsigned runs = 30;

	memset(wall, 0, sizeof(wall));
	memset(cpu, 0, sizeof(cpu));
	for (unsigned i = 0; i < runs; i++)
		for (unsigned b = 0; b < 2 && bins[b]; b++) {
			char *d[] = { bins[b], (char *)"run", (char *)"--console", (char *)"none",
				      (char *)"--challenge", (char *)"00112233", NULL };
			char *e[] = { bins[b], (char *)"--version", NULL };
			double t;

			if ((t = spawn(d, NULL)) < 0)
				goto fail;
			series_add(&wall[b][0], t * 1e3);
			series_add(&cpu[b][0], last_cpu_ms);
			if ((t = spawn(e, NULL)) < 0)
				goto fail;
			series_add(&wall[b][1], t * 1e3);
			series_add(&cpu[b][1], last_cpu_ms);
		}
	printf("demo realm, ms, median [min .. max] of %u runs, binaries alternating:\n", runs);
	for (unsigned b = 0; b < 2 && bins[b]; b++) {
		printf("  %s\n", bins[b]);
		printf("    run        wall %6.1f [%.1f .. %.1f]  cpu %6.1f [%.1f .. %.1f]\n",
		       series_median(&wall[b][0]), series_min(&wall[b][0]), series_max(&wall[b][0]),
		       series_median(&cpu[b][0]), series_min(&cpu[b][0]), series_max(&cpu[b][0]));
		printf("    --version  wall %6.1f [%.1f .. %.1f]  cpu %6.1f [%.1f .. %.1f]\n",
		       series_median(&wall[b][1]), series_min(&wall[b][1]), series_max(&wall[b][1]),
		       series_median(&cpu[b][1]), series_min(&cpu[b][1]), series_max(&cpu[b][1]));
	}
	if (base)
		printf("  ratio (this / baseline): run wall %.2f, run cpu %.2f, --version cpu %.2f\n",
		       series_median(&wall[0][0]) / series_median(&wall[1][0]),
		       series_median(&cpu[0][0]) / series_median(&cpu[1][0]),
		       series_median(&cpu[0][1]) / series_median(&cpu[1][1]));
	return 0;
fail:
	fprintf(stderr, "bench_vmm: a run failed\n");
	return 1;
}

int main(int argc, char **argv)
{
	bool quick = argc > 2 && !strcmp(argv[2], "--quick");
	unsigned runs = quick ? 1 : 15, big_runs = quick ? 1 : 5;
	size_t kernel_len = (quick ? 2 : 30) * MiB, initrd_len = (quick ? 1 : 16) * MiB;
	char dir[] = "/tmp/bench_vmm.XXXXXX", kpath[64], ipath[64], jpath[64];
	struct series demo = { .n = 0 }, empty = { .n = 0 }, ph[6], sha = { .n = 0 }, cpy = { .n = 0 };
	static const char *const phase[] = { "create", "populate_measured",
					     "populate_unmeasured", "activate", "run", "total" };
	uint8_t *kernel, *initrd, *dst, md[32];
	unsigned mdlen;

	memset(ph, 0, sizeof(ph));
	if (argc > 2 && !strcmp(argv[2], "--demo"))
		return demo_only(argv[1], argc > 3 ? argv[3] : NULL);
	if (argc < 2) {
		fprintf(stderr, "usage: bench_vmm REALMKIT [--quick]\n");
		return 2;
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}

	/* 1. The demo from process start to exit, and the bare process. */
	for (unsigned i = 0; i < runs; i++) {
		char *d[] = { argv[1], (char *)"run", (char *)"--console", (char *)"none",
			      (char *)"--challenge", (char *)"00112233", NULL };
		char *e[] = { argv[1], (char *)"--version", NULL };
		double td = spawn(d, NULL), te = spawn(e, NULL);

		if (td < 0 || te < 0) {
			fprintf(stderr, "bench_vmm: %s failed\n", argv[1]);
			return 1;
		}
		series_add(&demo, td * 1e3);
		series_add(&empty, te * 1e3);
	}
	printf("demo realm (boot, RSI, 2 vCPUs, attestation request, SYSTEM_OFF), wall ms from "
	       "fork to exit, %u runs:\n", runs);
	printf("  realmkit run               median %7.1f  [%.1f .. %.1f]\n", series_median(&demo),
	       series_min(&demo), series_max(&demo));
	printf("  realmkit --version (limit) median %7.1f  [%.1f .. %.1f]\n",
	       series_median(&empty), series_min(&empty), series_max(&empty));
	printf("  the demo beyond process start-up: %.1f ms (median difference)\n",
	       series_median(&demo) - series_median(&empty));

	/* 2. A 256 MiB realm with a 30 MiB kernel and a 16 MiB initrd. */
	kernel = malloc(kernel_len);
	initrd = malloc(initrd_len);
	dst = malloc(kernel_len);
	if (!kernel || !initrd || !dst)
		return 1;
	memset(dst, 0, kernel_len); /* fault the destination in: memcpy alone is the limit */
	srand(1);
	for (size_t i = 0; i < kernel_len; i++)
		kernel[i] = (uint8_t)rand();
	for (size_t i = 0; i < initrd_len; i++)
		initrd[i] = (uint8_t)(i * 13);
	/* The kernel's first instructions: x0 = PSCI SYSTEM_OFF (0x84000008); smc #0. */
	{
		static const uint32_t code[] = { 0xd2800100, 0xf2b08000, 0xd4000003 };

		memcpy(kernel, code, sizeof(code));
	}
	snprintf(kpath, sizeof(kpath), "%s/kernel", dir);
	snprintf(ipath, sizeof(ipath), "%s/initrd", dir);
	snprintf(jpath, sizeof(jpath), "%s/out.json", dir);
	if (write_file(kpath, kernel, kernel_len) || write_file(ipath, initrd, initrd_len)) {
		perror("bench_vmm: writing the images");
		return 1;
	}
	for (unsigned i = 0; i < big_runs; i++) {
		char *a[] = { argv[1], (char *)"run", (char *)"-k", kpath, (char *)"-i", ipath,
			      (char *)"--no-measure", (char *)"initrd", (char *)"-m",
			      (char *)"256", (char *)"--json", (char *)"--console", (char *)"none",
			      NULL };
		json_error_t je;
		json_t *j, *t;
		double t0;

		if (spawn(a, jpath) < 0) {
			fprintf(stderr, "bench_vmm: the 256 MiB launch failed\n");
			return 1;
		}
		j = json_load_file(jpath, 0, &je);
		t = j ? json_object_get(j, "timings_ms") : NULL;
		if (!t) {
			fprintf(stderr, "bench_vmm: no timings in the JSON: %s\n", je.text);
			return 1;
		}
		for (unsigned k = 0; k < 6; k++)
			series_add(&ph[k], jnum(t, phase[k]));
		json_decref(j);

		/* The limits, between launches: SHA-256 of the kernel, memcpy of both images. */
		t0 = now();
		EVP_Digest(kernel, kernel_len, md, &mdlen, EVP_sha256(), NULL);
		series_add(&sha, (now() - t0) * 1e3);
		t0 = now();
		memcpy(dst, kernel, kernel_len);
		memcpy(dst, initrd, initrd_len);
		series_add(&cpy, (now() - t0) * 1e3);
	}
	printf("\n256 MiB realm, %zu MiB kernel measured + %zu MiB initrd unmeasured, "
	       "ms (median of %u):\n", kernel_len / MiB, initrd_len / MiB, big_runs);
	for (unsigned k = 0; k < 6; k++)
		printf("  %-20s %9.2f  [%.2f .. %.2f]\n", phase[k], series_median(&ph[k]),
		       series_min(&ph[k]), series_max(&ph[k]));
	printf("  limit: SHA-256 of the kernel        %9.2f\n", series_median(&sha));
	printf("  limit: memcpy of kernel + initrd    %9.2f\n", series_median(&cpy));
	printf("  populate measured / SHA-256 limit   %9.1fx\n",
	       series_median(&ph[1]) / series_median(&sha));
	printf("  populate unmeasured / its memcpy    %9.1fx\n",
	       series_median(&ph[2]) / (series_median(&cpy) * (double)initrd_len /
					(double)(kernel_len + initrd_len)));
	printf("  measured throughput %.0f MiB/s, unmeasured %.0f MiB/s\n",
	       (double)kernel_len / MiB / (series_median(&ph[1]) / 1e3),
	       (double)initrd_len / MiB / (series_median(&ph[2]) / 1e3));
	unlink(kpath);
	unlink(ipath);
	unlink(jpath);
	rmdir(dir);
	free(kernel);
	free(initrd);
	free(dst);
	return 0;
}
