/* SPDX-License-Identifier: MIT */
/*
 * REALMKIT EXPERIMENTAL KVM extensions: realmkit's answers to the open
 * questions of the Linux review threads.  None of these is in any Linux
 * posting; each sits behind its own capability, in numbers Linux does not
 * use (capabilities 0x7200.., ioctl type 'r'), so a VMM that probes for them
 * on a real kernel sees them absent.  See docs/KVM.md.
 */
#ifndef REALMKIT_KVM_REALMKIT_H
#define REALMKIT_KVM_REALMKIT_H

#include "realmkit/kvm.h"

#define RKIO 'r'

/*
 * Realm configuration that v14 cannot express but VMMs expose (kvmtool
 * --measurement-algo / --realm-pv, QEMU rme-guest properties).
 * KVM_ENABLE_CAP on the VM before the realm descriptor exists:
 *   args[0] = KVM_REALMKIT_CFG_HASH_ALGO, args[1] = KVM_REALMKIT_HASH_SHA256 | _SHA512
 *   args[0] = KVM_REALMKIT_CFG_RPV,       args[1] = user pointer to 64 bytes
 * -EBUSY once the RD exists, -EINVAL for anything else.  Default: SHA-256, zero RPV (as v14).
 */
#define KVM_CAP_REALMKIT_REALM_CONFIG 0x7200
#define KVM_REALMKIT_CFG_HASH_ALGO    0
#define KVM_REALMKIT_CFG_RPV          1
#define KVM_REALMKIT_HASH_SHA256      0
#define KVM_REALMKIT_HASH_SHA512      1

/*
 * VMM-driven RIPAS (seed 2): KVM_ENABLE_CAP before the RD exists.  KVM then
 * sets no RIPAS at activation; the VMM sets RIPAS RAM itself with
 * KVM_REALMKIT_INIT_RIPAS (before the first KVM_RUN, on private memory in
 * guest_memfd memslots; progress is reported as for populate).
 */
#define KVM_CAP_REALMKIT_VMM_RIPAS 0x7201

struct kvm_realmkit_init_ripas {
	uint64_t base;
	uint64_t size;
	uint64_t flags; /* must be 0 */
	uint64_t reserved;
};
RK_STATIC_ASSERT(sizeof(struct kvm_realmkit_init_ripas) == 32, "kvm_realmkit_init_ripas size");
RK_STATIC_ASSERT(offsetof(struct kvm_realmkit_init_ripas, flags) == 16, "init_ripas flags");

#define KVM_REALMKIT_INIT_RIPAS RK_IOWR(RKIO, 0x01, struct kvm_realmkit_init_ripas)

/*
 * Populate from a file descriptor (seed 1): copy @size bytes from @fd at
 * @offset into protected memory at @base, measured if flags has
 * KVM_ARM_RMI_POPULATE_FLAGS_MEASURE, with no user-space bounce buffer
 * (the kernel reads the file straight into the RMM's source pages).
 * Validation and progress (base, size, offset written back) as for
 * KVM_ARM_RMI_POPULATE.  Behind KVM_CAP_REALMKIT_POPULATE_FD.
 */
#define KVM_CAP_REALMKIT_POPULATE_FD 0x7202

struct kvm_realmkit_populate_fd {
	uint64_t base;
	uint64_t size;
	uint64_t offset;
	int32_t fd;
	uint32_t flags;
	uint64_t reserved;
};
RK_STATIC_ASSERT(sizeof(struct kvm_realmkit_populate_fd) == 40, "kvm_realmkit_populate_fd size");
RK_STATIC_ASSERT(offsetof(struct kvm_realmkit_populate_fd, fd) == 24, "populate_fd fd");
RK_STATIC_ASSERT(offsetof(struct kvm_realmkit_populate_fd, flags) == 28, "populate_fd flags");
RK_STATIC_ASSERT(offsetof(struct kvm_realmkit_populate_fd, reserved) == 32, "populate_fd rsvd");

#define KVM_REALMKIT_POPULATE_FD RK_IOWR(RKIO, 0x02, struct kvm_realmkit_populate_fd)

/*
 * Partial progress on demand: KVM_ENABLE_CAP args[0] = N makes every
 * populate / init-RIPAS call stop after N pages and report progress
 * (0: no limit).  The environment variable REALMKIT_POPULATE_CHUNK sets the
 * default for new hosts.  The RIM does not depend on N.
 */
#define KVM_CAP_REALMKIT_POPULATE_CHUNK 0x7203

/*
 * REALMKIT EXPERIMENTAL: "measured" as a property of guest_memfd ranges
 * (seed 1, Marc Zyngier's splice/io_uring proposal; docs/KVM.md).  Behind
 * KVM_CAP_REALMKIT_GMEM_POPULATE.  Issued on a guest_memfd fd, in file
 * offsets: flags KVM_REALMKIT_GMEM_POPULATE marks [offset, offset + size)
 * as a populate range, measured if KVM_REALMKIT_GMEM_MEASURED is set too;
 * flags 0 clears the marking (MEASURED alone is EINVAL).
 * User space then writes the image into those offsets of the guest_memfd
 * with write(2), splice(2) or io_uring, with no populate flag; at the
 * first KVM_RUN, before the RECs are created, KVM turns every page written
 * into realm DATA, measured or not as its range says, in ascending IPA.
 * Errors: EINVAL (flags, reserved, alignment, beyond the file), EBUSY
 * (a page whose marking would change already holds data, or the VM has
 * run), EEXIST (a page already populated by an ioctl), ENXIO (VM dead).
 */
#define KVM_CAP_REALMKIT_GMEM_POPULATE 0x7210

#define KVM_REALMKIT_GMEM_POPULATE (1ULL << 0) /* the range takes data by write/splice */
#define KVM_REALMKIT_GMEM_MEASURED (1ULL << 1) /* ... and its pages are measured */

struct kvm_realmkit_gmem_populate {
	uint64_t offset;
	uint64_t size;
	uint64_t flags;
	uint64_t reserved;
};
RK_STATIC_ASSERT(sizeof(struct kvm_realmkit_gmem_populate) == 32, "gmem_populate size");
RK_STATIC_ASSERT(offsetof(struct kvm_realmkit_gmem_populate, size) == 8, "gmem_populate size off");
RK_STATIC_ASSERT(offsetof(struct kvm_realmkit_gmem_populate, flags) == 16, "gmem_populate flags");
RK_STATIC_ASSERT(offsetof(struct kvm_realmkit_gmem_populate, reserved) == 24,
		 "gmem_populate reserved");

#define KVM_REALMKIT_GMEM_SET_POPULATE RK_IOW(RKIO, 0x10, struct kvm_realmkit_gmem_populate)

/*
 * Before realms ran, KVM_RUN returned KVM_EXIT_FAIL_ENTRY with this reason
 * after activation.  It no longer does (realm code runs); the value stays
 * reserved so that code written against it still compiles.
 */
#define KVM_REALMKIT_FAIL_ENTRY_NO_VCPU_ENGINE 0x72000001ULL

/* ID_AA64DFR0_EL1 for KVM_{GET,SET}_ONE_REG: ARM64_SYS_REG(3, 0, 0, 5, 0). */
#ifndef KVM_REG_ARM64_SYSREG
#define KVM_REG_ARM64_SYSREG (0x0013ULL << 16)
#endif
#define KVM_REG_ARM64_ID_AA64DFR0_EL1                                                      \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | (3ULL << 14) | (5ULL << 3))

#endif
