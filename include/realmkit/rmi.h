/* SPDX-License-Identifier: MIT */
/*
 * The Realm Management Interface, version 1.0 (Arm DEN0137 1.0-rel0):
 * function identifiers, return codes and the memory structures the host
 * passes to the RMM.  Written from the specification; every structure is
 * checked against its specified size and offsets below.  C99 or later.
 */
#ifndef REALMKIT_RMI_H
#define REALMKIT_RMI_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "realmkit/compat.h"

#define RMI_ABI_VERSION_MAJOR 1
#define RMI_ABI_VERSION_MINOR 0
#define RMI_ABI_VERSION       ((RMI_ABI_VERSION_MAJOR << 16) | RMI_ABI_VERSION_MINOR)

/* SMCCC: fast call, SMC64, standard secure service range. */
#define SMC64_STD_FID(n) (0xC4000000UL | (n))

#define RMI_VERSION               SMC64_STD_FID(0x150)
#define RMI_GRANULE_DELEGATE      SMC64_STD_FID(0x151)
#define RMI_GRANULE_UNDELEGATE    SMC64_STD_FID(0x152)
#define RMI_DATA_CREATE           SMC64_STD_FID(0x153)
#define RMI_DATA_CREATE_UNKNOWN   SMC64_STD_FID(0x154)
#define RMI_DATA_DESTROY          SMC64_STD_FID(0x155)
#define RMI_REALM_ACTIVATE        SMC64_STD_FID(0x157)
#define RMI_REALM_CREATE          SMC64_STD_FID(0x158)
#define RMI_REALM_DESTROY         SMC64_STD_FID(0x159)
#define RMI_REC_CREATE            SMC64_STD_FID(0x15a)
#define RMI_REC_DESTROY           SMC64_STD_FID(0x15b)
#define RMI_REC_ENTER             SMC64_STD_FID(0x15c)
#define RMI_RTT_CREATE            SMC64_STD_FID(0x15d)
#define RMI_RTT_DESTROY           SMC64_STD_FID(0x15e)
#define RMI_RTT_MAP_UNPROTECTED   SMC64_STD_FID(0x15f)
#define RMI_RTT_READ_ENTRY        SMC64_STD_FID(0x161)
#define RMI_RTT_UNMAP_UNPROTECTED SMC64_STD_FID(0x162)
#define RMI_PSCI_COMPLETE         SMC64_STD_FID(0x164)
#define RMI_FEATURES              SMC64_STD_FID(0x165)
#define RMI_RTT_FOLD              SMC64_STD_FID(0x166)
#define RMI_REC_AUX_COUNT         SMC64_STD_FID(0x167)
#define RMI_RTT_INIT_RIPAS        SMC64_STD_FID(0x168)
#define RMI_RTT_SET_RIPAS         SMC64_STD_FID(0x169)

/* Return code: x0 = (index << 8) | status. */
enum rmi_status {
	RMI_SUCCESS = 0,
	RMI_ERROR_INPUT = 1,
	RMI_ERROR_REALM = 2,
	RMI_ERROR_REC = 3,
	RMI_ERROR_RTT = 4,
};
#define RMI_RET(status, index) ((uint64_t)(status) | ((uint64_t)(index) << 8))
#define RMI_RET_STATUS(x0)     ((unsigned)((x0) & 0xff))
#define RMI_RET_INDEX(x0)      ((unsigned)(((x0) >> 8) & 0xff))

/* RMI_RTT_READ_ENTRY state values. */
enum rmi_rtt_state {
	RMI_UNASSIGNED = 0,
	RMI_ASSIGNED = 1,
	RMI_TABLE = 2,
};

enum rmi_ripas {
	RMI_EMPTY = 0,
	RMI_RAM = 1,
	RMI_DESTROYED = 2,
};

/* RMI_DATA_CREATE flags. */
#define RMI_MEASURE_CONTENT 1UL

enum rmi_hash_algo {
	RMI_HASH_SHA_256 = 0,
	RMI_HASH_SHA_512 = 1,
};

