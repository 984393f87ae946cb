/* SPDX-License-Identifier: MIT */
/*
 * The measurement engine: the RIM (and REMs) a realm launch will produce,
 * computed without running it.  A launch is an ordered list of measured
 * steps (RIPAS ranges, loaded regions, RECs) after REALM_CREATE; the RIPAS
 * steps are expanded into one descriptor per RTT entry with the RTT policy
 * of realmkit's KVM (src/kvm/realm.c, docs/KVM.md), which depends on the
 * pages populated before them.  Descriptors and hashes are the RMM's own
 * (rmm/measurement.h).  Granule contents are hashed in parallel by a pool of
 * threads; the RIM chain is extended in order by the calling thread.
 * Inputs are mapped a window at a time: memory use does not grow with the
 * size of the images.
 */
#ifndef REALMKIT_MEASURE_MEASURE_H
#define REALMKIT_MEASURE_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RKM_GRANULE    4096ULL
#define RKM_MAX_LEN    64
#define RKM_ERR_LEN    256

/*
 * Which RMM's measurement rules.  2.0 (as realmkit's RMM 2.0 mode on the
 * rmm2 branch implements it): the same REALM_CREATE fields at the same
 * offsets, DATA and REC descriptors as 1.0, and no RIPAS descriptor.
 */
enum rkm_rmm { RKM_RMM_1_0, RKM_RMM_2_0 };

struct rkm_params {
	unsigned hash_algo; /* 0 SHA-256, 1 SHA-512 (RMI encoding) */
	unsigned ipa_bits;  /* s2sz */
	unsigned num_bps, num_wps; /* RMI encoding: count minus one */
	uint64_t flags;     /* RMI_REALM_FLAGS_* */
	unsigned sve_vl, pmu_num_ctrs;
	uint8_t rpv[64];    /* not measured; carried to reference values */
};

/* Bytes loaded into realm memory: a file window, or a buffer. */
struct rkm_region {
	const char *name;  /* for messages: "kernel", a file name, ... */
	const char *path;  /* file, or NULL: @data */
	const void *data;  /* in-memory contents when @path is NULL */
	uint64_t offset;   /* in the file (or @data) */
	uint64_t length;   /* bytes of content; past the source's end reads as zero */
	uint64_t ipa;      /* granule aligned */
	uint64_t lead;     /* zero bytes before the content in the first granule (< 4096) */
	uint64_t size;     /* bytes of realm memory, a multiple of 4096 */
	bool measured;
};

enum rkm_step_type { RKM_STEP_RIPAS, RKM_STEP_DATA, RKM_STEP_REC };

struct rkm_step {
	enum rkm_step_type type;
	uint64_t base, top;   /* RIPAS */
	unsigned region;      /* DATA: index in regions */
	uint64_t pc, gprs[8]; /* REC */
	bool runnable;        /* REC: only runnable RECs are measured */
};

struct rkm_launch {
	enum rkm_rmm rmm;
	struct rkm_params params;
	struct rkm_region *regions;
	unsigned nregions;
	struct rkm_step *steps;
	unsigned nsteps;
	/* REM extensions (index, data of up to 64 bytes), applied after the RIM. */
	struct {
		unsigned index;
		uint8_t data[64];
		unsigned size;
	} *rem_ext;
	unsigned nrem_ext;
};

struct rkm_result {
	unsigned hash_len;
	uint8_t rim[RKM_MAX_LEN];
	uint8_t rem[4][RKM_MAX_LEN];
	uint64_t data_descs, ripas_descs, rec_descs, bytes_hashed;
};

struct rkm_options {
	unsigned threads; /* content-hashing threads; 0: one per online CPU */
	/* Called from the calling thread now and then with granules chained so far. */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
};

/*
 * Check @l: IPAs aligned and inside the protected half of the IPA space,
 * regions not overlapping, parameters valid.  0, or -1 with one line in @err.
 */
int rkm_validate(const struct rkm_launch *l, char *err, size_t errlen);

/* Validate and measure @l.  0, or -1 with one line in @err. */
int rkm_measure(const struct rkm_launch *l, const struct rkm_options *o, struct rkm_result *r,
		char *err, size_t errlen);

/* The RTT policy alone: RIPAS descriptors, for tools that replay logs. */
struct rkm_rtt;
struct rkm_rtt *rkm_rtt_new(unsigned ipa_bits);
void rkm_rtt_free(struct rkm_rtt *t);
/* Note the granules [ipa, ipa + size) as populated (DATA), tables down to level 3. */
int rkm_rtt_populate(struct rkm_rtt *t, uint64_t ipa, uint64_t size);
/* Call @fn for each RTT entry RIPAS init of [base, top) measures, in order. */
int rkm_rtt_ripas(struct rkm_rtt *t, uint64_t base, uint64_t top,
		  void (*fn)(void *arg, uint64_t base, uint64_t top), void *arg);

#endif
