// SPDX-License-Identifier: MIT
/*
 * The realm VMM: executes a launch plan (plan.h) through rk_ioctl() only,
 * in the order kvmtool's realm support does it:
 *
 *   KVM_CREATE_VM (realm, IPA width) -> realm configuration caps ->
 *   KVM_CREATE_DEVICE(VGIC_V3) + its DIST/REDIST addresses -> guest_memfd +
 *   memslot + PRIVATE attributes over RAM -> vCPUs (PSCI 0.2) -> the vGIC's
 *   NR_IRQS and CTRL_INIT -> the SMCCC filter for the VMM's host calls ->
 *   KVM_ARM_RMI_POPULATE of every image -> VMM RIPAS ranges -> vCPU 0's
 *   entry registers -> one thread per vCPU in KVM_RUN (the first activates).
 *
 * Exits: MMIO to the UART or reported as unclaimed (read as zero, writes
 * ignored); MEMORY_FAULT (RIPAS change) answered with
 * KVM_SET_MEMORY_ATTRIBUTES and re-entry; HYPERCALL for the host calls of
 * plan.h (challenge in, token out); SYSTEM_EVENT ends the realm.
 */
#include "vmm/vmm.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "realmkit/host.h"
#include "realmkit/kvm_realmkit.h"
#include "vmm/uart.h"

#define MAX_UNCLAIMED_REPORTS 8

struct vmm;

struct vcpu {
	struct vmm *vmm;
	unsigned idx;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;
};

struct vmm {
	const struct vmm_plan *p;
	const struct vmm_run_config *c;
	struct vmm_result *r;
	struct rk_host *host;
	int kvm, vm, gmem, gic;
	uint8_t *ram_user; /* RAM's user memory: what the realm's shared pages are */
	pthread_mutex_t irq_lock; /* orders KVM_IRQ_LINE calls for the UART (before uart.lock) */
	bool uart_line;    /* the UART's SPI level last given to KVM_IRQ_LINE (irq_lock) */
	bool gic_ok;
	struct vcpu vcpu[VMM_MAX_CPUS];
	unsigned nvcpus;
	struct uart uart;
	pthread_mutex_t lock; /* result, ending, counters, token */
	pthread_cond_t done_cv;
	unsigned running;
	bool ended;
	double t_first_run;
	int in_pipe[2];       /* wakes the stdin thread at the end */
	pthread_t in_thread;
	bool in_started;
	struct termios saved_tio;
	bool tio_saved;
};

static volatile sig_atomic_t stop_requested;
static struct vmm *volatile active_vmm;

double vmm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *const ending_names[] = {
	[VMM_END_SYSTEM_OFF] = "system_off",   [VMM_END_SYSTEM_RESET] = "system_reset",
	[VMM_END_FAULT] = "fault",             [VMM_END_STRICT_MMIO] = "unclaimed_mmio",
	[VMM_END_TIMEOUT] = "timeout",         [VMM_END_INTERRUPTED] = "interrupted",
	[VMM_END_ERROR] = "vmm_error",
};

const char *vmm_ending_name(enum vmm_ending e)
{
	return (unsigned)e < sizeof(ending_names) / sizeof(ending_names[0]) ? ending_names[e] : "?";
}

int vmm_ending_exit_code(enum vmm_ending e)
{
	switch (e) {
	case VMM_END_SYSTEM_OFF:
		return VMM_EXIT_OK;
	case VMM_END_SYSTEM_RESET:
		return VMM_EXIT_RESET;
	case VMM_END_FAULT:
	case VMM_END_STRICT_MMIO:
		return VMM_EXIT_FAULT;
	case VMM_END_TIMEOUT:
		return VMM_EXIT_TIMEOUT;
	case VMM_END_INTERRUPTED:
		return VMM_EXIT_INTERRUPTED;
	default:
		return VMM_EXIT_ERROR;
	}
}

/* Make every vCPU leave KVM_RUN (at its next exit, or within KVM's 10 ms tick). */
static void kick_all(struct vmm *v)
{
	for (unsigned i = 0; i < v->nvcpus; i++)
		if (v->vcpu[i].run)
			__atomic_store_n(&v->vcpu[i].run->immediate_exit, 1, __ATOMIC_RELEASE);
}

void vmm_request_stop(void)
{
	struct vmm *v = active_vmm;

	stop_requested = 1;
	if (v)
		kick_all(v);
}

