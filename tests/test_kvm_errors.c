// SPDX-License-Identifier: MIT
/*
 * Every error path of realmkit's KVM, one named table row per case.
 *
 * A row names a set-up (the fixture flags X_*), the file it acts on, one
 * ioctl with its argument, and the expected return (and errno when it is
 * -1).  Each row runs on a fresh host (256 MiB of DRAM); afterwards every
 * file is closed and the host reaped, and it must be left with no VM, no
 * page in use, no delegated granule and no file, the RMM's invariants must
 * hold, and the process must have as many file descriptors as before.
 *
 * Arguments that only exist at run time (file descriptors, user buffers,
 * the IPA limit) are written in the table as sentinels S_* and resolved
 * just before the call.  After every failing call the argument struct must
 * read back unchanged: a failure writes nothing.
 *
 * The progress contract of KVM_ARM_RMI_POPULATE, KVM_REALMKIT_POPULATE_FD
 * (and KVM_REALMKIT_INIT_RIPAS, which has no partial failure):
 *   - the whole request is validated first (flags, reserved, alignment,
 *     wrap, the protected half, the realm state): any failure there returns
 *     -1 with errno and leaves the struct untouched;
 *   - pages are then done in order.  If the N-th page fails (no memslot,
 *     not guest_memfd, not PRIVATE, already populated, source unreadable,
 *     end of file) after N-1 > 0 pages were done, the call returns 0 with
 *     base/size/source_uaddr (or offset) advanced past the done pages, and
 *     the NEXT call, starting at the failing page, returns the error with
 *     the struct untouched.  A VMM loops while size != 0 and stops at the
 *     first -1, so it sees the error exactly once, at the right page.
 *   - KVM_CAP_REALMKIT_POPULATE_CHUNK only bounds how many pages one call
 *     does; it changes neither which pages are populated nor the RIM.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"
#include "kvm_util.h"

#define PAGE       4096ULL
#define MiB        (1ULL << 20)
#define DRAM       (256 * MiB)
#define RAM_GPA    (1ULL << 30)        /* slot 0: guest_memfd offset 0, PRIVATE */
#define RAM_SIZE   (2 * MiB)
#define GMEM_SIZE  (4 * MiB)           /* the upper 2 MiB are not bound by the fixture */
#define RD_GPA     (RAM_GPA + PAGE)    /* the page X_RD populates */
#define SHARED_GPA (RAM_GPA + MiB)     /* X_SHARED: [SHARED_GPA, RAM end) made shared */
#define FREE_GPA   (RAM_GPA + 4 * MiB) /* no memslot here */
#define NS_GPA     (RAM_GPA + 8 * MiB) /* X_NONGMEM: a memslot without guest_memfd */
#define PROT_TOP   (1ULL << 39)        /* the default 40-bit IPA's protected half */
#define IPA_TOP    (1ULL << 40)
#define FILE_LEN   (2 * PAGE + 100)    /* S_FILE: two pages and a bit */
#define SRC_PAGES  8
#define NEG(x)     (0ULL - (x))        /* an address near the top, for wrapping ranges */

#define G          KVM_MEM_GUEST_MEMFD
#define M          KVM_ARM_RMI_POPULATE_FLAGS_MEASURE
#define PRIV       KVM_MEMORY_ATTRIBUTE_PRIVATE
#define REALM      KVM_VM_TYPE_ARM_REALM
#define PROTECTED  (1UL << 31) /* KVM_VM_TYPE_ARM_PROTECTED (pKVM) */
#define PSCI       (1U << KVM_ARM_VCPU_PSCI_0_2)
#define POWER_OFF  (1U << 0)

/* ONE_REG ids beyond the core registers x0..x30, pc, sp, pstate. */
#define ARM64_SYS_REG(op0, op1, crn, crm, op2)                                             \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | ((uint64_t)(op0) << 14) | \
	 ((uint64_t)(op1) << 11) | ((uint64_t)(crn) << 7) | ((uint64_t)(crm) << 3) | (op2))
#define SCTLR_EL1    ARM64_SYS_REG(3, 0, 1, 0, 0)
#define UNKNOWN_REG  ARM64_SYS_REG(3, 7, 15, 15, 7)
#define DFR0         KVM_REG_ARM64_ID_AA64DFR0_EL1
#define X0_U32       (KVM_REG_ARM64 | 0x0020000000000000ULL | KVM_REG_ARM_CORE) /* size 32 */
#define DEBUGVER     0xfULL
#define BRPS         (0xfULL << 12)
#define WRPS         (0xfULL << 20)
#define CTX_CMPS     (0xfULL << 28)

/* ---- run-time values written as sentinels in the table ---- */

#define S_BASE 0x7ffff000U
enum sentinel {
	S_GMEM = S_BASE + 1, /* this VM's guest_memfd */
	S_GMEM_OTHER,        /* another realm VM's guest_memfd */
	S_PIPE,              /* the read end of a pipe */
	S_CLOSED,            /* a file descriptor number that is not open */
	S_VMFD,              /* the VM's own fd */
	S_FILE,              /* a file of FILE_LEN bytes */
	S_WRONLY,            /* a file open for writing only */
	S_DIR,               /* a directory */
	S_SRC,               /* SRC_PAGES readable pages */
	S_SRC_HALF,          /* one readable page, then a PROT_NONE page */
	S_SRC_NONE,          /* a PROT_NONE page */
	S_UADDR,             /* a mapping for memslots' userspace_addr */
	S_VAL,               /* a u64 holding the row's value (ONE_REG) */
	S_RPV,               /* 64 bytes (KVM_REALMKIT_CFG_RPV) */
	S_IPA_MAX,           /* scalar: a realm type with the IPA limit */
	S_IPA_OVER,          /* scalar: a realm type with the IPA limit + 1 */
	S_NIPA_OVER,         /* scalar: a normal VM type with the IPA limit + 1 */
	S_END
};

/* ---- fixtures: what exists before the row's call ---- */

enum {
	X_NVM = 1 << 0,       /* also a non-realm VM */
	X_NVCPU = 1 << 1,     /* ... with vCPU 0 initialised */
	X_RAM = 1 << 2,       /* guest_memfd + slot 0 [RAM_GPA, +RAM_SIZE), PRIVATE */
	X_NONGMEM = 1 << 3,   /* slot 1: [NS_GPA, +1 MiB), no guest_memfd */
	X_SHARED = 1 << 4,    /* [SHARED_GPA, RAM end) set back to shared */
	X_OTHER = 1 << 5,     /* a second realm VM with its own guest_memfd */
	X_VMM_RIPAS = 1 << 6, /* KVM_CAP_REALMKIT_VMM_RIPAS enabled */
	X_CHUNK1 = 1 << 7,    /* KVM_CAP_REALMKIT_POPULATE_CHUNK = 1 */
	X_VCPU_RAW = 1 << 8,  /* vCPU 0 created, not initialised */
	X_VCPU = 1 << 9,      /* vCPU 0 initialised with PSCI 0.2 */
	X_NOPSCI = 1 << 10,   /* vCPU 0 initialised without PSCI 0.2 */
	X_VCPU1 = 1 << 11,    /* vCPU 1 initialised with PSCI 0.2 */
	X_VCPU1_NOPSCI = 1 << 12,
	X_VCPU2 = 1 << 13,    /* vCPU 2 initialised with PSCI 0.2 */
	X_IMMEDIATE = 1 << 14, /* vCPU 0's kvm_run has immediate_exit set */
	X_RD = 1 << 15,       /* RD_GPA populated: the realm descriptor exists */
	X_RUN = 1 << 16,      /* vCPU 0 has run: the realm is active */
	X_DEAD = 1 << 17,     /* vCPU 0 (no PSCI 0.2) ran: activation failed */
	/*
	 * The realm VM gets the in-kernel GICv3 as kvmtool makes it: created
	 * with its addresses (GICD 0x3fff0000, one legacy redistributor region
	 * below it) right after the VM, CTRL_INIT just before a KVM_RUN.  These
	 * change that:
	 */
	X_NOGIC = 1 << 18,    /* no vGIC at all */
	X_GIC_RAW = 1 << 19,  /* the vGIC without addresses, never initialised */
	X_GIC_INIT = 1 << 20, /* CTRL_INIT done at the end of the set-up */
	X_GIC_NOINIT = 1 << 21, /* addresses, but no CTRL_INIT before KVM_RUN */
};

enum target { T_VM, T_KVM, T_NVM, T_VCPU0, T_VCPU1, T_NVCPU, T_GMEM, T_PIPE, T_CLOSED, T_NEG,
	      T_GIC };
enum arg_kind { A_PTR, A_VAL, A_NULL, A_BAD };

union arg {
	struct kvm_userspace_memory_region2 region;
	struct kvm_userspace_memory_region region1;
	struct kvm_memory_attributes attr;
	struct kvm_create_guest_memfd gmem;
	struct kvm_enable_cap cap;
	struct kvm_arm_rmi_populate pop;
	struct kvm_realmkit_populate_fd popfd;
	struct kvm_realmkit_init_ripas ripas;
	struct kvm_vcpu_init init;
	struct kvm_one_reg reg;
	struct kvm_mp_state mp;
	struct {
		struct kvm_device_attr a;
		struct kvm_smccc_filter f; /* what a.addr points to (resolve_arg) */
	} dattr;
	struct kvm_create_device cd;
	struct kvm_irq_level irq;
	struct { /* struct kvm_reg_list with room for 80 ids (no flexible member in a union) */
		struct {
			uint64_t n;
		} l;
		uint64_t ids[80];
	} rl;
};

struct ctx;

#define R_FD  (-2) /* expect a new file descriptor */
#define R_IPA (-3) /* expect the IPA limit */

struct row {
	const char *name;
	unsigned fix;
	enum target on;
	unsigned long req;
	enum arg_kind kind;
	uint64_t val;      /* A_VAL: the argument; ONE_REG: the value at S_VAL */
	uint64_t val_mask; /* ONE_REG: @val replaces these bits of ID_AA64DFR0_EL1 */
	union arg arg;
	long ret;
	int err;
	bool prog;         /* check the progress written back: @done bytes */
	uint64_t done;
	int then;          /* the next call (with the struct written back) fails so */
	void (*check)(struct ctx *c, const union arg *before, const union arg *after);
};

/* Table shorthands. */
#define ERR(e)   .ret = -1, .err = (e)
#define OK(v)    .ret = (v)
#define DONE(n)  .prog = true, .done = (n)
#define VAL(r, v) .req = (r), .kind = A_VAL, .val = (v)
#define NUL(r)   .req = (r), .kind = A_NULL
/* A non-NULL pointer to an unmapped page: copy_from_user must fail, not crash. */
#define BAD(r)   .req = (r), .kind = A_BAD
#define REGION(sl, fl, gpa, sz, ua, fd, off)                                               \
	.req = KVM_SET_USER_MEMORY_REGION2,                                                 \
	.arg.region = { .slot = (sl), .flags = (fl), .guest_phys_addr = (gpa),              \
			.memory_size = (sz), .userspace_addr = (ua), .guest_memfd = (fd),    \
			.guest_memfd_offset = (off) }
#define REGION1(sl, fl, gpa, sz, ua)                                                       \
	.req = KVM_SET_USER_MEMORY_REGION,                                                  \
	.arg.region1 = { .slot = (sl), .flags = (fl), .guest_phys_addr = (gpa),             \
			 .memory_size = (sz), .userspace_addr = (ua) }
#define ATTR(a, s, at, fl)                                                                 \
	.req = KVM_SET_MEMORY_ATTRIBUTES,                                                   \
	.arg.attr = { .address = (a), .size = (s), .attributes = (at), .flags = (fl) }
#define GMEM(s, fl, r0, r5)                                                                \
	.req = KVM_CREATE_GUEST_MEMFD,                                                      \
	.arg.gmem = { .size = (s), .flags = (fl), .reserved = { (r0), 0, 0, 0, 0, (r5) } }
#define CAP(c, fl, a0, a1, a3)                                                             \
	.req = KVM_ENABLE_CAP,                                                              \
	.arg.cap = { .cap = (c), .flags = (fl), .args = { (a0), (a1), 0, (a3) } }
#define POP(b, s, src, fl, rsv)                                                            \
	.req = KVM_ARM_RMI_POPULATE,                                                        \
	.arg.pop = { .base = (b), .size = (s), .source_uaddr = (src), .flags = (fl),        \
		     .reserved = (rsv) }
#define POPFD(b, s, off, file, fl, rsv)                                                    \
	.req = KVM_REALMKIT_POPULATE_FD,                                                    \
	.arg.popfd = { .base = (b), .size = (s), .offset = (off), .fd = (file),             \
		       .flags = (fl), .reserved = (rsv) }
#define RIPAS(b, s, fl, rsv)                                                               \
	.req = KVM_REALMKIT_INIT_RIPAS,                                                     \
	.arg.ripas = { .base = (b), .size = (s), .flags = (fl), .reserved = (rsv) }
#define INIT(t, f0, f1, f6)                                                                \
	.req = KVM_ARM_VCPU_INIT,                                                           \
	.arg.init = { .target = (t), .features = { (f0), (f1), 0, 0, 0, 0, (f6) } }
#define SET(rid, v) .req = KVM_SET_ONE_REG, .arg.reg = { .id = (rid), .addr = S_VAL }, .val = (v)
#define GET(rid)    .req = KVM_GET_ONE_REG, .arg.reg = { .id = (rid), .addr = S_VAL }
#define SET_DFR0(mask, v) SET(DFR0, v), .val_mask = (mask)
#define EXT(t, c, want) .on = (t), VAL(KVM_CHECK_EXTENSION, c), OK(want)
#define MP(r, st) .req = (r), .on = T_VCPU0, .arg.mp = { .mp_state = (st) }
/* KVM_*_DEVICE_ATTR on file @t: group, attr, and the value a.addr points to (@v, 8 bytes) */
#define DATTR(t, r, grp, at, v)                                                             \
	.on = (t), .req = (r), .arg.dattr = { .a = { .group = (grp), .attr = (at) } }, .val = (v)
#define GICA(r, grp, at, v) DATTR(T_GIC, r, grp, at, v)
#define DEV(ty, fl) .req = KVM_CREATE_DEVICE, .arg.cd = { .type = (ty), .flags = (fl) }
/* KVM_IRQ_LINE: type, vCPU, number, level */
#define IRQ(ty, cpu, num, lvl)                                                              \
	.req = KVM_IRQ_LINE,                                                                \
	.arg.irq = { .irq = (uint32_t)(ty) << 24 | (uint32_t)(cpu) << 16 | (num), .level = (lvl) }
#define GICD 0x3fff0000ULL
#define GICR (GICD - 0x20000ULL)
/* KVM_*_DEVICE_ATTR on the VM: the SMCCC filter {base, nr, action, pad[0]} */
#define FILTER(r, grp, at, b, n, act, pad0)                                                 \
	.req = (r), .arg.dattr = { .a = { .group = (grp), .attr = (at) },                   \
				   .f = { .base = (b), .nr_functions = (n), .action = (act), \
					  .pad = { (pad0) } } }

/* ---- the per-row context ---- */

struct ctx {
	struct rk_host *h;
	int kvm, vm, nvm, vm_other, gmem, gmem_other;
	int vcpu[3], nvcpu;
	int gic; /* the realm VM's vGIC device */
	int pipe[2], file, wronly, dir;
	int fds[64];
	unsigned nfds;
	struct kvm_run *run; /* vCPU 0's, when X_IMMEDIATE mapped it */
	uint64_t ipa_limit;
	uint64_t val;
	uint8_t rpv[RMI_RPV_SIZE];
};

static const char *g_row = "";
static uint8_t *g_src, *g_half, *g_none, *g_uaddr;
static uint8_t g_file[FILE_LEN];

static bool rcheck(bool ok, int line, const char *what)
{
	return t_check(ok, __FILE__, line, "[%s] %s", g_row, what);
}

static bool rcheck_eq(uint64_t a, uint64_t b, int line, const char *sa, const char *sb)
{
	return t_check(a == b, __FILE__, line, "[%s] %s == %s (0x%llx vs 0x%llx)", g_row, sa, sb,
		       (unsigned long long)a, (unsigned long long)b);
}

#define RCHECK(c)       rcheck((c), __LINE__, #c)
#define RCHECK_EQ(a, b) rcheck_eq((uint64_t)(a), (uint64_t)(b), __LINE__, #a, #b)

/* One ioctl expected to return @want (and errno @err when -1). */
/*
 * These realms have no program that ends: KVM_RUN runs them until it is
 * interrupted, as on Linux.  A watchdog sets immediate_exit after 30 ms, as
 * a VMM's signal handler would; KVM_RUN then returns -EINTR.
 */
struct watchdog {
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	bool done;
	struct kvm_run *run;
};

