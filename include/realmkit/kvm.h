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
 */
#ifndef REALMKIT_KVM_H
#define REALMKIT_KVM_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

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

#define KVMIO           0xAE
#define KVM_API_VERSION 12

/* ---- structures ---- */

struct kvm_enable_cap {
	uint32_t cap;
	uint32_t flags;
	uint64_t args[4];
	uint8_t pad[64];
};

struct kvm_one_reg {
	uint64_t id;
	uint64_t addr;
};

struct kvm_vcpu_init {
	uint32_t target;
	uint32_t features[7];
};

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

struct kvm_create_guest_memfd {
	uint64_t size;
	uint64_t flags;
	uint64_t reserved[6];
};

struct kvm_memory_attributes {
	uint64_t address;
	uint64_t size;
	uint64_t attributes;
	uint64_t flags;
};

struct kvm_mp_state {
	uint32_t mp_state;
};

struct kvm_device_attr {
	uint32_t flags;
	uint32_t group;
	uint64_t attr;
	uint64_t addr;
};

/* KVM_ARM_VM_SMCCC_FILTER: what KVM does with a range of SMCCC function IDs. */
struct kvm_smccc_filter {
	uint32_t base;
	uint32_t nr_functions;
	uint8_t action;
	uint8_t pad[15];
};