/* The first ending wins; every vCPU is then stopped. Call with v->lock held. */
static void end_locked(struct vmm *v, enum vmm_ending e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void end_locked(struct vmm *v, enum vmm_ending e, const char *fmt, ...)
{
	va_list ap;

	if (v->ended)
		return;
	__atomic_store_n(&v->ended, true, __ATOMIC_RELEASE);
	v->r->ending = e;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(v->r->detail, sizeof(v->r->detail), fmt, ap);
		va_end(ap);
	}
	if (e != VMM_END_SYSTEM_OFF && e != VMM_END_SYSTEM_RESET)
		kick_all(v);
}

#define end_realm(v, ...)                          \
	do {                                       \
		pthread_mutex_lock(&(v)->lock);    \
		end_locked((v), __VA_ARGS__);      \
		pthread_mutex_unlock(&(v)->lock);  \
	} while (0)

/* ---- devices ---- */

/*
 * Drive the UART's SPI to the UART's current level.  The vCPU threads and the
 * stdin thread all come here after touching the UART: the level is read and
 * given to KVM under one lock, so the last KVM_IRQ_LINE is always the
 * current level, and the line is only driven when it changes (a
 * KVM_IRQ_LINE per console byte was half the ioctls of the demo).
 */
static void set_uart_irq(struct vmm *v)
{
	struct kvm_irq_level l = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | VMM_UART_INTID,
	};
	static int warned;

	pthread_mutex_lock(&v->irq_lock);
	l.level = uart_irq_level(&v->uart);
	if (l.level != v->uart_line) {
		v->uart_line = l.level;
		if (v->gic_ok && rk_ioctl(v->host, v->vm, KVM_IRQ_LINE, &l) &&
		    !__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
			fprintf(stderr, "realmkit run: KVM_IRQ_LINE(UART, SPI %u): %s\n",
				VMM_UART_INTID, strerror(errno));
	}
	pthread_mutex_unlock(&v->irq_lock);
}

/* The doorbell: an SPI pulse for a write of one of its INTIDs (plan.h). */
static void doorbell(struct vmm *v, uint64_t off, bool is_write, uint64_t val)
{
	struct kvm_irq_level l = { .irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) };

	if (!is_write)
		return;
	if (off == 8) {
		pthread_mutex_lock(&v->lock);
		v->r->markers++;
		pthread_mutex_unlock(&v->lock);
		return;
	}
	if (off != 0 || val < VMM_DOORBELL_INTID0 ||
	    val >= VMM_DOORBELL_INTID0 + VMM_DOORBELL_NIRQ || !v->gic_ok)
		return;
	l.irq |= (uint32_t)val;
	pthread_mutex_lock(&v->lock);
	v->r->doorbells++;
	pthread_mutex_unlock(&v->lock);
	/* An edge, as kvmtool's irq__trigger: the line high, then low. */
	l.level = 1;
	if (!rk_ioctl(v->host, v->vm, KVM_IRQ_LINE, &l)) {
		l.level = 0;
		if (!rk_ioctl(v->host, v->vm, KVM_IRQ_LINE, &l))
			return;
	}
	end_realm(v, VMM_END_ERROR, "doorbell: KVM_IRQ_LINE(SPI %u): %s", (unsigned)val,
		  strerror(errno));
}

