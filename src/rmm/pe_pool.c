// SPDX-License-Identifier: MIT
/*
 * Spare PEs, made ahead of the RECs that will run on them.
 *
 * A PE is a Unicorn instance with its translator, hash tables and address
 * space: 4 to 5 ms to make on the development VM, more than a small realm's
 * whole boot, and the first REC_ENTER of every REC used to pay it while the
 * realm waited (for a secondary vCPU, between PSCI CPU_ON and its first
 * instruction).  A machine's PEs exist before software runs on them, so the
 * RMM keeps one spare, made on a helper thread: REALM_CREATE asks for it, and
 * a REC_ENTER that takes it asks for the next one while the realm has RECs
 * without a PE.  A REC_ENTER that finds none makes its PE itself, as before.
 * Only on platforms that ask for it (rmm_platform.prepare_ahead: a KVM host).
 *
 * rmm_destroy() waits for a maker still running (at most one PE's making):
 * a helper that outlived its machine would hold its files and memory while
 * the host believes everything is gone (tests count both).  The maker holds
 * a reference to the pool, so whichever of the two lets go last frees it.
 */
#include <pthread.h>
#include <stdlib.h>

#include "rmm/run.h"

struct pe_pool {
	pthread_mutex_t mtx;
	pthread_cond_t made;
	const struct cpu_ops *ops;
	struct cpu *spare;
	bool making;
	/*
	 * The RMM's, and the maker's while it runs: the maker is still inside
	 * pthread_mutex_unlock() when pe_pool_fini() wakes, so the last of the
	 * two to let go frees the pool.
	 */
	unsigned refs;
};

/* Drop a reference, mtx held (and released here); the last one frees the pool. */
static void pool_put(struct pe_pool *p)
{
	bool last = --p->refs == 0;

	pthread_mutex_unlock(&p->mtx);
	if (!last)
		return;
	cpu_destroy(p->spare);
	pthread_cond_destroy(&p->made);
	pthread_mutex_destroy(&p->mtx);
	free(p);
}

static void *maker(void *arg)
{
	struct pe_pool *p = arg;
	struct cpu *c = cpu_create(p->ops, NULL);

	pthread_mutex_lock(&p->mtx);
	p->spare = c; /* NULL if out of memory: the taker makes its own */
	p->making = false;
	pthread_cond_broadcast(&p->made);
	pool_put(p);
	return NULL;
}

void pe_spare_request(struct rmm *rmm, const struct cpu_ops *ops)
{
	struct pe_pool *p = rmm->pes;
	pthread_attr_t a;
	pthread_t t;

	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return;
		pthread_mutex_init(&p->mtx, NULL);
		pthread_cond_init(&p->made, NULL);
		p->ops = ops;
		p->refs = 1;
		rmm->pes = p;
	}
	pthread_mutex_lock(&p->mtx);
	if (p->spare || p->making) {
		pthread_mutex_unlock(&p->mtx);
		return;
	}
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	p->making = true;
	p->refs++;
	if (pthread_create(&t, &a, maker, p)) {
		p->making = false;
		p->refs--;
	}
	pthread_attr_destroy(&a);
	pthread_mutex_unlock(&p->mtx);
}

struct cpu *pe_take(struct rmm *rmm, const struct cpu_ops *ops, void *owner)
{
	struct pe_pool *p = rmm->pes;
	struct cpu *c = NULL;

	if (p) {
		pthread_mutex_lock(&p->mtx);
		while (p->making) /* half made already: sooner than starting anew */
			pthread_cond_wait(&p->made, &p->mtx);
		c = p->spare;
		p->spare = NULL;
		pthread_mutex_unlock(&p->mtx);
	}
	if (!c)
		return cpu_create(ops, owner);
	cpu_set_owner(c, owner);
	return c;
}

void pe_pool_fini(struct rmm *rmm)
{
	struct pe_pool *p = rmm->pes;

	if (!p)
		return;
	rmm->pes = NULL;
	pthread_mutex_lock(&p->mtx);
	while (p->making)
		pthread_cond_wait(&p->made, &p->mtx);
	pool_put(p);
}
