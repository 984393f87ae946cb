// SPDX-License-Identifier: MIT
/*
 * Every guest in guests/ run as a realm through the KVM ABI, by a small VMM
 * written against rk_ioctl() only: one thread per vCPU calling KVM_RUN, a
 * console UART at 0x01000000, the MMIO window the mmio guest reads, RIPAS
 * changes answered with KVM_SET_MEMORY_ATTRIBUTES, host calls forwarded by
 * the SMCCC filter.  Each guest checks itself and prints PASS; this test
 * checks that, the exit, and what only the host can see (MMIO values and
 * sizes, REMs recomputed with OpenSSL, the host call registers).
 */
#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "attest/attest.h"
#include "harness.h"
#include "kvm_util.h"
#include "realmkit/kvm.h"
#include "realmkit/observe.h"

#define RAM_GPA   0x80000000ULL
#define RAM_SIZE  (2ULL << 20)
#define UART_GPA  0x01000000ULL
#define MMIO_WIN  0x0a000000ULL
#define DOORBELL  0x0a000100ULL

enum reply { REPLY_ACCEPT, REPLY_REJECT_RAM };

struct guest_run {
	const char *name;
	unsigned nvcpus;
	enum reply ripas;
	/* results */
	char console[1 << 16];
	size_t clen;
	uint32_t event; /* KVM_SYSTEM_EVENT_* seen by vCPU 0 */
	int error;      /* first unexpected errno of any vCPU */
	unsigned mmio_exits, memory_faults, hypercalls, irq_lines;
	uint64_t mmio_log[32][4]; /* addr, len, is_write, data */
	uint64_t hc_imm_seen;
	pthread_mutex_t lock;
	struct vmm v;
};

struct vcpu_thread {
	struct guest_run *g;
	unsigned idx;
	pthread_t t;
};

static uint8_t *load(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s.bin", REALMKIT_GUESTS_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*len = ((size_t)n + 4095) & ~4095UL;
	buf = aligned_alloc(4096, *len);
	memset(buf, 0, *len);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void on_mmio(struct guest_run *g, struct kvm_run *run)
{
	uint64_t a = run->mmio.phys_addr, data = 0;

	pthread_mutex_lock(&g->lock);
	if (a == UART_GPA && run->mmio.is_write) {
		if (g->clen < sizeof(g->console) - 1)
			g->console[g->clen++] = (char)run->mmio.data[0];
	} else if (a >= MMIO_WIN && a < MMIO_WIN + 0x80) {
		unsigned n = g->mmio_exits++;

		memcpy(&data, run->mmio.data, run->mmio.len);
		if (!run->mmio.is_write) {
			const uint8_t reply[8] = { 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8 };

			memcpy(run->mmio.data, reply, run->mmio.len);
		}
		if (n < 32) {
			g->mmio_log[n][0] = a - MMIO_WIN;
			g->mmio_log[n][1] = run->mmio.len;
			g->mmio_log[n][2] = run->mmio.is_write;
			g->mmio_log[n][3] = data;
		}
	} else if (a == DOORBELL && run->mmio.is_write && !strcmp(g->name, "spi")) {
		/* The spi guest's doorbell: raise the SPI it names, as a device pulses its line. */
		struct kvm_irq_level l = { .irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT |
						  run->mmio.data[0], .level = 1 };

		g->irq_lines++;
		if (rk_ioctl(g->v.host, g->v.vm, KVM_IRQ_LINE, &l) < 0 && !g->error)
			g->error = errno;
		l.level = 0;
		if (rk_ioctl(g->v.host, g->v.vm, KVM_IRQ_LINE, &l) < 0 && !g->error)
			g->error = errno;
	} else if (!run->mmio.is_write) {
		memset(run->mmio.data, 0, sizeof(run->mmio.data)); /* other devices: read as zero */
	}
	pthread_mutex_unlock(&g->lock);
}

static int on_memory_fault(struct guest_run *g, struct kvm_run *run)
{
	bool private = run->memory_fault.flags & KVM_MEMORY_EXIT_FLAG_PRIVATE;
	struct kvm_memory_attributes a = { .address = run->memory_fault.gpa,
					   .size = run->memory_fault.size,
					   .attributes = private ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0 };

	pthread_mutex_lock(&g->lock);
	g->memory_faults++;
	pthread_mutex_unlock(&g->lock);
	if (private && g->ripas == REPLY_REJECT_RAM)
		return 0; /* leave it shared: KVM refuses the realm's request */
	return rk_ioctl(g->v.host, g->v.vm, KVM_SET_MEMORY_ATTRIBUTES, &a) ? -errno : 0;
}

/* The host_call guest: add 0x100 to every register (the guest prints them back). */
static int on_hypercall(struct guest_run *g, unsigned idx)
{
	pthread_mutex_lock(&g->lock);
	g->hypercalls++;
	pthread_mutex_unlock(&g->lock);
	for (unsigned i = 0; i < 31; i++) {
		uint64_t v;
		struct kvm_one_reg r = { .id = KVM_REG_ARM64_X(i), .addr = (uintptr_t)&v };

		if (rk_ioctl(g->v.host, g->v.vcpu[idx], KVM_GET_ONE_REG, &r))
			return -errno;
		v += 0x100;
		if (rk_ioctl(g->v.host, g->v.vcpu[idx], KVM_SET_ONE_REG, &r))
			return -errno;
	}
	return 0;
}

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *t = arg;
	struct guest_run *g = t->g;
	int fd = g->v.vcpu[t->idx];
	struct kvm_run *run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (run == MAP_FAILED) {
		pthread_mutex_lock(&g->lock);
		g->error = errno;
		pthread_mutex_unlock(&g->lock);
		return NULL;
	}
	for (;;) {
		int ret = rk_ioctl(g->v.host, fd, KVM_RUN, 0), err = ret ? errno : 0;

		if (ret && !(err == EFAULT && run->exit_reason == KVM_EXIT_MEMORY_FAULT)) {
			pthread_mutex_lock(&g->lock);
			if (!g->error)
				g->error = err;
			pthread_mutex_unlock(&g->lock);
			break;
		}
		if (run->exit_reason == KVM_EXIT_MMIO) {
			on_mmio(g, run);
		} else if (run->exit_reason == KVM_EXIT_MEMORY_FAULT) {
			if (on_memory_fault(g, run))
				break;
		} else if (run->exit_reason == KVM_EXIT_HYPERCALL) {
			if (on_hypercall(g, t->idx))
				break;
		} else if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT) {
			if (t->idx == 0)
				g->event = run->system_event.type;
			break;
		} else {
			pthread_mutex_lock(&g->lock);
			g->error = -(int)run->exit_reason;
			pthread_mutex_unlock(&g->lock);
			break;
		}
	}
	munmap(run, 4096);
	return NULL;
}

