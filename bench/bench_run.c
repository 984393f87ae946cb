// SPDX-License-Identifier: MIT
/*
 * The running realm: guest instructions per second inside a realm (KVM_RUN
 * -> REC_ENTER -> the PE) against Unicorn running the same code with nothing
 * around it, in the same run; and the cost of a round trip guest SMC -> RMM
 * -> guest (RSI_VERSION, served in the RMM) and guest MMIO store -> REC exit
 * -> KVM_EXIT_MMIO -> VMM -> re-entry, against the bare emulator trapping the
 * same instruction.  Median of 5 runs [min..max].  Then the same round trips
 * with 1, 2 and 4 vCPU threads of one realm at once.  docs/PERFORMANCE.md.
 *
 *	bench_run [--quick] [--runs=N] [--cpu] [SECTION...]
 *
 * SECTION: compute, memory, rsi, mmio, irq, scaling (default: all; irq
 * compares with the MMIO round trip and runs mmio first).  The bare
 * emulator runs twice: alone, and with an empty UC_HOOK_BLOCK hook (the
 * price of any per-block hook, the mechanism the PE uses for exact stops).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <unicorn/unicorn.h>

#include "kvm_util.h"
#include "realmkit/kvm.h"
#include "series.h"

#define RAM_GPA 0x80000000ULL
#define MiB     (1ULL << 20)

/* Each program takes its iteration count in x0 (and a buffer or MMIO address in x1). */
/* Register-only work: 5 instructions per iteration. */
static const uint32_t p_compute[] = { 0xaa0003f4, 0xd2800022, 0xd28000e3, 0x8b030042, 0xca030c44,
				      0x8b020083, 0xf1000694, 0x54ffff81, 0xd2800100, 0xf2b08000,
				      0xd4000003, 0x14000000 };
/* A load and a store among register work: 7 instructions per iteration. */
static const uint32_t p_memory[] = { 0xaa0003f4, 0xd28000e3, 0xf9400022, 0x8b030042, 0xf9000422,
				     0xca030c44, 0x8b020083, 0xf1000694, 0x54ffff41, 0xd2800100,
				     0xf2b08000, 0xd4000003, 0x14000000 };
/* RSI_VERSION(1.0) per iteration. */
static const uint32_t p_rsi[] = { 0xaa0003f4, 0xd2803200, 0xf2b88000, 0xd2800001, 0xf2a00021,
				  0xd4000003, 0xf1000694, 0x54ffff41, 0xd2800100, 0xf2b08000,
				  0xd4000003, 0x14000000 };
/* An 8-byte MMIO store per iteration. */
static const uint32_t p_mmio[] = { 0xaa0003f4, 0xf9000034, 0xf1000694, 0x54ffffc1, 0xd2800100,
				   0xf2b08000, 0xd4000003, 0x14000000 };

/*
 * The clock of the single-thread sections: wall time, or with --cpu the
 * process's CPU time, whose ratios a loaded machine skews far less (a run
 * is not charged for the time other processes had the core).
 */
static clockid_t bench_clock = CLOCK_MONOTONIC;

