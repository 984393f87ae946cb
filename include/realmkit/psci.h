/* SPDX-License-Identifier: MIT */
/*
 * PSCI 1.1 (Arm DEN0022) and SMCCC (Arm DEN0028) function identifiers and
 * return values, as a realm calls them through SMC #0 and as the RMM
 * forwards them to the host in an RMI_EXIT_PSCI exit.
 */
#ifndef REALMKIT_PSCI_H
#define REALMKIT_PSCI_H

#include <stdint.h>

#define PSCI_VERSION            0x84000000UL
#define PSCI_CPU_SUSPEND_32     0x84000001UL
#define PSCI_CPU_SUSPEND_64     0xC4000001UL
#define PSCI_CPU_OFF            0x84000002UL
#define PSCI_CPU_ON_32          0x84000003UL
#define PSCI_CPU_ON_64          0xC4000003UL
#define PSCI_AFFINITY_INFO_32   0x84000004UL
#define PSCI_AFFINITY_INFO_64   0xC4000004UL
#define PSCI_SYSTEM_OFF         0x84000008UL
#define PSCI_SYSTEM_RESET       0x84000009UL
#define PSCI_FEATURES           0x8400000AUL
#define PSCI_SYSTEM_RESET2_32   0x84000012UL
#define PSCI_SYSTEM_RESET2_64   0xC4000012UL

#define SMCCC_VERSION           0x80000000UL
#define SMCCC_ARCH_FEATURES     0x80000001UL
#define SMCCC_VERSION_1_1       0x10001UL
#define SMCCC_VERSION_1_2       0x10002UL
#define SMCCC_NOT_SUPPORTED     ((uint64_t)-1)

#define PSCI_VERSION_1_1        0x10001UL

#define PSCI_RET_SUCCESS            0UL
#define PSCI_RET_NOT_SUPPORTED      ((uint64_t)-1)
#define PSCI_RET_INVALID_PARAMETERS ((uint64_t)-2)
#define PSCI_RET_DENIED             ((uint64_t)-3)
#define PSCI_RET_ALREADY_ON         ((uint64_t)-4)
#define PSCI_RET_ON_PENDING         ((uint64_t)-5)
#define PSCI_RET_INTERNAL_FAILURE   ((uint64_t)-6)
#define PSCI_RET_NOT_PRESENT        ((uint64_t)-7)
#define PSCI_RET_DISABLED           ((uint64_t)-8)
#define PSCI_RET_INVALID_ADDRESS    ((uint64_t)-9)

/* AFFINITY_INFO results */
#define PSCI_AFFINITY_ON         0UL
#define PSCI_AFFINITY_OFF        1UL
#define PSCI_AFFINITY_ON_PENDING 2UL

#endif
