/*
 * ripas: RSI_IPA_STATE_GET / RSI_IPA_STATE_SET on RAM.
 *
 * All of RAM starts RIPAS RAM.  Two pages at RAM + 1 MiB (0x80100000,
 * never touched before) are set EMPTY; a load from the second one must take
 * a synchronous external abort injected by the RMM (EC 0x25, DFSC 0x10,
 * FAR = the address, ELR = the load); set back to RAM they read as zero.
 * Then the argument checks of IPA_STATE_SET and IPA_STATE_GET.
 * The host must accept both RIPAS changes (flags 0: NO_CHANGE_DESTROYED).
 */
#include "rk.h"
#include "rsi.h"

#define T	(RK_RAM_BASE + 0x100000UL)	/* the two pages [T, T + 0x2000) */
#define PROBE	(T + 0x1010UL)

int main(void)
{
	u64 st, top, ripas, next, resp, v, count;

	st = rsi_ipa_state_get(RK_RAM_BASE, RK_RAM_BASE + RK_RAM_MIN, &top, &ripas);
	CHECK_EQ("get ram status", st, RSI_SUCCESS);
	CHECK_EQ("get ram top", top, RK_RAM_BASE + RK_RAM_MIN);
	CHECK_EQ("get ram ripas", ripas, RSI_RIPAS_RAM);

	st = rk_ipa_state_set_all(T, T + 0x2000, RSI_RIPAS_EMPTY, RSI_NO_CHANGE_DESTROYED,
				  &next, &resp);
	CHECK_EQ("set empty status", st, RSI_SUCCESS);
	CHECK_EQ("set empty response", resp, RSI_ACCEPT);
	CHECK_EQ("set empty reached top", next, T + 0x2000);

	st = rsi_ipa_state_get(T, T + 0x2000, &top, &ripas);
	CHECK_EQ("get empty status", st, RSI_SUCCESS);
	CHECK_EQ("get empty top", top, T + 0x2000);
	CHECK_EQ("get empty ripas", ripas, RSI_RIPAS_EMPTY);
	st = rsi_ipa_state_get(T - 0x1000, T + 0x2000, &top, &ripas);
	CHECK_EQ("get ram-then-empty status", st, RSI_SUCCESS);
	CHECK_EQ("get ram-then-empty top", top, T);
	CHECK_EQ("get ram-then-empty ripas", ripas, RSI_RIPAS_RAM);

	count = rk_exc.count;
	(void)rk_probe_load64(PROBE);
	CHECK_EQ("load from empty faults", rk_exc.count - count, 1);
	CHECK_EQ("sea vector (current el, spx, sync)", rk_exc.vector, 0x200);
	CHECK_EQ("sea esr.ec data abort same el", ESR_EC(rk_exc.esr), EC_DABT_CUR);
	CHECK_EQ("sea esr.dfsc synchronous external abort", ESR_DFSC(rk_exc.esr), DFSC_SEA);
	CHECK_EQ("sea far", rk_exc.far, PROBE);
	CHECK_EQ("sea elr is the load", rk_exc.elr, (u64)rk_probe_load64_insn);
	rk_printf("sea esr=0x%lx far=0x%lx\n", rk_exc.esr, rk_exc.far);

	st = rk_ipa_state_set_all(T, T + 0x2000, RSI_RIPAS_RAM, RSI_NO_CHANGE_DESTROYED,
				  &next, &resp);
	CHECK_EQ("set ram status", st, RSI_SUCCESS);
	CHECK_EQ("set ram response", resp, RSI_ACCEPT);
	CHECK_EQ("set ram reached top", next, T + 0x2000);
	st = rsi_ipa_state_get(T, T + 0x2000, &top, &ripas);
	CHECK_EQ("get ram again status", st, RSI_SUCCESS);
	CHECK_EQ("get ram again top", top, T + 0x2000);
	CHECK_EQ("get ram again ripas", ripas, RSI_RIPAS_RAM);

	count = rk_exc.count;
	v = rk_probe_load64(PROBE);
	CHECK_EQ("load from ram again does not fault", rk_exc.count - count, 0);
	CHECK_EQ("load from ram again reads zero", v, 0);
	CHECK_EQ("first page reads zero", rk_probe_load64(T), 0);

	/* IPA_STATE_SET argument checks: nothing leaves the RMM. */
	st = rsi_ipa_state_set(T + 8, T + 0x2000, RSI_RIPAS_EMPTY, 0, &next, &resp);
	CHECK_EQ("set unaligned base error", st, RSI_ERROR_INPUT);
	st = rsi_ipa_state_set(T, T + 0x2008, RSI_RIPAS_EMPTY, 0, &next, &resp);
	CHECK_EQ("set unaligned top error", st, RSI_ERROR_INPUT);
	st = rsi_ipa_state_set(T, T, RSI_RIPAS_EMPTY, 0, &next, &resp);
	CHECK_EQ("set top == base error", st, RSI_ERROR_INPUT);
	st = rsi_ipa_state_set(T + 0x2000, T, RSI_RIPAS_EMPTY, 0, &next, &resp);
	CHECK_EQ("set top < base error", st, RSI_ERROR_INPUT);
	st = rsi_ipa_state_set(rk_shared_bit - 0x1000, rk_shared_bit + 0x1000,
			       RSI_RIPAS_EMPTY, 0, &next, &resp);
	CHECK_EQ("set range crossing into unprotected error", st, RSI_ERROR_INPUT);
	st = rsi_ipa_state_set(T | rk_shared_bit, (T + 0x2000) | rk_shared_bit,
			       RSI_RIPAS_EMPTY, 0, &next, &resp);
	CHECK_EQ("set unprotected range error", st, RSI_ERROR_INPUT);
	st = rsi_ipa_state_set(T, T + 0x2000, 2, 0, &next, &resp);
	CHECK_EQ("set ripas 2 error", st, RSI_ERROR_INPUT);

	st = rsi_ipa_state_get(T + 8, T + 0x2000, &top, &ripas);
	CHECK_EQ("get unaligned start error", st, RSI_ERROR_INPUT);
	st = rsi_ipa_state_get(T, T, &top, &ripas);
	CHECK_EQ("get start == end error", st, RSI_ERROR_INPUT);
	st = rsi_ipa_state_get(T | rk_shared_bit, (T + 0x1000) | rk_shared_bit, &top, &ripas);
	CHECK_EQ("get unprotected error", st, RSI_ERROR_INPUT);

	/* Still RAM after all that. */
	st = rsi_ipa_state_get(T, T + 0x2000, &top, &ripas);
	CHECK_EQ("get after errors ripas", ripas, RSI_RIPAS_RAM);
	return 0;
}
