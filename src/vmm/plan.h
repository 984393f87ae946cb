/* SPDX-License-Identifier: MIT */
/*
 * Launch planning for `realmkit run` (and `realmkit measure`): from the
 * command line to a launch plan, without touching KVM.
 *
 *	struct vmm_options o;
 *	struct vmm_plan p;
 *	char err[256];
 *
 *	vmm_options_init(&o);
 *	if (vmm_options_parse(&o, argc, argv, err, sizeof(err)) != VMM_PARSE_OK) ...
 *	if (vmm_plan_build(&o, &p, err, sizeof(err))) ...   // reads the images, builds the DTB
 *	... vmm_launch(&p, ...) (vmm.h) or replay p for a reference measurement ...
 *	vmm_plan_free(&p);
 *
 * The plan is everything that decides a realm's initial measurement, in the
 * order the VMM acts on it (docs/VMM.md, "What is measured"):
 *
 *   - the realm parameters: IPA width, hash algorithm, RPV (not measured);
 *   - RAM: one guest_memfd memslot [ram_base, ram_base + ram_size);
 *   - the populated regions, in ascending IPA (the VMM populates them in
 *     this order, one KVM_ARM_RMI_POPULATE loop each): data (page-padded
 *     with zeroes), size, and whether it is measured;
 *   - the RIPAS mode: KVM's default (RAM over the memslot at activation,
 *     after the REC descriptors) or VMM-driven ranges (ripas_range[], set
 *     by the VMM after populating and before any vCPU runs: all of RAM, or
 *     only the images' ranges rounded out to 2 MiB);
 *   - vCPU 0's entry registers (PC and x0..x7; the other vCPUs are not
 *     runnable, so they are not measured).
 *
 * A reference-value tool replays exactly this (vmm_plan_build never
 * depends on the host).  Everything here is single-threaded and owns its
 * memory; vmm_plan_free releases it.
 */
#ifndef REALMKIT_VMM_PLAN_H
#define REALMKIT_VMM_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* kvmtool's arm64 memory map (docs/VMM.md, "Memory map"). */
#define VMM_UART_BASE      0x01000000ULL /* ns16550a, 8 registers */
#define VMM_UART_SIZE      0x1000ULL
#define VMM_UART_INTID     32            /* SPI 0 */
/*
 * The doorbell (realmkit's own, "realmkit,doorbell" in the DTB): a write of
 * INTID N at offset 0 pulses SPI N (KVM_IRQ_LINE high, then low) when N is one
 * of its interrupts; offset 8 is a marker register (writes counted, for
 * benchmarks); everything else reads as zero.
 */
#define VMM_DOORBELL_BASE  0x0a001000ULL
#define VMM_DOORBELL_SIZE  0x1000ULL
#define VMM_DOORBELL_INTID0 40           /* SPIs 8 and 9: INTIDs 40, 41 */
#define VMM_DOORBELL_NIRQ  2
#define VMM_GIC_DIST_BASE  0x3fff0000ULL /* 64 KiB below the 1 GiB mark */
#define VMM_GIC_DIST_SIZE  0x10000ULL
#define VMM_GIC_REDIST_SIZE 0x20000ULL   /* per vCPU: RD_base + SGI_base frames */
#define VMM_RAM_BASE       0x80000000ULL
#define VMM_MAX_CPUS       8
#define VMM_DTB_MAX        0x10000ULL    /* 64 KiB, as kvmtool's FDT_MAX_SIZE */
#define VMM_DTB_ALIGN      0x200000ULL   /* the DTB starts on a 2 MiB boundary */

/* The host calls between the demo realm (or any guest) and the VMM (docs/VMM.md). */
#define VMM_HC_CHALLENGE   0xC6000100U /* -> x0 = 0 and x1..x8 = challenge, or x0 = 1 */
#define VMM_HC_TOKEN       0xC6000101U /* x1 total, x2 offset, x3 len, x4..x30 data */
#define VMM_HC_TOKEN_ERROR 0xC6000102U /* x1 = the RSI status attestation gave */
#define VMM_HC_SHARED      0xC6000103U /* x1 = IPA of a shared RAM page, x2 = length of its
					* message: the VMM reads it through its own memory and
					* writes its answer there (x0 = 0, x1 = answer length) */
#define VMM_HC_FIRST       VMM_HC_CHALLENGE
#define VMM_HC_COUNT       4
#define VMM_HC_TOKEN_CHUNK (27 * 8)    /* bytes of token per VMM_HC_TOKEN call */
#define VMM_TOKEN_MAX      (64 * 1024)

enum vmm_image {
	VMM_IMG_KERNEL,
	VMM_IMG_INITRD,
	VMM_IMG_DTB,
	VMM_IMG_FIRMWARE,
	VMM_NR_IMAGES,
};

