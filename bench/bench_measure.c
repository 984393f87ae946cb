// SPDX-License-Identifier: MIT
/*
 * The measurement engine's throughput against the limit it works under:
 * one core's OpenSSL SHA-256 of the same bytes, measured in the same run.
 * A file of --size-mib (default 1024) random-looking bytes is written once,
 * then, --runs times (median reported):
 *   - stream: EVP SHA-256 of the whole file in one digest (one core), over
 *             resident bytes: the file is mapped and read once untimed, so
 *             the limit is the best one core can do (on a VM the first pass
 *             over a fresh mapping runs at about half that speed: the cost
 *             of first touches, which would flatter the engine);
 *   - pages:  EVP SHA-256 of each 4 KiB page (the content hashes the RMM
 *             computes, one core, resident bytes too);
 *   - engine: rkm_measure of a launch loading the file measured, with
 *             --threads (default: online CPUs) and with one thread.
 * Memory: the engine runs in child processes on the file and on a quarter
 * of it; their peak RSS is printed (it should not grow with the size).
 * The bound: the RIM chain is sequential, one 256-byte descriptor hash per
 * granule; with c = (descriptor hash) / (granule hash), N cores can go at
 * most N / (1 + c) times one core's granule hashing.  Both are timed here.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "measure/measure.h"
#include "rmm/measurement.h"
#include "series.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double stream_hash(int fd, uint64_t size, bool per_page)
{
	const EVP_MD *md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t out[64];
	unsigned olen;
	uint8_t *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	double t0;

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	/* Untimed first pass: page the mapping in (see the top comment). */
	EVP_DigestInit_ex(ctx, md, NULL);
	EVP_DigestUpdate(ctx, p, size);
	EVP_DigestFinal_ex(ctx, out, &olen);
	t0 = now();
	if (per_page) {
		for (uint64_t off = 0; off < size; off += 4096)
			EVP_Digest(p + off, 4096, out, &olen, md, NULL);
	} else {
		EVP_DigestInit_ex(ctx, md, NULL);
		EVP_DigestUpdate(ctx, p, size);
		EVP_DigestFinal_ex(ctx, out, &olen);
	}
	t0 = now() - t0;
	munmap(p, size);
	EVP_MD_CTX_free(ctx);
	EVP_MD_free((EVP_MD *)md);
	return t0;
}

