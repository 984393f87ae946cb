// SPDX-License-Identifier: MIT
/* Launch descriptions: owned arrays and strings (spec.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "measure/spec.h"

void rkm_spec_init(struct rkm_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->l.params.ipa_bits = 40;
	s->l.params.num_bps = 5; /* the platform's 6 breakpoints and 4 watchpoints, minus one */
	s->l.params.num_wps = 3;
}

void rkm_spec_free(struct rkm_spec *s)
{
	for (unsigned i = 0; i < s->nstrings; i++)
		free(s->strings[i]);
	for (unsigned i = 0; i < s->nblobs; i++)
		free(s->blobs[i]);
	free(s->strings);
	free(s->blobs);
	free(s->l.regions);
	free(s->l.steps);
	free(s->l.rem_ext);
	memset(s, 0, sizeof(*s));
}

static int grow(void **p, unsigned *cap, unsigned n, size_t elem)
{
	if (n < *cap)
		return 0;
	unsigned c = *cap ? 2 * *cap : 8;
	void *q = realloc(*p, c * elem);

	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

const char *rkm_spec_str(struct rkm_spec *s, const char *str)
{
	char *d;

	if (!str)
		return NULL;
	if (grow((void **)&s->strings, &s->capstrings, s->nstrings, sizeof(char *)))
		return NULL;
	d = strdup(str);
	if (d)
		s->strings[s->nstrings++] = d;
	return d;
}

int rkm_spec_own(struct rkm_spec *s, void *p)
{
	if (grow((void **)&s->blobs, &s->capblobs, s->nblobs, sizeof(void *))) {
		free(p);
		return -1;
	}
	s->blobs[s->nblobs++] = p;
	return 0;
}

int rkm_spec_add_region(struct rkm_spec *s, const struct rkm_region *r)
{
	if (grow((void **)&s->l.regions, &s->capreg, s->l.nregions, sizeof(*r)))
		return -1;
	s->l.regions[s->l.nregions] = *r;
	return (int)s->l.nregions++;
}

int rkm_spec_add_step(struct rkm_spec *s, const struct rkm_step *st)
{
	if (grow((void **)&s->l.steps, &s->capstep, s->l.nsteps, sizeof(*st)))
		return -1;
	s->l.steps[s->l.nsteps] = *st;
	return (int)s->l.nsteps++;
}

int rkm_spec_add_rem(struct rkm_spec *s, unsigned index, const void *data, unsigned size)
{
	if (size > 64 || grow((void **)&s->l.rem_ext, &s->caprem, s->l.nrem_ext,
			      sizeof(*s->l.rem_ext)))
		return -1;
	s->l.rem_ext[s->l.nrem_ext].index = index;
	s->l.rem_ext[s->l.nrem_ext].size = size;
	memcpy(s->l.rem_ext[s->l.nrem_ext].data, data, size);
	return (int)s->l.nrem_ext++;
}

int rkm_spec_add_file(struct rkm_spec *s, const char *name, const char *path, uint64_t addr,
		      bool measured, char *err, size_t errlen)
{
	struct rkm_region r = { 0 };
	struct rkm_step st = { .type = RKM_STEP_DATA };
	struct stat sb;
	int idx;

	if (stat(path, &sb) < 0) {
		snprintf(err, errlen, "%s: cannot open %s: %s", name, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: %s is not a regular file", name, path);
		return -1;
	}
	if (!sb.st_size) {
		snprintf(err, errlen, "%s: %s is empty", name, path);
		return -1;
	}
	r.name = rkm_spec_str(s, name);
	r.path = rkm_spec_str(s, path);
	r.lead = addr % RKM_GRANULE;
	r.ipa = addr - r.lead;
	r.length = (uint64_t)sb.st_size;
	r.size = (r.lead + r.length + RKM_GRANULE - 1) / RKM_GRANULE * RKM_GRANULE;
	r.measured = measured;
	idx = rkm_spec_add_region(s, &r);
	if (!r.name || !r.path || idx < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	st.region = (unsigned)idx;
	if (rkm_spec_add_step(s, &st) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return idx;
}
