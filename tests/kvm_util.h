/* SPDX-License-Identifier: MIT */
/* Helpers for driving realmkit's KVM like a VMM does (tests and benchmarks). */
#ifndef REALMKIT_TESTS_KVM_UTIL_H
#define REALMKIT_TESTS_KVM_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "realmkit/host.h"
#include "realmkit/kvm_realmkit.h"
#include "rmm/introspect.h"

/* A realm VM with guest_memfd memslots, created the way kvmtool/QEMU would. */
struct vmm {
	struct rk_host *host;
	int kvm, vm;
	int vcpu[8];
	unsigned nvcpus;
	int gmem[4];
	int vgic; /* the vGIC device fd, -1 before vmm_add_vgic() */
	unsigned nslots;
};

/* Create /dev/kvm and a realm VM with the given IPA size (0 = default). */
int vmm_open(struct vmm *v, struct rk_host *host, unsigned ipa);
/* Add private RAM: a guest_memfd of @size, memslot @slot at @gpa, attributes PRIVATE. */
int vmm_add_ram(struct vmm *v, uint64_t gpa, uint64_t size);
/* Create and initialise (PSCI 0.2) a vCPU; returns its fd. */
int vmm_add_vcpu(struct vmm *v);
int vmm_set_reg(struct vmm *v, unsigned vcpu, uint64_t id, uint64_t val);
/*
 * The in-kernel GICv3 as kvmtool sets it up: distributor at VMM_GICD, a
 * redistributor region below it for up to 8 vCPUs, @nr_irqs INTIDs (0: 64),
 * CTRL_INIT.  Call after the last vCPU is created (CTRL_INIT fixes them).
 * Returns the device fd, or -errno.
 */
#define VMM_GICD 0x3fff0000ULL
#define VMM_GICR (VMM_GICD - 8 * 0x20000ULL)
int vmm_add_vgic(struct vmm *v, unsigned nr_irqs);
/* KVM_ARM_RMI_POPULATE until done, as a VMM loops; returns calls made, or -errno. */
long vmm_populate(struct vmm *v, uint64_t gpa, const void *src, uint64_t size, bool measure);
/* Measurements of the host's only realm, found through RMM introspection. */
bool vmm_measurements(struct rk_host *host, struct rmm_measurements *m);
/* Close every fd of the VMM (not the host). */
void vmm_close(struct vmm *v);

#endif
