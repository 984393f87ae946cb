// SPDX-License-Identifier: MIT
#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

unsigned t_passed, t_failed;

bool t_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		t_passed++;
		return true;
	}
	t_failed++;
	fprintf(stderr, "%s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

bool t_check_eq(uint64_t a, uint64_t b, const char *file, int line, const char *sa,
		const char *sb)
{
	return t_check(a == b, file, line, "%s == %s (0x%llx vs 0x%llx)", sa, sb,
		       (unsigned long long)a, (unsigned long long)b);
}

const char *rmi_status_name(unsigned status)
{
	static const char *const n[] = { "SUCCESS", "ERROR_INPUT", "ERROR_REALM", "ERROR_REC",
					 "ERROR_RTT" };

	return status < 5 ? n[status] : "?";
}

bool t_check_rmi(uint64_t x0, unsigned status, unsigned index, const char *file, int line,
		 const char *what)
{
	return t_check(RMI_RET_STATUS(x0) == status && RMI_RET_INDEX(x0) == index &&
			       (x0 >> 16) == 0,
		       file, line, "%s: got %s(%u) x0=0x%llx, expected %s(%u)", what,
		       rmi_status_name(RMI_RET_STATUS(x0)), RMI_RET_INDEX(x0),
		       (unsigned long long)x0, rmi_status_name(status), index);
}

int t_done(void)
{
	printf("%u passed, %u failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}

void machine_init(struct machine *m, uint64_t dram_size, const struct rmm_platform *plat)
{
	memset(m, 0, sizeof(*m));
	m->pas = pas_create(T_DRAM_BASE, dram_size);
	if (!m->pas) {
		perror("pas_create");
		exit(2);
	}
	m->rmm = rmm_create(m->pas, plat);
	if (!m->rmm) {
		perror("rmm_create");
		exit(2);
	}
	/* NS scratch in the first 1/8 of DRAM, delegation candidates after it. */
	m->next_ns = T_DRAM_BASE;
	m->next_del = T_DRAM_BASE + dram_size / 8;
}

void machine_fini(struct machine *m)
{
	rmm_destroy(m->rmm);
	pas_destroy(m->pas);
	free(m->given);
	memset(m, 0, sizeof(*m));
}

uint64_t rmi_out(struct machine *m, struct smc_result *r, uint64_t fid, uint64_t x1,
		 uint64_t x2, uint64_t x3, uint64_t x4, uint64_t x5)
{
	return rmm_call(m->rmm, fid, x1, x2, x3, x4, x5, r);
}

uint64_t rmi(struct machine *m, uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
	     uint64_t x4, uint64_t x5)
{
	return rmm_call(m->rmm, fid, x1, x2, x3, x4, x5, NULL);
}

uint64_t ns_granule(struct machine *m)
{
	uint64_t pa = m->next_ns;

	m->next_ns += GRANULE_SIZE;
	memset(pas_host_va(m->pas, pa), 0, GRANULE_SIZE);
	return pa;
}

uint64_t delegated_granule(struct machine *m)
{
	uint64_t pa = m->next_del;

	m->next_del += GRANULE_SIZE;
	CHECK_RMI(rmi(m, RMI_GRANULE_DELEGATE, pa, 0, 0, 0, 0), RMI_SUCCESS, 0);
	if (m->ngiven == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 256;
		m->given = realloc(m->given, m->cap * sizeof(*m->given));
		if (!m->given)
			abort();
	}
	m->given[m->ngiven++] = pa;
	return pa;
}

bool host_reclaim(struct machine *m)
{
	bool ok = true;

	for (size_t i = 0; i < m->ngiven; i++)
		ok &= CHECK_RMI(rmi(m, RMI_GRANULE_UNDELEGATE, m->given[i], 0, 0, 0, 0),
				RMI_SUCCESS, 0);
	m->ngiven = 0;
	return ok;
}

void host_write(struct machine *m, uint64_t pa, const void *buf, uint64_t len)
{
	for (uint64_t g = pa & ~GRANULE_MASK; g < pa + len; g += GRANULE_SIZE)
		if (!CHECK(!pas_host_faults(m->pas, g)))
			return;
	memcpy(pas_host_va(m->pas, pa), buf, len);
}

void realm_params_default(struct rmi_realm_params *p, unsigned vmid)
{
	memset(p, 0, sizeof(*p));
	p->s2sz = 48;
	p->num_bps = 1;
	p->num_wps = 1;
	p->hash_algo = RMI_HASH_SHA_256;
	p->vmid = vmid;
	p->rtt_level_start = 0;
	p->rtt_num_start = 1;
}

uint64_t realm_params_at(struct machine *m, const struct rmi_realm_params *p)
{
	uint64_t pa = ns_granule(m);

	host_write(m, pa, p, sizeof(*p));
	return pa;
}

bool realm_create(struct machine *m, struct realm *r, const struct rmi_realm_params *p)
{
	static unsigned vmid = 1;
	struct rmi_realm_params d;

	if (!p) {
		realm_params_default(&d, vmid++);
		p = &d;
	}
	d = *p;
	memset(r, 0, sizeof(*r));
	r->rd = delegated_granule(m);
	r->num_start = (unsigned)d.rtt_num_start;
	/* Concatenated starting RTTs must be contiguous. */
	r->rtt_base = delegated_granule(m);
	for (unsigned i = 1; i < r->num_start; i++)
		delegated_granule(m);
	d.rtt_base = r->rtt_base;
	r->level_start = (int)d.rtt_level_start;
	r->s2sz = (unsigned)d.s2sz;
	r->hash_algo = (unsigned)d.hash_algo;
	return CHECK_RMI(rmi(m, RMI_REALM_CREATE, r->rd, realm_params_at(m, &d), 0, 0, 0),
			 RMI_SUCCESS, 0);
}

bool realm_map_tables(struct machine *m, struct realm *r, uint64_t ipa, int level)
{
	for (int l = r->level_start + 1; l <= level; l++) {
		struct smc_result res;
		uint64_t base = ipa & ~((1UL << (12 + 9 * (4 - l))) - 1);

		rmi_out(m, &res, RMI_RTT_READ_ENTRY, r->rd, base, (uint64_t)(l - 1), 0, 0);
		if (res.x[2] == RMI_TABLE)
			continue;
		if (!CHECK_RMI(rmi(m, RMI_RTT_CREATE, r->rd, delegated_granule(m), base,
				   (uint64_t)l, 0),
			       RMI_SUCCESS, 0))
			return false;
	}
	return true;
}

uint64_t rec_params_at(struct machine *m, uint64_t idx, bool runnable, uint64_t pc)
{
	struct rmi_rec_params p;

	memset(&p, 0, sizeof(p));
	p.flags = runnable ? RMI_REC_PARAMS_FLAG_RUNNABLE : 0;
	p.mpidr = (idx & 0xf) | ((idx >> 4) & 0xff) << 8;
	p.pc = pc;
	p.num_aux = RMI_REC_PARAMS_AUX_GRANULES;
	for (unsigned i = 0; i < p.num_aux; i++)
		p.aux[i] = delegated_granule(m);
	{
		uint64_t pa = ns_granule(m);

		host_write(m, pa, &p, sizeof(p));
		return pa;
	}
}

/* Destroy everything below the RTT at @rtt (level @level) covering @base, bottom-up. */
static bool teardown_range(struct machine *m, struct realm *r, uint64_t base, int level,
			   unsigned nentries)
{
	uint64_t size = 1UL << (12 + 9 * (3 - level));

	for (unsigned i = 0; i < nentries; i++) {
		uint64_t ipa = base + i * size;
		struct smc_result res;

		rmi_out(m, &res, RMI_RTT_READ_ENTRY, r->rd, ipa, (uint64_t)level, 0, 0);
		if (!CHECK_RMI(res.x[0], RMI_SUCCESS, 0))
			return false;
		if (res.x[2] == RMI_TABLE) {
			if (!teardown_range(m, r, ipa, level + 1, 512))
				return false;
			rmi_out(m, &res, RMI_RTT_DESTROY, r->rd, ipa, (uint64_t)level + 1, 0, 0);
			if (!CHECK_RMI(res.x[0], RMI_SUCCESS, 0))
				return false;
		} else if (res.x[2] == RMI_ASSIGNED && ipa < (1UL << (r->s2sz - 1))) {
			/* A block: split it down to pages first, then destroy the pages. */
			if (level < 3) {
				if (!CHECK_RMI(rmi(m, RMI_RTT_CREATE, r->rd, delegated_granule(m),
						   ipa, (uint64_t)level + 1, 0),
					       RMI_SUCCESS, 0))
					return false;
				i--;
				continue;
			}
			rmi_out(m, &res, RMI_DATA_DESTROY, r->rd, ipa, 0, 0, 0);
			if (!CHECK_RMI(res.x[0], RMI_SUCCESS, 0))
				return false;
		} else if (res.x[2] == RMI_ASSIGNED) {
			CHECK_RMI(rmi(m, RMI_RTT_UNMAP_UNPROTECTED, r->rd, ipa, (uint64_t)level, 0,
				      0),
				  RMI_SUCCESS, 0);
		}
	}
	return true;
}

bool realm_teardown(struct machine *m, struct realm *r, const uint64_t *recs, unsigned nrecs)
{
	uint64_t root_size = 1UL << (12 + 9 * (3 - r->level_start));
	uint64_t entries = (1UL << r->s2sz) / root_size;

	for (unsigned i = 0; i < nrecs; i++)
		if (!CHECK_RMI(rmi(m, RMI_REC_DESTROY, recs[i], 0, 0, 0, 0), RMI_SUCCESS, 0))
			return false;
	if (!teardown_range(m, r, 0, r->level_start, (unsigned)entries))
		return false;
	return CHECK_RMI(rmi(m, RMI_REALM_DESTROY, r->rd, 0, 0, 0, 0), RMI_SUCCESS, 0);
}

bool census_all_undelegated(struct machine *m)
{
	struct rmm_census c;

	rmm_census(m->rmm, &c, true);
	return c.count[GRANULE_UNDELEGATED] == pas_granule_count(m->pas) && !c.nonzero_free;
}
