// SPDX-License-Identifier: MIT
/*
 * vCPUs: KVM_CREATE_VCPU, KVM_ARM_VCPU_INIT, the realm's restricted
 * KVM_{GET,SET}_ONE_REG, and KVM_RUN (activation on the first run).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm/internal.h"

#define KVM_ARM_VCPU_POWER_OFF 0
#define KVM_ARM_VCPU_EL1_32BIT 1
#define FEATURES_SUPPORTED     ((1U << KVM_ARM_VCPU_POWER_OFF) | (1U << KVM_ARM_VCPU_PSCI_0_2))
#define FEATURES_VALID         ((1U << 9) - 1) /* KVM_VCPU_MAX_FEATURES 9: bits 0..8 */
#define PSTATE_EL1H_MASKED     0x3c5ULL

#define DFR0_FIELD(v, shift) (((v) >> (shift)) & 0xf)

int rk_vcpu_create(struct rk_vm *vm, unsigned long id)
{
	struct rk_vcpu *v;
	int fd;

	if (id >= RK_MAX_VCPUS)
		return -EINVAL;
	if (id < vm->nvcpus && vm->vcpus[id])
		return -EEXIST;
	if (vm->has_run || vm->state == RK_REALM_ACTIVE)
		return -EBUSY; /* RECs are created at activation: no more vCPUs after it */
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->vm = vm;
	v->id = (unsigned)id;
	v->file = rk_file_new(vm->host, RK_FILE_VCPU, v, "kvm-vcpu", RK_MMAP_SIZE, &fd);
	if (!v->file) {
		free(v);
		return -errno;
	}
	vm->vcpus[id] = v;
	if (id >= vm->nvcpus)
		vm->nvcpus = (unsigned)id + 1;
	vm->refs++;
	v->run = mmap(NULL, RK_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, v->file->own, 0);
	if (v->run == MAP_FAILED) {
		/* The file goes at the next reap; the vCPU stays, inert, until the VM goes. */
		v->run = NULL;
		v->initialised = false;
		close(fd);
		return -ENOMEM;
	}
	return fd;
}

void rk_vcpu_free(struct rk_vcpu *v)
{
	if (!v)
		return;
	if (v->run)
		munmap(v->run, RK_MMAP_SIZE);
	free(v);
}

static int vcpu_init(struct rk_vcpu *v, const struct kvm_vcpu_init *init)
{
	if (init->target != KVM_ARM_TARGET_GENERIC_V8)
		return -EINVAL;
	/* As kvm_vcpu_init_check_features(): unknown bits are -ENOENT, unsupported -EINVAL. */
	if (init->features[0] & ~FEATURES_VALID)
		return -ENOENT;
	for (unsigned i = 1; i < 7; i++)
		if (init->features[i])
			return -ENOENT;
	if (init->features[0] & ~FEATURES_SUPPORTED)
		return -EINVAL; /* AArch32, PMU, SVE, pointer auth, NV: not for this realm vCPU */
	if (v->vm->has_run)
		return -EBUSY;
	v->psci_0_2 = init->features[0] & (1U << KVM_ARM_VCPU_PSCI_0_2);
	memset(v->x, 0, sizeof(v->x));
	v->pc = 0;
	v->initialised = true;
	return 0;
}

/* ID_AA64DFR0_EL1: the VM's debug shape, which becomes num_bps/num_wps of the realm. */
static int set_dfr0(struct rk_vm *vm, uint64_t val)
{
	uint64_t max = rk_dfr0_default(vm->host);

	if (DFR0_FIELD(val, 0) < 6 || !DFR0_FIELD(val, 12) || !DFR0_FIELD(val, 20) ||
	    DFR0_FIELD(val, 28) > DFR0_FIELD(val, 12) ||
	    DFR0_FIELD(val, 12) > DFR0_FIELD(max, 12) || DFR0_FIELD(val, 20) > DFR0_FIELD(max, 20))
		return -EINVAL;
	if (val == vm->dfr0)
		return 0;
	if (vm->state != RK_REALM_NONE)
		return -EBUSY; /* fixed in the realm descriptor */
	vm->dfr0 = val;
	return 0;
}

