/*
 * unassigned: RAM that was never populated (RIPAS RAM, no data granule yet)
 * reads as zero once the host has resolved the fault, and keeps what is
 * stored.  Three pages well beyond the image: RAM + 1 MiB, + 1.5 MiB and the
 * last page of the 2 MiB minimum.  For each: load (0), store a pattern, load
 * it back, and a second word of the page is still zero.
 */
#include "rk.h"

static const u64 pages[] = {
	RK_RAM_BASE + 0x100000UL,
	RK_RAM_BASE + 0x180000UL,
	RK_RAM_BASE + RK_RAM_MIN - RK_GRANULE,
};

int main(void)
{
	for (unsigned i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		volatile u64 *p = (volatile u64 *)(pages[i] + 0x10);
		volatile u64 *q = (volatile u64 *)(pages[i] + 0x800);
		u64 pattern = 0x5a5a000000000000UL | pages[i];
		char what[] = "page N";

		what[5] = (char)('0' + i);
		rk_printf("page %u at 0x%lx\n", i, pages[i]);
		rk_check2(what, "first load reads zero", *p, 0);
		*p = pattern;
		rk_check2(what, "reads back the stored value", *p, pattern);
		rk_check2(what, "rest of the page is zero", *q, 0);
	}
	return 0;
}
