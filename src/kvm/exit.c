// SPDX-License-Identifier: MIT
/*
 * REC exits as KVM handles them (Linux CCA series, rmi-exit.c): each exit
 * reason of RMI_REC_ENTER becomes either work KVM does itself before
 * re-entering (stage-2 faults on private RAM, PSCI, host calls nobody
 * filters) or a struct kvm_run exit for the VMM (MMIO, RIPAS changes as
 * KVM_EXIT_MEMORY_FAULT, SYSTEM_OFF/RESET, host calls forwarded by the
 * SMCCC filter).  rk_exit_complete() finishes, before the next REC_ENTER,
 * what the VMM answered.  Called with host->lock held.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/esr.h"
#include "kvm/internal.h"
#include "kvm/rmi.h"
#include "realmkit/psci.h"

static struct rmi_rec_run *run_page(struct rk_vcpu *v)
{
	return pas_host_va(v->vm->host->pas, v->run_page);
}

static uint64_t shared_bit(const struct rk_vm *vm)
{
	return 1ULL << (vm->ipa_bits - 1);
}

void rk_vcpu_wake(struct rk_vcpu *v)
{
	uint64_t one = 1;

	if (write(v->wake_fd, &one, sizeof(one)) < 0) {
		/* The counter is saturated: the vCPU has been woken already. */
	}
}

/* The SMCCC function ID is the low 32 bits of x0 (SMCCC 1.1), as Linux filters it. */
static bool forward_to_user(const struct rk_vm *vm, uint64_t x0)
{
	uint32_t fid = (uint32_t)x0;

	for (unsigned i = 0; i < vm->nfilters; i++) {
		const struct kvm_smccc_filter *f = &vm->filters[i];

		if (fid >= f->base && fid - f->base < f->nr_functions)
			return f->action == KVM_SMCCC_FILTER_FWD_TO_USER;
	}
	return false;
}

/* The realm's RIPAS change: which prefix of [base, top) has the attributes it needs. */
static uint64_t ripas_ready_top(struct rk_vcpu *v)
{
	struct rk_vm *vm = v->vm;
	bool want_private = v->ripas.ripas == RMI_RAM;
	uint64_t a = v->ripas.base;

	while (a < v->ripas.top && rk_vm_range_private(vm, a, GRANULE_SIZE) == want_private)
		a += GRANULE_SIZE;
	return a;
}

int rk_exit_complete(struct rk_vcpu *v)
{
	struct rmi_rec_run *run = run_page(v);
	uint64_t done, ready;

	switch (v->pending) {
	case RK_PENDING_MMIO:
		if (v->mmio_read) {
			uint64_t val = 0;

			if (v->mmio_kernel)
				val = v->mmio_kval;
			else
				memcpy(&val, v->run->mmio.data, v->mmio_len);
			run->enter.gprs[0] = val;
		}
		v->mmio_kernel = false;
		v->entry_flags |= RMI_REC_ENTRY_FLAG_EMUL_MMIO;
		break;
	case RK_PENDING_RIPAS:
		/*
		 * The VMM answered by converting the memory attributes (or not):
		 * the converted prefix gets the new RIPAS, the rest is refused.
		 */
		ready = ripas_ready_top(v);
		done = ready > v->ripas.base ? rk_realm_set_ripas(v, v->ripas.base, ready)
					     : v->ripas.base;
		if (done < v->ripas.top)
			v->entry_flags |= RMI_REC_ENTRY_FLAG_RIPAS_RESPONSE;
		break;
	case RK_PENDING_HOST_CALL:
		memcpy(run->enter.gprs, v->x, sizeof(run->enter.gprs));
		break;
	case RK_PENDING_NONE:
		break;
	}
	v->pending = RK_PENDING_NONE;
	return 0;
}

static int exit_to_user(struct rk_vcpu *v, uint32_t reason)
{
	v->run->exit_reason = reason;
	return 0;
}

