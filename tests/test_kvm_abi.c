// SPDX-License-Identifier: MIT
/*
 * realmkit's KVM definitions against the system's Linux uapi headers, where
 * the system has them (Debian 12's are Linux 6.1 for x86: the generic parts
 * are the same on arm64; guest_memfd and the CCA additions are newer and are
 * checked by the static asserts in include/realmkit/kvm.h instead).
 */
#include <stddef.h>

#include "harness.h"
#include "realmkit/kvm.h"

#if defined(__has_include)
#if __has_include(<linux/kvm.h>)
#define HAVE_LINUX_KVM_H 1
/* Compare the two sets of names without clashing: Linux's come in prefixed. */
#define kvm_run             linux_kvm_run
#define kvm_enable_cap      linux_kvm_enable_cap
#define kvm_one_reg         linux_kvm_one_reg
#define kvm_userspace_memory_region2 linux_kvm_userspace_memory_region2
#define kvm_userspace_memory_region linux_kvm_userspace_memory_region
#define kvm_memory_attributes linux_kvm_memory_attributes
#define kvm_create_guest_memfd linux_kvm_create_guest_memfd
#define kvm_vcpu_init       linux_kvm_vcpu_init
#define kvm_mp_state        linux_kvm_mp_state
#define kvm_device_attr     linux_kvm_device_attr
#define kvm_create_device   linux_kvm_create_device
#define kvm_irq_level       linux_kvm_irq_level
#define kvm_reg_list        linux_kvm_reg_list
#undef KVM_CREATE_DEVICE
#undef KVM_IRQ_LINE
#undef KVM_GET_REG_LIST
#undef KVM_DEV_TYPE_ARM_VGIC_V2
#undef KVM_DEV_TYPE_ARM_VGIC_V3
#undef KVM_DEV_TYPE_ARM_VGIC_ITS
#undef KVM_GET_MP_STATE
#undef KVM_SET_MP_STATE
#undef KVM_SET_DEVICE_ATTR
#undef KVM_GET_DEVICE_ATTR
#undef KVM_HAS_DEVICE_ATTR
#undef KVM_EXIT_HYPERCALL
#undef KVM_CAP_MP_STATE
#undef KVM_MP_STATE_RUNNABLE
#undef KVM_MP_STATE_STOPPED
#undef KVM_GET_API_VERSION
#undef KVM_CREATE_VM
#undef KVM_CHECK_EXTENSION
#undef KVM_GET_VCPU_MMAP_SIZE
#undef KVM_CREATE_VCPU
#undef KVM_SET_USER_MEMORY_REGION
#undef KVM_RUN
#undef KVM_ENABLE_CAP
#undef KVM_GET_ONE_REG
#undef KVM_SET_ONE_REG
#undef KVM_API_VERSION
#undef KVMIO
#undef KVM_EXIT_UNKNOWN
#undef KVM_EXIT_MMIO
#undef KVM_EXIT_SHUTDOWN
#undef KVM_EXIT_FAIL_ENTRY
#undef KVM_EXIT_INTR
#undef KVM_EXIT_SYSTEM_EVENT
#undef KVM_SYSTEM_EVENT_SHUTDOWN
#undef KVM_SYSTEM_EVENT_RESET
#undef KVM_CAP_ARM_PSCI_0_2
#undef KVM_CAP_ARM_VM_IPA_SIZE
#undef KVM_VM_TYPE_ARM_IPA_SIZE_MASK
#undef KVM_VM_TYPE_ARM_IPA_SIZE
#undef KVM_REG_ARM64
#undef KVM_REG_SIZE_U64
#include <linux/kvm.h>
#undef kvm_run
#undef kvm_enable_cap
#undef kvm_one_reg
#undef kvm_userspace_memory_region2
#undef kvm_userspace_memory_region
#undef kvm_memory_attributes
#undef kvm_create_guest_memfd
#undef kvm_vcpu_init
#undef kvm_mp_state
#undef kvm_device_attr
#undef kvm_create_device
#undef kvm_irq_level
#undef kvm_reg_list
#endif
#endif

