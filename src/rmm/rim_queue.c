// SPDX-License-Identifier: MIT
/*
 * DATA measurements off the RMM's thread, with the RIM extended in order.
 *
 * A measured DATA_CREATE (RTT_DATA_MAP_INIT in 2.0) must hash the 4 KiB it
 * copied and extend the RIM with a descriptor holding that hash.  The
 * content hash is a pure function of the granule, and the granule cannot
 * change until the RMM itself scrubs it (it is DATA of a NEW realm, in the
 * Realm PAS).  So DATA_CREATE queues {IPA, flags, granule} and returns;
 * worker threads hash queued granules in parallel; and the RMM's thread
 * extends the RIM with the queued descriptors strictly in the order the
 * DATA_CREATEs succeeded.  The RIM is bit for bit what extending at each
 * DATA_CREATE gives.
 *
 * The queue is drained (every descriptor extended) before anything can see
 * the RIM or change a queued granule: at every SMC except DATA_CREATE and
 * the commands that cannot touch a DATA granule or the RIM (delegation,
 * RTT_CREATE; rimq_smc_keeps()), before a DATA_CREATE of another realm, in
 * the introspection that reads the RIM, and when the ring is full (then only
 * as much as makes room).  Draining hashes on the RMM's thread whatever no
 * worker has taken yet, so the RMM never waits for an idle worker.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "realmkit/rmi2.h"
#include "rmm/internal.h"
#include "rmm/measurement.h"

#define RIMQ_SLOTS	 512 /* 2 MiB of DATA in flight */
#define RIMQ_MAX_WORKERS 3
#define RIMQ_CLAIM	 8   /* entries a worker takes per lock acquisition */
#define RIMQ_WAKE	 16  /* entries waiting before an idle worker is woken */

enum { RQ_TODO, RQ_BUSY, RQ_DONE };

struct rimq_entry {
	uint64_t ipa, flags;
	const void *content; /* the RMM view of the DATA granule */
	uint8_t hash[MEASUREMENT_MAX_LEN];
	int state;
};

/*
 * Wake-ups cost a system call each, so both sides batch them: the RMM wakes
 * an idle worker only once RIMQ_WAKE entries wait (or when it needs them
 * hashed), a worker takes up to RIMQ_CLAIM entries at a time, and the RMM is
 * woken only while it waits for one.
 */
struct rim_queue {
	pthread_mutex_t mtx;
	pthread_cond_t work; /* workers: entries to hash, or stop */
	pthread_cond_t done; /* the RMM: an entry was hashed */
	struct rimq_entry e[RIMQ_SLOTS];
	uint64_t head, tail, scan; /* sequence numbers: oldest, next free, first maybe TODO */
	struct rd *rd;		   /* the realm whose descriptors are queued */
	unsigned alg;
	unsigned nworkers, idle, woken; /* idle: waiting on @work; woken: signalled, not yet up */
	bool rmm_waiting; /* the RMM sleeps on @done */
	pthread_t workers[RIMQ_MAX_WORKERS];
	bool stop;
};

static struct rimq_entry *slot(struct rim_queue *q, uint64_t seq)
{
	return &q->e[seq % RIMQ_SLOTS];
}

/* Under q->mtx: claim the oldest entry nobody hashes yet, or NULL. */
static struct rimq_entry *claim(struct rim_queue *q)
{
	if (q->scan < q->head)
		q->scan = q->head;
	while (q->scan < q->tail && slot(q, q->scan)->state != RQ_TODO)
		q->scan++;
	if (q->scan == q->tail)
		return NULL;
	slot(q, q->scan)->state = RQ_BUSY;
	return slot(q, q->scan++);
}

/* Hash the @n claimed (BUSY) entries without the lock; returns with it held, them DONE. */
static void hash_entries(struct rim_queue *q, struct rimq_entry **e, unsigned n)
{
	uint8_t h[RIMQ_CLAIM][MEASUREMENT_MAX_LEN];
	unsigned alg = q->alg;

	pthread_mutex_unlock(&q->mtx);
	for (unsigned i = 0; i < n; i++)
		measurement_granule_hash(alg, e[i]->content, h[i]);
	pthread_mutex_lock(&q->mtx);
	for (unsigned i = 0; i < n; i++) {
		memcpy(e[i]->hash, h[i], sizeof(h[i]));
		e[i]->state = RQ_DONE;
	}
	if (q->rmm_waiting)
		pthread_cond_signal(&q->done);
}

static void *worker(void *arg)
{
	struct rim_queue *q = arg;
	struct rimq_entry *e[RIMQ_CLAIM];
	unsigned n;

	pthread_mutex_lock(&q->mtx);
	while (!q->stop) {
		for (n = 0; n < RIMQ_CLAIM && (e[n] = claim(q)); n++)
			;
		if (n) {
			hash_entries(q, e, n);
			continue;
		}
		q->idle++;
		pthread_cond_wait(&q->work, &q->mtx);
		q->idle--;
		if (q->woken)
			q->woken--;
	}
	pthread_mutex_unlock(&q->mtx);
	return NULL;
}

