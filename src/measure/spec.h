/* SPDX-License-Identifier: MIT */
/*
 * Launch descriptions for the engine, built from what users have: a JSON
 * manifest (manifest.c, docs/MEASURE.md), the layouts kvmtool and QEMU
 * give a realm (layout.c), realmkit run's launch plan (layout.c), a TCG
 * event log (ccel.c).  A spec owns the launch and every string and array
 * it points to.
 */
#ifndef REALMKIT_MEASURE_SPEC_H
#define REALMKIT_MEASURE_SPEC_H

#include <stddef.h>

#include "measure/measure.h"

struct rkm_spec {
	struct rkm_launch l;
	unsigned capreg, capstep, caprem;
	char **strings; /* owned names and paths */
	unsigned nstrings, capstrings;
	void **blobs;   /* owned region data */
	unsigned nblobs, capblobs;
	char vmm[64];   /* which layout: "manifest", "kvmtool", "qemu", "realmkit-run", "ccel" */
	bool rmm_set;   /* l.rmm comes from the input (a manifest's "rmm") */
};

void rkm_spec_init(struct rkm_spec *s);
void rkm_spec_free(struct rkm_spec *s);
/* A copy of @str owned by @s (NULL if out of memory). */
const char *rkm_spec_str(struct rkm_spec *s, const char *str);
/* Hand @p (malloc'd) to @s to free. */
int rkm_spec_own(struct rkm_spec *s, void *p);
/* Append; returns the index, or -1 if out of memory. */
int rkm_spec_add_region(struct rkm_spec *s, const struct rkm_region *r);
int rkm_spec_add_step(struct rkm_spec *s, const struct rkm_step *st);
int rkm_spec_add_rem(struct rkm_spec *s, unsigned index, const void *data, unsigned size);

/* A file region of @path placed at byte address @addr (any alignment), measured or not. */
int rkm_spec_add_file(struct rkm_spec *s, const char *name, const char *path, uint64_t addr,
		      bool measured, char *err, size_t errlen);

/* ---- inputs ---- */

/* The JSON launch manifest at @path (docs/MEASURE.md); relative files from its directory. */
int rkm_manifest_load(const char *path, struct rkm_spec *s, char *err, size_t errlen);

/* kvmtool / QEMU placements (docs/MEASURE.md, "Layouts"). */
struct rkm_vmm_args {
	const char *kernel, *initrd, *dtb, *firmware;
	uint64_t mem;           /* bytes */
	bool measurement_log;   /* the VMM's event log region, loaded unmeasured */
	struct rkm_params params;
	/*
	 * kvmtool: without @dtb the DTB is generated (measure/vmmdtb.h) from
	 * @cpus and @params (-p, appended to kvmtool's bootargs).  The IPA width
	 * is the one kvmtool derives from the end of RAM; @ipa_bits_given makes
	 * params.ipa_bits the host's limit instead of the value.
	 */
	unsigned cpus;
	const char *params_str;
	bool ipa_bits_given;
	const char *dump_dtb;   /* write the generated DTB (all 64 KiB) here */
};
int rkm_layout_kvmtool(const struct rkm_vmm_args *a, struct rkm_spec *s, char *err, size_t errlen);
int rkm_layout_qemu(const struct rkm_vmm_args *a, struct rkm_spec *s, char *err, size_t errlen);

#endif
