/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the RMM's object files (granules, realm, rec, rtt,
 * data, ripas, measurement).  Objects live in their granules, as in a real
 * RMM: an RD, a REC and an RTT are stored in the delegated memory that the
 * host gave for them, reached through the RMM's view of the PAS.
 */
#ifndef REALMKIT_RMM_INTERNAL_H
#define REALMKIT_RMM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "attest/attest.h"
#include "hw/pas.h"
#include "realmkit/rmi.h"
#include "realmkit/rmi2.h"
#include "rmm/introspect.h"
#include "rmm/rmm.h"

#define RMM_MAX_HASH_LEN 64
#define RMM_NUM_REMS     4
#define RMM_REC_AUX_COUNT 16
#define RMM_VMID_COUNT   (1U << 16)
#define RMM_GIC_NUM_LRS  16
#define RMM_MAX_RECS_ORDER 10
#define RMM_REFCOUNT_MAX ((1U << RMM_MAX_RECS_ORDER) - 1)
#define RMM_DEFAULT_SLICE_NS (10UL * 1000 * 1000) /* host timer tick: 10 ms */

struct sro;

struct granule {
	uint8_t state;     /* enum rmm_granule_state */
	uint32_t refcount; /* RD: RECs + live root entries; RTT: live entries */
};

/*
 * Locking (docs/ARCHITECTURE.md, "Threads"): one RMM lock serialises every
 * RMI command and the RMM's handling of realm exits; realm code itself runs
 * without it, so RECs run their guest code in parallel.  A running REC's
 * stage-2 view is invalidated by s2_shootdown() under the RMM lock.
 */
struct rmm {
	pthread_mutex_t lock;
	struct pas *pas;
	struct rmm_platform plat;
	struct granule *granules;
	uint64_t ngranules;
	uint8_t vmids[RMM_VMID_COUNT / 8];
	struct rec_rt *running; /* RECs inside REC_ENTER (list, under lock) */
	struct rec_rt *recs;    /* every REC that has a PE (list, under lock) */
	/* The host's timer tick: a REC runs at most one time slice per REC_ENTER. */
	pthread_t ticker;
	pthread_cond_t tick;
	bool ticker_running, ticker_stop, ticker_idle;
	uint64_t slice_ns;
	struct rmm_stats stats;
	/* RMI 2.0 only (plat.rmi_v2): global state and stateful operations (sro.c). */
	bool v2_active;        /* RMM_ACTIVATE done */
	uint64_t sro_next;     /* next SRO handle */
	struct sro *sros;      /* RMM_SRO_SLOTS in-flight operations */
	/*
	 * Attestation: the platform and the RAK with its platform token, made
	 * by a thread the first REALM_ACTIVATE starts (attest_boot.c) and
	 * joined at the first token.
	 */
	struct att_platform attest_plat;
	struct att_rmm attest;
	pthread_t attest_thread;
	bool attest_started, attest_joined, attest_ok;
	/* A spare PE made ahead of the next REC (pe_pool.c); NULL until the first realm. */
	struct pe_pool *pes;
	/* DATA measurements in flight (rim_queue.c); NULL until the first measured DATA. */
	struct rim_queue *rimq;
};

/* Realm descriptor, stored in the RD granule. */
struct rd {
	uint32_t state; /* enum rmm_realm_state */
	uint32_t hash_algo;
	uint64_t flags;
	uint64_t s2sz;
	uint64_t sve_vl;
	uint64_t num_bps;
	uint64_t num_wps;
	uint64_t pmu_num_ctrs;
	uint64_t vmid;
	uint64_t rtt_base;
	int64_t rtt_level_start;
	uint64_t rtt_num_start;
	uint64_t num_recs; /* RECs created so far: the next REC's MPIDR index */
	uint8_t rpv[RMI_RPV_SIZE];
	uint8_t rim[RMM_MAX_HASH_LEN];
	uint8_t rem[RMM_NUM_REMS][RMM_MAX_HASH_LEN];
	/* RMI 2.0 only: 0x01 and 32 random bytes from REALM_CREATE (the 2.0 token's claim 256). */
	uint8_t inst_id[ATT_REALM_INST_ID_SIZE];
};
_Static_assert(sizeof(struct rd) <= GRANULE_SIZE, "RD fits its granule");