static void on_mmio(struct vmm *v, struct vcpu *c)
{
	struct kvm_run *run = c->run;
	uint64_t a = run->mmio.phys_addr, val = 0;
	unsigned len = run->mmio.len > 8 ? 8 : run->mmio.len;

	if (run->mmio.is_write)
		memcpy(&val, run->mmio.data, len);
	if (a >= VMM_UART_BASE && a < VMM_UART_BASE + 8) {
		uart_access(&v->uart, (unsigned)(a - VMM_UART_BASE), run->mmio.is_write, &val);
		set_uart_irq(v);
		pthread_mutex_lock(&v->lock);
		v->r->mmio_exits++;
		pthread_mutex_unlock(&v->lock);
	} else if (a >= VMM_DOORBELL_BASE && a < VMM_DOORBELL_BASE + VMM_DOORBELL_SIZE) {
		doorbell(v, a - VMM_DOORBELL_BASE, run->mmio.is_write, val);
		pthread_mutex_lock(&v->lock);
		v->r->mmio_exits++;
		pthread_mutex_unlock(&v->lock);
		val = 0;
	} else {
		uint64_t n;

		pthread_mutex_lock(&v->lock);
		v->r->mmio_exits++;
		n = ++v->r->mmio_unclaimed;
		pthread_mutex_unlock(&v->lock);
		/* PC: a realm's is the RMM's; KVM_GET_ONE_REG(PC) does not give it (v14). */
		if (n <= MAX_UNCLAIMED_REPORTS || v->c->strict_mmio) {
			fflush(v->c->console_out);
			fprintf(stderr, "realmkit run: unclaimed MMIO %s at 0x%llx, %u byte%s%s%llx, "
				"vcpu %u (pc: not visible to a realm VMM)%s\n",
				run->mmio.is_write ? "write" : "read", (unsigned long long)a, len,
				len == 1 ? "" : "s", run->mmio.is_write ? ", value 0x" : "",
				(unsigned long long)(run->mmio.is_write ? val : 0), c->idx,
				v->c->strict_mmio ? "" :
				n == MAX_UNCLAIMED_REPORTS ? " (further ones only counted)" :
							      "");
		}
		if (v->c->strict_mmio)
			end_realm(v, VMM_END_STRICT_MMIO, "unclaimed MMIO %s at 0x%llx (%u bytes)",
				  run->mmio.is_write ? "write" : "read", (unsigned long long)a, len);
		val = 0; /* reads as zero, writes ignored (kvmtool) */
	}
	if (!run->mmio.is_write)
		memcpy(run->mmio.data, &val, sizeof(run->mmio.data));
}

static int on_memory_fault(struct vmm *v, struct vcpu *c)
{
	struct kvm_run *run = c->run;
	bool private = run->memory_fault.flags & KVM_MEMORY_EXIT_FLAG_PRIVATE;
	uint64_t gpa = run->memory_fault.gpa, size = run->memory_fault.size;
	uint64_t top = v->p->ram_base + v->p->ram_size;
	struct kvm_memory_attributes a = { .address = gpa, .size = size,
					   .attributes = private ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0 };

	pthread_mutex_lock(&v->lock);
	v->r->memory_faults++;
	pthread_mutex_unlock(&v->lock);
	if (gpa < v->p->ram_base || gpa >= top || top - gpa < size) {
		end_realm(v, VMM_END_FAULT, "the realm needs memory at [0x%llx, 0x%llx), outside "
			  "its RAM [0x%llx, 0x%llx)", (unsigned long long)gpa,
			  (unsigned long long)(gpa + size), (unsigned long long)v->p->ram_base,
			  (unsigned long long)top);
		return -1;
	}
	if (private && v->c->refuse_ram)
		return 0; /* leave it shared: KVM answers the realm REJECT */
	if (rk_ioctl(v->host, v->vm, KVM_SET_MEMORY_ATTRIBUTES, &a)) {
		end_realm(v, VMM_END_ERROR, "KVM_SET_MEMORY_ATTRIBUTES [0x%llx, +0x%llx): %s",
			  (unsigned long long)gpa, (unsigned long long)size, strerror(errno));
		return -1;
	}
	return 0;
}

static int get_x(struct vmm *v, struct vcpu *c, unsigned n, uint64_t *val)
{
	struct kvm_one_reg r = { .id = KVM_REG_ARM64_X(n), .addr = (uintptr_t)val };

	return rk_ioctl(v->host, c->fd, KVM_GET_ONE_REG, &r);
}

static int set_x(struct vmm *v, struct vcpu *c, unsigned n, uint64_t val)
{
	struct kvm_one_reg r = { .id = KVM_REG_ARM64_X(n), .addr = (uintptr_t)&val };

	return rk_ioctl(v->host, c->fd, KVM_SET_ONE_REG, &r);
}

/* The host calls of plan.h; x0 = 0 on success, -1 (NOT_SUPPORTED) or 1 otherwise. */
#define VMM_SHARED_ANSWER "pong from the VMM, written through its own mapping"

/*
 * VMM_HC_SHARED: the realm wrote a message into a RAM page it shared
 * (RIPAS EMPTY, written at its unprotected alias).  That page is this VMM's
 * RAM memory, which KVM mapped for the realm (docs/KVM.md, "Shared
 * memory"): read it and answer in the same page.  v->lock held.
 */
