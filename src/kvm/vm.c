// SPDX-License-Identifier: MIT
/*
 * VMs: KVM_CREATE_VM, capabilities, memslots, memory attributes and
 * guest_memfd, and the VM's lifetime (torn down when its last file goes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kvm/internal.h"
#include "kvm/rmi.h"

#define KVM_VM_TYPE_ARM_PROTECTED (1UL << 31)

static unsigned ipa_limit(struct rk_host *h)
{
	return (unsigned)(rmi_features(h, 0) & 0xff);
}

int rk_vm_create(struct rk_host *h, unsigned long type)
{
	unsigned ipa = (unsigned)KVM_VM_TYPE_ARM_IPA_SIZE(type);
	struct rk_vm *vm;
	int fd;

	if (type & ~(KVM_VM_TYPE_ARM_IPA_SIZE_MASK | KVM_VM_TYPE_ARM_REALM))
		return -EINVAL; /* includes PROTECTED: pKVM VMs are not modelled */
	if (!ipa)
		ipa = RK_DEFAULT_IPA;
	if (ipa < 32 || ipa > ipa_limit(h))
		return -EINVAL;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->host = h;
	vm->realm = type & KVM_VM_TYPE_ARM_REALM;
	vm->ipa_bits = ipa;
	vm->refs = 1;
	vm->dfr0 = rk_dfr0_default(h);
	vm->timer_ppi[0] = 27; /* KVM's defaults: virtual timer PPI 27, physical 30 */
	vm->timer_ppi[1] = 30;
	vm->populate_chunk = h->populate_chunk;
	vm->file = rk_file_new(h, RK_FILE_VM, vm, "kvm-vm", 0, NULL, &fd);
	if (!vm->file) {
		free(vm);
		return -errno;
	}
	h->vms_live++;
	return fd;
}

/*
 * Arch capabilities a realm VM fd reports (v14's kvm_realm_ext_allowed());
 * every other arm64 capability is 0 there, MP_STATE included (arm64 answers
 * it in its own list, behind the filter; the ioctls themselves still work on
 * a realm's vCPUs).  Generic capabilities
 * (DEVICE_CTRL, CHECK_EXTENSION_VM, the memory ones) are answered before
 * that filter and are not affected.
 */
static bool realm_ext_allowed(long cap)
{
	switch (cap) {
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_ARM_PSCI:
	case KVM_CAP_ARM_PSCI_0_2:
	case KVM_CAP_NR_VCPUS:
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
	case KVM_CAP_ARM_VM_IPA_SIZE:
	case KVM_CAP_ARM_RMI:
		return true;
	default:
		return false;
	}
}

int rk_check_extension(struct rk_host *h, struct rk_vm *vm, long cap)
{
	switch (cap) {
	/* Generic (kvm_vm_ioctl_check_extension_generic), before any arch filter. */
	case KVM_CAP_USER_MEMORY: /* KVM_SET_USER_MEMORY_REGION (v1) */
	case KVM_CAP_DEVICE_CTRL:
	case KVM_CAP_CHECK_EXTENSION_VM:
		return 1;
	default:
		break;
	}
	if (vm && vm->realm && !realm_ext_allowed(cap) && cap != KVM_CAP_GUEST_MEMFD && cap != KVM_CAP_MEMORY_ATTRIBUTES &&
	    cap != KVM_CAP_USER_MEMORY2 && cap < 0x7200)
		return 0;
	switch (cap) {
	case KVM_CAP_IRQCHIP:   /* the in-kernel GICv3 */
	case KVM_CAP_ONE_REG:
	case KVM_CAP_ARM_PSCI:
	case KVM_CAP_VCPU_ATTRIBUTES:
		return 1;
	case KVM_CAP_NR_VCPUS:
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return RK_MAX_VCPUS;
	case KVM_CAP_GUEST_MEMFD:
		/* guest_memfd backs realm memory only. */
		return !vm || vm->realm;
	case KVM_CAP_ARM_PSCI_0_2:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_USER_MEMORY2:
	case KVM_CAP_ARM_RMI:
	case KVM_CAP_REALMKIT_REALM_CONFIG:
	case KVM_CAP_REALMKIT_VMM_RIPAS:
	case KVM_CAP_REALMKIT_POPULATE_FD:
	case KVM_CAP_REALMKIT_POPULATE_CHUNK:
	case KVM_CAP_REALMKIT_GMEM_POPULATE:
		return 1;
	case KVM_CAP_ARM_VM_IPA_SIZE:
		return (int)ipa_limit(h);
	case KVM_CAP_MEMORY_ATTRIBUTES:
		/*
		 * The supported attributes: private memory, for realm VMs.  As
		 * kvm_supported_mem_attributes(NULL) in Linux, /dev/kvm reports
		 * what some VM may support.
		 */
		return !vm || vm->realm ? (int)KVM_MEMORY_ATTRIBUTE_PRIVATE : 0;
	default:
		return 0;
	}
}