/* ---- granules (granule.c) ---- */
struct granule *granule_at(struct rmm *rmm, uint64_t pa); /* NULL if unaligned / not DRAM */
uint64_t granule_pa(struct rmm *rmm, const struct granule *g);
void *granule_map(struct rmm *rmm, uint64_t pa); /* RMM view of a DRAM granule */
/* Look up @pa expecting @state; NULL if unaligned, outside DRAM or in another state. */
struct granule *granule_find(struct rmm *rmm, uint64_t pa, enum rmm_granule_state state);
void granule_set_state(struct granule *g, enum rmm_granule_state state);
/* Zero a granule now (whatever the mode). */
void granule_scrub(struct rmm *rmm, struct granule *g);
/* A realm object's granule goes back to DELEGATED: zeroed there in 1.0 mode only. */
void granule_release(struct rmm *rmm, struct granule *g);
/* A DELEGATED granule is about to become a realm object: zeroed here in 2.0 mode only. */
void granule_claim(struct rmm *rmm, struct granule *g);
/* May a DELEGATED granule hold data (2.0 mode), or must it be zero (1.0)? */
bool granule_delegated_dirty_ok(const struct rmm *rmm);
/* Copy a granule-aligned 4 KiB from NS memory; false if @pa is not NS DRAM. */
bool ns_granule_read(struct rmm *rmm, uint64_t pa, void *buf);
bool ns_granule_write(struct rmm *rmm, uint64_t pa, const void *buf, uint64_t len);

void smc_version(struct rmm *rmm, uint64_t req, struct smc_result *res);
void smc_features(struct rmm *rmm, uint64_t index, struct smc_result *res);
uint64_t smc_granule_delegate(struct rmm *rmm, uint64_t addr);
uint64_t smc_granule_undelegate(struct rmm *rmm, uint64_t addr);
uint64_t granule_range_transition(struct rmm *rmm, uint64_t base, uint64_t top, uint64_t budget,
				  bool delegate);

/* ---- realm (realm.c) ---- */
struct rd *rd_map(struct rmm *rmm, struct granule *g_rd);
/* The realm descriptor at @rd_pa, or NULL if that is not an RD granule. */
struct rd *rd_find(struct rmm *rmm, uint64_t rd_pa);
uint64_t smc_realm_create(struct rmm *rmm, uint64_t rd, uint64_t params);
uint64_t smc_realm_activate(struct rmm *rmm, uint64_t rd);
uint64_t smc_realm_destroy(struct rmm *rmm, uint64_t rd);
/* Shared with 2.0's REALM_CREATE (v2_realm.c). */
bool vmid_reserve(struct rmm *rmm, uint64_t vmid);
void vmid_release(struct rmm *rmm, uint64_t vmid);
bool realm_params_valid(struct rmm *rmm, const struct rd *rd, uint64_t num_start);
void realm_init_root_rtts(struct rmm *rmm, const struct rd *rd);

/* ---- rec (rec.c) ---- */

/* Per-REC state of the simulation that is not architectural: the PE that runs it. */
struct rec_rt;

/* The REC, stored in its granule. */
struct rec {
	uint64_t rd;      /* owning realm */
	uint64_t rec_idx; /* linear MPIDR index */
	uint64_t mpidr;
	uint64_t runnable;
	uint64_t pc;
	uint64_t gprs[RMI_REC_GPRS];
	uint64_t load_regs; /* pc and gprs are to be loaded into the PE at the next entry */
	uint64_t num_aux;
	uint64_t aux[RMM_REC_AUX_COUNT];
	uint64_t gic_hcr;
	uint64_t gic_lrs[RMM_GIC_NUM_LRS];
	uint64_t gic_vmcr;           /* never exchanged with the host (reported at exit) */
	uint64_t gic_ap0r, gic_ap1r; /* active priorities (5 bits: one register each) */
	uint64_t cntv_ctl, cntv_cval, cntp_ctl, cntp_cval, cntkctl;
	uint64_t timer_masked;   /* timers asserted at this entry (bit 0 virtual, 1 physical) */
	uint64_t timer_reported; /* timers asserted at the last exit */
	uint64_t last_exit;  /* exit reason of the last exit, ~0 before the first */
	uint64_t last_esr;   /* ESR of the last exit to the host, as reported */
	uint64_t last_raw_esr; /* the syndrome of the last abort, as the hardware gave it */
	uint64_t last_far;   /* fault address of the last abort exit */
	uint64_t last_hpfar; /* fault IPA of the last exit, >> 8 as in HPFAR_EL2 */
	struct {
		uint64_t pending; /* an emulatable MMIO access is waiting for the host */
		uint64_t srt, sas, sse, sf, write;
	} mmio;
	struct {
		uint64_t pending;
		uint64_t fid, x1, x2, x3;
	} psci;
	struct {
		uint64_t pending;
		uint64_t addr, top, ripas, change_destroyed;
	} ripas_req;
	struct {
		uint64_t pending;
		uint64_t ipa; /* RsiHostCall in realm memory */
	} host_call;
	struct {
		uint64_t initialised; /* ATTEST_TOKEN_INIT done */
		uint64_t offset;      /* bytes of the token already delivered */
		uint64_t len;
		uint8_t challenge[64];
	} attest;
	struct rec_rt *rt;
};
_Static_assert(sizeof(struct rec) <= GRANULE_SIZE, "REC fits its granule");