static uint64_t shared_message(struct vmm *v, uint64_t gpa, uint64_t len, uint64_t *answer_len)
{
	const struct vmm_plan *p = v->p;
	char msg[128];
	uint8_t *page;

	if ((gpa & 0xfff) || gpa < p->ram_base || gpa - p->ram_base >= p->ram_size ||
	    len >= sizeof(msg))
		return 1;
	page = v->ram_user + (gpa - p->ram_base);
	memcpy(msg, page, len);
	msg[len] = 0;
	for (uint64_t i = 0; i < len; i++)
		if (msg[i] < 0x20 || msg[i] > 0x7e)
			msg[i] = '.';
	v->r->shared_reads++;
	memcpy(page, VMM_SHARED_ANSWER, sizeof(VMM_SHARED_ANSWER));
	uart_host_line(&v->uart, "    vmm: read \"%s\" from its own memory for IPA 0x%llx; "
		       "answered in the same page\n", msg, (unsigned long long)gpa);
	*answer_len = sizeof(VMM_SHARED_ANSWER) - 1;
	return 0;
}

static int on_hypercall(struct vmm *v, struct vcpu *c)
{
	uint64_t x[31] = { 0 }, ret = (uint64_t)-1;
	unsigned nr = (unsigned)c->run->hypercall.nr, nset = 1;

	for (unsigned i = 0; i < 31; i++)
		if (get_x(v, c, i, &x[i]))
			goto fail;
	pthread_mutex_lock(&v->lock);
	v->r->hypercalls++;
	if (nr == VMM_HC_CHALLENGE) {
		if (v->c->challenge) {
			for (unsigned i = 0; i < 8; i++) {
				uint64_t w = 0;

				for (int b = 7; b >= 0; b--)
					w = w << 8 | v->c->challenge[8 * i + (unsigned)b];
				x[1 + i] = w;
			}
			ret = 0;
			nset = 9;
		} else {
			ret = 1;
		}
	} else if (nr == VMM_HC_TOKEN) {
		uint64_t total = x[1], off = x[2], len = x[3];

		ret = 1;
		if (total && total <= VMM_TOKEN_MAX && len <= VMM_HC_TOKEN_CHUNK && off <= total &&
		    len <= total - off) {
			if (!v->r->token || v->r->token_size != total) {
				free(v->r->token);
				v->r->token = calloc(1, total);
				v->r->token_size = v->r->token ? total : 0;
			}
			if (v->r->token) {
				memcpy(v->r->token + off, &x[4], len);
				if (off + len == total)
					v->r->token_complete = true;
				ret = 0;
			}
		}
	} else if (nr == VMM_HC_SHARED) {
		ret = shared_message(v, x[1], x[2], &x[1]);
		nset = 2;
	} else if (nr == VMM_HC_TOKEN_ERROR) {
		v->r->attest_failed = true;
		v->r->attest_rsi_status = x[1];
		ret = 0;
	}
	pthread_mutex_unlock(&v->lock);
	x[0] = ret;
	for (unsigned i = 0; i < nset; i++)
		if (set_x(v, c, i, x[i]))
			goto fail;
	return 0;
fail:
	end_realm(v, VMM_END_ERROR, "host call 0x%x: KVM_{GET,SET}_ONE_REG: %s", nr,
		  strerror(errno));
	return -1;
}

/* ---- vCPU threads ---- */

static void *vcpu_main(void *arg)
{
	struct vcpu *c = arg;
	struct vmm *v = c->vmm;
	bool first = true;

	for (;;) {
		double t0 = first && c->idx == 0 ? vmm_now() : 0;
		int ret = rk_ioctl(v->host, c->fd, KVM_RUN, 0), err = ret ? errno : 0;
		uint32_t reason = c->run->exit_reason;

		if (first && c->idx == 0) {
			pthread_mutex_lock(&v->lock);
			v->r->t.activate = (vmm_now() - t0) * 1e3;
			pthread_mutex_unlock(&v->lock);
		}
		first = false;
		if (ret && err == EFAULT && reason == KVM_EXIT_MEMORY_FAULT) {
			if (on_memory_fault(v, c))
				break;
			continue;
		}
		if (ret && err == EINTR) {
			/* immediate_exit: an ending elsewhere, the timeout or a signal. */
			if (stop_requested)
				end_realm(v, VMM_END_INTERRUPTED, "stopped by a signal");
			break;
		}
		if (ret) {
			end_realm(v, err == ENXIO ? VMM_END_FAULT : VMM_END_ERROR,
				  "vcpu %u: KVM_RUN: %s%s", c->idx, strerror(err),
				  err == ENXIO ? " (an exit KVM cannot handle: instruction abort, "
						 "unknown exception class, or the realm is dead)" : "");
			break;
		}
		if (reason == KVM_EXIT_MMIO) {
			on_mmio(v, c);
		} else if (reason == KVM_EXIT_HYPERCALL) {
			if (on_hypercall(v, c))
				break;
		} else if (reason == KVM_EXIT_SYSTEM_EVENT) {
			uint32_t type = c->run->system_event.type;

			if (type == KVM_SYSTEM_EVENT_SHUTDOWN)
				end_realm(v, VMM_END_SYSTEM_OFF, NULL);
			else if (type == KVM_SYSTEM_EVENT_RESET)
				end_realm(v, VMM_END_SYSTEM_RESET, NULL);
			else
				end_realm(v, VMM_END_FAULT, "system event %u", type);
			break;
		} else if (reason == KVM_EXIT_SHUTDOWN) {
			end_realm(v, VMM_END_FAULT, "KVM_EXIT_SHUTDOWN: the realm is off");
			break;
		} else if (reason == KVM_EXIT_INTR) {
			continue;
		} else {
			end_realm(v, VMM_END_ERROR, "vcpu %u: unexpected exit reason %u", c->idx,
				  reason);
			break;
		}
		if (__atomic_load_n(&c->run->immediate_exit, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&v->ended, __ATOMIC_ACQUIRE))
			break;
	}
	pthread_mutex_lock(&v->lock);
	v->running--;
	pthread_cond_broadcast(&v->done_cv);
	pthread_mutex_unlock(&v->lock);
	return NULL;
}

