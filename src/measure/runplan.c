// SPDX-License-Identifier: MIT
/*
 * realmkit run's plan, measured two ways (runplan.h): by the engine, and by
 * doing what the VMM does up to activation on a simulated host, through
 * rk_ioctl only, in the order src/vmm/vmm.c does it: realm configuration,
 * the vGIC, the RAM memslot, the vCPUs, the vGIC's initialisation, vCPU 0's
 * registers, every region populated
 * in ascending IPA, the VMM's RIPAS ranges, then the first KVM_RUN with
 * immediate_exit set, which activates the realm (RECs, KVM's RIPAS,
 * REALM_ACTIVATE) and returns before realm code runs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "measure/runplan.h"
#include "realmkit/host.h"
#include "realmkit/kvm_realmkit.h"

int rkm_from_plan(const struct vmm_plan *p, struct rkm_spec *s, char *err, size_t errlen)
{
	struct rkm_step st;

	snprintf(s->vmm, sizeof(s->vmm), "realmkit-run");
	/* The RMM `realmkit run` boots: REALMKIT_RMM, else 2.0 (rk_default_rmm()). */
	s->l.rmm = rk_default_rmm() == RK_RMM_1_0 ? RKM_RMM_1_0 : RKM_RMM_2_0;
	s->l.params.hash_algo = p->hash_algo;
	s->l.params.ipa_bits = p->ipa_bits;
	memcpy(s->l.params.rpv, p->rpv, sizeof(p->rpv));
	for (unsigned i = 0; i < p->nregions; i++) {
		const struct vmm_region *vr = &p->region[i];
		struct rkm_region r = { .name = vmm_image_name(vr->what), .data = vr->data,
					.length = vr->size, .ipa = vr->gpa, .size = vr->size,
					.measured = vr->measured };
		int idx = rkm_spec_add_region(s, &r);

		memset(&st, 0, sizeof(st));
		st.type = RKM_STEP_DATA;
		st.region = (unsigned)idx;
		if (idx < 0 || rkm_spec_add_step(s, &st) < 0)
			goto oom;
	}
	for (unsigned i = 0; i < p->nripas; i++) {
		memset(&st, 0, sizeof(st));
		st.type = RKM_STEP_RIPAS;
		st.base = p->ripas_range[i].base;
		st.top = p->ripas_range[i].top;
		if (rkm_spec_add_step(s, &st) < 0)
			goto oom;
	}
	for (unsigned i = 0; i < p->cpus; i++) {
		memset(&st, 0, sizeof(st));
		st.type = RKM_STEP_REC;
		st.runnable = i == 0; /* the others wait for PSCI CPU_ON: not measured */
		if (i == 0) {
			st.pc = p->entry_pc;
			memcpy(st.gprs, p->entry_x, sizeof(st.gprs));
		}
		if (rkm_spec_add_step(s, &st) < 0)
			goto oom;
	}
	if (p->ripas == VMM_RIPAS_KVM) {
		memset(&st, 0, sizeof(st));
		st.type = RKM_STEP_RIPAS;
		st.base = p->ram_base;
		st.top = p->ram_base + p->ram_size;
		if (rkm_spec_add_step(s, &st) < 0)
			goto oom;
	}
	return rkm_validate(&s->l, err, errlen);
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int cap(struct rk_host *h, int vm, uint64_t c, uint64_t a0, uint64_t a1)
{
	struct kvm_enable_cap e = { .cap = c, .args = { a0, a1 } };

	return rk_ioctl(h, vm, KVM_ENABLE_CAP, &e);
}