static double now(void)
{
	struct timespec t;

	clock_gettime(bench_clock, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double wall(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ---- the limit: Unicorn alone ---- */

struct bare {
	uint64_t smcs;
	bool mmio;
};

static void bare_block(uc_engine *uc, uint64_t addr, uint32_t size, void *data)
{
	(void)uc, (void)addr, (void)size, (void)data;
}

static void bare_intr(uc_engine *uc, uint32_t intno, void *data)
{
	struct bare *b = data;
	uint64_t x0;

	(void)intno;
	uc_reg_read(uc, UC_ARM64_REG_X0, &x0);
	if (x0 == 0x84000008) {
		uc_emu_stop(uc);
		return;
	}
	b->smcs++;
	x0 = 0; /* the least an SMC handler does: a result */
	uc_reg_write(uc, UC_ARM64_REG_X0, &x0);
}

static uint64_t bare_mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *data)
{
	(void)uc, (void)off, (void)size, (void)data;
	return 0;
}

static void bare_mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *data)
{
	(void)uc, (void)off, (void)size, (void)v, (void)data;
}

static double bare_run(const uint32_t *prog, size_t len, uint64_t iters, uint64_t x1,
		       bool block_hook)
{
	uint8_t *ram = aligned_alloc(4096, 2 * MiB);
	struct bare b = { 0 };
	uc_engine *uc;
	uc_hook h;
	double t;

	memset(ram, 0, 2 * MiB);
	memcpy(ram, prog, len);
	uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc);
	uc_mem_map_ptr(uc, RAM_GPA, 2 * MiB, UC_PROT_ALL, ram);
	uc_mmio_map(uc, 0x0a000000, 4096, bare_mmio_read, NULL, bare_mmio_write, NULL);
	uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)bare_intr, &b, 1, 0);
	if (block_hook)
		uc_hook_add(uc, &h, UC_HOOK_BLOCK, (void *)bare_block, NULL, 1, 0);
	uc_reg_write(uc, UC_ARM64_REG_X0, &iters);
	uc_reg_write(uc, UC_ARM64_REG_X1, &x1);
	t = now();
	uc_emu_start(uc, RAM_GPA, 1, 0, 0);
	t = now() - t;
	uc_close(uc);
	free(ram);
	return t;
}

/* ---- the same program as a realm, through the KVM ABI ---- */

static double realm_run(struct rk_host *h, const uint32_t *prog, size_t len, uint64_t iters,
			uint64_t x1, uint64_t *mmio_exits)
{
	uint8_t *img = aligned_alloc(4096, 4096);
	struct kvm_run *run;
	struct vmm v;
	double t = -1;

	memset(img, 0, 4096);
	memcpy(img, prog, len);
	*mmio_exits = 0;
	if (vmm_open(&v, h, 33) || vmm_add_ram(&v, RAM_GPA, 2 * MiB) || vmm_add_vcpu(&v) < 0 ||
	    vmm_add_vgic(&v, 0) < 0 || vmm_set_reg(&v, 0, KVM_REG_ARM64_PC, RAM_GPA) ||
	    vmm_set_reg(&v, 0, KVM_REG_ARM64_X(0), iters) ||
	    vmm_set_reg(&v, 0, KVM_REG_ARM64_X(1), x1) ||
	    vmm_populate(&v, RAM_GPA, img, 4096, true) < 1)
		goto out;
	run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v.vcpu[0], 0);
	if (run == MAP_FAILED)
		goto out;
	t = now();
	for (;;) {
		if (rk_ioctl(h, v.vcpu[0], KVM_RUN, 0)) {
			fprintf(stderr, "KVM_RUN: %s\n", strerror(errno));
			t = -1;
			break;
		}
		if (run->exit_reason == KVM_EXIT_MMIO) {
			(*mmio_exits)++;
			continue;
		}
		if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT) {
			t = now() - t;
			break;
		}
		fprintf(stderr, "unexpected exit %u\n", run->exit_reason);
		t = -1;
		break;
	}
	munmap(run, 4096);
out:
	vmm_close(&v);
	rk_host_reap(h);
	free(img);
	return t;
}

/*
 * Interrupt round trips with the irqbench guest (guests/irqbench.c): the
 * time between its phase markers over its 2000 iterations.  @per[0] timer
 * (virtual timer due at once -> IRQ exit -> KVM sets PPI 27 -> list register
 * -> vIRQ -> IAR1/EOIR1 -> maintenance exit), @per[1] SPI (doorbell MMIO
 * exit -> VMM KVM_IRQ_LINE -> list register -> vIRQ -> IAR1/EOIR1).
 */
#define IRQBENCH_N 2000

