// SPDX-License-Identifier: MIT
/*
 * kvmtool's device tree as veraison/cca-realm-measurements (commit 08aaf5a)
 * generates it (src/kvmtool.rs gen_dtb and src/fdt.rs fdt_new): the node
 * order, property order, values and string-table order of that model,
 * written with libfdt.  The values are kvmtool's arm64 memory map (GICv3
 * distributor 64 KiB below 1 GiB with one 128 KiB redistributor per vCPU
 * below it and the ITS below those, four 16550 UARTs at 16 MiB, the RTC,
 * the PCI ECAM at 1 GiB with its I/O and MMIO windows), as that model
 * states them.  vmmdtb.h says why the string table is rewritten.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "measure/vmmdtb.h"

#define KT_GIC_PHANDLE  1
#define KT_ITS_PHANDLE  2
#define KT_GIC_DIST     0x3fff0000ULL
#define KT_GIC_DIST_SZ  0x10000ULL
#define KT_REDIST_SZ    0x20000ULL /* per vCPU */
#define KT_ITS_SZ       0x20000ULL
#define KT_UART_BASE    0x01000000ULL
#define KT_UART_STRIDE  0x1000ULL
#define KT_UART_SZ      8ULL
#define KT_RTC_BASE     0x01010000ULL
#define KT_RTC_SZ       2ULL
#define KT_PCI_BASE     0x40000000ULL
#define KT_PCI_CFG_SZ   0x10000000ULL
#define KT_PCI_MMIO     (KT_PCI_BASE + KT_PCI_CFG_SZ)
#define KT_PCI_MMIO_SZ  (0x80000000ULL - KT_PCI_MMIO)
#define KT_IOPORT_SZ    0x10000U
#define KT_SPI_PCI      64U

/* Interrupt specifier cells of the arm,gic-v3 binding. */
#define IRQ_SPI        0U
#define IRQ_PPI        1U
#define IRQ_EDGE_RISE  1U
#define IRQ_LEVEL_HIGH 4U
#define IRQ_LEVEL_LOW  8U
#define PCI_SPACE_IO   0x01000000U
#define PCI_SPACE_MEM  0x02000000U

/* kvmtool's own command line, before the user's -p (the model's set_bootargs). */
static const char kt_bootargs[] = " console=hvc0 root=/dev/vda rw ";

static int prop_u64s(void *fdt, const char *name, const uint64_t *v, unsigned n)
{
	fdt64_t b[6];

	for (unsigned i = 0; i < n; i++)
		b[i] = cpu_to_fdt64(v[i]);
	return fdt_property(fdt, name, b, (int)(n * sizeof(b[0])));
}

static int prop_u32s(void *fdt, const char *name, const uint32_t *v, unsigned n)
{
	fdt32_t b[320];

	for (unsigned i = 0; i < n; i++)
		b[i] = cpu_to_fdt32(v[i]);
	return fdt_property(fdt, name, b, (int)(n * sizeof(b[0])));
}

static int begin_at(void *fdt, const char *node, uint64_t addr)
{
	char name[64];

	snprintf(name, sizeof(name), "%s@%llx", node, (unsigned long long)addr);
	return fdt_begin_node(fdt, name);
}

#define T(x)                        \
	do {                        \
		int r_ = (x);       \
		if (r_ < 0)         \
			return r_;  \
	} while (0)

/*
 * src/fdt.rs fdt_new, common to both VMMs: root properties, chosen (bootargs
 * when given), memory, cpus, psci.  The root node is left open.
 */
