/* RSI 1.0 (RMM specification DEN0137 1.0-rel0): function IDs, status codes, calls. */
#ifndef RK_RSI_H
#define RK_RSI_H

#include "smc.h"

#define RSI_VERSION			0xC4000190UL
#define RSI_FEATURES			0xC4000191UL
#define RSI_MEASUREMENT_READ		0xC4000192UL
#define RSI_MEASUREMENT_EXTEND		0xC4000193UL
#define RSI_ATTEST_TOKEN_INIT		0xC4000194UL
#define RSI_ATTEST_TOKEN_CONTINUE	0xC4000195UL
#define RSI_REALM_CONFIG		0xC4000196UL
#define RSI_IPA_STATE_SET		0xC4000197UL
#define RSI_IPA_STATE_GET		0xC4000198UL
#define RSI_HOST_CALL			0xC4000199UL

#define RSI_ABI_VERSION			0x10000UL	/* 1.0 */

#define RSI_SUCCESS		0UL
#define RSI_ERROR_INPUT		1UL
#define RSI_ERROR_STATE		2UL
#define RSI_INCOMPLETE		3UL

#define RSI_RIPAS_EMPTY		0UL
#define RSI_RIPAS_RAM		1UL
#define RSI_RIPAS_DESTROYED	2UL

#define RSI_NO_CHANGE_DESTROYED	0UL
#define RSI_CHANGE_DESTROYED	1UL

#define RSI_ACCEPT		0UL
#define RSI_REJECT		1UL

#define RSI_HASH_SHA_256	0UL
#define RSI_HASH_SHA_512	1UL

/* RsiRealmConfig: one 4 KiB granule; the RMM writes ipa_width and algorithm. */
struct rsi_realm_config {
	u64 ipa_width;		/* 0x000 */
	u8 algorithm;		/* 0x008 */
	u8 pad[0x1000 - 9];
};

/* RsiHostCall: 0x100 bytes, 0x100-aligned, within one granule. */
struct rsi_host_call {
	u32 imm;		/* 0x000 */
	u32 pad0;
	u64 gprs[31];		/* 0x008 */
	u8 pad1[0x100 - 8 - 31 * 8];
};

static inline u64 rsi_version(u64 req, u64 *lower, u64 *higher)
{
	struct rk_smc r;
	u64 st = rk_smc6(RSI_VERSION, req, 0, 0, 0, 0, 0, &r);

	*lower = r.x[1];
	*higher = r.x[2];
	return st;
}

static inline u64 rsi_features(u64 index, u64 *value)
{
	struct rk_smc r;
	u64 st = rk_smc6(RSI_FEATURES, index, 0, 0, 0, 0, 0, &r);

	*value = r.x[1];
	return st;
}

static inline u64 rsi_realm_config(u64 ipa)
{
	return rk_smc6(RSI_REALM_CONFIG, ipa, 0, 0, 0, 0, 0, 0);
}

/* The value comes back in x1..x8: 64 bytes, little-endian words. */
static inline u64 rsi_measurement_read(u64 index, u64 value[8])
{
	struct rk_smc r = { { RSI_MEASUREMENT_READ, index } };

	rk_smc_call(&r);
	for (int i = 0; i < 8; i++)
		value[i] = r.x[1 + i];
	return r.x[0];
}

/* data[] holds up to 64 bytes as 8 little-endian words (x3..x10). */
static inline u64 rsi_measurement_extend(u64 index, u64 size, const u64 data[8])
{
	struct rk_smc r = { { RSI_MEASUREMENT_EXTEND, index, size } };

	for (int i = 0; i < 8; i++)
		r.x[3 + i] = data[i];
	rk_smc_call(&r);
	return r.x[0];
}

/* IPA_STATE_SET: *next = x1 (how far it got), *response = x2. */
static inline u64 rsi_ipa_state_set(u64 base, u64 top, u64 ripas, u64 flags,
				    u64 *next, u64 *response)
{
	struct rk_smc r;
	u64 st = rk_smc6(RSI_IPA_STATE_SET, base, top, ripas, flags, 0, 0, &r);

	*next = r.x[1];
	*response = r.x[2];
	return st;
}

/* IPA_STATE_GET(start, end): *top = end of the run with one RIPAS, *ripas = it. */
static inline u64 rsi_ipa_state_get(u64 start, u64 end, u64 *top, u64 *ripas)
{
	struct rk_smc r;
	u64 st = rk_smc6(RSI_IPA_STATE_GET, start, end, 0, 0, 0, 0, &r);

	*top = r.x[1];
	*ripas = r.x[2];
	return st;
}

static inline u64 rsi_host_call(u64 ipa)
{
	return rk_smc6(RSI_HOST_CALL, ipa, 0, 0, 0, 0, 0, 0);
}

/* challenge[] = 64 bytes as 8 little-endian words (x1..x8); *max_size = x1. */
static inline u64 rsi_attest_token_init(const u64 challenge[8], u64 *max_size)
{
	struct rk_smc r = { { RSI_ATTEST_TOKEN_INIT } };

	for (int i = 0; i < 8; i++)
		r.x[1 + i] = challenge[i];
	rk_smc_call(&r);
	*max_size = r.x[1];
	return r.x[0];
}

static inline u64 rsi_attest_token_continue(u64 granule, u64 offset, u64 size, u64 *len)
{
	struct rk_smc r;
	u64 st = rk_smc6(RSI_ATTEST_TOKEN_CONTINUE, granule, offset, size, 0, 0, 0, &r);

	*len = r.x[1];
	return st;
}

/*
 * IPA_STATE_SET until the whole range is done: re-issues the call from the
 * returned base while the host accepts and makes progress (at most 64
 * calls).  Returns the status of the last call; *next and *response as returned.
 */
u64 rk_ipa_state_set_all(u64 base, u64 top, u64 ripas, u64 flags, u64 *next, u64 *response);

#endif
