/* SPDX-License-Identifier: MIT */
/*
 * Reference values out of a measurement, in the forms verifiers read:
 * a Veraison CoRIM (CBOR, CCA realm profile: a CoMID whose reference
 * triple has the RIM as the class-id and the cca.rim, cca.rem0..3 and
 * cca.rpv measurements), the CoMID JSON cca-realm-measurements writes for
 * Veraison's cocli, and realmkit's reference-value file (attest/refvals.h,
 * read by `realmkit token verify --refvals`).
 */
#ifndef REALMKIT_MEASURE_EXPORT_H
#define REALMKIT_MEASURE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "measure/measure.h"

struct rkm_refval {
	const struct rkm_result *r;
	const uint8_t *rpv; /* 64 bytes */
	const char *name;   /* free text (refvals "name") */
	/*
	 * Whether the REMs are known (the launch declared its REM extensions):
	 * otherwise they are left out, as realms extend them at run time.
	 */
	bool rems_known;
};

/* The CoRIM as CBOR bytes (malloc'd), or NULL. */
uint8_t *rkm_corim_cbor(const struct rkm_refval *v, size_t *len);
int rkm_write_corim(const char *path, const struct rkm_refval *v, char *err, size_t errlen);
int rkm_write_comid_json(const char *path, const struct rkm_refval *v, char *err, size_t errlen);
int rkm_write_refvals(const char *path, const struct rkm_refval *v, char *err, size_t errlen);

#endif
