/* SPDX-License-Identifier: MIT */
/*
 * The KVM user ABI realmkit implements: Linux request numbers, capability
 * numbers and struct layouts for arm64 realms, as in the Linux "Support for
 * Arm CCA in KVM" series v14 (May 2026) and the generic KVM uapi it builds
 * on.  Defined here so a VMM builds on any host; every structure is checked
 * against the uapi size and offsets below (and against the system's
 * <linux/kvm.h>, where it has them, by tests/test_kvm_abi.c).
 *
 * Items marked REALMKIT EXPERIMENTAL are not in any Linux posting; they are
 * realmkit's proposals for the open questions of the review threads, and
 * live in number ranges Linux does not use.
 *
 * Language: C99 or later (C11 checks the layouts with _Static_assert, C99
 * with an equivalent declaration).
 *
 * With the system's <linux/kvm.h>: include <linux/kvm.h> FIRST.  Every
 * structure and constant here is then taken from the kernel's header where
 * that header has it (they are the same ABI: for each structure, the ioctl
 * that takes it tells whether the kernel header defined it; the arm64 vCPU
 * definitions come from <asm/kvm.h> on arm64 only), and realmkit adds what
 * that kernel version lacks: USER_MEMORY2, memory attributes and
 * guest_memfd before Linux 6.8, the CCA additions, the arm64 definitions on
 * other architectures.  The other order cannot work: the kernel header
 * does not check for definitions made before it.
 */
#ifndef REALMKIT_KVM_H
#define REALMKIT_KVM_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "realmkit/compat.h"


/* ---- ioctl encoding (asm-generic) ---- */
#define RK_IOC_NONE  0U
#define RK_IOC_WRITE 1U
#define RK_IOC_READ  2U
#define RK_IOC(dir, type, nr, size)                                                        \
	(((unsigned long)(dir) << 30) | ((unsigned long)(size) << 16) |                     \
	 ((unsigned long)(type) << 8) | (unsigned long)(nr))
#define RK_IO(type, nr)         RK_IOC(RK_IOC_NONE, type, nr, 0)
#define RK_IOR(type, nr, T)     RK_IOC(RK_IOC_READ, type, nr, sizeof(T))
#define RK_IOW(type, nr, T)     RK_IOC(RK_IOC_WRITE, type, nr, sizeof(T))
#define RK_IOWR(type, nr, T)    RK_IOC(RK_IOC_READ | RK_IOC_WRITE, type, nr, sizeof(T))

#ifndef KVMIO
#define KVMIO 0xAE
#endif
#ifndef KVM_API_VERSION
#define KVM_API_VERSION 12
#endif

/*
 * ---- structures ----
 * Each is defined, and its layout checked, unless the kernel's header
 * already defined it (the ioctl that takes it is then defined too).
 */

#ifndef KVM_ENABLE_CAP
struct kvm_enable_cap {
	uint32_t cap;
	uint32_t flags;
	uint64_t args[4];
	uint8_t pad[64];
};
RK_STATIC_ASSERT(sizeof(struct kvm_enable_cap) == 104, "kvm_enable_cap size");
RK_STATIC_ASSERT(offsetof(struct kvm_enable_cap, args) == 8, "kvm_enable_cap.args");
RK_STATIC_ASSERT(offsetof(struct kvm_enable_cap, pad) == 40, "kvm_enable_cap.pad");
#endif

#ifndef KVM_SET_ONE_REG
struct kvm_one_reg {
	uint64_t id;
	uint64_t addr;
};
RK_STATIC_ASSERT(sizeof(struct kvm_one_reg) == 16, "kvm_one_reg size");
RK_STATIC_ASSERT(offsetof(struct kvm_one_reg, addr) == 8, "kvm_one_reg.addr");
#endif

#ifndef __ARM_KVM_H__ /* arm64's <asm/kvm.h> */
struct kvm_vcpu_init {
	uint32_t target;
	uint32_t features[7];
};
RK_STATIC_ASSERT(sizeof(struct kvm_vcpu_init) == 32, "kvm_vcpu_init size");
RK_STATIC_ASSERT(offsetof(struct kvm_vcpu_init, features) == 4, "kvm_vcpu_init.features");
#endif

