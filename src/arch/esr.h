/* SPDX-License-Identifier: MIT */
/*
 * Exception Syndrome Register (ESR_ELx) encodings, Arm ARM D17.2.37: the
 * exception classes and ISS fields that the RMM reports to the host and
 * injects into realms.  Architecture facts only, no policy.
 */
#ifndef REALMKIT_ARCH_ESR_H
#define REALMKIT_ARCH_ESR_H

#include <stdint.h>

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK  (0x3fUL << ESR_EC_SHIFT)
#define ESR_IL       (1UL << 25)
#define ESR_ISS_MASK 0x1ffffffUL

#define ESR_EC_UNKNOWN    0x00UL
#define ESR_EC_WFX        0x01UL
#define ESR_EC_SVC64      0x15UL
#define ESR_EC_HVC64      0x16UL
#define ESR_EC_SMC64      0x17UL
#define ESR_EC_SYS64      0x18UL
#define ESR_EC_IABT_LOWER 0x20UL
#define ESR_EC_IABT_CUR   0x21UL
#define ESR_EC_DABT_LOWER 0x24UL
#define ESR_EC_DABT_CUR   0x25UL
#define ESR_EC_SERROR     0x2fUL

static inline uint64_t esr_ec(uint64_t esr)
{
	return (esr & ESR_EC_MASK) >> ESR_EC_SHIFT;
}

static inline uint64_t esr_make(uint64_t ec, uint64_t iss)
{
	return ec << ESR_EC_SHIFT | ESR_IL | (iss & ESR_ISS_MASK);
}

/* Data/instruction abort ISS. */
#define ESR_ISV        (1UL << 24)
#define ESR_SAS_SHIFT  22
#define ESR_SAS_MASK   (0x3UL << ESR_SAS_SHIFT)
#define ESR_SSE        (1UL << 21)
#define ESR_SRT_SHIFT  16
#define ESR_SRT_MASK   (0x1fUL << ESR_SRT_SHIFT)
#define ESR_SF         (1UL << 15)
#define ESR_AR         (1UL << 14)
#define ESR_SET_MASK   (0x3UL << 11)
#define ESR_FNV        (1UL << 10)
#define ESR_EA         (1UL << 9)
#define ESR_S1PTW      (1UL << 7)
#define ESR_WNR        (1UL << 6)
#define ESR_FSC_MASK   0x3fUL

/* Fault status codes */
#define ESR_FSC_TRANSLATION(level) (0x04UL + (uint64_t)(level)) /* levels 0..3 */
#define ESR_FSC_SEA                0x10UL

/* WFx ISS: TI[1:0] 0 WFI, 1 WFE */
#define ESR_WFX_TI_WFE 1UL

#endif
