// SPDX-License-Identifier: MIT
/*
 * Where kvmtool and QEMU put a realm's images and what they measure, as
 * veraison/cca-realm-measurements (commit 08aaf5a, June 2026) models them
 * for RMM 1.0: kvmtool's CCA branch (`lkvm run --realm`, arm64, RAM at
 * 2 GiB) and QEMU's virt machine with the rme-guest object (RAM at 1 GiB).
 * The measured order is theirs: REALM_CREATE, RIPAS RAM over all of RAM
 * (before anything is loaded), the images in ascending IPA, the REC of
 * vCPU 0, then the unmeasured event-log area.  docs/MEASURE.md has the
 * numbers and where they come from.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "measure/spec.h"
#include "measure/vmmdtb.h"
#include "realmkit/rmi.h"

#define KIB (1ULL << 10)
#define MIB (1ULL << 20)

#define ARM64_IMAGE_MAGIC 0x644d5241U /* "ARM\x64" at offset 56 */

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* text_offset and image_size from an arm64 Image header. */
static int kernel_header(const char *path, uint64_t *text_offset, uint64_t *image_size,
			 char *err, size_t errlen)
{
	uint8_t h[64];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		snprintf(err, errlen, "kernel: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(h, 1, sizeof(h), f);
	fclose(f);
	if (n < sizeof(h) || (uint32_t)le64(h + 56) != ARM64_IMAGE_MAGIC) {
		snprintf(err, errlen, "kernel: %s is not an arm64 Image (no 'ARM\\x64' magic at "
				      "offset 56; compressed kernels are not supported)", path);
		return -1;
	}
	*text_offset = le64(h + 8);
	*image_size = le64(h + 16);
	return 0;
}

static int file_size(const char *what, const char *path, uint64_t *size, char *err,
		     size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: cannot open %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || !st.st_size) {
		snprintf(err, errlen, "%s: %s is not a non-empty regular file", what, path);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

static int write_file(const char *path, const void *p, size_t n, char *err, size_t errlen)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, n, f) != n) {
		snprintf(err, errlen, "--dump-dtb: cannot write %s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (fclose(f)) {
		snprintf(err, errlen, "--dump-dtb: cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

struct blob {
	const char *name, *path;
	uint64_t addr;
	const void *data; /* instead of @path: @len bytes the spec owns */
	uint64_t len;
};

/* A measured region of in-memory bytes at a granule-aligned @b->addr. */
static int add_data(struct rkm_spec *s, const struct blob *b, char *err, size_t errlen)
{
	struct rkm_region r = { .name = rkm_spec_str(s, b->name), .data = b->data,
				.length = b->len, .ipa = b->addr, .measured = true };
	struct rkm_step st = { .type = RKM_STEP_DATA };
	int idx;

	r.size = (b->len + RKM_GRANULE - 1) / RKM_GRANULE * RKM_GRANULE;
	idx = rkm_spec_add_region(s, &r);
	if (!r.name || idx < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	st.region = (unsigned)idx;
	if (rkm_spec_add_step(s, &st) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int blob_cmp(const void *a, const void *b)
{
	const struct blob *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* RIPAS over RAM, the blobs in ascending address, the REC, the unmeasured log. */
static int finish(struct rkm_spec *s, uint64_t ram, uint64_t mem, struct blob *b, unsigned nb,
		  uint64_t pc, uint64_t x0, uint64_t log_base, uint64_t log_size, char *err,
		  size_t errlen)
{
	struct rkm_step st = { .type = RKM_STEP_RIPAS, .base = ram, .top = ram + mem };

	if (rkm_spec_add_step(s, &st) < 0)
		goto oom;
	qsort(b, nb, sizeof(*b), blob_cmp);
	for (unsigned i = 0; i < nb; i++)
		if (b[i].data ? add_data(s, &b[i], err, errlen) < 0
			      : rkm_spec_add_file(s, b[i].name, b[i].path, b[i].addr, true, err,
						  errlen) < 0)
			return -1;
	memset(&st, 0, sizeof(st));
	st.type = RKM_STEP_REC;
	st.runnable = true;
	st.pc = pc;
	st.gprs[0] = x0;
	if (rkm_spec_add_step(s, &st) < 0)
		goto oom;
	if (log_size) {
		struct rkm_region r = { .name = rkm_spec_str(s, "event log"), .ipa = log_base,
					.size = log_size };
		int idx = rkm_spec_add_region(s, &r);

		memset(&st, 0, sizeof(st));
		st.type = RKM_STEP_DATA;
		st.region = (unsigned)idx;
		if (idx < 0 || rkm_spec_add_step(s, &st) < 0)
			goto oom;
	}
	return rkm_validate(&s->l, err, errlen);
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/*
 * The IPA width kvmtool gives a realm: one bit more than the highest set bit
 * of RAM's last byte, at least 33 (cca-realm-measurements' kvmtool.rs).  A
 * host's --ipa-bits is a limit: kvmtool cannot start with less.
 */
static int kvmtool_ipa_bits(const struct rkm_vmm_args *a, uint64_t last, unsigned *bits,
			    char *err, size_t errlen)
{
	unsigned hi = 63 - (unsigned)__builtin_clzll(last);

	*bits = (hi > 32 ? hi : 32) + 1;
	if (a->ipa_bits_given && a->params.ipa_bits < *bits) {
		snprintf(err, errlen, "kvmtool: RAM up to 0x%" PRIx64 " needs %u IPA bits; "
				      "--ipa-bits %u is less", last, *bits, a->params.ipa_bits);
		return -1;
	}
	return 0;
}

int rkm_layout_kvmtool(const struct rkm_vmm_args *a, struct rkm_spec *s, char *err, size_t errlen)
{
	const uint64_t ram = 0x80000000ULL, fdt_limit = ram + 256 * MIB;
	const uint64_t fdt_align = 2 * MIB, fdt_size = RKM_KVMTOOL_DTB_SIZE, log_size = 64 * KIB;
	struct rkm_kvmtool_dtb gen = { .cpus = a->cpus ? a->cpus : 1, .mem_base = ram,
				       .mem_size = a->mem, .params = a->params_str, .its = true };
	struct blob b[4];
	unsigned nb = 0;
	uint64_t dtb_base, pc = 0, log_base = 0, sz, text, isz;

	snprintf(s->vmm, sizeof(s->vmm), "kvmtool");
	s->l.params = a->params;
	if (!a->mem || a->mem % (2 * MIB)) {
		snprintf(err, errlen, "kvmtool: --mem is needed, a multiple of 2 MiB");
		return -1;
	}
	if (kvmtool_ipa_bits(a, ram + a->mem - 1, &s->l.params.ipa_bits, err, errlen) < 0)
		return -1;
	/* The DTB sits in the last 2 MiB-aligned slot below min(end of RAM, RAM + 256 MiB). */
	dtb_base = ram + a->mem < fdt_limit ? ram + a->mem : fdt_limit;
	if (a->measurement_log) {
		dtb_base -= log_size;
		log_base = dtb_base;
		gen.log_base = log_base;
		gen.log_size = log_size;
	}
	dtb_base = align_up(dtb_base - (fdt_align + fdt_size), fdt_align);
	if (a->kernel) {
		if (kernel_header(a->kernel, &text, &isz, err, errlen) < 0)
			return -1;
		pc = ram;
		b[nb++] = (struct blob){ "kernel", a->kernel, ram + text, NULL, 0 };
	}
	if (a->initrd) {
		if (file_size("initrd", a->initrd, &sz, err, errlen) < 0)
			return -1;
		if (sz + 4 > dtb_base - ram) {
			snprintf(err, errlen, "initrd: %" PRIu64 " bytes do not fit below the DTB at "
					      "0x%" PRIx64, sz, dtb_base);
			return -1;
		}
		/* Just below the DTB, 4-byte aligned: not page aligned (zero-padded pages). */
		gen.initrd_base = align_up(dtb_base - sz - 4, 4);
		gen.initrd_size = sz;
		b[nb++] = (struct blob){ "initrd", a->initrd, gen.initrd_base, NULL, 0 };
	}
	if (a->firmware) {
		pc = ram;
		b[nb++] = (struct blob){ "firmware", a->firmware, ram, NULL, 0 };
	}
	/* Neither kernel nor firmware: the model still measures the DTB and a REC at PC 0. */
	if (a->dtb) {
		if (file_size("dtb", a->dtb, &sz, err, errlen) < 0)
			return -1;
		if (sz > fdt_size) {
			snprintf(err, errlen, "dtb: %" PRIu64 " bytes is more than kvmtool's 64 KiB",
				 sz);
			return -1;
		}
		b[nb++] = (struct blob){ "dtb", a->dtb, dtb_base, NULL, 0 };
	} else {
		uint8_t *dtb;

		if (rkm_kvmtool_dtb(&gen, &dtb, err, errlen) < 0 || rkm_spec_own(s, dtb) < 0) {
			if (!*err)
				snprintf(err, errlen, "out of memory");
			return -1;
		}
		b[nb++] = (struct blob){ "dtb (generated)", NULL, dtb_base, dtb, fdt_size };
		if (a->dump_dtb && write_file(a->dump_dtb, dtb, fdt_size, err, errlen) < 0)
			return -1;
	}
	return finish(s, ram, a->mem, b, nb, pc, dtb_base, log_base,
		      a->measurement_log ? log_size : 0, err, errlen);
}

/*
 * QEMU virt's high memory map above RAM (no hotplug memory): the extra
 * redistributors at 256 GiB at the lowest, then the high PCI ECAM and MMIO
 * windows, each aligned to its size; the IPA width is two more than the
 * highest set bit of where they end (one for the width, one for the realm's
 * unprotected half), as cca-realm-measurements' qemu.rs computes it.
 */
static int qemu_memmap(const struct rkm_vmm_args *a, uint64_t ram, struct rkm_qemu_dtb *g,
		       unsigned *bits, char *err, size_t errlen)
{
	const uint64_t gib = 1ULL << 30;
	uint64_t addr = align_up(ram + a->mem, gib);

	if (addr < 256 * gib)
		addr = 256 * gib;
	g->high_redist = align_up(addr, 64 * MIB);
	addr += 64 * MIB;
	g->high_pci_cfg = align_up(addr, 256 * MIB);
	addr += 256 * MIB;
	g->high_pci_mmio = align_up(addr, 512 * gib);
	addr += 512 * gib;
	*bits = 63 - (unsigned)__builtin_clzll(addr) + 2;
	if (a->ipa_bits_given && a->params.ipa_bits < *bits) {
		snprintf(err, errlen, "qemu: its memory map up to 0x%" PRIx64 " needs %u IPA bits; "
				      "--ipa-bits %u is less", addr, *bits, a->params.ipa_bits);
		return -1;
	}
	return 0;
}

int rkm_layout_qemu(const struct rkm_vmm_args *a, struct rkm_spec *s, char *err, size_t errlen)
{
	const uint64_t ram = 0x40000000ULL, dtb_max = RKM_QEMU_DTB_MAX, log_size = 64 * KIB;
	struct rkm_qemu_dtb gen = { .cpus = a->cpus ? a->cpus : 1, .mem_base = ram,
				    .mem_size = a->mem, .bootargs = a->params_str, .its = true,
				    .pmu = !!(a->params.flags & RMI_REALM_FLAGS_PMU) };
	struct blob b[4];
	unsigned nb = 0;
	uint64_t dtb = ram, pc = ram, x0 = ram, text, isz, sz;

	snprintf(s->vmm, sizeof(s->vmm), "qemu");
	s->l.params = a->params;
	if (!a->mem || a->mem % (2 * MIB)) {
		snprintf(err, errlen, "qemu: --mem is needed, a multiple of 2 MiB");
		return -1;
	}
	if (qemu_memmap(a, ram, &gen, &s->l.params.ipa_bits, err, errlen) < 0)
		return -1;
	if (a->kernel && a->firmware) {
		snprintf(err, errlen, "qemu: with firmware, QEMU passes the kernel and initrd "
				      "through fw_cfg (REMs), which is not modelled");
		return -1;
	}
	if (a->initrd && !a->kernel) {
		snprintf(err, errlen, "qemu: --initrd needs --kernel (QEMU loads it for the kernel)");
		return -1;
	}
	if (a->kernel) {
		uint64_t kstart, load, initrd;

		if (kernel_header(a->kernel, &text, &isz, err, errlen) < 0 ||
		    file_size("kernel", a->kernel, &sz, err, errlen) < 0)
			return -1;
		kstart = ram + text;
		load = isz ? isz : sz;
		b[nb++] = (struct blob){ "kernel", a->kernel, kstart, NULL, 0 };
		/* The initrd at half of RAM (at most 128 MiB in), above the kernel's image. */
		initrd = ram + (a->mem / 2 < 128 * MIB ? a->mem / 2 : 128 * MIB);
		if (initrd < kstart + load)
			initrd = kstart + load;
		initrd = align_up(initrd, 4 * KIB);
		sz = 0;
		if (a->initrd) {
			if (file_size("initrd", a->initrd, &sz, err, errlen) < 0)
				return -1;
			b[nb++] = (struct blob){ "initrd", a->initrd, initrd, NULL, 0 };
			gen.initrd_base = initrd;
			gen.initrd_size = sz;
		}
		dtb = align_up(initrd + sz, 2 * MIB);
		x0 = dtb;
	} else if (a->firmware) {
		/* The firmware in flash at 0 starts with x0 = 0 and finds the DTB at RAM's start. */
		b[nb++] = (struct blob){ "firmware", a->firmware, 0, NULL, 0 };
		pc = 0;
		x0 = 0;
	}
	/* Neither kernel nor firmware: the model still measures the DTB and the REC. */
	if (a->measurement_log) {
		gen.log_base = dtb + dtb_max;
		gen.log_size = log_size;
	}
	if (a->dtb) {
		if (file_size("dtb", a->dtb, &sz, err, errlen) < 0)
			return -1;
		if (sz > dtb_max) {
			snprintf(err, errlen, "dtb: %" PRIu64 " bytes is more than QEMU's 1 MiB", sz);
			return -1;
		}
		b[nb++] = (struct blob){ "dtb", a->dtb, dtb, NULL, 0 };
	} else {
		uint8_t *blob;
		size_t len;

		if (rkm_qemu_dtb(&gen, &blob, &len, err, errlen) < 0 || rkm_spec_own(s, blob) < 0) {
			if (!*err)
				snprintf(err, errlen, "out of memory");
			return -1;
		}
		b[nb++] = (struct blob){ "dtb (generated)", NULL, dtb, blob, len };
		if (a->dump_dtb && write_file(a->dump_dtb, blob, len, err, errlen) < 0)
			return -1;
	}
	return finish(s, ram, a->mem, b, nb, pc, x0, gen.log_base,
		      a->measurement_log ? log_size : 0, err, errlen);
}