#ifndef KVM_SET_USER_MEMORY_REGION
/* The first memslot ioctl: KVM_SET_USER_MEMORY_REGION2 without guest_memfd. */
struct kvm_userspace_memory_region {
	uint32_t slot;
	uint32_t flags;
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
};
RK_STATIC_ASSERT(sizeof(struct kvm_userspace_memory_region) == 32, "region size");
RK_STATIC_ASSERT(offsetof(struct kvm_userspace_memory_region, guest_phys_addr) == 8, "v1 gpa");
RK_STATIC_ASSERT(offsetof(struct kvm_userspace_memory_region, memory_size) == 16, "v1 size");
RK_STATIC_ASSERT(offsetof(struct kvm_userspace_memory_region, userspace_addr) == 24,
		 "v1 uaddr");
#endif

#ifndef KVM_SET_USER_MEMORY_REGION2
struct kvm_userspace_memory_region2 {
	uint32_t slot;
	uint32_t flags;
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
	uint64_t guest_memfd_offset;
	uint32_t guest_memfd;
	uint32_t pad1;
	uint64_t pad2[14];
};
RK_STATIC_ASSERT(sizeof(struct kvm_userspace_memory_region2) == 160, "region2 size");
RK_STATIC_ASSERT(offsetof(struct kvm_userspace_memory_region2, guest_phys_addr) == 8, "gpa");
RK_STATIC_ASSERT(offsetof(struct kvm_userspace_memory_region2, memory_size) == 16, "size");
RK_STATIC_ASSERT(offsetof(struct kvm_userspace_memory_region2, userspace_addr) == 24, "uaddr");
RK_STATIC_ASSERT(offsetof(struct kvm_userspace_memory_region2, guest_memfd_offset) == 32, "off");
RK_STATIC_ASSERT(offsetof(struct kvm_userspace_memory_region2, guest_memfd) == 40, "gmem");
RK_STATIC_ASSERT(offsetof(struct kvm_userspace_memory_region2, pad2) == 48, "pad2");
#endif

#ifndef KVM_CREATE_GUEST_MEMFD
struct kvm_create_guest_memfd {
	uint64_t size;
	uint64_t flags;
	uint64_t reserved[6];
};
RK_STATIC_ASSERT(sizeof(struct kvm_create_guest_memfd) == 64, "kvm_create_guest_memfd size");
RK_STATIC_ASSERT(offsetof(struct kvm_create_guest_memfd, flags) == 8, "gmem flags");
RK_STATIC_ASSERT(offsetof(struct kvm_create_guest_memfd, reserved) == 16, "gmem reserved");
#endif

#ifndef KVM_SET_MEMORY_ATTRIBUTES
struct kvm_memory_attributes {
	uint64_t address;
	uint64_t size;
	uint64_t attributes;
	uint64_t flags;
};
RK_STATIC_ASSERT(sizeof(struct kvm_memory_attributes) == 32, "kvm_memory_attributes size");
RK_STATIC_ASSERT(offsetof(struct kvm_memory_attributes, size) == 8, "attr size");
RK_STATIC_ASSERT(offsetof(struct kvm_memory_attributes, attributes) == 16, "attr attributes");
RK_STATIC_ASSERT(offsetof(struct kvm_memory_attributes, flags) == 24, "attr flags");
#endif

#ifndef KVM_GET_MP_STATE
struct kvm_mp_state {
	uint32_t mp_state;
};
RK_STATIC_ASSERT(sizeof(struct kvm_mp_state) == 4, "kvm_mp_state size");
#endif

#ifndef KVM_SET_DEVICE_ATTR
struct kvm_device_attr {
	uint32_t flags;
	uint32_t group;
	uint64_t attr;
	uint64_t addr;
};
RK_STATIC_ASSERT(sizeof(struct kvm_device_attr) == 24, "kvm_device_attr size");
RK_STATIC_ASSERT(offsetof(struct kvm_device_attr, attr) == 8, "kvm_device_attr.attr");
RK_STATIC_ASSERT(offsetof(struct kvm_device_attr, addr) == 16, "kvm_device_attr.addr");
#endif

