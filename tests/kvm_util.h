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
	unsigned nslots;
};

/* Create /dev/kvm and a realm VM with the given IPA size (0 = default). */
int vmm_open(struct vmm *v, struct rk_host *host, unsigned ipa);
/* Add private RAM: a guest_memfd of @size, memslot @slot at @gpa, attributes PRIVATE. */
int vmm_add_ram(struct vmm *v, uint64_t gpa, uint64_t size);
/* Create and initialise (PSCI 0.2) a vCPU; returns its fd. */
int vmm_add_vcpu(struct vmm *v);
int vmm_set_reg(struct vmm *v, unsigned vcpu, uint64_t id, uint64_t val);
/* KVM_ARM_RMI_POPULATE until done, as a VMM loops; returns calls made, or -errno. */
long vmm_populate(struct vmm *v, uint64_t gpa, const void *src, uint64_t size, bool measure);
/* Measurements of the host's only realm, found through RMM introspection. */
bool vmm_measurements(struct rk_host *host, struct rmm_measurements *m);
/* Close every fd of the VMM (not the host). */
void vmm_close(struct vmm *v);

#endif
