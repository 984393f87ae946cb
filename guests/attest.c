/*
 * attest: the attestation token.
 *
 * 1. ATTEST_TOKEN_CONTINUE before any INIT -> ERROR_STATE.
 * 2. ATTEST_TOKEN_INIT with the 64-byte challenge 0x40, 0x41, .. 0x7f
 *    (x1 = 0x4746454443424140 .. x8) -> SUCCESS, x1 = upper bound of the
 *    token size (printed).
 * 3. CONTINUE argument errors (granule not aligned, offset 4096) -> ERROR_INPUT.
 * 4. CONTINUE(granule, offset 0, size 4096) while INCOMPLETE: each call writes
 *    x1 <= 4096 bytes at the start of the granule; the guest appends them to a
 *    copy, prints the total and the token in hex ("token <64 hex digits>" lines
 *    of 32 bytes), and checks the CBOR tag of a CCA token (399 or 907).
 */
#include "rk.h"
#include "rsi.h"

#define MAX_CALLS	10000
#define COPY_SIZE	0x8000UL

static u8 granule[4096] RK_ALIGNED(4096);
static u8 token[COPY_SIZE];
static u64 challenge[8];

int main(void)
{
	u64 st, len, max = 0, total = 0, calls = 0, bad_len = 0;

	for (int i = 0; i < 64; i++)
		((u8 *)challenge)[i] = (u8)(0x40 + i);

	len = 0;
	st = rsi_attest_token_continue((u64)granule, 0, sizeof(granule), &len);
	CHECK_EQ("continue before init error state", st, RSI_ERROR_STATE);

	st = rsi_attest_token_init(challenge, &max);
	CHECK_EQ("init status", st, RSI_SUCCESS);
	rk_printf("token_max=0x%lx\n", max);
	CHECK_TRUE("init upper bound is not zero", max != 0);

	st = rsi_attest_token_continue((u64)granule + 8, 0, 8, &len);
	CHECK_EQ("continue unaligned granule error", st, RSI_ERROR_INPUT);
	st = rsi_attest_token_continue((u64)granule, 4096, 0, &len);
	CHECK_EQ("continue offset 4096 error", st, RSI_ERROR_INPUT);

	do {
		len = 0;
		st = rsi_attest_token_continue((u64)granule, 0, sizeof(granule), &len);
		calls++;
		if (st != RSI_SUCCESS && st != RSI_INCOMPLETE)
			break;
		if (len > sizeof(granule)) {
			bad_len = len;
			break;
		}
		for (u64 i = 0; i < len && total + i < COPY_SIZE; i++)
			token[total + i] = granule[i];
		total += len;
	} while (st == RSI_INCOMPLETE && calls < MAX_CALLS);

	CHECK_EQ("continue final status", st, RSI_SUCCESS);
	CHECK_EQ("continue lengths within the buffer", bad_len, 0);
	rk_printf("token_size=0x%lx calls=%lu\n", total, calls);
	CHECK_TRUE("token not empty", total != 0);
	CHECK_TRUE("token within the upper bound", total <= max);

	u64 shown = total < COPY_SIZE ? total : COPY_SIZE;
	for (u64 off = 0; off < shown; off += 32) {
		rk_puts("token ");
		rk_print_bytes(token + off, shown - off < 32 ? shown - off : 32);
		rk_putc('\n');
	}
	/* CBOR tag with a 2-byte number: d9 01 8f (399) or d9 03 8b (907). */
	u64 tag = total >= 3 && token[0] == 0xd9 ? ((u64)token[1] << 8) | token[2] : 0;
	CHECK_TRUE("token is a cca token (cbor tag 399 or 907)", tag == 399 || tag == 907);
	return 0;
}