/* RmiFeatureRegister0 (1.0-rel0 layout). */
#define RMI_FEATURE_REGISTER_0_S2SZ_SHIFT           0
#define RMI_FEATURE_REGISTER_0_LPA2_SHIFT           8
#define RMI_FEATURE_REGISTER_0_SVE_EN_SHIFT         9
#define RMI_FEATURE_REGISTER_0_SVE_VL_SHIFT         10
#define RMI_FEATURE_REGISTER_0_NUM_BPS_SHIFT        14
#define RMI_FEATURE_REGISTER_0_NUM_WPS_SHIFT        20
#define RMI_FEATURE_REGISTER_0_PMU_EN_SHIFT         26
#define RMI_FEATURE_REGISTER_0_PMU_NUM_CTRS_SHIFT   27
#define RMI_FEATURE_REGISTER_0_HASH_SHA_256_SHIFT   32
#define RMI_FEATURE_REGISTER_0_HASH_SHA_512_SHIFT   33
#define RMI_FEATURE_REGISTER_0_GICV3_NUM_LRS_SHIFT  34
#define RMI_FEATURE_REGISTER_0_MAX_RECS_ORDER_SHIFT 38

/* RmiRealmFlags */
#define RMI_REALM_FLAGS_LPA2 (1UL << 0)
#define RMI_REALM_FLAGS_SVE  (1UL << 1)
#define RMI_REALM_FLAGS_PMU  (1UL << 2)

#define RMI_RPV_SIZE 64

/* RmiRealmParams: one 4 KiB granule of NS memory. */
struct rmi_realm_params {
	uint64_t flags;
	uint64_t s2sz;
	uint64_t sve_vl;
	uint64_t num_bps;
	uint64_t num_wps;
	uint64_t pmu_num_ctrs;
	uint64_t hash_algo;
	uint8_t pad0[0x400 - 0x38];
	uint8_t rpv[RMI_RPV_SIZE];
	uint8_t pad1[0x800 - 0x440];
	uint64_t vmid;
	uint64_t rtt_base;
	int64_t rtt_level_start;
	uint64_t rtt_num_start;
	uint8_t pad2[0x1000 - 0x820];
};
RK_STATIC_ASSERT(sizeof(struct rmi_realm_params) == 0x1000, "RmiRealmParams size");
RK_STATIC_ASSERT(offsetof(struct rmi_realm_params, flags) == 0x0, "flags");
RK_STATIC_ASSERT(offsetof(struct rmi_realm_params, s2sz) == 0x8, "s2sz");
RK_STATIC_ASSERT(offsetof(struct rmi_realm_params, sve_vl) == 0x10, "sve_vl");
RK_STATIC_ASSERT(offsetof(struct rmi_realm_params, num_bps) == 0x18, "num_bps");
RK_STATIC_ASSERT(offsetof(struct rmi_realm_params, num_wps) == 0x20, "num_wps");
RK_STATIC_ASSERT(offsetof(struct rmi_realm_params, pmu_num_ctrs) == 0x28, "pmu_num_ctrs");
RK_STATIC_ASSERT(offsetof(struct rmi_realm_params, hash_algo) == 0x30, "hash_algo");
RK_STATIC_ASSERT(offsetof(struct rmi_realm_params, rpv) == 0x400, "rpv");
RK_STATIC_ASSERT(offsetof(struct rmi_realm_params, vmid) == 0x800, "vmid");
RK_STATIC_ASSERT(offsetof(struct rmi_realm_params, rtt_base) == 0x808, "rtt_base");
RK_STATIC_ASSERT(offsetof(struct rmi_realm_params, rtt_level_start) == 0x810, "rtt_level_start");
RK_STATIC_ASSERT(offsetof(struct rmi_realm_params, rtt_num_start) == 0x818, "rtt_num_start");

/* RmiRecParams */
#define RMI_REC_PARAMS_FLAG_RUNNABLE (1UL << 0)
#define RMI_REC_PARAMS_GPRS          8
#define RMI_REC_PARAMS_AUX_GRANULES  16

struct rmi_rec_params {
	uint64_t flags;
	uint8_t pad0[0x100 - 0x8];
	uint64_t mpidr;
	uint8_t pad1[0x200 - 0x108];
	uint64_t pc;
	uint8_t pad2[0x300 - 0x208];
	uint64_t gprs[RMI_REC_PARAMS_GPRS];
	uint8_t pad3[0x800 - 0x340];
	uint64_t num_aux;
	uint64_t aux[RMI_REC_PARAMS_AUX_GRANULES];
	uint8_t pad4[0x1000 - 0x888];
};
RK_STATIC_ASSERT(sizeof(struct rmi_rec_params) == 0x1000, "RmiRecParams size");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_params, flags) == 0x0, "flags");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_params, mpidr) == 0x100, "mpidr");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_params, pc) == 0x200, "pc");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_params, gprs) == 0x300, "gprs");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_params, num_aux) == 0x800, "num_aux");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_params, aux) == 0x808, "aux");