static double engine(const char *path, uint64_t size, unsigned threads, uint8_t *rim)
{
	struct rkm_region reg = { .name = "image", .path = path, .length = size,
				  .ipa = 0x80000000, .size = size, .measured = true };
	struct rkm_step st[3] = {
		{ .type = RKM_STEP_RIPAS, .base = 0x80000000, .top = 0x80000000 + size },
		{ .type = RKM_STEP_DATA, .region = 0 },
		{ .type = RKM_STEP_REC, .runnable = true, .pc = 0x80000000 },
	};
	struct rkm_launch l = { .params = { .ipa_bits = 40, .num_bps = 5, .num_wps = 3 },
				.regions = &reg, .nregions = 1, .steps = st, .nsteps = 3 };
	struct rkm_options o = { .threads = threads };
	struct rkm_result r;
	char err[RKM_ERR_LEN];
	double t0 = now();

	if (rkm_measure(&l, &o, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_measure: %s\n", err);
		exit(1);
	}
	t0 = now() - t0;
	if (rim)
		memcpy(rim, r.rim, 32);
	return t0;
}

/* Peak RSS (KiB) of a child measuring the first @size bytes of @path. */
static long child_rss(const char *path, uint64_t size, unsigned threads)
{
	int pfd[2];
	long rss = -1;
	pid_t pid;

	if (pipe(pfd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct rusage ru;

		engine(path, size, threads, NULL);
		getrusage(RUSAGE_SELF, &ru);
		rss = ru.ru_maxrss;
		if (write(pfd[1], &rss, sizeof(rss)) != sizeof(rss))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &rss, sizeof(rss)) != sizeof(rss))
		rss = -1;
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	return rss;
}

/* ns per descriptor extension and per granule content hash (RMM functions, one thread). */
static void chain_cost(double *desc_ns, double *page_ns)
{
	static uint8_t page[4096];
	uint8_t rim[64] = { 0 }, h[64] = { 0 };
	const int n = 50000;
	double t0 = now(), t1, t2;

	for (int i = 0; i < n; i++)
		measurement_rim_extend_data(0, rim, (uint64_t)i << 12, 1, h);
	t1 = now();
	for (int i = 0; i < n; i++)
		measurement_granule_hash(0, page, h);
	t2 = now();
	*desc_ns = (t1 - t0) / n * 1e9;
	*page_ns = (t2 - t1) / n * 1e9;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size-mib", required_argument, NULL, 's' },
		{ "runs", required_argument, NULL, 'r' },
		{ "threads", required_argument, NULL, 't' },
		{ "quick", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t size = 1024ULL << 20;
	unsigned runs = 5, threads = 0;
	struct series s_stream = { 0 }, s_pages = { 0 }, s_eng = { 0 }, s_eng1 = { 0 };
	struct series s_desc = { 0 }, s_page = { 0 };
	char path[] = "/tmp/rk-bench-measure-XXXXXX";
	uint8_t rim_a[32], rim_b[32], *buf;
	double la[3] = { 0 };
	int fd, c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			size = strtoull(optarg, NULL, 0) << 20;
			break;
		case 'r':
			runs = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 't':
			threads = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'q':
			size = 8ULL << 20;
			runs = 1;
			break;
		default:
			fprintf(stderr, "usage: bench_measure [--size-mib N] [--runs N] [--threads N] "
					"[--quick]\n");
			return 2;
		}
	}
	if (!size || !runs || runs > SERIES_MAX) {
		fprintf(stderr, "bench_measure: bad --size-mib or --runs\n");
		return 2;
	}
	fd = mkstemp(path);
	buf = malloc(1 << 20);
	if (fd < 0 || !buf) {
		perror("bench_measure");
		return 1;
	}
	for (uint64_t off = 0, x = 88172645463325252ULL; off < size; off += 1 << 20) {
		for (unsigned i = 0; i < (1 << 20); i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(buf + i, &x, 8);
		}
		if (write(fd, buf, 1 << 20) != 1 << 20) {
			perror("write");
			return 1;
		}
	}
	free(buf);
	fsync(fd);
	getloadavg(la, 3);
	fprintf(stderr, "bench_measure: %llu MiB, %u runs, load %.2f\n",
		(unsigned long long)(size >> 20), runs, la[0]);
	for (unsigned r = 0; r < runs; r++) {
		series_add(&s_stream, stream_hash(fd, size, false));
		series_add(&s_pages, stream_hash(fd, size, true));
		series_add(&s_eng, engine(path, size, threads, rim_a));
		series_add(&s_eng1, engine(path, size, 1, rim_b));
		{
			double dn, pn;

			chain_cost(&dn, &pn);
			series_add(&s_desc, dn);
			series_add(&s_page, pn);
		}
		if (memcmp(rim_a, rim_b, 32)) {
			fprintf(stderr, "bench_measure: thread counts disagree\n");
			return 1;
		}
	}
	{
		double mib = (double)size / (1 << 20);
		double st = series_median(&s_stream), pg = series_median(&s_pages);
		double en = series_median(&s_eng), e1 = series_median(&s_eng1);
		long rss_full = child_rss(path, size, threads);
		long rss_quarter = child_rss(path, size / 4, threads);

		printf("%-34s %10s %10s %14s\n", "what", "s (median)", "MiB/s", "vs stream");
		printf("%-34s %10.3f %10.0f %13.2fx\n", "SHA-256 one stream, 1 core", st, mib / st,
		       1.0);
		printf("%-34s %10.3f %10.0f %13.2fx\n", "SHA-256 per 4 KiB page, 1 core", pg,
		       mib / pg, st / pg);
		printf("%-34s %10.3f %10.0f %13.2fx\n", "engine, 1 hashing thread", e1, mib / e1,
		       st / e1);
		printf("%-34s %10.3f %10.0f %13.2fx\n", "engine, all CPUs", en, mib / en, st / en);
		printf("engine vs per-page SHA-256 (1 core): %.2fx; min..max engine %.3f..%.3f s\n",
		       pg / en, series_min(&s_eng), series_max(&s_eng));
		{
			double cr = series_median(&s_desc) / series_median(&s_page);
			long cpus = sysconf(_SC_NPROCESSORS_ONLN);

			printf("chain: %.0f ns per descriptor, %.0f ns per granule hash: c = %.3f, "
			       "bound on %ld CPUs %.2fx\n", series_median(&s_desc),
			       series_median(&s_page), cr, cpus, (double)cpus / (1 + cr));
		}
		printf("peak RSS of the engine: %ld KiB for %llu MiB, %ld KiB for %llu MiB\n", rss_full,
		       (unsigned long long)(size >> 20), rss_quarter,
		       (unsigned long long)(size >> 22));
	}
	close(fd);
	unlink(path);
	return 0;
}