int rkm_plan_dry_run(const struct vmm_plan *p, unsigned rmm, struct rk_measurements *m,
		     char *err, size_t errlen)
{
	struct rk_host_config cfg = { .dram_size = p->ram_size + (256ULL << 20),
				      .rmm = rmm == RKM_RMM_2_0 ? RK_RMM_2_0 : RK_RMM_1_0 };
	struct rk_host *h = rk_host_create(&cfg);
	int kvm = -1, vm = -1, gmem = -1, gic = -1, vcpu[VMM_MAX_CPUS];
	struct kvm_run *run = MAP_FAILED;
	const char *what = "";
	int ret = -1;

	for (unsigned i = 0; i < VMM_MAX_CPUS; i++)
		vcpu[i] = -1;
	if (!h) {
		snprintf(err, errlen, "dry run: cannot create a simulated host: %s", strerror(errno));
		return -1;
	}
	kvm = rk_open_kvm(h);
	what = "KVM_CREATE_VM";
	vm = rk_ioctl(h, kvm, KVM_CREATE_VM, KVM_VM_TYPE_ARM_REALM | p->ipa_bits);
	if (vm < 0)
		goto fail;
	what = "KVM_CAP_REALMKIT_REALM_CONFIG";
	if (p->hash_algo && cap(h, vm, KVM_CAP_REALMKIT_REALM_CONFIG, KVM_REALMKIT_CFG_HASH_ALGO,
				p->hash_algo) < 0)
		goto fail;
	if (p->rpv_set && cap(h, vm, KVM_CAP_REALMKIT_REALM_CONFIG, KVM_REALMKIT_CFG_RPV,
			      (uint64_t)(uintptr_t)p->rpv) < 0)
		goto fail;
	what = "KVM_CAP_REALMKIT_VMM_RIPAS";
	if (p->ripas != VMM_RIPAS_KVM && cap(h, vm, KVM_CAP_REALMKIT_VMM_RIPAS, 0, 0) < 0)
		goto fail;
	{
		/* The in-kernel GICv3, as kvmtool and the VMM create it (a realm's first KVM_RUN needs it). */
		struct kvm_create_device d = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
		uint64_t redist = p->gic_redist_base, dist = VMM_GIC_DIST_BASE;
		struct kvm_device_attr a = { .group = KVM_DEV_ARM_VGIC_GRP_ADDR };

		what = "the vGIC";
		if (rk_ioctl(h, vm, KVM_CREATE_DEVICE, &d) < 0)
			goto fail;
		gic = (int)d.fd;
		a.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
		a.addr = (uint64_t)(uintptr_t)&redist;
		if (rk_ioctl(h, gic, KVM_SET_DEVICE_ATTR, &a) < 0)
			goto fail;
		a.attr = KVM_VGIC_V3_ADDR_TYPE_DIST;
		a.addr = (uint64_t)(uintptr_t)&dist;
		if (rk_ioctl(h, gic, KVM_SET_DEVICE_ATTR, &a) < 0)
			goto fail;
	}
	{
		struct kvm_create_guest_memfd g = { .size = p->ram_size };
		struct kvm_userspace_memory_region2 r = { .flags = KVM_MEM_GUEST_MEMFD,
							  .guest_phys_addr = p->ram_base,
							  .memory_size = p->ram_size };
		struct kvm_memory_attributes a = { .address = p->ram_base, .size = p->ram_size,
						   .attributes = KVM_MEMORY_ATTRIBUTE_PRIVATE };

		what = "the RAM memslot";
		gmem = rk_ioctl(h, vm, KVM_CREATE_GUEST_MEMFD, &g);
		if (gmem < 0)
			goto fail;
		r.guest_memfd = (uint32_t)gmem;
		if (rk_ioctl(h, vm, KVM_SET_USER_MEMORY_REGION2, &r) < 0 ||
		    rk_ioctl(h, vm, KVM_SET_MEMORY_ATTRIBUTES, &a) < 0)
			goto fail;
	}
	for (unsigned i = 0; i < p->cpus; i++) {
		struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8,
					      .features = { 1U << KVM_ARM_VCPU_PSCI_0_2 } };

		what = "creating the vCPUs";
		vcpu[i] = rk_ioctl(h, vm, KVM_CREATE_VCPU, i);
		if (vcpu[i] < 0 || rk_ioctl(h, vcpu[i], KVM_ARM_VCPU_INIT, &init) < 0)
			goto fail;
	}
	{
		uint32_t nr = 64; /* one SPI (the UART) rounded to 32, plus the 32 private */
		struct kvm_device_attr a = { .group = KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
					     .addr = (uint64_t)(uintptr_t)&nr };

		what = "the vGIC's initialisation";
		if (rk_ioctl(h, gic, KVM_SET_DEVICE_ATTR, &a) < 0)
			goto fail;
		a.group = KVM_DEV_ARM_VGIC_GRP_CTRL;
		a.attr = KVM_DEV_ARM_VGIC_CTRL_INIT;
		a.addr = 0;
		if (rk_ioctl(h, gic, KVM_SET_DEVICE_ATTR, &a) < 0)
			goto fail;
	}
	{
		uint64_t pc = p->entry_pc;
		struct kvm_one_reg r = { .id = KVM_REG_ARM64_PC, .addr = (uint64_t)(uintptr_t)&pc };

		what = "vCPU 0's registers";
		if (rk_ioctl(h, vcpu[0], KVM_SET_ONE_REG, &r) < 0)
			goto fail;
		for (unsigned i = 0; i < 8; i++) {
			uint64_t x = p->entry_x[i];

			r.id = KVM_REG_ARM64_X(i);
			r.addr = (uint64_t)(uintptr_t)&x;
			if (rk_ioctl(h, vcpu[0], KVM_SET_ONE_REG, &r) < 0)
				goto fail;
		}
	}
	for (unsigned i = 0; i < p->nregions; i++) {
		const struct vmm_region *vr = &p->region[i];
		struct kvm_arm_rmi_populate pop = {
			.base = vr->gpa, .size = vr->size,
			.source_uaddr = (uint64_t)(uintptr_t)vr->data,
			.flags = vr->measured ? KVM_ARM_RMI_POPULATE_FLAGS_MEASURE : 0,
		};

		what = "KVM_ARM_RMI_POPULATE";
		do
			if (rk_ioctl(h, vm, KVM_ARM_RMI_POPULATE, &pop) < 0)
				goto fail;
		while (pop.size);
	}
	for (unsigned i = 0; i < p->nripas; i++) {
		struct kvm_realmkit_init_ripas r = { .base = p->ripas_range[i].base,
						     .size = p->ripas_range[i].top -
							     p->ripas_range[i].base };

		what = "KVM_REALMKIT_INIT_RIPAS";
		do
			if (rk_ioctl(h, vm, KVM_REALMKIT_INIT_RIPAS, &r) < 0)
				goto fail;
		while (r.size);
	}
	what = "mapping kvm_run";
	run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu[0], 0);
	if (run == MAP_FAILED)
		goto fail;
	run->immediate_exit = 1;
	what = "activation (KVM_RUN)";
	if (rk_ioctl(h, vcpu[0], KVM_RUN, 0) == 0 || errno != EINTR)
		goto fail;
	what = "reading the measurements";
	if (rk_vm_measurements(h, vm, m) < 0)
		goto fail;
	ret = 0;
	goto out;
fail:
	snprintf(err, errlen, "dry run: %s failed: %s", what, strerror(errno));
out:
	if (run != MAP_FAILED)
		munmap(run, 4096);
	for (unsigned i = 0; i < VMM_MAX_CPUS; i++)
		if (vcpu[i] >= 0)
			close(vcpu[i]);
	if (gmem >= 0)
		close(gmem);
	if (gic >= 0)
		close(gic);
	if (vm >= 0)
		close(vm);
	if (kvm >= 0)
		close(kvm);
	rk_host_destroy(h);
	return ret;
}
