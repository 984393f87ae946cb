/*
 * demo: the realm `realmkit run` boots with no arguments (embedded in the
 * binary).  It does what a realm guest kernel does at boot, one line per
 * step: RSI version and REALM_CONFIG, the DTB the VMM handed over in x0,
 * RIPAS RAM over its memory the way Linux's
 * rsi_set_memory_range_protected_safe() does, the UART at its unprotected
 * alias, a page shared with the host (RIPAS EMPTY, a message written at its
 * unprotected alias that the VMM reads in its own memory and answers) and
 * taken back (RIPAS RAM),
 * a REM extended, the other vCPUs brought up with PSCI CPU_ON, an
 * attestation token requested for the host's challenge and handed back to
 * the VMM, its measurements, and SYSTEM_OFF.
 *
 * Host interface (docs/VMM.md, "Host calls"): RSI_HOST_CALL with
 * x0 = 0xC6000100 asks for the challenge; 0xC6000101 hands back the token
 * in chunks; 0xC6000102 reports an attestation failure; 0xC6000103 (x1 the
 * shared page's IPA, x2 the message length) has the VMM read the message
 * and answer in the page (x1 = the answer's length).  With
 * `--params echo` it also echoes UART input until it reads a 'q'.
 */
#include "rk.h"
#include "rsi.h"
#include "psci.h"
#include "gicv3.h"

#define HC_CHALLENGE	0xC6000100UL
#define HC_TOKEN	0xC6000101UL
#define HC_TOKEN_ERROR	0xC6000102UL
#define HC_SHARED	0xC6000103UL
#define HC_CHUNK	(27 * 8)

#define FDT_MAGIC	0xd00dfeedU
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

#define POLLS		1000000
#define TOKEN_GRANULES	4

static struct rsi_host_call hc RK_ALIGNED(0x100);
static u8 token[TOKEN_GRANULES * RK_GRANULE] RK_ALIGNED(4096);
static u8 shared_page[RK_GRANULE] RK_ALIGNED(4096);
static volatile u64 cpu_up[RK_MAX_CPUS + 1];

static u64 ram_base, ram_size, ncpus;
static const char *bootargs = "";

static u32 be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static u64 be64(const void *p)
{
	return (u64)be32(p) << 32 | be32((const u8 *)p + 4);
}

static int starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static u64 slen(const char *s)
{
	u64 n = 0;

	while (s[n])
		n++;
	return n;
}

/* The few things a kernel reads first: /memory reg, the cpu nodes, /chosen bootargs. */
static int parse_dtb(const u8 *fdt)
{
	const u8 *st, *strs;
	u64 off = 0;
	int depth = 0, in_memory = 0, in_chosen = 0, in_cpus = 0;

	if (be32(fdt) != FDT_MAGIC)
		return -1;
	st = fdt + be32(fdt + 8);
	strs = fdt + be32(fdt + 12);
	for (;;) {
		u32 tok = be32(st + off);

		off += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)st + off;

			depth++;
			if (depth == 2) {
				in_memory = starts(name, "memory@") || streq(name, "memory");
				in_chosen = streq(name, "chosen");
				in_cpus = streq(name, "cpus");
			} else if (depth == 3 && in_cpus && starts(name, "cpu@")) {
				ncpus++;
			}
			off = (off + slen(name) + 1 + 3) & ~3UL;
		} else if (tok == FDT_END_NODE) {
			depth--;
		} else if (tok == FDT_PROP) {
			u32 len = be32(st + off), nameoff = be32(st + off + 4);
			const char *pname = (const char *)strs + nameoff;
			const u8 *val = st + off + 8;

			if (depth == 2 && in_memory && streq(pname, "reg") && len >= 16) {
				ram_base = be64(val);
				ram_size = be64(val + 8);
			}
			if (depth == 2 && in_chosen && streq(pname, "bootargs"))
				bootargs = (const char *)val;
			off = (off + 8 + len + 3) & ~3UL;
		} else if (tok == FDT_NOP) {
			continue;
		} else {
			break; /* FDT_END or garbage */
		}
	}
	return ram_size ? 0 : -1;
}

static u64 host_call(u64 fid)
{
	hc.gprs[0] = fid;
	if (rsi_host_call((u64)&hc) != RSI_SUCCESS)
		return ~0UL;
	return hc.gprs[0];
}