static void test_against_system_uapi(void)
{
#ifdef HAVE_LINUX_KVM_H
	/* Structures. */
	CHECK_EQ(sizeof(struct linux_kvm_run), sizeof(struct kvm_run));
	CHECK_EQ(offsetof(struct linux_kvm_run, exit_reason), offsetof(struct kvm_run, exit_reason));
	CHECK_EQ(offsetof(struct linux_kvm_run, mmio.phys_addr), offsetof(struct kvm_run, mmio));
	CHECK_EQ(offsetof(struct linux_kvm_run, mmio.len), offsetof(struct kvm_run, mmio.len));
	CHECK_EQ(offsetof(struct linux_kvm_run, mmio.is_write),
		 offsetof(struct kvm_run, mmio.is_write));
	CHECK_EQ(offsetof(struct linux_kvm_run, system_event.type),
		 offsetof(struct kvm_run, system_event.type));
	CHECK_EQ(offsetof(struct linux_kvm_run, system_event.ndata),
		 offsetof(struct kvm_run, system_event.ndata));
	CHECK_EQ(offsetof(struct linux_kvm_run, fail_entry.cpu),
		 offsetof(struct kvm_run, fail_entry.cpu));
	CHECK_EQ(offsetof(struct linux_kvm_run, kvm_valid_regs),
		 offsetof(struct kvm_run, kvm_valid_regs));
	CHECK_EQ(offsetof(struct linux_kvm_run, s), offsetof(struct kvm_run, s));
	CHECK_EQ(sizeof(struct linux_kvm_enable_cap), sizeof(struct kvm_enable_cap));
	CHECK_EQ(offsetof(struct linux_kvm_enable_cap, args), offsetof(struct kvm_enable_cap, args));
	CHECK_EQ(sizeof(struct linux_kvm_one_reg), sizeof(struct kvm_one_reg));
	CHECK_EQ(sizeof(struct linux_kvm_userspace_memory_region),
		 sizeof(struct kvm_userspace_memory_region));
	CHECK_EQ(offsetof(struct linux_kvm_userspace_memory_region, userspace_addr),
		 offsetof(struct kvm_userspace_memory_region, userspace_addr));
	CHECK_EQ(KVM_SET_USER_MEMORY_REGION,
		 _IOW(0xAE, 0x46, struct linux_kvm_userspace_memory_region));
	CHECK_EQ(KVM_CAP_USER_MEMORY, 3);
	/* Request numbers, capability and exit codes (generic KVM, same on arm64). */
	CHECK_EQ(RK_IO(0xAE, 0x00), _IO(0xAE, 0x00));
	CHECK_EQ(KVM_RUN, _IO(0xAE, 0x80));
	CHECK_EQ(KVM_ENABLE_CAP, _IOW(0xAE, 0xa3, struct linux_kvm_enable_cap));
	CHECK_EQ(KVM_SET_ONE_REG, _IOW(0xAE, 0xac, struct linux_kvm_one_reg));
	CHECK_EQ(KVM_GET_ONE_REG, _IOW(0xAE, 0xab, struct linux_kvm_one_reg));
	CHECK_EQ(KVM_CREATE_VCPU, _IO(0xAE, 0x41));
	CHECK_EQ(offsetof(struct linux_kvm_run, hypercall.nr), offsetof(struct kvm_run, hypercall.nr));
	CHECK_EQ(offsetof(struct linux_kvm_run, hypercall.ret),
		 offsetof(struct kvm_run, hypercall.ret));
	CHECK_EQ(offsetof(struct linux_kvm_run, hypercall.longmode),
		 offsetof(struct kvm_run, hypercall.flags));
	CHECK_EQ(sizeof(struct linux_kvm_mp_state), sizeof(struct kvm_mp_state));
	CHECK_EQ(sizeof(struct linux_kvm_device_attr), sizeof(struct kvm_device_attr));
	CHECK_EQ(KVM_GET_MP_STATE, _IOR(0xAE, 0x98, struct linux_kvm_mp_state));
	CHECK_EQ(KVM_SET_MP_STATE, _IOW(0xAE, 0x99, struct linux_kvm_mp_state));
	CHECK_EQ(KVM_SET_DEVICE_ATTR, _IOW(0xAE, 0xe1, struct linux_kvm_device_attr));
	CHECK_EQ(KVM_HAS_DEVICE_ATTR, _IOW(0xAE, 0xe3, struct linux_kvm_device_attr));
	CHECK_EQ(KVM_EXIT_HYPERCALL, 3);
	CHECK_EQ(KVM_CAP_MP_STATE, 14);
	CHECK_EQ(sizeof(struct linux_kvm_create_device), sizeof(struct kvm_create_device));
	CHECK_EQ(sizeof(struct linux_kvm_irq_level), sizeof(struct kvm_irq_level));
	CHECK_EQ(sizeof(struct linux_kvm_reg_list), sizeof(struct kvm_reg_list));
	CHECK_EQ(KVM_CREATE_DEVICE, _IOWR(0xAE, 0xe0, struct linux_kvm_create_device));
	CHECK_EQ(KVM_IRQ_LINE, _IOW(0xAE, 0x61, struct linux_kvm_irq_level));
	CHECK_EQ(KVM_GET_REG_LIST, _IOWR(0xAE, 0xb0, struct linux_kvm_reg_list));
	CHECK_EQ(KVM_DEV_TYPE_ARM_VGIC_V3, 7);
	CHECK_EQ(KVM_DEV_TYPE_ARM_VGIC_V2, 5);
	CHECK_EQ(KVM_CAP_IRQCHIP, 0);
	CHECK_EQ(KVM_CAP_DEVICE_CTRL, 89);
	CHECK_EQ(KVM_CAP_ONE_REG, 70);
	CHECK_EQ(KVM_CAP_VCPU_ATTRIBUTES, 127);
	printf("checked against the system's <linux/kvm.h>\n");
#else
	printf("no <linux/kvm.h> on this system: static asserts only\n");
#endif
}

