// SPDX-License-Identifier: MIT
/*
 * The in-kernel GICv3 of a VM (Linux's vgic for KVM_DEV_TYPE_ARM_VGIC_V3):
 * the device file and its attributes (addresses, NR_IRQS, CTRL_INIT),
 * KVM_IRQ_LINE, and the checks of the first KVM_RUN.  The numbers, checks
 * and errnos are those of Linux's vgic-kvm-device.c, vgic-init.c and
 * arm.c (kvm_vm_ioctl_irq_line) as the CCA series v14 leaves them for
 * realms: GICv2 is refused with ENODEV, and a realm cannot run without
 * this irqchip (EOPNOTSUPP at the first KVM_RUN).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/ich.h"
#include "kvm/internal.h"

#define SZ_64K 0x10000ULL

static int put_u64(uint64_t addr, uint64_t v)
{
	return rk_copy_to_user((void *)(uintptr_t)addr, &v, sizeof(v)) ? -EFAULT : 0;
}

static int get_u64(uint64_t addr, uint64_t *v)
{
	return rk_copy_from_user(v, (const void *)(uintptr_t)addr, sizeof(*v)) ? -EFAULT : 0;
}

static void irq_defaults(struct rk_irq *irq, uint32_t intid)
{
	memset(irq, 0, sizeof(*irq));
	irq->intid = intid;
	/* SGIs: enabled and edge; PPIs level and disabled; SPIs disabled (vgic-init.c). */
	irq->enabled = intid < RK_VGIC_NR_SGIS;
	irq->edge = intid < RK_VGIC_NR_SGIS || intid >= RK_VGIC_NR_PRIVATE;
}

void rk_vgic_vcpu_init(struct rk_vcpu *v)
{
	memset(&v->gic, 0, sizeof(v->gic));
	for (uint32_t i = 0; i < RK_VGIC_NR_PRIVATE; i++)
		irq_defaults(&v->gic.priv[i], i);
	v->gic.waker_sleep = true;
	v->rd_base = RK_VGIC_ADDR_UNDEF;
}

void rk_vgic_free(struct rk_vgic *g)
{
	if (!g)
		return;
	free(g->spis);
	free(g);
}

int rk_vgic_create(struct rk_vm *vm, struct kvm_create_device *cd)
{
	struct rk_vgic *g;
	int fd;

	/*
	 * The simulated GIC is a GICv3 without GICv2 compatibility and without
	 * an ITS: only VGIC_V3 exists (for realms v14 refuses V2 anyway).
	 */
	if (cd->type != KVM_DEV_TYPE_ARM_VGIC_V3)
		return -ENODEV;
	if (cd->flags & KVM_CREATE_DEVICE_TEST)
		return 0;
	if (vm->vgic)
		return -EEXIST;
	if (vm->has_run)
		return -EBUSY;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->vm = vm;
	g->dist_base = RK_VGIC_ADDR_UNDEF;
	g->file = rk_file_new(vm->host, RK_FILE_DEVICE, g, "kvm-vgic-v3", 0, NULL, &fd);
	if (!g->file) {
		free(g);
		return -errno;
	}
	vm->vgic = g;
	vm->refs++; /* the device file keeps its VM, as a kvm_device does */
	cd->fd = (uint32_t)fd;
	return 0;
}

/* vgic_check_iorange(): a new range for a register frame. */
static int check_iorange(const struct rk_vm *vm, uint64_t cur, uint64_t addr, uint64_t align,
			 uint64_t size)
{
	if (cur != RK_VGIC_ADDR_UNDEF)
		return -EEXIST;
	if ((addr & (align - 1)) || (size & (align - 1)) || addr + size < addr)
		return -EINVAL;
	if (addr + size > (1ULL << vm->ipa_bits))
		return -E2BIG;
	return 0;
}

static bool overlap(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
	return a < b + bsz && b < a + asz;
}

/* Bytes of redistributor region @i: its count, or every vCPU for the legacy region. */
static uint64_t rdreg_size(const struct rk_vgic *g, unsigned i)
{
	uint64_t n = g->rdreg[i].count ? g->rdreg[i].count : g->vm->nvcpus;

	return n * KVM_VGIC_V3_REDIST_SIZE;
}