/* Host input for the UART: stdin in non-canonical mode while the realm runs. */
static void *stdin_main(void *arg)
{
	struct vmm *v = arg;
	struct pollfd pfd[2] = { { .fd = 0, .events = POLLIN },
				 { .fd = v->in_pipe[0], .events = POLLIN } };

	for (;;) {
		uint8_t buf[64];
		ssize_t n;
		bool irq;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & (POLLIN | POLLHUP)))
			continue;
		n = read(0, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (size_t done = 0; done < (size_t)n;) {
			size_t k = uart_input(&v->uart, buf + done, (size_t)n - done, &irq);

			set_uart_irq(v);
			done += k;
			if (done < (size_t)n) {
				if (poll(&pfd[1], 1, 10) > 0)
					return NULL;
			}
		}
	}
	return NULL;
}

static void start_input(struct vmm *v)
{
	struct termios t;

	struct stat st;

	/*
	 * stdin feeds the UART: a terminal (non-canonical, no echo), or a pipe,
	 * FIFO, socket or regular file as it is.  Nothing else (e.g. /dev/null,
	 * a closed stdin): there is no input to wait for.
	 */
	if (v->c->console != VMM_CONSOLE_STDIO || fstat(0, &st) ||
	    !(isatty(0) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISREG(st.st_mode)) ||
	    pipe(v->in_pipe))
		return;
	if (isatty(0) && !tcgetattr(0, &v->saved_tio)) {
		t = v->saved_tio;
		t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		if (!tcsetattr(0, TCSANOW, &t))
			v->tio_saved = true;
	}
	v->in_started = !pthread_create(&v->in_thread, NULL, stdin_main, v);
	if (!v->in_started) {
		close(v->in_pipe[0]);
		close(v->in_pipe[1]);
	}
}

static void stop_input(struct vmm *v)
{
	if (!v->in_started)
		return;
	if (write(v->in_pipe[1], "", 1) < 0) {
		/* the thread still ends at EOF; nothing else to do */
	}
	pthread_join(v->in_thread, NULL);
	close(v->in_pipe[0]);
	close(v->in_pipe[1]);
	if (v->tio_saved)
		tcsetattr(0, TCSANOW, &v->saved_tio);
}

/* ---- launch ---- */

static int fail(struct vmm *v, const char *what)
{
	end_realm(v, VMM_END_ERROR, "%s: %s", what, strerror(errno));
	return -1;
}

static int enable_cap(struct vmm *v, uint64_t cap, uint64_t a0, uint64_t a1)
{
	struct kvm_enable_cap ec = { .cap = (uint32_t)cap, .args = { a0, a1 } };

	return rk_ioctl(v->host, v->vm, KVM_ENABLE_CAP, &ec);
}

static int gic_attr(struct vmm *v, uint32_t group, uint64_t attr, uint64_t *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	return rk_ioctl(v->host, v->gic, KVM_SET_DEVICE_ATTR, &a);
}

