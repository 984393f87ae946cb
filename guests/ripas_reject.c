/*
 * ripas_reject: the host refuses a RIPAS change to RAM.
 *
 * Sets the two pages at RAM + 1 MiB (0x80100000..0x80102000) EMPTY (the host
 * must ACCEPT that), then asks for RAM again: the host test answers REJECT
 * (RMI entry flag RIPAS_RESPONSE), so the call returns SUCCESS with
 * x2 = REJECT and x1 = how far it got (below top); the rest of the range is
 * still EMPTY.  No retry after the REJECT.
 */
#include "rk.h"
#include "rsi.h"

#define T	(RK_RAM_BASE + 0x100000UL)

int main(void)
{
	u64 st, next, resp, top, ripas;

	st = rk_ipa_state_set_all(T, T + 0x2000, RSI_RIPAS_EMPTY, RSI_NO_CHANGE_DESTROYED,
				  &next, &resp);
	CHECK_EQ("set empty status", st, RSI_SUCCESS);
	CHECK_EQ("set empty response", resp, RSI_ACCEPT);
	CHECK_EQ("set empty reached top", next, T + 0x2000);

	next = resp = 0xdead;
	st = rsi_ipa_state_set(T, T + 0x2000, RSI_RIPAS_RAM, RSI_NO_CHANGE_DESTROYED, &next, &resp);
	rk_printf("set ram: status=0x%lx next=0x%lx response=0x%lx\n", st, next, resp);
	CHECK_EQ("set ram status", st, RSI_SUCCESS);
	CHECK_EQ("set ram response is reject", resp, RSI_REJECT);
	CHECK_TRUE("set ram stopped inside the range", next >= T && next < T + 0x2000 &&
		   (next & (RK_GRANULE - 1)) == 0);

	if (next >= T && next < T + 0x2000 && (next & (RK_GRANULE - 1)) == 0) {
		st = rsi_ipa_state_get(next, T + 0x2000, &top, &ripas);
		CHECK_EQ("get rejected part status", st, RSI_SUCCESS);
		CHECK_EQ("get rejected part still empty", ripas, RSI_RIPAS_EMPTY);
	}
	return 0;
}
