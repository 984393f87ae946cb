// SPDX-License-Identifier: MIT
/*
 * Realm measurements (RMM 1.0): the RIM is initialised from the measured
 * realm parameters and extended with a 256-byte descriptor per DATA, REC
 * and RIPAS event: RIM' = H(descriptor), the descriptor holding the old RIM.
 * The algorithm takes an algorithm and buffers (measurement.h), so that
 * reference-value tools reuse it; the struct rd functions at the end are
 * the RMM's use of it.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

#include "rmm/internal.h"
#include "rmm/measurement.h"

#define MEASURE_DESC_SIZE MEASUREMENT_DESC_SIZE

/* Descriptor common header; the type-specific fields follow at 0x50. */
struct measure_desc {
	uint8_t desc_type;
	uint8_t pad0[7];
	uint64_t len;
	uint8_t rim[MEASUREMENT_MAX_LEN];
	union {
		struct {
			uint64_t ipa;
			uint64_t flags;
			uint8_t content[MEASUREMENT_MAX_LEN];
		} data;
		struct {
			uint8_t content[MEASUREMENT_MAX_LEN];
		} rec;
		struct {
			uint64_t base;
			uint64_t top;
		} ripas;
	} u;
	uint8_t pad[MEASURE_DESC_SIZE - 0x50 - 0x50];
};
_Static_assert(sizeof(struct measure_desc) == MEASURE_DESC_SIZE, "descriptor size");
_Static_assert(offsetof(struct measure_desc, len) == 0x8, "len");
_Static_assert(offsetof(struct measure_desc, rim) == 0x10, "rim");
_Static_assert(offsetof(struct measure_desc, u.data.ipa) == 0x50, "data ipa");
_Static_assert(offsetof(struct measure_desc, u.data.flags) == 0x58, "data flags");
_Static_assert(offsetof(struct measure_desc, u.data.content) == 0x60, "data content");
_Static_assert(offsetof(struct measure_desc, u.rec.content) == 0x50, "rec content");
_Static_assert(offsetof(struct measure_desc, u.ripas.base) == 0x50, "ripas base");
_Static_assert(offsetof(struct measure_desc, u.ripas.top) == 0x58, "ripas top");
_Static_assert(RMM_MAX_HASH_LEN == MEASUREMENT_MAX_LEN, "hash buffer sizes");

unsigned measurement_hash_len(unsigned hash_algo)
{
	return hash_algo == RMI_HASH_SHA_512 ? 64 : 32;
}

static const EVP_MD *md_sha256, *md_sha512;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static pthread_key_t ctx_key;

static void ctx_free(void *ctx)
{
	EVP_MD_CTX_free(ctx);
}

/*
 * EVP_sha256() and EVP_sha512() are OpenSSL 3's legacy digests: every
 * EVP_DigestInit with one fetches the provider's implementation again, a
 * locked lookup of some 2,300 instructions, as much as hashing a 256-byte
 * descriptor.  Fetch once and keep them for the life of the process; the
 * digests are the same (docs/PERFORMANCE.md).  Each thread also keeps one
 * digest context (freed when the thread ends): EVP_Digest allocates and
 * frees a context and its provider state per call, which for a 256-byte
 * descriptor costs as much again as the hashing.
 */
static void md_fetch(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	md_sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	md_sha512 = EVP_MD_fetch(NULL, "SHA2-512", NULL);
#endif
	if (!md_sha256)
		md_sha256 = EVP_sha256();
	if (!md_sha512)
		md_sha512 = EVP_sha512();
	pthread_key_create(&ctx_key, ctx_free);
}

static void *md_fetch_thread(void *arg)
{
	(void)arg;
	pthread_once(&md_once, md_fetch);
	return NULL;
}

/*
 * OpenSSL's first use in a process (configuration, providers, the fetch)
 * costs 2 to 3 ms: more than the rest of a small realm's creation.  An RMM
 * that boots starts it on a helper thread, so it is done (or under way:
 * pthread_once() waits) by the first REALM_CREATE.  Once per process.  The
 * thread is joined when an RMM is destroyed: a process that exits while it
 * runs would have OpenSSL's exit handler tear down what it is setting up.
 */
static pthread_mutex_t prefetch_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_t prefetch_thread;
static enum { PREFETCH_NONE, PREFETCH_RUNNING, PREFETCH_DONE } prefetch_state;

void measurement_prefetch(void)
{
	pthread_mutex_lock(&prefetch_mtx);
	if (prefetch_state == PREFETCH_NONE) {
		prefetch_state = PREFETCH_RUNNING;
		if (pthread_create(&prefetch_thread, NULL, md_fetch_thread, NULL)) {
			pthread_once(&md_once, md_fetch);
			prefetch_state = PREFETCH_DONE;
		}
	}
	pthread_mutex_unlock(&prefetch_mtx);
}

void measurement_prefetch_wait(void)
{
	pthread_mutex_lock(&prefetch_mtx);
	if (prefetch_state == PREFETCH_RUNNING) {
		pthread_join(prefetch_thread, NULL);
		prefetch_state = PREFETCH_DONE;
	}
	pthread_mutex_unlock(&prefetch_mtx);
}