static void *watchdog_main(void *arg)
{
	struct watchdog *w = arg;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 30 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->mtx);
	while (!w->done)
		if (pthread_cond_timedwait(&w->cond, &w->mtx, &ts) == ETIMEDOUT) {
			__atomic_store_n(&w->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
			break;
		}
	pthread_mutex_unlock(&w->mtx);
	return NULL;
}

static long kvm_run_bounded(struct ctx *c, int fd)
{
	struct watchdog w = { .mtx = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	pthread_t t;
	uint8_t before;
	long ret;
	int err;

	w.run = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (w.run == MAP_FAILED)
		return rk_ioctl(c->h, fd, KVM_RUN, 0);
	before = w.run->immediate_exit;
	pthread_create(&t, NULL, watchdog_main, &w);
	ret = rk_ioctl(c->h, fd, KVM_RUN, 0);
	err = errno;
	pthread_mutex_lock(&w.mtx);
	w.done = true;
	pthread_cond_signal(&w.cond);
	pthread_mutex_unlock(&w.mtx);
	pthread_join(t, NULL);
	w.run->immediate_exit = before;
	munmap(w.run, PAGE);
	errno = err;
	return ret;
}

static bool expect_at(struct ctx *c, int line, int fd, unsigned long req, uintptr_t arg,
		      long want, int err)
{
	long ret;
	int got;

	errno = 0;
	ret = req == KVM_RUN ? kvm_run_bounded(c, fd) : rk_ioctl(c->h, fd, req, arg);
	got = errno;
	if (want == -1)
		return t_check(ret == -1 && got == err, __FILE__, line,
			       "[%s] ioctl 0x%lx: got %ld (%s), expected -1 (%s)", g_row, req, ret,
			       strerror(got), strerror(err));
	return t_check(ret == want, __FILE__, line, "[%s] ioctl 0x%lx: got %ld (%s), expected %ld",
		       g_row, req, ret, ret < 0 ? strerror(got) : "-", want);
}

#define EXPECT(c, fd, req, arg, want, err)                                                 \
	expect_at((c), __LINE__, (fd), (req), (uintptr_t)(arg), (want), (err))

static int track(struct ctx *c, int fd)
{
	if (fd >= 0 && c->nfds < sizeof(c->fds) / sizeof(c->fds[0]))
		c->fds[c->nfds++] = fd;
	return fd;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static struct kvm_arm_rmi_populate pop_arg(uint64_t gpa, uint64_t size, const void *src)
{
	return (struct kvm_arm_rmi_populate){ .base = gpa, .size = size, .flags = M,
					      .source_uaddr = (uint64_t)(uintptr_t)src };
}

/* ---- set-up and teardown ---- */

static int new_vcpu(struct ctx *c, int vm, unsigned id, int features)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
	int fd = track(c, rk_ioctl(c->h, vm, KVM_CREATE_VCPU, (unsigned long)id));

	if (!RCHECK(fd >= 0))
		return -1;
	init.features[0] = (uint32_t)features;
	if (features >= 0 && !EXPECT(c, fd, KVM_ARM_VCPU_INIT, &init, 0, 0))
		return -1;
	return fd;
}

static int new_gmem(struct ctx *c, int vm)
{
	struct kvm_create_guest_memfd g = { .size = GMEM_SIZE };
	int fd = track(c, rk_ioctl(c->h, vm, KVM_CREATE_GUEST_MEMFD, &g));

	RCHECK(fd >= 0);
	return fd;
}

static bool add_slot(struct ctx *c, int vm, uint32_t slot, uint64_t gpa, uint64_t size, int gmem)
{
	struct kvm_userspace_memory_region2 r = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
	};

	if (gmem >= 0) {
		r.flags = G;
		r.guest_memfd = (uint32_t)gmem;
	} else {
		r.userspace_addr = (uint64_t)(uintptr_t)g_uaddr;
	}
	return EXPECT(c, vm, KVM_SET_USER_MEMORY_REGION2, &r, 0, 0);
}

static bool set_attr(struct ctx *c, int vm, uint64_t gpa, uint64_t size, uint64_t attr)
{
	struct kvm_memory_attributes a = { .address = gpa, .size = size, .attributes = attr };

	return EXPECT(c, vm, KVM_SET_MEMORY_ATTRIBUTES, &a, 0, 0);
}

static bool enable_cap(struct ctx *c, int vm, uint32_t cap, uint64_t arg0)
{
	struct kvm_enable_cap e = { .cap = cap, .args = { arg0 } };

	return EXPECT(c, vm, KVM_ENABLE_CAP, &e, 0, 0);
}

static bool ctx_init(struct ctx *c)
{
	struct rk_host_config cfg = { .dram_size = DRAM };
	struct smc_result r;

	memset(c, 0, sizeof(*c));
	c->kvm = c->vm = c->nvm = c->vm_other = c->gmem = c->gmem_other = c->nvcpu = -1;
	c->vcpu[0] = c->vcpu[1] = c->vcpu[2] = c->gic = -1;
	c->h = rk_host_create(&cfg);
	if (!RCHECK(c->h != NULL))
		return false;
	rmm_call(rk_host_rmm(c->h), RMI_FEATURES, 0, 0, 0, 0, 0, &r);
	c->ipa_limit = r.x[1] & 0xff;
	for (unsigned i = 0; i < sizeof(c->rpv); i++)
		c->rpv[i] = (uint8_t)(i + 1);
	if (!RCHECK(pipe(c->pipe) == 0))
		return false;
	track(c, c->pipe[0]);
	track(c, c->pipe[1]);
	c->file = track(c, memfd_create("populate-file", MFD_CLOEXEC));
	c->wronly = track(c, open("/dev/null", O_WRONLY | O_CLOEXEC));
	c->dir = track(c, open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!RCHECK(c->file >= 0 && c->wronly >= 0) ||
	    !RCHECK(write(c->file, g_file, sizeof(g_file)) == (ssize_t)sizeof(g_file)))
		return false;
	c->kvm = track(c, rk_open_kvm(c->h));
	c->vm = track(c, rk_ioctl(c->h, c->kvm, KVM_CREATE_VM, REALM));
	return RCHECK(c->kvm >= 0 && c->vm >= 0);
}

static bool gic_attr(struct ctx *c, uint32_t group, uint64_t attr, uint64_t val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)&val };

	return EXPECT(c, c->gic, KVM_SET_DEVICE_ATTR, &a, 0, 0);
}

static bool gic_init(struct ctx *c)
{
	return gic_attr(c, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, 0);
}

static bool setup(struct ctx *c, unsigned fix)
{
	struct kvm_arm_rmi_populate p = pop_arg(RD_GPA, PAGE, g_src);
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };

	if (!(fix & X_NOGIC) && c->gic < 0) {
		if (!EXPECT(c, c->vm, KVM_CREATE_DEVICE, &cd, 0, 0))
			return false;
		c->gic = track(c, (int)cd.fd);
		if (!(fix & X_GIC_RAW) &&
		    (!gic_attr(c, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD) ||
		     !gic_attr(c, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST,
			       GICD - 3 * 0x20000ULL)))
			return false;
	}

	if (fix & (X_RD | X_RUN | X_DEAD | X_SHARED))
		fix |= X_RAM;
	if (fix & (X_RUN | X_IMMEDIATE))
		fix |= X_VCPU;
	if (fix & X_DEAD)
		fix |= X_NOPSCI;
	if (fix & X_NVCPU)
		fix |= X_NVM;
	if ((fix & X_VMM_RIPAS) && !enable_cap(c, c->vm, KVM_CAP_REALMKIT_VMM_RIPAS, 0))
		return false;
	if ((fix & X_CHUNK1) && !enable_cap(c, c->vm, KVM_CAP_REALMKIT_POPULATE_CHUNK, 1))
		return false;
	if (fix & X_RAM) {
		c->gmem = new_gmem(c, c->vm);
		if (c->gmem < 0 || !add_slot(c, c->vm, 0, RAM_GPA, RAM_SIZE, c->gmem) ||
		    !set_attr(c, c->vm, RAM_GPA, RAM_SIZE, PRIV))
			return false;
	}
	if ((fix & X_NONGMEM) && !add_slot(c, c->vm, 1, NS_GPA, MiB, -1))
		return false;
	if ((fix & X_SHARED) && !set_attr(c, c->vm, SHARED_GPA, RAM_GPA + RAM_SIZE - SHARED_GPA, 0))
		return false;
	if (fix & X_OTHER) {
		c->vm_other = track(c, rk_ioctl(c->h, c->kvm, KVM_CREATE_VM, REALM));
		if (!RCHECK(c->vm_other >= 0) || (c->gmem_other = new_gmem(c, c->vm_other)) < 0)
			return false;
	}
	if (fix & X_NVM) {
		c->nvm = track(c, rk_ioctl(c->h, c->kvm, KVM_CREATE_VM, 0UL));
		if (!RCHECK(c->nvm >= 0))
			return false;
	}
	if ((fix & X_NVCPU) && (c->nvcpu = new_vcpu(c, c->nvm, 0, PSCI)) < 0)
		return false;
	if (fix & (X_VCPU_RAW | X_VCPU | X_NOPSCI)) {
		int f = fix & X_VCPU_RAW ? -1 : fix & X_NOPSCI ? 0 : (int)PSCI;

		if ((c->vcpu[0] = new_vcpu(c, c->vm, 0, f)) < 0)
			return false;
	}
	if ((fix & (X_VCPU1 | X_VCPU1_NOPSCI)) &&
	    (c->vcpu[1] = new_vcpu(c, c->vm, 1, fix & X_VCPU1 ? (int)PSCI : 0)) < 0)
		return false;
	if ((fix & X_VCPU2) && (c->vcpu[2] = new_vcpu(c, c->vm, 2, PSCI)) < 0)
		return false;
	if (fix & X_IMMEDIATE) {
		c->run = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, c->vcpu[0], 0);
		if (!RCHECK(c->run != MAP_FAILED)) {
			c->run = NULL;
			return false;
		}
		c->run->immediate_exit = 1;
	}
	if ((fix & X_RD) && !EXPECT(c, c->vm, KVM_ARM_RMI_POPULATE, &p, 0, 0))
		return false;
	if ((fix & (X_RUN | X_DEAD | X_GIC_INIT)) && !(fix & (X_NOGIC | X_GIC_RAW)) &&
	    !gic_init(c))
		return false;
	if ((fix & X_RUN) && !EXPECT(c, c->vcpu[0], KVM_RUN, 0, -1, EINTR))
		return false;
	if ((fix & X_DEAD) && !EXPECT(c, c->vcpu[0], KVM_RUN, 0, -1, EINVAL))
		return false;
	return true;
}

/* Close everything, reap, and check nothing is left behind; frees the host. */
static void teardown(struct ctx *c)
{
	struct rk_host_stats st;
	char why[256] = "";

	if (c->run)
		munmap(c->run, PAGE);
	for (unsigned i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	c->nfds = 0;
	if (!c->h)
		return;
	rk_host_reap(c->h);
	rk_host_stats(c->h, &st);
	RCHECK_EQ(st.vms_live, 0);
	RCHECK_EQ(st.files_live, 0);
	RCHECK_EQ(st.pages_used, 0);
	RCHECK_EQ(st.pages_leaked, 0);
	RCHECK_EQ(st.granules_delegated, 0);
	t_check(rmm_check_invariants(rk_host_rmm(c->h), why, sizeof(why)), __FILE__, __LINE__,
		"[%s] RMM invariants: %s", g_row, why);
	rk_host_destroy(c->h);
	c->h = NULL;
}

/* ---- resolving the table's sentinels ---- */

static int target_fd(struct ctx *c, enum target t)
{
	int fd;

	switch (t) {
	case T_VM:
		return c->vm;
	case T_KVM:
		return c->kvm;
	case T_NVM:
		return c->nvm;
	case T_VCPU0:
		return c->vcpu[0];
	case T_VCPU1:
		return c->vcpu[1];
	case T_NVCPU:
		return c->nvcpu;
	case T_GMEM:
		return c->gmem;
	case T_PIPE:
		return c->pipe[0];
	case T_CLOSED:
		fd = dup(0);
		close(fd);
		return fd;
	case T_NEG:
		return -1;
	case T_GIC:
		return c->gic;
	}
	return -1;
}

static uint64_t dfr0_of(struct ctx *c)
{
	uint64_t v = 0;
	struct kvm_one_reg r = { .id = DFR0, .addr = (uint64_t)(uintptr_t)&v };

	RCHECK_EQ(rk_ioctl(c->h, c->vcpu[0], KVM_GET_ONE_REG, &r), 0);
	return v;
}

static uint64_t resolve(struct ctx *c, uint64_t v)
{
	int fd;

	switch (v) {
	case S_GMEM:
		return (uint64_t)c->gmem;
	case S_GMEM_OTHER:
		return (uint64_t)c->gmem_other;
	case S_PIPE:
		return (uint64_t)c->pipe[0];
	case S_CLOSED:
		fd = dup(0); /* a number that was just free, and is free again */
		close(fd);
		return (uint64_t)fd;
	case S_VMFD:
		return (uint64_t)c->vm;
	case S_FILE:
		return (uint64_t)c->file;
	case S_WRONLY:
		return (uint64_t)c->wronly;
	case S_DIR:
		return (uint64_t)c->dir;
	case S_SRC:
		return (uint64_t)(uintptr_t)g_src;
	case S_SRC_HALF:
		return (uint64_t)(uintptr_t)g_half;
	case S_SRC_NONE:
		return (uint64_t)(uintptr_t)g_none;
	case S_UADDR:
		return (uint64_t)(uintptr_t)g_uaddr;
	case S_VAL:
		return (uint64_t)(uintptr_t)&c->val;
	case S_RPV:
		return (uint64_t)(uintptr_t)c->rpv;
	case S_IPA_MAX:
		return REALM | c->ipa_limit;
	case S_IPA_OVER:
		return REALM | (c->ipa_limit + 1);
	case S_NIPA_OVER:
		return c->ipa_limit + 1;
	default:
		return v;
	}
}

static void resolve_arg(struct ctx *c, const struct row *r, union arg *a)
{
	switch (r->req) {
	case KVM_SET_USER_MEMORY_REGION2:
		a->region.guest_memfd = (uint32_t)resolve(c, a->region.guest_memfd);
		a->region.userspace_addr = resolve(c, a->region.userspace_addr);
		break;
	case KVM_SET_USER_MEMORY_REGION:
		a->region1.userspace_addr = resolve(c, a->region1.userspace_addr);
		break;
	case KVM_ARM_RMI_POPULATE:
		a->pop.source_uaddr = resolve(c, a->pop.source_uaddr);
		break;
	case KVM_REALMKIT_POPULATE_FD:
		a->popfd.fd = (int32_t)resolve(c, (uint32_t)a->popfd.fd);
		break;
	case KVM_ENABLE_CAP:
		a->cap.args[1] = resolve(c, a->cap.args[1]);
		break;
	case KVM_SET_ONE_REG:
	case KVM_GET_ONE_REG:
		c->val = r->val_mask ? (dfr0_of(c) & ~r->val_mask) | r->val : r->val;
		a->reg.addr = resolve(c, a->reg.addr);
		break;
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		a->dattr.a.addr = (uintptr_t)&a->dattr.f;
		if (r->on != T_VM && r->on != T_NVM) /* a device's or vCPU's value */
			memcpy(&a->dattr.f, &r->val, sizeof(r->val));
		if (r->val == S_SRC_NONE)
			a->dattr.a.addr = (uintptr_t)g_none;
		break;
	}
}

/* ---- checks beyond the return value ---- */

/* The RIM of the (single) realm on @h. */
static bool rim_of(struct rk_host *h, struct rmm_measurements *m)
{
	struct rmm *rmm = rk_host_rmm(h);
	uint64_t rd = 0;

	for (uint64_t pa = PAS_DEFAULT_DRAM_BASE; pa < PAS_DEFAULT_DRAM_BASE + DRAM; pa += PAGE)
		if (rmm_granule_state(rmm, pa) == GRANULE_RD) {
			if (!RCHECK(rd == 0))
				return false;
			rd = pa;
		}
	return RCHECK(rd != 0) && RCHECK(rmm_realm_measurements(rmm, rd, m));
}

static unsigned count_state(struct ctx *c, enum rmm_granule_state s)
{
	struct rmm_census cs;

	rmm_census(rk_host_rmm(c->h), &cs, false);
	return (unsigned)cs.count[s];
}

/* Populate of size 0: the RD (and its root RTTs) exist, nothing else. */
static void chk_rd_only(struct ctx *c, const union arg *b, const union arg *a)
{
	struct rk_host_stats st;

	(void)b;
	(void)a;
	rk_host_stats(c->h, &st);
	RCHECK_EQ(count_state(c, GRANULE_RD), 1);
	RCHECK_EQ(count_state(c, GRANULE_DATA), 0);
	RCHECK_EQ(count_state(c, GRANULE_REC), 0);
	RCHECK(count_state(c, GRANULE_RTT) >= 1);
	RCHECK_EQ(st.granules_delegated, 1 + count_state(c, GRANULE_RTT));
}

/* No RD: the call failed before creating one. */
static void chk_no_rd(struct ctx *c, const union arg *b, const union arg *a)
{
	(void)b;
	(void)a;
	RCHECK_EQ(count_state(c, GRANULE_RD), 0);
}

static void chk_attr_roundtrip(struct ctx *c, const union arg *b, const union arg *a)
{
	struct kvm_arm_rmi_populate p = pop_arg(RAM_GPA, PAGE, g_src);

	(void)b;
	(void)a;
	EXPECT(c, c->vm, KVM_ARM_RMI_POPULATE, &p, -1, EINVAL); /* shared now */
	RCHECK_EQ(p.size, PAGE);
	set_attr(c, c->vm, RAM_GPA, PAGE, PRIV);
	EXPECT(c, c->vm, KVM_ARM_RMI_POPULATE, &p, 0, 0);
	RCHECK_EQ(p.size, 0);
	RCHECK_EQ(p.base, RAM_GPA + PAGE);
}

static void chk_deleted(struct ctx *c, const union arg *b, const union arg *a)
{
	struct kvm_arm_rmi_populate p = pop_arg(RAM_GPA, PAGE, g_src);

	(void)b;
	(void)a;
	EXPECT(c, c->vm, KVM_ARM_RMI_POPULATE, &p, -1, EINVAL); /* no memslot any more */
	RCHECK(add_slot(c, c->vm, 0, RAM_GPA, RAM_SIZE, c->gmem)); /* the binding went too */
	EXPECT(c, c->vm, KVM_ARM_RMI_POPULATE, &p, 0, 0);
}

static void chk_gprs(struct ctx *c, const union arg *b, const union arg *a)
{
	uint64_t v;
	struct kvm_one_reg r = { .addr = (uint64_t)(uintptr_t)&v };

	(void)b;
	(void)a;
	for (unsigned i = 0; i <= 31; i++) {
		r.id = i < 31 ? KVM_REG_ARM64_X(i) : KVM_REG_ARM64_PC;
		v = 0x1000 * i + 0xabc;
		EXPECT(c, c->vcpu[0], KVM_SET_ONE_REG, &r, 0, 0);
	}
	for (unsigned i = 0; i <= 31; i++) {
		r.id = i < 31 ? KVM_REG_ARM64_X(i) : KVM_REG_ARM64_PC;
		v = 0;
		EXPECT(c, c->vcpu[0], KVM_GET_ONE_REG, &r, 0, 0);
		RCHECK_EQ(v, 0x1000 * i + 0xabc);
	}
}

static void chk_pstate(struct ctx *c, const union arg *b, const union arg *a)
{
	(void)b;
	(void)a;
	RCHECK_EQ(c->val, 0x3c5); /* EL1h, DAIF masked */
}

static void chk_dfr0(struct ctx *c, const union arg *b, const union arg *a)
{
	(void)b;
	(void)a;
	RCHECK((c->val & DEBUGVER) >= 6);
	RCHECK((c->val & BRPS) && (c->val & WRPS));
	RCHECK(((c->val & CTX_CMPS) >> 28) <= ((c->val & BRPS) >> 12));
}

static void chk_target(struct ctx *c, const union arg *b, const union arg *a)
{
	(void)c;
	(void)b;
	RCHECK_EQ(a->init.target, KVM_ARM_TARGET_GENERIC_V8);
}

static void chk_ran(struct ctx *c, const union arg *b, const union arg *a)
{
	struct kvm_run *run = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, c->vcpu[0], 0);

	(void)b;
	(void)a;
	if (!RCHECK(run != MAP_FAILED))
		return;
	/* The realm ran (it has no program that ends) until immediate_exit stopped it. */
	RCHECK_EQ(run->exit_reason, KVM_EXIT_INTR);
	munmap(run, PAGE);
}

