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
#include "kvm/rmi.h"
#include "machine/cpu.h"

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
	if (vm->vgic && vm->vgic->initialised)
		return -EBUSY; /* kvm_arch_vcpu_precreate(): the vGIC is sized already */
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
	rk_vgic_vcpu_init(v);
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

/*
 * The ID registers a VMM reads before it creates the realm (op0 3, op1 0,
 * CRn 0, CRm 4..7: ID_AA64PFR*, ZFR0, SMFR0, DFR*, AFR*, ISAR*, MMFR*).
 * KVM starts from the CPU's (the model's reset values, as a host kernel
 * starts from the sanitised host registers) and shows what the RMM will
 * present to the realm: no SVE, SME or AMU, the VM's debug shape, and a
 * PARange that holds the IPA space.  The realm reads the same values.
 */
#define IDREG_FIRST RK_REG_ARM64_SYS(3, 0, 0, 4, 0)
#define IDREG_LAST  RK_REG_ARM64_SYS(3, 0, 0, 7, 7)
#define IDREG_PFR0  RK_REG_ARM64_SYS(3, 0, 0, 4, 0)
#define IDREG_ZFR0  RK_REG_ARM64_SYS(3, 0, 0, 4, 4)
#define IDREG_SMFR0 RK_REG_ARM64_SYS(3, 0, 0, 4, 5)
#define IDREG_MMFR0 RK_REG_ARM64_SYS(3, 0, 0, 7, 0)

static uint64_t set_field(uint64_t v, unsigned shift, uint64_t field)
{
	return (v & ~(0xfULL << shift)) | (field & 0xf) << shift;
}

static bool idreg(const struct rk_vm *vm, uint64_t id, uint64_t *val)
{
	static const unsigned pa_bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	uint64_t v, pa = 6;

	if (id < IDREG_FIRST || id > IDREG_LAST)
		return false;
	if (id == KVM_REG_ARM64_ID_AA64DFR0_EL1) {
		*val = vm->dfr0;
		return true;
	}
	v = cpu_model_sysreg((uint32_t)(id & 0xffff));
	switch (id) {
	case IDREG_PFR0:
		v = set_field(set_field(v, 32, 0), 44, 0); /* SVE, AMU */
		break;
	case IDREG_ZFR0:
	case IDREG_SMFR0:
		v = 0;
		break;
	case IDREG_MMFR0:
		for (unsigned i = 0; i < 7; i++)
			if (vm->ipa_bits <= pa_bits[i]) {
				pa = i;
				break;
			}
		v = set_field(v, 0, pa);
		break;
	}
	*val = v;
	return true;
}

static int one_reg(struct rk_vcpu *v, const struct kvm_one_reg *r, bool set)
{
	uint64_t val = 0, cur, *reg = NULL;

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
		/* The other ID registers are the RMM's: only their current value is accepted. */
		if (idreg(v->vm, r->id, &cur))
			return val == cur ? 0 : -EINVAL;
		/* A realm's other registers are the RMM's: only x0..x30 and PC are settable. */
		if (!reg)
			return -EINVAL;
		*reg = val;
		return 0;
	}
	if (reg)
		val = *reg;
	else if (idreg(v->vm, r->id, &cur))
		val = cur;
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

/*
 * A trapped WFI (kvm_vcpu_wfi): sleep until an interrupt is pending for the
 * vCPU, its timer is due (KVM computes when from the last exit's CNTV/CNTP,
 * as its background timer does), KVM_IRQ_LINE or an SGI wakes it, or a
 * signal comes.  Host lock held (dropped while asleep).
 */