static bool irq_run(struct rk_host *h, double per[2])
{
	double mark[4] = { 0 };
	struct kvm_run *run;
	struct vmm v;
	char path[512];
	uint8_t *img = aligned_alloc(4096, 64 << 10);
	size_t len;
	FILE *f;
	bool ok = false;

	snprintf(path, sizeof(path), "%s/irqbench.bin", REALMKIT_GUESTS_DIR);
	f = fopen(path, "rb");
	memset(img, 0, 64 << 10);
	len = f ? fread(img, 1, 64 << 10, f) : 0;
	if (f)
		fclose(f);
	if (!len || vmm_open(&v, h, 33) || vmm_add_ram(&v, RAM_GPA, 2 * MiB) ||
	    vmm_add_vcpu(&v) < 0 || vmm_add_vgic(&v, 0) < 0 ||
	    vmm_set_reg(&v, 0, KVM_REG_ARM64_PC, RAM_GPA) ||
	    vmm_populate(&v, RAM_GPA, img, (len + 4095) & ~4095UL, true) < 1)
		goto out;
	run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v.vcpu[0], 0);
	if (run == MAP_FAILED)
		goto out;
	for (;;) {
		if (rk_ioctl(h, v.vcpu[0], KVM_RUN, 0)) {
			fprintf(stderr, "KVM_RUN: %s\n", strerror(errno));
			break;
		}
		if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.is_write) {
			uint64_t a = run->mmio.phys_addr;

			if (a == 0x0a000200) {
				struct kvm_irq_level l = { .irq = KVM_ARM_IRQ_TYPE_SPI
								  << KVM_ARM_IRQ_TYPE_SHIFT |
							  run->mmio.data[0], .level = 1 };

				rk_ioctl(h, v.vm, KVM_IRQ_LINE, &l);
				l.level = 0;
				rk_ioctl(h, v.vm, KVM_IRQ_LINE, &l);
			} else if (a == 0x0a000300 && run->mmio.data[0] < 4) {
				mark[run->mmio.data[0]] = now();
			}
			continue;
		}
		if (run->exit_reason == KVM_EXIT_MMIO)
			continue;
		ok = run->exit_reason == KVM_EXIT_SYSTEM_EVENT && mark[3] > 0;
		break;
	}
	per[0] = (mark[2] - mark[1]) / IRQBENCH_N;
	per[1] = (mark[3] - mark[2]) / IRQBENCH_N;
	munmap(run, 4096);
out:
	vmm_close(&v);
	rk_host_reap(h);
	free(img);
	return ok;
}

/* ---- scaling with vCPU threads: one realm, @n vCPUs, one thread each ---- */

/*
 * The RSI and MMIO loops of p_rsi/p_mmio between two stores: to done + 8
 * before the loop (the thread then waits until every vCPU is there) and to
 * "done" after it (the thread stops), both in x4 and both MMIO exits; not
 * SYSTEM_OFF, which would stop the other vCPUs too.  (x4: RSI_VERSION returns
 * in x1..x3, and a REC starts with only x0..x7 set.)
 */
static const uint32_t p_rsi_n[] = { 0xaa0003f4, 0xf9000494, 0xd2803200, 0xf2b88000, 0xd2800001,
				    0xf2a00021, 0xd4000003, 0xf1000694, 0x54ffff41, 0xf9000094,
				    0x14000000 };
static const uint32_t p_mmio_n[] = { 0xaa0003f4, 0xf9000494, 0xf9000034, 0xf1000694,
				     0x54ffffc1, 0xf9000094, 0x14000000 };

/*
 * vCPU 0 starts the others (only it is runnable, as in v14): PSCI CPU_ON for
 * MPIDR 1..x5 at the worker (x7) with context ID = the iteration count, then
 * runs the worker itself with x0 and x1 as it got them.  The worker (p_rsi_n
 * or p_mmio_n) follows at word 15.
 */
static const uint32_t p_boot[15] = { 0xaa0003f4, 0xaa0103f5, 0xd2800026, 0xb4000185, 0xd2800060,
				      0xf2b88000, 0xaa0603e1, 0xaa0703e2, 0xaa1403e3, 0xd4000003,
				      0x910004c6, 0xf10004a5, 0x54ffff01, 0xaa1403e0, 0xaa1503e1 };

