/* SPDX-License-Identifier: MIT */
/*
 * The EL2 registers of a PE's GICv3 virtual CPU interface (ICH_*_EL2), the
 * hardware through which an RMM 2.0 host passes a REC's virtual interrupts.
 *
 * RMI 1.0 carried the list registers and ICH_HCR in RmiRecRun (gicv3_hcr,
 * gicv3_lrs at entry; with gicv3_misr, gicv3_vmcr at exit).  RMI 2.0 drops
 * those fields: the host programs the virtual CPU interface directly before
 * REC_ENTER, the RMM checks the list registers it finds there and runs the
 * realm with them, and at the exit the state is left in the registers (with
 * ICH_HCR_EL2.En clear) for the host to read back.  Both run at EL2 on the
 * same PE, so it is one register file.
 *
 * Here a PE is a host thread: the thread that programs the registers is the
 * one that issues the SMC, as on hardware, so each thread has its own file
 * (thread-local, no locking).  Only what realmkit's virtual CPU interface
 * implements is modelled: 16 list registers, 5 priority bits (one active
 * priority register per group, as gic.c), HCR, VMCR and MISR.  MISR is
 * computed by the GIC model (the RMM's gic.c) when a REC leaves the PE.
 */
#ifndef REALMKIT_HW_ICH_H
#define REALMKIT_HW_ICH_H

#include <stdint.h>

#define HW_ICH_NUM_LRS 16

/* Architectural fields (GICv3: ICH_HCR_EL2, ICH_LR<n>_EL2). */
#define ICH_HCR_EN         (1UL << 0)
#define ICH_HCR_UIE        (1UL << 1)
#define ICH_LR_STATE_SHIFT 62 /* 0 Invalid, 1 Pending, 2 Active, 3 both */
#define ICH_LR_HW          (1UL << 61)

struct hw_ich {
	uint64_t hcr;                 /* ICH_HCR_EL2 */
	uint64_t vmcr;                /* ICH_VMCR_EL2 */
	uint64_t misr;                /* ICH_MISR_EL2 (read-only for software) */
	uint64_t ap0r, ap1r;          /* ICH_AP0R0_EL2, ICH_AP1R0_EL2 */
	uint64_t lr[HW_ICH_NUM_LRS];  /* ICH_LR<n>_EL2 */
};

/* The calling PE's (thread's) virtual CPU interface registers. */
struct hw_ich *hw_ich_this_pe(void);

#endif