#define REC_LOAD_CPU_ON 1UL /* PSCI CPU_ON: pc and gprs[0] (creation: the PE starts with all) */
#define REC_LOAD_X0_3   2UL /* gprs[0..3] hold results for the realm (PSCI_COMPLETE) */
#define REC_NO_EXIT   (~0UL)

struct rec *rec_map(struct rmm *rmm, uint64_t pa);
uint64_t mpidr_el1_index(uint64_t mpidr);
/* Linear REC index of an RmiRecMpidr value (Aff3 in bits [31:24]). */
uint64_t rec_mpidr_index(uint64_t mpidr);

void smc_rec_aux_count(struct rmm *rmm, uint64_t rd, struct smc_result *res);
uint64_t smc_rec_create(struct rmm *rmm, uint64_t rd, uint64_t rec, uint64_t params);
uint64_t smc_rec_destroy(struct rmm *rmm, uint64_t rec);
uint64_t smc_rec_enter(struct rmm *rmm, uint64_t rec, uint64_t run);
uint64_t smc_psci_complete(struct rmm *rmm, uint64_t calling, uint64_t target, uint64_t status);
/* The REC's pending RSI_IPA_STATE_SET request; false if none is pending. */
bool rec_ripas_request(struct rmm *rmm, uint64_t rec_pa, uint64_t *rd, uint64_t *addr,
		       uint64_t *top, unsigned *ripas, bool *change_destroyed);
void rec_ripas_progress(struct rmm *rmm, uint64_t rec_pa, uint64_t addr);
uint64_t rec_owner(struct rmm *rmm, uint64_t rec_pa);
unsigned rec_aux(struct rmm *rmm, uint64_t rec_pa, const uint64_t **aux);

/* ---- RTT entries and walks (rtt.c) ---- */

/*
 * Stage-2 table entry.  Hardware fields follow the Armv8 VMSA for a 4 KiB
 * granule (bits[1:0] type, MemAttr[5:2], S2AP[7:6], SH[9:8], AF[10],
 * OA[47:12], XN[54]); the RMM keeps HIPAS and RIPAS in software bits
 * [58:56] and [60:59] of every entry, valid or not.
 */
#define S2TTE_VALID        (1UL << 0)
#define S2TTE_TYPE_MASK    0x3UL
#define S2TTE_BLOCK        0x1UL
#define S2TTE_TABLE_PAGE   0x3UL
#define S2TTE_MEMATTR_MASK (0x7UL << 2)
#define S2TTE_MEMATTR_NORMAL_WB (0x6UL << 2) /* FWB: Normal Write-Back */
#define S2TTE_MEMATTR_RESERVED  (0x4UL << 2)
#define S2TTE_S2AP_MASK    (0x3UL << 6)
#define S2TTE_S2AP_RW      (0x3UL << 6)
#define S2TTE_SH_IS        (0x3UL << 8)
#define S2TTE_AF           (1UL << 10)
#define S2TTE_XN           (1UL << 54)
#define S2TTE_NS           (1UL << 55)
#define S2TTE_OA_MASK      0x000ffffffffff000UL /* OA[51:12]: PAs >= 2^48 with LPA2 */
#define S2TTE_OA48_MASK    0x0000fffffffff000UL
#define S2TTE_HIPAS_SHIFT  56
#define S2TTE_HIPAS_MASK   (0x7UL << S2TTE_HIPAS_SHIFT)
#define S2TTE_RIPAS_SHIFT  59
#define S2TTE_RIPAS_MASK   (0x3UL << S2TTE_RIPAS_SHIFT)
#define S2TTE_NS_ATTR_MASK (S2TTE_MEMATTR_MASK | S2TTE_S2AP_MASK)