/* Build the realm from the image and run every vCPU on its own thread. */
static bool run_guest(struct guest_run *g, struct rk_host *h)
{
	struct kvm_smccc_filter f = { .base = 0, .nr_functions = 1,
				      .action = KVM_SMCCC_FILTER_FWD_TO_USER };
	struct kvm_device_attr fa = { .group = KVM_ARM_VM_SMCCC_CTRL,
				      .attr = KVM_ARM_VM_SMCCC_FILTER, .addr = (uintptr_t)&f };
	struct vcpu_thread th[4];
	size_t len = 0;
	uint8_t *img = load(g->name, &len);

	pthread_mutex_init(&g->lock, NULL);
	if (!CHECK(img != NULL) || !CHECK(vmm_open(&g->v, h, 33) == 0) ||
	    !CHECK(vmm_add_ram(&g->v, RAM_GPA, RAM_SIZE) == 0)) {
		free(img);
		return false;
	}
	/* The host_call guest's function ID is 0x4843000000000000: SMCCC ID 0. */
	CHECK_EQ(rk_ioctl(h, g->v.vm, KVM_SET_DEVICE_ATTR, &fa), 0);
	for (unsigned i = 0; i < g->nvcpus; i++)
		CHECK(vmm_add_vcpu(&g->v) >= 0);
	CHECK(vmm_add_vgic(&g->v, 0) >= 0);
	CHECK_EQ(vmm_set_reg(&g->v, 0, KVM_REG_ARM64_PC, RAM_GPA), 0);
	CHECK(vmm_populate(&g->v, RAM_GPA, img, len, true) > 0);
	free(img);
	for (unsigned i = 0; i < g->nvcpus; i++) {
		th[i].g = g;
		th[i].idx = i;
		pthread_create(&th[i].t, NULL, vcpu_main, &th[i]);
	}
	for (unsigned i = 0; i < g->nvcpus; i++)
		pthread_join(th[i].t, NULL);
	g->console[g->clen] = 0;
	return true;
}