#ifndef __ARM_KVM_H__ /* arm64's <asm/kvm.h> */
/* KVM_ARM_VM_SMCCC_FILTER: what KVM does with a range of SMCCC function IDs. */
struct kvm_smccc_filter {
	uint32_t base;
	uint32_t nr_functions;
	uint8_t action;
	uint8_t pad[15];
};
RK_STATIC_ASSERT(sizeof(struct kvm_smccc_filter) == 24, "kvm_smccc_filter size");
RK_STATIC_ASSERT(offsetof(struct kvm_smccc_filter, action) == 8, "kvm_smccc_filter.action");
#endif

#ifndef KVM_ARM_RMI_POPULATE
struct kvm_arm_rmi_populate {
	uint64_t base;
	uint64_t size;
	uint64_t source_uaddr;
	uint32_t flags;
	uint32_t reserved;
};
RK_STATIC_ASSERT(sizeof(struct kvm_arm_rmi_populate) == 32, "kvm_arm_rmi_populate size");
RK_STATIC_ASSERT(offsetof(struct kvm_arm_rmi_populate, size) == 8, "populate size");
RK_STATIC_ASSERT(offsetof(struct kvm_arm_rmi_populate, source_uaddr) == 16, "populate src");
RK_STATIC_ASSERT(offsetof(struct kvm_arm_rmi_populate, flags) == 24, "populate flags");
RK_STATIC_ASSERT(offsetof(struct kvm_arm_rmi_populate, reserved) == 28, "populate reserved");
#endif

#ifndef KVM_CREATE_DEVICE
/* KVM_CREATE_DEVICE: an in-kernel device (the vGIC), answered with its fd. */
struct kvm_create_device {
	uint32_t type;
	uint32_t fd;
	uint32_t flags;
};
RK_STATIC_ASSERT(sizeof(struct kvm_create_device) == 12, "kvm_create_device size");
RK_STATIC_ASSERT(offsetof(struct kvm_create_device, fd) == 4, "kvm_create_device.fd");
RK_STATIC_ASSERT(offsetof(struct kvm_create_device, flags) == 8, "kvm_create_device.flags");
#endif

#ifndef KVM_IRQ_LINE
/* KVM_IRQ_LINE: irq encodes type, vCPU and number (KVM_ARM_IRQ_* below). */
struct kvm_irq_level {
	RK_ANON union {
		uint32_t irq;
		int32_t status;
	};
	uint32_t level;
};
RK_STATIC_ASSERT(sizeof(struct kvm_irq_level) == 8, "kvm_irq_level size");
RK_STATIC_ASSERT(offsetof(struct kvm_irq_level, level) == 4, "kvm_irq_level.level");
#endif

#ifndef KVM_GET_REG_LIST
/* KVM_GET_REG_LIST: n in (capacity) and out (count), then the register ids. */
struct kvm_reg_list {
	uint64_t n;
	uint64_t reg[];
};
RK_STATIC_ASSERT(sizeof(struct kvm_reg_list) == 8, "kvm_reg_list size");
#endif