enum vmm_ripas_mode {
	VMM_RIPAS_KVM,  /* KVM sets RAM over the memslot at activation (v14 default) */
	VMM_RIPAS_VMM,  /* the VMM sets RAM over all of RAM before running */
	VMM_RIPAS_IMAGES, /* the VMM sets RAM over each image's 2 MiB-rounded range only;
			   * the realm accepts the rest of its memory itself with RSI */
};

enum vmm_console {
	VMM_CONSOLE_STDIO, /* output on stdout; input from stdin when it is a terminal */
	VMM_CONSOLE_OUT,   /* output on stdout; no input */
	VMM_CONSOLE_NONE,  /* output discarded */
};

/* What the command line says; vmm_options_init gives the defaults. */
struct vmm_options {
	const char *image[VMM_NR_IMAGES]; /* paths; NULL: absent (kernel: the demo) */
	const char *params;               /* /chosen/bootargs */
	const char *dump_dtb;             /* write the DTB here */
	const char *token_out;            /* write the realm's attestation token here */
	uint64_t mem_mib;                 /* --mem, MiB (default 64) */
	unsigned cpus;                    /* --cpus (default 1; the demo: 2) */
	bool cpus_set;
	unsigned ipa_bits;                /* --ipa-bits (default 40) */
	unsigned hash_algo;               /* 0 SHA-256, 1 SHA-512 */
	uint8_t rpv[64];
	bool rpv_set;
	enum vmm_ripas_mode ripas;
	unsigned measure;                 /* bit per enum vmm_image: populated measured */
	uint64_t populate_chunk;          /* pages per populate call; 0: KVM's default */
	bool populate_chunk_set;
	enum vmm_console console;
	double timeout;                   /* seconds; 0: none */
	bool strict_mmio;
	bool refuse_ram;                  /* answer RIPAS RAM requests with a refusal (testing) */
	bool json;
	uint8_t challenge[64];
	bool challenge_set;
};

void vmm_options_init(struct vmm_options *o);

enum vmm_parse_result {
	VMM_PARSE_OK,
	VMM_PARSE_HELP,  /* --help: print vmm_options_usage() */
	VMM_PARSE_ERROR, /* @err says what was wrong */
};

/*
 * getopt_long over argv (argv[0] is the command's name; main() has reset
 * getopt).  Positional arguments are refused.  Options another command adds
 * can be handled by it before calling this (see `realmkit measure`).
 */
enum vmm_parse_result vmm_options_parse(struct vmm_options *o, int argc, char **argv,
					 char *err, size_t errlen);
/* The options' help text (for `realmkit run --help`). */
extern const char vmm_options_usage[];

/* One populated region. */
struct vmm_region {
	enum vmm_image what;
	uint64_t gpa;       /* page-aligned */
	uint64_t size;      /* page-aligned: the bytes populated */
	uint64_t reserve;   /* bytes the image owns from gpa (>= size: e.g. a kernel's bss) */
	uint8_t *data;      /* size bytes, page-aligned buffer, zero-padded */
	bool measured;
};

enum vmm_format { VMM_FMT_RAW, VMM_FMT_ELF, VMM_FMT_LINUX };

struct vmm_plan {
	unsigned ipa_bits, cpus, hash_algo;
	uint8_t rpv[64];
	bool rpv_set;
	uint64_t ram_base, ram_size;
	uint64_t populate_chunk;
	bool populate_chunk_set;
	enum vmm_ripas_mode ripas;
	struct { uint64_t base, top; } ripas_range[VMM_NR_IMAGES];
	unsigned nripas;
	struct vmm_region region[VMM_NR_IMAGES];
	unsigned nregions;                /* sorted by gpa */
	enum vmm_format kernel_format;
	bool demo;                        /* the embedded demo realm */
	uint64_t entry_pc;
	uint64_t entry_x[8];              /* vCPU 0's x0..x7 */
	uint64_t gic_redist_base;
	uint64_t dtb_gpa;
	const uint8_t *dtb;               /* the DTB as populated (points into its region) */
	size_t dtb_size;
	uint64_t initrd_gpa, initrd_size;
};

/*
 * Read the images, place them, build (or check) the DTB, and fill @p.
 * 0, or -1 with one line in @err naming the problem (missing or unreadable
 * image, image larger than memory, overlapping placement, bad DTB, ...).
 */
int vmm_plan_build(const struct vmm_options *o, struct vmm_plan *p, char *err, size_t errlen);
void vmm_plan_free(struct vmm_plan *p);

const char *vmm_image_name(enum vmm_image i);

/* fdt.c: the DTB for @p (regions other than the DTB already placed). */
int vmm_fdt_build(const struct vmm_plan *p, const char *bootargs, void *buf, size_t size,
		  char *err, size_t errlen);

/* The embedded demo realm (guests/bin/demo.bin, built into the binary). */
extern const unsigned char realmkit_demo_bin[];
extern const unsigned long realmkit_demo_bin_size;

#endif
