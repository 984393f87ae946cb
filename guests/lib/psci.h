/* PSCI 1.1 over SMC, as a realm sees it. */
#ifndef RK_PSCI_H
#define RK_PSCI_H

#include "smc.h"

#define PSCI_VERSION		0x84000000UL
#define PSCI_CPU_OFF		0x84000002UL
#define PSCI_CPU_ON		0xC4000003UL
#define PSCI_AFFINITY_INFO	0xC4000004UL
#define PSCI_SYSTEM_OFF		0x84000008UL
#define PSCI_SYSTEM_RESET	0x84000009UL
#define PSCI_FEATURES		0x8400000AUL

/* Return codes (compare the low 32 bits: psci_ret()). */
#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMETERS	(-2)
#define PSCI_DENIED		(-3)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_INVALID_ADDRESS	(-9)

#define PSCI_AFFINITY_ON	0
#define PSCI_AFFINITY_OFF	1

/* A PSCI result as the 32-bit signed value SMC32 functions define. */
static inline s64 psci_ret(u64 x0) { return (s64)(s32)(u32)x0; }

static inline u64 psci_call(u64 fid, u64 a1, u64 a2, u64 a3)
{
	return rk_smc6(fid, a1, a2, a3, 0, 0, 0, 0);
}

static inline void psci_system_off(void) { psci_call(PSCI_SYSTEM_OFF, 0, 0, 0); }
static inline void psci_system_reset(void) { psci_call(PSCI_SYSTEM_RESET, 0, 0, 0); }
static inline void psci_cpu_off(void) { psci_call(PSCI_CPU_OFF, 0, 0, 0); }

#endif
