#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent model of the RMM 1.0 RIM, used to derive the known-answer
vectors in tests/test_measurement.c.  Written from the specification's
algorithm (docs/MEASUREMENT.md), separately from src/rmm/measurement.c.
Not run by CI; run it to regenerate or audit the vectors."""
import hashlib
import struct


def H(alg, data):
    return hashlib.new(alg, data).digest()


def realm_params_page(flags=0, s2sz=48, sve_vl=0, num_bps=1, num_wps=1, pmu=0, alg=0):
    page = bytearray(4096)
    struct.pack_into("<QQQQQQQ", page, 0, flags, s2sz, sve_vl, num_bps, num_wps, pmu, alg)
    return bytes(page)


def extend(alg, rim, dtype, body):
    d = bytearray(0x100)
    d[0] = dtype
    struct.pack_into("<Q", d, 8, 0x100)
    d[0x10:0x10 + len(rim)] = rim
    d[0x50:0x50 + len(body)] = body
    return H(alg, bytes(d))


def data(alg, rim, ipa, content, measure):
    body = struct.pack("<QQ", ipa, 1 if measure else 0)
    body += H(alg, content) if measure else bytes(64)
    return extend(alg, rim, 0, body)


def ripas(alg, rim, base, top):
    return extend(alg, rim, 2, struct.pack("<QQ", base, top))


def rec(alg, rim, flags, pc, gprs):
    page = bytearray(4096)
    struct.pack_into("<Q", page, 0, flags)
    struct.pack_into("<Q", page, 0x200, pc)
    struct.pack_into("<8Q", page, 0x300, *gprs)
    return extend(alg, rim, 1, H(alg, bytes(page)))


def scenario(alg_id):
    """The sequence test_measurement.c replays through the RMM."""
    alg = "sha256" if alg_id == 0 else "sha512"
    out = {}
    rim = H(alg, realm_params_page(s2sz=40, num_bps=3, num_wps=2, alg=alg_id))
    out["create"] = rim
    for page in range(4):
        rim = ripas(alg, rim, page * 0x1000, (page + 1) * 0x1000)
    rim = ripas(alg, rim, 0x200000, 0x400000)  # one 2 MiB block entry
    out["ripas"] = rim
    rim = data(alg, rim, 0x0, bytes([0xa5]) * 4096, True)
    rim = data(alg, rim, 0x1000, bytes([0x3c]) * 4096, False)
    out["data"] = rim
    rim = rec(alg, rim, 1, 0x80000, [0x1234, 0, 0, 0, 0, 0, 0, 0x77])
    out["rec"] = rim
    return out


if __name__ == "__main__":
    print("veraison 48-bit 2bp 2wp:", H("sha256", realm_params_page()).hex())
    for a in (0, 1):
        for k, v in scenario(a).items():
            print(f"alg{a} {k}: {v.hex()}")
