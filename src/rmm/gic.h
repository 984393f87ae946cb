/* SPDX-License-Identifier: MIT */
/* A REC's GICv3 virtual CPU interface and generic timers (gic.c). */
#ifndef REALMKIT_RMM_GIC_H
#define REALMKIT_RMM_GIC_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/cpu.h"
#include "rmm/internal.h"

enum gic_result {
	GIC_NOT_GIC, /* not an ICC register */
	GIC_DONE,    /* emulated */
	GIC_EXIT,    /* trapped to the host: a SYNC exit with *exit_esr, the value in gprs[0] */
	GIC_UNDEF,   /* UNDEFINED (e.g. a read of a write-only register) */
};

/* Entry: the host's list registers and ICH_HCR bits; exit: what the host gets back. */
void gic_entry(struct rec *rec, const struct rmi_rec_entry *e);
void gic_exit(const struct rec *rec, struct rmi_rec_exit *x);
/* RMI 2.0: the same from / to the PE's ICH_*_EL2 registers (hw/ich.h). */
void gic_entry_pe(struct rec *rec);
void gic_exit_pe(const struct rec *rec);
/* Is a virtual IRQ signalled to the PE (whatever PSTATE.I says)? */
bool gic_virq(const struct rec *rec);
/* Is the maintenance interrupt asserted (ICH_HCR.En and MISR != 0)? */
bool gic_maintenance(const struct rec *rec);
/* MRS (@read) / MSR of ICC register @enc. */
enum gic_result gic_sysreg(struct rec *rec, uint32_t enc, bool read, uint64_t *val,
			   uint64_t *exit_esr);

/* CNT* register access; false if @enc is not a timer register. */
bool timer_sysreg(struct rec *rec, uint32_t enc, bool read, uint64_t *val);
/* Entry: mask the asserted timers; true if an output changed since the last exit. */
bool timer_entry(struct rec *rec);
/* The counter value when an unmasked timer fires (0: none); *fired if one has. */
uint64_t timer_deadline(const struct rec *rec, bool *fired);
void timer_exit(struct rec *rec, struct rmi_rec_exit *x);

#endif
