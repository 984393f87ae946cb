/* SPDX-License-Identifier: MIT */
/*
 * realmkit's host kernel (KVM for realms) internals.  KVM reaches the RMM
 * only through the SMC boundary, and memory only through the host view of
 * the simulated DRAM: it shares NS pages with the RMM (parameters, REC run
 * pages, staging pages for populate) and never touches delegated ones.
 */
#ifndef REALMKIT_KVM_INTERNAL_H
#define REALMKIT_KVM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hw/pas.h"
#include "kvm/palloc.h"
#include "realmkit/host.h"
#include "realmkit/kvm.h"
#include "realmkit/kvm_realmkit.h"
#include "realmkit/rmi.h"
#include "realmkit/rmi2.h"
#include "rmm/rmm.h"

#define RK_MAX_VCPUS    64
#define RK_MAX_MEMSLOTS 32
#define RK_DEFAULT_IPA  40
#define RK_MMAP_SIZE    4096
#define RK_STAGING_PAGES 64 /* populate copies this many pages per read */
#define RK_POPULATE_CHUNK_MAX (1ULL << 32) /* pages (16 TiB); 0 means no limit */

enum rk_file_type { RK_FILE_SYSTEM, RK_FILE_VM, RK_FILE_VCPU, RK_FILE_GMEM, RK_FILE_DEVICE };

/* An open KVM file: a memfd user space holds, watched for its release (host.c). */
struct rk_file {
	enum rk_file_type type;
	dev_t dev;
	ino_t ino;
	int wd;    /* inotify watch */
	void *obj; /* struct rk_vm / rk_vcpu / rk_gmem; NULL for /dev/kvm */
	struct rk_file *next;     /* every file */
	struct rk_file *ino_next; /* hash by inode, for rk_ioctl() */
	struct rk_file *wd_next;  /* hash by watch, for the reap */
};
#define RK_FILE_BUCKETS 1024

struct rk_gmem {
	struct rk_vm *vm;
	uint64_t size;
	uint64_t *pages; /* PA backing each page, 0 if none yet */
	struct rk_file *file;
	uint8_t *map;    /* KVM's own mapping of the file (what user space writes lands here) */
	uint8_t *pop;    /* per page: KVM_REALMKIT_GMEM_* flags of its populate range, or NULL */
};

struct rk_memslot {
	bool used;
	uint32_t slot;
	uint32_t flags;
	uint64_t gpa;
	uint64_t size;
	uint64_t uaddr;
	struct rk_gmem *gmem;
	uint64_t gmem_offset;
};

/* A page of a memslot's user memory that KVM mapped into the realm's unprotected IPA (shared.c). */
struct rk_shared_page {
	uint64_t gpa;   /* without the shared bit */
	uint64_t uaddr; /* the VMM's page, now an alias of @pa */
	uint64_t pa;    /* the NS DRAM granule behind both */
	bool multi;     /* another entry (another GPA) shares @pa: freed with the last one */
};

struct rk_range {
	uint64_t start, end;
};

enum rk_realm_state { RK_REALM_NONE, RK_REALM_NEW, RK_REALM_ACTIVE, RK_REALM_DEAD };

/* What a vCPU's last return to user space left for the next KVM_RUN to complete. */
enum rk_pending {
	RK_PENDING_NONE,
	RK_PENDING_MMIO,      /* KVM_EXIT_MMIO: the read value goes back to the realm */
	RK_PENDING_RIPAS,     /* KVM_EXIT_MEMORY_FAULT of a RIPAS change: apply it */
	RK_PENDING_HOST_CALL, /* KVM_EXIT_HYPERCALL of an RSI host call: return x0..x30 */
};

/* ---- the in-kernel GICv3 (vgic.c) ---- */
#define RK_VGIC_ADDR_UNDEF   (~0ULL)
#define RK_VGIC_NR_PRIVATE   32
#define RK_VGIC_NR_SGIS      16
#define RK_VGIC_MAX_RESERVED 1023 /* NR_IRQS above it: EINVAL (Linux's VGIC_MAX_RESERVED) */
#define RK_VGIC_LEGACY_IRQS  256  /* NR_IRQS when the VMM sets none (VGIC_NR_IRQS_LEGACY) */
#define RK_VGIC_MAX_RDREGS   16
#define RK_VGIC_MAX_LRS      16

/* One interrupt's state, as the distributor/redistributor hold it. */
struct rk_irq {
	uint32_t intid;
	uint8_t priority;
	bool enabled;
	bool edge;          /* ICFGR: edge-triggered (else level) */
	bool line_level;    /* level-sensitive input line */
	bool pending_latch; /* edge latch, or a pending bit set by the guest */
	bool active;
	bool in_lr;         /* in one of the target's list registers now */
	uint64_t route;     /* SPIs: IROUTER (Aff3.Aff2.Aff1.Aff0) */
};