/* vCPU 1 is not runnable; vCPU 0 (the realm is active now) is. */
static void chk_vcpu0_runs(struct ctx *c, const union arg *b, const union arg *a)
{
	struct kvm_arm_rmi_populate p = pop_arg(RAM_GPA, PAGE, g_src);

	(void)b;
	(void)a;
	EXPECT(c, c->vm, KVM_ARM_RMI_POPULATE, &p, -1, EBUSY);
	EXPECT(c, c->vcpu[0], KVM_RUN, 0, -1, EINTR);
}

/* immediate_exit: the realm was activated all the same. */
static void chk_immediate(struct ctx *c, const union arg *b, const union arg *a)
{
	struct kvm_arm_rmi_populate p = pop_arg(RAM_GPA, PAGE, g_src);

	(void)b;
	(void)a;
	EXPECT(c, c->vm, KVM_ARM_RMI_POPULATE, &p, -1, EBUSY);
	EXPECT(c, c->vcpu[0], KVM_RUN, 0, -1, EINTR);
	c->run->immediate_exit = 0;
	EXPECT(c, c->vcpu[0], KVM_RUN, 0, -1, EINTR);
	RCHECK_EQ(c->run->exit_reason, KVM_EXIT_INTR);
}

/* A failed activation leaves the realm dead: it can only be torn down. */
static void chk_dead(struct ctx *c, const union arg *b, const union arg *a)
{
	struct kvm_arm_rmi_populate p = pop_arg(RAM_GPA, PAGE, g_src);
	struct kvm_realmkit_populate_fd pf = { .base = RAM_GPA, .size = PAGE, .fd = c->file };
	struct kvm_enable_cap cfg = { .cap = KVM_CAP_REALMKIT_REALM_CONFIG };
	struct kvm_userspace_memory_region2 del = { .slot = 0 };

	(void)b;
	(void)a;
	EXPECT(c, c->vm, KVM_ARM_RMI_POPULATE, &p, -1, ENXIO);
	EXPECT(c, c->vm, KVM_REALMKIT_POPULATE_FD, &pf, -1, ENXIO);
	EXPECT(c, c->vcpu[0], KVM_RUN, 0, -1, ENXIO);
	EXPECT(c, c->vm, KVM_CREATE_VCPU, 3, -1, EBUSY);
	EXPECT(c, c->vm, KVM_ENABLE_CAP, &cfg, -1, EBUSY);
	EXPECT(c, c->vm, KVM_SET_USER_MEMORY_REGION2, &del, -1, EBUSY);
	RCHECK_EQ(count_state(c, GRANULE_RD), 1);
}

/* ---- the vGIC ---- */

/* KVM_CREATE_DEVICE returned a device: its fd works and is closed with the rest. */
static void chk_gic_fd(struct ctx *c, const union arg *b, const union arg *a)
{
	struct kvm_device_attr at = { .group = KVM_DEV_ARM_VGIC_GRP_CTRL,
				      .attr = KVM_DEV_ARM_VGIC_CTRL_INIT };

	(void)b;
	track(c, (int)a->cd.fd);
	EXPECT(c, (int)a->cd.fd, KVM_HAS_DEVICE_ATTR, &at, 0, 0);
}

/* KVM_CREATE_DEVICE_TEST made no device: a real one can still be created. */
static void chk_gic_test(struct ctx *c, const union arg *b, const union arg *a)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };

	(void)b;
	(void)a;
	if (EXPECT(c, c->vm, KVM_CREATE_DEVICE, &cd, 0, 0))
		track(c, (int)cd.fd);
	EXPECT(c, c->vm, KVM_CREATE_DEVICE, &cd, -1, EEXIST);
}

/* A GET wrote this value where a.addr pointed (the row's copy of the value). */
static void chk_got(const union arg *b, uint64_t want, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, &b->dattr.f, size);
	RCHECK_EQ(v, want);
}

static void chk_get_gicd(struct ctx *c, const union arg *b, const union arg *a)
{
	(void)c, (void)a;
	chk_got(b, GICD, 8);
}

static void chk_get_undef(struct ctx *c, const union arg *b, const union arg *a)
{
	(void)c, (void)a;
	chk_got(b, ~0ULL, 8);
}

static void chk_get_256(struct ctx *c, const union arg *b, const union arg *a)
{
	(void)c, (void)a;
	chk_got(b, 256, 4);
}

/* Redistributor regions: overlaps, index order, no mixing with the legacy region. */
static void chk_rdist_regions(struct ctx *c, const union arg *b, const union arg *a)
{
	uint64_t val;
	struct kvm_device_attr at = { .group = KVM_DEV_ARM_VGIC_GRP_ADDR,
				      .attr = KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
				      .addr = (uintptr_t)&val };
#define REGION_VAL(count, base, idx) ((uint64_t)(count) << 52 | (base) | (idx))

	(void)b, (void)a;
	/* The row placed the distributor at GICD. */
	val = REGION_VAL(1, GICD, 0);
	EXPECT(c, c->gic, KVM_SET_DEVICE_ATTR, &at, -1, EINVAL); /* on the distributor */
	val = REGION_VAL(2, GICD - 0x40000, 0);
	EXPECT(c, c->gic, KVM_SET_DEVICE_ATTR, &at, 0, 0);
	val = REGION_VAL(1, GICD - 0x20000, 1);
	EXPECT(c, c->gic, KVM_SET_DEVICE_ATTR, &at, -1, EINVAL); /* on region 0 */
	val = REGION_VAL(1, 0x10000000, 2);
	EXPECT(c, c->gic, KVM_SET_DEVICE_ATTR, &at, -1, EINVAL); /* index 1 comes first */
	val = REGION_VAL(1, 0x10000000, 0);
	EXPECT(c, c->gic, KVM_SET_DEVICE_ATTR, &at, -1, EINVAL); /* index 0 again */
	val = REGION_VAL(1, 0x10000000, 1);
	EXPECT(c, c->gic, KVM_SET_DEVICE_ATTR, &at, 0, 0);
	at.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
	val = 0x20000000;
	EXPECT(c, c->gic, KVM_SET_DEVICE_ATTR, &at, -1, EINVAL); /* no mixing */
	at.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION;
	val = 1;
	EXPECT(c, c->gic, KVM_GET_DEVICE_ATTR, &at, 0, 0);
	RCHECK_EQ(val, REGION_VAL(1, 0x10000000, 1));
	val = 7;
	EXPECT(c, c->gic, KVM_GET_DEVICE_ATTR, &at, -1, ENOENT);
#undef REGION_VAL
}

/* Refused for want of an irqchip, the realm is not harmed: with one it runs. */
static void chk_nogic_then_runs(struct ctx *c, const union arg *b, const union arg *a)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };

	(void)b, (void)a;
	RCHECK_EQ(count_state(c, GRANULE_RD), 0); /* nothing was created */
	if (!EXPECT(c, c->vm, KVM_CREATE_DEVICE, &cd, 0, 0))
		return;
	c->gic = track(c, (int)cd.fd);
	if (gic_attr(c, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD) &&
	    gic_attr(c, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR) &&
	    gic_init(c))
		RCHECK_EQ(kvm_run_bounded(c, c->vcpu[0]), -1);
	RCHECK_EQ(count_state(c, GRANULE_RD), 1);
}

/* A failed vGIC mapping kills the VM (kvm_vm_dead): every VM and vCPU ioctl is EIO. */
static void chk_vm_dead(struct ctx *c, const union arg *b, const union arg *a)
{
	(void)b, (void)a;
	EXPECT(c, c->vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_RMI, -1, EIO);
	EXPECT(c, c->vcpu[0], KVM_RUN, 0, -1, EIO);
}

static void chk_get_30(struct ctx *c, const union arg *b, const union arg *a)
{
	(void)c, (void)a;
	chk_got(b, 30, 4);
}

/* The timer PPI is VM-wide: vCPU 1 sees what was set through vCPU 0. */
static void chk_timer_vm_wide(struct ctx *c, const union arg *b, const union arg *a)
{
	uint32_t irq = 0;
	struct kvm_device_attr at = { .group = KVM_ARM_VCPU_TIMER_CTRL,
				      .attr = KVM_ARM_VCPU_TIMER_IRQ_VTIMER,
				      .addr = (uintptr_t)&irq };

	(void)b, (void)a;
	EXPECT(c, c->vcpu[1], KVM_GET_DEVICE_ATTR, &at, 0, 0);
	RCHECK_EQ(irq, 20);
}

#define PFR0 ARM64_SYS_REG(3, 0, 0, 4, 0)

/* KVM_GET_REG_LIST: the core registers, then the ID registers; E2BIG says how many. */
static void chk_reg_list(struct ctx *c, const union arg *b, const union arg *a)
{
	struct {
		struct {
			uint64_t n;
		} l;
		uint64_t ids[4];
	} small = { { 4 } };
	uint64_t pfr0 = 0;
	struct kvm_one_reg r = { .id = PFR0, .addr = (uintptr_t)&pfr0 };

	(void)b;
	RCHECK_EQ(a->rl.l.n, 66);
	RCHECK_EQ(a->rl.ids[0], KVM_REG_ARM64_X(0));
	RCHECK_EQ(a->rl.ids[33], KVM_REG_ARM64_PSTATE);
	RCHECK_EQ(a->rl.ids[34], PFR0);
	RCHECK_EQ(a->rl.ids[65], ARM64_SYS_REG(3, 0, 0, 7, 7));
	EXPECT(c, c->vcpu[0], KVM_GET_REG_LIST, &small, -1, E2BIG);
	RCHECK_EQ(small.l.n, 66);
	/* Every listed register reads; an ID register is settable to its own value only. */
	for (unsigned i = 0; i < 66; i++) {
		uint64_t v;
		struct kvm_one_reg g = { .id = a->rl.ids[i], .addr = (uintptr_t)&v };

		EXPECT(c, c->vcpu[0], KVM_GET_ONE_REG, &g, 0, 0);
	}
	EXPECT(c, c->vcpu[0], KVM_GET_ONE_REG, &r, 0, 0);
	RCHECK_EQ((pfr0 >> 32) & 0xf, 0); /* no SVE */
	EXPECT(c, c->vcpu[0], KVM_SET_ONE_REG, &r, 0, 0);
	pfr0 ^= 1ULL << 32;
	EXPECT(c, c->vcpu[0], KVM_SET_ONE_REG, &r, -1, EINVAL);
}

static void chk_sha512(struct ctx *c, const union arg *b, const union arg *a)
{
	struct kvm_arm_rmi_populate p = pop_arg(RAM_GPA, PAGE, g_src);
	struct rmm_measurements m;

	(void)b;
	(void)a;
	if (!RCHECK(setup(c, X_RAM)) || !EXPECT(c, c->vm, KVM_ARM_RMI_POPULATE, &p, 0, 0))
		return;
	if (rim_of(c->h, &m))
		RCHECK_EQ(m.hash_len, 64);
}

/* The RIM of a realm whose RAM_GPA holds @pages populated by @how. */
enum how { BY_BUFFER, BY_FD, BY_FD_CHUNK1 };
static bool rim_after(enum how how, unsigned pages, struct rmm_measurements *m, long *calls,
		      int *last_err)
{
	static _Alignas(4096) uint8_t buf[4 * PAGE];
	struct ctx c2;
	bool ok;

	*calls = 0;
	*last_err = 0;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, g_file, sizeof(g_file));
	ok = ctx_init(&c2) && setup(&c2, X_RAM | (how == BY_FD_CHUNK1 ? X_CHUNK1 : 0));
	if (ok && how == BY_BUFFER) {
		struct kvm_arm_rmi_populate p = pop_arg(RAM_GPA, pages * PAGE, buf);

		ok = EXPECT(&c2, c2.vm, KVM_ARM_RMI_POPULATE, &p, 0, 0) && RCHECK_EQ(p.size, 0);
	} else if (ok) {
		struct kvm_realmkit_populate_fd p = { .base = RAM_GPA, .size = pages * PAGE,
						      .fd = c2.file, .flags = M };

		while (p.size && rk_ioctl(c2.h, c2.vm, KVM_REALMKIT_POPULATE_FD, &p) == 0)
			(*calls)++;
		*last_err = p.size ? errno : 0;
	}
	ok = ok && rim_of(c2.h, m);
	teardown(&c2);
	return ok;
}

/* The short file's last page reads as zeroes past its end: same RIM as zero padding. */
static void chk_fd_tail(struct ctx *c, const union arg *b, const union arg *a)
{
	struct rmm_measurements got, want;
	long calls;
	int err;

	(void)b;
	(void)a;
	if (rim_of(c->h, &got) && rim_after(BY_BUFFER, 3, &want, &calls, &err))
		RCHECK(!memcmp(got.rim, want.rim, want.hash_len));
}

