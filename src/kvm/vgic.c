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