#ifndef KVM_RUN
/* struct kvm_run: the per-vCPU shared page, mmap()ed from the vCPU fd. */
struct kvm_run {
	uint8_t request_interrupt_window;
	uint8_t immediate_exit;
	uint8_t padding1[6];
	uint32_t exit_reason;
	uint8_t ready_for_interrupt_injection;
	uint8_t if_flag;
	uint16_t flags;
	uint64_t cr8;
	uint64_t apic_base;
	RK_ANON union {
		struct {
			uint64_t hardware_exit_reason;
		} hw;
		struct {
			uint64_t hardware_entry_failure_reason;
			uint32_t cpu;
		} fail_entry;
		struct {
			uint64_t phys_addr;
			uint8_t data[8];
			uint32_t len;
			uint8_t is_write;
		} mmio;
		struct {
			uint64_t nr;
			uint64_t args[6];
			uint64_t ret;
			RK_ANON union {
				uint32_t longmode; /* x86 only */
				uint64_t flags;
			};
		} hypercall;
		struct {
			uint32_t type;
			uint32_t ndata;
			RK_ANON union {
				uint64_t flags;
				uint64_t data[16];
			};
		} system_event;
		struct {
			uint64_t flags;
			uint64_t gpa;
			uint64_t size;
		} memory_fault;
		char padding[256];
	};
	uint64_t kvm_valid_regs;
	uint64_t kvm_dirty_regs;
	union {
		char padding[2048];
	} s;
};
RK_STATIC_ASSERT(sizeof(struct kvm_run) == 2352, "kvm_run size");
RK_STATIC_ASSERT(offsetof(struct kvm_run, exit_reason) == 8, "kvm_run.exit_reason");
RK_STATIC_ASSERT(offsetof(struct kvm_run, flags) == 14, "kvm_run.flags");
RK_STATIC_ASSERT(offsetof(struct kvm_run, mmio) == 32, "kvm_run union");
RK_STATIC_ASSERT(offsetof(struct kvm_run, mmio.data) == 40, "kvm_run.mmio.data");
RK_STATIC_ASSERT(offsetof(struct kvm_run, mmio.len) == 48, "kvm_run.mmio.len");
RK_STATIC_ASSERT(offsetof(struct kvm_run, mmio.is_write) == 52, "kvm_run.mmio.is_write");
RK_STATIC_ASSERT(offsetof(struct kvm_run, system_event.data) == 40, "system_event.data");
RK_STATIC_ASSERT(offsetof(struct kvm_run, memory_fault.gpa) == 40, "memory_fault.gpa");
RK_STATIC_ASSERT(offsetof(struct kvm_run, memory_fault.size) == 48, "memory_fault.size");
RK_STATIC_ASSERT(offsetof(struct kvm_run, fail_entry.cpu) == 40, "fail_entry.cpu");
RK_STATIC_ASSERT(offsetof(struct kvm_run, hypercall.args) == 40, "hypercall.args");
RK_STATIC_ASSERT(offsetof(struct kvm_run, hypercall.ret) == 88, "hypercall.ret");
RK_STATIC_ASSERT(offsetof(struct kvm_run, hypercall.flags) == 96, "hypercall.flags");
RK_STATIC_ASSERT(offsetof(struct kvm_run, kvm_valid_regs) == 288, "kvm_run.kvm_valid_regs");
RK_STATIC_ASSERT(offsetof(struct kvm_run, s) == 304, "kvm_run.s");
#endif

/* ---- request numbers ---- */
#ifndef KVM_GET_API_VERSION
#define KVM_GET_API_VERSION RK_IO(KVMIO, 0x00)
#endif
#ifndef KVM_CREATE_VM
#define KVM_CREATE_VM RK_IO(KVMIO, 0x01)
#endif
#ifndef KVM_CHECK_EXTENSION
#define KVM_CHECK_EXTENSION RK_IO(KVMIO, 0x03)
#endif
#ifndef KVM_GET_VCPU_MMAP_SIZE
#define KVM_GET_VCPU_MMAP_SIZE RK_IO(KVMIO, 0x04)
#endif
#ifndef KVM_CREATE_VCPU
#define KVM_CREATE_VCPU RK_IO(KVMIO, 0x41)
#endif
#ifndef KVM_SET_USER_MEMORY_REGION
#define KVM_SET_USER_MEMORY_REGION RK_IOW(KVMIO, 0x46, struct kvm_userspace_memory_region)
#endif
#ifndef KVM_SET_USER_MEMORY_REGION2
#define KVM_SET_USER_MEMORY_REGION2 RK_IOW(KVMIO, 0x49, struct kvm_userspace_memory_region2)
#endif
#ifndef KVM_RUN
#define KVM_RUN RK_IO(KVMIO, 0x80)
#endif
#ifndef KVM_GET_MP_STATE
#define KVM_GET_MP_STATE RK_IOR(KVMIO, 0x98, struct kvm_mp_state)
#endif
#ifndef KVM_SET_MP_STATE
#define KVM_SET_MP_STATE RK_IOW(KVMIO, 0x99, struct kvm_mp_state)
#endif
#ifndef KVM_ENABLE_CAP
#define KVM_ENABLE_CAP RK_IOW(KVMIO, 0xa3, struct kvm_enable_cap)
#endif
#ifndef KVM_GET_ONE_REG
#define KVM_GET_ONE_REG RK_IOW(KVMIO, 0xab, struct kvm_one_reg)
#endif
#ifndef KVM_SET_ONE_REG
#define KVM_SET_ONE_REG RK_IOW(KVMIO, 0xac, struct kvm_one_reg)
#endif
#ifndef KVM_ARM_VCPU_INIT
#define KVM_ARM_VCPU_INIT RK_IOW(KVMIO, 0xae, struct kvm_vcpu_init)
#endif
#ifndef KVM_ARM_PREFERRED_TARGET
#define KVM_ARM_PREFERRED_TARGET RK_IOR(KVMIO, 0xaf, struct kvm_vcpu_init)
#endif
#ifndef KVM_SET_MEMORY_ATTRIBUTES
#define KVM_SET_MEMORY_ATTRIBUTES RK_IOW(KVMIO, 0xd2, struct kvm_memory_attributes)
#endif
#ifndef KVM_CREATE_GUEST_MEMFD
#define KVM_CREATE_GUEST_MEMFD RK_IOWR(KVMIO, 0xd4, struct kvm_create_guest_memfd)
#endif
#ifndef KVM_ARM_RMI_POPULATE
#define KVM_ARM_RMI_POPULATE RK_IOWR(KVMIO, 0xd7, struct kvm_arm_rmi_populate)
#endif
#ifndef KVM_IRQ_LINE
#define KVM_IRQ_LINE RK_IOW(KVMIO, 0x61, struct kvm_irq_level)
#endif
#ifndef KVM_GET_REG_LIST
#define KVM_GET_REG_LIST RK_IOWR(KVMIO, 0xb0, struct kvm_reg_list)
#endif
#ifndef KVM_CREATE_DEVICE
#define KVM_CREATE_DEVICE RK_IOWR(KVMIO, 0xe0, struct kvm_create_device)
#endif
#ifndef KVM_SET_DEVICE_ATTR
#define KVM_SET_DEVICE_ATTR RK_IOW(KVMIO, 0xe1, struct kvm_device_attr)
#endif
#ifndef KVM_GET_DEVICE_ATTR
#define KVM_GET_DEVICE_ATTR RK_IOW(KVMIO, 0xe2, struct kvm_device_attr)
#endif
#ifndef KVM_HAS_DEVICE_ATTR
#define KVM_HAS_DEVICE_ATTR RK_IOW(KVMIO, 0xe3, struct kvm_device_attr)
#endif