/*
 * set_memory_decrypted() and back: a page shared with the host, as a virtio
 * ring is.  The realm writes a message at the page's unprotected alias; that
 * alias is the VMM's own memory (KVM maps it on the first access), so the
 * VMM reads the message there and writes its answer, which the realm reads
 * back at the same alias.  Then the page is private again.
 */
static void shared_step(void)
{
	static const char ping[] = "ping from the realm, written at the unprotected alias";
	volatile char *alias = (volatile char *)((u64)shared_page | rk_shared_bit);
	u64 st, next, resp, alen;
	char answer[96];

	st = rk_ipa_state_set_all((u64)shared_page, (u64)shared_page + RK_GRANULE,
				  RSI_RIPAS_EMPTY, RSI_CHANGE_DESTROYED, &next, &resp);
	rk_printf("[6] shared page 0x%lx: RIPAS EMPTY %s; the realm writes \"%s\" at 0x%lx "
		  "and tells the VMM (host call 0x%lx)\n", (u64)shared_page,
		  st == RSI_SUCCESS && resp == RSI_ACCEPT ? "accepted" : "refused", ping,
		  (u64)alias, HC_SHARED);
	for (u64 i = 0; i < sizeof(ping); i++)
		alias[i] = ping[i];
	hc.gprs[1] = (u64)shared_page;
	hc.gprs[2] = sizeof(ping) - 1;
	if (host_call(HC_SHARED) != 0) {
		rk_printf("    the VMM did not take the message\n");
	} else {
		alen = hc.gprs[1] < sizeof(answer) - 1 ? hc.gprs[1] : sizeof(answer) - 1;
		for (u64 i = 0; i < alen; i++)
			answer[i] = alias[i];
		answer[alen] = 0;
		rk_printf("    the realm reads at 0x%lx: \"%s\"\n", (u64)alias, answer);
	}
	st = rk_ipa_state_set_all((u64)shared_page, (u64)shared_page + RK_GRANULE, RSI_RIPAS_RAM,
				  RSI_CHANGE_DESTROYED, &next, &resp);
	rk_printf("    RIPAS RAM again %s: the page is private, the VMM keeps its copy\n",
		  st == RSI_SUCCESS && resp == RSI_ACCEPT ? "accepted" : "refused");
}

static void print_hash(const char *name, const u64 v[8])
{
	rk_printf("    %s ", name);
	rk_print_bytes(v, rk_hash_algo == RSI_HASH_SHA_512 ? 64 : 32);
	rk_putc('\n');
}

void secondary_main(u64 ctx)
{
	rk_printf("    cpu%lu: up at rk_secondary_entry with context id %lu; powering off with "
		  "CPU_OFF\n", ctx, ctx);
	rk_dmb();
	cpu_up[ctx] = 1;
	rk_dmb();
}

/* Ask for a token over the host's challenge; hand it back. */
static void attest(void)
{
	u64 challenge[8] = { 0 }, st, max = 0, len = 0, total = 0, calls = 0;

	if (host_call(HC_CHALLENGE) == 0) {
		for (int i = 0; i < 8; i++)
			challenge[i] = hc.gprs[1 + i];
		rk_printf("[9] attestation: challenge from the host (host call 0xc6000100): ");
		rk_print_bytes(challenge, 8);
		rk_puts("...\n");
	} else {
		rk_puts("[9] attestation: the host has no challenge (--challenge HEX): using 64 "
			"zero bytes\n");
	}
	st = rsi_attest_token_init(challenge, &max);
	if (st != RSI_SUCCESS) {
		rk_printf("    RSI_ATTEST_TOKEN_INIT failed: status 0x%lx (this RMM does not offer "
			  "attestation yet); told the host (host call 0xc6000102)\n", st);
		hc.gprs[1] = st;
		host_call(HC_TOKEN_ERROR);
		return;
	}
	do {
		u64 g = total / RK_GRANULE, off = total % RK_GRANULE;

		if (g >= TOKEN_GRANULES) {
			rk_puts("    token larger than the realm's 16 KiB buffer: not handed back\n");
			hc.gprs[1] = RSI_INCOMPLETE;
			host_call(HC_TOKEN_ERROR);
			return;
		}
		st = rsi_attest_token_continue((u64)&token[g * RK_GRANULE], off, RK_GRANULE - off,
					       &len);
		total += len;
		calls++;
	} while (st == RSI_INCOMPLETE && calls < 100000);
	if (st != RSI_SUCCESS) {
		rk_printf("    RSI_ATTEST_TOKEN_CONTINUE failed: status 0x%lx\n", st);
		hc.gprs[1] = st;
		host_call(HC_TOKEN_ERROR);
		return;
	}
	rk_printf("    token: %lu bytes (upper bound %lu) in %lu RSI_ATTEST_TOKEN_CONTINUE calls\n",
		  total, max, calls);
	for (u64 off = 0; off < total; off += HC_CHUNK) {
		u64 n = total - off < HC_CHUNK ? total - off : HC_CHUNK;

		hc.gprs[1] = total;
		hc.gprs[2] = off;
		hc.gprs[3] = n;
		memset(&hc.gprs[4], 0, HC_CHUNK);
		memcpy(&hc.gprs[4], token + off, n);
		if (host_call(HC_TOKEN) != 0) {
			rk_puts("    the host refused the token\n");
			return;
		}
	}
	rk_printf("    handed the token to the VMM in %lu host calls (0xc6000101)\n",
		  (total + HC_CHUNK - 1) / HC_CHUNK);
}