/* vgic_v3_alloc_redist_region(): a legacy region (@count 0) or region @index. */
static int add_rdreg(struct rk_vgic *g, uint32_t index, uint64_t base, uint32_t count)
{
	uint64_t size = (uint64_t)count * KVM_VGIC_V3_REDIST_SIZE;
	int ret;

	if (!g->nrdreg) {
		if (index != 0)
			return -EINVAL;
	} else {
		if (!count && g->rdreg[g->nrdreg - 1].count)
			return -EINVAL; /* no legacy region after the regions */
		if (!count)
			return -EEXIST; /* a second legacy region */
		if (!g->rdreg[g->nrdreg - 1].count)
			return -EINVAL; /* no region after the legacy one */
		if (index != g->nrdreg)
			return -EINVAL; /* indexes follow each other from 0 */
	}
	for (unsigned i = 0; i < g->nrdreg; i++)
		if (overlap(base, size, g->rdreg[i].base, rdreg_size(g, i)))
			return -EINVAL;
	if (g->dist_base != RK_VGIC_ADDR_UNDEF &&
	    overlap(base, size, g->dist_base, KVM_VGIC_V3_DIST_SIZE))
		return -EINVAL;
	ret = check_iorange(g->vm, RK_VGIC_ADDR_UNDEF, base, SZ_64K, size);
	if (ret)
		return ret;
	if (g->nrdreg == RK_VGIC_MAX_RDREGS)
		return -ENOSPC;
	g->rdreg[g->nrdreg].base = base;
	g->rdreg[g->nrdreg].count = count;
	g->nrdreg++;
	return 0;
}

static int attr_addr(struct rk_vgic *g, const struct kvm_device_attr *a, bool set)
{
	uint64_t v;
	int ret;

	if (a->attr != KVM_VGIC_V3_ADDR_TYPE_DIST && a->attr != KVM_VGIC_V3_ADDR_TYPE_REDIST &&
	    a->attr != KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION)
		return -ENXIO; /* ITS frames belong to the ITS device (there is none) */
	if (get_u64(a->addr, &v))
		return -EFAULT;
	switch (a->attr) {
	case KVM_VGIC_V3_ADDR_TYPE_DIST:
		if (!set)
			return put_u64(a->addr, g->dist_base);
		ret = check_iorange(g->vm, g->dist_base, v, SZ_64K, KVM_VGIC_V3_DIST_SIZE);
		if (!ret)
			g->dist_base = v;
		return ret;
	case KVM_VGIC_V3_ADDR_TYPE_REDIST:
		if (!set)
			return put_u64(a->addr, g->nrdreg ? g->rdreg[0].base : RK_VGIC_ADDR_UNDEF);
		return add_rdreg(g, 0, v, 0);
	default: {
		uint32_t index = (uint32_t)(v & KVM_VGIC_V3_RDIST_INDEX_MASK);
		uint32_t count = (uint32_t)(v >> KVM_VGIC_V3_RDIST_COUNT_SHIFT);

		if (!set) {
			if (index >= g->nrdreg || !g->rdreg[index].count)
				return -ENOENT;
			return put_u64(a->addr,
				       (uint64_t)g->rdreg[index].count << KVM_VGIC_V3_RDIST_COUNT_SHIFT |
					       g->rdreg[index].base | index);
		}
		if (!count || (v & KVM_VGIC_V3_RDIST_FLAGS_MASK))
			return -EINVAL;
		return add_rdreg(g, index, v & KVM_VGIC_V3_RDIST_BASE_MASK, count);
	}
	}
}

/* vgic_init(): SPIs get their defaults; idempotent. */
static int vgic_init(struct rk_vgic *g)
{
	if (g->initialised)
		return 0;
	if (!g->nr_spis)
		g->nr_spis = RK_VGIC_LEGACY_IRQS - RK_VGIC_NR_PRIVATE;
	g->spis = calloc(g->nr_spis, sizeof(*g->spis));
	if (!g->spis)
		return -ENOMEM;
	for (uint32_t i = 0; i < g->nr_spis; i++)
		irq_defaults(&g->spis[i], RK_VGIC_NR_PRIVATE + i);
	g->initialised = true;
	return 0;
}