/* ---- capabilities ---- */
#ifndef KVM_CAP_IRQCHIP
#define KVM_CAP_IRQCHIP 0
#endif
#ifndef KVM_CAP_NR_VCPUS
#define KVM_CAP_NR_VCPUS 9
#endif
#ifndef KVM_CAP_MAX_VCPUS
#define KVM_CAP_MAX_VCPUS 66
#endif
#ifndef KVM_CAP_ONE_REG
#define KVM_CAP_ONE_REG 70
#endif
#ifndef KVM_CAP_ARM_PSCI
#define KVM_CAP_ARM_PSCI 87
#endif
#ifndef KVM_CAP_DEVICE_CTRL
#define KVM_CAP_DEVICE_CTRL 89
#endif
#ifndef KVM_CAP_CHECK_EXTENSION_VM
#define KVM_CAP_CHECK_EXTENSION_VM 105
#endif
#ifndef KVM_CAP_ARM_PMU_V3
#define KVM_CAP_ARM_PMU_V3 126
#endif
#ifndef KVM_CAP_VCPU_ATTRIBUTES
#define KVM_CAP_VCPU_ATTRIBUTES 127
#endif
#ifndef KVM_CAP_MAX_VCPU_ID
#define KVM_CAP_MAX_VCPU_ID 128
#endif
#ifndef KVM_CAP_MP_STATE
#define KVM_CAP_MP_STATE 14
#endif
#ifndef KVM_CAP_ARM_PSCI_0_2
#define KVM_CAP_ARM_PSCI_0_2 102
#endif
#ifndef KVM_CAP_ARM_VM_IPA_SIZE
#define KVM_CAP_ARM_VM_IPA_SIZE 165
#endif
#ifndef KVM_CAP_USER_MEMORY
#define KVM_CAP_USER_MEMORY 3
#endif
#ifndef KVM_CAP_USER_MEMORY2
#define KVM_CAP_USER_MEMORY2 231
#endif
#ifndef KVM_CAP_MEMORY_ATTRIBUTES
#define KVM_CAP_MEMORY_ATTRIBUTES 233
#endif
#ifndef KVM_CAP_GUEST_MEMFD
#define KVM_CAP_GUEST_MEMFD 234
#endif
#ifndef KVM_CAP_ARM_RMI
#define KVM_CAP_ARM_RMI 249
#endif

