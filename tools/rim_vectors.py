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


def _main():
    import sys
    if len(sys.argv) in (3, 5) and sys.argv[1] == "manifest":
        # manifest FILE [--rmm 1.0|2.0]: the manifest's "rmm", else this, else 2.0
        rmm = sys.argv[4] if len(sys.argv) == 5 and sys.argv[3] == "--rmm" else "2.0"
        print(manifest(sys.argv[2], rmm).hex())
        return
    print("veraison 48-bit 2bp 2wp:", H("sha256", realm_params_page()).hex())
    for a in (0, 1):
        for k, v in scenario(a).items():
            print(f"alg{a} {k}: {v.hex()}")


# ---- launch manifests (docs/MEASURE.md), modelled independently of src/measure ----

def _num(v):
    if isinstance(v, int):
        return v
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    s = v.strip()
    m = 1
    if s and s[-1].upper() in mult:
        m = mult[s[-1].upper()]
        s = s[:-1]
    return int(s, 0) * m


class _Rtt:
    """KVM's tables as sets: which (level, base) tables exist, which pages are populated."""

    def __init__(self, ipa):
        self.start = 4 - (ipa - 8) // 9
        self.tables = set()
        self.pages = set()

    @staticmethod
    def size(level):
        return 1 << (12 + 9 * (3 - level))

    def populate(self, ipa):
        self.pages.add(ipa)
        for lvl in range(self.start + 1, 4):
            self.tables.add((lvl, ipa & ~(self.size(lvl - 1) - 1)))

    def ripas(self, base, top):
        out = []
        addr = base
        while addr < top:
            lvl = self.start
            while lvl < 3 and (lvl + 1, addr & ~(self.size(lvl) - 1)) in self.tables:
                lvl += 1
            sz = self.size(lvl)
            e0 = addr & ~(sz - 1)
            if lvl == 3 and addr in self.pages:
                addr += sz
                continue
            if addr != e0 or e0 + sz > top:
                self.tables.add((lvl + 1, e0))
                continue
            out.append((e0, e0 + sz))
            addr = e0 + sz
        return out


def manifest(path, default_rmm="2.0"):
    import json
    import os
    m = json.load(open(path))
    d = os.path.dirname(path)
    realm = m.get("realm", {})
    alg_id = 1 if realm.get("hash-algo", "sha-256") in ("sha-512", "sha512") else 0
    alg = "sha512" if alg_id else "sha256"
    ipa = realm.get("ipa-bits", 40)
    bps = realm.get("breakpoints", 6) - 1
    wps = realm.get("watchpoints", 4) - 1
    rim = H(alg, realm_params_page(s2sz=ipa, num_bps=bps, num_wps=wps, alg=alg_id))
    mode = m.get("ripas", "kvm")
    rmm = m.get("rmm", default_rmm)  # RMM 2.0: RIPAS is not measured (no descriptor)
    ram = sorted((_num(r["base"]), _num(r["size"])) for r in m.get("ram", []))
    regions = {}
    for i, r in enumerate(m.get("regions", [])):
        regions[r.get("name", str(i))] = r
    recs = m.get("recs", [])
    rtt = _Rtt(ipa)

    def load(r):
        nonlocal rim
        base = _num(r["ipa"])
        measured = r.get("measured", True)
        data = b""
        if "file" in r:
            data = open(os.path.join(d, r["file"]), "rb").read()[_num(r.get("offset", 0)):]
        size = _num(r["size"]) if "size" in r else (len(data) + 4095) // 4096 * 4096
        data = data[:size].ljust(size, b"\0")
        for off in range(0, size, 4096):
            rim = data_desc(alg, rim, base + off, data[off:off + 4096], measured)
            rtt.populate(base + off)

    def rec_desc(i):
        nonlocal rim
        r = recs[i]
        if not r.get("runnable", i == 0):
            return
        gprs = [_num(g) for g in r.get("gprs", [])]
        rim = rec(alg, rim, 1, _num(r["pc"]), gprs + [0] * (8 - len(gprs)))

    def ripas_desc(base, top):
        nonlocal rim
        if rmm == "2.0":
            return
        for b, t in rtt.ripas(base, top):
            rim = ripas(alg, rim, b, t)

    steps = m.get("steps")
    if steps is None:
        steps = []
        if mode == "explicit":
            steps += [{"ripas": {"base": b, "size": s}} for b, s in ram]
        steps += [{"load": k} for k in regions]
        if mode == "explicit":
            steps += [{"rec": i} for i in range(len(recs))]
    for st in steps:
        if "load" in st:
            load(regions[st["load"]])
        elif "ripas" in st:
            b = _num(st["ripas"]["base"])
            ripas_desc(b, b + _num(st["ripas"]["size"]))
        else:
            rec_desc(st["rec"])
    if mode != "explicit":
        for i in range(len(recs)):
            rec_desc(i)
    if mode == "kvm":
        for b, s in ram:
            ripas_desc(b, b + s)
    return rim


def data_desc(alg, rim, ipa, content, measure):
    return data(alg, rim, ipa, content, measure)


if __name__ == "__main__":
    _main()
