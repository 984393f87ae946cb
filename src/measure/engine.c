// SPDX-License-Identifier: MIT
/*
 * The measurement engine (measure.h).  Granule content hashes are
 * independent, the RIM chain is not: a pool of threads hashes the measured
 * granules a batch at a time into a ring of slots, and the calling thread
 * walks the launch's steps in order, extending the RIM with each batch as
 * it completes.  The ring bounds both memory and how far the hashers run
 * ahead.  Files are read a batch at a time with pread() into a per-thread
 * buffer and hashed there (mapping each batch instead costs twice as much on
 * a VM: the first touches of a fresh mapping, docs/PERFORMANCE.md); memory
 * images are hashed in place.  Edges (a zero lead, a file that ends
 * mid-granule) are assembled in the same buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "measure/measure.h"
#include "rmm/measurement.h"

#define BATCH_PAGES 256 /* 1 MiB: one mapping, one slot */
#define RING_PER_THREAD 4

static void errf(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* ---- validation ---- */

static const char *rname(const struct rkm_launch *l, unsigned i, char *buf, size_t n)
{
	if (l->regions[i].name)
		return l->regions[i].name;
	snprintf(buf, n, "region %u", i);
	return buf;
}

int rkm_validate(const struct rkm_launch *l, char *err, size_t errlen)
{
	const struct rkm_params *p = &l->params;
	unsigned max_ipa = p->flags & 1 ? 52 : 48; /* LPA2 */
	uint64_t ptop;
	char b1[32], b2[32];

	if (p->hash_algo > 1) {
		errf(err, errlen, "hash algorithm %u is neither SHA-256 (0) nor SHA-512 (1)",
		     p->hash_algo);
		return -1;
	}
	if (p->ipa_bits < 32 || p->ipa_bits > max_ipa) {
		errf(err, errlen, "IPA size %u bits is outside 32..%u", p->ipa_bits, max_ipa);
		return -1;
	}
	if (p->num_bps > 63 || p->num_wps > 63) {
		errf(err, errlen, "breakpoints/watchpoints (%u/%u, RMI encoding) exceed 63",
		     p->num_bps, p->num_wps);
		return -1;
	}
	ptop = 1ULL << (p->ipa_bits - 1);
	for (unsigned i = 0; i < l->nregions; i++) {
		const struct rkm_region *r = &l->regions[i];

		if (r->ipa % RKM_GRANULE) {
			errf(err, errlen, "%s: IPA 0x%" PRIx64 " is not 4 KiB aligned",
			     rname(l, i, b1, sizeof(b1)), r->ipa);
			return -1;
		}
		if (!r->size || r->size % RKM_GRANULE) {
			errf(err, errlen, "%s: size 0x%" PRIx64 " is not a non-zero multiple of 4 KiB",
			     rname(l, i, b1, sizeof(b1)), r->size);
			return -1;
		}
		if (r->lead >= RKM_GRANULE || r->lead + r->length > r->size) {
			errf(err, errlen, "%s: %" PRIu64 " bytes of content do not fit in 0x%" PRIx64
				     " bytes of memory", rname(l, i, b1, sizeof(b1)), r->length,
			     r->size);
			return -1;
		}
		if (r->ipa >= ptop || r->size > ptop - r->ipa) {
			errf(err, errlen, "%s: [0x%" PRIx64 ", 0x%" PRIx64 ") is outside the protected "
				     "IPA space [0, 0x%" PRIx64 ") of a %u-bit realm",
			     rname(l, i, b1, sizeof(b1)), r->ipa, r->ipa + r->size, ptop,
			     p->ipa_bits);
			return -1;
		}
		if (!r->path && !r->data && r->length) {
			errf(err, errlen, "%s: no file and no data", rname(l, i, b1, sizeof(b1)));
			return -1;
		}
	}
	for (unsigned i = 0; i < l->nregions; i++)
		for (unsigned j = i + 1; j < l->nregions; j++) {
			const struct rkm_region *a = &l->regions[i], *b = &l->regions[j];

			if (a->ipa < b->ipa + b->size && b->ipa < a->ipa + a->size) {
				errf(err, errlen, "%s [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps %s [0x%"
					     PRIx64 ", 0x%" PRIx64 ")",
				     rname(l, i, b1, sizeof(b1)), a->ipa, a->ipa + a->size,
				     rname(l, j, b2, sizeof(b2)), b->ipa, b->ipa + b->size);
				return -1;
			}
		}
	for (unsigned i = 0; i < l->nsteps; i++) {
		const struct rkm_step *s = &l->steps[i];

		if (s->type == RKM_STEP_DATA && s->region >= l->nregions) {
			errf(err, errlen, "step %u: no region %u", i, s->region);
			return -1;
		}
		if (s->type != RKM_STEP_RIPAS)
			continue;
		if ((s->base | s->top) % RKM_GRANULE) {
			errf(err, errlen, "RIPAS range [0x%" PRIx64 ", 0x%" PRIx64 ") is not 4 KiB "
				     "aligned", s->base, s->top);
			return -1;
		}
		if (s->top <= s->base || s->top > ptop) {
			errf(err, errlen, "RIPAS range [0x%" PRIx64 ", 0x%" PRIx64 ") is empty or "
				     "outside the protected IPA space [0, 0x%" PRIx64 ")",
			     s->base, s->top, ptop);
			return -1;
		}
	}
	for (unsigned i = 0; i < l->nsteps; i++)
		for (unsigned j = i + 1; j < l->nsteps; j++)
			if (l->steps[i].type == RKM_STEP_DATA && l->steps[j].type == RKM_STEP_DATA &&
			    l->steps[i].region == l->steps[j].region) {
				errf(err, errlen, "%s is loaded twice",
				     rname(l, l->steps[i].region, b1, sizeof(b1)));
				return -1;
			}
	for (unsigned i = 0; i < l->nrem_ext; i++)
		if (l->rem_ext[i].index > 3 || l->rem_ext[i].size > 64) {
			errf(err, errlen, "REM extension %u: index %u or size %u out of range", i,
			     l->rem_ext[i].index, l->rem_ext[i].size);
			return -1;
		}
	return 0;
}

/* ---- content hashing ---- */

struct slot {
	uint64_t seq; /* batch number held, UINT64_MAX: none */
	bool done;
	unsigned region;
	uint64_t first, n; /* granules [first, first + n) of the region */
	uint8_t hash[BATCH_PAGES][RKM_MAX_LEN];
};

struct engine {
	const struct rkm_launch *l;
	unsigned alg, hlen;
	int *fds;
	uint64_t *fsize; /* bytes of source available at the region's offset */
	pthread_mutex_t lock;
	pthread_cond_t cv_work, cv_chain;
	unsigned cur_step;   /* the hashers' cursor: step and next granule */
	uint64_t cur_page;
	uint64_t next_seq;   /* next batch to hand out */
	uint64_t consumed;   /* batches the chainer is done with */
	struct slot *ring;
	unsigned nring;
	bool stop;
	int error;
	char errmsg[RKM_ERR_LEN];
};

static bool step_hashed(const struct engine *e, unsigned i)
{
	const struct rkm_step *s = &e->l->steps[i];

	return s->type == RKM_STEP_DATA && e->l->regions[s->region].measured;
}

/* Under the lock: the next batch to hash, or false when there is none. */
static bool claim(struct engine *e, struct slot **out)
{
	for (;;) {
		const struct rkm_region *r;
		struct slot *sl;
		uint64_t pages;

		if (e->stop)
			return false;
		while (e->cur_step < e->l->nsteps && !step_hashed(e, e->cur_step))
			e->cur_step++;
		if (e->cur_step == e->l->nsteps)
			return false;
		if (e->next_seq >= e->consumed + e->nring) {
			pthread_cond_wait(&e->cv_work, &e->lock);
			continue;
		}
		r = &e->l->regions[e->l->steps[e->cur_step].region];
		pages = r->size / RKM_GRANULE;
		sl = &e->ring[e->next_seq % e->nring];
		sl->seq = e->next_seq++;
		sl->done = false;
		sl->region = e->l->steps[e->cur_step].region;
		sl->first = e->cur_page;
		sl->n = pages - e->cur_page < BATCH_PAGES ? pages - e->cur_page : BATCH_PAGES;
		e->cur_page += sl->n;
		if (e->cur_page == pages) {
			e->cur_step++;
			e->cur_page = 0;
		}
		*out = sl;
		return true;
	}
}

static void fail(struct engine *e, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(struct engine *e, int error, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&e->lock);
	if (!e->error) {
		e->error = error;
		va_start(ap, fmt);
		vsnprintf(e->errmsg, sizeof(e->errmsg), fmt, ap);
		va_end(ap);
	}
	e->stop = true;
	pthread_cond_broadcast(&e->cv_chain);
	pthread_cond_broadcast(&e->cv_work);
	pthread_mutex_unlock(&e->lock);
}

/* Copy source bytes [src, src + n) of region @ri into @dst, zero past the source's end. */
static int read_src(struct engine *e, unsigned ri, uint64_t src, uint8_t *dst, uint64_t n)
{
	const struct rkm_region *r = &e->l->regions[ri];
	uint64_t avail = src < e->fsize[ri] ? e->fsize[ri] - src : 0;
	uint64_t have = n < avail ? n : avail;

	if (r->path) {
		uint64_t got = 0;

		while (got < have) {
			ssize_t k = pread(e->fds[ri], dst + got, have - got,
					  (off_t)(r->offset + src + got));

			if (k <= 0) {
				fail(e, EIO, "%s: read error at offset %" PRIu64 ": %s",
				     r->name ? r->name : r->path, r->offset + src + got,
				     k < 0 ? strerror(errno) : "file shrank");
				return -1;
			}
			got += (uint64_t)k;
		}
	} else if (have) {
		memcpy(dst, (const uint8_t *)r->data + r->offset + src, have);
	}
	memset(dst + have, 0, n - have);
	return 0;
}

static int hash_batch(struct engine *e, struct slot *sl, uint8_t *buf)
{
	const struct rkm_region *r = &e->l->regions[sl->region];
	uint64_t mem0 = sl->first * RKM_GRANULE, len = sl->n * RKM_GRANULE;
	const uint8_t *p = NULL;

	/* Fast path: a memory image whose batch is all content, hashed in place. */
	if (!r->path && !r->lead && mem0 + len <= r->length && mem0 + len <= e->fsize[sl->region])
		p = (const uint8_t *)r->data + r->offset + mem0;
	if (!p) {
		/* Assemble: lead zeroes, content, zeroes past the content or the source. */
		uint64_t cend = r->lead + r->length;

		if (mem0 < r->lead || mem0 + len > cend)
			memset(buf, 0, len);
		for (uint64_t m = mem0; m < mem0 + len;) {
			uint64_t c0 = m < r->lead ? r->lead : m;
			uint64_t n;

			if (c0 >= mem0 + len || c0 >= cend)
				break;
			n = (cend < mem0 + len ? cend : mem0 + len) - c0;
			if (read_src(e, sl->region, c0 - r->lead, buf + (c0 - mem0), n) < 0)
				return -1;
			m = c0 + n;
		}
		p = buf;
	}
	for (uint64_t i = 0; i < sl->n; i++)
		measurement_granule_hash(e->alg, p + i * RKM_GRANULE, sl->hash[i]);
	return 0;
}

static void *hasher(void *arg)
{
	struct engine *e = arg;
	uint8_t *buf = aligned_alloc(RKM_GRANULE, BATCH_PAGES * RKM_GRANULE);
	struct slot *sl;

	if (!buf) {
		fail(e, ENOMEM, "out of memory");
		return NULL;
	}
	pthread_mutex_lock(&e->lock);
	while (claim(e, &sl)) {
		int ret;

		pthread_mutex_unlock(&e->lock);
		ret = hash_batch(e, sl, buf);
		pthread_mutex_lock(&e->lock);
		if (ret < 0)
			break;
		sl->done = true;
		pthread_cond_broadcast(&e->cv_chain);
	}
	pthread_mutex_unlock(&e->lock);
	free(buf);
	return NULL;
}

/* ---- the chain ---- */

struct chain {
	struct engine *e;
	struct rkm_result *res;
	uint8_t rim[RKM_MAX_LEN];
};

static void ripas_desc(void *arg, uint64_t base, uint64_t top)
{
	struct chain *c = arg;

	measurement_rim_extend_ripas(c->e->alg, c->rim, base, top);
	c->res->ripas_descs++;
}

static void rim_create(const struct rkm_params *p, uint8_t *rim)
{
	struct rmi_realm_params rp;

	memset(&rp, 0, sizeof(rp));
	rp.flags = p->flags;
	rp.s2sz = p->ipa_bits;
	rp.sve_vl = p->sve_vl;
	rp.num_bps = p->num_bps;
	rp.num_wps = p->num_wps;
	rp.pmu_num_ctrs = p->pmu_num_ctrs;
	rp.hash_algo = p->hash_algo;
	measurement_rim_init(p->hash_algo, &rp, rim);
}

static int open_sources(struct engine *e, char *err, size_t errlen)
{
	const struct rkm_launch *l = e->l;

	for (unsigned i = 0; i < l->nregions; i++) {
		const struct rkm_region *r = &l->regions[i];
		struct stat st;

		if (!r->path) {
			e->fsize[i] = r->length;
			continue;
		}
		e->fds[i] = open(r->path, O_RDONLY | O_CLOEXEC);
		if (e->fds[i] < 0 || fstat(e->fds[i], &st) < 0) {
			errf(err, errlen, "%s: cannot open %s: %s", r->name ? r->name : "region",
			     r->path, strerror(errno));
			return -1;
		}
		if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
			errf(err, errlen, "%s: %s is not a regular file", r->name ? r->name : "region",
			     r->path);
			return -1;
		}
		e->fsize[i] = (uint64_t)st.st_size > r->offset ? (uint64_t)st.st_size - r->offset : 0;
	}
	return 0;
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

int rkm_measure(const struct rkm_launch *l, const struct rkm_options *o, struct rkm_result *res,
		char *err, size_t errlen)
{
	struct rkm_options dflt = { 0 };
	struct engine e;
	struct chain c = { .e = &e, .res = res };
	struct rkm_rtt *rtt = NULL;
	pthread_t *th = NULL;
	unsigned nth = 0, want;
	uint64_t seq = 0, total = 0, done = 0;
	int ret = -1;

	if (rkm_validate(l, err, errlen) < 0)
		return -1;
	if (!o)
		o = &dflt;
	memset(res, 0, sizeof(*res));
	memset(&e, 0, sizeof(e));
	e.l = l;
	e.alg = l->params.hash_algo;
	e.hlen = measurement_hash_len(e.alg);
	pthread_mutex_init(&e.lock, NULL);
	pthread_cond_init(&e.cv_work, NULL);
	pthread_cond_init(&e.cv_chain, NULL);
	e.fds = calloc(l->nregions + 1, sizeof(*e.fds));
	e.fsize = calloc(l->nregions + 1, sizeof(*e.fsize));
	rtt = rkm_rtt_new(l->params.ipa_bits);
	want = o->threads ? o->threads : online_cpus();
	e.nring = want * RING_PER_THREAD;
	e.ring = calloc(e.nring, sizeof(*e.ring));
	th = calloc(want, sizeof(*th));
	if (!e.fds || !e.fsize || !rtt || !e.ring || !th) {
		errf(err, errlen, "out of memory");
		goto out_nofds;
	}
	for (unsigned i = 0; i < e.nring; i++)
		e.ring[i].seq = UINT64_MAX;
	for (unsigned i = 0; i < l->nregions; i++)
		e.fds[i] = -1;
	if (open_sources(&e, err, errlen) < 0)
		goto out;
	for (unsigned i = 0; i < l->nsteps; i++)
		if (l->steps[i].type == RKM_STEP_DATA)
			total += l->regions[l->steps[i].region].size / RKM_GRANULE;

	for (nth = 0; nth < want; nth++)
		if (pthread_create(&th[nth], NULL, hasher, &e)) {
			errf(err, errlen, "cannot start hashing threads");
			fail(&e, EAGAIN, "cannot start hashing threads");
			break;
		}

	rim_create(&l->params, c.rim);
	for (unsigned i = 0; i < l->nsteps && !e.error; i++) {
		const struct rkm_step *s = &l->steps[i];
		const struct rkm_region *r;

		switch (s->type) {
		case RKM_STEP_RIPAS:
			/* RMM 2.0 has no RIPAS descriptor: RIPAS is not measured. */
			if (l->rmm == RKM_RMM_2_0)
				break;
			if (rkm_rtt_ripas(rtt, s->base, s->top, ripas_desc, &c) < 0) {
				fail(&e, ENOMEM, "out of memory");
			}
			break;
		case RKM_STEP_REC:
			if (s->runnable) {
				struct rmi_rec_params rp;

				memset(&rp, 0, sizeof(rp));
				rp.flags = RMI_REC_PARAMS_FLAG_RUNNABLE;
				rp.pc = s->pc;
				memcpy(rp.gprs, s->gprs, sizeof(rp.gprs));
				measurement_rim_extend_rec(e.alg, c.rim, &rp);
				res->rec_descs++;
			}
			break;
		case RKM_STEP_DATA:
			r = &l->regions[s->region];
			if (rkm_rtt_populate(rtt, r->ipa, r->size) < 0) {
				fail(&e, EEXIST, "%s: loaded over granules already populated",
				     r->name ? r->name : "region");
				break;
			}
			if (!r->measured) {
				for (uint64_t a = r->ipa; a < r->ipa + r->size; a += RKM_GRANULE)
					measurement_rim_extend_data(e.alg, c.rim, a, 0, NULL);
				res->data_descs += r->size / RKM_GRANULE;
				done += r->size / RKM_GRANULE;
				if (o->progress)
					o->progress(o->progress_arg, done, total);
				break;
			}
			for (uint64_t pg = 0; pg < r->size / RKM_GRANULE;) {
				struct slot *sl = &e.ring[seq % e.nring];

				pthread_mutex_lock(&e.lock);
				while (!e.error && !(sl->seq == seq && sl->done))
					pthread_cond_wait(&e.cv_chain, &e.lock);
				pthread_mutex_unlock(&e.lock);
				if (e.error)
					break;
				for (uint64_t k = 0; k < sl->n; k++)
					measurement_rim_extend_data(e.alg, c.rim,
								    r->ipa + (pg + k) * RKM_GRANULE,
								    RMI_MEASURE_CONTENT, sl->hash[k]);
				pg += sl->n;
				res->data_descs += sl->n;
				res->bytes_hashed += sl->n * RKM_GRANULE;
				done += sl->n;
				pthread_mutex_lock(&e.lock);
				e.consumed = ++seq;
				pthread_cond_broadcast(&e.cv_work);
				pthread_mutex_unlock(&e.lock);
				if (o->progress)
					o->progress(o->progress_arg, done, total);
			}
			break;
		}
	}
	fail(&e, 0, "%s", ""); /* stop the hashers (no error if none was set) */
	for (unsigned i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	if (e.error) {
		errf(err, errlen, "%s", e.errmsg);
		goto out;
	}
	res->hash_len = e.hlen;
	memcpy(res->rim, c.rim, sizeof(res->rim));
	for (unsigned i = 0; i < l->nrem_ext; i++)
		measurement_rem_extend(e.alg, res->rem[l->rem_ext[i].index], l->rem_ext[i].data,
				       l->rem_ext[i].size);
	ret = 0;
out:
	for (unsigned i = 0; i < l->nregions; i++)
		if (e.fds[i] >= 0)
			close(e.fds[i]);
out_nofds:
	free(e.fds);
	free(e.fsize);
	free(e.ring);
	free(th);
	rkm_rtt_free(rtt);
	pthread_mutex_destroy(&e.lock);
	pthread_cond_destroy(&e.cv_work);
	pthread_cond_destroy(&e.cv_chain);
	return ret;
}