struct vcpu_thread {
	struct rk_host *h;
	int fd;
	uint64_t done_gpa, exits;
	pthread_barrier_t *ready;
	int err;
};

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *t = arg;
	struct kvm_run *run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, 0);
	bool started = false;

	if (run == MAP_FAILED) {
		t->err = errno;
		pthread_barrier_wait(t->ready);
		return NULL;
	}
	for (;;) {
		if (rk_ioctl(t->h, t->fd, KVM_RUN, 0)) {
			if (errno == EINTR)
				continue;
			t->err = errno;
			break;
		}
		if (run->exit_reason != KVM_EXIT_MMIO) {
			t->err = EPROTO;
			break;
		}
		if (run->mmio.phys_addr == t->done_gpa + 8 && !started) {
			started = true;
			pthread_barrier_wait(t->ready);
			continue;
		}
		if (run->mmio.phys_addr == t->done_gpa)
			break;
		t->exits++;
	}
	if (!started)
		pthread_barrier_wait(t->ready);
	munmap(run, 4096);
	return NULL;
}

/* Wall time for @n vCPUs each running @prog for @iters iterations at once. */
/* CPU time of the process and voluntary context switches (sleeps on a lock, a poll...). */
struct usage {
	double cpu;
	long sleeps;
};

static struct usage usage_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (struct usage){ (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
				       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6,
			       ru.ru_nvcsw };
}

/*
 * Wall time for @n vCPUs each running @prog for @iters iterations at once;
 * *@u gets the CPU time and sleeps of the timed part.
 */
