// SPDX-License-Identifier: MIT
/*
 * Several threads calling into one host at once, as VMMs and test harnesses
 * do (run under ThreadSanitizer in CI):
 *   - four threads, each creating, populating, running and closing its own
 *     realm VM on one host, many times (the crash a new user hit);
 *   - one VM with two vCPU threads calling KVM_RUN at the same moment: vCPU 0
 *     activating and powering the realm off, vCPU 1 powered off and asleep
 *     (activation used to race, fail with ENXIO and leak granules).
 * Each ends with a clean census.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include "kvm_util.h"
#include "realmkit/kvm.h"

#define MiB     (1ULL << 20)
#define RAM_GPA 0x80000000ULL
#define ROUNDS  25

/* x0 = PSCI SYSTEM_OFF; SMC #0 */
static const uint32_t g_off[] = { 0xd2800100, 0xf2b08000, 0xd4000003, 0x14000000 };

static struct rk_host *g_host;
static unsigned g_bad;
static pthread_mutex_t g_bad_lock = PTHREAD_MUTEX_INITIALIZER;

static void bad(const char *what, int err)
{
	pthread_mutex_lock(&g_bad_lock);
	if (g_bad++ < 10)
		fprintf(stderr, "thread failure: %s (%s)\n", what, strerror(err));
	pthread_mutex_unlock(&g_bad_lock);
}

/* A realm whose vCPU 0 powers off at once; @nvcpus vCPUs. */
static bool build(struct vmm *v, unsigned nvcpus, const void *img)
{
	if (vmm_open(v, g_host, 0) || vmm_add_ram(v, RAM_GPA, 2 * MiB))
		return false;
	for (unsigned i = 0; i < nvcpus; i++)
		if (vmm_add_vcpu(v) < 0)
			return false;
	return vmm_add_vgic(v, 0) >= 0 && vmm_set_reg(v, 0, KVM_REG_ARM64_PC, RAM_GPA) == 0 &&
	       vmm_populate(v, RAM_GPA, img, 4096, true) > 0;
}

static int run_once(struct vmm *v, unsigned idx)
{
	struct kvm_run *run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu[idx], 0);
	int ret;

	if (run == MAP_FAILED)
		return -errno;
	ret = rk_ioctl(g_host, v->vcpu[idx], KVM_RUN, 0) ? -errno : 0;
	if (!ret && (run->exit_reason != KVM_EXIT_SYSTEM_EVENT ||
		     run->system_event.type != KVM_SYSTEM_EVENT_SHUTDOWN))
		ret = -EPROTO;
	munmap(run, 4096);
	return ret;
}

static void *own_vm(void *img)
{
	for (int i = 0; i < ROUNDS; i++) {
		struct vmm v;
		int ret;

		if (!build(&v, 1, img)) {
			bad("build", errno);
			vmm_close(&v);
			continue;
		}
		ret = run_once(&v, 0);
		if (ret)
			bad("KVM_RUN", -ret);
		vmm_close(&v);
		rk_host_reap(g_host);
	}
	return NULL;
}

struct pair {
	struct vmm *v;
	unsigned idx;
	pthread_barrier_t *start;
	int ret;
};

static void *vcpu_thread(void *arg)
{
	struct pair *p = arg;

	pthread_barrier_wait(p->start);
	p->ret = run_once(p->v, p->idx);
	return NULL;
}

static void expect_clean(const char *what)
{
	struct rk_host_stats st;

	rk_host_reap(g_host);
	rk_host_stats(g_host, &st);
	t_check(!st.vms_live && !st.pages_used && !st.granules_delegated && !st.files_live,
		__FILE__, __LINE__, "%s: vms %llu pages %llu delegated %llu files %llu", what,
		(unsigned long long)st.vms_live, (unsigned long long)st.pages_used,
		(unsigned long long)st.granules_delegated, (unsigned long long)st.files_live);
}

int main(void)
{
	uint8_t *img = aligned_alloc(4096, 4096);
	pthread_t t[4];

	memset(img, 0, 4096);
	memcpy(img, g_off, sizeof(g_off));
	g_host = rk_host_create(&(struct rk_host_config){ .dram_size = 256 * MiB });

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, own_vm, img);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(g_bad, 0);
	expect_clean("four threads, a VM each");

	for (int i = 0; i < ROUNDS; i++) {
		pthread_barrier_t start;
		struct pair p[2];
		struct vmm v;

		if (!CHECK(build(&v, 2, img)))
			break;
		pthread_barrier_init(&start, NULL, 2);
		for (unsigned k = 0; k < 2; k++) {
			p[k] = (struct pair){ .v = &v, .idx = k, .start = &start };
			pthread_create(&t[k], NULL, vcpu_thread, &p[k]);
		}
		for (unsigned k = 0; k < 2; k++)
			pthread_join(t[k], NULL);
		pthread_barrier_destroy(&start);
		/* Both threads see the realm power off; neither fails or sleeps for ever. */
		CHECK_EQ(p[0].ret, 0);
		CHECK_EQ(p[1].ret, 0);
		vmm_close(&v);
		expect_clean("two vCPU threads in one VM");
	}

	rk_host_destroy(g_host);
	free(img);
	return t_done();
}