/* Per-vCPU view of the vGIC: private interrupts and the LRs given to the RMM. */
struct rk_vgic_cpu {
	struct rk_irq priv[RK_VGIC_NR_PRIVATE];
	uint64_t lrs[RK_VGIC_MAX_LRS]; /* as last given to / returned by the RMM */
	unsigned used_lrs;
	uint64_t hcr, vmcr, misr;      /* from the last REC exit */
	uint64_t ap0r, ap1r;           /* RMI 2.0: the active priorities, saved at exit */
	bool waker_sleep;              /* GICR_WAKER.ProcessorSleep */
};

struct rk_vgic {
	struct rk_vm *vm;
	struct rk_file *file;
	bool initialised; /* KVM_DEV_ARM_VGIC_CTRL_INIT done */
	bool ready;       /* mapped by the first KVM_RUN */
	uint64_t dist_base;
	struct {
		uint64_t base;
		uint32_t count; /* redistributors; 0: the legacy region, as many as vCPUs */
	} rdreg[RK_VGIC_MAX_RDREGS];
	unsigned nrdreg;
	uint32_t nr_spis; /* 0 until NR_IRQS or CTRL_INIT sets it */
	bool enabled;     /* GICD_CTLR.EnableGrp1A */
	struct rk_irq *spis;
};

/*
 * Locking: vcpu->mutex serialises KVM_RUN (and is taken before host->lock,
 * as Linux takes vcpu->mutex before kvm->lock); host->lock covers every
 * other piece of KVM state.  KVM_RUN drops host->lock around REC_ENTER so
 * that vCPUs run realm code in parallel.
 */
struct rk_vcpu {
	struct rk_vm *vm;
	unsigned id;
	bool initialised;
	bool psci_0_2;
	bool power_off;     /* KVM_ARM_VCPU_POWER_OFF, PSCI CPU_OFF: KVM_RUN sleeps */
	pthread_mutex_t mutex;
	int wake_fd;        /* eventfd: PSCI CPU_ON or a system event wakes a sleeping vCPU */
	uint64_t x[31];     /* KVM's view of the registers (what exits exposed) */
	uint64_t pc;
	uint64_t entry_flags; /* RmiRecEntry.flags for the next REC_ENTER */
	enum rk_pending pending;
	struct {
		uint64_t base, top;
		unsigned ripas;
	} ripas;
	unsigned mmio_len;
	bool mmio_read;
	bool mmio_kernel;   /* the read was the in-kernel vGIC's: its value is mmio_kval */
	uint64_t mmio_kval;
	bool wfi;           /* the realm waits for an interrupt (a trapped WFI) */
	uint64_t cntv_ctl, cntv_cval, cntp_ctl, cntp_cval; /* from the last REC exit */
	uint64_t rec;       /* REC granule, once activated */
	uint64_t run_page;  /* NS page for RmiRecRun */
	uint64_t aux[RMI_REC_PARAMS_AUX_GRANULES];
	struct kvm_run *run; /* our mapping of the vCPU file */
	struct rk_file *file;
	struct rk_vgic_cpu gic;
	uint64_t rd_base; /* its redistributor's IPA once the vGIC is mapped, else UNDEF */
	bool timer_level[2];   /* virtual, physical timer outputs KVM last saw in a REC exit */
};

struct rk_vm {
	struct rk_host *host;
	bool realm;
	unsigned ipa_bits;
	int refs; /* files that keep the VM alive: VM, vCPUs, guest_memfds */
	bool has_run;

	/* Realm configuration, fixed once the RD exists. */
	uint64_t dfr0; /* ID_AA64DFR0_EL1 as the VMM set it */
	unsigned hash_algo;
	uint8_t rpv[RMI_RPV_SIZE];
	bool vmm_ripas; /* KVM_CAP_REALMKIT_VMM_RIPAS: KVM sets no RIPAS itself */
	uint64_t populate_chunk;
	bool gmem_populate; /* some guest_memfd range was marked (KVM_REALMKIT_GMEM_SET_POPULATE) */

	/* The realm. */
	enum rk_realm_state state;
	uint64_t rd;
	uint64_t rtt_base;
	int rtt_level_start;
	unsigned rtt_num_start;
	uint16_t vmid;
	uint64_t *delegated; /* every granule this VM delegated (RTTs, RECs, aux) */
	uint64_t ndelegated, cap_delegated;
	uint64_t staging[RK_STAGING_PAGES]; /* NS pages the RMM copies populate data from */
	/* Populate on RMM 2.0: a run delegated by one RANGE_DELEGATE, not yet used. */
	uint64_t predel_base, predel_n;