/* Pages wholly past the end fail, whatever the chunking; the RIM does not change. */
static void chk_fd_chunk(struct ctx *c, const union arg *b, const union arg *a)
{
	struct rmm_measurements got, want, chunked;
	long calls;
	int err;

	(void)b;
	(void)a;
	if (!rim_of(c->h, &got) || !rim_after(BY_BUFFER, 3, &want, &calls, &err))
		return;
	RCHECK(!memcmp(got.rim, want.rim, want.hash_len));
	if (!rim_after(BY_FD_CHUNK1, 4, &chunked, &calls, &err))
		return;
	RCHECK_EQ(calls, 3);
	RCHECK_EQ(err, EINVAL);
	RCHECK(!memcmp(chunked.rim, want.rim, want.hash_len));
}

/* The fd returned is a guest_memfd of this VM: a memslot can bind it. */
static void chk_gmem_usable(struct ctx *c, const union arg *b, const union arg *a)
{
	(void)b;
	(void)a;
	RCHECK(add_slot(c, c->vm, 3, FREE_GPA, MiB, c->fds[c->nfds - 1]));
}

/* ---- the table ---- */

static const struct row rows[] = {
	/*
	 * ---- /dev/kvm, and requests no file knows ----
	 * arm64 KVM answers a request it does not know on its own files with
	 * -EINVAL (kvm_arch_{dev,vm,vcpu}_ioctl); files that are not KVM's
	 * (a pipe, a guest_memfd, which has no ioctls) give -ENOTTY.
	 */
	{ "kvm: KVM_GET_API_VERSION is 12", .on = T_KVM, VAL(KVM_GET_API_VERSION, 0), OK(12) },
	{ "kvm: unknown request", .on = T_KVM, VAL(RK_IO(KVMIO, 0x7f), 0), ERR(EINVAL) },
	{ "kvm: a VM ioctl on /dev/kvm", .on = T_KVM, VAL(KVM_CREATE_VCPU, 0), ERR(EINVAL) },
	{ "kvm: a realmkit ioctl on /dev/kvm", .on = T_KVM, POP(RAM_GPA, PAGE, S_SRC, M, 0),
	  ERR(EINVAL) },
	{ "kvm: unknown request on a VM", .on = T_VM, VAL(RK_IO(KVMIO, 0x7f), 0), ERR(EINVAL) },
	{ "kvm: unknown request on a vCPU", X_VCPU, .on = T_VCPU0, VAL(RK_IO(KVMIO, 0x7f), 0),
	  ERR(EINVAL) },
	{ "kvm: KVM_CHECK_EXTENSION on a vCPU", X_VCPU, .on = T_VCPU0,
	  VAL(KVM_CHECK_EXTENSION, KVM_CAP_ARM_RMI), ERR(EINVAL) },
	{ "kvm: any request on a guest_memfd", X_RAM, .on = T_GMEM, VAL(KVM_GET_API_VERSION, 0),
	  ERR(ENOTTY) },
	{ "kvm: a closed fd", .on = T_CLOSED, VAL(KVM_GET_API_VERSION, 0), ERR(EBADF) },
	{ "kvm: fd -1", .on = T_NEG, VAL(KVM_GET_API_VERSION, 0), ERR(EBADF) },
	{ "kvm: a pipe", .on = T_PIPE, VAL(KVM_GET_API_VERSION, 0), ERR(ENOTTY) },
	{ "kvm: KVM_ARM_PREFERRED_TARGET", .on = T_VM, .req = KVM_ARM_PREFERRED_TARGET, OK(0),
	  .check = chk_target },
	{ "kvm: KVM_ARM_PREFERRED_TARGET NULL", .on = T_VM, NUL(KVM_ARM_PREFERRED_TARGET),
	  ERR(EFAULT) },

	/* ---- KVM_CREATE_VM ---- */
	{ "create_vm: realm, default IPA", .on = T_KVM, VAL(KVM_CREATE_VM, REALM), OK(R_FD) },
	{ "create_vm: normal VM", .on = T_KVM, VAL(KVM_CREATE_VM, 0), OK(R_FD) },
	{ "create_vm: realm, IPA 32", .on = T_KVM, VAL(KVM_CREATE_VM, REALM | 32), OK(R_FD) },
	{ "create_vm: realm, IPA at the limit", .on = T_KVM, VAL(KVM_CREATE_VM, S_IPA_MAX),
	  OK(R_FD) },
	{ "create_vm: type bit 8", .on = T_KVM, VAL(KVM_CREATE_VM, 1UL << 8), ERR(EINVAL) },
	{ "create_vm: type bit 29", .on = T_KVM, VAL(KVM_CREATE_VM, 1UL << 29), ERR(EINVAL) },
	{ "create_vm: type bit 32", .on = T_KVM, VAL(KVM_CREATE_VM, REALM | 1UL << 32),
	  ERR(EINVAL) },
	{ "create_vm: PROTECTED", .on = T_KVM, VAL(KVM_CREATE_VM, PROTECTED), ERR(EINVAL) },
	{ "create_vm: PROTECTED | REALM", .on = T_KVM, VAL(KVM_CREATE_VM, PROTECTED | REALM),
	  ERR(EINVAL) },
	{ "create_vm: realm, IPA 31", .on = T_KVM, VAL(KVM_CREATE_VM, REALM | 31), ERR(EINVAL) },
	{ "create_vm: realm, IPA 1", .on = T_KVM, VAL(KVM_CREATE_VM, REALM | 1), ERR(EINVAL) },
	{ "create_vm: realm, IPA limit + 1", .on = T_KVM, VAL(KVM_CREATE_VM, S_IPA_OVER),
	  ERR(EINVAL) },
	{ "create_vm: realm, IPA 255", .on = T_KVM, VAL(KVM_CREATE_VM, REALM | 255), ERR(EINVAL) },
	{ "create_vm: normal, IPA 31", .on = T_KVM, VAL(KVM_CREATE_VM, 31), ERR(EINVAL) },
	{ "create_vm: normal, IPA limit + 1", .on = T_KVM, VAL(KVM_CREATE_VM, S_NIPA_OVER),
	  ERR(EINVAL) },

	/* ---- KVM_CHECK_EXTENSION: /dev/kvm, a realm VM, a normal VM ---- */
	{ "ext: kvm PSCI_0_2", EXT(T_KVM, KVM_CAP_ARM_PSCI_0_2, 1) },
	{ "ext: kvm VM_IPA_SIZE", EXT(T_KVM, KVM_CAP_ARM_VM_IPA_SIZE, R_IPA) },
	{ "ext: kvm USER_MEMORY2", EXT(T_KVM, KVM_CAP_USER_MEMORY2, 1) },
	{ "ext: kvm USER_MEMORY (v1 memslots)", EXT(T_KVM, KVM_CAP_USER_MEMORY, 1) },
	{ "ext: kvm MEMORY_ATTRIBUTES", EXT(T_KVM, KVM_CAP_MEMORY_ATTRIBUTES, PRIV) },
	{ "ext: kvm GUEST_MEMFD", EXT(T_KVM, KVM_CAP_GUEST_MEMFD, 1) },
	{ "ext: kvm ARM_RMI", EXT(T_KVM, KVM_CAP_ARM_RMI, 1) },
	{ "ext: kvm REALM_CONFIG", EXT(T_KVM, KVM_CAP_REALMKIT_REALM_CONFIG, 1) },
	{ "ext: kvm VMM_RIPAS", EXT(T_KVM, KVM_CAP_REALMKIT_VMM_RIPAS, 1) },
	{ "ext: kvm POPULATE_FD", EXT(T_KVM, KVM_CAP_REALMKIT_POPULATE_FD, 1) },
	{ "ext: kvm POPULATE_CHUNK", EXT(T_KVM, KVM_CAP_REALMKIT_POPULATE_CHUNK, 1) },
	{ "ext: kvm cap 1 (x86's HLT)", EXT(T_KVM, 1, 0) },
	{ "ext: kvm IRQCHIP", EXT(T_KVM, KVM_CAP_IRQCHIP, 1) },
	{ "ext: kvm DEVICE_CTRL", EXT(T_KVM, KVM_CAP_DEVICE_CTRL, 1) },
	{ "ext: kvm ONE_REG", EXT(T_KVM, KVM_CAP_ONE_REG, 1) },
	{ "ext: kvm VCPU_ATTRIBUTES", EXT(T_KVM, KVM_CAP_VCPU_ATTRIBUTES, 1) },
	{ "ext: kvm ARM_PSCI", EXT(T_KVM, KVM_CAP_ARM_PSCI, 1) },
	{ "ext: kvm CHECK_EXTENSION_VM", EXT(T_KVM, KVM_CAP_CHECK_EXTENSION_VM, 1) },
	{ "ext: kvm MAX_VCPUS", EXT(T_KVM, KVM_CAP_MAX_VCPUS, 64) },
	{ "ext: kvm ARM_PMU_V3 (no PMU)", EXT(T_KVM, KVM_CAP_ARM_PMU_V3, 0) },
	{ "ext: realm IRQCHIP", EXT(T_VM, KVM_CAP_IRQCHIP, 1) },
	{ "ext: realm DEVICE_CTRL (generic)", EXT(T_VM, KVM_CAP_DEVICE_CTRL, 1) },
	{ "ext: realm ONE_REG (not in v14's list)", EXT(T_VM, KVM_CAP_ONE_REG, 0) },
	{ "ext: realm VCPU_ATTRIBUTES (not in v14's list)", EXT(T_VM, KVM_CAP_VCPU_ATTRIBUTES, 0) },
	{ "ext: realm ARM_PSCI", EXT(T_VM, KVM_CAP_ARM_PSCI, 1) },
	{ "ext: realm NR_VCPUS", EXT(T_VM, KVM_CAP_NR_VCPUS, 64) },
	{ "ext: realm MAX_VCPU_ID", EXT(T_VM, KVM_CAP_MAX_VCPU_ID, 64) },
	{ "ext: kvm MP_STATE", EXT(T_KVM, KVM_CAP_MP_STATE, 1) },
	{ "ext: realm MP_STATE (arm64's list, filtered by v14)", EXT(T_VM, KVM_CAP_MP_STATE, 0) },
	{ "ext: normal MP_STATE", X_NVM, EXT(T_NVM, KVM_CAP_MP_STATE, 1) },
	{ "ext: normal ONE_REG", X_NVM, EXT(T_NVM, KVM_CAP_ONE_REG, 1) },
	{ "ext: kvm GMEM_POPULATE", EXT(T_KVM, KVM_CAP_REALMKIT_GMEM_POPULATE, 1) },
	{ "ext: kvm cap 0x7204", EXT(T_KVM, 0x7204, 0) },
	{ "ext: kvm cap -1", EXT(T_KVM, ~0UL, 0) },
	{ "ext: realm PSCI_0_2", EXT(T_VM, KVM_CAP_ARM_PSCI_0_2, 1) },
	{ "ext: realm VM_IPA_SIZE", EXT(T_VM, KVM_CAP_ARM_VM_IPA_SIZE, R_IPA) },
	{ "ext: realm USER_MEMORY2", EXT(T_VM, KVM_CAP_USER_MEMORY2, 1) },
	{ "ext: realm USER_MEMORY (generic: not filtered)", EXT(T_VM, KVM_CAP_USER_MEMORY, 1) },
	{ "ext: realm MEMORY_ATTRIBUTES", EXT(T_VM, KVM_CAP_MEMORY_ATTRIBUTES, PRIV) },
	{ "ext: realm GUEST_MEMFD", EXT(T_VM, KVM_CAP_GUEST_MEMFD, 1) },
	{ "ext: realm ARM_RMI", EXT(T_VM, KVM_CAP_ARM_RMI, 1) },
	{ "ext: realm REALM_CONFIG", EXT(T_VM, KVM_CAP_REALMKIT_REALM_CONFIG, 1) },
	{ "ext: realm VMM_RIPAS", EXT(T_VM, KVM_CAP_REALMKIT_VMM_RIPAS, 1) },
	{ "ext: realm POPULATE_FD", EXT(T_VM, KVM_CAP_REALMKIT_POPULATE_FD, 1) },
	{ "ext: realm POPULATE_CHUNK", EXT(T_VM, KVM_CAP_REALMKIT_POPULATE_CHUNK, 1) },
	{ "ext: realm GMEM_POPULATE", EXT(T_VM, KVM_CAP_REALMKIT_GMEM_POPULATE, 1) },
	{ "ext: realm cap 0x7204", EXT(T_VM, 0x7204, 0) },
	{ "ext: normal PSCI_0_2", X_NVM, EXT(T_NVM, KVM_CAP_ARM_PSCI_0_2, 1) },
	{ "ext: normal VM_IPA_SIZE", X_NVM, EXT(T_NVM, KVM_CAP_ARM_VM_IPA_SIZE, R_IPA) },
	{ "ext: normal USER_MEMORY2", X_NVM, EXT(T_NVM, KVM_CAP_USER_MEMORY2, 1) },
	{ "ext: normal MEMORY_ATTRIBUTES", X_NVM, EXT(T_NVM, KVM_CAP_MEMORY_ATTRIBUTES, 0) },
	{ "ext: normal GUEST_MEMFD", X_NVM, EXT(T_NVM, KVM_CAP_GUEST_MEMFD, 0) },
	{ "ext: normal ARM_RMI", X_NVM, EXT(T_NVM, KVM_CAP_ARM_RMI, 1) },
	{ "ext: normal REALM_CONFIG", X_NVM, EXT(T_NVM, KVM_CAP_REALMKIT_REALM_CONFIG, 1) },
	{ "ext: normal VMM_RIPAS", X_NVM, EXT(T_NVM, KVM_CAP_REALMKIT_VMM_RIPAS, 1) },
	{ "ext: normal POPULATE_FD", X_NVM, EXT(T_NVM, KVM_CAP_REALMKIT_POPULATE_FD, 1) },
	{ "ext: normal POPULATE_CHUNK", X_NVM, EXT(T_NVM, KVM_CAP_REALMKIT_POPULATE_CHUNK, 1) },
	{ "ext: normal GMEM_POPULATE", X_NVM, EXT(T_NVM, KVM_CAP_REALMKIT_GMEM_POPULATE, 1) },
	{ "ext: normal cap 0x7204", X_NVM, EXT(T_NVM, 0x7204, 0) },

	/* ---- KVM_SET_USER_MEMORY_REGION2 (slot 0 is the fixture's RAM) ---- */
	{ "memslot: a second guest_memfd slot", X_RAM,
	  REGION(2, G, FREE_GPA, MiB, 0, S_GMEM, 2 * MiB), OK(0) },
	{ "memslot: a shared-only slot", X_RAM, REGION(2, 0, FREE_GPA, MiB, S_UADDR, 0, 0), OK(0) },
	{ "memslot: a shared slot in the unprotected half", X_RAM,
	  REGION(2, 0, PROT_TOP, MiB, S_UADDR, 0, 0), OK(0) },
	{ "memslot: unknown flag bit 3", X_RAM,
	  REGION(2, G | 1U << 3, FREE_GPA, MiB, 0, S_GMEM, 2 * MiB), ERR(EINVAL) },
	{ "memslot: KVM_MEM_LOG_DIRTY_PAGES", X_RAM,
	  REGION(2, 1U << 0, FREE_GPA, MiB, S_UADDR, 0, 0), ERR(EINVAL) },
	{ "memslot: KVM_MEM_READONLY", X_RAM, REGION(2, 1U << 1, FREE_GPA, MiB, S_UADDR, 0, 0),
	  ERR(EINVAL) },
	/* KVM_SET_USER_MEMORY_REGION (v1): the same call without guest_memfd. */
	{ "memslot v1: a shared-only slot", X_RAM, REGION1(2, 0, FREE_GPA, MiB, S_UADDR), OK(0) },
	{ "memslot v1: KVM_MEM_GUEST_MEMFD (v1 cannot name one)", X_RAM,
	  REGION1(2, G, FREE_GPA, MiB, S_UADDR), ERR(EINVAL) },
	{ "memslot v1: KVM_MEM_READONLY", X_RAM, REGION1(2, 1U << 1, FREE_GPA, MiB, S_UADDR),
	  ERR(EINVAL) },
	{ "memslot v1: gpa not page aligned", X_RAM,
	  REGION1(2, 0, FREE_GPA + 0x800, MiB, S_UADDR), ERR(EINVAL) },
	{ "memslot v1: overlaps the RAM slot", X_RAM,
	  REGION1(2, 0, RAM_GPA - MiB, 4 * MiB, S_UADDR), ERR(EEXIST) },
	{ "memslot v1: beyond 2^IPA", X_RAM, REGION1(2, 0, IPA_TOP, MiB, S_UADDR), ERR(EFAULT) },
	{ "memslot v1: delete a slot that does not exist", X_RAM, REGION1(5, 0, 0, 0, 0),
	  ERR(EINVAL) },
	{ "memslot: as_id 1", X_RAM, REGION(1U << 16 | 2, 0, FREE_GPA, MiB, S_UADDR, 0, 0),
	  ERR(EINVAL) },
	{ "memslot: slot 32", X_RAM, REGION(32, 0, FREE_GPA, MiB, S_UADDR, 0, 0), ERR(EINVAL) },
	{ "memslot: slot 0xffff", X_RAM, REGION(0xffff, 0, FREE_GPA, MiB, S_UADDR, 0, 0),
	  ERR(EINVAL) },
	{ "memslot: gpa not page aligned", X_RAM,
	  REGION(2, 0, FREE_GPA + 0x800, MiB, S_UADDR, 0, 0), ERR(EINVAL) },
	{ "memslot: size not page aligned", X_RAM,
	  REGION(2, 0, FREE_GPA, MiB + 0x10, S_UADDR, 0, 0), ERR(EINVAL) },
	{ "memslot: uaddr not page aligned", X_RAM, REGION(2, 0, FREE_GPA, MiB, 0x10010, 0, 0),
	  ERR(EINVAL) },
	{ "memslot: gpa + size wraps", X_RAM, REGION(2, 0, NEG(PAGE), 2 * PAGE, S_UADDR, 0, 0),
	  ERR(EINVAL) },
	{ "memslot: uaddr + size wraps", X_RAM, REGION(2, 0, FREE_GPA, 2 * PAGE, NEG(PAGE), 0, 0),
	  ERR(EINVAL) },
	{ "memslot: overlaps slot 0", X_RAM,
	  REGION(2, G, RAM_GPA + MiB, MiB, 0, S_GMEM, 2 * MiB), ERR(EEXIST) },
	{ "memslot: shared slot overlapping slot 0's end", X_RAM,
	  REGION(2, 0, RAM_GPA + RAM_SIZE - PAGE, MiB, S_UADDR, 0, 0), ERR(EEXIST) },
	{ "memslot: encloses slot 0", X_RAM,
	  REGION(2, 0, RAM_GPA - MiB, 4 * MiB, S_UADDR, 0, 0), ERR(EEXIST) },
	{ "memslot: another VM's guest_memfd", X_RAM | X_OTHER,
	  REGION(2, G, FREE_GPA, MiB, 0, S_GMEM_OTHER, 0), ERR(EINVAL) },
	{ "memslot: guest_memfd is a pipe", X_RAM, REGION(2, G, FREE_GPA, MiB, 0, S_PIPE, 0),
	  ERR(EINVAL) },
	{ "memslot: guest_memfd is the VM fd", X_RAM, REGION(2, G, FREE_GPA, MiB, 0, S_VMFD, 0),
	  ERR(EINVAL) },
	{ "memslot: guest_memfd is closed", X_RAM, REGION(2, G, FREE_GPA, MiB, 0, S_CLOSED, 0),
	  ERR(EINVAL) },
	{ "memslot: guest_memfd -1", X_RAM, REGION(2, G, FREE_GPA, MiB, 0, ~0U, 0), ERR(EINVAL) },
	{ "memslot: guest_memfd offset not aligned", X_RAM,
	  REGION(2, G, FREE_GPA, MiB, 0, S_GMEM, 2 * MiB + 0x800), ERR(EINVAL) },
	{ "memslot: guest_memfd range past its end", X_RAM,
	  REGION(2, G, FREE_GPA, MiB, 0, S_GMEM, 3 * MiB + PAGE), ERR(EINVAL) },
	{ "memslot: guest_memfd offset + size wraps", X_RAM,
	  REGION(2, G, FREE_GPA, MiB, 0, S_GMEM, NEG(PAGE)), ERR(EINVAL) },
	/* kvm_gmem_bind(): an offset range already bound is -EINVAL (not EBUSY). */
	{ "memslot: guest_memfd range bound by slot 0", X_RAM,
	  REGION(2, G, FREE_GPA, MiB, 0, S_GMEM, MiB), ERR(EINVAL) },
	{ "memslot: straddles 2^IPA", X_RAM,
	  REGION(2, 0, IPA_TOP - PAGE, 2 * PAGE, S_UADDR, 0, 0), ERR(EFAULT) },
	{ "memslot: beyond 2^IPA", X_RAM, REGION(2, 0, IPA_TOP, MiB, S_UADDR, 0, 0),
	  ERR(EFAULT) },
	{ "memslot: normal VM, beyond 2^IPA", X_NVM, .on = T_NVM,
	  REGION(0, 0, IPA_TOP, MiB, S_UADDR, 0, 0), ERR(EFAULT) },
	{ "memslot: guest_memfd slot crossing the protected half", X_RAM,
	  REGION(2, G, PROT_TOP - PAGE, 2 * PAGE, 0, S_GMEM, 2 * MiB), ERR(EINVAL) },
	{ "memslot: guest_memfd slot in the unprotected half", X_RAM,
	  REGION(2, G, PROT_TOP, MiB, 0, S_GMEM, 2 * MiB), ERR(EINVAL) },
	{ "memslot: re-adding slot 0", X_RAM, REGION(0, G, RAM_GPA, RAM_SIZE, 0, S_GMEM, 0),
	  ERR(EINVAL) },
	{ "memslot: moving slot 0", X_RAM, REGION(0, G, FREE_GPA, RAM_SIZE, 0, S_GMEM, 0),
	  ERR(EINVAL) },
	{ "memslot: deleting slot 0 before the RD", X_RAM, REGION(0, 0, 0, 0, 0, 0, 0), OK(0),
	  .check = chk_deleted },
	{ "memslot: deleting slot 0 after the RD", X_RD, REGION(0, 0, 0, 0, 0, 0, 0),
	  ERR(EBUSY) },
	{ "memslot: deleting an unused slot", X_RAM, REGION(5, 0, 0, 0, 0, 0, 0), ERR(EINVAL) },
	{ "memslot: deleting with a bad flag", X_RAM, REGION(0, 1U << 3, 0, 0, 0, 0, 0),
	  ERR(EINVAL) },
	{ "memslot: NULL", X_RAM, NUL(KVM_SET_USER_MEMORY_REGION2), ERR(EFAULT) },
	{ "memslot v1: NULL", X_RAM, NUL(KVM_SET_USER_MEMORY_REGION), ERR(EFAULT) },

	/* ---- KVM_SET_MEMORY_ATTRIBUTES ---- */
	{ "attributes: PRIVATE", X_RAM, ATTR(FREE_GPA, MiB, PRIV, 0), OK(0) },
	{ "attributes: flags 1", X_RAM, ATTR(FREE_GPA, MiB, PRIV, 1), ERR(EINVAL) },
	{ "attributes: unknown bit 0", X_RAM, ATTR(FREE_GPA, MiB, 1, 0), ERR(EINVAL) },
	{ "attributes: PRIVATE | bit 4", X_RAM, ATTR(FREE_GPA, MiB, PRIV | 1U << 4, 0),
	  ERR(EINVAL) },
	{ "attributes: address not aligned", X_RAM, ATTR(FREE_GPA + 0x10, MiB, PRIV, 0),
	  ERR(EINVAL) },
	{ "attributes: size not aligned", X_RAM, ATTR(FREE_GPA, MiB + 0x10, PRIV, 0),
	  ERR(EINVAL) },
	{ "attributes: size 0", X_RAM, ATTR(FREE_GPA, 0, PRIV, 0), ERR(EINVAL) },
	{ "attributes: range wraps", X_RAM, ATTR(NEG(PAGE), 2 * PAGE, PRIV, 0), ERR(EINVAL) },
	{ "attributes: PRIVATE on a normal VM", X_NVM, .on = T_NVM, ATTR(FREE_GPA, MiB, PRIV, 0),
	  ERR(EINVAL) },
	{ "attributes: shared on a normal VM", X_NVM, .on = T_NVM, ATTR(FREE_GPA, MiB, 0, 0),
	  OK(0) },
	{ "attributes: NULL", X_RAM, NUL(KVM_SET_MEMORY_ATTRIBUTES), ERR(EFAULT) },
	{ "attributes: shared, then private again", X_RAM, ATTR(RAM_GPA, PAGE, 0, 0), OK(0),
	  .check = chk_attr_roundtrip },

	/* ---- KVM_CREATE_GUEST_MEMFD ---- */
	{ "guest_memfd: create", GMEM(MiB, 0, 0, 0), OK(R_FD), .check = chk_gmem_usable },
	{ "guest_memfd: as large as DRAM", GMEM(DRAM, 0, 0, 0), OK(R_FD) },
	{ "guest_memfd: flags 1 (MMAP)", GMEM(MiB, 1, 0, 0), ERR(EINVAL) },
	{ "guest_memfd: flags 2 (INIT_SHARED)", GMEM(MiB, 2, 0, 0), ERR(EINVAL) },
	{ "guest_memfd: reserved[0]", GMEM(MiB, 0, 1, 0), ERR(EINVAL) },
	{ "guest_memfd: reserved[5]", GMEM(MiB, 0, 0, 1), ERR(EINVAL) },
	{ "guest_memfd: size 0", GMEM(0, 0, 0, 0), ERR(EINVAL) },
	{ "guest_memfd: size not page aligned", GMEM(PAGE + 1, 0, 0, 0), ERR(EINVAL) },
	{ "guest_memfd: larger than DRAM", GMEM(DRAM + PAGE, 0, 0, 0), ERR(EINVAL) },
	{ "guest_memfd: normal VM", X_NVM, .on = T_NVM, GMEM(MiB, 0, 0, 0), ERR(EINVAL) },
	{ "guest_memfd: NULL", NUL(KVM_CREATE_GUEST_MEMFD), ERR(EFAULT) },

	/* ---- KVM_ARM_RMI_POPULATE ---- */
	{ "populate: one page", X_RAM, POP(RAM_GPA, PAGE, S_SRC, M, 0), OK(0), DONE(PAGE) },
	{ "populate: unmeasured", X_RAM, POP(RAM_GPA, 4 * PAGE, S_SRC, 0, 0), OK(0),
	  DONE(4 * PAGE) },
	{ "populate: normal VM", X_NVM, .on = T_NVM, POP(RAM_GPA, PAGE, S_SRC, M, 0),
	  ERR(ENXIO) },
	{ "populate: normal VM, NULL", X_NVM, .on = T_NVM, NUL(KVM_ARM_RMI_POPULATE),
	  ERR(ENXIO) },
	{ "populate: NULL", X_RAM, NUL(KVM_ARM_RMI_POPULATE), ERR(EFAULT) },
	{ "populate: reserved", X_RAM, POP(RAM_GPA, PAGE, S_SRC, M, 1), ERR(EINVAL),
	  .check = chk_no_rd },
	{ "populate: flags bit 1", X_RAM, POP(RAM_GPA, PAGE, S_SRC, M | 2, 0), ERR(EINVAL) },
	{ "populate: flags bit 31", X_RAM, POP(RAM_GPA, PAGE, S_SRC, 1U << 31, 0), ERR(EINVAL) },
	{ "populate: base not aligned", X_RAM, POP(RAM_GPA + 0x800, PAGE, S_SRC, M, 0),
	  ERR(EINVAL), .check = chk_no_rd },
	{ "populate: size not aligned", X_RAM, POP(RAM_GPA, PAGE + 8, S_SRC, M, 0), ERR(EINVAL) },
	{ "populate: source not aligned", X_RAM, POP(RAM_GPA, PAGE, 0x10010, M, 0), ERR(EINVAL) },
	{ "populate: range wraps", X_RAM, POP(NEG(PAGE), 2 * PAGE, S_SRC, M, 0), ERR(EINVAL) },
	{ "populate: source 0", X_RAM, POP(RAM_GPA, PAGE, 0, M, 0), ERR(EINVAL),
	  .check = chk_no_rd },
	{ "populate: size 0, base not aligned", X_RAM, POP(RAM_GPA + 8, 0, S_SRC, M, 0),
	  ERR(EINVAL) },
	{ "populate: outside any memslot", X_RAM, POP(FREE_GPA, PAGE, S_SRC, M, 0), ERR(EINVAL) },
	{ "populate: in a memslot without guest_memfd", X_RAM | X_NONGMEM,
	  POP(NS_GPA, PAGE, S_SRC, M, 0), ERR(EINVAL) },
	{ "populate: not PRIVATE", X_SHARED, POP(SHARED_GPA, PAGE, S_SRC, M, 0), ERR(EINVAL) },
	{ "populate: in the unprotected half", X_RAM, POP(PROT_TOP, PAGE, S_SRC, M, 0),
	  ERR(EINVAL) },
	{ "populate: crossing into the unprotected half", X_RAM,
	  POP(PROT_TOP - PAGE, 2 * PAGE, S_SRC, M, 0), ERR(EINVAL) },
	{ "populate: beyond 2^IPA", X_RAM, POP(IPA_TOP, PAGE, S_SRC, M, 0), ERR(EINVAL) },
	{ "populate: unreadable source", X_RAM, POP(RAM_GPA, PAGE, S_SRC_NONE, M, 0),
	  ERR(EFAULT) },
	{ "populate: the same page twice", X_RD, POP(RD_GPA, PAGE, S_SRC, M, 0), ERR(EEXIST) },
	{ "populate: size 0 creates the RD only", X_RAM, POP(RAM_GPA, 0, S_SRC, M, 0), OK(0),
	  DONE(0), .check = chk_rd_only },
	{ "populate: after the first KVM_RUN", X_RUN, POP(RAM_GPA, PAGE, S_SRC, M, 0),
	  ERR(EBUSY) },
	{ "populate: after a failed activation", X_DEAD, POP(RAM_GPA, PAGE, S_SRC, M, 0),
	  ERR(ENXIO) },
	{ "populate: 2nd page outside the memslot", X_RAM,
	  POP(RAM_GPA + RAM_SIZE - PAGE, 2 * PAGE, S_SRC, M, 0), OK(0), DONE(PAGE),
	  .then = EINVAL },
	{ "populate: 2nd page not PRIVATE", X_SHARED, POP(SHARED_GPA - PAGE, 2 * PAGE, S_SRC, M, 0),
	  OK(0), DONE(PAGE), .then = EINVAL },
	{ "populate: 2nd source page unreadable", X_RAM, POP(RAM_GPA, 2 * PAGE, S_SRC_HALF, M, 0),
	  OK(0), DONE(PAGE), .then = EFAULT },
	{ "populate: 2nd page already populated", X_RD, POP(RAM_GPA, 2 * PAGE, S_SRC, M, 0),
	  OK(0), DONE(PAGE), .then = EEXIST },
	{ "populate: chunk of one page", X_RAM | X_CHUNK1, POP(RAM_GPA, 3 * PAGE, S_SRC, M, 0),
	  OK(0), DONE(PAGE) },

	/* ---- KVM_REALMKIT_POPULATE_FD (S_FILE is 2 pages + 100 bytes) ---- */
	{ "populate_fd: one page", X_RAM, POPFD(RAM_GPA, PAGE, 0, S_FILE, M, 0), OK(0),
	  DONE(PAGE) },
	{ "populate_fd: normal VM", X_NVM, .on = T_NVM, POPFD(RAM_GPA, PAGE, 0, S_FILE, M, 0),
	  ERR(ENXIO) },
	{ "populate_fd: NULL", X_RAM, NUL(KVM_REALMKIT_POPULATE_FD), ERR(EFAULT) },
	{ "populate_fd: reserved", X_RAM, POPFD(RAM_GPA, PAGE, 0, S_FILE, M, 1), ERR(EINVAL) },
	{ "populate_fd: flags bit 1", X_RAM, POPFD(RAM_GPA, PAGE, 0, S_FILE, 2, 0), ERR(EINVAL) },
	{ "populate_fd: base not aligned", X_RAM, POPFD(RAM_GPA + 8, PAGE, 0, S_FILE, M, 0),
	  ERR(EINVAL) },
	{ "populate_fd: size not aligned", X_RAM, POPFD(RAM_GPA, 8, 0, S_FILE, M, 0),
	  ERR(EINVAL) },
	{ "populate_fd: offset not aligned", X_RAM, POPFD(RAM_GPA, PAGE, 100, S_FILE, M, 0),
	  ERR(EINVAL) },
	{ "populate_fd: range wraps", X_RAM, POPFD(NEG(PAGE), 2 * PAGE, 0, S_FILE, M, 0),
	  ERR(EINVAL) },
	{ "populate_fd: fd -1", X_RAM, POPFD(RAM_GPA, PAGE, 0, -1, M, 0), ERR(EBADF),
	  .check = chk_no_rd },
	{ "populate_fd: fd -100", X_RAM, POPFD(RAM_GPA, PAGE, 0, -100, M, 0), ERR(EBADF) },
	{ "populate_fd: a closed fd", X_RAM, POPFD(RAM_GPA, PAGE, 0, S_CLOSED, M, 0),
	  ERR(EBADF) },
	{ "populate_fd: a directory", X_RAM, POPFD(RAM_GPA, PAGE, 0, S_DIR, M, 0), ERR(EISDIR) },
	{ "populate_fd: a pipe", X_RAM, POPFD(RAM_GPA, PAGE, 0, S_PIPE, M, 0), ERR(ESPIPE) },
	{ "populate_fd: offset 2^63", X_RAM, POPFD(RAM_GPA, PAGE, 1ULL << 63, S_FILE, M, 0),
	  ERR(EINVAL) },
	{ "populate_fd: offset + size past 2^63", X_RAM,
	  POPFD(RAM_GPA, 2 * PAGE, (1ULL << 63) - PAGE, S_FILE, M, 0), ERR(EINVAL) },
	{ "populate_fd: a write-only fd", X_RAM, POPFD(RAM_GPA, PAGE, 0, S_WRONLY, M, 0),
	  ERR(EBADF) },
	{ "populate_fd: outside any memslot", X_RAM, POPFD(FREE_GPA, PAGE, 0, S_FILE, M, 0),
	  ERR(EINVAL) },
	{ "populate_fd: in a memslot without guest_memfd", X_RAM | X_NONGMEM,
	  POPFD(NS_GPA, PAGE, 0, S_FILE, M, 0), ERR(EINVAL) },
	{ "populate_fd: not PRIVATE", X_SHARED, POPFD(SHARED_GPA, PAGE, 0, S_FILE, M, 0),
	  ERR(EINVAL) },
	{ "populate_fd: in the unprotected half", X_RAM, POPFD(PROT_TOP, PAGE, 0, S_FILE, M, 0),
	  ERR(EINVAL) },
	{ "populate_fd: the same page twice", X_RD, POPFD(RD_GPA, PAGE, 0, S_FILE, M, 0),
	  ERR(EEXIST) },
	{ "populate_fd: size 0 creates the RD only", X_RAM, POPFD(RAM_GPA, 0, 0, S_FILE, M, 0),
	  OK(0), DONE(0), .check = chk_rd_only },
	{ "populate_fd: after the first KVM_RUN", X_RUN, POPFD(RAM_GPA, PAGE, 0, S_FILE, M, 0),
	  ERR(EBUSY) },
	{ "populate_fd: after a failed activation", X_DEAD,
	  POPFD(RAM_GPA, PAGE, 0, S_FILE, M, 0), ERR(ENXIO) },
	{ "populate_fd: 2nd page not PRIVATE", X_SHARED,
	  POPFD(SHARED_GPA - PAGE, 2 * PAGE, 0, S_FILE, M, 0), OK(0), DONE(PAGE), .then = EINVAL },
	{ "populate_fd: the last page is zero past EOF", X_RAM,
	  POPFD(RAM_GPA, 3 * PAGE, 0, S_FILE, M, 0), OK(0), DONE(3 * PAGE),
	  .check = chk_fd_tail },
	{ "populate_fd: a page wholly past EOF", X_RAM, POPFD(RAM_GPA, 4 * PAGE, 0, S_FILE, M, 0),
	  OK(0), DONE(3 * PAGE), .then = EINVAL, .check = chk_fd_chunk },
	{ "populate_fd: offset at EOF rounded up", X_RAM,
	  POPFD(RAM_GPA, PAGE, 3 * PAGE, S_FILE, M, 0), ERR(EINVAL) },
	{ "populate_fd: offset beyond EOF", X_RAM, POPFD(RAM_GPA, PAGE, 16 * PAGE, S_FILE, M, 0),
	  ERR(EINVAL) },
	{ "populate_fd: offset at the last partial page", X_RAM,
	  POPFD(RAM_GPA, PAGE, 2 * PAGE, S_FILE, M, 0), OK(0), DONE(PAGE) },

	/* ---- KVM_REALMKIT_INIT_RIPAS (validated whole: no partial failure) ---- */
	{ "init_ripas: all of slot 0", X_RAM | X_VMM_RIPAS, RIPAS(RAM_GPA, RAM_SIZE, 0, 0), OK(0),
	  DONE(RAM_SIZE) },
	{ "init_ripas: size 0", X_RAM | X_VMM_RIPAS, RIPAS(RAM_GPA, 0, 0, 0), OK(0), DONE(0) },
	/* The chunk limits RIPAS init too, but never below one whole RTT entry. */
	{ "init_ripas: chunk of one page", X_RAM | X_VMM_RIPAS | X_CHUNK1,
	  RIPAS(RAM_GPA + 4 * PAGE, 16 * PAGE, 0, 0), OK(0), DONE(PAGE) },
	{ "cap: chunk of 2^32 + 1 pages", CAP(KVM_CAP_REALMKIT_POPULATE_CHUNK, 0, (1ULL << 32) + 1, 0,
					      0), ERR(EINVAL) },
	{ "cap: chunk of -3 pages", CAP(KVM_CAP_REALMKIT_POPULATE_CHUNK, 0, (uint64_t)-3, 0, 0),
	  ERR(EINVAL) },
	{ "init_ripas: without the cap", X_RAM, RIPAS(RAM_GPA, RAM_SIZE, 0, 0), ERR(EINVAL) },
	{ "init_ripas: normal VM", X_NVM, .on = T_NVM, RIPAS(RAM_GPA, RAM_SIZE, 0, 0),
	  ERR(ENXIO) },
	{ "init_ripas: NULL", X_RAM | X_VMM_RIPAS, NUL(KVM_REALMKIT_INIT_RIPAS), ERR(EFAULT) },
	{ "init_ripas: flags", X_RAM | X_VMM_RIPAS, RIPAS(RAM_GPA, RAM_SIZE, 1, 0), ERR(EINVAL) },
	{ "init_ripas: reserved", X_RAM | X_VMM_RIPAS, RIPAS(RAM_GPA, RAM_SIZE, 0, 1),
	  ERR(EINVAL) },
	{ "init_ripas: base not aligned", X_RAM | X_VMM_RIPAS, RIPAS(RAM_GPA + 8, PAGE, 0, 0),
	  ERR(EINVAL) },
	{ "init_ripas: size not aligned", X_RAM | X_VMM_RIPAS, RIPAS(RAM_GPA, 8, 0, 0),
	  ERR(EINVAL) },
	{ "init_ripas: range wraps", X_RAM | X_VMM_RIPAS, RIPAS(NEG(PAGE), 2 * PAGE, 0, 0),
	  ERR(EINVAL) },
	{ "init_ripas: outside any memslot", X_RAM | X_VMM_RIPAS, RIPAS(FREE_GPA, PAGE, 0, 0),
	  ERR(EINVAL) },
	{ "init_ripas: partly outside slot 0", X_RAM | X_VMM_RIPAS,
	  RIPAS(RAM_GPA + MiB, RAM_SIZE, 0, 0), ERR(EINVAL) },
	{ "init_ripas: in a memslot without guest_memfd", X_RAM | X_NONGMEM | X_VMM_RIPAS,
	  RIPAS(NS_GPA, PAGE, 0, 0), ERR(EINVAL) },
	{ "init_ripas: partly not PRIVATE", X_SHARED | X_VMM_RIPAS,
	  RIPAS(RAM_GPA, RAM_SIZE, 0, 0), ERR(EINVAL) },
	{ "init_ripas: in the unprotected half", X_RAM | X_VMM_RIPAS, RIPAS(PROT_TOP, PAGE, 0, 0),
	  ERR(EINVAL) },
	{ "init_ripas: after the first KVM_RUN", X_RUN | X_VMM_RIPAS,
	  RIPAS(RAM_GPA, RAM_SIZE, 0, 0), ERR(EBUSY) },
	{ "init_ripas: after a failed activation", X_DEAD | X_VMM_RIPAS,
	  RIPAS(RAM_GPA, RAM_SIZE, 0, 0), ERR(ENXIO) },

	/* ---- KVM_CREATE_VCPU ---- */
	{ "create_vcpu: id 0", VAL(KVM_CREATE_VCPU, 0), OK(R_FD) },
	{ "create_vcpu: id 63", VAL(KVM_CREATE_VCPU, 63), OK(R_FD) },
	{ "create_vcpu: after the RD", X_RD, VAL(KVM_CREATE_VCPU, 0), OK(R_FD) },
	{ "create_vcpu: id 64", VAL(KVM_CREATE_VCPU, 64), ERR(EINVAL) },
	{ "create_vcpu: id 2^32", VAL(KVM_CREATE_VCPU, 1UL << 32), ERR(EINVAL) },
	{ "create_vcpu: id -1", VAL(KVM_CREATE_VCPU, ~0UL), ERR(EINVAL) },
	{ "create_vcpu: duplicate", X_VCPU, VAL(KVM_CREATE_VCPU, 0), ERR(EEXIST) },
	{ "create_vcpu: duplicate of an uninitialised vCPU", X_VCPU_RAW, VAL(KVM_CREATE_VCPU, 0),
	  ERR(EEXIST) },
	{ "create_vcpu: after the first KVM_RUN", X_RUN, VAL(KVM_CREATE_VCPU, 1), ERR(EBUSY) },
	{ "create_vcpu: after a failed activation", X_DEAD, VAL(KVM_CREATE_VCPU, 1),
	  ERR(EBUSY) },

	/* ---- KVM_ARM_VCPU_INIT (on an uninitialised vCPU 0) ---- */
	{ "vcpu_init: PSCI 0.2", X_VCPU_RAW, .on = T_VCPU0, INIT(5, PSCI, 0, 0), OK(0) },
	{ "vcpu_init: POWER_OFF | PSCI 0.2", X_VCPU_RAW, .on = T_VCPU0,
	  INIT(5, POWER_OFF | PSCI, 0, 0), OK(0) },
	{ "vcpu_init: no features", X_VCPU_RAW, .on = T_VCPU0, INIT(5, 0, 0, 0), OK(0) },
	{ "vcpu_init: again, before running", X_VCPU, .on = T_VCPU0, INIT(5, PSCI, 0, 0), OK(0) },
	{ "vcpu_init: target 0", X_VCPU_RAW, .on = T_VCPU0, INIT(0, PSCI, 0, 0), ERR(EINVAL) },
	{ "vcpu_init: target 6", X_VCPU_RAW, .on = T_VCPU0, INIT(6, PSCI, 0, 0), ERR(EINVAL) },
	{ "vcpu_init: EL1_32BIT", X_VCPU_RAW, .on = T_VCPU0, INIT(5, PSCI | 1U << 1, 0, 0),
	  ERR(EINVAL) },
	{ "vcpu_init: PMU_V3", X_VCPU_RAW, .on = T_VCPU0, INIT(5, PSCI | 1U << 3, 0, 0),
	  ERR(EINVAL) },
	{ "vcpu_init: SVE", X_VCPU_RAW, .on = T_VCPU0, INIT(5, PSCI | 1U << 4, 0, 0),
	  ERR(EINVAL) },
	{ "vcpu_init: PTRAUTH", X_VCPU_RAW, .on = T_VCPU0, INIT(5, PSCI | 3U << 5, 0, 0),
	  ERR(EINVAL) },
	{ "vcpu_init: HAS_EL2", X_VCPU_RAW, .on = T_VCPU0, INIT(5, PSCI | 1U << 7, 0, 0),
	  ERR(EINVAL) },
	{ "vcpu_init: HAS_EL2_E2H0", X_VCPU_RAW, .on = T_VCPU0, INIT(5, PSCI | 1U << 8, 0, 0),
	  ERR(EINVAL) },
	/* kvm_vcpu_init_check_features(): bits KVM does not know are -ENOENT. */
	{ "vcpu_init: unknown feature bit 9", X_VCPU_RAW, .on = T_VCPU0,
	  INIT(5, PSCI | 1U << 9, 0, 0), ERR(ENOENT) },
	{ "vcpu_init: unknown feature bit 31", X_VCPU_RAW, .on = T_VCPU0,
	  INIT(5, PSCI | 1U << 31, 0, 0), ERR(ENOENT) },
	{ "vcpu_init: features[1]", X_VCPU_RAW, .on = T_VCPU0, INIT(5, PSCI, 1, 0), ERR(ENOENT) },
	{ "vcpu_init: features[6]", X_VCPU_RAW, .on = T_VCPU0, INIT(5, PSCI, 0, 1U << 31),
	  ERR(ENOENT) },
	{ "vcpu_init: NULL", X_VCPU_RAW, .on = T_VCPU0, NUL(KVM_ARM_VCPU_INIT), ERR(EFAULT) },
	{ "vcpu_init: after the first KVM_RUN", X_RUN, .on = T_VCPU0, INIT(5, PSCI, 0, 0),
	  ERR(EBUSY) },

	/* ---- KVM_{GET,SET}_ONE_REG ---- */
	{ "one_reg: get before init", X_VCPU_RAW, .on = T_VCPU0, GET(KVM_REG_ARM64_X(0)),
	  ERR(ENOEXEC) },
	{ "one_reg: set before init", X_VCPU_RAW, .on = T_VCPU0, SET(KVM_REG_ARM64_X(0), 1),
	  ERR(ENOEXEC) },
	{ "one_reg: NULL before init", X_VCPU_RAW, .on = T_VCPU0, NUL(KVM_GET_ONE_REG),
	  ERR(ENOEXEC) },
	{ "one_reg: NULL", X_VCPU, .on = T_VCPU0, NUL(KVM_SET_ONE_REG), ERR(EFAULT) },
	{ "one_reg: get to address 0", X_VCPU, .on = T_VCPU0,
	  .req = KVM_GET_ONE_REG, .arg.reg = { .id = KVM_REG_ARM64_X(0) }, ERR(EFAULT) },
	{ "one_reg: set from address 0", X_VCPU, .on = T_VCPU0,
	  .req = KVM_SET_ONE_REG, .arg.reg = { .id = KVM_REG_ARM64_X(0) }, ERR(EFAULT) },
	{ "one_reg: x0..x30 and pc round trip", X_VCPU, .on = T_VCPU0, SET(KVM_REG_ARM64_PC, 0),
	  OK(0), .check = chk_gprs },
	{ "one_reg: set sp", X_VCPU, .on = T_VCPU0, SET(KVM_REG_ARM64_SP, 0x1000), ERR(EINVAL) },
	{ "one_reg: set pstate", X_VCPU, .on = T_VCPU0, SET(KVM_REG_ARM64_PSTATE, 0x3c5),
	  ERR(EINVAL) },
	{ "one_reg: set SCTLR_EL1", X_VCPU, .on = T_VCPU0, SET(SCTLR_EL1, 0), ERR(EINVAL) },
	{ "one_reg: set an odd core word", X_VCPU, .on = T_VCPU0, SET(KVM_REG_ARM64_X(0) + 1, 0),
	  ERR(EINVAL) },
	{ "one_reg: set a 32-bit x0", X_VCPU, .on = T_VCPU0, SET(X0_U32, 0), ERR(EINVAL) },
	{ "one_reg: get sp", X_VCPU, .on = T_VCPU0, GET(KVM_REG_ARM64_SP), OK(0) },
	{ "one_reg: get pstate", X_VCPU, .on = T_VCPU0, GET(KVM_REG_ARM64_PSTATE), OK(0),
	  .check = chk_pstate },
	{ "one_reg: get an unknown sysreg", X_VCPU, .on = T_VCPU0, GET(UNKNOWN_REG),
	  ERR(ENOENT) },
	{ "one_reg: get id 0", X_VCPU, .on = T_VCPU0, GET(0), ERR(ENOENT) },
	{ "one_reg: get ID_AA64DFR0_EL1", X_VCPU, .on = T_VCPU0, GET(DFR0), OK(0),
	  .check = chk_dfr0 },
	{ "dfr0: the same value", X_VCPU, .on = T_VCPU0, SET_DFR0(DEBUGVER, 6), OK(0) },
	{ "dfr0: DebugVer v8.2", X_VCPU, .on = T_VCPU0, SET_DFR0(DEBUGVER, 8), OK(0) },
	{ "dfr0: 2 breakpoints", X_VCPU, .on = T_VCPU0, SET_DFR0(BRPS | CTX_CMPS, 1ULL << 12),
	  OK(0) },
	{ "dfr0: DebugVer 0", X_VCPU, .on = T_VCPU0, SET_DFR0(DEBUGVER, 0), ERR(EINVAL) },
	{ "dfr0: DebugVer 5", X_VCPU, .on = T_VCPU0, SET_DFR0(DEBUGVER, 5), ERR(EINVAL) },
	{ "dfr0: BRPs 0", X_VCPU, .on = T_VCPU0, SET_DFR0(BRPS | CTX_CMPS, 0), ERR(EINVAL) },
	{ "dfr0: WRPs 0", X_VCPU, .on = T_VCPU0, SET_DFR0(WRPS, 0), ERR(EINVAL) },
	{ "dfr0: CTX_CMPs > BRPs", X_VCPU, .on = T_VCPU0, SET_DFR0(CTX_CMPS, CTX_CMPS),
	  ERR(EINVAL) },
	{ "dfr0: more BRPs than the RMM has", X_VCPU, .on = T_VCPU0, SET_DFR0(BRPS, BRPS),
	  ERR(EINVAL) },
	{ "dfr0: more WRPs than the RMM has", X_VCPU, .on = T_VCPU0, SET_DFR0(WRPS, WRPS),
	  ERR(EINVAL) },
	{ "dfr0: a change after the RD", X_RD | X_VCPU, .on = T_VCPU0,
	  SET_DFR0(BRPS | CTX_CMPS, 1ULL << 12), ERR(EBUSY) },
	{ "dfr0: the same value after the RD", X_RD | X_VCPU, .on = T_VCPU0,
	  SET_DFR0(DEBUGVER, 6), OK(0) },
	{ "dfr0: an invalid value after the RD", X_RD | X_VCPU, .on = T_VCPU0,
	  SET_DFR0(DEBUGVER, 0), ERR(EINVAL) },
	{ "dfr0: a change after a failed activation", X_DEAD, .on = T_VCPU0,
	  SET_DFR0(DEBUGVER, 8), ERR(EBUSY) },

	/* ---- KVM_RUN ---- */
	{ "run: activates the realm", X_RAM | X_VCPU, .on = T_VCPU0, VAL(KVM_RUN, 0), ERR(EINTR),
	  .check = chk_ran },
	{ "run: with no memory", X_VCPU, .on = T_VCPU0, VAL(KVM_RUN, 0), ERR(EINTR) },
	{ "run: after populate", X_RD | X_VCPU, .on = T_VCPU0, VAL(KVM_RUN, 0), ERR(EINTR) },
	{ "run: VMM-driven RIPAS", X_RAM | X_VMM_RIPAS | X_VCPU, .on = T_VCPU0, VAL(KVM_RUN, 0),
	  ERR(EINTR) },
	{ "run: before KVM_ARM_VCPU_INIT", X_RAM | X_VCPU_RAW, .on = T_VCPU0, VAL(KVM_RUN, 0),
	  ERR(ENOEXEC), .check = chk_no_rd },
	{ "run: vCPU 1 sleeps until CPU_ON", X_RAM | X_VCPU | X_VCPU1, .on = T_VCPU1,
	  VAL(KVM_RUN, 0), ERR(EINTR), .check = chk_vcpu0_runs },
	{ "run: immediate_exit", X_IMMEDIATE | X_RAM, .on = T_VCPU0, VAL(KVM_RUN, 0), ERR(EINTR),
	  .check = chk_immediate },
	{ "run: a vCPU without PSCI 0.2", X_RAM | X_NOPSCI, .on = T_VCPU0, VAL(KVM_RUN, 0),
	  ERR(EINVAL), .check = chk_dead },
	{ "run: vCPU 1 without PSCI 0.2", X_RAM | X_VCPU | X_VCPU1_NOPSCI, .on = T_VCPU0,
	  VAL(KVM_RUN, 0), ERR(EINVAL), .check = chk_dead },
	{ "run: a failed activation after populate", X_RD | X_NOPSCI, .on = T_VCPU0,
	  VAL(KVM_RUN, 0), ERR(EINVAL), .check = chk_dead },
	{ "run: vCPU ids 0 and 2", X_RAM | X_VCPU | X_VCPU2, .on = T_VCPU0, VAL(KVM_RUN, 0),
	  ERR(EINVAL), .check = chk_dead },
	{ "run: no vCPU 0", X_RAM | X_VCPU1, .on = T_VCPU1, VAL(KVM_RUN, 0), ERR(EINVAL) },
	{ "run: vCPU 0 not initialised", X_RAM | X_VCPU_RAW | X_VCPU1, .on = T_VCPU1,
	  VAL(KVM_RUN, 0), ERR(EINVAL) },
	{ "run: again after a failed activation", X_DEAD, .on = T_VCPU0, VAL(KVM_RUN, 0),
	  ERR(ENXIO) },
	{ "run: a normal VM (not modelled)", X_NVCPU, .on = T_NVCPU, VAL(KVM_RUN, 0),
	  ERR(ENOSYS) },

	/* ---- KVM_{GET,SET}_MP_STATE ---- */
	{ "mp_state: get", X_VCPU, MP(KVM_GET_MP_STATE, 0), OK(0) },
	{ "mp_state: set STOPPED", X_VCPU, MP(KVM_SET_MP_STATE, KVM_MP_STATE_STOPPED), OK(0) },
	{ "mp_state: set RUNNABLE", X_VCPU, MP(KVM_SET_MP_STATE, KVM_MP_STATE_RUNNABLE), OK(0) },
	{ "mp_state: set an unknown state", X_VCPU, MP(KVM_SET_MP_STATE, 7), ERR(EINVAL) },
	{ "mp_state: set after the first KVM_RUN", X_RUN,
	  MP(KVM_SET_MP_STATE, KVM_MP_STATE_STOPPED), ERR(EBUSY) },
	{ "mp_state: get, unmapped pointer", X_VCPU, .on = T_VCPU0, BAD(KVM_GET_MP_STATE),
	  ERR(EFAULT) },
	{ "mp_state: set, unmapped pointer", X_VCPU, .on = T_VCPU0, BAD(KVM_SET_MP_STATE),
	  ERR(EFAULT) },

	/* ---- the SMCCC filter: KVM_*_DEVICE_ATTR on the VM ---- */
	{ "smccc filter: forward a range", FILTER(KVM_SET_DEVICE_ATTR, 0, 0, 0, 16, 2, 0), OK(0) },
	{ "smccc filter: deny", FILTER(KVM_SET_DEVICE_ATTR, 0, 0, 0x100, 1, 1, 0), OK(0) },
	{ "smccc filter: another group", FILTER(KVM_SET_DEVICE_ATTR, 1, 0, 0, 16, 2, 0),
	  ERR(ENXIO) },
	{ "smccc filter: another attribute", FILTER(KVM_SET_DEVICE_ATTR, 0, 1, 0, 16, 2, 0),
	  ERR(ENXIO) },
	{ "smccc filter: no functions", FILTER(KVM_SET_DEVICE_ATTR, 0, 0, 0, 0, 2, 0),
	  ERR(EINVAL) },
	{ "smccc filter: unknown action", FILTER(KVM_SET_DEVICE_ATTR, 0, 0, 0, 16, 3, 0),
	  ERR(EINVAL) },
	{ "smccc filter: padding not zero", FILTER(KVM_SET_DEVICE_ATTR, 0, 0, 0, 16, 2, 1),
	  ERR(EINVAL) },
	{ "smccc filter: past 2^32", FILTER(KVM_SET_DEVICE_ATTR, 0, 0, 0xffffff00U, 0x200, 2, 0),
	  ERR(EINVAL) },
	{ "smccc filter: after the first KVM_RUN", X_RUN,
	  FILTER(KVM_SET_DEVICE_ATTR, 0, 0, 0, 16, 2, 0), ERR(EBUSY) },
	{ "smccc filter: has", FILTER(KVM_HAS_DEVICE_ATTR, 0, 0, 0, 0, 0, 0), OK(0) },
	{ "smccc filter: has another group", FILTER(KVM_HAS_DEVICE_ATTR, 2, 0, 0, 0, 0, 0),
	  ERR(ENXIO) },
	{ "smccc filter: get (write-only)", FILTER(KVM_GET_DEVICE_ATTR, 0, 0, 0, 0, 0, 0),
	  ERR(EINVAL) },
	{ "smccc filter: unmapped pointer", BAD(KVM_SET_DEVICE_ATTR), ERR(EFAULT) },

	/* ---- KVM_ENABLE_CAP ---- */
	{ "cap: hash SHA-256", CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 0, 0, 0, 0), OK(0) },
	{ "cap: hash SHA-512", CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 0, 0, 1, 0), OK(0),
	  .check = chk_sha512 },
	{ "cap: RPV", CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 0, 1, S_RPV, 0), OK(0) },
	{ "cap: flags", CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 1, 0, 0, 0), ERR(EINVAL) },
	{ "cap: flags on POPULATE_CHUNK", CAP(KVM_CAP_REALMKIT_POPULATE_CHUNK, 1, 1, 0, 0),
	  ERR(EINVAL) },
	{ "cap: NULL", NUL(KVM_ENABLE_CAP), ERR(EFAULT) },
	{ "cap: hash algorithm 2", CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 0, 0, 2, 0), ERR(EINVAL) },
	{ "cap: hash algorithm -1", CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 0, 0, ~0ULL, 0),
	  ERR(EINVAL) },
	{ "cap: config sub-command 2", CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 0, 2, 0, 0),
	  ERR(EINVAL) },
	{ "cap: RPV NULL", CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 0, 1, 0, 0), ERR(EFAULT) },
	{ "cap: RPV unmapped", CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 0, 1, S_SRC_NONE, 0),
	  ERR(EFAULT) },
	{ "cap: unmapped arg", BAD(KVM_ENABLE_CAP), ERR(EFAULT) },
	{ "memslot: unmapped arg", X_RAM, BAD(KVM_SET_USER_MEMORY_REGION2), ERR(EFAULT) },
	{ "memslot v1: unmapped arg", X_RAM, BAD(KVM_SET_USER_MEMORY_REGION), ERR(EFAULT) },
	{ "attributes: unmapped arg", X_RAM, BAD(KVM_SET_MEMORY_ATTRIBUTES), ERR(EFAULT) },
	{ "guest_memfd: unmapped arg", BAD(KVM_CREATE_GUEST_MEMFD), ERR(EFAULT) },
	{ "populate: unmapped arg", X_RAM, BAD(KVM_ARM_RMI_POPULATE), ERR(EFAULT) },
	{ "populate_fd: unmapped arg", X_RAM, BAD(KVM_REALMKIT_POPULATE_FD), ERR(EFAULT) },
	{ "init_ripas: unmapped arg", X_RAM | X_VMM_RIPAS, BAD(KVM_REALMKIT_INIT_RIPAS),
	  ERR(EFAULT) },
	{ "preferred target: unmapped arg", BAD(KVM_ARM_PREFERRED_TARGET), ERR(EFAULT) },
	{ "vcpu_init: unmapped arg", X_VCPU_RAW, .on = T_VCPU0, BAD(KVM_ARM_VCPU_INIT),
	  ERR(EFAULT) },
	{ "one_reg: unmapped arg", X_VCPU, .on = T_VCPU0, BAD(KVM_SET_ONE_REG), ERR(EFAULT) },
	{ "one_reg: SET value unmapped", X_VCPU, .on = T_VCPU0,
	  .req = KVM_SET_ONE_REG, .arg.reg = { .id = KVM_REG_ARM64_X(0), .addr = S_SRC_NONE },
	  ERR(EFAULT) },
	{ "one_reg: GET value unmapped", X_VCPU, .on = T_VCPU0,
	  .req = KVM_GET_ONE_REG, .arg.reg = { .id = KVM_REG_ARM64_X(0), .addr = S_SRC_NONE },
	  ERR(EFAULT) },
	{ "cap: hash after the RD", X_RD, CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 0, 0, 1, 0),
	  ERR(EBUSY) },
	{ "cap: RPV after the RD", X_RD, CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 0, 1, S_RPV, 0),
	  ERR(EBUSY) },
	{ "cap: bad hash after the RD", X_RD, CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 0, 0, 2, 0),
	  ERR(EBUSY) },
	{ "cap: VMM_RIPAS", CAP(KVM_CAP_REALMKIT_VMM_RIPAS, 0, 0, 0, 0), OK(0) },
	{ "cap: VMM_RIPAS args[0]", CAP(KVM_CAP_REALMKIT_VMM_RIPAS, 0, 1, 0, 0), ERR(EINVAL) },
	{ "cap: VMM_RIPAS args[3]", CAP(KVM_CAP_REALMKIT_VMM_RIPAS, 0, 0, 0, 1), ERR(EINVAL) },
	{ "cap: VMM_RIPAS after the RD", X_RD, CAP(KVM_CAP_REALMKIT_VMM_RIPAS, 0, 0, 0, 0),
	  ERR(EBUSY) },
	{ "cap: POPULATE_CHUNK", CAP(KVM_CAP_REALMKIT_POPULATE_CHUNK, 0, 1, 0, 0), OK(0) },
	{ "cap: unknown cap", CAP(0x7204, 0, 0, 0, 0), ERR(EINVAL) },
	{ "cap: ARM_RMI", CAP(KVM_CAP_ARM_RMI, 0, 0, 0, 0), ERR(EINVAL) },
	{ "cap: ARM_PSCI_0_2", CAP(KVM_CAP_ARM_PSCI_0_2, 0, 0, 0, 0), ERR(EINVAL) },
	{ "cap: normal VM, REALM_CONFIG", X_NVM, .on = T_NVM,
	  CAP(KVM_CAP_REALMKIT_REALM_CONFIG, 0, 0, 0, 0), ERR(EINVAL) },
	{ "cap: normal VM, VMM_RIPAS", X_NVM, .on = T_NVM,
	  CAP(KVM_CAP_REALMKIT_VMM_RIPAS, 0, 0, 0, 0), ERR(EINVAL) },
	{ "cap: normal VM, unknown cap", X_NVM, .on = T_NVM, CAP(0x7204, 0, 0, 0, 0),
	  ERR(EINVAL) },
	{ "cap: normal VM, POPULATE_CHUNK", X_NVM, .on = T_NVM,
	  CAP(KVM_CAP_REALMKIT_POPULATE_CHUNK, 0, 4, 0, 0), OK(0) },
	/* ---- the in-kernel GICv3: KVM_CREATE_DEVICE ---- */
	{ "vgic: create a GICv3", X_NOGIC, DEV(KVM_DEV_TYPE_ARM_VGIC_V3, 0), OK(0),
	  .check = chk_gic_fd },
	{ "vgic: create, test only", X_NOGIC, DEV(KVM_DEV_TYPE_ARM_VGIC_V3, KVM_CREATE_DEVICE_TEST),
	  OK(0), .check = chk_gic_test },
	{ "vgic: a GICv2", X_NOGIC, DEV(KVM_DEV_TYPE_ARM_VGIC_V2, 0), ERR(ENODEV) },
	{ "vgic: a GICv2, test only", X_NOGIC,
	  DEV(KVM_DEV_TYPE_ARM_VGIC_V2, KVM_CREATE_DEVICE_TEST), ERR(ENODEV) },
	{ "vgic: an ITS (none)", DEV(KVM_DEV_TYPE_ARM_VGIC_ITS, 0), ERR(ENODEV) },
	{ "vgic: an unknown device type", X_NOGIC, DEV(99, 0), ERR(ENODEV) },
	{ "vgic: a second GICv3", DEV(KVM_DEV_TYPE_ARM_VGIC_V3, 0), ERR(EEXIST) },
	{ "vgic: unmapped argument", X_NOGIC, BAD(KVM_CREATE_DEVICE), ERR(EFAULT) },
	{ "vgic: on a normal VM", X_NVM, .on = T_NVM, DEV(KVM_DEV_TYPE_ARM_VGIC_V3, 0), OK(0),
	  .check = chk_gic_fd },
	{ "vgic: an ioctl the device does not have", .on = T_GIC,
	  VAL(KVM_CHECK_EXTENSION, 0), ERR(ENOTTY) },
	{ "vgic: unmapped attribute", .on = T_GIC, BAD(KVM_SET_DEVICE_ATTR), ERR(EFAULT) },
	{ "vgic: create_vcpu after CTRL_INIT", X_GIC_INIT, VAL(KVM_CREATE_VCPU, 1), ERR(EBUSY) },

	/* ---- vGIC attributes: GRP_ADDR ---- */
	{ "vgic addr: distributor", X_GIC_RAW,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD),
	  OK(0), .check = chk_rdist_regions },
	{ "vgic addr: distributor twice",
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD),
	  ERR(EEXIST) },
	{ "vgic addr: distributor not 64 KiB aligned", X_GIC_RAW,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST,
	       GICD + 0x1000), ERR(EINVAL) },
	{ "vgic addr: distributor wraps", X_GIC_RAW,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST,
	       NEG(0x10000)), ERR(EINVAL) },
	{ "vgic addr: distributor at the IPA top", X_GIC_RAW,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST,
	       IPA_TOP - 0x10000), OK(0) },
	{ "vgic addr: distributor beyond the IPA space", X_GIC_RAW,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST,
	       IPA_TOP), ERR(E2BIG) },
	{ "vgic addr: distributor value unmapped", X_GIC_RAW,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST,
	       S_SRC_NONE), ERR(EFAULT) },
	{ "vgic addr: get the distributor",
	  GICA(KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, 0),
	  OK(0), .check = chk_get_gicd },
	{ "vgic addr: get an unset distributor", X_GIC_RAW,
	  GICA(KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, 0),
	  OK(0), .check = chk_get_undef },
	{ "vgic addr: legacy redistributors", X_GIC_RAW,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR),
	  OK(0) },
	{ "vgic addr: legacy redistributors twice",
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR),
	  ERR(EEXIST) },
	{ "vgic addr: legacy redistributors not aligned", X_GIC_RAW,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST,
	       GICR + 0x8000), ERR(EINVAL) },
	{ "vgic addr: region of 0 redistributors", X_GIC_RAW,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
	       KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, GICR), ERR(EINVAL) },
	{ "vgic addr: region with flags", X_GIC_RAW,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
	       KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, 1ULL << 52 | GICR | 0x1000), ERR(EINVAL) },
	{ "vgic addr: region 1 before region 0", X_GIC_RAW,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
	       KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, 1ULL << 52 | GICR | 1), ERR(EINVAL) },
	{ "vgic addr: region beyond the IPA space", X_GIC_RAW,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
	       KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, 2ULL << 52 | (IPA_TOP - 0x20000)), ERR(E2BIG) },
	{ "vgic addr: a region after the legacy one",
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
	       KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, 1ULL << 52 | 0x10000000), ERR(EINVAL) },
	{ "vgic addr: get a region that does not exist",
	  GICA(KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
	       KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, 0), ERR(ENOENT) },
	{ "vgic addr: ITS frame", GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
				       KVM_VGIC_ITS_ADDR_TYPE, 0x10000000), ERR(ENXIO) },
	{ "vgic addr: unknown type", GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, 9, 0),
	  ERR(ENXIO) },
	{ "vgic addr: has distributor",
	  GICA(KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, 0),
	  OK(0) },
	{ "vgic addr: has ITS",
	  GICA(KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, 0),
	  ERR(ENXIO) },

	/* ---- vGIC attributes: NR_IRQS, CTRL, others ---- */
	{ "vgic nr_irqs: 64", GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 64), OK(0) },
	{ "vgic nr_irqs: 992", GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 992),
	  OK(0) },
	{ "vgic nr_irqs: 32 (no SPI)", GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 32),
	  ERR(EINVAL) },
	{ "vgic nr_irqs: 100 (not a multiple of 32)",
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 100), ERR(EINVAL) },
	{ "vgic nr_irqs: 1024 (above 1023)",
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 1024), ERR(EINVAL) },
	{ "vgic nr_irqs: after CTRL_INIT chose 256", X_GIC_INIT,
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 64), ERR(EBUSY) },
	{ "vgic nr_irqs: get after CTRL_INIT", X_GIC_INIT,
	  GICA(KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 0), OK(0),
	  .check = chk_get_256 },
	{ "vgic nr_irqs: value unmapped",
	  GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, S_SRC_NONE), ERR(EFAULT) },
	{ "vgic nr_irqs: has", GICA(KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 0), OK(0) },
	{ "vgic ctrl: init", GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				  KVM_DEV_ARM_VGIC_CTRL_INIT, 0), OK(0) },
	{ "vgic ctrl: init twice", X_GIC_INIT, GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
						    KVM_DEV_ARM_VGIC_CTRL_INIT, 0), OK(0) },
	{ "vgic ctrl: unknown", GICA(KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL, 7, 0),
	  ERR(ENXIO) },
	{ "vgic ctrl: get", GICA(KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				 KVM_DEV_ARM_VGIC_CTRL_INIT, 0), ERR(ENXIO) },
	{ "vgic ctrl: has init", GICA(KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				      KVM_DEV_ARM_VGIC_CTRL_INIT, 0), OK(0) },
	{ "vgic ctrl: has unknown", GICA(KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL, 7, 0),
	  ERR(ENXIO) },
	{ "vgic: distributor registers (not modelled)",
	  GICA(KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0, 0), ERR(ENXIO) },
	{ "vgic: unknown group", GICA(KVM_SET_DEVICE_ATTR, 99, 0, 0), ERR(ENXIO) },

	/* ---- KVM_IRQ_LINE (arm64 encoding: type, vCPU, number) ---- */
	{ "irq_line: SPI 32", X_GIC_INIT, IRQ(KVM_ARM_IRQ_TYPE_SPI, 0, 32, 1), OK(0) },
	{ "irq_line: SPI 255 (the last of the default 256)", X_GIC_INIT,
	  IRQ(KVM_ARM_IRQ_TYPE_SPI, 0, 255, 1), OK(0) },
	{ "irq_line: SPI 256", X_GIC_INIT, IRQ(KVM_ARM_IRQ_TYPE_SPI, 0, 256, 1), ERR(EINVAL) },
	{ "irq_line: SPI 31 (private)", X_GIC_INIT, IRQ(KVM_ARM_IRQ_TYPE_SPI, 0, 31, 1),
	  ERR(EINVAL) },
	{ "irq_line: SPI line low", X_GIC_INIT, IRQ(KVM_ARM_IRQ_TYPE_SPI, 0, 40, 0), OK(0) },
	{ "irq_line: SPI before CTRL_INIT", IRQ(KVM_ARM_IRQ_TYPE_SPI, 0, 32, 1), ERR(EBUSY) },
	{ "irq_line: SPI without a vGIC", X_NOGIC, IRQ(KVM_ARM_IRQ_TYPE_SPI, 0, 32, 1),
	  ERR(ENXIO) },
	{ "irq_line: PPI 27 of vCPU 0", X_VCPU | X_GIC_INIT, IRQ(KVM_ARM_IRQ_TYPE_PPI, 0, 27, 1),
	  OK(0) },
	{ "irq_line: PPI 15 (an SGI)", X_VCPU | X_GIC_INIT, IRQ(KVM_ARM_IRQ_TYPE_PPI, 0, 15, 1),
	  ERR(EINVAL) },
	{ "irq_line: PPI 32", X_VCPU | X_GIC_INIT, IRQ(KVM_ARM_IRQ_TYPE_PPI, 0, 32, 1),
	  ERR(EINVAL) },
	{ "irq_line: PPI of a vCPU that does not exist", X_VCPU | X_GIC_INIT,
	  IRQ(KVM_ARM_IRQ_TYPE_PPI, 5, 27, 1), ERR(EINVAL) },
	{ "irq_line: PPI without a vGIC", X_VCPU | X_NOGIC, IRQ(KVM_ARM_IRQ_TYPE_PPI, 0, 27, 1),
	  ERR(ENXIO) },
	{ "irq_line: CPU line (no user-space irqchip)", X_VCPU | X_GIC_INIT,
	  IRQ(KVM_ARM_IRQ_TYPE_CPU, 0, 0, 1), ERR(ENXIO) },
	{ "irq_line: unknown type 3", X_GIC_INIT, IRQ(3, 0, 32, 1), ERR(EINVAL) },
	{ "irq_line: unmapped argument", BAD(KVM_IRQ_LINE), ERR(EFAULT) },

	/* ---- the first KVM_RUN needs the vGIC ---- */
	{ "run: no in-kernel irqchip", X_RAM | X_VCPU | X_NOGIC, .on = T_VCPU0, VAL(KVM_RUN, 0),
	  ERR(EOPNOTSUPP), .check = chk_nogic_then_runs },
	{ "run: vGIC not initialised", X_RAM | X_VCPU | X_GIC_NOINIT, .on = T_VCPU0,
	  VAL(KVM_RUN, 0), ERR(EBUSY), .check = chk_vm_dead },
	{ "run: vGIC without addresses", X_RAM | X_VCPU | X_GIC_RAW, .on = T_VCPU0,
	  VAL(KVM_RUN, 0), ERR(ENXIO), .check = chk_vm_dead },
	/* ---- vCPU attributes: timer PPIs, PMU, stolen time ---- */
	{ "vcpu attr: virtual timer PPI 20", X_VCPU | X_VCPU1,
	  DATTR(T_VCPU0, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL,
		KVM_ARM_VCPU_TIMER_IRQ_VTIMER, 20), OK(0), .check = chk_timer_vm_wide },
	{ "vcpu attr: timer PPI 15 (an SGI)", X_VCPU,
	  DATTR(T_VCPU0, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL,
		KVM_ARM_VCPU_TIMER_IRQ_VTIMER, 15), ERR(EINVAL) },
	{ "vcpu attr: timer PPI 32 (an SPI)", X_VCPU,
	  DATTR(T_VCPU0, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL,
		KVM_ARM_VCPU_TIMER_IRQ_PTIMER, 32), ERR(EINVAL) },
	{ "vcpu attr: EL2 timer (no NV)", X_VCPU,
	  DATTR(T_VCPU0, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL, 2, 26), ERR(ENXIO) },
	{ "vcpu attr: timer PPI without a vGIC", X_VCPU | X_NOGIC,
	  DATTR(T_VCPU0, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL,
		KVM_ARM_VCPU_TIMER_IRQ_VTIMER, 27), ERR(EINVAL) },
	{ "vcpu attr: timer PPI after the first KVM_RUN", X_RUN,
	  DATTR(T_VCPU0, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL,
		KVM_ARM_VCPU_TIMER_IRQ_VTIMER, 27), ERR(EBUSY) },
	{ "vcpu attr: timer value unmapped", X_VCPU,
	  DATTR(T_VCPU0, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL,
		KVM_ARM_VCPU_TIMER_IRQ_VTIMER, S_SRC_NONE), ERR(EFAULT) },
	{ "vcpu attr: get the physical timer PPI", X_VCPU,
	  DATTR(T_VCPU0, KVM_GET_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL,
		KVM_ARM_VCPU_TIMER_IRQ_PTIMER, 0), OK(0), .check = chk_get_30 },
	{ "vcpu attr: has the virtual timer", X_VCPU,
	  DATTR(T_VCPU0, KVM_HAS_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL,
		KVM_ARM_VCPU_TIMER_IRQ_VTIMER, 0), OK(0) },
	{ "vcpu attr: has an EL2 timer", X_VCPU,
	  DATTR(T_VCPU0, KVM_HAS_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL, 3, 0), ERR(ENXIO) },
	{ "vcpu attr: PMU IRQ (no vCPU has a PMU)", X_VCPU,
	  DATTR(T_VCPU0, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_IRQ,
		23), ERR(ENODEV) },
	{ "vcpu attr: PMU INIT", X_VCPU,
	  DATTR(T_VCPU0, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_INIT,
		0), ERR(ENODEV) },
	{ "vcpu attr: has PMU IRQ", X_VCPU,
	  DATTR(T_VCPU0, KVM_HAS_DEVICE_ATTR, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_IRQ,
		0), ERR(ENXIO) },
	{ "vcpu attr: get PMU IRQ", X_VCPU,
	  DATTR(T_VCPU0, KVM_GET_DEVICE_ATTR, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_IRQ,
		0), ERR(ENODEV) },
	{ "vcpu attr: get PMU IRQ without a vGIC", X_VCPU | X_NOGIC,
	  DATTR(T_VCPU0, KVM_GET_DEVICE_ATTR, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_IRQ,
		0), ERR(EINVAL) },
	{ "vcpu attr: has stolen time", X_VCPU,
	  DATTR(T_VCPU0, KVM_HAS_DEVICE_ATTR, KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA, 0),
	  ERR(ENXIO) },
	{ "vcpu attr: unknown group", X_VCPU, DATTR(T_VCPU0, KVM_SET_DEVICE_ATTR, 9, 0, 0),
	  ERR(ENXIO) },
	{ "vcpu attr: unmapped argument", X_VCPU, .on = T_VCPU0, BAD(KVM_HAS_DEVICE_ATTR),
	  ERR(EFAULT) },

	/* ---- KVM_GET_REG_LIST and the ID registers ---- */
	{ "reg_list: all", X_VCPU, .on = T_VCPU0, .req = KVM_GET_REG_LIST,
	  .arg.rl = { .l = { .n = 80 } }, OK(0), .check = chk_reg_list },
	{ "reg_list: before KVM_ARM_VCPU_INIT", X_VCPU_RAW, .on = T_VCPU0, .req = KVM_GET_REG_LIST,
	  .arg.rl = { .l = { .n = 80 } }, ERR(ENOEXEC) },
	{ "reg_list: unmapped argument", X_VCPU, .on = T_VCPU0, BAD(KVM_GET_REG_LIST), ERR(EFAULT) },
	{ "one_reg: set ID_AA64PFR0_EL1 to another value", X_VCPU, .on = T_VCPU0,
	  SET(ARM64_SYS_REG(3, 0, 0, 4, 0), 0x11), ERR(EINVAL) },
	{ "one_reg: set ID_AA64MMFR0_EL1 to another value", X_VCPU, .on = T_VCPU0,
	  SET(ARM64_SYS_REG(3, 0, 0, 7, 0), 0), ERR(EINVAL) },
};



