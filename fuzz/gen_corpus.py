#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpus of fuzz_rmi (fuzz/corpus/rmi/) in its input format.

Each seed is a header byte and a list of operations; the operand bytes follow
the decoder in fuzz/fuzz_rmi.c (docs/FUZZING.md describes the format).  Zero
operand bytes select the defaults: the first live realm, a fresh granule, a
valid geometry, an IPA of 0.  Run from anywhere; it rewrites the seeds."""
import os

OPS = [
    "VERSION", "FEATURES", "GRANULE_DELEGATE", "GRANULE_UNDELEGATE", "DATA_CREATE",
    "DATA_CREATE_UNKNOWN", "DATA_DESTROY", "REALM_ACTIVATE", "REALM_CREATE", "REALM_DESTROY",
    "REC_CREATE", "REC_DESTROY", "REC_ENTER", "RTT_CREATE", "RTT_DESTROY",
    "RTT_MAP_UNPROTECTED", "RTT_READ_ENTRY", "RTT_UNMAP_UNPROTECTED", "PSCI_COMPLETE",
    "RTT_FOLD", "REC_AUX_COUNT", "RTT_INIT_RIPAS", "RTT_SET_RIPAS", "RAW",
    "WRITE_REALM_PARAMS", "WRITE_REC_PARAMS", "WRITE_SRC", "WRITE_RUN", "MAP_TABLES",
    "POPULATE", "INIT_RIPAS_RANGE", "MAP_UNPROTECTED_RANGE", "WRITE_PROGRAM", "COMPLETE_EXIT",
]
OP = {name: i for i, name in enumerate(OPS)}

HDR_RICH = 1  # 52-bit IPA, LPA2, SVE, PMU
HDR_4MIB = 2  # 4 MiB of DRAM instead of 2
HDR_SMALL = 4  # 40-bit PA range, no SHA-512
HDR_HIGH = 8  # DRAM at 2^48: only LPA2 realms can address it

IPA_UNPROT = 2 << 2  # IPA operand kind 2: the unprotected half (protected for MAP/UNMAP)


def op(name, *operands):
    return bytes([OP[name], *operands])


def realm_create(geo=0, flags=0, vmid=0):
    # m=0: write fresh params; geometry, flags, bps/wps, vmid, rtt_base, mutation; rd fresh
    return op("REALM_CREATE", 0, geo, flags, 0, vmid, 0, 0, 0)


def rec_create(realm=0, runnable=1):
    # realm, m=0: write params (flags, mpidr, num_aux, mutation), rec fresh
    return op("REC_CREATE", realm, 0, runnable, 0, 0, 0, 0)


def raw(v):
    # A raw 64-bit program operand (address, argument or function ID).
    return bytes([0xf0]) + v.to_bytes(8, "little")


def smc(fid_byte, *args):
    # A call snippet: fid selector, then x1..x4 (program addresses; raw() for exact values).
    body = b"".join(a if isinstance(a, bytes) else bytes([a]) for a in args)
    return bytes([0, 0, fid_byte]) + body


def program(*snippets):
    # WRITE_PROGRAM to a fresh NS page: count - 1, then the snippets.
    return op("WRITE_PROGRAM", 0, len(snippets) - 1) + b"".join(snippets)


# A realm whose program runs: tables, RIPAS RAM, the program measured at IPA 0, REC 0
# runnable at IPA 0, REC 1 off, activate.
def running(*snippets):
    return (bytes([0]) + realm_create() + op("MAP_TABLES", 0, 0, 0, 0)
            + op("INIT_RIPAS_RANGE", 0, 0, 0, 15) + program(*snippets)
            + op("POPULATE", 0, 0, 0, 0, 2) + rec_create() + rec_create(runnable=0)
            + op("REALM_ACTIVATE", 0))


ENTER1 = op("REC_ENTER", 0, 0, 0, 0)  # the first entry writes the run page (flags, LRs)
ENTER = op("REC_ENTER", 0, 0)

SEEDS = {
    # The realm-basic example: params, tables, RIPAS, measured DATA, a REC, activate, enter.
    "build-basic": bytes([0]) + realm_create() + op("MAP_TABLES", 0, 0, 0, 0)
    + op("INIT_RIPAS_RANGE", 0, 0, 0, 15) + op("POPULATE", 0, 0, 0, 3, 2, 0xa5)
    + op("DATA_CREATE_UNKNOWN", 0, 0, 0, 8) + rec_create() + op("REALM_ACTIVATE", 0)
    + op("REC_ENTER", 0, 0, 0, 0) + op("RTT_READ_ENTRY", 0, 0, 0, 0),
    # 512 unprotected pages mapped, then folded into one level-2 block.
    "unprotected-fold": bytes([0]) + realm_create() + op("MAP_TABLES", 0, IPA_UNPROT, 0, 0)
    + op("MAP_UNPROTECTED_RANGE", 0, 0, 0, 0, 0, 0, 0xf0)
    + op("RTT_FOLD", 0, IPA_UNPROT, 0, 0) + op("RTT_READ_ENTRY", 0, IPA_UNPROT, 0, 1),
    # 4 MiB: 512 contiguous DATA granules (unknown content), folded into a protected block;
    # the teardown has to split it again.
    "protected-fold": bytes([HDR_4MIB]) + realm_create() + op("POPULATE", 0, 0, 0, 0xf0, 5)
    + op("RTT_FOLD", 0, 0, 0, 0) + op("RTT_READ_ENTRY", 0, 0, 0, 6),
    # LPA2 platform: a 49-bit realm starting at level -1 (geometry 28), tables, data, a REC.
    "lpa2-level-minus-1": bytes([HDR_RICH]) + realm_create(geo=28, flags=4)
    + op("MAP_TABLES", 0, 0, 0, 0) + op("POPULATE", 0, 0, 0, 1, 1)
    + rec_create() + op("REALM_ACTIVATE", 0),
    # DRAM above 2^48 with an LPA2 realm: tables and DATA at 52-bit PAs; then a realm
    # without LPA2, which can address none of it.
    "lpa2-high-dram": bytes([HDR_RICH | HDR_HIGH]) + realm_create(flags=4)
    + op("MAP_TABLES", 0, 0, 0, 0) + op("POPULATE", 0, 0, 0, 1, 1)
    + op("DATA_CREATE_UNKNOWN", 0, 0, 0, 8) + op("RTT_READ_ENTRY", 0, 0, 0, 0)
    + realm_create() + op("MAP_TABLES", 1, 0, 0, 0),
    # A 32-bit realm with four concatenated level-2 starting RTTs (geometry 21), RIPAS and
    # unprotected mappings in both halves.
    "concatenated-level-2": bytes([0]) + realm_create(geo=21) + op("MAP_TABLES", 0, 0, 0, 0)
    + op("INIT_RIPAS_RANGE", 0, 0, 0, 0x80) + op("MAP_TABLES", 0, IPA_UNPROT, 0, 0)
    + op("MAP_UNPROTECTED_RANGE", 0, 0, 0, 0, 0, 0, 4),
    # Two realms, RECs in both, then destroy in the wrong order and the right one.
    "two-realms": bytes([0]) + realm_create() + realm_create(geo=9) + rec_create(0)
    + rec_create(1) + op("REALM_DESTROY", 0) + op("REC_DESTROY", 0, 0)
    + op("DATA_CREATE_UNKNOWN", 1, 0, 0, 0) + op("MAP_TABLES", 1, 0, 0, 0)
    + op("DATA_CREATE_UNKNOWN", 1, 0, 0, 0) + op("DATA_DESTROY", 1, 0, 0)
    + op("RTT_DESTROY", 1, 0, 0, 0) + op("GRANULE_UNDELEGATE", 0),
    # An active realm entered with GIC state: valid list registers, then a duplicate vINTID.
    "enter-gic": bytes([0]) + realm_create() + rec_create() + op("REALM_ACTIVATE", 0)
    + op("WRITE_RUN", 0, 0x80, 0x02, 2, 0x01, 0x00, 0x05, 0x01) + op("REC_ENTER", 0, 0)
    + op("WRITE_RUN", 0, 0x00, 2, 0x01, 0x00, 0x01, 0x00) + op("REC_ENTER", 0, 0),
    # RECs of two realms used across them: RTT_SET_RIPAS and PSCI_COMPLETE.
    "cross-realm-recs": bytes([0]) + realm_create() + realm_create() + rec_create(0)
    + rec_create(1) + op("RTT_SET_RIPAS", 1, 0, 0, 0, 0) + op("RTT_SET_RIPAS", 0, 0, 0, 0, 0)
    + op("PSCI_COMPLETE", 0, 1, 0),
    # A realm that asks RIPAS RAM over [0x3000, 0x5000), extends REM1, stores to its
    # unprotected alias (MMIO), loads from unpopulated RAM, asks CPU_ON for REC 1 and
    # powers off; the host completes each exit as KVM would.
    "program-rsi-psci": running(
        smc(7, 0x12, 0x23, raw(1), 0),           # IPA_STATE_SET(0x3000, 0x5000, RAM)
        smc(3, raw(1), raw(8), 0x05, 0),         # MEASUREMENT_EXTEND(1, 8, ...)
        bytes([1, 3, 0x0b]),                     # str x0, [1 << 39]: MMIO (40-bit realm)
        bytes([1, 7, 0x62]),                     # ldr x0, [0x8000]: RAM, not populated
        smc(0x87, raw(1), 0, raw(0x1234), 0),    # PSCI CPU_ON(1, 0, 0x1234)
        smc(0x89, 0, 0, 0, 0))                   # PSCI SYSTEM_OFF
    + ENTER1 + op("COMPLETE_EXIT", 0)                       # RIPAS: RTT_SET_RIPAS
    + ENTER + op("COMPLETE_EXIT", 0, *(0x55).to_bytes(8, "little"))  # MMIO: EMUL_MMIO
    + ENTER + op("COMPLETE_EXIT", 0)                        # protected fault: DATA_CREATE_UNKNOWN
    + ENTER + op("COMPLETE_EXIT", 0)                        # CPU_ON: PSCI_COMPLETE
    + ENTER + op("REC_ENTER", 0, 0),                        # SYSTEM_OFF, then refused
    # Exceptions from the realm: HVC, SVC, an undefined system register, WFI, ERET, BRK.
    "program-exceptions": running(
        bytes([3, 0]), bytes([3, 1]), bytes([2, 0, 0x40, 0x3f]), bytes([3, 2]), bytes([3, 4]),
        bytes([3, 5]), bytes([5, 3]))
    + ENTER1 + ENTER,
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "rmi")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