static int one_reg(struct rk_vcpu *v, const struct kvm_one_reg *r, bool set)
{
	uint64_t val = 0, *reg = NULL;

	if (!v->initialised)
		return -ENOEXEC;
	if (r->id >= KVM_REG_ARM64_X(0) && r->id <= KVM_REG_ARM64_X(30) && !(r->id & 1))
		reg = &v->x[(r->id - KVM_REG_ARM64_X(0)) / 2];
	else if (r->id == KVM_REG_ARM64_PC)
		reg = &v->pc;
	if (set) {
		if (rk_copy_from_user(&val, (const void *)(uintptr_t)r->addr, sizeof(val)))
			return -EFAULT;
		if (r->id == KVM_REG_ARM64_ID_AA64DFR0_EL1)
			return set_dfr0(v->vm, val);
		/* A realm's other registers are the RMM's: only x0..x30 and PC are settable. */
		if (!reg)
			return -EINVAL;
		*reg = val;
		return 0;
	}
	if (reg)
		val = *reg;
	else if (r->id == KVM_REG_ARM64_ID_AA64DFR0_EL1)
		val = v->vm->dfr0;
	else if (r->id == KVM_REG_ARM64_PSTATE)
		val = PSTATE_EL1H_MASKED;
	else if (r->id != KVM_REG_ARM64_SP)
		return -ENOENT;
	return rk_copy_to_user((void *)(uintptr_t)r->addr, &val, sizeof(val));
}

static int vcpu_run(struct rk_vcpu *v)
{
	struct rk_vm *vm = v->vm;
	uint64_t x0;
	int ret;

	if (!v->initialised || !v->run)
		return -ENOEXEC;
	if (!vm->realm)
		return -ENOSYS; /* only realm VMs are modelled */
	vm->has_run = true;
	ret = rk_realm_activate(vm);
	if (ret)
		return ret;
	/* As in Linux (kvm_arch_vcpu_run_pid_change), the first KVM_RUN activates anyway. */
	if (v->run->immediate_exit)
		return -EINTR;
	x0 = rk_rmi(vm->host, RMI_REC_ENTER, v->rec, v->run_page, 0, 0, 0, NULL);
	switch (RMI_RET_STATUS(x0)) {
	case RMI_SUCCESS:
		/*
		 * The REC ran and exited; with no vCPU engine yet it exits at
		 * once (RMI_EXIT_IRQ).  Rather than re-enter forever, say so.
		 */
		v->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		v->run->fail_entry.hardware_entry_failure_reason =
			KVM_REALMKIT_FAIL_ENTRY_NO_VCPU_ENGINE;
		v->run->fail_entry.cpu = v->id;
		return 0;
	case RMI_ERROR_REALM:
		v->run->exit_reason = KVM_EXIT_SHUTDOWN;
		return 0;
	case RMI_ERROR_REC:
		return -EAGAIN; /* not runnable yet: waiting for PSCI CPU_ON */
	default:
		return -ENXIO;
	}
}

int rk_vcpu_ioctl(struct rk_vcpu *v, unsigned long req, void *arg)
{
	struct kvm_vcpu_init init;
	struct kvm_one_reg reg;

	switch (req) {
	case KVM_ARM_VCPU_INIT:
		if (rk_copy_from_user(&init, arg, sizeof(init)))
			return -EFAULT;
		return vcpu_init(v, &init);
	case KVM_SET_ONE_REG:
	case KVM_GET_ONE_REG:
		if (!v->initialised)
			return -ENOEXEC; /* checked before the copy, as in Linux */
		if (rk_copy_from_user(&reg, arg, sizeof(reg)))
			return -EFAULT;
		return one_reg(v, &reg, req == KVM_SET_ONE_REG);
	case KVM_RUN:
		return vcpu_run(v);
	default:
		return -EINVAL; /* as arm64's kvm_arch_vcpu_ioctl() */
	}
}
