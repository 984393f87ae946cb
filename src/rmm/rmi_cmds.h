/* SPDX-License-Identifier: MIT */
/*
 * The RMI commands as data: name, function ID, how many input registers and
 * which outputs they have, and which ABI (1.0, 2.0) defines them.  One table
 * that everything naming or describing a command reads: the `realmkit rmi`
 * script language, the fuzzers' traces and the conformance suite.
 */
#ifndef REALMKIT_RMM_RMI_CMDS_H
#define REALMKIT_RMM_RMI_CMDS_H

#include <stdint.h>

#define RMI_ABI_1_0 1U /* RMI 1.0 (DEN0137 1.0-rel0) */
#define RMI_ABI_2_0 2U /* RMI 2.0 as Linux v14 drives it (docs/RMM2.md) */

struct rmi_cmd {
	const char *name;
	uint64_t fid;
	uint8_t nargs;   /* input registers x1.. */
	uint8_t outputs; /* bitmask of x1..x4 that carry results on success (bit 0 = x1) */
	uint8_t abi;     /* RMI_ABI_* that define it */
};

extern const struct rmi_cmd rmi_cmds[];
extern const unsigned rmi_ncmds;

/* The command @fid is in @abi (RMI_ABI_1_0 or _2_0: 0x153 differs), or NULL. */
const struct rmi_cmd *rmi_cmd_by_fid(uint64_t fid, unsigned abi);
/* The command called @name in any ABI, or NULL. */
const struct rmi_cmd *rmi_cmd_by_name(const char *name);

#endif
