/* SPDX-License-Identifier: MIT */
/*
 * The Realm Management Interface 2.0 as the Linux CCA series v14 drives it
 * (RMM 2.0-bet1) and TF-RMM main implements it: function identifiers,
 * statuses, the stateful-operation (SRO) encodings and the memory structures.
 * Where v14 and TF-RMM main differ, this header follows v14 (docs/RMM2.md).
 * Written from those public sources; every structure is checked below.
 * Include after or instead of realmkit/rmi.h; C99 or later.
 */
#ifndef REALMKIT_RMI2_H
#define REALMKIT_RMI2_H

#include <stddef.h>
#include <stdint.h>

#include "realmkit/compat.h"
#include "realmkit/rmi.h"

#define RMI2_ABI_VERSION ((2U << 16) | 0U)

/* Commands kept from 1.0 keep their numbers (VERSION, REALM_*, REC_*, RTT_CREATE, ...). */
#define RMI2_RTT_DATA_MAP_INIT        SMC64_STD_FID(0x153)
#define RMI2_RMM_CONFIG_SET           SMC64_STD_FID(0x16e)
#define RMI2_GRANULE_TRACKING_GET     SMC64_STD_FID(0x1e1)
#define RMI2_RMM_CONFIG_GET           SMC64_STD_FID(0x1ec)
#define RMI2_GRANULE_RANGE_DELEGATE   SMC64_STD_FID(0x1f1)
#define RMI2_GRANULE_RANGE_UNDELEGATE SMC64_STD_FID(0x1f2)
#define RMI2_GPT_L1_CREATE            SMC64_STD_FID(0x1f3)
#define RMI2_RTT_DATA_MAP             SMC64_STD_FID(0x1f5)
#define RMI2_RTT_DATA_UNMAP           SMC64_STD_FID(0x1f6)
#define RMI2_RTT_UNPROT_MAP           SMC64_STD_FID(0x1fb)
#define RMI2_RTT_UNPROT_UNMAP         SMC64_STD_FID(0x1fc)
#define RMI2_REALM_TERMINATE          SMC64_STD_FID(0x201)
#define RMI2_RMM_ACTIVATE             SMC64_STD_FID(0x202)
#define RMI2_OP_CONTINUE              SMC64_STD_FID(0x203)
#define RMI2_OP_MEM_DONATE            SMC64_STD_FID(0x208)
#define RMI2_OP_MEM_RECLAIM           SMC64_STD_FID(0x209)
#define RMI2_OP_CANCEL                SMC64_STD_FID(0x20a)

/* Statuses added by 2.0 (1.0's SUCCESS..ERROR_RTT keep their values). */
enum rmi2_status {
	RMI2_ERROR_NOT_SUPPORTED = 5,
	RMI2_BUSY = 10,
	RMI2_ERROR_GLOBAL = 11,
	RMI2_ERROR_TRACKING = 12,
	RMI2_INCOMPLETE = 13,
	RMI2_BLOCKED = 14,
	RMI2_ERROR_GPT = 15,
	RMI2_ERROR_GRANULE = 16,
};

/* x0 of an INCOMPLETE stateful operation: status [7:0], MEM_REQ [9:8], CAN_CANCEL [10]. */
#define RMI2_OP_MEM_REQ_SHIFT  8
#define RMI2_OP_MEM_REQ_MASK   (0x3UL << RMI2_OP_MEM_REQ_SHIFT)
#define RMI2_OP_MEM_REQ_NONE    0UL
#define RMI2_OP_MEM_REQ_DONATE  1UL
#define RMI2_OP_MEM_REQ_RECLAIM 2UL
#define RMI2_OP_CAN_CANCEL     (1UL << 10)
#define RMI2_OP_MEM_REQ(x0)    (((x0) & RMI2_OP_MEM_REQ_MASK) >> RMI2_OP_MEM_REQ_SHIFT)

/* RmiOpMemDonateReq (x2 of a donate request). */
#define RMI2_DONATE_BLK_SIZE(r)  ((r) & 0x3UL)
#define RMI2_DONATE_COUNT(r)     (((r) >> 2) & 0x3fffUL)
#define RMI2_DONATE_CONTIG       (1UL << 16)
#define RMI2_DONATE_UNDELEGATED  (1UL << 17)
#define RMI2_DONATE_REQ(size, count, contig, undelegated)                                   \
	((uint64_t)(size) | ((uint64_t)(count) << 2) | ((contig) ? RMI2_DONATE_CONTIG : 0) |    \
	 ((undelegated) ? RMI2_DONATE_UNDELEGATED : 0))

