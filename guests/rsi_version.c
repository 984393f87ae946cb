/*
 * rsi_version: RSI_VERSION with versions other than 1.0 (ERROR_INPUT, but
 * x1/x2 still report 1.0), RSI_FEATURES (register 0 and 1 read as zero), an
 * unknown RSI function ID (SMCCC NOT_SUPPORTED), and SMCCC_VERSION.
 */
#include "rk.h"
#include "rsi.h"

static void version(u64 req, u64 want_status, const char *name)
{
	u64 lower = 0xdead, higher = 0xdead;
	u64 st = rsi_version(req, &lower, &higher);

	rk_check2(name, "status", st, want_status);
	rk_check2(name, "lower", lower, RSI_ABI_VERSION);
	rk_check2(name, "higher", higher, RSI_ABI_VERSION);
}

int main(void)
{
	struct rk_smc r;
	u64 st, val;

	version(0x10000, RSI_SUCCESS, "version 1.0");
	version(0x20000, RSI_ERROR_INPUT, "version 2.0");
	version(0x0, RSI_ERROR_INPUT, "version 0.0");
	version(0x10001, RSI_ERROR_INPUT, "version 1.1");

	val = 0xdead;
	st = rsi_features(0, &val);
	CHECK_EQ("features 0 status", st, RSI_SUCCESS);
	CHECK_EQ("features 0 value", val, 0);
	val = 0xdead;
	st = rsi_features(1, &val);
	CHECK_EQ("features 1 status", st, RSI_SUCCESS);
	CHECK_EQ("features 1 value", val, 0);

	st = rk_smc6(0xC400019FUL, 0, 0, 0, 0, 0, 0, 0);
	CHECK_EQ("unknown rsi function 0xc400019f", st, SMCCC_NOT_SUPPORTED);

	/* SMCCC_VERSION is a 32-bit call: 1.1 or later (the wrapper relies on it). */
	st = rk_smc6(SMCCC_VERSION, 0, 0, 0, 0, 0, 0, &r);
	rk_printf("smccc_version=0x%lx\n", st & 0xffffffffUL);
	CHECK_TRUE("smccc version >= 1.1",
		   (st & 0x80000000UL) == 0 && (st & 0xffffffffUL) >= 0x10001UL);
	return 0;
}
