/*
 * host_call: RSI_HOST_CALL with imm 0x1234 and gprs[i] = 0x4843000000000000 | i
 * ("HC" in the top bytes).  The host sees imm and the 31 values in the REC
 * exit and writes its answer into the REC entry gprs; the guest prints
 * gprs[0..6] as it gets them back ("hostcall gprN=0x..").  The guest does not
 * check the values; the host test decides what to write and what to expect.
 * Errors: an address not 0x100-aligned, and one in the unprotected half ->
 * ERROR_INPUT without any exit.
 */
#include "rk.h"
#include "rsi.h"

#define IMM	0x1234U
#define PATTERN	0x4843000000000000UL

static struct rsi_host_call hc RK_ALIGNED(256);

int main(void)
{
	u64 st;

	hc.imm = IMM;
	for (int i = 0; i < 31; i++)
		hc.gprs[i] = PATTERN | (u64)i;

	st = rsi_host_call((u64)&hc);
	CHECK_EQ("host call status", st, RSI_SUCCESS);
	CHECK_EQ("host call imm untouched", hc.imm, IMM);
	for (int i = 0; i <= 6; i++)
		rk_printf("hostcall gpr%d=0x%lx\n", i, hc.gprs[i]);

	st = rsi_host_call((u64)&hc + 8);
	CHECK_EQ("host call unaligned error", st, RSI_ERROR_INPUT);
	st = rsi_host_call((u64)&hc + 0x80);
	CHECK_EQ("host call half-aligned error", st, RSI_ERROR_INPUT);
	st = rsi_host_call((u64)&hc | rk_shared_bit);
	CHECK_EQ("host call unprotected error", st, RSI_ERROR_INPUT);
	return 0;
}
