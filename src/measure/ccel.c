// SPDX-License-Identifier: MIT
/*
 * TCG2 event log replay (ccel.h).  Formats: TCG PC Client Platform Firmware
 * Profile (TCG_PCClientPCREvent, TCG_EfiSpecIDEvent, TCG_PCR_EVENT2,
 * UEFI_PLATFORM_FIRMWARE_BLOB2) and the RIM events of
 * cca-realm-measurements' docs/measurement-log.md; all little-endian.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "measure/ccel.h"

#define EV_NO_ACTION       0x3
#define EV_EVENT_TAG       0x6
#define EV_POST_CODE2      0x13
#define EV_EFI_FW_BLOB2    0x8000000AU

#define TPM_ALG_SHA256 0x0B
#define TPM_ALG_SHA384 0x0C
#define TPM_ALG_SHA512 0x0D

#define TAG_REALM_CREATE 1
#define TAG_INIT_RIPAS   2
#define TAG_REC_CREATE   3

struct rd {
	const uint8_t *p;
	size_t len, off;
};

static bool take(struct rd *r, size_t n, const uint8_t **out)
{
	if (r->len - r->off < n)
		return false;
	*out = r->p + r->off;
	r->off += n;
	return true;
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

struct image {
	const char *path;
	uint64_t size;
	uint8_t d256[32], d384[48], d512[64];
};

static int digest_file(struct image *im, char *err, size_t errlen)
{
	EVP_MD_CTX *c[3] = { EVP_MD_CTX_new(), EVP_MD_CTX_new(), EVP_MD_CTX_new() };
	static uint8_t buf[1 << 16];
	int fd = open(im->path, O_RDONLY | O_CLOEXEC), ret = -1;
	ssize_t n;

	if (fd < 0) {
		snprintf(err, errlen, "image %s: %s", im->path, strerror(errno));
		goto out;
	}
	EVP_DigestInit_ex(c[0], EVP_sha256(), NULL);
	EVP_DigestInit_ex(c[1], EVP_sha384(), NULL);
	EVP_DigestInit_ex(c[2], EVP_sha512(), NULL);
	im->size = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (int i = 0; i < 3; i++)
			EVP_DigestUpdate(c[i], buf, (size_t)n);
		im->size += (uint64_t)n;
	}
	if (n < 0) {
		snprintf(err, errlen, "image %s: %s", im->path, strerror(errno));
		goto out;
	}
	EVP_DigestFinal_ex(c[0], im->d256, NULL);
	EVP_DigestFinal_ex(c[1], im->d384, NULL);
	EVP_DigestFinal_ex(c[2], im->d512, NULL);
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < 3; i++)
		EVP_MD_CTX_free(c[i]);
	return ret;
}

static const char *alg_name(unsigned id)
{
	switch (id) {
	case TPM_ALG_SHA256: return "sha256";
	case TPM_ALG_SHA384: return "sha384";
	case TPM_ALG_SHA512: return "sha512";
	case 0x04: return "sha1";
	default: return "unknown";
	}
}

static const char *type_name(uint32_t t)
{
	switch (t) {
	case EV_NO_ACTION: return "EV_NO_ACTION";
	case EV_EVENT_TAG: return "EV_EVENT_TAG";
	case EV_POST_CODE2: return "EV_POST_CODE2";
	case EV_EFI_FW_BLOB2: return "EV_EFI_PLATFORM_FIRMWARE_BLOB2";
	case 0x1: return "EV_POST_CODE";
	case 0x4: return "EV_SEPARATOR";
	case 0x5: return "EV_ACTION";
	case 0xD: return "EV_IPL";
	case 0x80000001U: return "EV_EFI_VARIABLE_DRIVER_CONFIG";
	case 0x80000002U: return "EV_EFI_VARIABLE_BOOT";
	case 0x80000003U: return "EV_EFI_BOOT_SERVICES_APPLICATION";
	case 0x80000007U: return "EV_EFI_ACTION";
	default: return "event";
	}
}

struct digest {
	unsigned alg;
	const uint8_t *d;
	unsigned len;
};

struct ctx {
	struct rkm_spec *s;
	struct image *im;
	unsigned nim;
	bool created;
	unsigned alg; /* the realm's: 0 SHA-256, 1 SHA-512 */
	char *err;
	size_t errlen;
	unsigned idx;
	size_t off;
	uint32_t type;
};