#define RTT_ENTRIES 512

enum hipas {
	HIPAS_UNASSIGNED = 0,
	HIPAS_ASSIGNED = 1,
	HIPAS_TABLE = 2,
	HIPAS_UNASSIGNED_NS = 3,
	HIPAS_ASSIGNED_NS = 4,
};

static inline unsigned s2tte_hipas(uint64_t e)
{
	return (unsigned)((e & S2TTE_HIPAS_MASK) >> S2TTE_HIPAS_SHIFT);
}

static inline unsigned s2tte_ripas(uint64_t e)
{
	return (unsigned)((e & S2TTE_RIPAS_MASK) >> S2TTE_RIPAS_SHIFT);
}

static inline uint64_t s2tte_pa(uint64_t e)
{
	return e & S2TTE_OA_MASK;
}

/* Size of the IPA range one entry at @level maps: 4 KiB << 9 * (3 - level). */
static inline uint64_t rtt_level_size(int level)
{
	return 1UL << (GRANULE_SHIFT + 9 * (3 - level));
}

uint64_t s2tte_unassigned(unsigned ripas);
uint64_t s2tte_unassigned_ns(void);
uint64_t s2tte_assigned(uint64_t pa, unsigned ripas, int level);
uint64_t s2tte_assigned_ns(uint64_t host_desc, int level);
uint64_t s2tte_table(uint64_t rtt_pa);
/* Is the entry counted in its RTT's refcount (protected ASSIGNED or TABLE)? */
bool s2tte_is_counted(uint64_t e);
/* Is the entry live, i.e. does it hold a PA (ASSIGNED, ASSIGNED_NS or TABLE)? */
bool s2tte_is_live(uint64_t e);

/* Where a walk stopped: the entry for the IPA in the deepest RTT reached. */
struct rtt_walk {
	int level;            /* level of the RTT holding the entry */
	uint64_t *entry;      /* the entry, in the RMM view */
	uint64_t *table;      /* first entry of that RTT (of the root concatenation) */
	unsigned index;       /* index of the entry in @table */
	unsigned nentries;    /* entries in @table */
	struct granule *g_rtt; /* granule holding the entry (refcount owner) */
};

/* Walk from the root towards @target_level, stopping at the first non-table entry. */
void rtt_walk(struct rmm *rmm, const struct rd *rd, uint64_t ipa, int target_level,
	      struct rtt_walk *w);
/* The smallest IPA >= @ipa whose entry in the walked RTT is live, or the end of that RTT. */
uint64_t rtt_skip_non_live(const struct rtt_walk *w, uint64_t ipa);
/* Address checks shared by the commands. */
bool rd_ipa_in_range(const struct rd *rd, uint64_t ipa);
bool rd_ipa_protected(const struct rd *rd, uint64_t ipa);
bool rd_pa_addressable(const struct rd *rd, uint64_t pa);