static int attr_set_get(struct rk_vgic *g, const struct kvm_device_attr *a, bool set)
{
	uint32_t v;

	switch (a->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		return attr_addr(g, a, set);
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		if (!set) {
			v = g->nr_spis + RK_VGIC_NR_PRIVATE;
			return rk_copy_to_user((void *)(uintptr_t)a->addr, &v, sizeof(v)) ? -EFAULT
											: 0;
		}
		if (rk_copy_from_user(&v, (const void *)(uintptr_t)a->addr, sizeof(v)))
			return -EFAULT;
		/* At least 32 SPIs, at most VGIC_MAX_RESERVED INTIDs, a multiple of 32. */
		if (v < RK_VGIC_NR_PRIVATE + 32 || v > RK_VGIC_MAX_RESERVED || (v & 31))
			return -EINVAL;
		if (g->nr_spis)
			return -EBUSY; /* set already, or CTRL_INIT chose the default */
		g->nr_spis = v - RK_VGIC_NR_PRIVATE;
		return 0;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		if (!set)
			return -ENXIO;
		switch (a->attr) {
		case KVM_DEV_ARM_VGIC_CTRL_INIT:
			return vgic_init(g);
		case KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES:
			return 0; /* no LPIs (no ITS): nothing to save */
		default:
			return -ENXIO;
		}
	default:
		/* Register access groups (migration) are not modelled. */
		return -ENXIO;
	}
}

static int attr_has(const struct kvm_device_attr *a)
{
	switch (a->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		return a->attr == KVM_VGIC_V3_ADDR_TYPE_DIST ||
				       a->attr == KVM_VGIC_V3_ADDR_TYPE_REDIST ||
				       a->attr == KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION
			       ? 0
			       : -ENXIO;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		return 0;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		return a->attr == KVM_DEV_ARM_VGIC_CTRL_INIT ||
				       a->attr == KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES
			       ? 0
			       : -ENXIO;
	default:
		return -ENXIO;
	}
}

int rk_vgic_device_ioctl(struct rk_vgic *g, unsigned long req, void *arg)
{
	struct kvm_device_attr a;

	switch (req) {
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		if (rk_copy_from_user(&a, arg, sizeof(a)))
			return -EFAULT;
		if (req == KVM_HAS_DEVICE_ATTR)
			return attr_has(&a);
		return attr_set_get(g, &a, req == KVM_SET_DEVICE_ATTR);
	default:
		return -ENOTTY; /* kvm_device_ioctl(): no other ioctls on a vGIC */
	}
}

/*
 * vgic_v3_map_resources() at the first KVM_RUN: every vCPU has a
 * redistributor (vCPUs fill the regions in id order), the distributor is
 * placed, nothing overlaps, and the VMM initialised the vGIC.
 */
int rk_vgic_map_resources(struct rk_vm *vm)
{
	struct rk_vgic *g = vm->vgic;
	unsigned r = 0, used = 0;

	if (g->ready)
		return 0;
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct rk_vcpu *v = vm->vcpus[i];

		if (!v)
			continue;
		while (r < g->nrdreg && g->rdreg[r].count && used == g->rdreg[r].count) {
			r++;
			used = 0;
		}
		if (r == g->nrdreg)
			return -ENXIO; /* a vCPU without a redistributor */
		v->rd_base = g->rdreg[r].base + used++ * KVM_VGIC_V3_REDIST_SIZE;
	}
	if (g->dist_base == RK_VGIC_ADDR_UNDEF)
		return -ENXIO;
	for (unsigned i = 0; i < g->nrdreg; i++) {
		uint64_t sz = rdreg_size(g, i);

		if (g->rdreg[i].base + sz < g->rdreg[i].base ||
		    g->rdreg[i].base + sz > (1ULL << vm->ipa_bits) ||
		    overlap(g->rdreg[i].base, sz, g->dist_base, KVM_VGIC_V3_DIST_SIZE))
			return -EINVAL;
		for (unsigned j = 0; j < i; j++)
			if (overlap(g->rdreg[i].base, sz, g->rdreg[j].base, rdreg_size(g, j)))
				return -EINVAL;
	}
	if (!g->initialised)
		return -EBUSY; /* a GICv3 is initialised by the VMM, never lazily */
	g->ready = true;
	return 0;
}

/* The vCPU an interrupt goes to: its own for SGIs/PPIs, IROUTER's for SPIs. */
struct rk_vcpu *rk_vgic_target(struct rk_vm *vm, struct rk_vcpu *v, const struct rk_irq *irq)
{
	uint64_t idx;

	if (v)
		return v;
	/* KVM's MPIDR for vCPU n: Aff0 = n % 16, Aff1 = n / 16. */
	idx = (irq->route & 0xf) | ((irq->route >> 8) & 0xff) << 4;
	if ((irq->route & ~0xff0fULL) || idx >= vm->nvcpus)
		return NULL;
	return vm->vcpus[idx];
}

struct rk_irq *rk_vgic_irq(struct rk_vm *vm, struct rk_vcpu *v, uint32_t intid)
{
	struct rk_vgic *g = vm->vgic;