static int enable_cap(struct rk_vm *vm, struct kvm_enable_cap *cap)
{
	if (cap->flags)
		return -EINVAL;
	if (cap->cap == KVM_CAP_REALMKIT_POPULATE_CHUNK) {
		if (cap->args[0] > RK_POPULATE_CHUNK_MAX)
			return -EINVAL; /* e.g. a negative number: not "no limit" */
		vm->populate_chunk = cap->args[0];
		return 0;
	}
	if (!vm->realm)
		return -EINVAL;
	switch (cap->cap) {
	case KVM_CAP_REALMKIT_REALM_CONFIG:
		if (vm->state != RK_REALM_NONE)
			return -EBUSY;
		if (cap->args[0] == KVM_REALMKIT_CFG_HASH_ALGO) {
			if (cap->args[1] != KVM_REALMKIT_HASH_SHA256 &&
			    cap->args[1] != KVM_REALMKIT_HASH_SHA512)
				return -EINVAL;
			vm->hash_algo = (unsigned)cap->args[1];
			return 0;
		}
		if (cap->args[0] == KVM_REALMKIT_CFG_RPV) {
			return rk_copy_from_user(vm->rpv, (const void *)(uintptr_t)cap->args[1],
						 sizeof(vm->rpv));
		}
		return -EINVAL;
	case KVM_CAP_REALMKIT_VMM_RIPAS:
		if (vm->state != RK_REALM_NONE)
			return -EBUSY;
		if (cap->args[0] || cap->args[1] || cap->args[2] || cap->args[3])
			return -EINVAL;
		vm->vmm_ripas = true;
		return 0;
	default:
		return -EINVAL;
	}
}

