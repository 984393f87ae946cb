// SPDX-License-Identifier: MIT
/*
 * The DTBs `realmkit measure` generates for kvmtool's and QEMU's layouts
 * (src/measure/vmmdtb.c): the vm-fdt layout (its documented minimal tree
 * byte for byte, string table in first-use order with no suffix sharing,
 * the reservation map at 40), the trees' structure, and bad input.  The
 * RIMs these DTBs give against cca-realm-measurements' published values are
 * checked by measure_cli.sh.
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "harness.h"
#include "measure/vmmdtb.h"

/* vm-fdt's own `minimal` test vector (src/writer.rs): a root node and nothing else. */
static void test_minimal_layout(void)
{
	static const uint8_t want[0x48] = {
		0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 0x48, 0, 0, 0, 0x38, 0, 0, 0, 0x48,
		0, 0, 0, 0x28, 0, 0, 0, 0x11, 0, 0, 0, 0x10, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		0, 0, 0, 2, 0, 0, 0, 9,
	};
	uint8_t buf[4096];

	CHECK(fdt_create(buf, sizeof(buf)) == 0);
	CHECK(fdt_finish_reservemap(buf) == 0);
	CHECK(fdt_begin_node(buf, "") == 0);
	CHECK(fdt_end_node(buf) == 0);
	CHECK(fdt_finish(buf) == 0);
	CHECK_EQ(fdt_off_mem_rsvmap(buf), 48); /* libfdt's own choice, which vm-fdt's is not */
	CHECK(rkm_fdt_vmfdt_layout(buf, sizeof(buf)) == 0);
	CHECK_EQ(fdt_totalsize(buf), sizeof(want));
	CHECK(!memcmp(buf, want, sizeof(want)));
	for (size_t i = sizeof(want); i < sizeof(buf); i++)
		if (buf[i]) {
			CHECK(!"bytes past the tree are zero");
			break;
		}
}

/* libfdt would point "method" into "enable-method" and store names newest first. */
static void test_strings_first_use(void)
{
	static const char want[] = "enable-method\0method\0reg";
	uint8_t buf[4096];
	int node, len;
	const struct fdt_property *p;

	CHECK(fdt_create(buf, sizeof(buf)) == 0);
	CHECK(fdt_finish_reservemap(buf) == 0);
	CHECK(fdt_begin_node(buf, "") == 0);
	CHECK(fdt_property_string(buf, "enable-method", "psci") == 0);
	CHECK(fdt_property_string(buf, "method", "smc") == 0);
	CHECK(fdt_begin_node(buf, "n") == 0);
	CHECK(fdt_property_u32(buf, "reg", 1) == 0);
	CHECK(fdt_property_string(buf, "method", "hvc") == 0);
	CHECK(fdt_end_node(buf) == 0);
	CHECK(fdt_end_node(buf) == 0);
	CHECK(fdt_finish(buf) == 0);
	CHECK_EQ(fdt_size_dt_strings(buf), 18); /* "enable-method\0reg\0": method shared */
	CHECK(rkm_fdt_vmfdt_layout(buf, sizeof(buf)) == 0);
	CHECK_EQ(fdt_size_dt_strings(buf), sizeof(want));
	CHECK(!memcmp(buf + fdt_off_dt_strings(buf), want, sizeof(want)));
	CHECK_EQ(fdt_totalsize(buf), fdt_off_dt_strings(buf) + sizeof(want));
	CHECK(fdt_check_header(buf) == 0);
	/* The tree reads back the same through the rewritten offsets. */
	CHECK(!strcmp(fdt_getprop(buf, 0, "method", &len), "smc"));
	node = fdt_path_offset(buf, "/n");
	CHECK(node > 0);
	p = fdt_get_property(buf, node, "method", &len);
	CHECK(p && fdt32_to_cpu(p->nameoff) == 14 && !strcmp(p->data, "hvc"));
	CHECK(!strcmp(fdt_getprop(buf, 0, "enable-method", &len), "psci"));
}