/* KVM_CREATE_DEVICE and the addresses, right after the VM, as kvmtool's gic__create. */
static int create_gic(struct vmm *v)
{
	struct kvm_create_device d = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t redist = v->p->gic_redist_base, dist = VMM_GIC_DIST_BASE;

	if (rk_ioctl(v->host, v->vm, KVM_CREATE_DEVICE, &d))
		return fail(v, "KVM_CREATE_DEVICE(VGIC_V3)");
	v->gic = (int)d.fd;
	if (gic_attr(v, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist))
		return fail(v, "vGIC redistributor address");
	if (gic_attr(v, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist))
		return fail(v, "vGIC distributor address");
	return 0;
}

/* After the vCPUs: the number of IRQs (SPIs rounded to 32, plus the 32 private) and INIT. */
static int init_gic(struct vmm *v)
{
	uint64_t nr = 64; /* one SPI (the UART): ALIGN(1, 32) + 32 */
	uint32_t nr32 = (uint32_t)nr;
	struct kvm_device_attr a = { .group = KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
				     .addr = (uintptr_t)&nr32 };

	if (rk_ioctl(v->host, v->gic, KVM_SET_DEVICE_ATTR, &a))
		return fail(v, "vGIC NR_IRQS");
	if (gic_attr(v, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))
		return fail(v, "vGIC CTRL_INIT");
	v->gic_ok = true;
	return 0;
}

static int populate(struct vmm *v, const struct vmm_region *reg)
{
	struct kvm_arm_rmi_populate pop = {
		.base = reg->gpa,
		.size = reg->size,
		.source_uaddr = (uintptr_t)reg->data,
		.flags = reg->measured ? KVM_ARM_RMI_POPULATE_FLAGS_MEASURE : 0,
	};
	char what[64];

	while (pop.size) {
		if (rk_ioctl(v->host, v->vm, KVM_ARM_RMI_POPULATE, &pop)) {
			snprintf(what, sizeof(what), "KVM_ARM_RMI_POPULATE(%s at 0x%llx)",
				 vmm_image_name(reg->what), (unsigned long long)pop.base);
			return fail(v, what);
		}
	}
	return 0;
}

static int init_ripas(struct vmm *v, uint64_t base, uint64_t top)
{
	struct kvm_realmkit_init_ripas r = { .base = base, .size = top - base };

	while (r.size)
		if (rk_ioctl(v->host, v->vm, KVM_REALMKIT_INIT_RIPAS, &r))
			return fail(v, "KVM_REALMKIT_INIT_RIPAS");
	return 0;
}

