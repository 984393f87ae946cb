/*
 * rsi_measure: RSI_MEASUREMENT_READ and RSI_MEASUREMENT_EXTEND.
 *
 * Reads the RIM and the four REMs (which start at zero), extends REM1 by 0
 * then 1 byte, REM2 by 32 bytes and REM3 by 64 bytes, and checks that each
 * extend changes the REM it targets and nothing else.  The guest cannot hash,
 * so it prints every value for the host test to recompute:
 * REM = H(REM[0:hash_len] || data[0:size]), where data byte i is 0x01 + i
 * (x3 = 0x0807060504030201, x4 = 0x100f0e0d0c0b0a09, ... x10), whatever the
 * size.  Values print as their 64 bytes in memory order (x1 low byte first);
 * with SHA-256 the last 32 bytes are zero.
 * Lines: "rim=<hex>" once, then "remN=<hex>" after each extend, in order.
 * Error cases: EXTEND index 0 and 5, size 65, READ index 5 -> ERROR_INPUT,
 * leaving the measurements unchanged.
 */
#include "rk.h"
#include "rsi.h"

static u64 meas[5][8];	/* last value read of RIM, REM1..REM4 */
static u64 data[8];

static int is_zero(const u64 v[8])
{
	for (int i = 0; i < 8; i++)
		if (v[i])
			return 0;
	return 1;
}

static int same(const u64 a[8], const u64 b[8])
{
	for (int i = 0; i < 8; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static void print_meas(u64 index, const u64 v[8])
{
	if (index == 0)
		rk_puts("rim=");
	else
		rk_printf("rem%lu=", index);
	rk_print_bytes(v, 64);
	rk_putc('\n');
}

/*
 * Read all five measurements into meas[]; returns a bit mask of those that
 * changed since the last read (bit i = measurement i), or 1 << 5 when a read
 * fails.
 */
static unsigned read_all(void)
{
	unsigned changed = 0;
	u64 v[8];

	for (u64 i = 0; i < 5; i++) {
		if (rsi_measurement_read(i, v) != RSI_SUCCESS)
			changed |= 1U << 5;
		if (!same(v, meas[i]))
			changed |= 1U << i;
		for (int j = 0; j < 8; j++)
			meas[i][j] = v[j];
	}
	return changed;
}

static void extend(u64 index, u64 size, const char *what)
{
	u64 st = rsi_measurement_extend(index, size, data);

	rk_check2(what, "status", st, RSI_SUCCESS);
	/* Only REM<index> changes: the mask of changed measurements is 1 << index. */
	rk_check2(what, "changes only its rem", read_all(), 1UL << index);
	print_meas(index, meas[index]);
}

int main(void)
{
	u64 v[8], st;

	for (int i = 0; i < 64; i++)
		((u8 *)data)[i] = (u8)(0x01 + i);

	CHECK_EQ("read 0..4 status", read_all() >> 5, 0);
	CHECK_TRUE("rim is not zero", !is_zero(meas[0]));
	CHECK_TRUE("rem1..rem4 start zero", is_zero(meas[1]) && is_zero(meas[2]) &&
		   is_zero(meas[3]) && is_zero(meas[4]));
	/* With SHA-256, x5..x8 of MEASUREMENT_READ are zero. */
	CHECK_TRUE("rim bytes beyond the hash are zero", rk_hash_algo != RSI_HASH_SHA_256 ||
		   (!meas[0][4] && !meas[0][5] && !meas[0][6] && !meas[0][7]));
	print_meas(0, meas[0]);

	extend(1, 0, "extend rem1 size 0");
	extend(1, 1, "extend rem1 size 1");
	extend(2, 32, "extend rem2 size 32");
	extend(3, 64, "extend rem3 size 64");
	CHECK_TRUE("rem4 still zero", is_zero(meas[4]));

	st = rsi_measurement_extend(0, 8, data);
	CHECK_EQ("extend index 0 (rim) error", st, RSI_ERROR_INPUT);
	st = rsi_measurement_extend(5, 8, data);
	CHECK_EQ("extend index 5 error", st, RSI_ERROR_INPUT);
	st = rsi_measurement_extend(1, 65, data);
	CHECK_EQ("extend size 65 error", st, RSI_ERROR_INPUT);
	st = rsi_measurement_read(5, v);
	CHECK_EQ("read index 5 error", st, RSI_ERROR_INPUT);
	CHECK_EQ("errors changed no measurement", read_all(), 0);
	return 0;
}