static double realm_run_n(struct rk_host *h, unsigned n, const uint32_t *prog, size_t len,
			  uint64_t iters, uint64_t x1, uint64_t done, struct usage *u)
{
	struct usage u0;
	uint8_t *img = aligned_alloc(4096, 4096);
	struct vcpu_thread th[8];
	pthread_barrier_t ready;
	pthread_t tid[8];
	struct vmm v;
	double t = -1;

	memset(img, 0, 4096);
	memcpy(img, p_boot, sizeof(p_boot));
	memcpy(img + sizeof(p_boot), prog, len);
	if (vmm_open(&v, h, 33) || vmm_add_ram(&v, RAM_GPA, 2 * MiB))
		goto out;
	for (unsigned i = 0; i < n; i++)
		if (vmm_add_vcpu(&v) < 0 || vmm_set_reg(&v, i, KVM_REG_ARM64_PC, RAM_GPA) ||
		    vmm_set_reg(&v, i, KVM_REG_ARM64_X(0), iters) ||
		    vmm_set_reg(&v, i, KVM_REG_ARM64_X(1), x1) ||
		    vmm_set_reg(&v, i, KVM_REG_ARM64_X(4), done) ||
		    vmm_set_reg(&v, i, KVM_REG_ARM64_X(5), i == 0 ? n - 1 : 0) ||
		    vmm_set_reg(&v, i, KVM_REG_ARM64_X(7), RAM_GPA + sizeof(p_boot)))
			goto out;
	if (vmm_add_vgic(&v, 0) < 0 || vmm_populate(&v, RAM_GPA, img, 4096, true) < 1)
		goto out;
	pthread_barrier_init(&ready, NULL, n + 1);
	for (unsigned i = 0; i < n; i++) {
		th[i] = (struct vcpu_thread){ .h = h, .fd = v.vcpu[i],
					      .done_gpa = done & ((1ULL << 32) - 1),
					      .ready = &ready };
		pthread_create(&tid[i], NULL, vcpu_main, &th[i]);
	}
	/* Every vCPU has entered the realm once (its PE exists): the clock starts. */
	pthread_barrier_wait(&ready);
	u0 = usage_now();
	t = wall();
	for (unsigned i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	t = wall() - t;
	*u = usage_now();
	u->cpu -= u0.cpu;
	u->sleeps -= u0.sleeps;
	pthread_barrier_destroy(&ready);
	for (unsigned i = 0; i < n; i++)
		if (th[i].err) {
			fprintf(stderr, "vCPU %u: %s\n", i, strerror(th[i].err));
			t = -1;
		}
out:
	vmm_close(&v);
	rk_host_reap(h);
	free(img);
	return t;
}

static void scaling(struct rk_host *h, unsigned runs, uint64_t trips)
{
	const uint64_t shared = 1ULL << 32, done = shared | 0x0b000000ULL;

	printf("\nvCPU threads in one realm (each its own loop; %u cores here); runs of 1, 2 and 4\n"
	       "vCPUs interleaved; cpu: CPU time of the process per op, sleeps: voluntary\n"
	       "context switches per op (both of the median run)\n",
	       (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	for (unsigned k = 0; k < 2; k++) {
		const char *what = k ? "MMIO exit to the VMM" : "RSI call in the RMM";
		struct series sr[3] = { 0 };
		struct usage u[3][SERIES_MAX];
		double one = 0;

		for (unsigned i = 0; i < runs; i++)
			for (unsigned l = 0; l < 3; l++) {
				unsigned n = 1U << l;

				series_add(&sr[l], k ? realm_run_n(h, n, p_mmio_n, sizeof(p_mmio_n),
								   trips, shared | 0x0a000000ULL,
								   done, &u[l][i])
						     : realm_run_n(h, n, p_rsi_n, sizeof(p_rsi_n),
								   trips, 0, done, &u[l][i]));
			}
		for (unsigned l = 0; l < 3; l++) {
			unsigned n = 1U << l, med = 0;
			double r = series_median(&sr[l]), ops = (double)(n * trips);

			for (unsigned i = 0; i < runs; i++)
				if (sr[l].v[i] == r)
					med = i;
			if (n == 1)
				one = r;
			printf("%-20s %u vCPU%s %7.3f us/op per vCPU  aggregate %6.3f Mop/s (%.2fx of 1)"
			       "  cpu %.2f us/op  sleeps %.3f/op\n", what, n, n > 1 ? "s" : " ",
			       r * 1e6 / (double)trips, ops / r / 1e6, one / r * n,
			       u[l][med].cpu * 1e6 / ops, (double)u[l][med].sleeps / ops);
		}
	}
}

/*
 * One line: the realm against the bare emulator (the limit), and the bare
 * emulator with an empty block hook (what any per-block hook costs).
 */
static void report(const char *what, struct series *bare, struct series *hooked,
		   struct series *realm, uint64_t n, const char *unit, bool per_op)
{
	double b = series_median(bare), k = series_median(hooked), r = series_median(realm);

	if (per_op)
		printf("%-26s realm %7.3f us/%s [%.3f..%.3f]  bare %7.3f  bare+block hook %7.3f"
		       "  realm/bare time %.2fx\n",
		       what, r * 1e6 / (double)n, unit, series_min(realm) * 1e6 / (double)n,
		       series_max(realm) * 1e6 / (double)n, b * 1e6 / (double)n,
		       k * 1e6 / (double)n, r / b);
	else
		printf("%-26s realm %7.1f M%s/s [%.1f..%.1f]  bare %7.1f  bare+block hook %7.1f"
		       " (%.2fx)  realm/bare speed %.2fx\n",
		       what, (double)n / r / 1e6, unit, (double)n / series_max(realm) / 1e6,
		       (double)n / series_min(realm) / 1e6, (double)n / b / 1e6,
		       (double)n / k / 1e6, b / k, b / r);
}

struct workload {
	const char *name, *what, *unit;
	const uint32_t *prog;
	size_t len;
	bool trips; /* a round trip per iteration (else a loop of @insns instructions) */
	unsigned insns;
	uint64_t bare_x1, realm_x1;
};

/* The realm and the two bare variants, interleaved run by run; returns the realm's median. */
static double measure(struct rk_host *h, const struct workload *w, unsigned runs, uint64_t n)
{
	struct series sb = { 0 }, sk = { 0 }, sr = { 0 };
	uint64_t exits = 0;

	for (unsigned i = 0; i < runs; i++) {
		series_add(&sb, bare_run(w->prog, w->len, n, w->bare_x1, false));
		series_add(&sk, bare_run(w->prog, w->len, n, w->bare_x1, true));
		series_add(&sr, realm_run(h, w->prog, w->len, n, w->realm_x1, &exits));
	}
	if (w->trips)
		report(w->what, &sb, &sk, &sr, n, w->unit, true);
	else
		report(w->what, &sb, &sk, &sr, n * w->insns, w->unit, false);
	if (w->realm_x1 >> 32 && exits != n)
		printf("(unexpected: %llu MMIO exits for %llu stores)\n", (unsigned long long)exits,
		       (unsigned long long)n);
	return series_median(&sr);
}

static bool wanted(int argc, char **argv, const char *name)
{
	bool any = false;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		any = true;
		if (!strcmp(argv[i], name))
			return true;
	}
	return !any;
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	unsigned runs = quick ? 1 : 5;
	uint64_t big = quick ? 100000 : 40000000, trips = quick ? 1000 : 200000;
	struct rk_host *h = rk_host_create(&(struct rk_host_config){ .dram_size = 256 * MiB });
	const uint64_t mmio = 0x0a000000ULL | (1ULL << 32); /* the unprotected alias, IPA 33 */
	const struct workload loads[] = {
		{ "compute", "compute (5 insns/iter)", "insn", p_compute, sizeof(p_compute), false,
		  5, 0, 0 },
		{ "memory", "load/store (7 insns/iter)", "insn", p_memory, sizeof(p_memory), false,
		  7, RAM_GPA + MiB, RAM_GPA + MiB },
		{ "rsi", "RSI call in the RMM", "call", p_rsi, sizeof(p_rsi), true, 0, 0, 0 },
		{ "mmio", "MMIO exit to the VMM", "exit", p_mmio, sizeof(p_mmio), true, 0,
		  0x0a000000, mmio },
	};
	double mmio_rt = 0;
	double load[3];

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--cpu"))
			bench_clock = CLOCK_PROCESS_CPUTIME_ID;
		else if (!strncmp(argv[i], "--runs=", 7)) {
			runs = (unsigned)atoi(argv[i] + 7);
			if (runs < 1 || runs > SERIES_MAX) {
				fprintf(stderr, "bench_run: --runs must be 1..%d\n", SERIES_MAX);
				return 2;
			}
		}
	if (!h)
		return 1;
	if (getloadavg(load, 3) == 3)
		printf("load average at start: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
	for (unsigned i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
		const struct workload *w = &loads[i];
		bool need = wanted(argc, argv, w->name) ||
			    (!strcmp(w->name, "mmio") && wanted(argc, argv, "irq"));
		double r;

		if (!need)
			continue;
		r = measure(h, w, runs, w->trips ? trips : big);
		if (!strcmp(w->name, "mmio"))
			mmio_rt = r / (double)trips;
	}
	if (wanted(argc, argv, "irq")) {
		/* Interrupt round trips, against the MMIO round trip just measured (the limit). */
		struct series st = { 0 }, ss = { 0 };
		double per[2];

		for (unsigned i = 0; i < runs; i++) {
			if (!irq_run(h, per)) {
				printf("irqbench failed\n");
				rk_host_destroy(h);
				return 1;
			}
			series_add(&st, per[0]);
			series_add(&ss, per[1]);
		}
		printf("%-26s realm %7.3f us/irq [%.3f..%.3f]  = %.2fx the MMIO round trip\n",
		       "virtual timer IRQ", series_median(&st) * 1e6, series_min(&st) * 1e6,
		       series_max(&st) * 1e6, series_median(&st) / mmio_rt);
		printf("%-26s realm %7.3f us/irq [%.3f..%.3f]  = %.2fx the MMIO round trip\n",
		       "SPI via KVM_IRQ_LINE", series_median(&ss) * 1e6, series_min(&ss) * 1e6,
		       series_max(&ss) * 1e6, series_median(&ss) / mmio_rt);
	}
	if (wanted(argc, argv, "scaling"))
		scaling(h, runs, quick ? 5000 : trips / 4);
	if (getloadavg(load, 3) == 3)
		printf("load average at end: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
	rk_host_destroy(h);
	return 0;
}