/* Echo mode: the UART's received-data interrupt (IER.RDI) through the GIC fills this queue. */
#define UART_IER	1
#define UART_LSR	5
#define IER_RDI		1
#define LSR_DR		1

static volatile u8 rxq[64];
static volatile u64 rx_head, rx_tail, rx_irqs;
static u32 uart_intid = 32;

void irq_handler(u64 intid)
{
	volatile u8 *uart = (volatile u8 *)(RK_UART_BASE | rk_shared_bit);

	if (intid != uart_intid)
		return;
	rx_irqs++;
	/* Drain RBR while LSR.DR: the VMM drops the (level) line when it is empty. */
	while (uart[UART_LSR] & LSR_DR) {
		u8 c = uart[0];

		if (rx_tail - rx_head < sizeof(rxq))
			rxq[rx_tail++ % sizeof(rxq)] = c;
	}
}

static void echo(void)
{
	volatile u8 *uart = (volatile u8 *)(RK_UART_BASE | rk_shared_bit);
	u64 reg[2];
	u32 n = uart_intid / 32, bit = uart_intid % 32;

	/* The GIC and the UART's SPI from the DTB, as a kernel's drivers find them. */
	gic_discover();
	rk_fdt_lookup(rk_dtb(), "ns16550a", reg, 1, &uart_intid);
	n = uart_intid / 32;
	bit = uart_intid % 32;
	install_irq_vectors();
	*gicd8(GICD_IPRIORITYR + uart_intid) = 0x80;
	*gicd32(GICD_IROUTER + 8 * uart_intid) = 0; /* to vCPU 0 */
	/* Level-sensitive, as the DTB says (ICFGR 0b00). */
	*gicd32(GICD_ICFGR + 4 * (uart_intid / 16)) &= ~(3U << (2 * (uart_intid % 16)));
	*gicd32(GICD_ISENABLER + 4 * n) = 1U << bit;
	*gicd32(GICD_CTLR) = 2;
	gic_cpu_init();
	uart[UART_IER] = IER_RDI;
	rk_printf("echo: type characters, 'q' ends (UART receive interrupt, INTID %u)\n",
		  uart_intid);
	irq_enable();
	for (;;) {
		u8 c;

		while (rx_head == rx_tail)
			wfi();
		c = rxq[rx_head++ % sizeof(rxq)];
		if (c == 'q')
			break;
		if (c >= 'a' && c <= 'z')
			c = (u8)(c - 'a' + 'A');
		if (c >= 0x20 && c < 0x7f)
			rk_printf("echo: %c\n", c);
	}
	irq_disable();
	uart[UART_IER] = 0;
	rk_printf("echo: done (%lu receive interrupts)\n", rx_irqs);
}