struct kvm_arm_rmi_populate {
	uint64_t base;
	uint64_t size;
	uint64_t source_uaddr;
	uint32_t flags;
	uint32_t reserved;
};

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
	union {
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
			union {
				uint32_t longmode; /* x86 only */
				uint64_t flags;
			};
		} hypercall;
		struct {
			uint32_t type;
			uint32_t ndata;
			union {
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

static_assert(sizeof(struct kvm_enable_cap) == 104, "kvm_enable_cap size");
static_assert(offsetof(struct kvm_enable_cap, args) == 8, "kvm_enable_cap.args");
static_assert(offsetof(struct kvm_enable_cap, pad) == 40, "kvm_enable_cap.pad");
static_assert(sizeof(struct kvm_one_reg) == 16, "kvm_one_reg size");
static_assert(offsetof(struct kvm_one_reg, addr) == 8, "kvm_one_reg.addr");
static_assert(sizeof(struct kvm_vcpu_init) == 32, "kvm_vcpu_init size");
static_assert(offsetof(struct kvm_vcpu_init, features) == 4, "kvm_vcpu_init.features");
static_assert(sizeof(struct kvm_userspace_memory_region2) == 160, "region2 size");
static_assert(offsetof(struct kvm_userspace_memory_region2, guest_phys_addr) == 8, "gpa");
static_assert(offsetof(struct kvm_userspace_memory_region2, memory_size) == 16, "size");
static_assert(offsetof(struct kvm_userspace_memory_region2, userspace_addr) == 24, "uaddr");
static_assert(offsetof(struct kvm_userspace_memory_region2, guest_memfd_offset) == 32, "off");
static_assert(offsetof(struct kvm_userspace_memory_region2, guest_memfd) == 40, "gmem");
static_assert(offsetof(struct kvm_userspace_memory_region2, pad2) == 48, "pad2");
static_assert(sizeof(struct kvm_create_guest_memfd) == 64, "kvm_create_guest_memfd size");
static_assert(offsetof(struct kvm_create_guest_memfd, flags) == 8, "gmem flags");
static_assert(offsetof(struct kvm_create_guest_memfd, reserved) == 16, "gmem reserved");
static_assert(sizeof(struct kvm_memory_attributes) == 32, "kvm_memory_attributes size");
static_assert(offsetof(struct kvm_memory_attributes, size) == 8, "attr size");
static_assert(offsetof(struct kvm_memory_attributes, attributes) == 16, "attr attributes");
static_assert(offsetof(struct kvm_memory_attributes, flags) == 24, "attr flags");
static_assert(sizeof(struct kvm_arm_rmi_populate) == 32, "kvm_arm_rmi_populate size");
static_assert(offsetof(struct kvm_arm_rmi_populate, size) == 8, "populate size");
static_assert(offsetof(struct kvm_arm_rmi_populate, source_uaddr) == 16, "populate src");
static_assert(offsetof(struct kvm_arm_rmi_populate, flags) == 24, "populate flags");
static_assert(offsetof(struct kvm_arm_rmi_populate, reserved) == 28, "populate reserved");
static_assert(sizeof(struct kvm_run) == 2352, "kvm_run size");
static_assert(offsetof(struct kvm_run, exit_reason) == 8, "kvm_run.exit_reason");
static_assert(offsetof(struct kvm_run, flags) == 14, "kvm_run.flags");
static_assert(offsetof(struct kvm_run, mmio) == 32, "kvm_run union");
static_assert(offsetof(struct kvm_run, mmio.data) == 40, "kvm_run.mmio.data");
static_assert(offsetof(struct kvm_run, mmio.len) == 48, "kvm_run.mmio.len");
static_assert(offsetof(struct kvm_run, mmio.is_write) == 52, "kvm_run.mmio.is_write");
static_assert(offsetof(struct kvm_run, system_event.data) == 40, "system_event.data");
static_assert(offsetof(struct kvm_run, memory_fault.gpa) == 40, "memory_fault.gpa");
static_assert(offsetof(struct kvm_run, memory_fault.size) == 48, "memory_fault.size");
static_assert(offsetof(struct kvm_run, fail_entry.cpu) == 40, "fail_entry.cpu");
static_assert(offsetof(struct kvm_run, hypercall.args) == 40, "hypercall.args");
static_assert(offsetof(struct kvm_run, hypercall.ret) == 88, "hypercall.ret");
static_assert(offsetof(struct kvm_run, hypercall.flags) == 96, "hypercall.flags");
static_assert(sizeof(struct kvm_mp_state) == 4, "kvm_mp_state size");
static_assert(sizeof(struct kvm_device_attr) == 24, "kvm_device_attr size");
static_assert(offsetof(struct kvm_device_attr, attr) == 8, "kvm_device_attr.attr");
static_assert(offsetof(struct kvm_device_attr, addr) == 16, "kvm_device_attr.addr");
static_assert(sizeof(struct kvm_smccc_filter) == 24, "kvm_smccc_filter size");
static_assert(offsetof(struct kvm_smccc_filter, action) == 8, "kvm_smccc_filter.action");
static_assert(offsetof(struct kvm_run, kvm_valid_regs) == 288, "kvm_run.kvm_valid_regs");
static_assert(offsetof(struct kvm_run, s) == 304, "kvm_run.s");

/* ---- request numbers ---- */
#define KVM_GET_API_VERSION          RK_IO(KVMIO, 0x00)
#define KVM_CREATE_VM                RK_IO(KVMIO, 0x01)
#define KVM_CHECK_EXTENSION          RK_IO(KVMIO, 0x03)
#define KVM_GET_VCPU_MMAP_SIZE       RK_IO(KVMIO, 0x04)
#define KVM_CREATE_VCPU              RK_IO(KVMIO, 0x41)
#define KVM_SET_USER_MEMORY_REGION2  RK_IOW(KVMIO, 0x49, struct kvm_userspace_memory_region2)
#define KVM_RUN                      RK_IO(KVMIO, 0x80)
#define KVM_GET_MP_STATE             RK_IOR(KVMIO, 0x98, struct kvm_mp_state)
#define KVM_SET_MP_STATE             RK_IOW(KVMIO, 0x99, struct kvm_mp_state)
#define KVM_ENABLE_CAP               RK_IOW(KVMIO, 0xa3, struct kvm_enable_cap)
#define KVM_GET_ONE_REG              RK_IOW(KVMIO, 0xab, struct kvm_one_reg)
#define KVM_SET_ONE_REG              RK_IOW(KVMIO, 0xac, struct kvm_one_reg)
#define KVM_ARM_VCPU_INIT            RK_IOW(KVMIO, 0xae, struct kvm_vcpu_init)
#define KVM_ARM_PREFERRED_TARGET     RK_IOR(KVMIO, 0xaf, struct kvm_vcpu_init)
#define KVM_SET_DEVICE_ATTR          RK_IOW(KVMIO, 0xe1, struct kvm_device_attr)
#define KVM_GET_DEVICE_ATTR          RK_IOW(KVMIO, 0xe2, struct kvm_device_attr)
#define KVM_HAS_DEVICE_ATTR          RK_IOW(KVMIO, 0xe3, struct kvm_device_attr)
#define KVM_SET_MEMORY_ATTRIBUTES    RK_IOW(KVMIO, 0xd2, struct kvm_memory_attributes)
#define KVM_CREATE_GUEST_MEMFD       RK_IOWR(KVMIO, 0xd4, struct kvm_create_guest_memfd)
#define KVM_ARM_RMI_POPULATE         RK_IOWR(KVMIO, 0xd7, struct kvm_arm_rmi_populate)

/* ---- capabilities ---- */
#define KVM_CAP_ARM_PSCI_0_2    102
#define KVM_CAP_MP_STATE        14
#define KVM_CAP_ARM_VM_IPA_SIZE 165
#define KVM_CAP_USER_MEMORY2    231
#define KVM_CAP_MEMORY_ATTRIBUTES 233
#define KVM_CAP_GUEST_MEMFD     234
#define KVM_CAP_ARM_RMI         249

/* ---- VM types, flags, attributes ---- */
#define KVM_VM_TYPE_ARM_IPA_SIZE_MASK 0xffUL
#define KVM_VM_TYPE_ARM_IPA_SIZE(x)   ((x) & KVM_VM_TYPE_ARM_IPA_SIZE_MASK)
#define KVM_VM_TYPE_ARM_REALM         (1UL << 30)
#define KVM_MEM_GUEST_MEMFD           (1U << 2)
#define KVM_MEMORY_ATTRIBUTE_PRIVATE  (1ULL << 3)
#define KVM_ARM_RMI_POPULATE_FLAGS_MEASURE (1U << 0)

/* ---- arm64 vCPUs ---- */
#define KVM_ARM_TARGET_GENERIC_V8 5
#ifndef KVM_ARM_VCPU_POWER_OFF
#define KVM_ARM_VCPU_POWER_OFF    0 /* the vCPU starts powered off (PSCI CPU_ON starts it) */
#endif
#define KVM_ARM_VCPU_PSCI_0_2     2

#define KVM_MP_STATE_RUNNABLE 0
#define KVM_MP_STATE_STOPPED  5

/* VM device attributes: the SMCCC filter (KVM_SET_DEVICE_ATTR on the VM fd). */
#define KVM_ARM_VM_SMCCC_CTRL      0
#define KVM_ARM_VM_SMCCC_FILTER    0
#define KVM_SMCCC_FILTER_HANDLE    0
#define KVM_SMCCC_FILTER_DENY      1
#define KVM_SMCCC_FILTER_FWD_TO_USER 2

#define KVM_REG_ARM64    0x6000000000000000ULL
#define KVM_REG_SIZE_U64 0x0030000000000000ULL
#define KVM_REG_ARM_CORE (0x0010ULL << 16)
/* Core registers: offsets in 32-bit words into struct kvm_regs (user_pt_regs first). */
#define KVM_REG_ARM_CORE_REG(word) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | (word))
#define KVM_REG_ARM64_X(n)  KVM_REG_ARM_CORE_REG(2ULL * (n))
#define KVM_REG_ARM64_SP    KVM_REG_ARM_CORE_REG(62)
#define KVM_REG_ARM64_PC    KVM_REG_ARM_CORE_REG(64)
#define KVM_REG_ARM64_PSTATE KVM_REG_ARM_CORE_REG(66)

/* ---- exits ---- */
#define KVM_EXIT_UNKNOWN       0
#define KVM_EXIT_HYPERCALL     3
#define KVM_EXIT_MMIO          6
#define KVM_EXIT_SHUTDOWN      8
#define KVM_EXIT_FAIL_ENTRY    9
#define KVM_EXIT_INTR          10
#define KVM_EXIT_SYSTEM_EVENT  24
#define KVM_EXIT_MEMORY_FAULT  39

#define KVM_SYSTEM_EVENT_SHUTDOWN 1
#define KVM_SYSTEM_EVENT_RESET    2
#define KVM_MEMORY_EXIT_FLAG_PRIVATE (1ULL << 3)
#define KVM_HYPERCALL_EXIT_SMC   (1ULL << 0)
#define KVM_HYPERCALL_EXIT_16BIT (1ULL << 1)

#endif