	struct rk_memslot slots[RK_MAX_MEMSLOTS];
	struct rk_range *private; /* sorted, disjoint PRIVATE ranges */
	struct rk_shared_page *shared; /* user pages mapped unprotected (shared.c) */
	unsigned nshared, cap_shared;
	unsigned nprivate;
	struct rk_vcpu *vcpus[RK_MAX_VCPUS];
	unsigned nvcpus;
	struct rk_gmem **gmems;
	unsigned ngmems;
	struct rk_file *file;

	/* PSCI SYSTEM_OFF/RESET: every vCPU's KVM_RUN now reports it. */
	uint32_t system_event;
	/* SMCCC filter: function ID ranges forwarded to user space (KVM_EXIT_HYPERCALL). */
	struct kvm_smccc_filter filters[16];
	unsigned nfilters;
	/* The in-kernel GICv3, once KVM_CREATE_DEVICE made it (the VM keeps it until it goes). */
	struct rk_vgic *vgic;
	uint32_t timer_ppi[2]; /* KVM_ARM_VCPU_TIMER_CTRL: virtual, physical timer PPIs (VM-wide) */
	/* A failure the VM cannot recover from (as kvm_vm_dead()): its ioctls are EIO. */
	bool dead;
};

struct rk_host {
	pthread_mutex_t lock;
	struct pas *pas;
	struct rmm *rmm;
	struct palloc pages;
	struct rk_file *files;
	struct rk_file *by_ino[RK_FILE_BUCKETS];
	struct rk_file *by_wd[RK_FILE_BUCKETS];
	uint64_t nfiles;
	int ifd; /* inotify: releases of our files */
	uint64_t populate_chunk;
	bool rmi_v2; /* the RMM is RMI 2.0: realm.c drives it as Linux v14 does */
	uint8_t vmid_used[65536 / 8];
	uint64_t vms_live;
	uint64_t rmi_calls;
	uint64_t bytes_copied;
	uint64_t syscalls;
};

/* ---- host.c ---- */
/* The file of @fd (host lock held); NULL with errno EBADF or ENOTTY. */
struct rk_file *rk_file_lookup(struct rk_host *h, int fd);
/* A new file for user space (@fd_out); @map non-NULL: KVM's own mapping of its @size bytes. */
struct rk_file *rk_file_new(struct rk_host *h, enum rk_file_type type, void *obj,
			    const char *name, uint64_t size, void **map, int *fd_out);
uint64_t rk_rmi(struct rk_host *h, uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
		uint64_t x4, uint64_t x5, struct smc_result *res);
/* Delegate / undelegate one granule: GRANULE_(UN)DELEGATE, or the 2.0 range command. */
uint64_t rk_rmi_delegate(struct rk_host *h, uint64_t pa, bool delegate);

/* ---- uaccess.c ---- */
int rk_copy_from_user(void *dst, const void *user, size_t len);
int rk_copy_to_user(void *user, const void *src, size_t len);

/* ---- vm.c ---- */
int rk_vm_create(struct rk_host *h, unsigned long type);
int rk_vm_ioctl(struct rk_vm *vm, unsigned long req, void *arg);
int rk_check_extension(struct rk_host *h, struct rk_vm *vm, long cap);
void rk_vm_put(struct rk_vm *vm);
bool rk_vm_range_private(const struct rk_vm *vm, uint64_t gpa, uint64_t size);
struct rk_memslot *rk_vm_slot_of(struct rk_vm *vm, uint64_t gpa);

/* ---- realm.c ---- */
int rk_realm_ensure_created(struct rk_vm *vm);
int rk_realm_populate(struct rk_vm *vm, struct kvm_arm_rmi_populate *p);
int rk_realm_populate_fd(struct rk_vm *vm, struct kvm_realmkit_populate_fd *p);
int rk_realm_init_ripas_ioctl(struct rk_vm *vm, struct kvm_realmkit_init_ripas *r);
int rk_realm_activate(struct rk_vm *vm);
void rk_realm_destroy(struct rk_vm *vm);
uint64_t rk_vm_delegate_new(struct rk_vm *vm); /* a fresh delegated granule, 0 on failure */
uint64_t rk_dfr0_default(struct rk_host *h);

/* Populate one page at @gpa from staging page @i (for gmem_region.c's commit). */
int rk_realm_populate_staged(struct rk_vm *vm, uint64_t gpa, unsigned i, bool measure);

