// SPDX-License-Identifier: MIT
/*
 * A minimal realm VMM written against the KVM user ABI.  Everything goes
 * through kvm_ioctl(): with realmkit it calls rk_ioctl(); on a CCA host
 * kernel it would be ioctl(2), and /dev/kvm would come from open(2).  That is
 * the only change needed to move it to real hardware.
 *
 * Build against an installed realmkit:
 *   cc minimal-vmm.c $(pkg-config --cflags --libs realmkit) -o minimal-vmm
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <realmkit/host.h>
#include <realmkit/observe.h> /* tests and tools only: not in a real kernel */
#include <realmkit/kvm.h>

static struct rk_host *host;

static int kvm_ioctl(int fd, unsigned long req, unsigned long arg)
{
	return rk_ioctl(host, fd, req, arg); /* real kernel: return ioctl(fd, req, arg); */
}

#define RAM_BASE 0x80000000UL
#define RAM_SIZE (16UL << 20)

static int die(const char *what)
{
	fprintf(stderr, "minimal-vmm: %s: %s\n", what, strerror(errno));
	return 1;
}

/* The in-kernel GICv3 at kvmtool's addresses (one vCPU), 64 INTIDs, initialised. */
static int create_gic(int vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = 0x3fff0000, redist = 0x3fff0000 - 0x20000;
	uint32_t nr_irqs = 64;
	struct kvm_device_attr a[] = {
		{ .group = KVM_DEV_ARM_VGIC_GRP_ADDR, .attr = KVM_VGIC_V3_ADDR_TYPE_REDIST,
		  .addr = (uint64_t)(uintptr_t)&redist },
		{ .group = KVM_DEV_ARM_VGIC_GRP_ADDR, .attr = KVM_VGIC_V3_ADDR_TYPE_DIST,
		  .addr = (uint64_t)(uintptr_t)&dist },
		{ .group = KVM_DEV_ARM_VGIC_GRP_NR_IRQS, .addr = (uint64_t)(uintptr_t)&nr_irqs },
		{ .group = KVM_DEV_ARM_VGIC_GRP_CTRL, .attr = KVM_DEV_ARM_VGIC_CTRL_INIT },
	};

	if (kvm_ioctl(vm, KVM_CREATE_DEVICE, (unsigned long)&cd) < 0)
		return -1;
	for (unsigned i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		if (kvm_ioctl((int)cd.fd, KVM_SET_DEVICE_ATTR, (unsigned long)&a[i]) < 0)
			return -1;
	return (int)cd.fd;
}

int main(void)
{
	struct kvm_create_guest_memfd gmem = { .size = RAM_SIZE };
	struct kvm_userspace_memory_region2 slot = { 0 };
	struct kvm_memory_attributes attr = { .address = RAM_BASE, .size = RAM_SIZE,
					      .attributes = KVM_MEMORY_ATTRIBUTE_PRIVATE };
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8,
				      .features = { 1U << KVM_ARM_VCPU_PSCI_0_2 } };
	struct kvm_arm_rmi_populate pop;
	struct kvm_one_reg reg;
	struct kvm_run *run;
	uint64_t pc = RAM_BASE;
	int kvm, vm, vcpu, gfd, gic;
	void *image;

	host = rk_host_create(NULL);
	kvm = rk_open_kvm(host); /* real kernel: open("/dev/kvm", O_RDWR) */
	if (!host || kvm < 0)
		return die("open kvm");
	if (kvm_ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_RMI) <= 0)
		return die("no realm support");
	vm = kvm_ioctl(kvm, KVM_CREATE_VM, KVM_VM_TYPE_ARM_REALM | 40);
	if (vm < 0)
		return die("KVM_CREATE_VM");
	gfd = kvm_ioctl(vm, KVM_CREATE_GUEST_MEMFD, (unsigned long)&gmem);
	slot.flags = KVM_MEM_GUEST_MEMFD;
	slot.guest_phys_addr = RAM_BASE;
	slot.memory_size = RAM_SIZE;
	slot.guest_memfd = (uint32_t)gfd;
	if (gfd < 0 || kvm_ioctl(vm, KVM_SET_USER_MEMORY_REGION2, (unsigned long)&slot) < 0 ||
	    kvm_ioctl(vm, KVM_SET_MEMORY_ATTRIBUTES, (unsigned long)&attr) < 0)
		return die("memory");
	vcpu = kvm_ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0 || kvm_ioctl(vcpu, KVM_ARM_VCPU_INIT, (unsigned long)&init) < 0)
		return die("vcpu");
	gic = create_gic(vm); /* a realm runs only with the in-kernel GICv3 */
	if (gic < 0)
		return die("vGIC");
	reg.id = KVM_REG_ARM64_PC;
	reg.addr = (uint64_t)(uintptr_t)&pc;
	if (kvm_ioctl(vcpu, KVM_SET_ONE_REG, (unsigned long)&reg) < 0)
		return die("KVM_SET_ONE_REG");

	/*
	 * A 64 KiB "kernel", populated measured; the kernel may report partial
	 * progress.  Its code: x0 = PSCI SYSTEM_OFF (0x84000008); SMC #0.
	 */
	image = aligned_alloc(4096, 64 << 10);
	memset(image, 0, 64 << 10);
	memcpy(image, (const uint32_t[]){ 0xd2800100, 0xf2b08000, 0xd4000003 }, 12);
	pop = (struct kvm_arm_rmi_populate){ .base = RAM_BASE, .size = 64 << 10,
					     .source_uaddr = (uint64_t)(uintptr_t)image,
					     .flags = KVM_ARM_RMI_POPULATE_FLAGS_MEASURE };
	while (pop.size)
		if (kvm_ioctl(vm, KVM_ARM_RMI_POPULATE, (unsigned long)&pop) < 0)
			return die("KVM_ARM_RMI_POPULATE");

	run = mmap(NULL, (size_t)kvm_ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0),
		   PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED || kvm_ioctl(vcpu, KVM_RUN, 0) < 0)
		return die("KVM_RUN");
	printf("realm ran; exit reason %u%s\n", run->exit_reason,
	       run->exit_reason == KVM_EXIT_SYSTEM_EVENT ? " (SYSTEM_EVENT: powered off)" : "");
	{
		struct rk_measurements m;

		if (rk_vm_measurements(host, vm, &m) == 0) {
			printf("RIM ");
			for (unsigned i = 0; i < m.hash_len; i++)
				printf("%02x", m.rim[i]);
			printf("\n");
		}
	}
	close(vcpu);
	close(gic);
	close(gfd);
	close(vm);
	close(kvm);
	rk_host_destroy(host);
	free(image);
	return 0;
}
