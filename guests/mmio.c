/*
 * mmio: emulated MMIO at an address no device claims, reached at its
 * unprotected alias: B = 0x0a000000 | shared bit.
 *
 * The host test must answer every read in [B, B + 0x80) with the little-endian
 * bytes f1 f2 f3 f4 f5 f6 f7 f8 truncated to the access size (the value
 * 0xf8f7f6f5f4f3f2f1 masked to the size), and should check the writes it sees.
 * The exact sequence (offset from B, size in bytes, data), all from mmio.S:
 *   W1 write 0x10 1 0xd1              R1  read 0x10 1 (ldrb  w)
 *   W2 write 0x20 2 0xd2d1            R2  read 0x20 2 (ldrh  w)
 *   W3 write 0x30 4 0xd4d3d2d1        R3  read 0x30 4 (ldr   w)
 *   W4 write 0x40 8 0xd8d7d6d5d4d3d2d1 R4 read 0x40 8 (ldr   x)
 *   W5 write 0x48 8 0x0 (xzr)         R5  read 0x50 1 (ldrsb x)
 *                                     R6  read 0x60 2 (ldrsh x)
 *                                     R7  read 0x70 4 (ldrsw x)
 *                                     R8  read 0x58 1 (ldrsb w)
 *                                     R9  read 0x68 2 (ldrsh w)
 *                                     R10 read 0x78 8 (ldr xzr)
 *                                     R11 read 0x7c 4 (ldr wzr)
 * W1..W5 come first, then R1..R11, with no other access to the window (the
 * UART is at a different address).
 */
#include "rk.h"

#define MMIO_BASE 0x0a000000UL

void mmio_run(u64 base, u64 *out);

static u64 out[14];

static const struct {
	const char *what;
	u64 want;
} reads[] = {
	{ "ldrb w zero-extends", 0xf1UL },
	{ "ldrh w zero-extends", 0xf2f1UL },
	{ "ldr w zero-extends", 0xf4f3f2f1UL },
	{ "ldr x", 0xf8f7f6f5f4f3f2f1UL },
	{ "ldrsb x sign-extends", 0xfffffffffffffff1UL },
	{ "ldrsh x sign-extends", 0xfffffffffffff2f1UL },
	{ "ldrsw x sign-extends", 0xfffffffff4f3f2f1UL },
	{ "ldrsb w sign-extends to 32 bits", 0xfffffff1UL },
	{ "ldrsh w sign-extends to 32 bits", 0xfffff2f1UL },
	{ "ldr xzr/wzr leave sp alone", 0 },
};

int main(void)
{
	u64 base = MMIO_BASE | rk_shared_bit;

	rk_printf("mmio base=0x%lx\n", base);
	mmio_run(base, out);
	for (unsigned i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		if (i < 9)
			rk_printf("read R%u=0x%lx\n", i + 1, out[i]);
		rk_check(reads[i].what, out[i], reads[i].want);
	}
	CHECK_TRUE("stores leave their source registers alone",
		   out[10] == 0xd8d7d6d5d4d3d2d1UL && out[11] == out[10] &&
		   out[12] == out[10] && out[13] == out[10]);
	return 0;
}
