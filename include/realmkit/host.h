/* SPDX-License-Identifier: MIT */
/*
 * realmkit's host kernel: the KVM realm user ABI over the software RMM, in
 * user space.  A VMM uses it exactly as it uses /dev/kvm:
 *
 *	struct rk_host *host = rk_host_create(NULL);        // DRAM + RMM + KVM
 *	int kvm = rk_open_kvm(host);                        // instead of open("/dev/kvm")
 *	int vm = rk_ioctl(host, kvm, KVM_CREATE_VM, type);  // instead of ioctl(kvm, ...)
 *	struct kvm_run *run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
 *	close(vm);                                          // plain close()
 *
 * The file descriptors are real (memfds): they can be polled, mmap()ed
 * (the vCPU's struct kvm_run), dup()ed and closed.  As in Linux, a VM lives
 * until its last file (VM, vCPU or guest_memfd) is closed and its last
 * kvm_run mapping unmapped; realmkit notices released files at its reap
 * points (rk_host_reap(), KVM_CREATE_VM, and rk_host_destroy()) and tears
 * the VM down there.  Files reopened through /proc/self/fd are not tracked
 * (Linux refuses to reopen KVM's files that way).
 *
 * Threads: every function here may be called from any thread, at the same
 * time, on one host, except rk_host_destroy(), which must be the last call.
 * As in Linux, vCPUs run in parallel (one KVM_RUN per vCPU at a time; a
 * second caller waits), and the rest is serialised per host.  Threads with a
 * VM each on one host, and one thread per vCPU, are tested under
 * ThreadSanitizer (docs/ARCHITECTURE.md, "Threads").
 *
 * Errors follow the kernel convention: rk_ioctl() returns -1 and sets errno.
 *
 * C99 or later.  With the system's <linux/kvm.h>, include it before this
 * header (see realmkit/kvm.h).
 */
#ifndef REALMKIT_HOST_H
#define REALMKIT_HOST_H

#include <stdint.h>

#include "realmkit/kvm.h"

struct rk_host;

struct rk_host_config {
	uint64_t dram_size;      /* simulated DRAM at 0x80000000; 0: 4 GiB (lazily backed) */
	uint64_t populate_chunk; /* pages per KVM_ARM_RMI_POPULATE call before it reports
				  * progress; 0 = unlimited.  Default from the environment
				  * variable REALMKIT_POPULATE_CHUNK, else 0. */
	unsigned rmm;            /* the RMM the machine boots: RK_RMM_1_0 or RK_RMM_2_0,
				  * which KVM then drives as Linux v14 does (docs/RMM2.md).
				  * 0: the environment variable REALMKIT_RMM (1.0 or 2.0),
				  * else 2.0 (the RMI Linux v14 drives).  1.0 and 2.0
				  * realms measure differently (docs/KVM.md). */
	/* Attestation (docs/ATTESTATION.md): the platform's CPAK, a PEM file with an EC
	 * P-384 private key (`realmkit platform init` makes one); NULL: the default
	 * identity.  A key that cannot be loaded fails rk_host_create with EINVAL. */
	const char *platform_key;
	int token_cmw;           /* realm tokens as CMW collections (tag 907); 0: tag 399 */
};
#define RK_RMM_1_0 1U
#define RK_RMM_2_0 2U

/*
 * The RMM rk_host_create() boots when .rmm is 0: RK_RMM_1_0 or RK_RMM_2_0 as
 * the environment variable REALMKIT_RMM says, else RK_RMM_2_0; 0 if
 * REALMKIT_RMM is set to something else.  `realmkit measure` predicts for it.
 */
unsigned rk_default_rmm(void);

/* A host machine (DRAM + RMM + KVM).  @cfg may be NULL for defaults. */
struct rk_host *rk_host_create(const struct rk_host_config *cfg);
/* Close every file still open on @host, tear down every VM, free the machine. */
void rk_host_destroy(struct rk_host *host);

/* The equivalent of open("/dev/kvm", O_RDWR | O_CLOEXEC). */
int rk_open_kvm(struct rk_host *host);

/* The equivalent of ioctl(fd, request, arg) on a KVM file of @host. */
int rk_ioctl(struct rk_host *host, int fd, unsigned long request, ...);

/* Release objects whose files were closed; returns how many VMs were torn down. */
int rk_host_reap(struct rk_host *host);

/* Observation for tests and tools (not part of the kernel ABI). */
struct rk_host_stats {
	uint64_t vms_live;
	uint64_t files_live;
	uint64_t pages_used;     /* DRAM pages the host kernel holds */
	uint64_t pages_leaked;   /* withheld because they could not be undelegated */
	uint64_t granules_delegated; /* granules not in the NS world, per the RMM */
	uint64_t rmi_calls;
	uint64_t bytes_copied;   /* bytes the host kernel copied into NS staging pages
				  * (from user memory, or read from a file) */
	uint64_t syscalls;       /* read/pread calls made by the host kernel (and, for
				  * written guest_memfd pages, its mincore/madvise calls) */
};
void rk_host_stats(struct rk_host *host, struct rk_host_stats *st);
/* The RMM under this host, for introspection (rmm/introspect.h) only. */
struct rmm *rk_host_rmm(struct rk_host *host);

#endif