static int setup(struct vmm *v)
{
	const struct vmm_plan *p = v->p;
	struct kvm_create_guest_memfd g = { .size = p->ram_size };
	struct kvm_userspace_memory_region2 slot = { 0 };
	struct kvm_memory_attributes attr = { .address = p->ram_base, .size = p->ram_size,
					      .attributes = KVM_MEMORY_ATTRIBUTE_PRIVATE };
	struct kvm_smccc_filter f = { .base = VMM_HC_FIRST, .nr_functions = VMM_HC_COUNT,
				      .action = KVM_SMCCC_FILTER_FWD_TO_USER };
	struct kvm_device_attr fa = { .group = KVM_ARM_VM_SMCCC_CTRL,
				      .attr = KVM_ARM_VM_SMCCC_FILTER, .addr = (uintptr_t)&f };
	double t;

	v->kvm = rk_open_kvm(v->host);
	if (v->kvm < 0)
		return fail(v, "open /dev/kvm");
	v->vm = rk_ioctl(v->host, v->kvm, KVM_CREATE_VM, KVM_VM_TYPE_ARM_REALM | p->ipa_bits);
	if (v->vm < 0)
		return fail(v, "KVM_CREATE_VM");
	if (p->hash_algo && enable_cap(v, KVM_CAP_REALMKIT_REALM_CONFIG,
				       KVM_REALMKIT_CFG_HASH_ALGO, KVM_REALMKIT_HASH_SHA512))
		return fail(v, "realm configuration: hash algorithm");
	if (p->rpv_set && enable_cap(v, KVM_CAP_REALMKIT_REALM_CONFIG, KVM_REALMKIT_CFG_RPV,
				     (uintptr_t)p->rpv))
		return fail(v, "realm configuration: RPV");
	if (p->ripas != VMM_RIPAS_KVM && enable_cap(v, KVM_CAP_REALMKIT_VMM_RIPAS, 0, 0))
		return fail(v, "KVM_CAP_REALMKIT_VMM_RIPAS");
	if (p->populate_chunk_set &&
	    enable_cap(v, KVM_CAP_REALMKIT_POPULATE_CHUNK, p->populate_chunk, 0))
		return fail(v, "KVM_CAP_REALMKIT_POPULATE_CHUNK");
	if (create_gic(v))
		return -1;

	v->gmem = rk_ioctl(v->host, v->vm, KVM_CREATE_GUEST_MEMFD, &g);
	if (v->gmem < 0)
		return fail(v, "KVM_CREATE_GUEST_MEMFD");
	slot.flags = KVM_MEM_GUEST_MEMFD;
	slot.guest_phys_addr = p->ram_base;
	slot.memory_size = p->ram_size;
	slot.guest_memfd = (uint32_t)v->gmem;
	/*
	 * RAM's user memory, as kvmtool gives it: what the realm reaches at the
	 * unprotected alias of a page it shared.  Anonymous and lazy: only pages
	 * the realm shares are ever touched.
	 */
	v->ram_user = mmap(NULL, p->ram_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (v->ram_user == MAP_FAILED) {
		v->ram_user = NULL;
		return fail(v, "mmap of RAM's user memory");
	}
	slot.userspace_addr = (uintptr_t)v->ram_user;
	if (rk_ioctl(v->host, v->vm, KVM_SET_USER_MEMORY_REGION2, &slot))
		return fail(v, "KVM_SET_USER_MEMORY_REGION2");
	if (rk_ioctl(v->host, v->vm, KVM_SET_MEMORY_ATTRIBUTES, &attr))
		return fail(v, "KVM_SET_MEMORY_ATTRIBUTES");

	for (unsigned i = 0; i < p->cpus; i++) {
		struct vcpu *c = &v->vcpu[i];
		struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };

		c->vmm = v;
		c->idx = i;
		c->fd = rk_ioctl(v->host, v->vm, KVM_CREATE_VCPU, i);
		if (c->fd < 0)
			return fail(v, "KVM_CREATE_VCPU");
		v->nvcpus++;
		init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
		if (rk_ioctl(v->host, c->fd, KVM_ARM_VCPU_INIT, &init))
			return fail(v, "KVM_ARM_VCPU_INIT");
		c->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
		if (c->run == MAP_FAILED) {
			c->run = NULL;
			return fail(v, "mmap(kvm_run)");
		}
	}
	if (init_gic(v))
		return -1;
	if (rk_ioctl(v->host, v->vm, KVM_SET_DEVICE_ATTR, &fa))
		return fail(v, "SMCCC filter for the VMM's host calls");
	v->r->t.create = (vmm_now() - v->t_first_run) * 1e3;

	for (unsigned i = 0; i < p->nregions; i++) {
		const struct vmm_region *reg = &p->region[i];

		t = vmm_now();
		if (populate(v, reg))
			return -1;
		t = (vmm_now() - t) * 1e3;
		if (reg->measured) {
			v->r->t.populate_measured += t;
			v->r->t.measured_bytes += reg->size;
		} else {
			v->r->t.populate_unmeasured += t;
			v->r->t.unmeasured_bytes += reg->size;
		}
	}
	t = vmm_now();
	for (unsigned i = 0; i < p->nripas; i++)
		if (init_ripas(v, p->ripas_range[i].base, p->ripas_range[i].top))
			return -1;
	v->r->t.ripas = (vmm_now() - t) * 1e3;

	{
		struct kvm_one_reg pc = { .id = KVM_REG_ARM64_PC, .addr = (uintptr_t)&p->entry_pc };

		if (rk_ioctl(v->host, v->vcpu[0].fd, KVM_SET_ONE_REG, &pc))
			return fail(v, "KVM_SET_ONE_REG(PC)");
		for (unsigned i = 0; i < 8; i++)
			if (p->entry_x[i] && set_x(v, &v->vcpu[0], i, p->entry_x[i]))
				return fail(v, "KVM_SET_ONE_REG(x0..x7)");
	}
	return 0;
}

