/* SPDX-License-Identifier: MIT */
/*
 * Observing a simulated host, for tests and tools: what a VMM on real
 * hardware could only learn from an attestation token (a realm's
 * measurements), and what only the RMM knows (where every granule is).
 * Not part of the kernel ABI: a VMM that must also run on a real CCA kernel
 * uses it only in its tests.  Every call may be made from any thread.
 */
#ifndef REALMKIT_OBSERVE_H
#define REALMKIT_OBSERVE_H

#include <stdint.h>

#include "realmkit/host.h"

/* A realm's Realm Initial Measurement and Realm Extensible Measurements. */
struct rk_measurements {
	unsigned hash_len; /* 32 (SHA-256) or 64 (SHA-512); bytes past it are zero */
	uint8_t rim[64];
	uint8_t rem[4][64];
};

/*
 * The measurements of the realm of VM @vm_fd, as they are now.  Returns 0,
 * or -1 with errno: EBADF (not an fd), ENOTTY (not a VM of @host), ENODATA
 * (the VM has no realm descriptor yet: nothing populated or run).
 */
int rk_vm_measurements(struct rk_host *host, int vm_fd, struct rk_measurements *m);

/* Where every DRAM granule is, by the RMM's granule state. */
struct rk_census {
	uint64_t undelegated, delegated, rd, rec, rec_aux, data, rtt;
};
void rk_host_census(struct rk_host *host, struct rk_census *c);

#endif