struct rk_memslot *rk_vm_slot_of(struct rk_vm *vm, uint64_t gpa)
{
	for (unsigned i = 0; i < RK_MAX_MEMSLOTS; i++) {
		struct rk_memslot *s = &vm->slots[i];

		if (s->used && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

static struct rk_gmem *gmem_of_fd(struct rk_vm *vm, int fd)
{
	for (unsigned i = 0; i < vm->ngmems; i++) {
		struct rk_gmem *g = vm->gmems[i];
		struct stat st;

		if (fstat(fd, &st) == 0 && st.st_dev == g->file->dev && st.st_ino == g->file->ino)
			return g;
	}
	return NULL;
}

static int set_memory_region(struct rk_vm *vm, const struct kvm_userspace_memory_region2 *r)
{
	unsigned id = r->slot & 0xffff;
	struct rk_memslot *s;
	struct rk_gmem *g = NULL;

	if ((r->slot >> 16) || id >= RK_MAX_MEMSLOTS || (r->flags & ~KVM_MEM_GUEST_MEMFD))
		return -EINVAL;
	if ((r->guest_phys_addr | r->memory_size | r->userspace_addr) & GRANULE_MASK ||
	    r->guest_phys_addr + r->memory_size < r->guest_phys_addr ||
	    r->userspace_addr + r->memory_size < r->userspace_addr)
		return -EINVAL;
	s = &vm->slots[id];
	if (!r->memory_size) {
		if (!s->used)
			return -EINVAL; /* no such slot */
		/*
		 * Deleting private memory the realm may hold is not modelled: refuse
		 * once the RD exists.  A slot of user memory only goes: its pages
		 * the realm maps are unmapped first (kvm_arch_flush_shadow_memslot).
		 */
		if (vm->state != RK_REALM_NONE && s->gmem)
			return -EBUSY;
		if (vm->state != RK_REALM_NONE)
			rk_shared_unmap_range(vm, s->gpa, s->size);
		memset(s, 0, sizeof(*s));
		return 0;
	}
	if (s->used)
		return -EINVAL; /* moving or resizing a slot is not supported */
	if (r->guest_phys_addr + r->memory_size > (1ULL << vm->ipa_bits))
		return -EFAULT;
	if (r->flags & KVM_MEM_GUEST_MEMFD) {
		g = gmem_of_fd(vm, (int)r->guest_memfd);
		if (!g || r->guest_memfd_offset & GRANULE_MASK ||
		    r->guest_memfd_offset + r->memory_size < r->guest_memfd_offset ||
		    r->guest_memfd_offset + r->memory_size > g->size)
			return -EINVAL;
		/* A realm's private memory lives in the protected half. */
		if (vm->realm && r->guest_phys_addr + r->memory_size > (1ULL << (vm->ipa_bits - 1)))
			return -EINVAL;
	}
	for (unsigned i = 0; i < RK_MAX_MEMSLOTS; i++) {
		struct rk_memslot *o = &vm->slots[i];

		if (!o->used)
			continue;
		if (r->guest_phys_addr < o->gpa + o->size &&
		    o->gpa < r->guest_phys_addr + r->memory_size)
			return -EEXIST;
		/* A guest_memfd range may back one memslot only (kvm_gmem_bind: -EINVAL). */
		if (g && o->gmem == g && r->guest_memfd_offset < o->gmem_offset + o->size &&
		    o->gmem_offset < r->guest_memfd_offset + r->memory_size)
			return -EINVAL;
	}
	s->used = true;
	s->slot = r->slot;
	s->flags = r->flags;
	s->gpa = r->guest_phys_addr;
	s->size = r->memory_size;
	s->uaddr = r->userspace_addr;
	s->gmem = g;
	s->gmem_offset = r->guest_memfd_offset;
	return 0;
}

bool rk_vm_range_private(const struct rk_vm *vm, uint64_t gpa, uint64_t size)
{
	for (unsigned i = 0; i < vm->nprivate; i++)
		if (gpa >= vm->private[i].start && gpa + size <= vm->private[i].end)
			return true;
	return false;
}

/* Make [start, end) private or shared in the sorted, disjoint range list. */
static int set_private(struct rk_vm *vm, uint64_t start, uint64_t end, bool private)
{
	struct rk_range *n = malloc((vm->nprivate + 2) * sizeof(*n));
	unsigned k = 0;

	if (!n)
		return -ENOMEM;
	for (unsigned i = 0; i < vm->nprivate; i++) {
		struct rk_range r = vm->private[i];

		if (r.end <= start || r.start >= end) {
			n[k++] = r;
			continue;
		}
		if (private) { /* absorb into the new range */
			start = r.start < start ? r.start : start;
			end = r.end > end ? r.end : end;
			continue;
		}
		if (r.start < start)
			n[k++] = (struct rk_range){ r.start, start };
		if (r.end > end)
			n[k++] = (struct rk_range){ end, r.end };
	}
	if (private)
		n[k++] = (struct rk_range){ start, end };
	/* Keep the list sorted (insertion sort: it is short) and merge neighbours. */
	for (unsigned i = 1; i < k; i++)
		for (unsigned j = i; j > 0 && n[j].start < n[j - 1].start; j--) {
			struct rk_range t = n[j];

			n[j] = n[j - 1];
			n[j - 1] = t;
		}
	vm->nprivate = 0;
	for (unsigned i = 0; i < k; i++) {
		if (vm->nprivate && n[vm->nprivate - 1].end == n[i].start)
			n[vm->nprivate - 1].end = n[i].end;
		else
			n[vm->nprivate++] = n[i];
	}
	free(vm->private);
	vm->private = n;
	return 0;
}

static int set_memory_attributes(struct rk_vm *vm, const struct kvm_memory_attributes *a)
{
	uint64_t supported = vm->realm ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0;
	int ret;

	if (a->flags || (a->attributes & ~supported) || !a->size ||
	    (a->address | a->size) & GRANULE_MASK || a->address + a->size < a->address)
		return -EINVAL;
	ret = set_private(vm, a->address, a->address + a->size,
			  a->attributes & KVM_MEMORY_ATTRIBUTE_PRIVATE);
	/* Memory made private is no longer the realm's to reach at its shared alias. */
	if (!ret && (a->attributes & KVM_MEMORY_ATTRIBUTE_PRIVATE) && vm->state != RK_REALM_NONE)
		rk_shared_unmap_range(vm, a->address, a->size);
	return ret;
}

static int create_guest_memfd(struct rk_vm *vm, const struct kvm_create_guest_memfd *c)
{
	struct rk_gmem *g, **gs;
	int fd;

	if (!vm->realm || c->flags || !c->size || (c->size & GRANULE_MASK) ||
	    c->size > pas_dram_size(vm->host->pas))
		return -EINVAL;
	for (unsigned i = 0; i < 6; i++)
		if (c->reserved[i])
			return -EINVAL;
	g = calloc(1, sizeof(*g));
	gs = realloc(vm->gmems, (vm->ngmems + 1) * sizeof(*gs));
	if (!g || !gs) {
		free(g);
		if (gs)
			vm->gmems = gs;
		return -ENOMEM;
	}
	vm->gmems = gs;
	g->vm = vm;
	g->size = c->size;
	g->pages = calloc(c->size >> GRANULE_SHIFT, sizeof(*g->pages));
	if (!g->pages) {
		free(g);
		return -ENOMEM;
	}
	g->file = rk_file_new(vm->host, RK_FILE_GMEM, g, "kvm-gmem", c->size, (void **)&g->map,
			      &fd);
	if (!g->file) {
		free(g->pages);
		free(g);
		return -errno;
	}
	vm->gmems[vm->ngmems++] = g;
	vm->refs++;
	return fd;
}

/* Copy an ioctl argument in; a bad pointer is -EFAULT. */
#define ARG_IN(dst, arg)                                                                   \
	do {                                                                               \
		if (rk_copy_from_user(&(dst), (arg), sizeof(dst)))                         \
			return -EFAULT;                                                    \
	} while (0)

/* Copy results (and progress) back; a failed copy-out is -EFAULT, as in Linux. */
static int arg_out(void *arg, const void *val, size_t len, int ret)
{
	return rk_copy_to_user(arg, val, len) ? -EFAULT : ret;
}

/*
 * The SMCCC filter (KVM_ARM_VM_SMCCC_FILTER): ranges of function IDs that
 * KVM forwards to user space.  For a realm these are RSI host calls.
 */
static int vm_device_attr(struct rk_vm *vm, unsigned long req, const struct kvm_device_attr *a)
{
	struct kvm_smccc_filter f;

	if (a->flags || a->group != KVM_ARM_VM_SMCCC_CTRL || a->attr != KVM_ARM_VM_SMCCC_FILTER)
		return -ENXIO;
	if (req == KVM_HAS_DEVICE_ATTR)
		return 0;
	if (req == KVM_GET_DEVICE_ATTR)
		return -EINVAL; /* write-only, as in Linux */
	if (rk_copy_from_user(&f, (const void *)(uintptr_t)a->addr, sizeof(f)))
		return -EFAULT;
	for (unsigned i = 0; i < sizeof(f.pad); i++)
		if (f.pad[i])
			return -EINVAL;
	if (!f.nr_functions || f.base + (uint64_t)f.nr_functions - 1 > UINT32_MAX ||
	    f.action > KVM_SMCCC_FILTER_FWD_TO_USER)
		return -EINVAL;
	if (vm->has_run)
		return -EBUSY;
	for (unsigned i = 0; i < vm->nfilters; i++) {
		const struct kvm_smccc_filter *o = &vm->filters[i];

		if (f.base < o->base + (uint64_t)o->nr_functions &&
		    o->base < f.base + (uint64_t)f.nr_functions)
			return -EEXIST;
	}
	if (vm->nfilters == sizeof(vm->filters) / sizeof(vm->filters[0]))
		return -ENOSPC;
	vm->filters[vm->nfilters++] = f;
	return 0;
}

int rk_vm_ioctl(struct rk_vm *vm, unsigned long req, void *arg)
{
	union {
		struct kvm_userspace_memory_region2 region;
		struct kvm_userspace_memory_region region1;
		struct kvm_memory_attributes attr;
		struct kvm_create_guest_memfd gmem;
		struct kvm_enable_cap cap;
		struct kvm_arm_rmi_populate pop;
		struct kvm_realmkit_populate_fd popfd;
		struct kvm_realmkit_init_ripas ripas;
		struct kvm_vcpu_init init;
		struct kvm_device_attr dattr;
		struct kvm_create_device cd;
		struct kvm_irq_level irq;
	} u;
	int ret;

	switch (req) {
	case KVM_CHECK_EXTENSION:
		return rk_check_extension(vm->host, vm, (long)(uintptr_t)arg);
	case KVM_ENABLE_CAP:
		ARG_IN(u.cap, arg);
		return enable_cap(vm, &u.cap);
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		ARG_IN(u.dattr, arg);
		return vm_device_attr(vm, req, &u.dattr);
	case KVM_SET_USER_MEMORY_REGION2:
		ARG_IN(u.region, arg);
		return set_memory_region(vm, &u.region);
	case KVM_SET_USER_MEMORY_REGION: {
		/* As kvm_vm_ioctl(): the v2 call with no guest_memfd, which v1 may not name. */
		struct kvm_userspace_memory_region2 r2 = { 0 };

		ARG_IN(u.region1, arg);
		if (u.region1.flags & KVM_MEM_GUEST_MEMFD)
			return -EINVAL;
		r2.slot = u.region1.slot;
		r2.flags = u.region1.flags;
		r2.guest_phys_addr = u.region1.guest_phys_addr;
		r2.memory_size = u.region1.memory_size;
		r2.userspace_addr = u.region1.userspace_addr;
		return set_memory_region(vm, &r2);
	}
	case KVM_SET_MEMORY_ATTRIBUTES:
		ARG_IN(u.attr, arg);
		return set_memory_attributes(vm, &u.attr);
	case KVM_CREATE_GUEST_MEMFD:
		ARG_IN(u.gmem, arg);
		return create_guest_memfd(vm, &u.gmem);
	case KVM_CREATE_VCPU:
		return rk_vcpu_create(vm, (unsigned long)(uintptr_t)arg);
	case KVM_CREATE_DEVICE:
		ARG_IN(u.cd, arg);
		ret = rk_vgic_create(vm, &u.cd);
		if (ret == 0 && !(u.cd.flags & KVM_CREATE_DEVICE_TEST) &&
		    rk_copy_to_user(arg, &u.cd, sizeof(u.cd)))
			return -EFAULT; /* the device stays, as in Linux once its fd exists */
		return ret;
	case KVM_IRQ_LINE:
		ARG_IN(u.irq, arg);
		return rk_vgic_irq_line(vm, &u.irq);
	case KVM_ARM_PREFERRED_TARGET:
		memset(&u.init, 0, sizeof(u.init));
		u.init.target = KVM_ARM_TARGET_GENERIC_V8;
		return arg_out(arg, &u.init, sizeof(u.init), 0);
	case KVM_ARM_RMI_POPULATE:
		if (!vm->realm)
			return -ENXIO;
		ARG_IN(u.pop, arg);
		ret = rk_gmem_populate_check(vm, u.pop.base, u.pop.size);
		if (ret)
			return ret;
		ret = rk_realm_populate(vm, &u.pop);
		return arg_out(arg, &u.pop, sizeof(u.pop), ret); /* progress, even on error */
	case KVM_REALMKIT_POPULATE_FD:
		if (!vm->realm)
			return -ENXIO;
		ARG_IN(u.popfd, arg);
		ret = rk_gmem_populate_check(vm, u.popfd.base, u.popfd.size);
		if (ret)
			return ret;
		ret = rk_realm_populate_fd(vm, &u.popfd);
		return arg_out(arg, &u.popfd, sizeof(u.popfd), ret);
	case KVM_REALMKIT_INIT_RIPAS:
		if (!vm->realm)
			return -ENXIO;
		ARG_IN(u.ripas, arg);
		ret = rk_realm_init_ripas_ioctl(vm, &u.ripas);
		return arg_out(arg, &u.ripas, sizeof(u.ripas), ret);
	default:
		return -EINVAL; /* as arm64's kvm_arch_vm_ioctl() */
	}
}

void rk_vm_put(struct rk_vm *vm)
{
	struct rk_host *h = vm->host;

	if (--vm->refs > 0)
		return;
	rk_realm_destroy(vm);
	for (unsigned i = 0; i < vm->nvcpus; i++)
		rk_vcpu_free(vm->vcpus[i]);
	for (unsigned i = 0; i < vm->ngmems; i++) {
		struct rk_gmem *g = vm->gmems[i];

		for (uint64_t p = 0; p < g->size >> GRANULE_SHIFT; p++)
			if (g->pages[p])
				palloc_put(&h->pages, g->pages[p]);
		free(g->pages);
		rk_gmem_release(g);
		free(g);
	}
	free(vm->gmems);
	rk_vgic_free(vm->vgic);
	free(vm->private);
	free(vm->shared);
	free(vm->delegated);
	free(vm);
	h->vms_live--;
}