/* ---- rtt commands (rtt.c) ---- */
void smc_rtt_create(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void smc_rtt_destroy(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void smc_rtt_fold(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void smc_rtt_read_entry(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void smc_rtt_map_unprotected(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void smc_rtt_unmap_unprotected(struct rmm *rmm, const uint64_t *x, struct smc_result *res);

/* ---- data (data.c) ---- */
void smc_data_create(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void smc_data_create_unknown(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void smc_data_destroy(struct rmm *rmm, const uint64_t *x, struct smc_result *res);

/* ---- ripas (ripas.c) ---- */
void smc_rtt_init_ripas(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void smc_rtt_set_ripas(struct rmm *rmm, const uint64_t *x, struct smc_result *res);

/* ---- measurement (measurement.c) ---- */
unsigned measurement_hash_len(unsigned hash_algo);
/* out = H(data[0:len]) with the realm's algorithm. */
void measurement_hash(unsigned hash_algo, const void *data, uint64_t len, uint8_t *out);
/* Set up the hash library on a helper thread, once per process (the RMM's boot). */
void measurement_prefetch(void);
/* Wait for that thread (rmm_destroy(): before the process may exit). */
void measurement_prefetch_wait(void);
void measurement_realm_params(struct rd *rd);
void measurement_extend_data(struct rd *rd, uint64_t ipa, uint64_t flags, const void *content);
/*
 * rim_queue.c: DATA_CREATE's measurement, the content hashed by worker
 * threads, the RIM extended in DATA_CREATE order by rimq_flush() (identical
 * RIM).  Call rimq_flush() before anything that reads the RIM or may change
 * a DATA granule; rmm_smc() does it for every command rimq_smc_keeps() says no to.
 */
void rimq_push(struct rmm *rmm, struct rd *rd, uint64_t ipa, uint64_t flags, const void *content);
void rimq_flush(struct rmm *rmm);
bool rimq_smc_keeps(uint64_t fid);
void rimq_destroy(struct rmm *rmm);
void measurement_extend_rec(struct rd *rd, const struct rmi_rec_params *params);
void measurement_extend_ripas(struct rd *rd, uint64_t base, uint64_t top);
/* RSI_MEASUREMENT_EXTEND: REM[@index] = H(REM[@index] || data[0:@size]). */
void measurement_extend_rem(struct rd *rd, unsigned index, const void *data, unsigned size);

/* ---- attestation keys (attest_boot.c) ---- */
/* Start making the attestation keys and platform token, once.  Under the RMM lock. */
void attest_boot_start(struct rmm *rmm);
/* Wait for them: false if they could not be made.  Under the RMM lock. */
bool attest_boot_wait(struct rmm *rmm);
/* At rmm_destroy(): wait for a thread still running, free what it made. */
void attest_boot_fini(struct rmm *rmm);

/* ---- RMI 2.0 (v2_*.c, sro.c) ---- */
#define RMM_SRO_SLOTS 8
#define RMM_RANGE_BUDGET 4096 /* granules one GRANULE_RANGE_(UN)DELEGATE call may move */
void v2_smc(struct rmm *rmm, const struct smc_args *a, struct smc_result *res);
int v2_init(struct rmm *rmm);
void v2_fini(struct rmm *rmm);
/* 2.0 commands in their files; x = x1.. as in rmm_smc. */
void v2_realm_create(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void v2_realm_terminate(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void v2_realm_destroy(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void v2_rtt_data_map(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void v2_rtt_data_unmap(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void v2_rtt_unprot_map(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void v2_rtt_unprot_unmap(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void v2_rtt_init_ripas(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void sro_rec_create(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void sro_rec_destroy(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void sro_op_continue(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void sro_op_mem_donate(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void sro_op_mem_reclaim(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
void sro_op_cancel(struct rmm *rmm, const uint64_t *x, struct smc_result *res);
/* Granules an in-flight SRO holds (for the invariant checker): calls @fn for each. */
void sro_for_each_held(struct rmm *rmm, void (*fn)(void *arg, uint64_t pa, bool aux),
		       void *arg);
/* REC_ENTER's boundary in 2.0 mode: RecRun 2.0 <-> the internal (1.0) layout. */
void v2_run_entry_in(struct rmi_rec_run *run);
void v2_run_exit_out(struct rmi_rec_exit *exit);
/* REC_ENTER 2.0: are the list registers the host left in the PE (hw/ich.h) valid? */
bool v2_gic_pe_valid(void);

/* ---- running RECs (run.c) ---- */
void rec_rt_free(struct rec_rt *rt);
void run_stop_ticker(struct rmm *rmm);
/*
 * Stage-2 of the realm @rd changed in [lo, hi) (an entry lost its mapping or
 * its RIPAS): every REC of it drops its cached view of that range before its
 * next guest access.  Returns when no running REC uses it.  Under the RMM lock.
 */
void s2_shootdown(struct rmm *rmm, uint64_t rd, uint64_t lo, uint64_t hi);
/* The NS granule @pa is leaving the NS world: running RECs that map it drop it. */
void s2_shootdown_ns(struct rmm *rmm, uint64_t pa);
/* A realm is coming: have a spare PE made on a helper thread.  Under the RMM lock. */
void run_prepare_pe(struct rmm *rmm);
/* At rmm_destroy(): drop the spare PE (pe_pool.c). */
void pe_pool_fini(struct rmm *rmm);
/* Is any REC of the realm at @rd_pa inside REC_ENTER?  Under the RMM lock. */
bool rmm_realm_running(struct rmm *rmm, uint64_t rd_pa);

/* Realm memory as the RMM reaches it for RSI: the PA mapped at a protected RAM IPA. */
enum ipa_status { IPA_OK, IPA_UNASSIGNED_RAM, IPA_BAD };
enum ipa_status realm_ipa_pa(struct rmm *rmm, const struct rd *rd, uint64_t ipa, uint64_t *pa);

#endif
