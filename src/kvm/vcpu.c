// SPDX-License-Identifier: MIT
/*
 * vCPUs: KVM_CREATE_VCPU, KVM_ARM_VCPU_INIT, the realm's restricted
 * KVM_{GET,SET}_ONE_REG, KVM_{GET,SET}_MP_STATE and KVM_RUN: activation on
 * the first run, then REC_ENTER until an exit needs the VMM (exit.c), with
 * powered-off vCPUs asleep until PSCI CPU_ON wakes them.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm/internal.h"

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
	v->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->wake_fd < 0) {
		free(v);
		return -errno;
	}
	pthread_mutex_init(&v->mutex, NULL);
	v->file = rk_file_new(vm->host, RK_FILE_VCPU, v, "kvm-vcpu", RK_MMAP_SIZE,
			      (void **)&v->run, &fd);
	if (!v->file) {
		int err = errno;

		close(v->wake_fd);
		pthread_mutex_destroy(&v->mutex);
		free(v);
		return -err;
	}
	vm->vcpus[id] = v;
	if (id >= vm->nvcpus)
		vm->nvcpus = (unsigned)id + 1;
	vm->refs++;
	return fd;
}

void rk_vcpu_free(struct rk_vcpu *v)
{
	if (!v)
		return;
	if (v->run)
		munmap(v->run, RK_MMAP_SIZE);
	close(v->wake_fd);
	pthread_mutex_destroy(&v->mutex);
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
	v->power_off = init->features[0] & (1U << KVM_ARM_VCPU_POWER_OFF);
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

/*
 * A powered-off vCPU waits for PSCI CPU_ON (or a system event).  Like a
 * sleeping task in Linux it is interrupted by a signal (EINTR) and notices
 * immediate_exit set by a signal handler.  Called and returns with the host
 * lock held.
 */
static int vcpu_sleep(struct rk_vcpu *v)
{
	struct rk_host *h = v->vm->host;
	struct pollfd p = { .fd = v->wake_fd, .events = POLLIN };
	uint64_t n;
	int r;

	pthread_mutex_unlock(&h->lock);
	r = poll(&p, 1, 10);
	pthread_mutex_lock(&h->lock);
	if (r < 0 && errno == EINTR)
		return -EINTR;
	if (r > 0 && read(v->wake_fd, &n, sizeof(n)) < 0) {
		/* Drained by a racing reader: nothing lost, the state is re-checked. */
	}
	return 0;
}

/* The KVM_RUN loop, with vcpu->mutex and the host lock held. */
static int run_loop(struct rk_vcpu *v)
{
	struct rk_vm *vm = v->vm;
	struct rk_host *h = vm->host;
	struct rmi_rec_run *run;
	struct rmi_rec_exit exit;
	uint64_t x0;
	int ret;

	if (!v->initialised || !v->run)
		return -ENOEXEC;
	if (!vm->realm)
		return -ENOSYS; /* only realm VMs are modelled */
	if (!vm->has_run) {
		/* Written guest_memfd pages become DATA before the RECs (experimental). */
		ret = rk_gmem_commit(vm);
		if (ret)
			return ret;
	}
	vm->has_run = true;
	ret = rk_realm_activate(vm);
	if (ret)
		return ret;
	/* As in Linux (kvm_arch_vcpu_run_pid_change), the first KVM_RUN activates anyway. */
	ret = rk_exit_complete(v);
	if (ret)
		return ret;
	run = pas_host_va(h->pas, v->run_page);
	for (;;) {
		if (vm->system_event) {
			v->run->system_event.type = vm->system_event;
			v->run->system_event.ndata = 1;
			v->run->system_event.data[0] = 0;
			v->run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
			return 0;
		}
		if (v->run->immediate_exit) {
			v->run->exit_reason = KVM_EXIT_INTR;
			return -EINTR;
		}
		if (v->power_off) {
			ret = vcpu_sleep(v);
			if (ret) {
				v->run->exit_reason = KVM_EXIT_INTR;
				return ret;
			}
			continue;
		}
		run->enter.flags = v->entry_flags;
		pthread_mutex_unlock(&h->lock);
		x0 = rk_rmi(h, RMI_REC_ENTER, v->rec, v->run_page, 0, 0, 0, NULL);
		pthread_mutex_lock(&h->lock);
		switch (RMI_RET_STATUS(x0)) {
		case RMI_SUCCESS:
			break;
		case RMI_ERROR_REALM:
			v->run->exit_reason = KVM_EXIT_SHUTDOWN;
			return 0;
		case RMI_ERROR_REC:
			return -EAGAIN;
		default:
			return -ENXIO;
		}
		memcpy(&exit, &run->exit, sizeof(exit));
		ret = rk_exit_handle(v, &exit);
		if (ret <= 0)
			return ret;
		ret = rk_exit_complete(v);
		if (ret)
			return ret;
	}
}

/*
 * KVM_RUN.  Entered with the host lock held; the VM is pinned so that it
 * outlives the call whatever other threads close, and the host lock is
 * taken again after vcpu->mutex (the lock order).
 */
static int vcpu_run(struct rk_vcpu *v)
{
	struct rk_vm *vm = v->vm;
	struct rk_host *h = vm->host;
	int ret;

	vm->refs++;
	pthread_mutex_unlock(&h->lock);
	pthread_mutex_lock(&v->mutex);
	pthread_mutex_lock(&h->lock);
	ret = run_loop(v);
	pthread_mutex_unlock(&v->mutex);
	rk_vm_put(vm);
	return ret;
}

static int mp_state(struct rk_vcpu *v, void *arg, bool set)
{
	struct kvm_mp_state s;

	if (!set) {
		s.mp_state = v->power_off ? KVM_MP_STATE_STOPPED : KVM_MP_STATE_RUNNABLE;
		return rk_copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
	}
	if (rk_copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	if (s.mp_state != KVM_MP_STATE_RUNNABLE && s.mp_state != KVM_MP_STATE_STOPPED)
		return -EINVAL;
	/* A realm's power state is the RMM's once it runs: only before that. */
	if (v->vm->has_run)
		return -EBUSY;
	v->power_off = s.mp_state == KVM_MP_STATE_STOPPED;
	return 0;
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
	case KVM_GET_MP_STATE:
		return mp_state(v, arg, false);
	case KVM_SET_MP_STATE:
		return mp_state(v, arg, true);
	default:
		return -EINVAL; /* as arm64's kvm_arch_vcpu_ioctl() */
	}
}