static int fdt_new_common(void *fdt, uint32_t gic_ph, const char *bootargs, uint64_t initrd_base,
			  uint64_t initrd_size, uint64_t mem_base, uint64_t mem_size, unsigned cpus)
{
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	const uint64_t mem[2] = { mem_base, mem_size };
	char name[32];

	T(fdt_begin_node(fdt, ""));
	T(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	T(fdt_property_string(fdt, "model", "linux,dummy-virt-realm"));
	T(fdt_property_u32(fdt, "#address-cells", 2));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_property_u32(fdt, "interrupt-parent", gic_ph));

	T(fdt_begin_node(fdt, "chosen"));
	if (bootargs)
		T(fdt_property_string(fdt, "bootargs", bootargs));
	if (initrd_size) {
		T(fdt_property_u64(fdt, "linux,initrd-start", initrd_base));
		T(fdt_property_u64(fdt, "linux,initrd-end", initrd_base + initrd_size));
	}
	T(fdt_end_node(fdt));

	T(begin_at(fdt, "memory", mem_base));
	T(fdt_property_string(fdt, "device_type", "memory"));
	T(prop_u64s(fdt, "reg", mem, 2));
	T(fdt_end_node(fdt));

	T(fdt_begin_node(fdt, "cpus"));
	T(fdt_property_u32(fdt, "#size-cells", 0));
	T(fdt_property_u32(fdt, "#address-cells", 1));
	for (unsigned i = 0; i < cpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		T(fdt_begin_node(fdt, name));
		T(fdt_property_u32(fdt, "reg", i));
		T(fdt_property_string(fdt, "enable-method", "psci"));
		T(fdt_property_string(fdt, "compatible", "arm,armv8"));
		T(fdt_property_string(fdt, "device_type", "cpu"));
		T(fdt_end_node(fdt));
	}
	T(fdt_end_node(fdt));

	T(fdt_begin_node(fdt, "psci"));
	T(fdt_property_u32(fdt, "cpu_on", 0xc4000003U));
	T(fdt_property_u32(fdt, "cpu_off", 0x84000002U));
	T(fdt_property_string(fdt, "method", "smc"));
	T(fdt_property(fdt, "compatible", psci_compat, sizeof(psci_compat)));
	T(fdt_end_node(fdt));
	return 0;
}

/* kvmtool: the common head, bootargs always written. */
static int kt_head(void *fdt, const struct rkm_kvmtool_dtb *c, const char *bootargs)
{
	return fdt_new_common(fdt, KT_GIC_PHANDLE, bootargs, c->initrd_base, c->initrd_size,
			      c->mem_base, c->mem_size, c->cpus);
}