	if (intid < RK_VGIC_NR_PRIVATE)
		return v ? &v->gic.priv[intid] : NULL;
	if (!g || !g->spis || intid - RK_VGIC_NR_PRIVATE >= g->nr_spis)
		return NULL;
	return &g->spis[intid - RK_VGIC_NR_PRIVATE];
}

bool rk_irq_pending(const struct rk_irq *irq)
{
	return irq->pending_latch || (!irq->edge && irq->line_level);
}

/* Something changed for @v's interrupts: make it look (a running REC exits, a WFI wakes). */
void rk_vgic_kick(struct rk_vcpu *v)
{
	if (!v)
		return;
	rk_vcpu_wake(v);
	if (v->rec)
		rmm_rec_kick(v->vm->host->rmm, v->rec);
}

int rk_vgic_inject(struct rk_vm *vm, struct rk_vcpu *v, uint32_t intid, bool level)
{
	struct rk_irq *irq = rk_vgic_irq(vm, v, intid);
	struct rk_vcpu *t;

	if (!irq)
		return -EINVAL;
	if (irq->edge) {
		if (!level)
			return 0;
		irq->pending_latch = true;
	} else {
		if (irq->line_level == level)
			return 0;
		irq->line_level = level;
	}
	t = rk_vgic_target(vm, v, irq);
	if (t && rk_irq_pending(irq) && irq->enabled && vm->vgic->enabled)
		rk_vgic_kick(t);
	return 0;
}

static struct rk_vcpu *vcpu_by_id(struct rk_vm *vm, unsigned id)
{
	return id < vm->nvcpus ? vm->vcpus[id] : NULL;
}