static int bad(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct ctx *c, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "event log: event %u (%s at offset 0x%zx): %s", c->idx,
		 type_name(c->type), c->off, msg);
	return -1;
}

static int tag_event(struct ctx *c, const uint8_t *d, uint32_t n)
{
	uint32_t id, size;
	struct rkm_step st = { 0 };

	if (n < 8)
		return bad(c, "tagged event of %u bytes", n);
	id = (uint32_t)le(d, 4);
	size = (uint32_t)le(d + 4, 4);
	if (size > n - 8)
		return bad(c, "tagged event data of %u bytes in %u", size, n - 8);
	d += 8;
	switch (id) {
	case TAG_REALM_CREATE:
		if (size < 14)
			return bad(c, "REALM_CREATE of %u bytes (14 needed)", size);
		if (c->created)
			return bad(c, "a second REALM_CREATE");
		if (le(d, 8) & ~7ULL)
			return bad(c, "REALM_CREATE flags 0x%" PRIx64 " unknown", le(d, 8));
		if (d[13] > 1)
			return bad(c, "REALM_CREATE hash algorithm %u unknown", d[13]);
		c->s->l.params.flags = le(d, 8);
		c->s->l.params.ipa_bits = d[8];
		c->s->l.params.sve_vl = d[9];
		c->s->l.params.num_bps = d[10];
		c->s->l.params.num_wps = d[11];
		c->s->l.params.pmu_num_ctrs = d[12];
		c->s->l.params.hash_algo = d[13];
		c->alg = d[13];
		c->created = true;
		return 0;
	case TAG_INIT_RIPAS:
		if (size < 16)
			return bad(c, "INIT_RIPAS of %u bytes (16 needed)", size);
		if (!c->created)
			return bad(c, "INIT_RIPAS before REALM_CREATE");
		st.type = RKM_STEP_RIPAS;
		st.base = le(d, 8);
		st.top = st.base + le(d + 8, 8);
		if (st.top <= st.base || (st.base | st.top) & 0xfff)
			return bad(c, "INIT_RIPAS [0x%" PRIx64 ", 0x%" PRIx64 ") is empty or unaligned",
				   st.base, st.top);
		break;
	case TAG_REC_CREATE:
		if (size < 80)
			return bad(c, "REC_CREATE of %u bytes (80 needed)", size);
		if (!c->created)
			return bad(c, "REC_CREATE before REALM_CREATE");
		if (le(d, 8) & ~1ULL)
			return bad(c, "REC_CREATE flags 0x%" PRIx64 " unknown", le(d, 8));
		st.type = RKM_STEP_REC;
		st.runnable = le(d, 8) & 1;
		st.pc = le(d + 8, 8);
		for (int i = 0; i < 8; i++)
			st.gprs[i] = le(d + 16 + 8 * i, 8);
		break;
	default:
		return bad(c, "unknown RIM tag %u", id);
	}
	if (rkm_spec_add_step(c->s, &st) < 0)
		return bad(c, "out of memory");
	return 0;
}