/* ---- VM types, flags, attributes ---- */
#ifndef KVM_VM_TYPE_ARM_IPA_SIZE_MASK
#define KVM_VM_TYPE_ARM_IPA_SIZE_MASK 0xffUL
#endif
#ifndef KVM_VM_TYPE_ARM_IPA_SIZE
#define KVM_VM_TYPE_ARM_IPA_SIZE(x) ((x) & KVM_VM_TYPE_ARM_IPA_SIZE_MASK)
#endif
#ifndef KVM_VM_TYPE_ARM_REALM
#define KVM_VM_TYPE_ARM_REALM (1UL << 30)
#endif
#ifndef KVM_MEM_GUEST_MEMFD
#define KVM_MEM_GUEST_MEMFD (1U << 2)
#endif
#ifndef KVM_MEMORY_ATTRIBUTE_PRIVATE
#define KVM_MEMORY_ATTRIBUTE_PRIVATE (1ULL << 3)
#endif
#ifndef KVM_ARM_RMI_POPULATE_FLAGS_MEASURE
#define KVM_ARM_RMI_POPULATE_FLAGS_MEASURE (1U << 0)
#endif

/* ---- arm64 vCPUs: KVM_ARM_VCPU_INIT target and features (bit numbers), as <asm/kvm.h> ---- */
#ifndef KVM_ARM_TARGET_GENERIC_V8
#define KVM_ARM_TARGET_GENERIC_V8 5
#endif
#ifndef KVM_ARM_VCPU_POWER_OFF
#define KVM_ARM_VCPU_POWER_OFF 0
#endif
#ifndef KVM_ARM_VCPU_EL1_32BIT
#define KVM_ARM_VCPU_EL1_32BIT 1
#endif
#ifndef KVM_ARM_VCPU_PSCI_0_2
#define KVM_ARM_VCPU_PSCI_0_2 2
#endif
#ifndef KVM_ARM_VCPU_PMU_V3
#define KVM_ARM_VCPU_PMU_V3 3
#endif
#ifndef KVM_ARM_VCPU_SVE
#define KVM_ARM_VCPU_SVE 4
#endif
#ifndef KVM_ARM_VCPU_PTRAUTH_ADDRESS
#define KVM_ARM_VCPU_PTRAUTH_ADDRESS 5
#endif
#ifndef KVM_ARM_VCPU_PTRAUTH_GENERIC
#define KVM_ARM_VCPU_PTRAUTH_GENERIC 6
#endif

/* ---- vCPU power state (KVM_{GET,SET}_MP_STATE) ---- */
#ifndef KVM_MP_STATE_RUNNABLE
#define KVM_MP_STATE_RUNNABLE 0
#endif
#ifndef KVM_MP_STATE_STOPPED
#define KVM_MP_STATE_STOPPED 5
#endif

/* ---- the SMCCC filter: KVM_SET_DEVICE_ATTR on the VM fd (arm64 <asm/kvm.h>) ---- */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL 0
#endif
#ifndef KVM_ARM_VM_SMCCC_FILTER
#define KVM_ARM_VM_SMCCC_FILTER 0
#endif
#ifndef KVM_SMCCC_FILTER_HANDLE
#define KVM_SMCCC_FILTER_HANDLE 0
#define KVM_SMCCC_FILTER_DENY 1
#define KVM_SMCCC_FILTER_FWD_TO_USER 2
#endif

/* ---- arm64 registers for KVM_{GET,SET}_ONE_REG ---- */
#ifndef KVM_REG_ARM64
#define KVM_REG_ARM64 0x6000000000000000ULL
#endif
#ifndef KVM_REG_SIZE_U64
#define KVM_REG_SIZE_U64 0x0030000000000000ULL
#endif
#ifndef KVM_REG_ARM_CORE
#define KVM_REG_ARM_CORE (0x0010ULL << 16)
#endif
/*
 * Core registers by offset in 32-bit words into struct kvm_regs (user_pt_regs
 * first).  realmkit's KVM_REG_ARM_CORE_REG takes that offset; arm64 Linux's,
 * which wins where <linux/kvm.h> comes first, takes a struct kvm_regs member
 * name.  The KVM_REG_ARM64_* names below are realmkit's and right either way.
 */