int rk_vgic_irq_line(struct rk_vm *vm, const struct kvm_irq_level *l)
{
	unsigned type = (l->irq >> KVM_ARM_IRQ_TYPE_SHIFT) & KVM_ARM_IRQ_TYPE_MASK;
	unsigned id = (l->irq >> KVM_ARM_IRQ_VCPU_SHIFT) & KVM_ARM_IRQ_VCPU_MASK;
	uint32_t num = (l->irq >> KVM_ARM_IRQ_NUM_SHIFT) & KVM_ARM_IRQ_NUM_MASK;
	struct rk_vgic *g = vm->vgic;
	struct rk_vcpu *v = NULL;

	id += ((l->irq >> KVM_ARM_IRQ_VCPU2_SHIFT) & KVM_ARM_IRQ_VCPU2_MASK) *
	      (KVM_ARM_IRQ_VCPU_MASK + 1);
	switch (type) {
	case KVM_ARM_IRQ_TYPE_CPU:
		/* A user-space irqchip is not modelled (a realm's would have no use). */
		return -ENXIO;
	case KVM_ARM_IRQ_TYPE_PPI:
		if (!g)
			return -ENXIO;
		v = vcpu_by_id(vm, id);
		if (!v)
			return -EINVAL;
		if (num < RK_VGIC_NR_SGIS || num >= RK_VGIC_NR_PRIVATE)
			return -EINVAL;
		break;
	case KVM_ARM_IRQ_TYPE_SPI:
		if (!g)
			return -ENXIO;
		if (num < RK_VGIC_NR_PRIVATE)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (!g->initialised)
		return -EBUSY; /* vgic_lazy_init(): only a GICv2 initialises itself */
	if (type == KVM_ARM_IRQ_TYPE_SPI && num >= RK_VGIC_NR_PRIVATE + g->nr_spis)
		return -EINVAL;
	return rk_vgic_inject(vm, v, num, l->level != 0);
}

/* ---- the list registers: KVM's side of REC entry and exit ---- */

#define LR_PENDING    (1ULL << 62)
#define LR_ACTIVE     (1ULL << 63)
#define LR_GROUP1     (1ULL << 60)
#define LR_EOI        (1ULL << 41)
#define LR_PRIO_SHIFT 48
#define HCR_UIE       (1ULL << 1)
#define PRIO_MASK     0xf8U /* the list registers hold 5 priority bits */

static bool irq_deliverable(const struct rk_vgic *g, const struct rk_irq *irq)
{
	return irq->active || (rk_irq_pending(irq) && irq->enabled && g->enabled);
}

/* Does @v have an interrupt to take (for WFI)? */
bool rk_vgic_vcpu_pending(struct rk_vcpu *v)
{
	struct rk_vm *vm = v->vm;
	struct rk_vgic *g = vm->vgic;

	if (!g || !g->initialised || !g->enabled)
		return false;
	for (unsigned i = 0; i < RK_VGIC_NR_PRIVATE; i++)
		if (rk_irq_pending(&v->gic.priv[i]) && v->gic.priv[i].enabled)
			return true;
	for (uint32_t i = 0; i < g->nr_spis; i++)
		if (rk_irq_pending(&g->spis[i]) && g->spis[i].enabled &&
		    rk_vgic_target(vm, NULL, &g->spis[i]) == v)
			return true;
	return false;
}

/* Order for the LRs: active first, then by priority, then by INTID. */
static bool lr_before(const struct rk_irq *a, const struct rk_irq *b)
{
	if (a->active != b->active)
		return a->active;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->intid < b->intid;
}

/*
 * RMI 2.0 has no GIC fields in RmiRecRun: the host programs the PE's virtual
 * CPU interface before REC_ENTER (vgic_v3_restore_state: the LRs, ICH_HCR_EL2
 * with En, the VMCR and active priorities it saved) and reads it back after
 * (rk_vgic_sync()).  Under 1.0 the entry's fields are the transport.
 */
static void pe_load(struct rk_vcpu *v, struct rmi_rec_entry *e)
{
	struct hw_ich *pe = hw_ich_this_pe();

	if (!v->vm->host->rmi_v2)
		return;
	RK_STATIC_ASSERT(HW_ICH_NUM_LRS == RK_VGIC_MAX_LRS, "one LR file");
	memcpy(pe->lr, e->gicv3_lrs, sizeof(pe->lr));
	pe->hcr = ICH_HCR_EN | e->gicv3_hcr;
	pe->vmcr = v->gic.vmcr;
	pe->ap0r = v->gic.ap0r;
	pe->ap1r = v->gic.ap1r;
	memset(e->gicv3_lrs, 0, sizeof(e->gicv3_lrs));
	e->gicv3_hcr = 0;
}

/*
 * Before REC_ENTER (vgic_flush_lr_state): the vCPU's active and pending
 * interrupts, most urgent first, into the entry's list registers.  Level
 * interrupts ask for a maintenance interrupt at deactivation (EOI) so that
 * their line is sampled again; edge interrupts hand their pending latch
 * to the LR.  What does not fit asks for an underflow interrupt.
 */
void rk_vgic_flush(struct rk_vcpu *v, struct rmi_rec_entry *e)
{
	struct rk_vm *vm = v->vm;
	struct rk_vgic *g = vm->vgic;
	struct rk_irq *sel[RK_VGIC_MAX_LRS];
	unsigned n = 0;
	bool overflow = false;

	memset(e->gicv3_lrs, 0, sizeof(e->gicv3_lrs));
	e->gicv3_hcr = 0;
	v->gic.used_lrs = 0;
	if (!g || !g->initialised) {
		pe_load(v, e);
		return;
	}
	for (uint32_t i = 0; i < RK_VGIC_NR_PRIVATE + g->nr_spis; i++) {
		struct rk_irq *irq = i < RK_VGIC_NR_PRIVATE ? &v->gic.priv[i]
							    : &g->spis[i - RK_VGIC_NR_PRIVATE];
		unsigned k;

		if (!irq_deliverable(g, irq))
			continue;
		if (i >= RK_VGIC_NR_PRIVATE && rk_vgic_target(vm, NULL, irq) != v)
			continue;
		if (n == RK_VGIC_MAX_LRS) {
			if (!lr_before(irq, sel[n - 1])) {
				overflow = true;
				continue;
			}
			n--; /* the least urgent one waits */
			overflow = true;
		}
		for (k = n; k > 0 && lr_before(irq, sel[k - 1]); k--)
			sel[k] = sel[k - 1];
		sel[k] = irq;
		n++;
	}
	for (unsigned i = 0; i < n; i++) {
		struct rk_irq *irq = sel[i];
		uint64_t lr = irq->intid | LR_GROUP1 |
			      (uint64_t)(irq->priority & PRIO_MASK) << LR_PRIO_SHIFT;

		if (irq->active)
			lr |= LR_ACTIVE;
		if (irq->edge) {
			if (irq->pending_latch) {
				lr |= LR_PENDING;
				irq->pending_latch = false;
			}
		} else {
			/* A level interrupt is never pending and active in an LR. */
			if (!irq->active && rk_irq_pending(irq))
				lr |= LR_PENDING;
			lr |= LR_EOI;
		}
		e->gicv3_lrs[i] = lr;
	}
	v->gic.used_lrs = n;
	memcpy(v->gic.lrs, e->gicv3_lrs, sizeof(v->gic.lrs));
	e->gicv3_hcr = overflow ? HCR_UIE : 0;
	pe_load(v, e);
}

/* After REC_ENTER (vgic_v3_fold_lr_state): what the realm did with the LRs. */
void rk_vgic_sync(struct rk_vcpu *v, const struct rmi_rec_exit *x)
{
	struct rk_vm *vm = v->vm;
	const uint64_t *lrs = x->gicv3_lrs;

	if (vm->host->rmi_v2) {
		/* vgic_v3_save_state: the RMM left the state in the PE's registers. */
		const struct hw_ich *pe = hw_ich_this_pe();

		lrs = pe->lr;
		v->gic.hcr = pe->hcr;
		v->gic.vmcr = pe->vmcr;
		v->gic.misr = pe->misr;
		v->gic.ap0r = pe->ap0r;
		v->gic.ap1r = pe->ap1r;
	} else {
		v->gic.hcr = x->gicv3_hcr;
		v->gic.vmcr = x->gicv3_vmcr;
		v->gic.misr = x->gicv3_misr;
	}
	for (unsigned i = 0; i < v->gic.used_lrs; i++) {
		uint64_t lr = lrs[i];
		struct rk_irq *irq = rk_vgic_irq(vm, v, (uint32_t)lr);

		if (!irq)
			continue;
		irq->active = lr & LR_ACTIVE;
		if (irq->edge) {
			if (lr & LR_PENDING)
				irq->pending_latch = true;
		} else if (!(lr & (LR_PENDING | LR_ACTIVE))) {
			irq->pending_latch = false; /* deactivated: the line is sampled again */
		}
	}
	v->gic.used_lrs = 0;
}

/* ---- SGIs: ICC_SGI1R_EL1 writes the RMM forwards ---- */

void rk_vgic_sgi(struct rk_vcpu *v, uint64_t val)
{
	struct rk_vm *vm = v->vm;
	uint32_t intid = (uint32_t)(val >> 24) & 0xf;
	uint64_t aff1 = (val >> 16) & 0xff, aff2 = (val >> 32) & 0xff, aff3 = (val >> 48) & 0xff;
	bool all = val & (1ULL << 40);

	if (!vm->vgic || !vm->vgic->initialised)
		return;
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct rk_vcpu *t = vm->vcpus[i];
		unsigned aff0 = i & 0xf;

		if (!t)
			continue;
		if (all) {
			if (t == v)
				continue;
		} else if (aff3 || aff2 || aff1 != (i >> 4) || !(val & (1ULL << aff0))) {
			continue;
		}
		t->gic.priv[intid].pending_latch = true;
		if (t != v && t->gic.priv[intid].enabled)
			rk_vgic_kick(t);
	}
}