static int blob_event(struct ctx *c, const uint8_t *d, uint32_t n, const struct digest *dg,
		      unsigned ndg)
{
	char desc[64];
	unsigned dl;
	uint64_t base, size;

	if (n < 1 || n < 1U + d[0] + 16)
		return bad(c, "firmware blob event of %u bytes", n);
	dl = d[0];
	snprintf(desc, sizeof(desc), "%.*s", (int)(dl < 63 ? dl : 63), (const char *)d + 1);
	base = le(d + 1 + dl, 8);
	size = le(d + 1 + dl + 8, 8);
	if (!c->created)
		return bad(c, "blob '%s' before REALM_CREATE", desc);
	if (!size || base + size < base)
		return bad(c, "blob '%s' at 0x%" PRIx64 " has size %" PRIu64, desc, base, size);
	if (!ndg) {
		/* No digest: loaded unmeasured (DATA descriptors with the IPA only). */
		uint64_t b0 = base & ~0xfffULL, top = (base + size + 0xfff) & ~0xfffULL;
		struct rkm_region r = { .name = rkm_spec_str(c->s, desc), .ipa = b0,
					.size = top - b0 };
		struct rkm_step st = { .type = RKM_STEP_DATA };
		int idx = rkm_spec_add_region(c->s, &r);

		st.region = (unsigned)idx;
		if (idx < 0 || rkm_spec_add_step(c->s, &st) < 0)
			return bad(c, "out of memory");
		return 0;
	}
	for (unsigned k = 0; k < ndg; k++)
		for (unsigned i = 0; i < c->nim; i++) {
			const uint8_t *want = dg[k].alg == TPM_ALG_SHA256 ? c->im[i].d256
					    : dg[k].alg == TPM_ALG_SHA384 ? c->im[i].d384
					    : dg[k].alg == TPM_ALG_SHA512 ? c->im[i].d512 : NULL;
			char e2[RKM_ERR_LEN];

			if (!want || memcmp(want, dg[k].d, dg[k].len))
				continue;
			if (c->im[i].size != size)
				return bad(c, "blob '%s' is %" PRIu64 " bytes; %s, which has its "
					      "digest, is %" PRIu64, desc, size, c->im[i].path,
					   c->im[i].size);
			if (rkm_spec_add_file(c->s, desc, c->im[i].path, base, true, e2,
					      sizeof(e2)) < 0)
				return bad(c, "%s", e2);
			return 0;
		}
	{
		char hex[24];

		for (unsigned i = 0; i < 8 && i < dg[0].len; i++)
			snprintf(hex + 2 * i, 3, "%02x", dg[0].d[i]);
		return bad(c, "blob '%s' at 0x%" PRIx64 ": no image given has its digest %s:%s... "
			      "(give it with --image FILE)", desc, base, alg_name(dg[0].alg), hex);
	}
}

static unsigned pcr_rem(uint32_t pcr)
{
	if (pcr == 1 || pcr == 7)
		return 0;
	if (pcr >= 2 && pcr <= 6)
		return 1;
	if (pcr >= 8 && pcr <= 15)
		return 2;
	return 3;
}

static bool padding(const uint8_t *p, size_t n)
{
	bool z = true, f = true;

	for (size_t i = 0; i < n; i++) {
		z &= p[i] == 0;
		f &= p[i] == 0xff;
	}
	return z || f;
}

