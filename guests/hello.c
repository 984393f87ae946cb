/*
 * hello: the smallest realm.  Checks the entry state of the contract, that
 * RSI_VERSION(1.0) succeeds and reports 1.0, and that RSI_REALM_CONFIG
 * succeeds; prints the IPA width and hash algorithm it was given.
 */
#include "rk.h"
#include "rsi.h"

static struct rsi_realm_config cfg RK_ALIGNED(4096);

int main(void)
{
	u64 lower, higher, st;

	rk_puts("hello from realm\n");

	CHECK_EQ("entry x0", rk_entry_x0, 0);
	CHECK_EQ("entry CurrentEL is EL1", rk_entry_currentel, 1UL << 2);
	CHECK_EQ("entry DAIF masked", rk_entry_daif, 0xfUL << 6);
	CHECK_EQ("entry SPSel is SP_EL1", rk_entry_spsel, 1);

	st = rsi_version(RSI_ABI_VERSION, &lower, &higher);
	CHECK_EQ("rsi version 1.0 status", st, RSI_SUCCESS);
	CHECK_EQ("rsi version lower", lower, RSI_ABI_VERSION);
	CHECK_EQ("rsi version higher", higher, RSI_ABI_VERSION);

	st = rsi_realm_config((u64)&cfg);
	CHECK_EQ("realm config status", st, RSI_SUCCESS);
	CHECK_EQ("realm config ipa width stable", cfg.ipa_width, rk_ipa_width);
	CHECK_TRUE("realm config hash algo known", cfg.algorithm <= RSI_HASH_SHA_512);
	rk_printf("ipa_width=%lu hash_algo=%u (%s)\n", cfg.ipa_width, cfg.algorithm,
		  cfg.algorithm == RSI_HASH_SHA_256 ? "sha-256" :
		  cfg.algorithm == RSI_HASH_SHA_512 ? "sha-512" : "unknown");
	return 0;
}
