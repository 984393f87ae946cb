// SPDX-License-Identifier: MIT
/*
 * The running realm: guest instructions per second inside a realm (KVM_RUN
 * -> REC_ENTER -> the PE) against Unicorn running the same code with nothing
 * around it, in the same run; and the cost of a round trip guest SMC -> RMM
 * -> guest (RSI_VERSION, served in the RMM) and guest MMIO store -> REC exit
 * -> KVM_EXIT_MMIO -> VMM -> re-entry, against the bare emulator trapping the
 * same instruction.  Median of 5 runs [min..max].  docs/PERFORMANCE.md.
 *
 *	bench_run [--quick]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
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

static double now(void)
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

static double bare_run(const uint32_t *prog, size_t len, uint64_t iters, uint64_t x1)
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

static void report(const char *what, struct series *bare, struct series *realm, uint64_t n,
		   const char *unit, bool per_op)
{
	double b = series_median(bare), r = series_median(realm);

	if (per_op)
		printf("%-28s realm %8.3f us/%s [%.3f..%.3f]  bare %8.3f us/%s  realm/bare time %.2fx\n",
		       what, r * 1e6 / (double)n, unit, series_min(realm) * 1e6 / (double)n,
		       series_max(realm) * 1e6 / (double)n, b * 1e6 / (double)n, unit, r / b);
	else
		printf("%-28s realm %8.1f M%s/s [%.1f..%.1f]  bare %8.1f M%s/s  realm/bare speed %.2fx\n",
		       what, (double)n / r / 1e6, unit, (double)n / series_max(realm) / 1e6,
		       (double)n / series_min(realm) / 1e6, (double)n / b / 1e6, unit, b / r);
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	unsigned runs = quick ? 1 : 5;
	uint64_t big = quick ? 100000 : 40000000, trips = quick ? 1000 : 200000;
	struct rk_host *h = rk_host_create(&(struct rk_host_config){ .dram_size = 256 * MiB });
	const uint64_t mmio = 0x0a000000ULL | (1ULL << 32); /* the unprotected alias, IPA 33 */
	struct series sb = { 0 }, sr = { 0 };
	uint64_t exits = 0;

	for (unsigned i = 0; i < runs; i++) {
		series_add(&sb, bare_run(p_compute, sizeof(p_compute), big, 0));
		series_add(&sr, realm_run(h, p_compute, sizeof(p_compute), big, 0, &exits));
	}
	report("compute (5 insns/iter)", &sb, &sr, big * 5, "insn", false);

	memset(&sb, 0, sizeof(sb));
	memset(&sr, 0, sizeof(sr));
	for (unsigned i = 0; i < runs; i++) {
		series_add(&sb, bare_run(p_memory, sizeof(p_memory), big, RAM_GPA + MiB));
		series_add(&sr, realm_run(h, p_memory, sizeof(p_memory), big, RAM_GPA + MiB, &exits));
	}
	report("load/store (7 insns/iter)", &sb, &sr, big * 7, "insn", false);

	memset(&sb, 0, sizeof(sb));
	memset(&sr, 0, sizeof(sr));
	for (unsigned i = 0; i < runs; i++) {
		series_add(&sb, bare_run(p_rsi, sizeof(p_rsi), trips, 0));
		series_add(&sr, realm_run(h, p_rsi, sizeof(p_rsi), trips, 0, &exits));
	}
	report("RSI call in the RMM", &sb, &sr, trips, "call", true);

	memset(&sb, 0, sizeof(sb));
	memset(&sr, 0, sizeof(sr));
	for (unsigned i = 0; i < runs; i++) {
		series_add(&sb, bare_run(p_mmio, sizeof(p_mmio), trips, 0x0a000000));
		series_add(&sr, realm_run(h, p_mmio, sizeof(p_mmio), trips, mmio, &exits));
	}
	report("MMIO exit to the VMM", &sb, &sr, trips, "exit", true);
	if (exits != trips)
		printf("(unexpected: %llu MMIO exits for %llu stores)\n", (unsigned long long)exits,
		       (unsigned long long)trips);

	{
		/* Interrupt round trips, against the MMIO round trip just measured (the limit). */
		struct series st = { 0 }, ss = { 0 };
		double per[2], mmio_rt = series_median(&sr) / (double)trips;

		for (unsigned i = 0; i < runs; i++) {
			if (!irq_run(h, per)) {
				printf("irqbench failed\n");
				rk_host_destroy(h);
				return 1;
			}
			series_add(&st, per[0]);
			series_add(&ss, per[1]);
		}
		printf("%-28s realm %8.3f us/irq [%.3f..%.3f]  = %.2fx the MMIO round trip\n",
		       "virtual timer IRQ", series_median(&st) * 1e6, series_min(&st) * 1e6,
		       series_max(&st) * 1e6, series_median(&st) / mmio_rt);
		printf("%-28s realm %8.3f us/irq [%.3f..%.3f]  = %.2fx the MMIO round trip\n",
		       "SPI via KVM_IRQ_LINE", series_median(&ss) * 1e6, series_min(&ss) * 1e6,
		       series_max(&ss) * 1e6, series_median(&ss) / mmio_rt);
	}
	rk_host_destroy(h);
	return 0;
}
