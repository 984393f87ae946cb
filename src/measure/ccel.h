/* SPDX-License-Identifier: MIT */
/*
 * Replaying a TCG2 (crypto-agile) event log, as a CCEL ACPI table or a
 * VMM's measurement log holds it, into a realm launch: the RIM events of
 * veraison/cca-realm-measurements' docs/measurement-log.md (REALM_CREATE,
 * INIT_RIPAS and REC_CREATE tagged events; image blobs as
 * EV_POST_CODE2/EV_EFI_PLATFORM_FIRMWARE_BLOB2 whose digests name images
 * given on the command line; blobs without digests unmeasured) and REM
 * events (PCR index to REM as UEFI's CC mapping).  The first event that
 * cannot be replayed is named in the error.
 */
#ifndef REALMKIT_MEASURE_CCEL_H
#define REALMKIT_MEASURE_CCEL_H

#include <stddef.h>
#include <stdint.h>

#include "measure/spec.h"

struct rkm_ccel_info {
	unsigned events;       /* events read (the Spec ID event included) */
	unsigned rim_events, rem_events;
	char vmm_name[33], vmm_version[41]; /* from a "VM VERSION" event, if any */
};

/*
 * Replay @log into @s (steps, params, REM extensions), with @images the
 * files blob digests may name.  0, or -1 with one line in @err: for a
 * corrupt log or an event that breaks the chain, the event's index and
 * byte offset.
 */
int rkm_ccel_replay(const uint8_t *log, size_t len, const char *const *images,
		    unsigned nimages, struct rkm_spec *s, struct rkm_ccel_info *info, char *err,
		    size_t errlen);

#endif