static int handle_dabt(struct rk_vcpu *v, const struct rmi_rec_exit *exit)
{
	struct rk_vm *vm = v->vm;
	uint64_t ipa = (exit->hpfar >> 4) << GRANULE_SHIFT;
	unsigned len;
	int ret;

	if (!(ipa & shared_bit(vm))) {
		/* Private RAM the realm touched first: back it, then retry the access. */
		ret = rk_realm_map_private(vm, ipa);
		if (ret == 0)
			return 1;
		if (ret != -EFAULT && ret != -EEXIST)
			return ret;
		/* No private page can be given: the VMM decides (as kvm_gmem_get_pfn failing). */
		v->run->memory_fault.flags = KVM_MEMORY_EXIT_FLAG_PRIVATE;
		v->run->memory_fault.gpa = ipa;
		v->run->memory_fault.size = GRANULE_SIZE;
		exit_to_user(v, KVM_EXIT_MEMORY_FAULT);
		return -EFAULT;
	}
	/* A memslot's user memory at the unprotected alias: map it (shared.c). */
	ret = rk_shared_fault(v, ipa);
	if (ret)
		return ret;
	if (!(exit->esr & ESR_ISV)) {
		/* MMIO KVM cannot decode: the realm takes an external abort. */
		v->entry_flags |= RMI_REC_ENTRY_FLAG_INJECT_SEA;
		return 1;
	}
	len = 1U << ((exit->esr & ESR_SAS_MASK) >> ESR_SAS_SHIFT);
	{
		/* The in-kernel vGIC's frames: emulated here, user space sees nothing. */
		uint64_t val = exit->gprs[0];
		bool write = exit->esr & ESR_WNR;

		if (rk_vgic_mmio(vm, (ipa & ~shared_bit(vm)) | (exit->far & GRANULE_MASK), len,
				 write, &val)) {
			v->mmio_len = len;
			v->mmio_read = !write;
			v->mmio_kernel = true;
			v->mmio_kval = val;
			v->pending = RK_PENDING_MMIO;
			return 1;
		}
	}
	v->run->mmio.phys_addr = (ipa & ~shared_bit(vm)) | (exit->far & GRANULE_MASK);
	v->run->mmio.len = len;
	v->run->mmio.is_write = !!(exit->esr & ESR_WNR);
	memset(v->run->mmio.data, 0, sizeof(v->run->mmio.data));
	if (v->run->mmio.is_write) {
		memcpy(v->run->mmio.data, &exit->gprs[0], len);
		v->x[0] = exit->gprs[0]; /* KVM's view: SRT is hidden, so the value lands in x0 */
	}
	v->mmio_len = len;
	v->mmio_read = !v->run->mmio.is_write;
	v->pending = RK_PENDING_MMIO;
	return exit_to_user(v, KVM_EXIT_MMIO);
}

static struct rk_vcpu *vcpu_by_mpidr(struct rk_vm *vm, uint64_t mpidr)
{
	/* KVM's MPIDR for vCPU n: Aff0 = n % 16, Aff1 = n / 16 (as REC_CREATE was given). */
	uint64_t idx = (mpidr & 0xf) | ((mpidr >> 8) & 0xff) << 4;

	if (mpidr & ~0xff0fUL || idx >= vm->nvcpus)
		return NULL;
	return vm->vcpus[idx];
}

static void system_event(struct rk_vcpu *v, uint32_t type)
{
	struct rk_vm *vm = v->vm;

	vm->system_event = type;
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct rk_vcpu *o = vm->vcpus[i];

		if (o && o != v) {
			rk_vcpu_wake(o);
			if (o->rec)
				rmm_rec_kick(vm->host->rmm, o->rec);
		}
	}
}

static int handle_psci(struct rk_vcpu *v, const struct rmi_rec_exit *exit)
{
	struct rk_vm *vm = v->vm;
	uint64_t fid = exit->gprs[0];
	struct rk_vcpu *t;
	uint64_t x0;

	memcpy(v->x, exit->gprs, sizeof(v->x));
	switch (fid) {
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		t = vcpu_by_mpidr(vm, exit->gprs[1]);
		if (!t || !t->rec)
			return -ENXIO; /* the RMM checked the MPIDR: cannot happen */
		x0 = rmi_psci_complete(vm->host, v->rec, t->rec, PSCI_RET_SUCCESS);
		if (!RMI_RET_STATUS(x0) && (fid == PSCI_CPU_ON_32 || fid == PSCI_CPU_ON_64) &&
		    t->power_off) {
			t->power_off = false;
			rk_vcpu_wake(t);
		}
		return RMI_RET_STATUS(x0) ? -ENXIO : 1;
	case PSCI_CPU_OFF:
		v->power_off = true;
		return 1;
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		return 1; /* as WFI: nothing to wait for without interrupts */
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		system_event(v, fid == PSCI_SYSTEM_OFF ? KVM_SYSTEM_EVENT_SHUTDOWN
						       : KVM_SYSTEM_EVENT_RESET);
		v->run->system_event.type = vm->system_event;
		v->run->system_event.ndata = 1;
		v->run->system_event.data[0] = 0;
		return exit_to_user(v, KVM_EXIT_SYSTEM_EVENT);
	default:
		return -ENXIO;
	}
}

static int handle_host_call(struct rk_vcpu *v, const struct rmi_rec_exit *exit)
{
	uint64_t fid = exit->gprs[0];

	memcpy(v->x, exit->gprs, sizeof(v->x));
	v->pending = RK_PENDING_HOST_CALL;
	if (!forward_to_user(v->vm, fid)) {
		/* An SMCCC call nobody handles. */
		v->x[0] = SMCCC_NOT_SUPPORTED;
		return 1;
	}
	memset(&v->run->hypercall, 0, sizeof(v->run->hypercall));
	v->run->hypercall.nr = (uint32_t)fid;
	v->run->hypercall.flags = KVM_HYPERCALL_EXIT_SMC;
	return exit_to_user(v, KVM_EXIT_HYPERCALL);
}