/* ---- the distributor and redistributor registers (realm MMIO, handled in KVM) ---- */

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IIDR       0x0008
#define GICD_IGROUPR    0x0080
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ISPENDR    0x0200
#define GICD_ICPENDR    0x0280
#define GICD_ISACTIVER  0x0300
#define GICD_ICACTIVER  0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR      0x0c00
#define GICD_IROUTER    0x6000
#define GICD_PIDR2      0xffe8
#define GICR_IIDR       0x0004
#define GICR_TYPER      0x0008
#define GICR_WAKER      0x0014
#define GICR_SGI        0x10000
#define CTLR_ENABLE_G1A (1U << 1)
#define CTLR_ARE_NS     (1U << 4)
#define CTLR_DS         (1U << 6)
#define IIDR_KVM        (0x4bU << 24 | 3U << 12 | 0x43bU)
#define PIDR2_GICV3     0x3b

/*
 * One register bank of bit-, byte- or 2-bit-per-interrupt registers over
 * @nirq interrupts from @irqs (INTID @first), at @off from its base.
 */
static uint64_t bank_read(struct rk_irq *irqs, uint32_t nirq, uint32_t first, unsigned base,
			  unsigned off, unsigned len)
{
	uint64_t v = 0;

	switch (base) {
	case GICD_IPRIORITYR:
		for (unsigned b = 0; b < len; b++) {
			uint32_t n = off + b;

			if (n >= first && n - first < nirq)
				v |= (uint64_t)irqs[n - first].priority << (8 * b);
		}
		return v;
	case GICD_ICFGR:
		for (unsigned k = 0; k < 16 * len / 4; k++) {
			uint32_t n = off * 4 + k;

			if (n >= first && n - first < nirq && irqs[n - first].edge)
				v |= 2ULL << (2 * k);
		}
		return v;
	}
	for (unsigned k = 0; k < 8 * len; k++) {
		uint32_t n = off * 8 + k;
		const struct rk_irq *irq;
		bool bit;

		if (n < first || n - first >= nirq)
			continue;
		irq = &irqs[n - first];
		switch (base) {
		case GICD_IGROUPR:
			bit = true; /* every interrupt is Group 1 */
			break;
		case GICD_ISENABLER:
		case GICD_ICENABLER:
			bit = irq->enabled;
			break;
		case GICD_ISPENDR:
		case GICD_ICPENDR:
			bit = rk_irq_pending(irq);
			break;
		default:
			bit = irq->active;
			break;
		}
		if (bit)
			v |= 1ULL << k;
	}
	return v;
}