static void run_vcpus(struct vmm *v)
{
	struct timespec deadline;
	double t_end = v->c->timeout > 0 ? vmm_now() + v->c->timeout : 0;

	start_input(v);
	active_vmm = v;
	for (unsigned i = 0; i < v->nvcpus; i++) {
		struct vcpu *c = &v->vcpu[i];

		pthread_mutex_lock(&v->lock);
		v->running++;
		pthread_mutex_unlock(&v->lock);
		if (pthread_create(&c->thread, NULL, vcpu_main, c)) {
			pthread_mutex_lock(&v->lock);
			v->running--;
			end_locked(v, VMM_END_ERROR, "pthread_create: out of threads");
			pthread_mutex_unlock(&v->lock);
			break;
		}
		c->started = true;
	}
	pthread_mutex_lock(&v->lock);
	while (v->running) {
		double now = vmm_now(), wake = now + 0.05;

		if (stop_requested)
			end_locked(v, VMM_END_INTERRUPTED, "stopped by a signal");
		if (t_end && now >= t_end) {
			end_locked(v, VMM_END_TIMEOUT, "no SYSTEM_OFF within %g s", v->c->timeout);
			/*
			 * Ended: from now on wait in 50 ms steps for the vCPU threads.
			 * Keeping t_end would set a deadline in the past on every
			 * turn: a hot loop retaking v->lock that can starve the very
			 * vCPU threads it waits for (seen in CI as a livelock).
			 */
			t_end = 0;
		}
		if (t_end && t_end < wake)
			wake = t_end;
		clock_gettime(CLOCK_REALTIME, &deadline);
		{
			double d = wake - now;
			long ns = deadline.tv_nsec + (long)(d * 1e9);

			deadline.tv_sec += ns / 1000000000L;
			deadline.tv_nsec = ns % 1000000000L;
		}
		pthread_cond_timedwait(&v->done_cv, &v->lock, &deadline);
	}
	if (!v->ended)
		end_locked(v, VMM_END_ERROR, "every vCPU stopped without an ending");
	pthread_mutex_unlock(&v->lock);
	for (unsigned i = 0; i < v->nvcpus; i++)
		if (v->vcpu[i].started)
			pthread_join(v->vcpu[i].thread, NULL);
	active_vmm = NULL;
	stop_input(v);
}

int vmm_launch(const struct vmm_plan *p, const struct vmm_run_config *c, struct vmm_result *r)
{
	struct vmm *v = calloc(1, sizeof(*v));
	double t_run;

	memset(r, 0, sizeof(*r));
	if (!v) {
		r->ending = VMM_END_ERROR;
		snprintf(r->detail, sizeof(r->detail), "out of memory");
		return VMM_EXIT_ERROR;
	}
	v->p = p;
	v->c = c;
	v->r = r;
	v->kvm = v->vm = v->gmem = v->gic = -1;
	pthread_mutex_init(&v->lock, NULL);
	pthread_mutex_init(&v->irq_lock, NULL);
	pthread_cond_init(&v->done_cv, NULL);
	uart_init(&v->uart, c->console == VMM_CONSOLE_NONE ? NULL : c->console_out,
		  c->console == VMM_CONSOLE_STDIO && isatty(0));
	v->t_first_run = vmm_now();
	/* DRAM for RAM plus the RMM's and KVM's pages (RTTs, RD, RECs): lazily backed. */
	v->host = rk_host_create(&(struct rk_host_config){
		.dram_size = p->ram_size + (64ULL << 20) });
	if (!v->host) {
		end_realm(v, VMM_END_ERROR, "creating the simulated host: %s", strerror(errno));
	} else if (!setup(v)) {
		t_run = vmm_now();
		run_vcpus(v);
		r->t.run = (vmm_now() - t_run) * 1e3;
		if (!rk_vm_measurements(v->host, v->vm, &r->m))
			r->have_measurements = true;
	}
	if (c->console_out)
		fflush(c->console_out);
	for (unsigned i = 0; i < v->nvcpus; i++) {
		if (v->vcpu[i].run)
			munmap(v->vcpu[i].run, 4096);
		close(v->vcpu[i].fd);
	}
	if (v->gic >= 0)
		close(v->gic);
	if (v->gmem >= 0)
		close(v->gmem);
	if (v->vm >= 0)
		close(v->vm);
	if (v->kvm >= 0)
		close(v->kvm);
	if (v->host)
		rk_host_destroy(v->host);
	if (v->ram_user)
		munmap(v->ram_user, p->ram_size);
	uart_destroy(&v->uart);
	pthread_cond_destroy(&v->done_cv);
	pthread_mutex_destroy(&v->lock);
	pthread_mutex_destroy(&v->irq_lock);
	free(v);
	r->t.total = (vmm_now() - c->t_process_start) * 1e3;
	return vmm_ending_exit_code(r->ending);
}

void vmm_result_free(struct vmm_result *r)
{
	free(r->token);
	r->token = NULL;
}
