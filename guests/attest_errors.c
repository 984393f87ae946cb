/*
 * attest_errors: every failure condition of RSI_ATTEST_TOKEN_CONTINUE (and
 * INIT's restart), table-driven, in TF-RMM's order of checks: arguments
 * (alignment, offset, size, overflow), then the IPA range, then the state,
 * then the IPA's RIPAS.  Also: size 0 copies nothing and keeps the token,
 * offset/size write exactly there, INIT restarts a token, a finished token
 * needs a new INIT, and a granule of RAM the host has not backed yet (RIPAS
 * RAM, unassigned) is reached after the REC exit the host resolves.
 */
#include "rk.h"
#include "rsi.h"

static u8 granule[4096] RK_ALIGNED(4096);

struct tcase {
	const char *name;
	u64 ipa, offset, size, want;
};

static u64 challenge[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* Read the whole token; returns its size (0 on a bad status). */
static u64 drain(void)
{
	u64 st, len, total = 0;

	do {
		st = rsi_attest_token_continue((u64)granule, 0, sizeof(granule), &len);
		total += len;
	} while (st == RSI_INCOMPLETE);
	return st == RSI_SUCCESS ? total : 0;
}

int main(void)
{
	u64 g = (u64)granule, len, st, max, full, part;
	/* Protected, inside the IPA space, never RAM: RIPAS EMPTY. */
	u64 empty = 0x1000;
	const struct tcase before_init[] = {
		{ "unaligned before init", g + 8, 0, 8, RSI_ERROR_INPUT },
		{ "valid before init", g, 0, 4096, RSI_ERROR_STATE },
	};
	const struct tcase after_init[] = {
		{ "unaligned ipa", g + 8, 0, 8, RSI_ERROR_INPUT },
		{ "offset 4096", g, 4096, 0, RSI_ERROR_INPUT },
		{ "offset + size > 4096", g, 4095, 2, RSI_ERROR_INPUT },
		{ "size wraps", g, 8, ~0UL - 4, RSI_ERROR_INPUT },
		{ "unprotected alias", g | rk_shared_bit, 0, 16, RSI_ERROR_INPUT },
		{ "beyond the ipa space", 1UL << rk_ipa_width, 0, 16, RSI_ERROR_INPUT },
		{ "ripas empty", empty, 0, 16, RSI_ERROR_INPUT },
	};

	for (unsigned i = 0; i < sizeof(before_init) / sizeof(before_init[0]); i++) {
		st = rsi_attest_token_continue(before_init[i].ipa, before_init[i].offset,
					       before_init[i].size, &len);
		CHECK_EQ(before_init[i].name, st, before_init[i].want);
	}
	st = rsi_attest_token_init(challenge, &max);
	CHECK_EQ("init", st, RSI_SUCCESS);
	for (unsigned i = 0; i < sizeof(after_init) / sizeof(after_init[0]); i++) {
		st = rsi_attest_token_continue(after_init[i].ipa, after_init[i].offset,
					       after_init[i].size, &len);
		CHECK_EQ(after_init[i].name, st, after_init[i].want);
	}
	/* Size 0: nothing copied, the token stays. */
	for (unsigned i = 0; i < 4096; i++)
		granule[i] = 0xee;
	len = 99;
	st = rsi_attest_token_continue(g, 100, 0, &len);
	CHECK_EQ("size 0 status", st, RSI_SUCCESS);
	CHECK_EQ("size 0 copies nothing", len, 0);
	/* Offset 100, size 50: exactly those bytes, the first is the CBOR tag (0xd9). */
	st = rsi_attest_token_continue(g, 100, 50, &len);
	CHECK_EQ("partial status", st, RSI_INCOMPLETE);
	CHECK_EQ("partial length", len, 50);
	CHECK_EQ("partial first byte", granule[100], 0xd9);
	CHECK_EQ("byte before untouched", granule[99], 0xee);
	CHECK_EQ("byte after untouched", granule[150], 0xee);
	part = 50 + drain();
	CHECK_TRUE("rest of the token", part > 50);
	st = rsi_attest_token_continue(g, 0, 4096, &len);
	CHECK_EQ("finished token needs init", st, RSI_ERROR_STATE);

	/* INIT restarts: the first chunk again, and the same size in total. */
	st = rsi_attest_token_init(challenge, &max);
	CHECK_EQ("init again", st, RSI_SUCCESS);
	st = rsi_attest_token_continue(g, 0, 10, &len);
	CHECK_EQ("first chunk", st, RSI_INCOMPLETE);
	st = rsi_attest_token_init(challenge, &max);
	CHECK_EQ("init mid-token", st, RSI_SUCCESS);
	full = drain();
	CHECK_EQ("restarted token is whole", full, part);
	rk_printf("attest_errors token_size=0x%lx\n", full);

	/* Unassigned RAM: the RMM exits so the host maps it, then the call completes. */
	{
		volatile u8 *fresh = (volatile u8 *)(RK_RAM_BASE + RK_RAM_MIN - 2 * RK_GRANULE);

		st = rsi_attest_token_init(challenge, &max);
		CHECK_EQ("init for unassigned ram", st, RSI_SUCCESS);
		st = rsi_attest_token_continue((u64)fresh, 0, 16, &len);
		CHECK_EQ("unassigned ram status", st, RSI_INCOMPLETE);
		CHECK_EQ("unassigned ram length", len, 16);
		CHECK_EQ("unassigned ram got the token", fresh[0], 0xd9);
		CHECK_EQ("unassigned ram rest zero", fresh[16], 0);
	}
	return 0;
}