/* Every name once, in the order the structure first uses it. */
static void check_strings_order(const uint8_t *fdt)
{
	const char *tab = (const char *)fdt + fdt_off_dt_strings(fdt);
	unsigned next = 0;
	int off = 0, nxt;
	uint32_t tag;

	do {
		tag = fdt_next_tag(fdt, off, &nxt);
		if (tag == FDT_PROP) {
			const struct fdt_property *p = fdt_offset_ptr(fdt, off, sizeof(*p));
			unsigned no = fdt32_to_cpu(p->nameoff);

			if (no == next) {
				next += (unsigned)strlen(tab + no) + 1;
			} else if (no > next) {
				CHECK(!"a name's first use comes in table order");
				return;
			}
		}
		off = nxt;
	} while (tag != FDT_END && off >= 0);
	CHECK_EQ(next, fdt_size_dt_strings(fdt));
	for (unsigned a = 0; a < next; a += (unsigned)strlen(tab + a) + 1)
		for (unsigned b = a + (unsigned)strlen(tab + a) + 1; b < next;
		     b += (unsigned)strlen(tab + b) + 1)
			if (!strcmp(tab + a, tab + b))
				CHECK(!"each name once");
}

/* The @i-th 64-bit cell of a property: properties are only 4-byte aligned. */
static uint64_t be64_at(const void *prop, unsigned i)
{
	fdt64_t v;

	memcpy(&v, (const uint8_t *)prop + i * sizeof(v), sizeof(v));
	return fdt64_to_cpu(v);
}

static void test_kvmtool_tree(void)
{
	struct rkm_kvmtool_dtb c = { .cpus = 3, .mem_base = 0x80000000ULL, .mem_size = 256ULL << 20,
				     .params = "quiet", .initrd_base = 0x8fa00000ULL,
				     .initrd_size = 1234, .log_base = 0x8fff0000ULL,
				     .log_size = 0x10000, .its = true, .pmu = true };
	char err[256];
	uint8_t *d;
	int len, node;
	const void *reg;

	CHECK(rkm_kvmtool_dtb(&c, &d, err, sizeof(err)) == 0);
	if (!d)
		return;
	CHECK(fdt_check_full(d, RKM_KVMTOOL_DTB_SIZE) == 0);
	CHECK_EQ(fdt_off_mem_rsvmap(d), 40);
	CHECK_EQ(fdt_off_dt_struct(d), 56);
	check_strings_order(d);
	CHECK(!strcmp(fdt_getprop(d, fdt_path_offset(d, "/chosen"), "bootargs", &len),
		      " console=hvc0 root=/dev/vda rw  quiet"));
	CHECK(fdt_path_offset(d, "/cpus/cpu@2") > 0);
	CHECK(fdt_path_offset(d, "/cpus/cpu@3") < 0);
	CHECK(fdt_path_offset(d, "/pmu") > 0);
	CHECK(fdt_path_offset(d, "/reserved-memory/event-log@8fff0000") > 0);
	node = fdt_path_offset(d, "/intc");
	reg = fdt_getprop(d, node, "reg", &len);
	CHECK(reg && len == 32);
	if (reg) /* three 128 KiB redistributors below the distributor */
		CHECK_EQ(be64_at(reg, 2), 0x3fff0000ULL - 3 * 0x20000);
	reg = fdt_getprop(d, fdt_path_offset(d, "/chosen"), "linux,initrd-end", &len);
	CHECK(reg && be64_at(reg, 0) == 0x8fa00000ULL + 1234);
	for (size_t i = fdt_totalsize(d); i < RKM_KVMTOOL_DTB_SIZE; i++)
		if (d[i]) {
			CHECK(!"zero-padded to 64 KiB");
			break;
		}
	free(d);

	c.pmu = false;
	c.its = false;
	c.log_size = 0;
	c.initrd_size = 0;
	c.params = NULL;
	CHECK(rkm_kvmtool_dtb(&c, &d, err, sizeof(err)) == 0);
	if (d) {
		CHECK(fdt_path_offset(d, "/pmu") < 0);
		CHECK(fdt_path_offset(d, "/intc/msic") < 0);
		CHECK(fdt_path_offset(d, "/reserved-memory") < 0);
		CHECK(!fdt_getprop(d, fdt_path_offset(d, "/pci@40000000"), "msi-map", &len));
		CHECK(!strcmp(fdt_getprop(d, fdt_path_offset(d, "/chosen"), "bootargs", &len),
			      " console=hvc0 root=/dev/vda rw "));
		check_strings_order(d);
		free(d);
	}
}