int rkm_ccel_replay(const uint8_t *log, size_t len, const char *const *images,
		    unsigned nimages, struct rkm_spec *s, struct rkm_ccel_info *info, char *err,
		    size_t errlen)
{
	struct ctx c = { .s = s, .err = err, .errlen = errlen };
	struct rd r = { .p = log, .len = len };
	struct { unsigned alg, size; } algs[8];
	unsigned nalgs, ret = (unsigned)-1;
	const uint8_t *h, *d;

	memset(info, 0, sizeof(*info));
	snprintf(s->vmm, sizeof(s->vmm), "event log");
	c.im = calloc(nimages + 1, sizeof(*c.im));
	if (!c.im)
		return -1;
	for (unsigned i = 0; i < nimages; i++) {
		c.im[i].path = images[i];
		if (digest_file(&c.im[i], err, errlen) < 0)
			goto out;
	}
	c.nim = nimages;
	/* The first event: SHA-1 format, holding the Spec ID event. */
	c.type = EV_NO_ACTION;
	if (!take(&r, 32, &h)) {
		bad(&c, "the log is %zu bytes, too short for the Spec ID event", len);
		goto out;
	}
	if (le(h + 4, 4) != EV_NO_ACTION || !take(&r, (size_t)le(h + 28, 4), &d) ||
	    le(h + 28, 4) < 29 || memcmp(d, "Spec ID Event03", 16)) {
		bad(&c, "no TCG2 Spec ID Event03 (not a crypto-agile TCG event log)");
		goto out;
	}
	nalgs = (unsigned)le(d + 24, 4);
	if (!nalgs || nalgs > 8 || le(h + 28, 4) < 28 + nalgs * 4 + 1) {
		bad(&c, "Spec ID event declares %u algorithms", nalgs);
		goto out;
	}
	for (unsigned i = 0; i < nalgs; i++) {
		algs[i].alg = (unsigned)le(d + 28 + 4 * i, 2);
		algs[i].size = (unsigned)le(d + 30 + 4 * i, 2);
		if (!algs[i].size || algs[i].size > 64) {
			bad(&c, "Spec ID event: %s digest size %u", alg_name(algs[i].alg),
			    algs[i].size);
			goto out;
		}
	}
	info->events = 1;
	for (c.idx = 1; r.off < len; c.idx++) {
		struct digest dg[8];
		unsigned ndg;
		uint32_t pcr, evsize;
		const uint8_t *ev;

		c.off = r.off;
		c.type = 0;
		if (padding(log + r.off, len - r.off))
			break; /* the rest of the log area is unused */
		if (!take(&r, 12, &h)) {
			bad(&c, "truncated event header (%zu bytes left)", len - c.off);
			goto out;
		}
		pcr = (uint32_t)le(h, 4);
		c.type = (uint32_t)le(h + 4, 4);
		ndg = (unsigned)le(h + 8, 4);
		if (ndg > nalgs) {
			bad(&c, "%u digests, the log declares %u algorithms", ndg, nalgs);
			goto out;
		}
		for (unsigned k = 0; k < ndg; k++) {
			unsigned a, sz = 0;

			if (!take(&r, 2, &h)) {
				bad(&c, "truncated digest");
				goto out;
			}
			a = (unsigned)le(h, 2);
			for (unsigned j = 0; j < nalgs; j++)
				if (algs[j].alg == a)
					sz = algs[j].size;
			if (!sz) {
				bad(&c, "digest algorithm 0x%x is not declared by the Spec ID event", a);
				goto out;
			}
			if (!take(&r, sz, &dg[k].d)) {
				bad(&c, "truncated %s digest", alg_name(a));
				goto out;
			}
			dg[k].alg = a;
			dg[k].len = sz;
		}
		if (!take(&r, 4, &h)) {
			bad(&c, "truncated event size");
			goto out;
		}
		evsize = (uint32_t)le(h, 4);
		if (!take(&r, evsize, &ev)) {
			bad(&c, "event data of %u bytes runs past the end of the log", evsize);
			goto out;
		}
		info->events++;
		if (c.type == EV_NO_ACTION) {
			if (evsize >= 16 + 32 + 40 && !memcmp(ev, "VM VERSION", 11)) {
				snprintf(info->vmm_name, sizeof(info->vmm_name), "%.32s", ev + 16);
				snprintf(info->vmm_version, sizeof(info->vmm_version), "%.40s", ev + 48);
			}
			continue; /* informational: nothing is extended */
		}
		if (pcr == 0) {
			int rc;

			if (c.type == EV_EVENT_TAG)
				rc = tag_event(&c, ev, evsize);
			else if (c.type == EV_POST_CODE2 || c.type == EV_EFI_FW_BLOB2)
				rc = blob_event(&c, ev, evsize, dg, ndg);
			else
				rc = bad(&c, "event type 0x%x is not a RIM event", c.type);
			if (rc < 0)
				goto out;
			info->rim_events++;
		} else {
			unsigned want = c.alg ? TPM_ALG_SHA512 : TPM_ALG_SHA256, k;

			if (!c.created) {
				bad(&c, "a REM event (PCR %u) before REALM_CREATE: the hash algorithm "
					"is not known", pcr);
				goto out;
			}
			for (k = 0; k < ndg && dg[k].alg != want; k++)
				;
			if (k == ndg) {
				bad(&c, "PCR %u event has no %s digest, the realm's algorithm", pcr,
				    alg_name(want));
				goto out;
			}
			if (rkm_spec_add_rem(s, pcr_rem(pcr), dg[k].d, dg[k].len) < 0) {
				bad(&c, "out of memory");
				goto out;
			}
			info->rem_events++;
		}
	}
	if (!c.created) {
		snprintf(err, errlen, "event log: no REALM_CREATE event (%u events): no RIM to replay",
			 info->events);
		goto out;
	}
	ret = 0;
out:
	free(c.im);
	return (int)ret;
}