static bool has_line(const struct guest_run *g, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = g->console; (p = strstr(p, line)); p++)
		if ((p == g->console || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
			return true;
	return false;
}

/* The guest's own verdict, the exit, no KVM error, and (printed on failure) its console. */
static struct guest_run *guest(struct rk_host *h, const char *name, unsigned nvcpus,
			       enum reply ripas, uint32_t event)
{
	struct guest_run *g = calloc(1, sizeof(*g));

	g->name = name;
	g->nvcpus = nvcpus;
	g->ripas = ripas;
	run_guest(g, h);
	if (!t_check(has_line(g, "PASS") && !strstr(g->console, "FAIL") && g->event == event &&
			     !g->error,
		     __FILE__, __LINE__, "guest %s: event %u error %d, console:\n%s", name,
		     g->event, g->error, g->console))
		return g;
	printf("guest %s: PASS\n", name);
	return g;
}

static void done(struct rk_host *h, struct guest_run *g)
{
	struct rk_host_stats st;
	struct rk_census c;

	vmm_close(&g->v);
	rk_host_reap(h);
	rk_host_stats(h, &st);
	CHECK_EQ(st.vms_live, 0);
	CHECK_EQ(st.pages_used, 0);
	CHECK_EQ(st.granules_delegated, 0);
	rk_host_census(h, &c);
	CHECK_EQ(c.delegated + c.rd + c.rec + c.rec_aux + c.data + c.rtt, 0);
	CHECK_EQ(c.undelegated, (256 << 20) >> 12);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

static void hex64(const uint8_t *b, char *out)
{
	for (unsigned i = 0; i < 64; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* rsi_measure prints REMs; recompute them: REM = H(REM[0:32] || data[0:size]). */
static void check_rems(const struct guest_run *g)
{
	uint8_t rem[4][64] = { { 0 } }, data[64], buf[96];
	const struct { unsigned idx, size; } ext[] = { { 0, 0 }, { 0, 1 }, { 1, 32 }, { 2, 64 } };
	char line[200], hex[129];
	unsigned len;

	for (unsigned i = 0; i < 64; i++)
		data[i] = (uint8_t)(1 + i);
	for (unsigned e = 0; e < 4; e++) {
		memcpy(buf, rem[ext[e].idx], 32);
		memcpy(buf + 32, data, ext[e].size);
		EVP_Digest(buf, 32 + ext[e].size, rem[ext[e].idx], &len, EVP_sha256(), NULL);
		hex64(rem[ext[e].idx], hex);
		snprintf(line, sizeof(line), "rem%u=%s", ext[e].idx + 1, hex);
		t_check(has_line(g, line), __FILE__, __LINE__, "expected line %s", line);
	}
}

static void check_mmio(const struct guest_run *g)
{
	static const uint64_t want[][4] = {
		{ 0x10, 1, 1, 0xd1 },	    { 0x20, 2, 1, 0xd2d1 },
		{ 0x30, 4, 1, 0xd4d3d2d1 }, { 0x40, 8, 1, 0xd8d7d6d5d4d3d2d1 },
		{ 0x48, 8, 1, 0 },	    { 0x10, 1, 0, 0 },
		{ 0x20, 2, 0, 0 },	    { 0x30, 4, 0, 0 },
		{ 0x40, 8, 0, 0 },	    { 0x50, 1, 0, 0 },
		{ 0x60, 2, 0, 0 },	    { 0x70, 4, 0, 0 },
		{ 0x58, 1, 0, 0 },	    { 0x68, 2, 0, 0 },
		{ 0x78, 8, 0, 0 },	    { 0x7c, 4, 0, 0 },
	};

	CHECK_EQ(g->mmio_exits, 16);
	for (unsigned i = 0; i < 16 && i < g->mmio_exits; i++)
		for (unsigned k = 0; k < 4; k++)
			t_check(g->mmio_log[i][k] == want[i][k], __FILE__, __LINE__,
				"mmio access %u field %u: got 0x%llx want 0x%llx", i, k,
				(unsigned long long)g->mmio_log[i][k],
				(unsigned long long)want[i][k]);
}

/*
 * The attest guest prints the token it received through ATTEST_TOKEN_CONTINUE
 * on its console ("token <hex>" lines of 32 bytes): the bytes the realm got
 * must decode, verify against the default platform's CPAK, carry the
 * challenge it gave, and the realm's RIM and REMs as KVM reports them.
 */
/*
 * The RMM this host booted, as the RMM itself reports it (RMI_VERSION's
 * lower version): 1 or 2.  The token profile must follow it, whatever the
 * default of KVM or the environment is.
 */
static unsigned booted_rmm_major(struct rk_host *h)
{
	struct smc_result res;

	rmm_call(rk_host_rmm(h), RMI_VERSION, RMI_ABI_VERSION, 0, 0, 0, 0, &res);
	return (unsigned)(res.x[1] >> 16);
}

/* The realm instance ID of the last token check_token() read (2.0 only). */
static uint8_t last_inst_id[ATT_REALM_INST_ID_SIZE];

static void check_token(struct rk_host *h, const struct guest_run *g, EVP_PKEY *cpak, bool cmw)
{
	bool v2 = booted_rmm_major(h) == 2;
	static uint8_t tok[ATT_TOKEN_MAX];
	size_t len = 0, n;
	const char *p = g->console;
	struct att_platform plat;
	struct att_anchor a;
	struct att_token t;
	struct att_report r;
	struct rk_measurements m;
	uint8_t ch[64];
	char err[256] = "";

	while ((p = strstr(p, "token "))) {
		const char *e = strchr(p, '\n');

		if ((p == g->console || p[-1] == '\n') && e &&
		    att_hex_decode(p + 6, (size_t)(e - p - 6), tok + len, sizeof(tok) - len, &n))
			len += n;
		p += 6;
	}
	CHECK(len > 0);
	for (unsigned i = 0; i < 64; i++)
		ch[i] = (uint8_t)(0x40 + i);
	if (!t_check(att_decode(tok, len, &t, err, sizeof(err)), __FILE__, __LINE__,
		     "token from the realm: %s", err))
		return;
	if (cpak)
		EVP_PKEY_up_ref(cpak);
	CHECK(att_platform_init(&plat, cpak));
	a = (struct att_anchor){ .pkey = plat.cpak };
	CHECK(att_verify(&t, &(struct att_verify_opts){ .anchors = &a, .nanchors = 1,
							.challenge = ch, .challenge_len = 64 },
			 &r));
	for (unsigned i = 0; i < ATT_CHECK_COUNT; i++)
		t_check(r.check[i].verdict != ATT_FAIL, __FILE__, __LINE__, "%s: %s",
			att_check_name(i), r.check[i].detail);
	CHECK_EQ(t.format, cmw ? ATT_FMT_COLLECTION_907 : ATT_FMT_COLLECTION_399);
	CHECK_EQ(rk_vm_measurements(h, g->v.vm, &m), 0);
	CHECK_EQ(t.realm.rim.len, m.hash_len);
	CHECK(t.realm.rim.p && !memcmp(t.realm.rim.p, m.rim, m.hash_len));
	CHECK(t.realm.rem[0].p && !memcmp(t.realm.rem[0].p, m.rem[0], m.hash_len));
	/*
	 * The profile of the RMM that runs the realm: an RMM 2.0 gives
	 * realm#2.0.0 with a realm instance ID (0x01 and 32 random bytes, not
	 * the platform's) and MEC policy shared (no FEAT_MEC here), and a
	 * cca_platform#2.0.0 platform token with the client ID of the RMSD.
	 */
	CHECK(t.realm.profile.p &&
	      t.realm.profile.len == strlen(v2 ? ATT_PROFILE_REALM_2 : ATT_PROFILE_REALM_1) &&
	      !memcmp(t.realm.profile.p, v2 ? ATT_PROFILE_REALM_2 : ATT_PROFILE_REALM_1,
		      t.realm.profile.len));
	CHECK(t.platform.profile.p &&
	      t.platform.profile.len ==
		      strlen(v2 ? ATT_PROFILE_PLAT_2024 : ATT_PROFILE_PLAT_2023) &&
	      !memcmp(t.platform.profile.p, v2 ? ATT_PROFILE_PLAT_2024 : ATT_PROFILE_PLAT_2023,
		      t.platform.profile.len));
	if (v2) {
		if (CHECK(t.realm.inst_id.len == ATT_REALM_INST_ID_SIZE)) {
			CHECK_EQ(t.realm.inst_id.p[0], 0x01);
			CHECK(memcmp(t.realm.inst_id.p, t.platform.inst_id.p,
				     ATT_REALM_INST_ID_SIZE) != 0);
			memcpy(last_inst_id, t.realm.inst_id.p, ATT_REALM_INST_ID_SIZE);
		}
		CHECK(t.realm.has_mec && t.realm.mec_policy == ATT_MEC_SHARED && !t.realm.mec_text.p);
		CHECK(t.platform.has_client_id && t.platform.client_id == ATT_CLIENT_ID_RMSD);
	} else {
		CHECK(!t.realm.inst_id.p && !t.realm.has_mec && !t.platform.has_client_id);
	}
	printf("attest: the realm received a %zu-byte %s token that verifies\n", len,
	       v2 ? "realm#2.0.0" : "realm#1.0.0");
	att_token_free(&t);
	att_platform_free(&plat);
}

int main(void)
{
	struct rk_host *h = rk_host_create(&(struct rk_host_config){ .dram_size = 256 << 20 });
	struct guest_run *g;
	static const char *const simple[] = { "hello", "rsi_version", "rsi_config_errors",
					      "undef", "unassigned", "ripas" };

	for (unsigned i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		done(h, guest(h, simple[i], 1, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN));

	g = guest(h, "rsi_measure", 1, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN);
	check_rems(g);
	{
		/* The installed observation API sees the REMs the realm extended, and its RIM. */
		struct rk_measurements m;
		char line[200] = "rim=";

		CHECK_EQ(rk_vm_measurements(h, g->v.vm, &m), 0);
		CHECK_EQ(m.hash_len, 32);
		hex64(m.rim, line + 4);
		t_check(has_line(g, line), __FILE__, __LINE__, "RIM %s not printed by the realm", line);
		CHECK(m.rem[3][0] == 0 && memcmp(m.rem[3], m.rem[3] + 1, 63) == 0);
		CHECK_EQ(rk_vm_measurements(h, g->v.vcpu[0], &m), -1);
		CHECK_EQ(errno, ENOTTY);
		CHECK_EQ(rk_vm_measurements(h, -1, &m), -1);
		CHECK_EQ(errno, EBADF);
	}
	done(h, g);

	g = guest(h, "mmio", 1, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN);
	check_mmio(g);
	done(h, g);

	g = guest(h, "ripas_reject", 1, REPLY_REJECT_RAM, KVM_SYSTEM_EVENT_SHUTDOWN);
	CHECK_EQ(g->memory_faults, 2);
	done(h, g);

	g = guest(h, "host_call", 1, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN);
	CHECK_EQ(g->hypercalls, 1);
	CHECK(has_line(g, "hostcall gpr0=0x4843000000000100"));
	CHECK(has_line(g, "hostcall gpr6=0x4843000000000106"));
	done(h, g);

	g = guest(h, "psci", 2, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN);
	CHECK(has_line(g, "cpu1 up ctx=0xc0ffee01"));
	done(h, g);

	done(h, guest(h, "psci_reset", 1, REPLY_ACCEPT, KVM_SYSTEM_EVENT_RESET));

	/* ID registers: the realm's parameters (33-bit IPA, KVM's default 6 bps / 4 wps, no PMU). */
	g = guest(h, "idregs", 1, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN);
	{
		const char *p = strstr(g->console, "dfr0=0x");
		unsigned long long dfr0 = p ? strtoull(p + 7, NULL, 16) : 0;
		const char *q = strstr(g->console, "mmfr0=0x");
		unsigned long long mmfr0 = q ? strtoull(q + 8, NULL, 16) : ~0ULL;

		CHECK_EQ((dfr0 >> 12) & 0xf, 5); /* BRPs: 6 breakpoints, count - 1 */
		CHECK_EQ((dfr0 >> 20) & 0xf, 3); /* WRPs: 4 watchpoints */
		CHECK_EQ((dfr0 >> 8) & 0xf, 0);  /* no PMU */
		CHECK_EQ(mmfr0 & 0xf, 1);        /* PARange 36 bits: the smallest holding 33 */
		/* What the VMM reads with KVM_GET_ONE_REG is what the realm read. */
		{
			const char *r = strstr(g->console, "pfr0=0x");
			unsigned long long pfr0 = r ? strtoull(r + 5, NULL, 16) : 0;
			uint64_t kp = 0, km = 0, kd = 0;
			struct kvm_one_reg rp = { RK_REG_ARM64_SYS(3, 0, 0, 4, 0), (uintptr_t)&kp };
			struct kvm_one_reg rm = { RK_REG_ARM64_SYS(3, 0, 0, 7, 0), (uintptr_t)&km };
			struct kvm_one_reg rd = { KVM_REG_ARM64_ID_AA64DFR0_EL1, (uintptr_t)&kd };

			CHECK_EQ(rk_ioctl(h, g->v.vcpu[0], KVM_GET_ONE_REG, &rp), 0);
			CHECK_EQ(rk_ioctl(h, g->v.vcpu[0], KVM_GET_ONE_REG, &rm), 0);
			CHECK_EQ(rk_ioctl(h, g->v.vcpu[0], KVM_GET_ONE_REG, &rd), 0);
			CHECK_EQ(kp, pfr0);
			CHECK_EQ(km, mmfr0);
			CHECK_EQ((kd >> 12) & 0xff0f, (dfr0 >> 12) & 0xff0f); /* BRPs, WRPs */
		}
	}
	done(h, g);

	/*
	 * Interrupts: under RMI 1.0 through RmiRecRun's GIC fields, under 2.0
	 * through the PE's ICH_*_EL2 registers (hw/ich.h, docs/RMM2.md).
	 */
	/* The timers' PPIs through the in-kernel vGIC and the list registers. */
	{
		struct rmm_stats before, after;

		rmm_get_stats(rk_host_rmm(h), &before);
		g = guest(h, "timer", 1, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN);
		rmm_get_stats(rk_host_rmm(h), &after);
		CHECK(has_line(g, "vtimer irqs=1 intid=27"));
		CHECK(has_line(g, "ptimer irqs=1 intid=30"));
		CHECK_EQ(g->mmio_exits, 0); /* the GIC frames never reached the VMM */
		CHECK(after.virqs - before.virqs >= 2);
		done(h, g);
	}

	/* An SPI the VMM raises with KVM_IRQ_LINE when the guest rings its doorbell. */
	g = guest(h, "spi", 1, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN);
	CHECK(has_line(g, "spi irqs=1 intid=40"));
	CHECK_EQ(g->irq_lines, 1);
	done(h, g);

	/* An SGI from vCPU 0 wakes vCPU 1 asleep in WFI (in KVM_RUN) and is taken there. */
	g = guest(h, "sgi", 2, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN);
	CHECK(has_line(g, "sgi cpu1 irqs=1 intid=5"));
	done(h, g);

	/* Four vCPU threads changing RIPAS, faulting in pages and doing MMIO at once. */
	g = guest(h, "stress", 4, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN);
	for (unsigned i = 0; i < 4; i++) {
		char line[64];

		snprintf(line, sizeof(line), "cpu%u rounds=40 failures=0", i);
		t_check(has_line(g, line), __FILE__, __LINE__, "expected %s", line);
	}
	done(h, g);

	/* Every ATTEST_TOKEN_CONTINUE failure condition (the guest's table). */
	done(h, guest(h, "attest_errors", 1, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN));

	/* Attestation: the token the realm gets is the one the library verifies. */
	g = guest(h, "attest", 1, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN);
	check_token(h, g, NULL, false);
	done(h, g);
	if (booted_rmm_major(h) == 2) {
		/* Each realm its own instance ID (REALM_CREATE draws it), on the same RMM. */
		uint8_t first[ATT_REALM_INST_ID_SIZE];

		memcpy(first, last_inst_id, sizeof(first));
		g = guest(h, "attest", 1, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN);
		check_token(h, g, NULL, false);
		done(h, g);
		CHECK(memcmp(first, last_inst_id, sizeof(first)) != 0);
	}
	rk_host_destroy(h);

	/*
	 * A platform identity from the host's configuration: a CPAK in a PEM
	 * file and CMW collections.  The realm's token is a tag 907 collection
	 * that verifies with that key; a key file that does not load is EINVAL.
	 */
	{
		char path[] = "/tmp/rk-cpak-XXXXXX", err[256];
		int fd = mkstemp(path);
		EVP_PKEY *k = att_p384_generate();

		CHECK(fd >= 0 && k && att_save_private_pem(k, path, err, sizeof(err)));
		if (fd >= 0)
			close(fd);
		h = rk_host_create(&(struct rk_host_config){ .dram_size = 256 << 20,
							     .platform_key = path, .token_cmw = 1 });
		if (CHECK(h != NULL)) {
			g = guest(h, "attest", 1, REPLY_ACCEPT, KVM_SYSTEM_EVENT_SHUTDOWN);
			check_token(h, g, k, true);
			done(h, g);
			rk_host_destroy(h);
		}
		CHECK_EQ(truncate(path, 10), 0);
		errno = 0;
		h = rk_host_create(&(struct rk_host_config){ .platform_key = path });
		CHECK(h == NULL && errno == EINVAL);
		unlink(path);
		EVP_PKEY_free(k);
	}
	return t_done();
}
