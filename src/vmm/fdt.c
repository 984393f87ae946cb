// SPDX-License-Identifier: MIT
/*
 * The realm's device tree, written with libfdt's sequential-write API: the
 * nodes an arm64 kernel needs to boot on kvmtool's memory map (memory, cpus
 * with PSCI, psci over SMC as realms call it, the GICv3, the architected
 * timer, the ns16550a UART, /chosen).  The bindings are the upstream
 * Documentation/devicetree ones; the property values are kvmtool's.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "vmm/plan.h"

#define PHANDLE_GIC 1

/* GIC interrupt specifier cells (arm,gic-v3 binding). */
#define GIC_SPI 0
#define GIC_PPI 1
#define IRQ_EDGE_RISING 1
#define IRQ_LEVEL_HIGH 4
#define IRQ_LEVEL_LOW  8

static int prop_u64_pair(void *fdt, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t v[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };

	return fdt_property(fdt, name, v, sizeof(v));
}

static int prop_cells(void *fdt, const char *name, const uint32_t *c, unsigned n)
{
	fdt32_t v[16];

	for (unsigned i = 0; i < n && i < 16; i++)
		v[i] = cpu_to_fdt32(c[i]);
	return fdt_property(fdt, name, v, n * sizeof(fdt32_t));
}

/* The whole tree; any libfdt error ends it (the buffer is generously sized). */
static int build(const struct vmm_plan *p, const char *bootargs, void *fdt, size_t size)
{
	char name[64];
	int ret = 0;

#define T(x)                     \
	do {                     \
		ret = (x);       \
		if (ret < 0)     \
			return ret; \
	} while (0)

	T(fdt_create(fdt, (int)size));
	T(fdt_finish_reservemap(fdt));
	T(fdt_begin_node(fdt, ""));
	T(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	T(fdt_property_u32(fdt, "#address-cells", 2));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));

	T(fdt_begin_node(fdt, "chosen"));
	if (bootargs)
		T(fdt_property_string(fdt, "bootargs", bootargs));
	if (p->initrd_size) {
		T(fdt_property_u64(fdt, "linux,initrd-start", p->initrd_gpa));
		T(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_gpa + p->initrd_size));
	}
	snprintf(name, sizeof(name), "/serial@%llx", (unsigned long long)VMM_UART_BASE);
	T(fdt_property_string(fdt, "stdout-path", name));
	T(fdt_end_node(fdt));

	T(fdt_begin_node(fdt, "aliases"));
	T(fdt_property_string(fdt, "serial0", name));
	T(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)p->ram_base);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "device_type", "memory"));
	T(prop_u64_pair(fdt, "reg", p->ram_base, p->ram_size));
	T(fdt_end_node(fdt));

	T(fdt_begin_node(fdt, "cpus"));
	T(fdt_property_u32(fdt, "#address-cells", 1));
	T(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned i = 0; i < p->cpus; i++) {
		snprintf(name, sizeof(name), "cpu@%x", i);
		T(fdt_begin_node(fdt, name));
		T(fdt_property_string(fdt, "device_type", "cpu"));
		T(fdt_property_string(fdt, "compatible", "arm,armv8"));
		T(fdt_property_string(fdt, "enable-method", "psci"));
		T(fdt_property_u32(fdt, "reg", i)); /* MPIDR Aff0 = vCPU id */
		T(fdt_end_node(fdt));
	}
	T(fdt_end_node(fdt));

	T(fdt_begin_node(fdt, "psci"));
	{
		static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";

		T(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	}
	T(fdt_property_string(fdt, "method", "smc")); /* a realm has no HVC: RMM PSCI over SMC */
	T(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)VMM_GIC_DIST_BASE);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	T(fdt_property_u32(fdt, "#interrupt-cells", 3));
	T(fdt_property(fdt, "interrupt-controller", NULL, 0));
	T(fdt_property_u32(fdt, "#address-cells", 2));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	{
		fdt64_t reg[4] = { cpu_to_fdt64(VMM_GIC_DIST_BASE), cpu_to_fdt64(VMM_GIC_DIST_SIZE),
				   cpu_to_fdt64(p->gic_redist_base),
				   cpu_to_fdt64(p->cpus * VMM_GIC_REDIST_SIZE) };

		T(fdt_property(fdt, "reg", reg, sizeof(reg)));
	}
	T(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	T(fdt_end_node(fdt));

	T(fdt_begin_node(fdt, "timer"));
	{
		static const char compat[] = "arm,armv8-timer\0arm,armv7-timer";
		/* Secure physical 29, non-secure physical 30, virtual 27, hypervisor 26. */
		const uint32_t irqs[] = { GIC_PPI, 13, IRQ_LEVEL_LOW, GIC_PPI, 14, IRQ_LEVEL_LOW,
					  GIC_PPI, 11, IRQ_LEVEL_LOW, GIC_PPI, 10, IRQ_LEVEL_LOW };

		T(fdt_property(fdt, "compatible", compat, sizeof(compat)));
		T(prop_cells(fdt, "interrupts", irqs, 12));
	}
	T(fdt_property(fdt, "always-on", NULL, 0));
	T(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "serial@%llx", (unsigned long long)VMM_UART_BASE);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "compatible", "ns16550a"));
	T(prop_u64_pair(fdt, "reg", VMM_UART_BASE, 8));
	T(fdt_property_u32(fdt, "clock-frequency", 1843200));
	{
		const uint32_t irq[] = { GIC_SPI, VMM_UART_INTID - 32, IRQ_LEVEL_HIGH };

		T(prop_cells(fdt, "interrupts", irq, 3));
	}
	T(fdt_end_node(fdt));

	/* realmkit's doorbell (plan.h): the guests spi and irqbench ring it. */
	snprintf(name, sizeof(name), "doorbell@%llx", (unsigned long long)VMM_DOORBELL_BASE);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "compatible", "realmkit,doorbell"));
	T(prop_u64_pair(fdt, "reg", VMM_DOORBELL_BASE, VMM_DOORBELL_SIZE));
	{
		uint32_t irqs[3 * VMM_DOORBELL_NIRQ];

		for (unsigned i = 0; i < VMM_DOORBELL_NIRQ; i++) {
			irqs[3 * i] = GIC_SPI;
			irqs[3 * i + 1] = VMM_DOORBELL_INTID0 - 32 + i;
			irqs[3 * i + 2] = IRQ_EDGE_RISING;
		}
		T(prop_cells(fdt, "interrupts", irqs, 3 * VMM_DOORBELL_NIRQ));
	}
	T(fdt_end_node(fdt));

	T(fdt_end_node(fdt));
	T(fdt_finish(fdt));
#undef T
	return 0;
}

int vmm_fdt_build(const struct vmm_plan *p, const char *bootargs, void *buf, size_t size,
		  char *err, size_t errlen)
{
	int ret = build(p, bootargs, buf, size);

	if (ret < 0) {
		snprintf(err, errlen, "building the DTB: %s%s", fdt_strerror(ret),
			 ret == -FDT_ERR_NOSPACE ? " (more than 64 KiB: --params too long?)" : "");
		return -1;
	}
	return 0;
}