#define RK_REG_ARM_CORE(word) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | (0x0010ULL << 16) | (word))
#ifndef KVM_REG_ARM_CORE_REG
#define KVM_REG_ARM_CORE_REG(word) RK_REG_ARM_CORE(word)
#endif
#define KVM_REG_ARM64_X(n)   RK_REG_ARM_CORE(2ULL * (n))
#define KVM_REG_ARM64_SP     RK_REG_ARM_CORE(62)
#define KVM_REG_ARM64_PC     RK_REG_ARM_CORE(64)
#define KVM_REG_ARM64_PSTATE RK_REG_ARM_CORE(66)

/* ---- exits ---- */
#ifndef KVM_EXIT_UNKNOWN
#define KVM_EXIT_UNKNOWN 0
#endif
#ifndef KVM_EXIT_HYPERCALL
#define KVM_EXIT_HYPERCALL 3
#endif
#ifndef KVM_EXIT_MMIO
#define KVM_EXIT_MMIO 6
#endif
#ifndef KVM_EXIT_SHUTDOWN
#define KVM_EXIT_SHUTDOWN 8
#endif
#ifndef KVM_EXIT_FAIL_ENTRY
#define KVM_EXIT_FAIL_ENTRY 9
#endif
#ifndef KVM_EXIT_INTR
#define KVM_EXIT_INTR 10
#endif
#ifndef KVM_EXIT_SYSTEM_EVENT
#define KVM_EXIT_SYSTEM_EVENT 24
#endif
#ifndef KVM_EXIT_MEMORY_FAULT
#define KVM_EXIT_MEMORY_FAULT 39
#endif

#ifndef KVM_SYSTEM_EVENT_SHUTDOWN
#define KVM_SYSTEM_EVENT_SHUTDOWN 1
#endif
#ifndef KVM_SYSTEM_EVENT_RESET
#define KVM_SYSTEM_EVENT_RESET 2
#endif
#ifndef KVM_HYPERCALL_EXIT_SMC
#define KVM_HYPERCALL_EXIT_SMC (1ULL << 0)
#endif
#ifndef KVM_HYPERCALL_EXIT_16BIT
#define KVM_HYPERCALL_EXIT_16BIT (1ULL << 1)
#endif
#ifndef KVM_MEMORY_EXIT_FLAG_PRIVATE
#define KVM_MEMORY_EXIT_FLAG_PRIVATE (1ULL << 3)
#endif

/* ---- in-kernel devices: KVM_CREATE_DEVICE types (<linux/kvm.h> enum kvm_device_type) ---- */
#ifndef KVM_CREATE_DEVICE_TEST
#define KVM_CREATE_DEVICE_TEST 1
#endif
#ifndef KVM_DEV_TYPE_ARM_VGIC_V2
#define KVM_DEV_TYPE_ARM_VGIC_V2 5
#endif
#ifndef KVM_DEV_TYPE_ARM_VGIC_V3
#define KVM_DEV_TYPE_ARM_VGIC_V3 7
#endif
#ifndef KVM_DEV_TYPE_ARM_VGIC_ITS
#define KVM_DEV_TYPE_ARM_VGIC_ITS 8
#endif