static void test_qemu_tree(void)
{
	struct rkm_qemu_dtb c = { .cpus = 2, .mem_base = 0x40000000ULL, .mem_size = 1ULL << 30,
				  .high_redist = 0x4000000000ULL, .high_pci_cfg = 0x4010000000ULL,
				  .high_pci_mmio = 0x8000000000ULL, .its = true };
	char err[256];
	uint8_t *d;
	size_t n;
	int len;
	const fdt32_t *v;

	CHECK(rkm_qemu_dtb(&c, &d, &n, err, sizeof(err)) == 0);
	if (!d)
		return;
	CHECK_EQ(n, fdt_totalsize(d));
	CHECK(fdt_check_full(d, n) == 0);
	check_strings_order(d);
	CHECK(!fdt_getprop(d, fdt_path_offset(d, "/chosen"), "bootargs", &len));
	/* Phandles: the clock 0x8000, then one per CPU, then the GIC and its ITS. */
	v = fdt_getprop(d, 0, "interrupt-parent", &len);
	CHECK(v && fdt32_to_cpu(*v) == 0x8003);
	CHECK_EQ(fdt_node_offset_by_phandle(d, 0x8003), fdt_path_offset(d, "/intc@8000000"));
	CHECK_EQ(fdt_node_offset_by_phandle(d, 0x8004),
		 fdt_path_offset(d, "/intc@8000000/its@8080000"));
	CHECK_EQ(fdt_node_offset_by_phandle(d, 0x8000), fdt_path_offset(d, "/apb-pclk"));
	CHECK(fdt_path_offset(d, "/virtio_mmio@a003e00") > 0);
	free(d);

	c.cpus = 200; /* more than the 123 low redistributors: the high region too */
	c.bootargs = "root=/dev/vda2";
	CHECK(rkm_qemu_dtb(&c, &d, &n, err, sizeof(err)) == 0);
	if (d) {
		v = fdt_getprop(d, fdt_path_offset(d, "/intc@8000000"), "#redistributor-regions",
				&len);
		CHECK(v && fdt32_to_cpu(*v) == 2);
		CHECK(!strcmp(fdt_getprop(d, fdt_path_offset(d, "/chosen"), "bootargs", &len),
			      "root=/dev/vda2"));
		free(d);
	}
}

/* Bad input: an error naming it, no buffer. */
static void test_errors(void)
{
	static const struct {
		unsigned cpus;
		size_t params_len;
		const char *msg;
	} rows[] = {
		{ 0, 0, "0 vCPUs (1 to 512)" },
		{ 513, 0, "513 vCPUs (1 to 512)" },
		{ 1, 70000, "more than kvmtool's 64 KiB: -p too long?" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *params = calloc(1, rows[i].params_len + 1);
		struct rkm_kvmtool_dtb c = { .cpus = rows[i].cpus, .mem_base = 0x80000000ULL,
					     .mem_size = 64ULL << 20, .params = params };
		char err[256] = "";
		uint8_t *d = (uint8_t *)1;

		memset(params, 'a', rows[i].params_len);
		CHECK(rkm_kvmtool_dtb(&c, &d, err, sizeof(err)) == -1);
		CHECK(d == NULL);
		CHECK(strstr(err, rows[i].msg) != NULL);
		free(params);
	}
	{
		struct rkm_qemu_dtb q = { .cpus = 0 };
		char err[256] = "";
		uint8_t *d = (uint8_t *)1;
		size_t n = 1;

		CHECK(rkm_qemu_dtb(&q, &d, &n, err, sizeof(err)) == -1);
		CHECK(d == NULL && n == 0 && strstr(err, "0 vCPUs"));
	}
}

int main(void)
{
	test_minimal_layout();
	test_strings_first_use();
	test_kvmtool_tree();
	test_qemu_tree();
	test_errors();
	return t_done();
}
