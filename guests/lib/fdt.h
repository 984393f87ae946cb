/*
 * The device tree a VMM hands over, for guests that look devices up in it
 * (gicv3.h, spi, irqbench): found in x0 (the Linux boot protocol) or x1
 * (realmkit run's raw-image convention, where x0 stays 0), read in place.
 * Only what the guests need: the first node whose "compatible" list holds a
 * string, its "reg" (two address and two size cells, as realmkit run's root
 * has) and its first interrupt.  The test VMM passes no DTB: callers then
 * keep their built-in addresses.
 */
#ifndef RK_FDT_H
#define RK_FDT_H

#include "rk.h"

#define RK_FDT_MAGIC	0xd00dfeedU
#define RK_FDT_BEGIN	1
#define RK_FDT_END_NODE	2
#define RK_FDT_PROP	3
#define RK_FDT_NOP	4

static inline u32 rk_be32(const u8 *b)
{
	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline u64 rk_be64(const u8 *b)
{
	return (u64)rk_be32(b) << 32 | rk_be32(b + 4);
}

/* The DTB at entry, or 0: a plausible RAM address holding the FDT magic. */
static inline const u8 *rk_dtb(void)
{
	const u64 cand[2] = { rk_entry_x0, rk_entry_x1 };

	for (int i = 0; i < 2; i++)
		if (cand[i] >= 0x80000000UL && cand[i] < 0x80000000UL + (4UL << 30) &&
		    !(cand[i] & 7) && rk_be32((const u8 *)cand[i]) == RK_FDT_MAGIC)
			return (const u8 *)cand[i];
	return 0;
}

static inline int rk_strlist_has(const u8 *list, u32 len, const char *s)
{
	u32 i = 0;

	while (i < len) {
		u32 k = 0;

		while (s[k] && i + k < len && list[i + k] == (u8)s[k])
			k++;
		if (!s[k] && i + k < len && !list[i + k])
			return 1;
		while (i < len && list[i])
			i++;
		i++;
	}
	return 0;
}

/*
 * The node compatible with @compat: reg entries (base, size) into @reg
 * (up to @nreg pairs) and its first interrupt's INTID into @intid (SPI
 * number + 32, PPI + 16), when present.  Returns the number of reg pairs,
 * or -1 if there is no such node.
 */
static inline int rk_fdt_lookup(const u8 *dtb, const char *compat, u64 *reg, int nreg, u32 *intid)
{
	u32 total, off, strs, end, depth = 0, found_depth = 0;
	const u8 *reg_p = 0, *irq_p = 0;
	u32 reg_len = 0, irq_len = 0;
	int found = 0, n;

	if (!dtb || rk_be32(dtb) != RK_FDT_MAGIC)
		return -1;
	total = rk_be32(dtb + 4);
	off = rk_be32(dtb + 8);
	strs = rk_be32(dtb + 12);
	end = off + rk_be32(dtb + 36); /* size_dt_struct */
	if (end > total || strs > total)
		return -1;
	while (off + 4 <= end) {
		u32 tok = rk_be32(dtb + off);

		off += 4;
		if (tok == RK_FDT_BEGIN) {
			while (off < end && dtb[off])
				off++;
			off = (off + 4) & ~3U;
			depth++;
			if (!found) {
				reg_p = irq_p = 0;
				reg_len = irq_len = 0;
			}
		} else if (tok == RK_FDT_END_NODE) {
			if (found && depth == found_depth)
				break;
			depth--;
		} else if (tok == RK_FDT_PROP) {
			u32 len = rk_be32(dtb + off), name = rk_be32(dtb + off + 4);
			const u8 *val = dtb + off + 8;
			const char *pn = (const char *)dtb + strs + name;

			off = (off + 8 + len + 3) & ~3U;
			if (found && depth != found_depth)
				continue;
			if (!found && pn[0] == 'c' && rk_strlist_has((const u8 *)"compatible", 11, pn) &&
			    rk_strlist_has(val, len, compat)) {
				found = 1;
				found_depth = depth;
			} else if (pn[0] == 'r' && pn[1] == 'e' && pn[2] == 'g' && !pn[3]) {
				reg_p = val;
				reg_len = len;
			} else if (rk_strlist_has((const u8 *)"interrupts", 11, pn)) {
				irq_p = val;
				irq_len = len;
			}
		} else if (tok != RK_FDT_NOP) {
			break;
		}
	}
	if (!found)
		return -1;
	if (irq_p && irq_len >= 12 && intid)
		*intid = rk_be32(irq_p + 4) + (rk_be32(irq_p) == 0 ? 32 : 16);
	for (n = 0; n < nreg && (u32)(16 * n + 16) <= reg_len; n++) {
		reg[2 * n] = rk_be64(reg_p + 16 * n);
		reg[2 * n + 1] = rk_be64(reg_p + 16 * n + 8);
	}
	return n;
}

#endif