static void bank_write(struct rk_irq *irqs, uint32_t nirq, uint32_t first, unsigned base,
		       unsigned off, unsigned len, uint64_t v)
{
	if (base == GICD_IPRIORITYR) {
		for (unsigned b = 0; b < len; b++) {
			uint32_t n = off + b;

			if (n >= first && n - first < nirq)
				irqs[n - first].priority = (uint8_t)(v >> (8 * b)) & PRIO_MASK;
		}
		return;
	}
	if (base == GICD_ICFGR) {
		for (unsigned k = 0; k < 16 * len / 4; k++) {
			uint32_t n = off * 4 + k;

			/* SGIs are always edge; PPIs and SPIs as written. */
			if (n >= first && n - first < nirq && n >= RK_VGIC_NR_SGIS)
				irqs[n - first].edge = (v >> (2 * k + 1)) & 1;
		}
		return;
	}
	for (unsigned k = 0; k < 8 * len; k++) {
		uint32_t n = off * 8 + k;
		struct rk_irq *irq;

		if (!((v >> k) & 1) || n < first || n - first >= nirq)
			continue;
		irq = &irqs[n - first];
		switch (base) {
		case GICD_ISENABLER:
			irq->enabled = true;
			break;
		case GICD_ICENABLER:
			irq->enabled = false;
			break;
		case GICD_ISPENDR:
			irq->pending_latch = true;
			break;
		case GICD_ICPENDR:
			irq->pending_latch = false;
			break;
		case GICD_ISACTIVER:
			irq->active = true;
			break;
		case GICD_ICACTIVER:
			irq->active = false;
			break;
		default:
			break; /* IGROUPR: Group 1 only */
		}
	}
}

/* Which bank @off falls in, and the offset within it; false if none. */
static bool bank_of(unsigned off, unsigned *base, unsigned *rel)
{
	static const unsigned bases[] = { GICD_IGROUPR,	  GICD_ISENABLER, GICD_ICENABLER,
					  GICD_ISPENDR,	  GICD_ICPENDR,	  GICD_ISACTIVER,
					  GICD_ICACTIVER };

	for (unsigned i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		if (off >= bases[i] && off < bases[i] + 0x80) {
			*base = bases[i];
			*rel = off - bases[i];
			return true;
		}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) {
		*base = GICD_IPRIORITYR;
		*rel = off - GICD_IPRIORITYR;
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
		*base = GICD_ICFGR;
		*rel = off - GICD_ICFGR;
		return true;
	}
	return false;
}

/* Kick every vCPU with something deliverable: an enable or a pending bit changed. */
static void kick_pending(struct rk_vm *vm)
{
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i] && rk_vgic_vcpu_pending(vm->vcpus[i]))
			rk_vgic_kick(vm->vcpus[i]);
}

static uint64_t mpidr_of(unsigned id)
{
	return (id & 0xf) | (uint64_t)(id >> 4) << 8;
}