/* The values the CCA series and kvmtool depend on (docs/KVM.md gives the sources). */
static void test_cca_numbers(void)
{
	CHECK_EQ(KVM_ARM_RMI_POPULATE, 0xC020AED7UL);
	CHECK_EQ(KVM_SET_USER_MEMORY_REGION2, 0x40A0AE49UL);
	CHECK_EQ(KVM_SET_USER_MEMORY_REGION, 0x4020AE46UL);
	CHECK_EQ(KVM_CREATE_GUEST_MEMFD, 0xC040AED4UL);
	CHECK_EQ(KVM_SET_MEMORY_ATTRIBUTES, 0x4020AED2UL);
	CHECK_EQ(KVM_ARM_VCPU_INIT, 0x4020AEAEUL);
	CHECK_EQ(KVM_CREATE_DEVICE, 0xC00CAEE0UL);
	CHECK_EQ(KVM_IRQ_LINE, 0x4008AE61UL);
	CHECK_EQ(KVM_GET_REG_LIST, 0xC008AEB0UL);
	CHECK_EQ(KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, 5);
	CHECK_EQ(KVM_DEV_ARM_VGIC_GRP_CTRL, 4);
	CHECK_EQ(KVM_ARM_VCPU_TIMER_CTRL, 1);
	CHECK_EQ(RK_REG_ARM64_SYS(3, 0, 0, 4, 0), 0x603000000013c020ULL);
	CHECK_EQ(KVM_ENABLE_CAP, 0x4068AEA3UL);
	CHECK_EQ(KVM_CAP_ARM_RMI, 249);
	CHECK_EQ(KVM_VM_TYPE_ARM_REALM, 1UL << 30);
	CHECK_EQ(KVM_REG_ARM64_X(0), 0x6030000000100000ULL);
	CHECK_EQ(KVM_REG_ARM64_X(30), 0x603000000010003cULL);
	CHECK_EQ(KVM_REG_ARM64_PC, 0x6030000000100040ULL);
	CHECK_EQ(KVM_REG_ARM64_PSTATE, 0x6030000000100042ULL);
	/* vCPU feature bits: arm64 <asm/kvm.h> (checked against Linux 6.1's). */
	CHECK_EQ(KVM_ARM_VCPU_POWER_OFF, 0);
	CHECK_EQ(KVM_ARM_VCPU_EL1_32BIT, 1);
	CHECK_EQ(KVM_ARM_VCPU_PSCI_0_2, 2);
	CHECK_EQ(KVM_ARM_VCPU_PMU_V3, 3);
	CHECK_EQ(KVM_ARM_VCPU_SVE, 4);
	CHECK_EQ(KVM_ARM_VCPU_PTRAUTH_ADDRESS, 5);
	CHECK_EQ(KVM_ARM_VCPU_PTRAUTH_GENERIC, 6);
}

int main(void)
{
	test_against_system_uapi();
	test_cca_numbers();
	return t_done();
}
