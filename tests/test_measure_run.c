// SPDX-License-Identifier: MIT
/*
 * realmkit run's launches, measured three ways, must agree: random option
 * sets (memory, vCPUs, IPA width, algorithm, RPV, RIPAS mode, which images
 * are measured, kernel and initrd files of random sizes) go through the
 * VMM's own planner (vmm_plan_build), then
 *   - the engine (rkm_from_plan + rkm_measure),
 *   - the dry run through KVM (rkm_plan_dry_run: activation, no realm code),
 *   - the VMM actually launching and running the realm (vmm_launch: the RIM
 *     the running realm's token reports)
 * give the same RIM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "measure/runplan.h"
#include "vmm/vmm.h"

static uint64_t rng = 0x243f6a8885a308d3ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void write_random(const char *path, size_t n)
{
	FILE *f = fopen(path, "wb");

	for (size_t i = 0; i < n; i++)
		fputc((int)(rnd() & 0xff), f);
	fclose(f);
}

int main(void)
{
	char kpath[] = "/tmp/rk-mrun-k-XXXXXX", ipath[] = "/tmp/rk-mrun-i-XXXXXX";
	unsigned agree = 0, runs = 0;

	close(mkstemp(kpath));
	close(mkstemp(ipath));
	for (unsigned it = 0; it < 12; it++) {
		struct vmm_options o;
		struct vmm_plan p;
		struct vmm_result vr;
		struct vmm_run_config c = { .console = VMM_CONSOLE_NONE, .timeout = 2 };
		struct rk_measurements km;
		struct rkm_spec s;
		struct rkm_result er;
		char err[512] = "";

		vmm_options_init(&o);
		o.mem_mib = (unsigned[]){ 16, 34, 64, 130 }[rnd() % 4];
		o.cpus = 1 + (unsigned)(rnd() % 3);
		o.cpus_set = true;
		o.ipa_bits = (unsigned[]){ 36, 40, 44, 48 }[rnd() % 4];
		o.hash_algo = (unsigned)(rnd() & 1);
		o.ripas = (enum vmm_ripas_mode)(rnd() % 3);
		o.measure = (unsigned)(rnd() % (1U << VMM_NR_IMAGES));
		if (rnd() & 1) {
			o.rpv_set = true;
			for (int i = 0; i < 64; i++)
				o.rpv[i] = (uint8_t)rnd();
		}
		if (it % 3) {
			/* A raw kernel of random bytes: the realm faults at once, the RIM stands. */
			write_random(kpath, 1 + rnd() % 40000);
			o.image[VMM_IMG_KERNEL] = kpath;
			if (rnd() & 1) {
				write_random(ipath, 1 + rnd() % 300000);
				o.image[VMM_IMG_INITRD] = ipath;
			}
		}
		if (!t_check(vmm_plan_build(&o, &p, err, sizeof(err)) == 0, __FILE__, __LINE__,
			     "plan %u: %s", it, err))
			continue;
		rkm_spec_init(&s);
		runs++;
		/*
		 * Both RMMs: the default (2.0) and REALMKIT_RMM=1.0, which realmkit run's
		 * host and the engine's plan both follow (no other thread runs here).
		 */
		if (it % 2)
			setenv("REALMKIT_RMM", "1.0", 1);
		else
			unsetenv("REALMKIT_RMM");
		if (t_check(rkm_from_plan(&p, &s, err, sizeof(err)) == 0 &&
				    rkm_measure(&s.l, NULL, &er, err, sizeof(err)) == 0,
			    __FILE__, __LINE__, "engine %u: %s", it, err) &&
		    t_check(rkm_plan_dry_run(&p, s.l.rmm, &km, err, sizeof(err)) == 0, __FILE__, __LINE__,
			    "dry run %u: %s", it, err)) {
			bool ok = true;

			vmm_launch(&p, &c, &vr);
			ok &= t_check(vr.have_measurements, __FILE__, __LINE__,
				      "launch %u: no measurements (%s)", it, vr.detail);
			ok &= t_check(km.hash_len == er.hash_len && !memcmp(km.rim, er.rim, 64),
				      __FILE__, __LINE__, "launch %u: dry run RIM = engine RIM", it);
			ok &= t_check(vr.have_measurements && !memcmp(vr.m.rim, er.rim, 64), __FILE__,
				      __LINE__,
				      "launch %u (rmm %s mem %llu cpus %u ipa %u alg %u ripas %d "
				      "measure %x kernel %s): running realm's RIM = engine RIM", it,
				      s.l.rmm == RKM_RMM_2_0 ? "2.0" : "1.0",
				      (unsigned long long)o.mem_mib, o.cpus, o.ipa_bits, o.hash_algo,
				      (int)o.ripas, o.measure, o.image[VMM_IMG_KERNEL] ? "file" : "demo");
			agree += ok;
			vmm_result_free(&vr);
		}
		rkm_spec_free(&s);
		vmm_plan_free(&p);
	}
	printf("realmkit run launches: %u of %u agree three ways\n", agree, runs);
	unlink(kpath);
	unlink(ipath);
	return t_done();
}