/* ---- the GICv3 device's attributes (arm64 <asm/kvm.h>) ---- */
#ifndef KVM_VGIC_V3_ADDR_TYPE_DIST
#define KVM_VGIC_V3_ADDR_TYPE_DIST 2
#endif
#ifndef KVM_VGIC_V3_ADDR_TYPE_REDIST
#define KVM_VGIC_V3_ADDR_TYPE_REDIST 3
#endif
#ifndef KVM_VGIC_ITS_ADDR_TYPE
#define KVM_VGIC_ITS_ADDR_TYPE 4
#endif
#ifndef KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION
#define KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION 5
#endif
#ifndef KVM_VGIC_V3_DIST_SIZE
#define KVM_VGIC_V3_DIST_SIZE 0x10000ULL
#endif
#ifndef KVM_VGIC_V3_REDIST_SIZE
#define KVM_VGIC_V3_REDIST_SIZE 0x20000ULL /* two 64 KiB frames per vCPU */
#endif
/* KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION: count[63:52] | base[51:16] | flags[15:12] | index[11:0] */
#ifndef KVM_VGIC_V3_RDIST_INDEX_MASK
#define KVM_VGIC_V3_RDIST_INDEX_MASK 0x0000000000000fffULL
#define KVM_VGIC_V3_RDIST_FLAGS_MASK 0x000000000000f000ULL
#define KVM_VGIC_V3_RDIST_BASE_MASK  0x000fffffffff0000ULL
#define KVM_VGIC_V3_RDIST_COUNT_MASK 0xfff0000000000000ULL
#define KVM_VGIC_V3_RDIST_COUNT_SHIFT 52
#endif
#ifndef KVM_DEV_ARM_VGIC_GRP_ADDR
#define KVM_DEV_ARM_VGIC_GRP_ADDR 0
#define KVM_DEV_ARM_VGIC_GRP_DIST_REGS 1
#define KVM_DEV_ARM_VGIC_GRP_CPU_REGS 2
#define KVM_DEV_ARM_VGIC_GRP_NR_IRQS 3
#define KVM_DEV_ARM_VGIC_GRP_CTRL 4
#define KVM_DEV_ARM_VGIC_GRP_REDIST_REGS 5
#define KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS 6
#define KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO 7
#endif
#ifndef KVM_DEV_ARM_VGIC_CTRL_INIT
#define KVM_DEV_ARM_VGIC_CTRL_INIT 0
#endif
#ifndef KVM_DEV_ARM_ITS_SAVE_TABLES
#define KVM_DEV_ARM_ITS_SAVE_TABLES 1
#define KVM_DEV_ARM_ITS_RESTORE_TABLES 2
#define KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES 3
#endif

/* ---- KVM_IRQ_LINE's irq field on arm64: vcpu2[31:28] type[27:24] vcpu[23:16] num[15:0] ---- */
#ifndef KVM_ARM_IRQ_TYPE_SHIFT
#define KVM_ARM_IRQ_VCPU2_SHIFT 28
#define KVM_ARM_IRQ_VCPU2_MASK 0xf
#define KVM_ARM_IRQ_TYPE_SHIFT 24
#define KVM_ARM_IRQ_TYPE_MASK 0xf
#define KVM_ARM_IRQ_VCPU_SHIFT 16
#define KVM_ARM_IRQ_VCPU_MASK 0xff
#define KVM_ARM_IRQ_NUM_SHIFT 0
#define KVM_ARM_IRQ_NUM_MASK 0xffff
#define KVM_ARM_IRQ_TYPE_CPU 0
#define KVM_ARM_IRQ_TYPE_SPI 1
#define KVM_ARM_IRQ_TYPE_PPI 2
#define KVM_ARM_IRQ_CPU_IRQ 0
#define KVM_ARM_IRQ_CPU_FIQ 1
#endif

/* ---- vCPU device attributes (arm64 <asm/kvm.h>) ---- */
#ifndef KVM_ARM_VCPU_PMU_V3_CTRL
#define KVM_ARM_VCPU_PMU_V3_CTRL 0
#define KVM_ARM_VCPU_PMU_V3_IRQ 0
#define KVM_ARM_VCPU_PMU_V3_INIT 1
#define KVM_ARM_VCPU_PMU_V3_FILTER 2
#define KVM_ARM_VCPU_PMU_V3_SET_PMU 3
#endif
#ifndef KVM_ARM_VCPU_TIMER_CTRL
#define KVM_ARM_VCPU_TIMER_CTRL 1
#define KVM_ARM_VCPU_TIMER_IRQ_VTIMER 0
#define KVM_ARM_VCPU_TIMER_IRQ_PTIMER 1
#endif
#ifndef KVM_ARM_VCPU_PVTIME_CTRL
#define KVM_ARM_VCPU_PVTIME_CTRL 2
#define KVM_ARM_VCPU_PVTIME_IPA 0
#endif

/* ---- system registers for KVM_{GET,SET}_ONE_REG: op0, op1, CRn, CRm, op2 ---- */
#ifndef KVM_REG_ARM64_SYSREG
#define KVM_REG_ARM64_SYSREG (0x0013ULL << 16)
#endif
#define RK_REG_ARM64_SYS(op0, op1, crn, crm, op2)                                           \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG |                          \
	 ((uint64_t)(op0) << 14) | ((uint64_t)(op1) << 11) | ((uint64_t)(crn) << 7) |       \
	 ((uint64_t)(crm) << 3) | (uint64_t)(op2))

#endif