/* RmiAddrRangeDesc (4 KiB granules): size [1:0], count [11:2], address [51:12], state [63]. */
#define RMI2_RDESC_SIZE(d)   ((unsigned)((d) & 0x3UL))
#define RMI2_RDESC_COUNT(d)  (((d) >> 2) & 0x3ffUL)
#define RMI2_RDESC_ADDR(d)   ((d) & 0x000ffffffffff000UL)
#define RMI2_RDESC_UNDELEGATED (1UL << 63)
#define RMI2_RDESC(addr, count, size)                                                       \
	(((uint64_t)(addr) & 0x000ffffffffff000UL) | (((uint64_t)(count) & 0x3ffUL) << 2) |    \
	 ((uint64_t)(size) & 0x3UL))
#define RMI2_PAGE_L3  0U
#define RMI2_BLOCK_L2 1U
#define RMI2_BLOCK_L1 2U

/* Flags of RTT_DATA_MAP / RTT_UNPROT_MAP / the unmap commands: address type [1:0], count [15:2]. */
#define RMI2_ADDR_TYPE_NONE   0UL
#define RMI2_ADDR_TYPE_SINGLE 1UL
#define RMI2_ADDR_TYPE_LIST   2UL
#define RMI2_MAP_ADDR_TYPE(f)  ((f) & 0x3UL)
#define RMI2_MAP_LIST_COUNT(f) (((f) >> 2) & 0x3fffUL)
/* RTT_UNPROT_MAP only: MemAttr [18:16], S2AP [22:19] (direct: bit 0 write, bit 1 read). */
#define RMI2_UNPROT_MEMATTR(f) (((f) >> 16) & 0x7UL)
#define RMI2_UNPROT_S2AP(f)    (((f) >> 19) & 0xfUL)
#define RMI2_S2AP_WRITE 1UL
#define RMI2_S2AP_READ  2UL

/* GRANULE_TRACKING_GET: x1 memory category, x2 tracking state. */
#define RMI2_MEM_CATEGORY_CONVENTIONAL 0
#define RMI2_TRACKING_NONE 1
#define RMI2_TRACKING_FINE 2

/* RmiFeatureRegister0 in 2.0: S2SZ .. PMU_NUM_CTRS as in 1.0; hashes move to register 1. */
#define RMI2_FEATURE_REGISTER_1_GRAN_4K_SHIFT     0
#define RMI2_FEATURE_REGISTER_1_SHA_256_SHIFT     3
#define RMI2_FEATURE_REGISTER_1_SHA_384_SHIFT     4
#define RMI2_FEATURE_REGISTER_1_SHA_512_SHIFT     5
#define RMI2_FEATURE_REGISTER_1_MAX_RECS_ORDER_SHIFT 6
#define RMI2_FEATURE_REGISTER_1_L0GPTSZ_SHIFT     10
#define RMI2_FEATURE_REGISTER_1_PPS_SHIFT         14
#define RMI2_L0GPTSZ_30BITS 0UL /* 1 GiB per level-0 GPT entry */
#define RMI2_PPS_48BITS     5UL

/* RmiRmmConfig: one 4 KiB granule. */
struct rmi2_rmm_config {
	uint64_t tracking_region_size; /* 0: 1 GiB with 4 KiB granules */
	uint64_t rmi_granule_size;     /* 0: 4 KiB */
	uint8_t pad[0x1000 - 0x10];
};
RK_STATIC_ASSERT(sizeof(struct rmi2_rmm_config) == 0x1000, "RmiRmmConfig size");
RK_STATIC_ASSERT(offsetof(struct rmi2_rmm_config, rmi_granule_size) == 0x8, "granule size");

/* RmiRealmFlags0 */
#define RMI2_REALM_FLAGS0_LPA2 (1UL << 0)
#define RMI2_REALM_FLAGS0_SVE  (1UL << 1)
#define RMI2_REALM_FLAGS0_PMU  (1UL << 2)
#define RMI2_REALM_FLAGS0_DA   (1UL << 3)
#define RMI2_REALM_FLAGS0_MEC_MASK (0x3UL << 7)

/*
 * RmiRealmParams 2.0 as v14 lays it out: no vmid (the RMM allocates it),
 * num_aux_planes and ats_plane added, flags1 at 0x820 and aux_rtt_base at
 * 0x828 (TF-RMM main puts aux_rtt_base[3] at 0xF80: a documented divergence).
 */
