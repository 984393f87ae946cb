/* SPDX-License-Identifier: MIT */
/*
 * The RMM 1.0 measurement algorithm (DEN0137 1.0-rel0, "Realm measurement"),
 * as functions of an algorithm and buffers, with no RMM state: the RMM
 * extends a realm's RIM with them (measurement.c's struct rd wrappers), and
 * reference-value tools (src/measure) compute the same RIM without a realm.
 * @alg is RMI_HASH_SHA_256 or RMI_HASH_SHA_512; a RIM or REM buffer is
 * MEASUREMENT_MAX_LEN bytes, those past the hash length zero.
 */
#ifndef REALMKIT_RMM_MEASUREMENT_H
#define REALMKIT_RMM_MEASUREMENT_H

#include <stdint.h>

#include "realmkit/rmi.h"

#define MEASUREMENT_MAX_LEN   64
#define MEASUREMENT_DESC_SIZE 0x100
#define MEASUREMENT_GRANULE   4096

/* Descriptor types (the first byte of a measurement descriptor). */
#define MEASUREMENT_DESC_DATA  0
#define MEASUREMENT_DESC_REC   1
#define MEASUREMENT_DESC_RIPAS 2

unsigned measurement_hash_len(unsigned alg);
/* out = H(data[0:len]) with @alg. */
void measurement_hash(unsigned alg, const void *data, uint64_t len, uint8_t *out);

/*
 * REALM_CREATE: @rim = H(the measured fields of @p on a zero page).  Only
 * flags (LPA2, SVE, PMU), s2sz, sve_vl, num_bps, num_wps, pmu_num_ctrs and
 * hash_algo are measured, each at its specified width; @alg is the
 * algorithm (normally p->hash_algo).  @rim is zeroed past the hash length.
 */
void measurement_rim_init(unsigned alg, const struct rmi_realm_params *p, uint8_t *rim);

/* The content hash of one 4 KiB DATA granule (independent of the RIM). */
void measurement_granule_hash(unsigned alg, const void *granule, uint8_t *out);

/*
 * DATA_CREATE: extend @rim with a DATA descriptor for @ipa and @flags;
 * @content_hash (measurement_granule_hash of the granule) is used only when
 * flags has RMI_MEASURE_CONTENT.
 */
void measurement_rim_extend_data(unsigned alg, uint8_t *rim, uint64_t ipa, uint64_t flags,
				 const uint8_t *content_hash);
/* REC_CREATE of a runnable REC: the REC descriptor of @params' flags, pc and gprs. */
void measurement_rim_extend_rec(unsigned alg, uint8_t *rim, const struct rmi_rec_params *params);
/* RTT_INIT_RIPAS: the RIPAS descriptor of one RTT entry [base, top). */
void measurement_rim_extend_ripas(unsigned alg, uint8_t *rim, uint64_t base, uint64_t top);
/* RSI_MEASUREMENT_EXTEND: @rem = H(@rem[0:hash length] || data[0:size]), size <= 64. */
void measurement_rem_extend(unsigned alg, uint8_t *rem, const void *data, unsigned size);

#endif
