// SPDX-License-Identifier: MIT
/*
 * DATA measurements off the RMM's thread, with the RIM extended in order.
 *
 * A DATA_CREATE (RTT_DATA_MAP_INIT in 2.0) extends the RIM with a DATA
 * descriptor; a measured one first hashes the 4 KiB it copied into it.  The
 * content hash is a pure function of the granule, and the granule cannot
 * change until the RMM itself scrubs it (it is DATA of a NEW realm, in the
 * Realm PAS).  So DATA_CREATE queues {IPA, flags, granule} and returns;
 * worker threads hash queued granules in parallel; and one thread at a time
 * (a worker with nothing to hash, or the RMM's thread when it must wait)
 * extends the RIM with the queued descriptors strictly in the order the
 * DATA_CREATEs succeeded.  The RIM is bit for bit what extending at each
 * DATA_CREATE gives, and the extensions (a SHA-256 per page, measured or
 * not) leave the thread that copies.
 *
 * The queue is drained (every descriptor extended) before anything can see
 * the RIM or change a queued granule: at every SMC except DATA_CREATE and
 * the commands that cannot touch a DATA granule or the RIM (delegation,
 * RTT_CREATE; rimq_smc_keeps()), before a DATA_CREATE of another realm, in
 * the introspection that reads the RIM, and when the ring is full (then only
 * as much as makes room).  Draining hashes and extends on the RMM's thread
 * whatever no worker has taken yet, so the RMM never waits for an idle
 * worker.
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
#define RIMQ_RETIRE	 64  /* descriptors a worker extends per turn */

enum { RQ_TODO, RQ_BUSY, RQ_DONE };

struct rimq_entry {
	uint64_t ipa, flags;
	const void *content; /* the RMM view of the DATA granule */
	uint8_t hash[MEASUREMENT_MAX_LEN];
	int state;
};

/*
 * Everything below is under @mtx.  Wake-ups cost a system call each, so
 * they are batched: the RMM wakes an idle worker only once RIMQ_WAKE entries
 * wait (or when it needs them done), a worker takes up to RIMQ_CLAIM entries
 * at a time, and the RMM is woken only while it waits.  The RMM's thread is
 * the only one that pushes (tail, rd, alg); whoever holds @retiring is the
 * only one that extends the RIM and moves @head.
 */
struct rim_queue {
	pthread_mutex_t mtx;
	pthread_cond_t work; /* workers: entries to hash or extend, or stop */
	pthread_cond_t done; /* the RMM: an entry was hashed or extended */
	struct rimq_entry e[RIMQ_SLOTS];
	uint64_t head, tail, scan; /* sequence numbers: oldest, next free, first maybe TODO */
	struct rd *rd;		   /* the realm whose descriptors are queued */
	unsigned alg;
	unsigned nworkers, idle, woken; /* idle: waiting on @work; woken: signalled, not yet up */
	bool rmm_waiting; /* the RMM sleeps on @done */
	bool retiring;	  /* a thread is extending the RIM */
	pthread_t workers[RIMQ_MAX_WORKERS];
	bool stop;
};

static struct rimq_entry *slot(struct rim_queue *q, uint64_t seq)
{
	return &q->e[seq % RIMQ_SLOTS];
}

/* Claim the oldest entry nobody hashes yet, or NULL. */
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

/* How many entries from the head are DONE, up to @max (0 while another thread extends). */
static uint64_t retirable(struct rim_queue *q, uint64_t max)
{
	uint64_t n = 0;

	if (q->retiring)
		return 0;
	while (n < max && q->head + n < q->tail && slot(q, q->head + n)->state == RQ_DONE)
		n++;
	return n;
}

/*
 * Extend the RIM with the @n DONE entries at the head, in order, without the
 * lock: nobody writes a DONE entry, and its slot is reused only once the head
 * has passed it, which only this thread moves now.  Returns with the lock.
 */
static void retire_run(struct rim_queue *q, uint64_t n)
{
	uint64_t h = q->head;
	uint8_t *rim = q->rd->rim;
	unsigned alg = q->alg;

	q->retiring = true;
	pthread_mutex_unlock(&q->mtx);
	for (uint64_t i = 0; i < n; i++) {
		const struct rimq_entry *e = slot(q, h + i);

		measurement_rim_extend_data(alg, rim, e->ipa, e->flags, e->hash);
	}
	pthread_mutex_lock(&q->mtx);
	q->head = h + n;
	q->retiring = false;
	if (q->rmm_waiting)
		pthread_cond_signal(&q->done);
}

static void *worker(void *arg)
{
	struct rim_queue *q = arg;
	struct rimq_entry *e[RIMQ_CLAIM];
	uint64_t r;
	unsigned n;

	pthread_mutex_lock(&q->mtx);
	while (!q->stop) {
		for (n = 0; n < RIMQ_CLAIM && (e[n] = claim(q)); n++)
			;
		if (n)
			hash_entries(q, e, n);
		/* Extend once a run is worth a turn, or whenever there is nothing to hash. */
		r = retirable(q, RIMQ_RETIRE);
		if (r && (!n || r >= RIMQ_CLAIM)) {
			retire_run(q, r);
			continue;
		}
		if (n)
			continue;
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
	/* One worker per other CPU: the RMM's thread copies while they hash and extend. */
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	for (long i = 1; i < ncpu && q->nworkers < RIMQ_MAX_WORKERS; i++)
		if (!pthread_create(&q->workers[q->nworkers], NULL, worker, q))
			q->nworkers++;
	rmm->rimq = q;
	return q;
}

/*
 * The RMM's thread, lock held: until the queue is empty (@all) or at least a
 * quarter of it is free, extend what is DONE at the head, hash what no
 * worker has taken, and sleep only while workers hold everything left.
 */
static void retire(struct rim_queue *q, bool all)
{
	uint64_t want = all ? q->tail : q->head + RIMQ_SLOTS / 4;
	struct rimq_entry *e;
	uint64_t n;

	if (q->head >= want)
		return; /* every SMC drains: an empty queue must cost no wake-up */
	if (q->idle) {
		pthread_cond_broadcast(&q->work); /* whatever waits, now */
		q->woken = q->idle;
	}
	while (q->head < want) {
		n = retirable(q, want - q->head);
		if (n) {
			retire_run(q, n);
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
}

void rimq_flush(struct rmm *rmm)
{
	struct rim_queue *q = rmm->rimq;

	if (!q)
		return;
	pthread_mutex_lock(&q->mtx);
	retire(q, true);
	pthread_mutex_unlock(&q->mtx);
}

void rimq_push(struct rmm *rmm, struct rd *rd, uint64_t ipa, uint64_t flags, const void *content)
{
	struct rim_queue *q = rimq_get(rmm);
	struct rimq_entry *e;

	if (!q || !q->nworkers) {
		/* No worker: extend here and now. */
		measurement_extend_data(rd, ipa, flags, content);
		return;
	}
	pthread_mutex_lock(&q->mtx);
	if (q->head < q->tail && q->rd != rd)
		retire(q, true); /* another realm's descriptors go first */
	if (q->tail - q->head == RIMQ_SLOTS)
		retire(q, false);
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