struct rmi2_realm_params {
	uint64_t flags0;
	uint64_t s2sz;
	uint64_t sve_vl;
	uint64_t num_bps;
	uint64_t num_wps;
	uint64_t pmu_num_ctrs;
	uint64_t hash_algo;
	uint64_t num_aux_planes;
	uint8_t pad0[0x400 - 0x40];
	uint8_t rpv[RMI_RPV_SIZE];
	uint64_t ats_plane;
	uint8_t pad1[0x808 - 0x448];
	uint64_t rtt_base;
	int64_t rtt_level_start;
	uint64_t rtt_num_start;
	uint64_t flags1;
	uint64_t aux_rtt_base[3];
	uint8_t pad2[0x1000 - 0x840];
};
RK_STATIC_ASSERT(sizeof(struct rmi2_realm_params) == 0x1000, "RmiRealmParams 2.0 size");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, flags0) == 0x0, "flags0");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, s2sz) == 0x8, "s2sz");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, sve_vl) == 0x10, "sve_vl");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, num_bps) == 0x18, "num_bps");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, num_wps) == 0x20, "num_wps");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, pmu_num_ctrs) == 0x28, "pmu_num_ctrs");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, hash_algo) == 0x30, "hash_algo");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, num_aux_planes) == 0x38, "num_aux_planes");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, rpv) == 0x400, "rpv");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, ats_plane) == 0x440, "ats_plane");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, rtt_base) == 0x808, "rtt_base");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, rtt_level_start) == 0x810, "rtt_level_start");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, rtt_num_start) == 0x818, "rtt_num_start");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, flags1) == 0x820, "flags1");
RK_STATIC_ASSERT(offsetof(struct rmi2_realm_params, aux_rtt_base) == 0x828, "aux_rtt_base (v14)");

/* RmiRecParams 2.0: num_aux and aux[] are gone (REC_CREATE asks for them by donation). */
struct rmi2_rec_params {
	uint64_t flags;
	uint8_t pad0[0x100 - 0x8];
	uint64_t mpidr;
	uint8_t pad1[0x200 - 0x108];
	uint64_t pc;
	uint8_t pad2[0x300 - 0x208];
	uint64_t gprs[RMI_REC_PARAMS_GPRS];
	uint8_t pad3[0x1000 - 0x340];
};
RK_STATIC_ASSERT(sizeof(struct rmi2_rec_params) == 0x1000, "RmiRecParams 2.0 size");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_params, mpidr) == 0x100, "mpidr");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_params, pc) == 0x200, "pc");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_params, gprs) == 0x300, "gprs");

/* RmiRecRun 2.0: no GIC fields; the exit gains rtt_tree/rtt_level, S2AP and plane fields. */
struct rmi2_rec_entry {
	uint64_t flags;
	uint8_t pad0[0x200 - 0x8];
	uint64_t gprs[RMI_REC_GPRS];
	uint8_t pad1[0x800 - 0x2f8];
};

struct rmi2_rec_exit {
	uint64_t exit_reason;
	uint8_t pad0[0x100 - 0x8];
	uint64_t esr;
	uint64_t far;
	uint64_t hpfar;
	uint64_t rtt_tree;
	int64_t rtt_level;
	uint8_t pad1[0x200 - 0x128];
	uint64_t gprs[RMI_REC_GPRS];
	uint8_t pad2[0x400 - 0x2f8];
	uint64_t cntp_ctl;
	uint64_t cntp_cval;
	uint64_t cntv_ctl;
	uint64_t cntv_cval;
	uint8_t pad3[0x500 - 0x420];
	uint64_t ripas_base;
	uint64_t ripas_top;
	uint8_t ripas_value;
	uint8_t pad4[0x520 - 0x511];
	uint64_t s2ap_base;
	uint64_t s2ap_top;
	uint8_t pad5[0x600 - 0x530];
	uint32_t imm;
	uint8_t pad6[0x608 - 0x604];
	uint64_t plane;
	uint8_t pad7[0x700 - 0x610];
	uint64_t pmu_ovf_status;
	uint8_t pad8[0x800 - 0x708];
};

struct rmi2_rec_run {
	struct rmi2_rec_entry enter;
	struct rmi2_rec_exit exit;
};
RK_STATIC_ASSERT(sizeof(struct rmi2_rec_entry) == 0x800, "RmiRecEntry 2.0 size");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_entry, gprs) == 0x200, "entry gprs");
RK_STATIC_ASSERT(sizeof(struct rmi2_rec_exit) == 0x800, "RmiRecExit 2.0 size");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, esr) == 0x100, "exit esr");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, hpfar) == 0x110, "exit hpfar");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, rtt_tree) == 0x118, "exit rtt_tree");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, rtt_level) == 0x120, "exit rtt_level");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, gprs) == 0x200, "exit gprs");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, cntp_ctl) == 0x400, "exit cntp_ctl");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, cntv_cval) == 0x418, "exit cntv_cval");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, ripas_base) == 0x500, "exit ripas_base");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, ripas_value) == 0x510, "exit ripas_value");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, s2ap_base) == 0x520, "exit s2ap_base");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, imm) == 0x600, "exit imm");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, plane) == 0x608, "exit plane");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_exit, pmu_ovf_status) == 0x700, "exit pmu_ovf_status");
RK_STATIC_ASSERT(sizeof(struct rmi2_rec_run) == 0x1000, "RmiRecRun 2.0 size");
RK_STATIC_ASSERT(offsetof(struct rmi2_rec_run, exit) == 0x800, "RmiRecRun 2.0 exit");

#endif