int main(void)
{
	u64 lower, higher, st, next, resp, calls = 0, v[8], data[8] = { 0 };
	const char *msg = "realmkit demo";

	rk_puts("realmkit demo realm: what a realm guest does at boot, one step per line\n");

	st = rsi_version(RSI_ABI_VERSION, &lower, &higher);
	rk_printf("[1] RSI_VERSION: status %lu, the RMM implements %lu.%lu (asked for 1.0)\n", st,
		  higher >> 16, higher & 0xffff);

	rk_printf("[2] RSI_REALM_CONFIG: IPA width %lu bits, hash %s; IPA bit %lu selects the "
		  "unprotected (shared) half\n", rk_ipa_width,
		  rk_hash_algo == RSI_HASH_SHA_512 ? "SHA-512" : "SHA-256", rk_ipa_width - 1);

	if (parse_dtb((const u8 *)rk_entry_x0)) {
		rk_printf("[3] no usable DTB at x0 = 0x%lx: cannot find RAM\n", rk_entry_x0);
		psci_system_off();
	}
	rk_printf("[3] DTB at x0 = 0x%lx: RAM [0x%lx, 0x%lx), %lu cpus, bootargs \"%s\"\n",
		  rk_entry_x0, ram_base, ram_base + ram_size, ncpus, bootargs);

	/* rsi_set_memory_range_protected_safe(): RAM, keep DESTROYED as it is, loop to top. */
	next = ram_base;
	do {
		st = rsi_ipa_state_set(next, ram_base + ram_size, RSI_RIPAS_RAM,
				       RSI_NO_CHANGE_DESTROYED, &next, &resp);
		calls++;
	} while (st == RSI_SUCCESS && resp == RSI_ACCEPT && next < ram_base + ram_size &&
		 calls < 4096);
	rk_printf("[4] RIPAS RAM over all of RAM (RSI_IPA_STATE_SET, NO_CHANGE_DESTROYED, as "
		  "Linux does at boot): %s after %lu call%s\n",
		  st == RSI_SUCCESS && resp == RSI_ACCEPT && next >= ram_base + ram_size ?
			  "accepted by the host" : "NOT accepted",
		  calls, calls == 1 ? "" : "s");

	rk_printf("[5] console: this ns16550a UART at 0x%lx is written at its unprotected alias "
		  "0x%lx; each byte is an MMIO exit the VMM emulates\n", RK_UART_BASE,
		  RK_UART_BASE | rk_shared_bit);

	shared_step();

	memcpy(data, msg, slen(msg));
	st = rsi_measurement_extend(1, slen(msg), data);
	rk_printf("[7] RSI_MEASUREMENT_EXTEND: REM0 extended with \"%s\": status %lu\n", msg, st);

	rk_printf("[8] PSCI CPU_ON for the other %lu vCPU%s (vCPU 0 is the only one runnable at "
		  "start)\n", ncpus > 1 ? ncpus - 1 : 0, ncpus == 2 ? "" : "s");
	for (u64 cpu = 1; cpu < ncpus && cpu < RK_MAX_CPUS; cpu++) {
		s64 r = psci_ret(psci_call(PSCI_CPU_ON, cpu, (u64)rk_secondary_entry, cpu));
		long i;

		if (r != PSCI_SUCCESS) {
			rk_printf("    cpu%lu: CPU_ON failed: %ld\n", cpu, r);
			continue;
		}
		for (i = 0; i < POLLS && !cpu_up[cpu]; i++)
			psci_call(PSCI_AFFINITY_INFO, cpu, 0, 0);
		rk_dmb();
		for (i = 0; i < POLLS; i++)
			if (psci_ret(psci_call(PSCI_AFFINITY_INFO, cpu, 0, 0)) == PSCI_AFFINITY_OFF)
				break;
		if (!cpu_up[cpu])
			rk_printf("    cpu%lu: did not come up\n", cpu);
	}

	attest();

	rk_puts("[10] measurements (RSI_MEASUREMENT_READ):\n");
	for (u64 i = 0; i < 5; i++) {
		static const char *const names[] = { "RIM ", "REM0", "REM1", "REM2", "REM3" };

		if (rsi_measurement_read(i, v) == RSI_SUCCESS)
			print_hash(names[i], v);
	}

	if (streq(bootargs, "echo"))
		echo();

	rk_puts("[11] PSCI SYSTEM_OFF: the VMM reports how the realm ended\n");
	psci_system_off();
	return 0;
}
