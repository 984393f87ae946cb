/* SPDX-License-Identifier: MIT */
/*
 * The Realm Services Interface, version 1.0 (Arm DEN0137 1.0-rel0, chapter
 * "Realm Services Interface"): the calls a realm makes to the RMM with
 * SMC #0, their return codes and the memory structures they use.  Written
 * from the specification; structure layouts are checked below.
 */
#ifndef REALMKIT_RSI_H
#define REALMKIT_RSI_H

#include <stddef.h>
#include <stdint.h>

#include "realmkit/compat.h"

#define RSI_ABI_VERSION_MAJOR 1
#define RSI_ABI_VERSION_MINOR 0
#define RSI_ABI_VERSION       ((RSI_ABI_VERSION_MAJOR << 16) | RSI_ABI_VERSION_MINOR)

#define RSI_FID(n) (0xC4000000UL | (n))

#define RSI_VERSION               RSI_FID(0x190)
#define RSI_FEATURES              RSI_FID(0x191)
#define RSI_MEASUREMENT_READ      RSI_FID(0x192)
#define RSI_MEASUREMENT_EXTEND    RSI_FID(0x193)
#define RSI_ATTEST_TOKEN_INIT     RSI_FID(0x194)
#define RSI_ATTEST_TOKEN_CONTINUE RSI_FID(0x195)
#define RSI_REALM_CONFIG          RSI_FID(0x196)
#define RSI_IPA_STATE_SET         RSI_FID(0x197)
#define RSI_IPA_STATE_GET         RSI_FID(0x198)
#define RSI_HOST_CALL             RSI_FID(0x199)

enum rsi_status {
	RSI_SUCCESS = 0,
	RSI_ERROR_INPUT = 1,
	RSI_ERROR_STATE = 2,
	RSI_INCOMPLETE = 3,
};

/* RsiRipas */
enum rsi_ripas {
	RSI_RIPAS_EMPTY = 0,
	RSI_RIPAS_RAM = 1,
	RSI_RIPAS_DESTROYED = 2,
};

/* RSI_IPA_STATE_SET flags (RsiRipasChangeFlags) and response (RsiResponse). */
#define RSI_CHANGE_DESTROYED 1UL
enum rsi_response {
	RSI_ACCEPT = 0,
	RSI_REJECT = 1,
};

#define RSI_MEASUREMENT_SLOTS   5  /* 0: RIM, 1..4: REMs */
#define RSI_MEASUREMENT_MAX_LEN 64
#define RSI_CHALLENGE_SIZE      64

/* RsiRealmConfig: the granule RSI_REALM_CONFIG fills in. */
struct rsi_realm_config {
	uint64_t ipa_width;
	uint8_t hash_algo; /* 0 SHA-256, 1 SHA-512 */
	uint8_t pad[0x1000 - 0x9];
};

/* RsiHostCall: the structure RSI_HOST_CALL passes to and from the host. */
#define RSI_HOST_CALL_NR_GPRS 31
#define RSI_HOST_CALL_ALIGN   0x100
struct rsi_host_call {
	uint16_t imm;
	uint8_t pad0[6];
	uint64_t gprs[RSI_HOST_CALL_NR_GPRS];
};

RK_STATIC_ASSERT(sizeof(struct rsi_realm_config) == 0x1000, "RsiRealmConfig size");
RK_STATIC_ASSERT(offsetof(struct rsi_realm_config, hash_algo) == 0x8, "hash_algo");
RK_STATIC_ASSERT(offsetof(struct rsi_host_call, gprs) == 0x8, "RsiHostCall gprs");
RK_STATIC_ASSERT(sizeof(struct rsi_host_call) == 0x100, "RsiHostCall size");

#endif
