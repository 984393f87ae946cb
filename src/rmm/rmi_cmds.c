// SPDX-License-Identifier: MIT
#include "rmm/rmi_cmds.h"

#include <string.h>

#include "realmkit/rmi.h"
#include "realmkit/rmi2.h"

#define V1   RMI_ABI_1_0
#define V2   RMI_ABI_2_0
#define BOTH (RMI_ABI_1_0 | RMI_ABI_2_0)

/* 1.0's commands that 2.0 dropped are V1 only (v2_smc.c answers them NOT_SUPPORTED). */
const struct rmi_cmd rmi_cmds[] = {
	{ "VERSION", RMI_VERSION, 1, 0x3, BOTH },
	{ "GRANULE_DELEGATE", RMI_GRANULE_DELEGATE, 1, 0, V1 },
	{ "GRANULE_UNDELEGATE", RMI_GRANULE_UNDELEGATE, 1, 0, V1 },
	{ "DATA_CREATE", RMI_DATA_CREATE, 5, 0, V1 },
	{ "DATA_CREATE_UNKNOWN", RMI_DATA_CREATE_UNKNOWN, 3, 0, V1 },
	{ "DATA_DESTROY", RMI_DATA_DESTROY, 2, 0x3, V1 },
	{ "REALM_ACTIVATE", RMI_REALM_ACTIVATE, 1, 0, BOTH },
	{ "REALM_CREATE", RMI_REALM_CREATE, 2, 0, BOTH },
	{ "REALM_DESTROY", RMI_REALM_DESTROY, 1, 0, BOTH },
	{ "REC_CREATE", RMI_REC_CREATE, 3, 0, BOTH },
	{ "REC_DESTROY", RMI_REC_DESTROY, 1, 0, BOTH },
	{ "REC_ENTER", RMI_REC_ENTER, 2, 0, BOTH },
	{ "RTT_CREATE", RMI_RTT_CREATE, 4, 0, BOTH },
	{ "RTT_DESTROY", RMI_RTT_DESTROY, 3, 0x3, BOTH },
	{ "RTT_MAP_UNPROTECTED", RMI_RTT_MAP_UNPROTECTED, 4, 0, V1 },
	{ "RTT_READ_ENTRY", RMI_RTT_READ_ENTRY, 3, 0xf, BOTH },
	{ "RTT_UNMAP_UNPROTECTED", RMI_RTT_UNMAP_UNPROTECTED, 3, 0x1, V1 },
	{ "PSCI_COMPLETE", RMI_PSCI_COMPLETE, 3, 0, BOTH },
	{ "FEATURES", RMI_FEATURES, 1, 0x1, BOTH },
	{ "RTT_FOLD", RMI_RTT_FOLD, 3, 0x1, BOTH },
	{ "REC_AUX_COUNT", RMI_REC_AUX_COUNT, 1, 0x1, V1 },
	{ "RTT_INIT_RIPAS", RMI_RTT_INIT_RIPAS, 3, 0x1, BOTH },
	{ "RTT_SET_RIPAS", RMI_RTT_SET_RIPAS, 4, 0x1, BOTH },
	/* RMI 2.0 only (docs/RMM2.md). RTT_DATA_MAP_INIT reuses 1.0's DATA_CREATE FID. */
	{ "RTT_DATA_MAP_INIT", RMI2_RTT_DATA_MAP_INIT, 5, 0, V2 },
	{ "RMM_CONFIG_SET", RMI2_RMM_CONFIG_SET, 1, 0, V2 },
	{ "RMM_CONFIG_GET", RMI2_RMM_CONFIG_GET, 1, 0, V2 },
	{ "RMM_ACTIVATE", RMI2_RMM_ACTIVATE, 0, 0, V2 },
	{ "GRANULE_TRACKING_GET", RMI2_GRANULE_TRACKING_GET, 2, 0x7, V2 },
	{ "GRANULE_RANGE_DELEGATE", RMI2_GRANULE_RANGE_DELEGATE, 2, 0x1, V2 },
	{ "GRANULE_RANGE_UNDELEGATE", RMI2_GRANULE_RANGE_UNDELEGATE, 2, 0x1, V2 },
	{ "GPT_L1_CREATE", RMI2_GPT_L1_CREATE, 1, 0, V2 },
	{ "RTT_DATA_MAP", RMI2_RTT_DATA_MAP, 5, 0x1, V2 },
	{ "RTT_DATA_UNMAP", RMI2_RTT_DATA_UNMAP, 5, 0x7, V2 },
	{ "RTT_UNPROT_MAP", RMI2_RTT_UNPROT_MAP, 5, 0x1, V2 },
	{ "RTT_UNPROT_UNMAP", RMI2_RTT_UNPROT_UNMAP, 5, 0x7, V2 },
	{ "REALM_TERMINATE", RMI2_REALM_TERMINATE, 1, 0, V2 },
	{ "OP_CONTINUE", RMI2_OP_CONTINUE, 2, 0, V2 },
	{ "OP_MEM_DONATE", RMI2_OP_MEM_DONATE, 3, 0x1, V2 },
	{ "OP_MEM_RECLAIM", RMI2_OP_MEM_RECLAIM, 3, 0x1, V2 },
	{ "OP_CANCEL", RMI2_OP_CANCEL, 1, 0, V2 },
};

const unsigned rmi_ncmds = sizeof(rmi_cmds) / sizeof(rmi_cmds[0]);

const struct rmi_cmd *rmi_cmd_by_fid(uint64_t fid, unsigned abi)
{
	for (unsigned i = 0; i < rmi_ncmds; i++)
		if (rmi_cmds[i].fid == fid && (rmi_cmds[i].abi & abi))
			return &rmi_cmds[i];
	return NULL;
}

const struct rmi_cmd *rmi_cmd_by_name(const char *name)
{
	for (unsigned i = 0; i < rmi_ncmds; i++)
		if (!strcmp(rmi_cmds[i].name, name))
			return &rmi_cmds[i];
	return NULL;
}