static struct rim_queue *rimq_get(struct rmm *rmm)
{
	struct rim_queue *q = rmm->rimq;
	long ncpu;

	if (q)
		return q;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	pthread_mutex_init(&q->mtx, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->done, NULL);
	/* One worker per other CPU: the RMM's thread copies while they hash. */
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	for (long i = 1; i < ncpu && q->nworkers < RIMQ_MAX_WORKERS; i++)
		if (!pthread_create(&q->workers[q->nworkers], NULL, worker, q))
			q->nworkers++;
	rmm->rimq = q;
	return q;
}

/*
 * The RMM's thread: extend the RIM with the oldest descriptors, in order,
 * until the queue is empty (@all) or at least a quarter of it is free.  It
 * hashes what no worker has taken and sleeps only when every entry left is
 * being hashed by a worker.
 */
static void retire(struct rim_queue *q, bool all)
{
	uint64_t want = all ? q->tail : q->head + RIMQ_SLOTS / 4;
	struct rimq_entry *e;
	uint64_t n;

	pthread_mutex_lock(&q->mtx);
	if (q->idle) {
		pthread_cond_broadcast(&q->work); /* whatever waits, now */
		q->woken = q->idle;
	}
	while (q->head < want && q->head < q->tail) {
		for (n = 0; q->head + n < q->tail && slot(q, q->head + n)->state == RQ_DONE; n++)
			;
		if (n) {
			/* DONE entries are ours alone: extend without the lock. */
			pthread_mutex_unlock(&q->mtx);
			for (uint64_t i = 0; i < n; i++) {
				e = slot(q, q->head + i);
				measurement_rim_extend_data(q->alg, q->rd->rim, e->ipa, e->flags,
							    e->hash);
			}
			pthread_mutex_lock(&q->mtx);
			q->head += n;
			continue;
		}
		e = claim(q);
		if (e) {
			hash_entries(q, &e, 1);
			continue;
		}
		q->rmm_waiting = true;
		pthread_cond_wait(&q->done, &q->mtx);
		q->rmm_waiting = false;
	}
	pthread_mutex_unlock(&q->mtx);
}

void rimq_flush(struct rmm *rmm)
{
	struct rim_queue *q = rmm->rimq;

	if (q && q->head < q->tail)
		retire(q, true);
}

void rimq_push(struct rmm *rmm, struct rd *rd, uint64_t ipa, uint64_t flags, const void *content)
{
	struct rim_queue *q = rmm->rimq;
	struct rimq_entry *e;

	if (q && q->head < q->tail && q->rd != rd)
		rimq_flush(rmm); /* another realm's descriptors go first */
	if (!q && (flags & RMI_MEASURE_CONTENT))
		q = rimq_get(rmm);
	if (!q || !q->nworkers || (q->head == q->tail && !(flags & RMI_MEASURE_CONTENT))) {
		/* Nothing queued and nothing to hash, or no worker: extend here and now. */
		measurement_extend_data(rd, ipa, flags, content);
		return;
	}
	if (q->tail - q->head == RIMQ_SLOTS)
		retire(q, false);
	pthread_mutex_lock(&q->mtx);
	q->rd = rd;
	q->alg = rd->hash_algo;
	e = slot(q, q->tail);
	e->ipa = ipa;
	e->flags = flags;
	e->content = content;
	e->state = flags & RMI_MEASURE_CONTENT ? RQ_TODO : RQ_DONE;
	q->tail++;
	if (q->idle > q->woken && q->tail - q->scan >= RIMQ_WAKE) {
		pthread_cond_signal(&q->work);
		q->woken++;
	}
	pthread_mutex_unlock(&q->mtx);
}

bool rimq_smc_keeps(uint64_t fid)
{
	/* RMI2_RTT_DATA_MAP_INIT is RMI_DATA_CREATE's function ID; RTT_CREATE is the same in 2.0.
	 */
	return fid == RMI_DATA_CREATE || fid == RMI_GRANULE_DELEGATE ||
	       fid == RMI_GRANULE_UNDELEGATE || fid == RMI2_GRANULE_RANGE_DELEGATE ||
	       fid == RMI2_GRANULE_RANGE_UNDELEGATE || fid == RMI_RTT_CREATE;
}

void rimq_destroy(struct rmm *rmm)
{
	struct rim_queue *q = rmm->rimq;

	if (!q)
		return;
	pthread_mutex_lock(&q->mtx);
	q->stop = true;
	pthread_cond_broadcast(&q->work);
	pthread_mutex_unlock(&q->mtx);
	for (unsigned i = 0; i < q->nworkers; i++)
		pthread_join(q->workers[i], NULL);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->done);
	pthread_mutex_destroy(&q->mtx);
	free(q);
	rmm->rimq = NULL;
}