static int vcpu_wfi(struct rk_vcpu *v)
{
	struct rk_host *h = v->vm->host;
	const uint64_t ctl[2] = { v->cntv_ctl, v->cntp_ctl };
	const uint64_t cval[2] = { v->cntv_cval, v->cntp_cval };
	uint64_t now = cpu_counter(), due = 0, n;
	struct pollfd p = { .fd = v->wake_fd, .events = POLLIN };
	int r, ms = 10; /* at most a tick: immediate_exit set by a handler is seen */

	for (unsigned i = 0; i < 2; i++)
		if ((ctl[i] & 3) == 1 && (!due || cval[i] < due))
			due = cval[i];
	if (rk_vgic_vcpu_pending(v) || (due && due <= now) || v->run->immediate_exit ||
	    v->vm->system_event || v->power_off) {
		v->wfi = false;
		rk_timer_update(v, due ? cpu_counter() : 0);
		return 0;
	}
	if (due) {
		uint64_t wait_ms = ((due - now) * 1000 + CPU_CNTFRQ - 1) / CPU_CNTFRQ;

		ms = wait_ms < 10 ? (int)wait_ms : 10;
	}
	pthread_mutex_unlock(&h->lock);
	r = poll(&p, 1, ms);
	pthread_mutex_lock(&h->lock);
	if (r < 0 && errno == EINTR)
		return -EINTR;
	if (r > 0 && read(v->wake_fd, &n, sizeof(n)) < 0) {
		/* Drained by a racing reader: the state is re-checked. */
	}
	if (due && cpu_counter() >= due) {
		v->wfi = false;
		rk_timer_update(v, cpu_counter());
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
		/* kvm_vcpu_first_run_init(): the vGIC's resources, then v14's realm checks. */
		if (vm->vgic) {
			ret = rk_vgic_map_resources(vm);
			if (ret) {
				vm->dead = true; /* as kvm_vgic_map_resources() failing: kvm_vm_dead() */
				return ret;
			}
		}
		if (!vm->vgic)
			return -EOPNOTSUPP; /* v14: a realm needs the in-kernel irqchip */
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
		if (v->wfi) {
			ret = vcpu_wfi(v);
			if (ret) {
				v->run->exit_reason = KVM_EXIT_INTR;
				return ret;
			}
			continue;
		}
		/* KVM traps WFI (HCR_EL2.TWI): an idle realm sleeps in KVM_RUN, not in the RMM. */
		run->enter.flags = v->entry_flags | RMI_REC_ENTRY_FLAG_TRAP_WFI;
		rk_vgic_flush(v, &run->enter);
		pthread_mutex_unlock(&h->lock);
		x0 = rmi_rec_enter(h, v->rec, v->run_page);
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
	/*
	 * A trylock out of order cannot deadlock; it succeeds unless another
	 * thread is in KVM_RUN on this vCPU (never, with a thread per vCPU),
	 * and saves dropping and retaking the host lock on every KVM_RUN.
	 */
	if (pthread_mutex_trylock(&v->mutex)) {
		pthread_mutex_unlock(&h->lock);
		pthread_mutex_lock(&v->mutex);
		pthread_mutex_lock(&h->lock);
	}
	ret = run_loop(v);
	pthread_mutex_unlock(&v->mutex);
	rk_vm_put(vm);
	return ret;
}

/* KVM_GET_REG_LIST: x0..x30, SP, PC, PSTATE and the ID registers, in index order. */
#define REG_LIST_LEN (34 + 32)

static int reg_list(struct rk_vcpu *v, void *arg)
{
	struct kvm_reg_list l;
	uint64_t ids[REG_LIST_LEN], n;
	unsigned k = 0;

	(void)v;
	if (rk_copy_from_user(&l, arg, sizeof(l)))
		return -EFAULT;
	n = l.n;
	l.n = REG_LIST_LEN;
	if (rk_copy_to_user(arg, &l, sizeof(l)))
		return -EFAULT;
	if (n < REG_LIST_LEN)
		return -E2BIG;
	for (unsigned i = 0; i < 31; i++)
		ids[k++] = KVM_REG_ARM64_X(i);
	ids[k++] = KVM_REG_ARM64_SP;
	ids[k++] = KVM_REG_ARM64_PC;
	ids[k++] = KVM_REG_ARM64_PSTATE;
	for (uint64_t id = IDREG_FIRST; id <= IDREG_LAST; id++)
		ids[k++] = id;
	return rk_copy_to_user((char *)arg + sizeof(l), ids, sizeof(ids)) ? -EFAULT : 0;
}

/*
 * KVM_{SET,GET,HAS}_DEVICE_ATTR on a vCPU.  The timer PPIs (VM-wide, until
 * the first KVM_RUN) as kvm_arm_timer_{set,get,has}_attr; the PMU as for a
 * vCPU without the PMU feature (v14 offers realms none); no stolen time.
 */
static int vcpu_attr(struct rk_vcpu *v, unsigned long req, void *arg)
{
	struct rk_vm *vm = v->vm;
	struct kvm_device_attr a;
	void *uaddr;
	uint32_t irq;

	if (rk_copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	uaddr = (void *)(uintptr_t)a.addr;
	switch (a.group) {
	case KVM_ARM_VCPU_TIMER_CTRL:
		if (req == KVM_HAS_DEVICE_ATTR)
			return a.attr == KVM_ARM_VCPU_TIMER_IRQ_VTIMER ||
					       a.attr == KVM_ARM_VCPU_TIMER_IRQ_PTIMER
				       ? 0
				       : -ENXIO;
		if (req == KVM_GET_DEVICE_ATTR) {
			if (a.attr > KVM_ARM_VCPU_TIMER_IRQ_PTIMER)
				return -ENXIO;
			irq = vm->timer_ppi[a.attr];
			return rk_copy_to_user(uaddr, &irq, sizeof(irq)) ? -EFAULT : 0;
		}
		if (!vm->vgic)
			return -EINVAL;
		if (rk_copy_from_user(&irq, uaddr, sizeof(irq)))
			return -EFAULT;
		if (irq < RK_VGIC_NR_SGIS || irq >= RK_VGIC_NR_PRIVATE)
			return -EINVAL;
		if (vm->has_run)
			return -EBUSY;
		if (a.attr > KVM_ARM_VCPU_TIMER_IRQ_PTIMER)
			return -ENXIO;
		vm->timer_ppi[a.attr] = irq;
		return 0;
	case KVM_ARM_VCPU_PMU_V3_CTRL:
		if (req == KVM_HAS_DEVICE_ATTR)
			return -ENXIO;
		if (req == KVM_GET_DEVICE_ATTR && a.attr != KVM_ARM_VCPU_PMU_V3_IRQ)
			return -ENXIO;
		if (req == KVM_GET_DEVICE_ATTR && !vm->vgic)
			return -EINVAL;
		return -ENODEV; /* no vCPU has the PMU feature */
	default:
		return -ENXIO; /* includes PVTIME: stolen time is not offered to realms */
	}
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
	case KVM_GET_REG_LIST:
		if (!v->initialised)
			return -ENOEXEC;
		return reg_list(v, arg);
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		return vcpu_attr(v, req, arg);
	case KVM_GET_MP_STATE:
		return mp_state(v, arg, false);
	case KVM_SET_MP_STATE:
		return mp_state(v, arg, true);
	default:
		return -EINVAL; /* as arm64's kvm_arch_vcpu_ioctl() */
	}
}
