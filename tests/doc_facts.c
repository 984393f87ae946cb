// SPDX-License-Identifier: MIT
/*
 * Facts the documentation states, measured on the library and printed as
 * key=value lines; tests/check_docs.cmake checks that docs/KVM.md,
 * docs/ARCHITECTURE.md and docs/RMI-SCRIPTS.md say exactly these (they
 * once said KVM_CHECK_EXTENSION(MEMORY_ATTRIBUTES) on /dev/kvm was 0, and a
 * 1 GiB default DRAM for the KVM host).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "hw/pas.h"
#include "realmkit/host.h"
#include "realmkit/kvm_realmkit.h"
#include "realmkit/rmi.h"
#include "rmm/introspect.h"

static const char *errno_name(int e)
{
	switch (e) {
	case EEXIST:
		return "EEXIST";
	case ENOSYS:
		return "ENOSYS";
	case ENOEXEC:
		return "ENOEXEC";
	case EINVAL:
		return "EINVAL";
	default:
		return "?";
	}
}

static int ext(struct rk_host *h, int fd, long cap)
{
	return rk_ioctl(h, fd, KVM_CHECK_EXTENSION, cap);
}

int main(void)
{
	struct kvm_vcpu_init init = { KVM_ARM_TARGET_GENERIC_V8, { 1U << KVM_ARM_VCPU_PSCI_0_2 } };
	struct rk_host *h;
	struct rmm_census c;
	uint64_t dfr0 = 0, granules = 0;
	struct kvm_one_reg reg = { KVM_REG_ARM64_ID_AA64DFR0_EL1, (uint64_t)(uintptr_t)&dfr0 };
	int kvm, vm, nvm, vcpu, nvcpu;

	unsetenv("REALMKIT_RMM"); /* the facts are the defaults */
	h = rk_host_create(NULL);
	if (!h)
		return 1;
	kvm = rk_open_kvm(h);
	vm = rk_ioctl(h, kvm, KVM_CREATE_VM, KVM_VM_TYPE_ARM_REALM | 40);
	nvm = rk_ioctl(h, kvm, KVM_CREATE_VM, 40);
	{
		/* The RMM a default host boots: the highest version RMI_VERSION reports. */
		struct smc_result res;

		rmm_call(rk_host_rmm(h), RMI_VERSION, 0x20000, 0, 0, 0, 0, &res);
		printf("host_rmm=%u.%u\n", (unsigned)(res.x[2] >> 16), (unsigned)(res.x[2] & 0xffff));
	}
	printf("memattr_kvm=%d\n", ext(h, kvm, KVM_CAP_MEMORY_ATTRIBUTES));
	printf("memattr_realm=%d\n", ext(h, vm, KVM_CAP_MEMORY_ATTRIBUTES));
	printf("memattr_normal=%d\n", ext(h, nvm, KVM_CAP_MEMORY_ATTRIBUTES));
	printf("gmem_kvm=%d\n", ext(h, kvm, KVM_CAP_GUEST_MEMFD));
	printf("gmem_realm=%d\n", ext(h, vm, KVM_CAP_GUEST_MEMFD));
	printf("gmem_normal=%d\n", ext(h, nvm, KVM_CAP_GUEST_MEMFD));

	vcpu = rk_ioctl(h, vm, KVM_CREATE_VCPU, 0);
	if (rk_ioctl(h, vm, KVM_CREATE_VCPU, 0) < 0)
		printf("dup_vcpu_errno=%s\n", errno_name(errno));
	nvcpu = rk_ioctl(h, nvm, KVM_CREATE_VCPU, 0);
	if (rk_ioctl(h, nvcpu, KVM_RUN, 0) < 0)
		printf("run_uninit_errno=%s\n", errno_name(errno));
	rk_ioctl(h, nvcpu, KVM_ARM_VCPU_INIT, &init);
	if (rk_ioctl(h, nvcpu, KVM_RUN, 0) < 0)
		printf("run_normal_errno=%s\n", errno_name(errno));

	rk_ioctl(h, vcpu, KVM_ARM_VCPU_INIT, &init);
	rk_ioctl(h, vcpu, KVM_GET_ONE_REG, &reg);
	printf("dfr0=0x%llx\n", (unsigned long long)dfr0);
	printf("num_bps=%llu\n", (unsigned long long)(dfr0 >> 12 & 0xf));
	printf("num_wps=%llu\n", (unsigned long long)(dfr0 >> 20 & 0xf));

	rmm_census(rk_host_rmm(h), &c, false);
	for (int st = 0; st < GRANULE_STATE_COUNT; st++)
		granules += c.count[st];
	printf("host_dram_gib=%llu\n", (unsigned long long)(granules * GRANULE_SIZE >> 30));
	printf("rmi_dram_gib=%llu\n", (unsigned long long)(PAS_DEFAULT_DRAM_SIZE >> 30));
	rk_host_destroy(h);
	return 0;
}
