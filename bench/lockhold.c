// SPDX-License-Identifier: MIT
/*
 * How long each pthread mutex of a process is held, and how often it is
 * found taken: an LD_PRELOAD interposer for finding what serialises vCPU
 * threads (docs/PERFORMANCE.md, "The running realm").  At exit it prints,
 * for every mutex taken more than 1000 times, the acquisitions, how many
 * found it held, the mean hold time and the bucket of the median hold time,
 * in TSC cycles (wall time: preemption of a holder counts).  Waits in
 * pthread_cond_[timed]wait() do not count as holding.
 *
 *	LD_PRELOAD=build/bench/librk_lockhold.so build/bench/bench_run --runs=1 mmio
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <x86intrin.h>

#define MUTEXES 64
#define HELD    8 /* mutexes one thread holds at once */

struct stat_row {
	void *m;
	uint64_t cycles, taken, contended;
	uint64_t hist[64]; /* log2 of the hold time */
};

static struct stat_row rows[MUTEXES];
static __thread struct {
	void *m;
	uint64_t since;
} held[HELD];

static int (*real_lock)(pthread_mutex_t *);
static int (*real_trylock)(pthread_mutex_t *);
static int (*real_unlock)(pthread_mutex_t *);
static int (*real_wait)(pthread_cond_t *, pthread_mutex_t *);
static int (*real_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);

static void resolve(void)
{
	if (real_lock)
		return;
	real_trylock = dlsym(RTLD_NEXT, "pthread_mutex_trylock");
	real_unlock = dlsym(RTLD_NEXT, "pthread_mutex_unlock");
	real_wait = dlvsym(RTLD_NEXT, "pthread_cond_wait", "GLIBC_2.3.2");
	real_timedwait = dlvsym(RTLD_NEXT, "pthread_cond_timedwait", "GLIBC_2.3.2");
	__atomic_store_n(&real_lock, dlsym(RTLD_NEXT, "pthread_mutex_lock"), __ATOMIC_RELEASE);
}

static struct stat_row *row(void *m)
{
	for (unsigned i = 0; i < MUTEXES; i++) {
		void *cur = __atomic_load_n(&rows[i].m, __ATOMIC_ACQUIRE), *none = NULL;

		if (cur == m)
			return &rows[i];
		if (!cur && (__atomic_compare_exchange_n(&rows[i].m, &none, m, false,
							 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) ||
			     none == m))
			return &rows[i];
	}
	return NULL;
}

static void hold(void *m)
{
	for (unsigned i = 0; i < HELD; i++)
		if (!held[i].m) {
			held[i].m = m;
			held[i].since = __rdtsc();
			return;
		}
}

static void release(void *m, bool count)
{
	for (unsigned i = 0; i < HELD; i++) {
		struct stat_row *r;
		uint64_t d;

		if (held[i].m != m)
			continue;
		held[i].m = NULL;
		r = row(m);
		if (!r)
			return;
		d = __rdtsc() - held[i].since;
		__atomic_fetch_add(&r->cycles, d, __ATOMIC_RELAXED);
		if (count) {
			__atomic_fetch_add(&r->taken, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&r->hist[63 - __builtin_clzll(d | 1)], 1,
					   __ATOMIC_RELAXED);
		}
		return;
	}
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
	int ret;

	resolve();
	ret = real_trylock(m);
	if (ret) {
		struct stat_row *r = row(m);

		if (r)
			__atomic_fetch_add(&r->contended, 1, __ATOMIC_RELAXED);
		ret = real_lock(m);
	}
	if (!ret)
		hold(m);
	return ret;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
	int ret;

	resolve();
	ret = real_trylock(m);
	if (!ret)
		hold(m);
	return ret;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	resolve();
	release(m, true);
	return real_unlock(m);
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	int ret;

	resolve();
	release(m, false);
	ret = real_wait(c, m);
	hold(m);
	return ret;
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t)
{
	int ret;

	resolve();
	release(m, false);
	ret = real_timedwait(c, m, t);
	hold(m);
	return ret;
}

__attribute__((destructor)) static void report(void)
{
	for (unsigned i = 0; i < MUTEXES; i++) {
		const struct stat_row *r = &rows[i];
		uint64_t sum = 0;
		unsigned b = 0;

		if (!r->m || r->taken <= 1000)
			continue;
		for (b = 0; b < 63; b++) {
			sum += r->hist[b];
			if (2 * sum >= r->taken)
				break;
		}
		fprintf(stderr,
			"mutex %p: %llu taken, %llu found held, mean hold %.0f cycles, "
			"median in [%llu, %llu)\n",
			r->m, (unsigned long long)r->taken, (unsigned long long)r->contended,
			(double)r->cycles / (double)r->taken, 1ULL << b, 2ULL << b);
	}
}