/* src/fdt.rs fdt_add_timer: the architected timer's four PPIs, with @flags. */
static int add_timer(void *fdt, uint32_t flags)
{
	static const char compat[] = "arm,armv8-timer\0arm,armv7-timer";
	const uint32_t irqs[9] = { IRQ_PPI, 13, flags, IRQ_PPI, 14, flags, IRQ_PPI, 11, flags };

	T(fdt_begin_node(fdt, "timer"));
	T(prop_u32s(fdt, "interrupts", irqs, 9));
	T(fdt_property(fdt, "always-on", NULL, 0));
	T(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	return fdt_end_node(fdt);
}

/* src/fdt.rs fdt_add_pmu: PPI 7, level high. */
static int add_pmu(void *fdt)
{
	const uint32_t irq[3] = { IRQ_PPI, 7, IRQ_LEVEL_HIGH };

	T(fdt_begin_node(fdt, "pmu"));
	T(prop_u32s(fdt, "interrupts", irq, 3));
	T(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
	return fdt_end_node(fdt);
}

/* The GIC (with its ITS), the log reservation, the timer and the PMU. */
static int kt_irq(void *fdt, const struct rkm_kvmtool_dtb *c)
{
	const uint64_t redist_sz = c->cpus * KT_REDIST_SZ, redist = KT_GIC_DIST - redist_sz;
	const uint64_t gic[4] = { KT_GIC_DIST, KT_GIC_DIST_SZ, redist, redist_sz };
	const uint64_t its[2] = { redist - KT_ITS_SZ, KT_ITS_SZ };

	T(fdt_begin_node(fdt, "intc"));
	T(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	T(fdt_property_u32(fdt, "#interrupt-cells", 3));
	T(fdt_property(fdt, "interrupt-controller", NULL, 0));
	T(prop_u64s(fdt, "reg", gic, 4));
	T(fdt_property_u32(fdt, "phandle", KT_GIC_PHANDLE));
	T(fdt_property_u32(fdt, "#address-cells", 2));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_property(fdt, "ranges", NULL, 0));
	if (c->its) {
		T(fdt_begin_node(fdt, "msic"));
		T(fdt_property_string(fdt, "compatible", "arm,gic-v3-its"));
		T(fdt_property(fdt, "msi-controller", NULL, 0));
		T(fdt_property_u32(fdt, "phandle", KT_ITS_PHANDLE));
		T(prop_u64s(fdt, "reg", its, 2));
		T(fdt_end_node(fdt));
	}
	T(fdt_end_node(fdt));

	if (c->log_size) {
		const uint64_t log[2] = { c->log_base, c->log_size };

		T(fdt_begin_node(fdt, "reserved-memory"));
		T(fdt_property_u32(fdt, "#address-cells", 2));
		T(fdt_property_u32(fdt, "#size-cells", 2));
		T(fdt_property(fdt, "ranges", NULL, 0));
		T(begin_at(fdt, "event-log", c->log_base));
		T(fdt_property_string(fdt, "compatible", "cc-event-log"));
		T(prop_u64s(fdt, "reg", log, 2));
		T(fdt_end_node(fdt));
		T(fdt_end_node(fdt));
	}

	T(add_timer(fdt, IRQ_LEVEL_LOW));

	if (c->pmu) {
		T(add_pmu(fdt));
	}
	return 0;
}

/* The UARTs, the RTC and the PCI host bridge (no virtio-mmio: PCI is kvmtool's default). */
static int kt_devices(void *fdt, const struct rkm_kvmtool_dtb *c)
{
	const uint64_t rtc[2] = { KT_RTC_BASE, KT_RTC_SZ };
	const uint64_t ecam[2] = { KT_PCI_BASE, KT_PCI_CFG_SZ };
	const uint32_t ranges[14] = {
		PCI_SPACE_IO,  0, 0,                      0, 0,                      0, KT_IOPORT_SZ,
		PCI_SPACE_MEM, 0, (uint32_t)KT_PCI_MMIO, 0, (uint32_t)KT_PCI_MMIO, 0,
		(uint32_t)KT_PCI_MMIO_SZ,
	};
	const uint32_t bus_range[2] = { 0, 0 };
	/* One SPI per slot, pin INTA only; the mask keeps the slot (devfn 0x1f << 3). */
	const uint32_t map_mask[4] = { (0x1fU << 3) << 8, 0, 0, 7 };
	const uint32_t msi_map[4] = { 0, KT_ITS_PHANDLE, 0, 0x10000 };
	uint32_t map[320];

	for (unsigned i = 0; i < 4; i++) {
		const uint64_t addr = KT_UART_BASE + i * KT_UART_STRIDE;
		const uint64_t reg[2] = { addr, KT_UART_SZ };
		const uint32_t irq[3] = { IRQ_SPI, i, IRQ_LEVEL_HIGH };

		T(begin_at(fdt, "U6_16550A", addr));
		T(fdt_property_string(fdt, "compatible", "ns16550a"));
		T(prop_u64s(fdt, "reg", reg, 2));
		T(prop_u32s(fdt, "interrupts", irq, 3));
		T(fdt_property_u32(fdt, "clock-frequency", 1843200));
		T(fdt_end_node(fdt));
	}

	T(begin_at(fdt, "rtc", KT_RTC_BASE));
	T(fdt_property_string(fdt, "compatible", "motorola,mc146818"));
	T(prop_u64s(fdt, "reg", rtc, 2));
	T(fdt_end_node(fdt));

	T(begin_at(fdt, "pci", KT_PCI_BASE));
	T(fdt_property_string(fdt, "device_type", "pci"));
	T(fdt_property_u32(fdt, "#address-cells", 3));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_property(fdt, "dma-coherent", NULL, 0));
	T(prop_u32s(fdt, "bus-range", bus_range, 2));
	T(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
	T(prop_u64s(fdt, "reg", ecam, 2));
	T(prop_u32s(fdt, "ranges", ranges, 14));
	for (uint32_t slot = 0; slot < 32; slot++) {
		uint32_t *e = map + 10 * slot;

		e[0] = (slot << 3) << 8; /* phys.hi: devfn */
		e[1] = 0;
		e[2] = 0;
		e[3] = 1; /* INTA */
		e[4] = KT_GIC_PHANDLE;
		e[5] = 0; /* the GIC's #address-cells (2) */
		e[6] = 0;
		e[7] = IRQ_SPI;
		e[8] = KT_SPI_PCI + slot;
		e[9] = IRQ_LEVEL_HIGH;
	}
	T(prop_u32s(fdt, "interrupt-map", map, 320));
	T(prop_u32s(fdt, "interrupt-map-mask", map_mask, 4));
	T(fdt_property_u32(fdt, "#interrupt-cells", 1));
	if (c->its)
		T(prop_u32s(fdt, "msi-map", msi_map, 4));
	T(fdt_end_node(fdt));
	(void)c;
	return 0;
}

int rkm_fdt_vmfdt_layout(void *fdt, size_t bufsize)
{
	const size_t struct_off = fdt_off_dt_struct(fdt), str_off = fdt_off_dt_strings(fdt);
	const size_t old_size = fdt_size_dt_strings(fdt);
	char *tab = malloc(old_size * 4 + 1);
	size_t len = 0;
	int off = 0, next, ret = 0;
	uint32_t tag;

	if (!tab)
		return -FDT_ERR_NOSPACE;
	do {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag == FDT_PROP) {
			struct fdt_property *p = fdt_offset_ptr_w(fdt, off, sizeof(*p));
			const char *name = fdt_string(fdt, (int)fdt32_to_cpu(p->nameoff));
			size_t n, at;

			if (!name) {
				ret = -FDT_ERR_BADSTRUCTURE;
				break;
			}
			n = strlen(name) + 1;
			/* Exact matches only: a name is a whole entry, never a suffix. */
			for (at = 0; at < len; at += strlen(tab + at) + 1)
				if (!strcmp(tab + at, name))
					break;
			if (at == len) {
				if (len + n > old_size * 4) {
					ret = -FDT_ERR_NOSPACE;
					break;
				}
				memcpy(tab + len, name, n);
				len += n;
			}
			p->nameoff = cpu_to_fdt32((uint32_t)at);
		}
		off = next;
	} while (tag != FDT_END && off >= 0);
	if (!ret && off < 0)
		ret = off;
	if (!ret && str_off + len > bufsize)
		ret = -FDT_ERR_NOSPACE;
	if (!ret) {
		memcpy((char *)fdt + str_off, tab, len);
		memset((char *)fdt + str_off + len, 0, bufsize - str_off - len);
		fdt_set_size_dt_strings(fdt, (uint32_t)len);
		fdt_set_totalsize(fdt, (uint32_t)(str_off + len));
	}
	free(tab);
	if (ret)
		return ret;
	/*
	 * libfdt aligns the reservation map to its 16-byte entries (offset 48);
	 * vm-fdt to 8 bytes, right after the 40-byte header: move the blocks down.
	 */
	if (fdt_off_mem_rsvmap(fdt) != FDT_V17_SIZE) {
		const size_t from = fdt_off_mem_rsvmap(fdt), total = fdt_totalsize(fdt);
		const size_t d = from - FDT_V17_SIZE;

		if (from < FDT_V17_SIZE || struct_off < from || total > bufsize)
			return -FDT_ERR_BADLAYOUT;
		memmove((char *)fdt + FDT_V17_SIZE, (char *)fdt + from, total - from);
		memset((char *)fdt + total - d, 0, d);
		fdt_set_off_mem_rsvmap(fdt, FDT_V17_SIZE);
		fdt_set_off_dt_struct(fdt, (uint32_t)(struct_off - d));
		fdt_set_off_dt_strings(fdt, (uint32_t)(str_off - d));
		fdt_set_totalsize(fdt, (uint32_t)(total - d));
	}
	return 0;
}

/* The end both writers share: close the root node, finish, lay out as the vm-fdt crate does. */
static int dtb_finish(void *fdt, size_t size)
{
	int ret = fdt_end_node(fdt);

	if (ret >= 0)
		ret = fdt_finish(fdt);
	if (ret >= 0)
		ret = rkm_fdt_vmfdt_layout(fdt, size);
	if (ret >= 0)
		ret = fdt_check_header(fdt);
	return ret;
}

int rkm_kvmtool_dtb(const struct rkm_kvmtool_dtb *c, uint8_t **out, char *err, size_t errlen)
{
	const size_t size = RKM_KVMTOOL_DTB_SIZE;
	uint8_t *fdt = calloc(1, size);
	char *bootargs = NULL;
	size_t n;
	int ret;

	*out = NULL;
	if (!c->cpus || c->cpus > 512) {
		snprintf(err, errlen, "kvmtool DTB: %u vCPUs (1 to 512)", c->cpus);
		free(fdt);
		return -1;
	}
	n = sizeof(kt_bootargs) + (c->params && *c->params ? strlen(c->params) + 1 : 0);
	bootargs = malloc(n);
	if (!fdt || !bootargs) {
		snprintf(err, errlen, "out of memory");
		free(fdt);
		free(bootargs);
		return -1;
	}
	/* The model appends " " and -p to kvmtool's default when -p is not empty. */
	snprintf(bootargs, n, "%s%s%s", kt_bootargs, c->params && *c->params ? " " : "",
		 c->params && *c->params ? c->params : "");
	ret = fdt_create(fdt, (int)size);
	if (ret >= 0)
		ret = fdt_finish_reservemap(fdt);
	if (ret >= 0)
		ret = kt_head(fdt, c, bootargs);
	if (ret >= 0)
		ret = kt_irq(fdt, c);
	if (ret >= 0)
		ret = kt_devices(fdt, c);
	if (ret >= 0)
		ret = dtb_finish(fdt, size);
	free(bootargs);
	if (ret < 0) {
		snprintf(err, errlen, "kvmtool DTB: %s%s", fdt_strerror(ret),
			 ret == -FDT_ERR_NOSPACE ? " (more than kvmtool's 64 KiB: -p too long?)"
						 : "");
		free(fdt);
		return -1;
	}
	*out = fdt;
	return 0;
}

/* ---- QEMU virt (src/qemu.rs gen_dtb; addresses of QEMU's hw/arm/virt.c memory map) ---- */

#define QV_CLK_PHANDLE  0x8000U /* the APB clock; CPUs would follow, then the GIC */
#define QV_GIC_DIST     0x08000000ULL
#define QV_GIC_DIST_SZ  0x10000ULL
#define QV_ITS          0x08080000ULL
#define QV_ITS_SZ       0x20000ULL
#define QV_REDIST       0x080a0000ULL
#define QV_REDIST_SZ    0x00f60000ULL
#define QV_HIGH_REDIST_SZ (64ULL << 20)
#define QV_UART         0x09000000ULL
#define QV_RTC          0x09010000ULL
#define QV_MMIO_DEV_SZ  0x1000ULL
#define QV_FW_CFG       0x09020000ULL
#define QV_FW_CFG_SZ    0x18ULL
#define QV_VIRTIO       0x0a000000ULL
#define QV_VIRTIO_SZ    0x200ULL
#define QV_PLATFORM_BUS 0x0c000000ULL
#define QV_PLATFORM_SZ  0x02000000ULL
#define QV_PCI_MMIO     0x10000000ULL
#define QV_PCI_MMIO_SZ  0x2eff0000ULL
#define QV_PCI_IO       0x3eff0000ULL
#define QV_PCI_IO_SZ    0x10000ULL
#define QV_HIGH_PCI_CFG_SZ  (256ULL << 20)
#define QV_HIGH_PCI_MMIO_SZ (512ULL << 30)
#define QV_SPI_UART 1U
#define QV_SPI_RTC  2U
#define QV_SPI_PCIE 3U
#define QV_SPI_MMIO 16U
#define PCI_SPACE_MEM64 0x03000000U

static int qv_head(void *fdt, const struct rkm_qemu_dtb *c, uint32_t gic_ph)
{
	static const char bus_compat[] = "qemu,platform\0simple-bus";
	const uint32_t bus_ranges[4] = { 0, 0, (uint32_t)QV_PLATFORM_BUS,
					 (uint32_t)QV_PLATFORM_SZ };

	/* src/fdt.rs fdt_new, as for kvmtool but with QEMU's phandles. */
	T(fdt_new_common(fdt, gic_ph, c->bootargs, c->initrd_base, c->initrd_size, c->mem_base,
			  c->mem_size, c->cpus));

	T(begin_at(fdt, "platform-bus", QV_PLATFORM_BUS));
	T(fdt_property_u32(fdt, "interrupt-parent", gic_ph));
	T(prop_u32s(fdt, "ranges", bus_ranges, 4));
	T(fdt_property_u32(fdt, "#address-cells", 1));
	T(fdt_property_u32(fdt, "#size-cells", 1));
	T(fdt_property(fdt, "compatible", bus_compat, sizeof(bus_compat)));
	T(fdt_end_node(fdt));

	if (c->log_size) {
		const uint64_t log[2] = { c->log_base, c->log_size };

		T(fdt_begin_node(fdt, "reserved-memory"));
		T(fdt_property(fdt, "ranges", NULL, 0));
		T(fdt_property_u32(fdt, "#size-cells", 2));
		T(fdt_property_u32(fdt, "#address-cells", 2));
		T(begin_at(fdt, "event-log", c->log_base));
		T(prop_u64s(fdt, "reg", log, 2));
		T(fdt_property_string(fdt, "compatible", "cc-event-log"));
		T(fdt_end_node(fdt));
		T(fdt_end_node(fdt));
	}
	return 0;
}

static int qv_devices(void *fdt, const struct rkm_qemu_dtb *c, uint32_t gic_ph, uint32_t its_ph)
{
	static const char prime_rtc[] = "arm,pl031\0arm,primecell";
	static const char prime_uart[] = "arm,pl011\0arm,primecell";
	static const char uart_clocks[] = "uartclk\0apb_pclk";
	const uint64_t fw_cfg[2] = { QV_FW_CFG, QV_FW_CFG_SZ };
	const uint64_t ecam[2] = { c->high_pci_cfg, QV_HIGH_PCI_CFG_SZ };
	const uint64_t rtc[2] = { QV_RTC, QV_MMIO_DEV_SZ }, uart[2] = { QV_UART, QV_MMIO_DEV_SZ };
	const uint32_t ranges[21] = {
		PCI_SPACE_IO, 0, 0, 0, (uint32_t)QV_PCI_IO, 0, (uint32_t)QV_PCI_IO_SZ,
		PCI_SPACE_MEM, 0, (uint32_t)QV_PCI_MMIO, 0, (uint32_t)QV_PCI_MMIO, 0,
		(uint32_t)QV_PCI_MMIO_SZ,
		PCI_SPACE_MEM64, (uint32_t)(c->high_pci_mmio >> 32), (uint32_t)c->high_pci_mmio,
		(uint32_t)(c->high_pci_mmio >> 32), (uint32_t)c->high_pci_mmio,
		(uint32_t)(QV_HIGH_PCI_MMIO_SZ >> 32), (uint32_t)QV_HIGH_PCI_MMIO_SZ,
	};
	/* Four INTx lines shared by the slots, swizzled by slot (the mask keeps slot & 3). */
	const uint32_t map_mask[4] = { (3U << 3) << 8, 0, 0, 7 };
	const uint32_t msi_map[4] = { 0, its_ph, 0, 0x10000 };
	const uint32_t bus_range[2] = { 0, 0xff };
	const uint32_t clocks[2] = { QV_CLK_PHANDLE, QV_CLK_PHANDLE };
	const uint32_t rtc_irq[3] = { IRQ_SPI, QV_SPI_RTC, IRQ_LEVEL_HIGH };
	const uint32_t uart_irq[3] = { IRQ_SPI, QV_SPI_UART, IRQ_LEVEL_HIGH };
	uint32_t map[160];

	T(begin_at(fdt, "fw-cfg", QV_FW_CFG));
	T(fdt_property(fdt, "dma-coherent", NULL, 0));
	T(prop_u64s(fdt, "reg", fw_cfg, 2));
	T(fdt_property_string(fdt, "compatible", "qemu,fw-cfg-mmio"));
	T(fdt_end_node(fdt));

	for (unsigned i = 0; i < 32; i++) {
		const uint64_t addr = QV_VIRTIO + i * QV_VIRTIO_SZ;
		const uint64_t reg[2] = { addr, QV_VIRTIO_SZ };
		const uint32_t irq[3] = { IRQ_SPI, QV_SPI_MMIO + i, IRQ_EDGE_RISE };

		T(begin_at(fdt, "virtio_mmio", addr));
		T(fdt_property(fdt, "dma-coherent", NULL, 0));
		T(prop_u32s(fdt, "interrupts", irq, 3));
		T(prop_u64s(fdt, "reg", reg, 2));
		T(fdt_property_string(fdt, "compatible", "virtio,mmio"));
		T(fdt_end_node(fdt));
	}

	for (uint32_t dev = 0; dev < 4; dev++)
		for (uint32_t pin = 0; pin < 4; pin++) {
			uint32_t *e = map + 10 * (dev * 4 + pin);

			e[0] = (dev << 3) << 8;
			e[1] = 0;
			e[2] = 0;
			e[3] = pin + 1;
			e[4] = gic_ph;
			e[5] = 0;
			e[6] = 0;
			e[7] = IRQ_SPI;
			e[8] = QV_SPI_PCIE + (pin + dev) % 4;
			e[9] = IRQ_LEVEL_HIGH;
		}
	T(begin_at(fdt, "pcie", QV_PCI_MMIO));
	T(prop_u32s(fdt, "interrupt-map", map, 160));
	T(prop_u32s(fdt, "interrupt-map-mask", map_mask, 4));
	T(fdt_property_u32(fdt, "#interrupt-cells", 1));
	T(prop_u32s(fdt, "ranges", ranges, 21));
	T(prop_u64s(fdt, "reg", ecam, 2));
	if (c->its)
		T(prop_u32s(fdt, "msi-map", msi_map, 4));
	T(fdt_property(fdt, "dma-coherent", NULL, 0));
	T(prop_u32s(fdt, "bus-range", bus_range, 2));
	T(fdt_property_u32(fdt, "linux,pci-domain", 0));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_property_u32(fdt, "#address-cells", 3));
	T(fdt_property_string(fdt, "device_type", "pci"));
	T(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
	T(fdt_end_node(fdt));

	T(begin_at(fdt, "pl031", QV_RTC));
	T(fdt_property_string(fdt, "clock-names", "apb_pclk"));
	T(prop_u64s(fdt, "reg", rtc, 2));
	T(fdt_property_u32(fdt, "clocks", QV_CLK_PHANDLE));
	T(prop_u32s(fdt, "interrupts", rtc_irq, 3));
	T(fdt_property(fdt, "compatible", prime_rtc, sizeof(prime_rtc)));
	T(fdt_end_node(fdt));

	T(begin_at(fdt, "pl011", QV_UART));
	T(fdt_property(fdt, "clock-names", uart_clocks, sizeof(uart_clocks)));
	T(prop_u64s(fdt, "reg", uart, 2));
	T(prop_u32s(fdt, "clocks", clocks, 2));
	T(prop_u32s(fdt, "interrupts", uart_irq, 3));
	T(fdt_property(fdt, "compatible", prime_uart, sizeof(prime_uart)));
	T(fdt_end_node(fdt));
	return 0;
}

static int qv_tail(void *fdt, const struct rkm_qemu_dtb *c, uint32_t gic_ph, uint32_t its_ph)
{
	/* 123 redistributors fit below 256 MiB; more need the high region. */
	const bool high = c->cpus > QV_REDIST_SZ / 0x20000;
	const uint64_t gic[6] = { QV_GIC_DIST, QV_GIC_DIST_SZ, QV_REDIST, QV_REDIST_SZ,
				  c->high_redist, QV_HIGH_REDIST_SZ };
	const uint64_t its[2] = { QV_ITS, QV_ITS_SZ };

	if (c->pmu) {
		T(add_pmu(fdt));
	}
	T(begin_at(fdt, "intc", QV_GIC_DIST));
	T(fdt_property_u32(fdt, "phandle", gic_ph));
	T(prop_u64s(fdt, "reg", gic, high ? 6 : 4));
	T(fdt_property_u32(fdt, "#redistributor-regions", high ? 2 : 1));
	T(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	T(fdt_property(fdt, "ranges", NULL, 0));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_property_u32(fdt, "#address-cells", 2));
	T(fdt_property(fdt, "interrupt-controller", NULL, 0));
	T(fdt_property_u32(fdt, "#interrupt-cells", 3));
	if (c->its) {
		T(begin_at(fdt, "its", QV_ITS));
		T(fdt_property_u32(fdt, "phandle", its_ph));
		T(prop_u64s(fdt, "reg", its, 2));
		T(fdt_property_u32(fdt, "#msi-cells", 1));
		T(fdt_property(fdt, "msi-controller", NULL, 0));
		T(fdt_property_string(fdt, "compatible", "arm,gic-v3-its"));
		T(fdt_end_node(fdt));
	}
	T(fdt_end_node(fdt));

	T(add_timer(fdt, IRQ_LEVEL_HIGH));

	T(fdt_begin_node(fdt, "apb-pclk"));
	T(fdt_property_u32(fdt, "phandle", QV_CLK_PHANDLE));
	T(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	T(fdt_property_u32(fdt, "clock-frequency", 24000000));
	T(fdt_property_u32(fdt, "#clock-cells", 0));
	T(fdt_property_string(fdt, "compatible", "fixed-clock"));
	T(fdt_end_node(fdt));
	return 0;
}

int rkm_qemu_dtb(const struct rkm_qemu_dtb *c, uint8_t **out, size_t *len, char *err,
		 size_t errlen)
{
	const size_t size = RKM_QEMU_DTB_MAX;
	/* QEMU numbers phandles from the clock's: the CPUs, then the GIC, then its ITS. */
	const uint32_t gic_ph = QV_CLK_PHANDLE + c->cpus + 1, its_ph = gic_ph + 1;
	uint8_t *fdt;
	int ret;

	*out = NULL;
	*len = 0;
	if (!c->cpus || c->cpus > 512) {
		snprintf(err, errlen, "QEMU DTB: %u vCPUs (1 to 512)", c->cpus);
		return -1;
	}
	fdt = calloc(1, size);
	if (!fdt) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ret = fdt_create(fdt, (int)size);
	if (ret >= 0)
		ret = fdt_finish_reservemap(fdt);
	if (ret >= 0)
		ret = qv_head(fdt, c, gic_ph);
	if (ret >= 0)
		ret = qv_devices(fdt, c, gic_ph, its_ph);
	if (ret >= 0)
		ret = qv_tail(fdt, c, gic_ph, its_ph);
	if (ret >= 0)
		ret = dtb_finish(fdt, size);
	if (ret < 0) {
		snprintf(err, errlen, "QEMU DTB: %s", fdt_strerror(ret));
		free(fdt);
		return -1;
	}
	*len = fdt_totalsize(fdt);
	*out = fdt;
	return 0;
}