void measurement_hash(unsigned hash_algo, const void *data, uint64_t len, uint8_t *out)
{
	const EVP_MD *md;
	EVP_MD_CTX *ctx;
	unsigned int olen;

	pthread_once(&md_once, md_fetch);
	md = hash_algo == RMI_HASH_SHA_512 ? md_sha512 : md_sha256;
	ctx = pthread_getspecific(ctx_key);
	if (!ctx) {
		ctx = EVP_MD_CTX_new();
		if (ctx && pthread_setspecific(ctx_key, ctx)) {
			EVP_MD_CTX_free(ctx);
			ctx = NULL;
		}
	}
	if (!ctx || !EVP_DigestInit_ex(ctx, md, NULL) || !EVP_DigestUpdate(ctx, data, len) ||
	    !EVP_DigestFinal_ex(ctx, out, &olen))
		EVP_Digest(data, len, out, &olen, md, NULL);
}

void measurement_rim_init(unsigned alg, const struct rmi_realm_params *params, uint8_t *rim)
{
	struct rmi_realm_params p;

	/* Only the fields that define the realm's shape, at their specified widths. */
	memset(&p, 0, sizeof(p));
	p.flags = params->flags & (RMI_REALM_FLAGS_LPA2 | RMI_REALM_FLAGS_SVE | RMI_REALM_FLAGS_PMU);
	p.s2sz = (uint32_t)params->s2sz;
	p.sve_vl = (uint32_t)params->sve_vl;
	p.num_bps = (uint32_t)params->num_bps;
	p.num_wps = (uint32_t)params->num_wps;
	p.pmu_num_ctrs = (uint32_t)params->pmu_num_ctrs;
	p.hash_algo = (uint8_t)params->hash_algo;
	memset(rim, 0, MEASUREMENT_MAX_LEN);
	measurement_hash(alg, &p, sizeof(p), rim);
}

void measurement_granule_hash(unsigned alg, const void *granule, uint8_t *out)
{
	measurement_hash(alg, granule, MEASUREMENT_GRANULE, out);
}

static void extend(unsigned alg, uint8_t *rim, struct measure_desc *d, uint8_t type)
{
	d->desc_type = type;
	d->len = MEASURE_DESC_SIZE;
	memcpy(d->rim, rim, measurement_hash_len(alg));
	measurement_hash(alg, d, sizeof(*d), rim);
}

void measurement_rim_extend_data(unsigned alg, uint8_t *rim, uint64_t ipa, uint64_t flags,
				 const uint8_t *content_hash)
{
	struct measure_desc d;

	memset(&d, 0, sizeof(d));
	d.u.data.ipa = ipa;
	d.u.data.flags = flags;
	if (flags & RMI_MEASURE_CONTENT)
		memcpy(d.u.data.content, content_hash, measurement_hash_len(alg));
	extend(alg, rim, &d, MEASUREMENT_DESC_DATA);
}

void measurement_rim_extend_rec(unsigned alg, uint8_t *rim, const struct rmi_rec_params *params)
{
	struct rmi_rec_params p;
	struct measure_desc d;

	memset(&p, 0, sizeof(p));
	p.flags = params->flags;
	p.pc = params->pc;
	memcpy(p.gprs, params->gprs, sizeof(p.gprs));
	memset(&d, 0, sizeof(d));
	measurement_hash(alg, &p, sizeof(p), d.u.rec.content);
	extend(alg, rim, &d, MEASUREMENT_DESC_REC);
}

void measurement_rim_extend_ripas(unsigned alg, uint8_t *rim, uint64_t base, uint64_t top)
{
	struct measure_desc d;

	memset(&d, 0, sizeof(d));
	d.u.ripas.base = base;
	d.u.ripas.top = top;
	extend(alg, rim, &d, MEASUREMENT_DESC_RIPAS);
}

void measurement_rem_extend(unsigned alg, uint8_t *rem, const void *data, unsigned size)
{
	unsigned len = measurement_hash_len(alg);
	uint8_t buf[MEASUREMENT_MAX_LEN * 2];

	/* REM = H(REM || data): the old value at the hash length, then the new bytes. */
	memcpy(buf, rem, len);
	memcpy(buf + len, data, size);
	measurement_hash(alg, buf, len + size, rem);
}

/* ---- the RMM's realm descriptor ---- */

void measurement_realm_params(struct rd *rd)
{
	struct rmi_realm_params p;

	memset(&p, 0, sizeof(p));
	p.flags = rd->flags;
	p.s2sz = rd->s2sz;
	p.sve_vl = rd->sve_vl;
	p.num_bps = rd->num_bps;
	p.num_wps = rd->num_wps;
	p.pmu_num_ctrs = rd->pmu_num_ctrs;
	p.hash_algo = rd->hash_algo;
	measurement_rim_init(rd->hash_algo, &p, rd->rim);
}

void measurement_extend_data(struct rd *rd, uint64_t ipa, uint64_t flags, const void *content)
{
	uint8_t h[MEASUREMENT_MAX_LEN];

	if (flags & RMI_MEASURE_CONTENT)
		measurement_granule_hash(rd->hash_algo, content, h);
	measurement_rim_extend_data(rd->hash_algo, rd->rim, ipa, flags, h);
}

void measurement_extend_rec(struct rd *rd, const struct rmi_rec_params *params)
{
	measurement_rim_extend_rec(rd->hash_algo, rd->rim, params);
}

void measurement_extend_ripas(struct rd *rd, uint64_t base, uint64_t top)
{
	measurement_rim_extend_ripas(rd->hash_algo, rd->rim, base, top);
}

void measurement_extend_rem(struct rd *rd, unsigned index, const void *data, unsigned size)
{
	measurement_rem_extend(rd->hash_algo, rd->rem[index], data, size);
}
