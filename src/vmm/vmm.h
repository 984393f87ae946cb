/* SPDX-License-Identifier: MIT */
/*
 * Executing a launch plan (plan.h) against the KVM realm ABI: the VM, the
 * in-kernel GICv3, RAM as a guest_memfd memslot, the images populated, one
 * thread per vCPU running KVM_RUN and the devices answering its exits.
 * Every call goes through rk_ioctl() with Linux's request numbers; the only
 * other realmkit call is rk_vm_measurements() (observe.h), to report the
 * RIM and REMs as a verifier would read them from a token.
 */
#ifndef REALMKIT_VMM_VMM_H
#define REALMKIT_VMM_VMM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "realmkit/observe.h"
#include "vmm/plan.h"

/* How the realm ended, and the exit status `realmkit run` gives for it. */
enum vmm_ending {
	VMM_END_SYSTEM_OFF,   /* PSCI SYSTEM_OFF: 0 */
	VMM_END_SYSTEM_RESET, /* PSCI SYSTEM_RESET (not restarted): 3 */
	VMM_END_FAULT,        /* KVM_RUN failed: a fatal realm exit (ENXIO), or the realm off: 4 */
	VMM_END_STRICT_MMIO,  /* an access no device claims, with --strict-mmio: 4 */
	VMM_END_TIMEOUT,      /* --timeout: 5 */
	VMM_END_INTERRUPTED,  /* SIGINT/SIGTERM: 6 */
	VMM_END_ERROR,        /* the VMM could not launch or run it (a KVM call failed): 1 */
};

#define VMM_EXIT_OK          0
#define VMM_EXIT_ERROR       1
#define VMM_EXIT_USAGE       2
#define VMM_EXIT_RESET       3
#define VMM_EXIT_FAULT       4
#define VMM_EXIT_TIMEOUT     5
#define VMM_EXIT_INTERRUPTED 6

const char *vmm_ending_name(enum vmm_ending e);
int vmm_ending_exit_code(enum vmm_ending e);

struct vmm_run_config {
	enum vmm_console console;
	FILE *console_out;       /* where the UART's output goes (stdout; stderr with --json) */
	double timeout;          /* seconds, 0: none */
	bool strict_mmio;
	bool refuse_ram;
	const uint8_t *challenge; /* 64 bytes, or NULL: the realm is told there is none */
	double t_process_start;  /* CLOCK_MONOTONIC seconds at process start, for timings */
};

/* Milliseconds. */
struct vmm_timings {
	double create;              /* host, VM, GIC, memslot, vCPUs */
	double populate_measured;
	double populate_unmeasured;
	double ripas;               /* VMM-driven RIPAS init (--ripas vmm) */
	double activate;            /* vCPU 0's first KVM_RUN to its first exit: activation
				     * (RECs, KVM's RIPAS, REALM_ACTIVATE) and realm code up to
				     * its first exit */
	double run;                 /* first KVM_RUN to the last vCPU thread's end */
	double total;               /* process start to the end */
	uint64_t measured_bytes, unmeasured_bytes;
};

struct vmm_result {
	enum vmm_ending ending;
	char detail[256];           /* for faults and errors: what happened */
	bool have_measurements;
	struct rk_measurements m;
	struct vmm_timings t;
	uint64_t mmio_exits, mmio_unclaimed, memory_faults, hypercalls;
	uint64_t doorbells, markers; /* doorbell rings (SPIs raised) and marker writes */
	uint64_t shared_reads;      /* VMM_HC_SHARED messages read from the realm's shared pages */
	bool attest_failed;         /* the realm reported (VMM_HC_TOKEN_ERROR) ... */
	uint64_t attest_rsi_status; /* ... this RSI status from ATTEST_TOKEN_INIT/CONTINUE */
	uint8_t *token;             /* the token the realm handed back (VMM_HC_TOKEN) */
	size_t token_size;
	bool token_complete;
};

/* Launch and run; fills @r (always) and returns the exit status. */
int vmm_launch(const struct vmm_plan *p, const struct vmm_run_config *c, struct vmm_result *r);
void vmm_result_free(struct vmm_result *r);

/* Async-signal-safe: ask the running launch to stop (ending INTERRUPTED). */
void vmm_request_stop(void);

double vmm_now(void); /* CLOCK_MONOTONIC, seconds */

#endif
