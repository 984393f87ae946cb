// SPDX-License-Identifier: MIT
/*
 * Files at scale: 10,000 realm VMs created and closed on one host, with
 * OPEN of them kept open at any time (default 1,000), reporting the cost of
 * KVM_CREATE_VM (which reaps closed files first) per block of 1,000 VMs, and
 * the process's fd count.  The per-call cost should not grow with the number
 * of files open, and realmkit should hold no fd per file.  docs/PERFORMANCE.md.
 *
 *	bench_files [--quick] [OPEN]
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "realmkit/host.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3; /* ".", "..", the directory itself */
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	unsigned total = quick ? 200 : 10000, block = quick ? 50 : 1000;
	unsigned open_max = argc > 2 ? (unsigned)atoi(argv[2]) : quick ? 50 : 1000;
	struct rk_host *h = rk_host_create(&(struct rk_host_config){ .dram_size = 64 << 20 });
	int kvm = rk_open_kvm(h), *vms = calloc(open_max, sizeof(int));
	int fds0 = count_fds();
	double t = 0;

	printf("VMs created   open   KVM_CREATE_VM us/call   fds open (before: %d)\n", fds0);
	for (unsigned i = 0; i < total; i++) {
		unsigned slot = i % open_max;
		double t0;

		if (i >= open_max)
			close(vms[slot]);
		t0 = now();
		vms[slot] = rk_ioctl(h, kvm, KVM_CREATE_VM, KVM_VM_TYPE_ARM_REALM);
		t += now() - t0;
		if (vms[slot] < 0) {
			perror("KVM_CREATE_VM");
			return 1;
		}
		if ((i + 1) % block == 0) {
			struct rk_host_stats st;

			rk_host_stats(h, &st);
			printf("%11u %6llu %22.2f %9d\n", i + 1, (unsigned long long)st.vms_live,
			       t * 1e6 / block, count_fds());
			t = 0;
		}
	}
	for (unsigned i = 0; i < open_max && i < total; i++)
		close(vms[i]);
	rk_host_destroy(h);
	free(vms);
	return 0;
}