/* RmiRecRun: entry part at 0x0 (host to RMM), exit part at 0x800 (RMM to host). */
#define RMI_REC_ENTRY_FLAG_EMUL_MMIO      (1UL << 0)
#define RMI_REC_ENTRY_FLAG_INJECT_SEA     (1UL << 1)
#define RMI_REC_ENTRY_FLAG_TRAP_WFI       (1UL << 2)
#define RMI_REC_ENTRY_FLAG_TRAP_WFE       (1UL << 3)
#define RMI_REC_ENTRY_FLAG_RIPAS_RESPONSE (1UL << 4)
#define RMI_REC_GPRS                      31
#define RMI_REC_GIC_NUM_LRS               16

enum rmi_exit_reason {
	RMI_EXIT_SYNC = 0,
	RMI_EXIT_IRQ = 1,
	RMI_EXIT_FIQ = 2,
	RMI_EXIT_PSCI = 3,
	RMI_EXIT_RIPAS_CHANGE = 4,
	RMI_EXIT_HOST_CALL = 5,
	RMI_EXIT_SERROR = 6,
};

struct rmi_rec_entry {
	uint64_t flags;
	uint8_t pad0[0x200 - 0x8];
	uint64_t gprs[RMI_REC_GPRS];
	uint8_t pad1[0x300 - 0x2f8];
	uint64_t gicv3_hcr;
	uint64_t gicv3_lrs[RMI_REC_GIC_NUM_LRS];
	uint8_t pad2[0x800 - 0x388];
};

struct rmi_rec_exit {
	uint64_t exit_reason;
	uint8_t pad0[0x100 - 0x8];
	uint64_t esr;
	uint64_t far;
	uint64_t hpfar;
	uint8_t pad1[0x200 - 0x118];
	uint64_t gprs[RMI_REC_GPRS];
	uint8_t pad2[0x300 - 0x2f8];
	uint64_t gicv3_hcr;
	uint64_t gicv3_lrs[RMI_REC_GIC_NUM_LRS];
	uint64_t gicv3_misr;
	uint64_t gicv3_vmcr;
	uint8_t pad3[0x400 - 0x398];
	uint64_t cntp_ctl;
	uint64_t cntp_cval;
	uint64_t cntv_ctl;
	uint64_t cntv_cval;
	uint8_t pad4[0x500 - 0x420];
	uint64_t ripas_base;
	uint64_t ripas_top;
	uint8_t ripas_value;
	uint8_t pad5[0x600 - 0x511];
	uint32_t imm;
	uint8_t pad6[0x700 - 0x604];
	uint64_t pmu_ovf_status;
	uint8_t pad7[0x800 - 0x708];
};

struct rmi_rec_run {
	struct rmi_rec_entry enter;
	struct rmi_rec_exit exit;
};
RK_STATIC_ASSERT(sizeof(struct rmi_rec_entry) == 0x800, "RmiRecEntry size");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_entry, gprs) == 0x200, "entry gprs");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_entry, gicv3_hcr) == 0x300, "entry gicv3_hcr");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_entry, gicv3_lrs) == 0x308, "entry gicv3_lrs");
RK_STATIC_ASSERT(sizeof(struct rmi_rec_exit) == 0x800, "RmiRecExit size");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, esr) == 0x100, "exit esr");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, far) == 0x108, "exit far");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, hpfar) == 0x110, "exit hpfar");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, gprs) == 0x200, "exit gprs");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, gicv3_hcr) == 0x300, "exit gicv3_hcr");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, gicv3_lrs) == 0x308, "exit gicv3_lrs");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, gicv3_misr) == 0x388, "exit gicv3_misr");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, gicv3_vmcr) == 0x390, "exit gicv3_vmcr");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, cntp_ctl) == 0x400, "exit cntp_ctl");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, cntv_cval) == 0x418, "exit cntv_cval");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, ripas_base) == 0x500, "exit ripas_base");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, ripas_top) == 0x508, "exit ripas_top");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, ripas_value) == 0x510, "exit ripas_value");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, imm) == 0x600, "exit imm");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_exit, pmu_ovf_status) == 0x700, "exit pmu_ovf_status");
RK_STATIC_ASSERT(sizeof(struct rmi_rec_run) == 0x1000, "RmiRecRun size");
RK_STATIC_ASSERT(offsetof(struct rmi_rec_run, exit) == 0x800, "RmiRecRun exit");

#endif