/* ---- gmem_region.c (experimental: populate by write/splice into guest_memfd) ---- */
int rk_gmem_ioctl(struct rk_gmem *g, unsigned long req, void *arg);
/* -EEXIST if a populate ioctl over [gpa, gpa + size) would touch a marked range. */
int rk_gmem_populate_check(struct rk_vm *vm, uint64_t gpa, uint64_t size);
/* First KVM_RUN, before anything else: turn written pages into realm DATA. */
int rk_gmem_commit(struct rk_vm *vm);
void rk_gmem_release(struct rk_gmem *g);

/* ---- exit.c ---- */
/* Before REC_ENTER: complete what the last exit to user space asked for. */
int rk_exit_complete(struct rk_vcpu *v);
/* After REC_ENTER: 1 to re-enter, 0 to return to user space, -errno to fail KVM_RUN. */
int rk_exit_handle(struct rk_vcpu *v, const struct rmi_rec_exit *exit);
void rk_vcpu_wake(struct rk_vcpu *v);
/* The timer outputs as of now (@counter, 0: as the last exit reported them) into the vGIC. */
void rk_timer_update(struct rk_vcpu *v, uint64_t counter);

/* ---- realm.c (used by exit.c) ---- */
/* Back the protected page at @ipa with a guest_memfd page (DATA_CREATE_UNKNOWN). */
int rk_realm_map_private(struct rk_vm *vm, uint64_t ipa);
/* RTT_SET_RIPAS for @v's pending request over [base, top); returns the IPA reached. */
uint64_t rk_realm_set_ripas(struct rk_vcpu *v, uint64_t base, uint64_t top);

/* Create the RTTs from level @from + 1 down to @to for @ipa. */
int rk_rtt_create_levels(struct rk_vm *vm, uint64_t ipa, int from, int to);

/* ---- shared.c ---- */
/*
 * The realm touched unprotected @ipa: 1 when KVM mapped the memslot's user
 * page (re-enter), 0 when no memslot holds it (MMIO), -EFAULT with
 * KVM_EXIT_MEMORY_FAULT when the page is PRIVATE, or -errno.
 */
int rk_shared_fault(struct rk_vcpu *v, uint64_t ipa);
/* Unmap from the realm the user pages mapped in [gpa, gpa + size) and give them back. */
void rk_shared_unmap_range(struct rk_vm *vm, uint64_t gpa, uint64_t size);

/* ---- vgic.c ---- */
int rk_vgic_create(struct rk_vm *vm, struct kvm_create_device *cd);
int rk_vgic_device_ioctl(struct rk_vgic *g, unsigned long req, void *arg);
int rk_vgic_irq_line(struct rk_vm *vm, const struct kvm_irq_level *l);
/* First KVM_RUN: check the addresses and initialisation (Linux's kvm_vgic_map_resources). */
int rk_vgic_map_resources(struct rk_vm *vm);
void rk_vgic_vcpu_init(struct rk_vcpu *v);
/* An interrupt's line changed (@v: the vCPU of a private interrupt, else NULL). */
int rk_vgic_inject(struct rk_vm *vm, struct rk_vcpu *v, uint32_t intid, bool level);
struct rk_irq *rk_vgic_irq(struct rk_vm *vm, struct rk_vcpu *v, uint32_t intid);
struct rk_vcpu *rk_vgic_target(struct rk_vm *vm, struct rk_vcpu *v, const struct rk_irq *irq);
bool rk_irq_pending(const struct rk_irq *irq);
void rk_vgic_kick(struct rk_vcpu *v);
/* REC entry and exit: the list registers (KVM's vgic flush and sync). */
void rk_vgic_flush(struct rk_vcpu *v, struct rmi_rec_entry *e);
void rk_vgic_sync(struct rk_vcpu *v, const struct rmi_rec_exit *x);
bool rk_vgic_vcpu_pending(struct rk_vcpu *v);
/* ICC_SGI1R_EL1 written by @v's realm. */
void rk_vgic_sgi(struct rk_vcpu *v, uint64_t val);
/* A realm access to the vGIC's frames (IPA without the shared bit); false if not the vGIC's. */
bool rk_vgic_mmio(struct rk_vm *vm, uint64_t gpa, unsigned len, bool write, uint64_t *val);
void rk_vgic_free(struct rk_vgic *g);

/* ---- vcpu.c ---- */
int rk_vcpu_create(struct rk_vm *vm, unsigned long id);
int rk_vcpu_ioctl(struct rk_vcpu *vcpu, unsigned long req, void *arg);
void rk_vcpu_free(struct rk_vcpu *vcpu);

#endif