static void dist_access(struct rk_vm *vm, unsigned off, unsigned len, bool write, uint64_t *val)
{
	struct rk_vgic *g = vm->vgic;
	unsigned base, rel;

	if (!write)
		*val = 0;
	if (bank_of(off, &base, &rel)) {
		/* The private interrupts' part of the distributor is RAZ/WI (ARE = 1). */
		if (write)
			bank_write(g->spis, g->nr_spis, RK_VGIC_NR_PRIVATE, base, rel, len, *val);
		else
			*val = bank_read(g->spis, g->nr_spis, RK_VGIC_NR_PRIVATE, base, rel, len);
		if (write)
			kick_pending(vm);
		return;
	}
	if (off >= GICD_IROUTER + 8 * RK_VGIC_NR_PRIVATE && off < GICD_IROUTER + 8 * 1020) {
		uint32_t n = (off - GICD_IROUTER) / 8;
		struct rk_irq *irq = n - RK_VGIC_NR_PRIVATE < g->nr_spis
					     ? &g->spis[n - RK_VGIC_NR_PRIVATE]
					     : NULL;

		if (!irq || (off & 7) + len > 8)
			return;
		if (write) {
			uint64_t r = irq->route, m = (len == 8 ? ~0ULL : 0xffffffffULL) << 8 * (off & 4);

			r = (r & ~m) | ((*val << 8 * (off & 4)) & m);
			irq->route = r & 0xff00ffffffULL; /* Aff3..Aff0; IRM is RAZ/WI */
			kick_pending(vm);
		} else {
			*val = irq->route >> 8 * (off & 4);
		}
		return;
	}
	if (write) {
		if (off == GICD_CTLR) {
			g->enabled = *val & CTLR_ENABLE_G1A;
			kick_pending(vm);
		}
		return;
	}
	switch (off) {
	case GICD_CTLR:
		*val = (g->enabled ? CTLR_ENABLE_G1A : 0) | CTLR_ARE_NS | CTLR_DS;
		break;
	case GICD_TYPER:
		*val = ((RK_VGIC_NR_PRIVATE + g->nr_spis) / 32 - 1) | 9U << 19; /* 10-bit INTIDs */
		break;
	case GICD_IIDR:
		*val = IIDR_KVM;
		break;
	case GICD_PIDR2:
		*val = PIDR2_GICV3;
		break;
	}
}

static void redist_access(struct rk_vcpu *t, unsigned off, unsigned len, bool write,
			  uint64_t *val)
{
	unsigned base, rel;

	if (!write)
		*val = 0;
	if (off >= GICR_SGI) {
		off -= GICR_SGI;
		/* Only the first register of each bank exists here (private interrupts). */
		if (bank_of(off, &base, &rel) &&
		    (base == GICD_IPRIORITYR ? rel < 32 : base == GICD_ICFGR ? rel < 8 : rel < 4)) {
			if (write) {
				bank_write(t->gic.priv, RK_VGIC_NR_PRIVATE, 0, base, rel, len, *val);
				if (rk_vgic_vcpu_pending(t))
					rk_vgic_kick(t);
			} else {
				*val = bank_read(t->gic.priv, RK_VGIC_NR_PRIVATE, 0, base, rel, len);
			}
		}
		return;
	}
	if (write)
		return; /* CTLR (no LPIs), WAKER: RAZ/WI */
	switch (off) {
	case GICR_IIDR:
		*val = IIDR_KVM;
		break;
	case GICR_TYPER:
	case GICR_TYPER + 4: {
		bool last = true;
		uint64_t v;

		/* Last: no redistributor of another vCPU follows in the same region. */
		for (unsigned i = 0; i < t->vm->nvcpus; i++)
			if (t->vm->vcpus[i] &&
			    t->vm->vcpus[i]->rd_base == t->rd_base + KVM_VGIC_V3_REDIST_SIZE)
				last = false;
		v = mpidr_of(t->id) << 32 | (uint64_t)t->id << 8 | (last ? 1U << 4 : 0);
		*val = off == GICR_TYPER ? (len == 8 ? v : (uint32_t)v) : v >> 32;
		break;
	}
	case GICD_PIDR2:
		*val = PIDR2_GICV3;
		break;
	}
}

/*
 * An access by the realm to unprotected IPA @gpa (the shared bit already
 * removed): the distributor's or a redistributor's frame is KVM's to
 * emulate, as the in-kernel vGIC's iodevs take it before user space sees
 * an MMIO exit.  Returns false if @gpa is not the vGIC's.
 */
bool rk_vgic_mmio(struct rk_vm *vm, uint64_t gpa, unsigned len, bool write, uint64_t *val)
{
	struct rk_vgic *g = vm->vgic;

	if (!g || !g->ready)
		return false;
	if (gpa - g->dist_base < KVM_VGIC_V3_DIST_SIZE) {
		dist_access(vm, (unsigned)(gpa - g->dist_base), len, write, val);
		return true;
	}
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct rk_vcpu *t = vm->vcpus[i];

		if (t && t->rd_base != RK_VGIC_ADDR_UNDEF &&
		    gpa - t->rd_base < KVM_VGIC_V3_REDIST_SIZE) {
			redist_access(t, (unsigned)(gpa - t->rd_base), len, write, val);
			return true;
		}
	}
	return false;
}
