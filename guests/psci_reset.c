/*
 * psci_reset: ends with PSCI SYSTEM_RESET instead of SYSTEM_OFF.
 * Prints its line and "PASS", then calls SYSTEM_RESET, which must not
 * return; if it does, "FAIL system_reset returned ..." and SYSTEM_OFF.
 */
#include "rk.h"
#include "psci.h"

int main(void)
{
	rk_puts("psci_reset: calling SYSTEM_RESET\n");
	rk_puts("PASS\n");
	u64 r = psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	rk_printf("FAIL system_reset returned got=0x%lx want=0x0\n", r);
	rk_failures++;
	return 0;	/* rk_finish: FAILED 1, SYSTEM_OFF */
}
