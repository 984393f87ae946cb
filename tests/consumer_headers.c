// SPDX-License-Identifier: MIT
/*
 * A VMM's view of the installed headers, built by tests/pkgconfig_consumer.sh
 * as C99 and C11 (-pedantic), each with and without the system's
 * <linux/kvm.h> included first (-DWITH_LINUX_KVM_H).  It uses every public
 * header and runs the ioctls that take the vCPU feature bits, so a header
 * that needs C11, clashes with the kernel's, or lacks a definition a VMM
 * needs fails to build or to run.
 */
#ifdef WITH_LINUX_KVM_H
#include <linux/kvm.h>
#endif
#include <stdio.h>

#include <realmkit/host.h>
#include <realmkit/kvm.h>
#include <realmkit/kvm_realmkit.h>
#include <realmkit/rmi.h>
#include <realmkit/rmi2.h>

static int fail(const char *what)
{
	fprintf(stderr, "consumer_headers: %s\n", what);
	return 1;
}

int main(void)
{
	/* The arm64 vCPU feature bits, with their Linux values. */
	static const unsigned features[] = {
		KVM_ARM_VCPU_POWER_OFF, KVM_ARM_VCPU_EL1_32BIT,       KVM_ARM_VCPU_PSCI_0_2,
		KVM_ARM_VCPU_PMU_V3,    KVM_ARM_VCPU_SVE,             KVM_ARM_VCPU_PTRAUTH_ADDRESS,
		KVM_ARM_VCPU_PTRAUTH_GENERIC,
	};
	struct kvm_vcpu_init init = { KVM_ARM_TARGET_GENERIC_V8, { 0 } };
	struct kvm_realmkit_init_ripas ripas = { 0, 0, 0, 0 };
	struct rk_host *host = rk_host_create(NULL);
	int kvm, vm, vcpu, ret;
	unsigned i;

	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (features[i] != i)
			return fail("vCPU feature bit numbers");
	if (sizeof(struct kvm_run) != 2352 || sizeof(struct rmi_realm_params) != 4096 ||
	    sizeof(ripas) != 32 || KVM_ARM_VCPU_INIT != 0x4020AEAEUL)
		return fail("layouts");
	if (!host)
		return fail("rk_host_create");
	kvm = rk_open_kvm(host);
	vm = rk_ioctl(host, kvm, KVM_CREATE_VM, KVM_VM_TYPE_ARM_REALM | 40);
	vcpu = rk_ioctl(host, vm, KVM_CREATE_VCPU, 0);
	if (kvm < 0 || vm < 0 || vcpu < 0)
		return fail("KVM_CREATE_VM/VCPU");
	/* A realm vCPU may start powered off; it cannot be AArch32. */
	init.features[0] = 1U << KVM_ARM_VCPU_POWER_OFF | 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (rk_ioctl(host, vcpu, KVM_ARM_VCPU_INIT, &init) != 0)
		return fail("KVM_ARM_VCPU_INIT with POWER_OFF | PSCI_0_2");
	init.features[0] = 1U << KVM_ARM_VCPU_EL1_32BIT;
	ret = rk_ioctl(host, vcpu, KVM_ARM_VCPU_INIT, &init);
	rk_host_destroy(host);
	if (ret != -1)
		return fail("KVM_ARM_VCPU_INIT with EL1_32BIT");
	puts("consumer_headers: ok");
	return 0;
}
