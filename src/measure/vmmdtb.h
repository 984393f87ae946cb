/* SPDX-License-Identifier: MIT */
/*
 * The device trees a VMM's layout measures when the user gives none (`-d`):
 * generated as veraison/cca-realm-measurements (commit 08aaf5a) generates
 * them for kvmtool (src/kvmtool.rs, src/fdt.rs) and QEMU's virt machine
 * (src/qemu.rs), byte for byte, so that `realmkit measure --vmm kvmtool|qemu`
 * reproduces that tool's RIMs.  That tool
 * writes DTBs with the vm-fdt crate, whose string table holds each distinct
 * property name once in order of first use; libfdt's sequential writer
 * shares suffixes and stores names newest first, and it puts the memory
 * reservation map at offset 48 where vm-fdt puts it right after the 40-byte
 * header; so the tree is written with libfdt and then laid out as vm-fdt
 * lays it out (rkm_fdt_vmfdt_layout).  docs/MEASURE.md, "Generated DTBs".
 */
#ifndef REALMKIT_MEASURE_VMMDTB_H
#define REALMKIT_MEASURE_VMMDTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RKM_KVMTOOL_DTB_SIZE 0x10000 /* kvmtool's FDT slot: the DTB is zero-padded to it */

struct rkm_kvmtool_dtb {
	unsigned cpus;
	uint64_t mem_base, mem_size;
	const char *params;               /* -p: appended to kvmtool's default bootargs */
	uint64_t initrd_base, initrd_size; /* size 0: no initrd */
	uint64_t log_base, log_size;      /* size 0: no event-log reservation */
	bool its;                         /* GICv3 ITS (kvmtool's default irqchip gicv3-its) */
	bool pmu;
};

/*
 * kvmtool's DTB for @c, in a malloc'd RKM_KVMTOOL_DTB_SIZE buffer (*@out):
 * the tree, then zeroes.  0, or -1 with one line in @err.
 */
int rkm_kvmtool_dtb(const struct rkm_kvmtool_dtb *c, uint8_t **out, char *err, size_t errlen);

#define RKM_QEMU_DTB_MAX 0x100000 /* QEMU's DTB slot (1 MiB) */

struct rkm_qemu_dtb {
	unsigned cpus;
	uint64_t mem_base, mem_size;
	/* the virt machine's high regions above RAM (layout.c) */
	uint64_t high_redist, high_pci_cfg, high_pci_mmio;
	const char *bootargs;              /* -append; NULL: no bootargs property */
	uint64_t initrd_base, initrd_size; /* size 0: no initrd */
	uint64_t log_base, log_size;       /* size 0: no event-log reservation */
	bool its, pmu;
};

/*
 * QEMU virt's DTB for @c as that model generates it (src/qemu.rs gen_dtb):
 * a malloc'd buffer in *@out of *@len bytes (the tree only: QEMU's DTB is
 * measured at its own size).  0, or -1 with one line in @err.
 */
int rkm_qemu_dtb(const struct rkm_qemu_dtb *c, uint8_t **out, size_t *len, char *err,
		 size_t errlen);

/*
 * Lay out the finished FDT in @fdt (a buffer of @bufsize bytes) as vm-fdt
 * writes it: a string table that holds each distinct property name once, in
 * the order the structure block first uses it, with no suffix sharing; every
 * property's name offset fixed; the reservation map at offset 40 with the
 * blocks after it moved down; the header updated and the rest of the buffer
 * zeroed.  0, or a libfdt error.
 */
int rkm_fdt_vmfdt_layout(void *fdt, size_t bufsize);

#endif