/* ESR ISS of a trapped MSR/MRS: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], CRm [4:1]. */
#define SYSREG_ISS(op0, op1, crn, crm, op2)                                                 \
	((uint64_t)(op0) << 20 | (uint64_t)(op2) << 17 | (uint64_t)(op1) << 14 |             \
	 (uint64_t)(crn) << 10 | (uint64_t)(crm) << 1)
#define SYSREG_ISS_MASK (SYSREG_ISS(3, 7, 15, 15, 7) | 1)
#define ISS_ICC_SGI1R   SYSREG_ISS(3, 0, 12, 11, 5)

/*
 * System register accesses the RMM forwards (the ICC registers the virtual
 * CPU interface does not handle): an SGI for the in-kernel vGIC.  Others
 * (SGI0R: Group 0, which the vGIC has none of; a DIR KVM never traps) are
 * ignored.  The RMM has moved the PC past the instruction.
 */
static int handle_sysreg(struct rk_vcpu *v, const struct rmi_rec_exit *exit)
{
	uint64_t iss = exit->esr & SYSREG_ISS_MASK;

	if (iss == ISS_ICC_SGI1R)
		rk_vgic_sgi(v, exit->gprs[0]);
	return 1;
}

#define CTL_ENABLE  1ULL
#define CTL_IMASK   2ULL
#define CTL_ISTATUS 4ULL

/*
 * kvm_realm_timers_update(): a timer's output (enabled, not masked, condition
 * met) is the level of its PPI.  With @counter the condition is evaluated at
 * that counter value (after KVM slept on a WFI); else as the REC exit
 * reported it (ISTATUS).
 */
void rk_timer_update(struct rk_vcpu *v, uint64_t counter)
{
	const uint64_t ctl[2] = { v->cntv_ctl, v->cntp_ctl };
	const uint64_t cval[2] = { v->cntv_cval, v->cntp_cval };

	if (!v->vm->vgic || !v->vm->vgic->initialised)
		return;
	for (unsigned i = 0; i < 2; i++) {
		bool met = counter ? counter >= cval[i] : (ctl[i] & CTL_ISTATUS);
		bool level = (ctl[i] & (CTL_ENABLE | CTL_IMASK)) == CTL_ENABLE && met;

		if (level != v->timer_level[i]) {
			v->timer_level[i] = level;
			rk_vgic_inject(v->vm, v, v->vm->timer_ppi[i], level);
		}
	}
}

int rk_exit_handle(struct rk_vcpu *v, const struct rmi_rec_exit *exit)
{
	v->entry_flags = 0;
	/* Every exit reports the realm's timers and list registers (update_arch_timer_irq_lines). */
	rk_vgic_sync(v, exit);
	v->cntv_ctl = exit->cntv_ctl;
	v->cntv_cval = exit->cntv_cval;
	v->cntp_ctl = exit->cntp_ctl;
	v->cntp_cval = exit->cntp_cval;
	rk_timer_update(v, 0);
	switch (exit->exit_reason) {
	case RMI_EXIT_SYNC:
		switch (esr_ec(exit->esr)) {
		case ESR_EC_DABT_LOWER:
			return handle_dabt(v, exit);
		case ESR_EC_WFX:
			/* A trapped WFI: KVM_RUN waits for an interrupt (kvm_vcpu_wfi). */
			if (!(exit->esr & ESR_WFX_TI_WFE))
				v->wfi = true;
			return 1;
		case ESR_EC_SYS64:
			return handle_sysreg(v, exit);
		default:
			/* Instruction aborts and unknown classes are fatal, as in Linux. */
			return -ENXIO;
		}
	case RMI_EXIT_IRQ:
	case RMI_EXIT_FIQ:
	case RMI_EXIT_SERROR:
		return 1;
	case RMI_EXIT_PSCI:
		return handle_psci(v, exit);
	case RMI_EXIT_RIPAS_CHANGE:
		v->ripas.base = exit->ripas_base;
		v->ripas.top = exit->ripas_top;
		v->ripas.ripas = exit->ripas_value;
		v->pending = RK_PENDING_RIPAS;
		v->run->memory_fault.flags =
			exit->ripas_value == RMI_RAM ? KVM_MEMORY_EXIT_FLAG_PRIVATE : 0;
		v->run->memory_fault.gpa = exit->ripas_base;
		v->run->memory_fault.size = exit->ripas_top - exit->ripas_base;
		exit_to_user(v, KVM_EXIT_MEMORY_FAULT);
		return -EFAULT;
	case RMI_EXIT_HOST_CALL:
		return handle_host_call(v, exit);
	default:
		return -ENXIO;
	}
}
