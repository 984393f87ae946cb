/*
 * rsi_config_errors: RSI_REALM_CONFIG with an address the RMM must refuse
 * (ERROR_INPUT, the buffer untouched): not 4 KiB aligned, in the unprotected
 * half of the IPA space, beyond the IPA space.  Then a good call still works.
 */
#include "rk.h"
#include "rsi.h"

static struct rsi_realm_config cfg RK_ALIGNED(4096);

int main(void)
{
	u64 buf = (u64)&cfg, st;

	cfg.ipa_width = 0x5a5a5a5a5a5a5a5aUL;

	st = rsi_realm_config(buf + 8);
	CHECK_EQ("config unaligned address error", st, RSI_ERROR_INPUT);
	st = rsi_realm_config(buf + 0x800);
	CHECK_EQ("config half-granule address error", st, RSI_ERROR_INPUT);
	st = rsi_realm_config(buf | rk_shared_bit);
	CHECK_EQ("config unprotected alias error", st, RSI_ERROR_INPUT);
	st = rsi_realm_config(1UL << rk_ipa_width);
	CHECK_EQ("config beyond ipa space error", st, RSI_ERROR_INPUT);
	st = rsi_realm_config((1UL << rk_ipa_width) | buf);
	CHECK_EQ("config beyond ipa space (ram offset) error", st, RSI_ERROR_INPUT);
	CHECK_EQ("config errors left the buffer alone", cfg.ipa_width, 0x5a5a5a5a5a5a5a5aUL);

	st = rsi_realm_config(buf);
	CHECK_EQ("config good address", st, RSI_SUCCESS);
	CHECK_EQ("config ipa width", cfg.ipa_width, rk_ipa_width);
	return 0;
}