/* ---- running a row ---- */

static void run_row(const struct row *r)
{
	union arg before, after;
	uintptr_t arg = 0;
	struct ctx c;
	int fds = count_fds(), fd, err;
	long ret, want;

	g_row = r->name;
	if (!ctx_init(&c) || !setup(&c, r->fix)) {
		RCHECK(!"set-up failed");
		teardown(&c);
		return;
	}
	fd = target_fd(&c, r->on);
	memset(&before, 0, sizeof(before));
	if (r->kind == A_VAL) {
		arg = (uintptr_t)resolve(&c, r->val);
	} else if (r->kind == A_BAD) {
		arg = (uintptr_t)g_none;
	} else if (r->kind == A_PTR) {
		before = r->arg;
		resolve_arg(&c, r, &before);
		arg = (uintptr_t)&after;
	}
	after = before;
	/* kvmtool initialises the vGIC last, after every vCPU: here just before KVM_RUN. */
	if (r->req == KVM_RUN && !(r->fix & (X_NOGIC | X_GIC_RAW | X_GIC_NOINIT)) && !gic_init(&c))
		RCHECK(!"CTRL_INIT");
	errno = 0;
	ret = r->req == KVM_RUN ? kvm_run_bounded(&c, fd) : rk_ioctl(c.h, fd, r->req, arg);
	err = errno;
	want = r->ret == R_IPA ? (long)c.ipa_limit : r->ret;

	if (r->ret == R_FD) {
		t_check(ret >= 0, __FILE__, __LINE__, "[%s] got %ld (%s), expected a new fd",
			r->name, ret, strerror(err));
		track(&c, (int)ret);
	} else if (want == -1) {
		t_check(ret == -1 && err == r->err, __FILE__, __LINE__,
			"[%s] got %ld (%s), expected -1 (%s)", r->name, ret,
			ret == -1 ? strerror(err) : "-", strerror(r->err));
		/* A failure writes nothing back. */
		if (r->kind == A_PTR)
			RCHECK(!memcmp(&before, &after, sizeof(after)));
	} else {
		t_check(ret == want, __FILE__, __LINE__, "[%s] got %ld (%s), expected %ld",
			r->name, ret, ret < 0 ? strerror(err) : "-", want);
	}

	if (r->prog) {
		/* base/size (the first two fields) and source advanced by the pages done. */
		uint64_t b[2], a[2];

		memcpy(b, &before, sizeof(b));
		memcpy(a, &after, sizeof(a));

		RCHECK(r->req == KVM_ARM_RMI_POPULATE || r->req == KVM_REALMKIT_POPULATE_FD ||
		       r->req == KVM_REALMKIT_INIT_RIPAS);
		RCHECK_EQ(a[0], b[0] + r->done);
		RCHECK_EQ(a[1], b[1] - r->done);
		if (r->req == KVM_ARM_RMI_POPULATE)
			RCHECK_EQ(after.pop.source_uaddr, before.pop.source_uaddr + r->done);
		if (r->req == KVM_REALMKIT_POPULATE_FD)
			RCHECK_EQ(after.popfd.offset, before.popfd.offset + r->done);
	}
	if (r->then) {
		/* The next call starts at the failing page and reports the error. */
		union arg next = after;

		EXPECT(&c, fd, r->req, &next, -1, r->then);
		RCHECK(!memcmp(&next, &after, sizeof(next)));
	}
	if (r->check)
		r->check(&c, &before, &after);
	teardown(&c);
	t_check(count_fds() == fds, __FILE__, __LINE__, "[%s] file descriptors leaked", r->name);
}

static void init_buffers(void)
{
	g_src = mmap(NULL, SRC_PAGES * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g_half = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g_none = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g_uaddr = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (g_src == MAP_FAILED || g_half == MAP_FAILED || g_none == MAP_FAILED ||
	    g_uaddr == MAP_FAILED || mprotect(g_half + PAGE, PAGE, PROT_NONE)) {
		perror("mmap");
		exit(2);
	}
	for (uint64_t i = 0; i < SRC_PAGES * PAGE; i++)
		g_src[i] = (uint8_t)(i * 13 + 1);
	memset(g_half, 0x5a, PAGE);
	for (uint64_t i = 0; i < FILE_LEN; i++)
		g_file[i] = (uint8_t)(i * 7 + 3);
}

int main(void)
{
	unsigned n = sizeof(rows) / sizeof(rows[0]);

	init_buffers();
	for (unsigned i = 0; i < n; i++)
		run_row(&rows[i]);
	printf("%u rows\n", n);
	return t_done();
}
