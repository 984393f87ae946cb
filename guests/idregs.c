/*
 * idregs: the feature ID registers a realm reads at boot, which the RMM
 * presents consistently with the realm's parameters.  Prints each value for
 * the host test, which checks the fields against the realm it created:
 *
 *	pfr0=0x<hex> zfr0=0x<hex> dfr0=0x<hex> mmfr0=0x<hex>
 *	ok no SVE
 *	ok no SME
 *	ok PARange holds the IPA width
 *	PASS
 */
#include "rk.h"

#define MRS(reg) ({ u64 _v; __asm__ volatile("mrs %0, " reg : "=r"(_v)); _v; })

int main(void)
{
	u64 pfr0 = MRS("ID_AA64PFR0_EL1"), zfr0 = MRS("S3_0_C0_C4_4");
	u64 smfr0 = MRS("S3_0_C0_C4_5"), dfr0 = MRS("ID_AA64DFR0_EL1");
	u64 mmfr0 = MRS("ID_AA64MMFR0_EL1");
	static const u64 bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	u64 pa = mmfr0 & 0xf;

	rk_printf("pfr0=0x%lx zfr0=0x%lx dfr0=0x%lx mmfr0=0x%lx\n", pfr0, zfr0, dfr0, mmfr0);
	CHECK_TRUE("no SVE", ((pfr0 >> 32) & 0xf) == 0 && zfr0 == 0);
	CHECK_EQ("no SME", smfr0, 0);
	CHECK_TRUE("PARange holds the IPA width", pa < 7 && bits[pa] >= rk_ipa_width);
	rk_finish();
}
