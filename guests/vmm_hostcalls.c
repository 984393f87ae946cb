/*
 * vmm_hostcalls: the refusals of `realmkit run`'s host calls (src/vmm/plan.h,
 * docs/VMM.md), made through RSI_HOST_CALL as the demo makes them.  Each
 * refused call answers x0 = 1 and changes nothing; a call outside the VMM's
 * range is not forwarded to it and answers SMCCC NOT_SUPPORTED.  Run without
 * --challenge, so the challenge call is refused too.  Then one good shared
 * message proves the page and the call work.
 */
#include "rk.h"
#include "rsi.h"

#define HC_CHALLENGE	0xC6000100UL
#define HC_TOKEN	0xC6000101UL
#define HC_SHARED	0xC6000103UL
#define HC_OUTSIDE	0xC6000110UL
#define TOKEN_CHUNK	(27 * 8)
#define TOKEN_MAX	(64 * 1024)

static struct rsi_host_call hc RK_ALIGNED(0x100);
static char page[RK_GRANULE] RK_ALIGNED(RK_GRANULE);

static u64 call(u64 fid, u64 x1, u64 x2, u64 x3)
{
	for (int i = 0; i < 31; i++)
		hc.gprs[i] = 0;
	hc.gprs[0] = fid;
	hc.gprs[1] = x1;
	hc.gprs[2] = x2;
	hc.gprs[3] = x3;
	if (rsi_host_call((u64)&hc) != RSI_SUCCESS)
		return 0xbad;
	return hc.gprs[0];
}

int main(void)
{
	u64 p = (u64)page, next, resp;

	CHECK_EQ("challenge without --challenge", call(HC_CHALLENGE, 0, 0, 0), 1);
	CHECK_EQ("token: total 0", call(HC_TOKEN, 0, 0, 8), 1);
	CHECK_EQ("token: total over 64 KiB", call(HC_TOKEN, TOKEN_MAX + 1, 0, 8), 1);
	CHECK_EQ("token: chunk over 216 bytes", call(HC_TOKEN, 4096, 0, TOKEN_CHUNK + 1), 1);
	CHECK_EQ("token: offset past the end", call(HC_TOKEN, 64, 65, 0), 1);
	CHECK_EQ("token: offset + length past the end", call(HC_TOKEN, 64, 60, 8), 1);
	CHECK_EQ("shared: IPA not page aligned", call(HC_SHARED, p + 8, 4, 0), 1);
	CHECK_EQ("shared: IPA below RAM", call(HC_SHARED, 0x1000, 4, 0), 1);
	CHECK_EQ("shared: IPA far above RAM", call(HC_SHARED, 0x7f000000000UL, 4, 0), 1);
	CHECK_EQ("shared: message of 128 bytes", call(HC_SHARED, p, 128, 0), 1);
	CHECK_EQ("outside the VMM's range", call(HC_OUTSIDE, 0, 0, 0), SMCCC_NOT_SUPPORTED);

	/* The good call: share the page, write at its alias, get the answer. */
	CHECK_EQ("shared page RIPAS EMPTY",
		 rk_ipa_state_set_all(p, p + RK_GRANULE, RSI_RIPAS_EMPTY, RSI_CHANGE_DESTROYED,
				      &next, &resp), RSI_SUCCESS);
	CHECK_EQ("shared page accepted", resp, RSI_ACCEPT);
	{
		volatile char *alias = (volatile char *)(p | rk_shared_bit);

		alias[0] = 'h';
		alias[1] = 'i';
		CHECK_EQ("shared: a good message", call(HC_SHARED, p, 2, 0), 0);
		CHECK_EQ("shared: the answer starts 'pong'", alias[0] == 'p' && alias[1] == 'o',
			 1);
	}
	return 0;
}
