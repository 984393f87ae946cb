// SPDX-License-Identifier: MIT
#include "kvm_util.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "hw/pas.h"

int vmm_open(struct vmm *v, struct rk_host *host, unsigned ipa)
{
	memset(v, 0, sizeof(*v));
	v->host = host;
	v->vgic = -1;
	v->kvm = rk_open_kvm(host);
	if (v->kvm < 0)
		return -errno;
	v->vm = rk_ioctl(host, v->kvm, KVM_CREATE_VM, KVM_VM_TYPE_ARM_REALM | ipa);
	return v->vm < 0 ? -errno : 0;
}

int vmm_add_ram(struct vmm *v, uint64_t gpa, uint64_t size)
{
	struct kvm_create_guest_memfd g = { .size = size };
	struct kvm_userspace_memory_region2 r = { 0 };
	struct kvm_memory_attributes a = { .address = gpa, .size = size,
					   .attributes = KVM_MEMORY_ATTRIBUTE_PRIVATE };
	int fd = rk_ioctl(v->host, v->vm, KVM_CREATE_GUEST_MEMFD, &g);

	if (fd < 0)
		return -errno;
	v->gmem[v->nslots] = fd;
	r.slot = v->nslots++;
	r.flags = KVM_MEM_GUEST_MEMFD;
	r.guest_phys_addr = gpa;
	r.memory_size = size;
	r.guest_memfd = (uint32_t)fd;
	if (rk_ioctl(v->host, v->vm, KVM_SET_USER_MEMORY_REGION2, &r) < 0 ||
	    rk_ioctl(v->host, v->vm, KVM_SET_MEMORY_ATTRIBUTES, &a) < 0)
		return -errno;
	return 0;
}

int vmm_add_vcpu(struct vmm *v)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
	int fd = rk_ioctl(v->host, v->vm, KVM_CREATE_VCPU, v->nvcpus);

	if (fd < 0)
		return -errno;
	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (rk_ioctl(v->host, fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return -errno;
	v->vcpu[v->nvcpus++] = fd;
	return fd;
}

int vmm_set_reg(struct vmm *v, unsigned vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	return rk_ioctl(v->host, v->vcpu[vcpu], KVM_SET_ONE_REG, &r) < 0 ? -errno : 0;
}

long vmm_populate(struct vmm *v, uint64_t gpa, const void *src, uint64_t size, bool measure)
{
	struct kvm_arm_rmi_populate p = {
		.base = gpa,
		.size = size,
		.source_uaddr = (uint64_t)(uintptr_t)src,
		.flags = measure ? KVM_ARM_RMI_POPULATE_FLAGS_MEASURE : 0,
	};
	long calls = 0;

	do {
		if (rk_ioctl(v->host, v->vm, KVM_ARM_RMI_POPULATE, &p) < 0)
			return -errno;
		calls++;
	} while (p.size);
	return calls;
}

int vmm_add_vgic(struct vmm *v, unsigned nr_irqs)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = VMM_GICD, redist = VMM_GICR;
	uint32_t n = nr_irqs ? nr_irqs : 64;
	struct kvm_device_attr a[] = {
		{ .group = KVM_DEV_ARM_VGIC_GRP_ADDR, .attr = KVM_VGIC_V3_ADDR_TYPE_REDIST,
		  .addr = (uintptr_t)&redist },
		{ .group = KVM_DEV_ARM_VGIC_GRP_ADDR, .attr = KVM_VGIC_V3_ADDR_TYPE_DIST,
		  .addr = (uintptr_t)&dist },
		{ .group = KVM_DEV_ARM_VGIC_GRP_NR_IRQS, .addr = (uintptr_t)&n },
		{ .group = KVM_DEV_ARM_VGIC_GRP_CTRL, .attr = KVM_DEV_ARM_VGIC_CTRL_INIT },
	};

	if (rk_ioctl(v->host, v->vm, KVM_CREATE_DEVICE, &cd) < 0)
		return -errno;
	v->vgic = (int)cd.fd;
	for (unsigned i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		if (rk_ioctl(v->host, v->vgic, KVM_SET_DEVICE_ATTR, &a[i]) < 0)
			return -errno;
	return v->vgic;
}

bool vmm_measurements(struct rk_host *host, struct rmm_measurements *m)
{
	struct rmm *rmm = rk_host_rmm(host);
	uint64_t rd = rmm_next_granule(rmm, GRANULE_RD, 0);

	/* Exactly one realm on the host. */
	if (!rd || rmm_next_granule(rmm, GRANULE_RD, rd + GRANULE_SIZE))
		return false;
	return rmm_realm_measurements(rmm, rd, m);
}

void vmm_close(struct vmm *v)
{
	for (unsigned i = 0; i < v->nvcpus; i++)
		close(v->vcpu[i]);
	for (unsigned i = 0; i < v->nslots; i++)
		close(v->gmem[i]);
	if (v->vgic >= 0)
		close(v->vgic);
	v->vgic = -1;
	if (v->vm >= 0)
		close(v->vm);
	if (v->kvm >= 0)
		close(v->kvm);
	v->nvcpus = v->nslots = 0;
	v->vm = v->kvm = -1;
}
