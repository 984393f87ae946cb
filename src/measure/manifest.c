// SPDX-License-Identifier: MIT
/*
 * The launch manifest: a JSON description of a realm launch for VMMs
 * realmkit does not model (schema in docs/MEASURE.md).  Strict: unknown
 * keys, wrong types and impossible values are errors naming the key.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "measure/spec.h"
#include "rmm/measurement.h"

struct mctx {
	struct rkm_spec *s;
	const char *dir; /* the manifest's directory, for relative files */
	char *err;
	size_t errlen;
};

static int merr(struct mctx *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int merr(struct mctx *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->err, m->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A number: a JSON integer, or a string: decimal, 0x-hex, optional K/M/G/T suffix. */
static int num(struct mctx *m, json_t *v, const char *what, uint64_t *out)
{
	const char *s;
	char *end;
	uint64_t mult = 1;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return merr(m, "%s: negative", what);
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return merr(m, "%s: expected a number or a string holding one", what);
	s = json_string_value(v);
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return merr(m, "%s: '%s' is not a number", what, s);
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || end == s)
		return merr(m, "%s: '%s' is not a number", what, s);
	switch (*end) {
	case 'K': case 'k': mult = 1ULL << 10; end++; break;
	case 'M': case 'm': mult = 1ULL << 20; end++; break;
	case 'G': case 'g': mult = 1ULL << 30; end++; break;
	case 'T': case 't': mult = 1ULL << 40; end++; break;
	default: break;
	}
	if (*end)
		return merr(m, "%s: '%s' is not a number", what, s);
	if (*out > UINT64_MAX / mult)
		return merr(m, "%s: '%s' does not fit in 64 bits", what, s);
	*out *= mult;
	return 0;
}

static int hexbytes(struct mctx *m, json_t *v, const char *what, uint8_t *out, size_t max,
		    size_t *len)
{
	const char *s = json_string_value(v);
	size_t n;

	if (!s)
		return merr(m, "%s: expected a hex string", what);
	if (!strncmp(s, "0x", 2))
		s += 2;
	n = strlen(s);
	if (n % 2 || n / 2 > max)
		return merr(m, "%s: expected up to %zu bytes of hex", what, max);
	for (size_t i = 0; i < n / 2; i++) {
		unsigned b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1 || !strchr("0123456789abcdefABCDEF", s[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i + 1]))
			return merr(m, "%s: '%s' is not hex", what, json_string_value(v));
		out[i] = (uint8_t)b;
	}
	*len = n / 2;
	return 0;
}

/* Every key of @o must be in @keys (NULL-terminated). */
static int only_keys(struct mctx *m, json_t *o, const char *what, const char *const *keys)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o))
		return merr(m, "%s: expected an object", what);
	json_object_foreach(o, k, v) {
		unsigned i;

		for (i = 0; keys[i] && strcmp(keys[i], k); i++)
			;
		if (!keys[i])
			return merr(m, "%s: unknown key '%s'", what, k);
	}
	return 0;
}

static int get_num(struct mctx *m, json_t *o, const char *key, const char *what, uint64_t *out,
		   bool required)
{
	json_t *v = json_object_get(o, key);
	char w[96];

	if (!v) {
		if (required)
			return merr(m, "%s: '%s' is missing", what, key);
		return 1;
	}
	snprintf(w, sizeof(w), "%s.%s", what, key);
	return num(m, v, w, out);
}

static int get_bool(struct mctx *m, json_t *o, const char *key, const char *what, bool *out)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 1;
	if (!json_is_boolean(v))
		return merr(m, "%s.%s: expected true or false", what, key);
	*out = json_is_true(v);
	return 0;
}

static int parse_realm(struct mctx *m, json_t *r)
{
	static const char *const keys[] = { "hash-algo", "ipa-bits", "breakpoints", "watchpoints",
					    "sve-vl", "pmu-counters", "lpa2", "rpv", NULL };
	struct rkm_params *p = &m->s->l.params;
	json_t *v;
	uint64_t n;
	bool b = false;
	size_t len;
	int ret;

	if (only_keys(m, r, "realm", keys))
		return -1;
	v = json_object_get(r, "hash-algo");
	if (v) {
		const char *a = json_string_value(v);

		if (a && (!strcmp(a, "sha-256") || !strcmp(a, "sha256")))
			p->hash_algo = 0;
		else if (a && (!strcmp(a, "sha-512") || !strcmp(a, "sha512")))
			p->hash_algo = 1;
		else
			return merr(m, "realm.hash-algo: expected \"sha-256\" or \"sha-512\"");
	}
	if ((ret = get_num(m, r, "ipa-bits", "realm", &n, false)) < 0)
		return -1;
	if (!ret) {
		if (n < 32 || n > 52)
			return merr(m, "realm.ipa-bits: %" PRIu64 " is outside 32..52", n);
		p->ipa_bits = (unsigned)n;
	}
	if ((ret = get_num(m, r, "breakpoints", "realm", &n, false)) < 0)
		return -1;
	if (!ret) {
		if (n < 2 || n > 64)
			return merr(m, "realm.breakpoints: %" PRIu64 " is outside 2..64", n);
		p->num_bps = (unsigned)n - 1; /* RMI encodes the count minus one */
	}
	if ((ret = get_num(m, r, "watchpoints", "realm", &n, false)) < 0)
		return -1;
	if (!ret) {
		if (n < 2 || n > 64)
			return merr(m, "realm.watchpoints: %" PRIu64 " is outside 2..64", n);
		p->num_wps = (unsigned)n - 1;
	}
	if ((ret = get_num(m, r, "sve-vl", "realm", &n, false)) < 0)
		return -1;
	if (!ret && n) {
		if (n > 15)
			return merr(m, "realm.sve-vl: %" PRIu64 " (RMI encoding, (VL / 128) - 1) > 15",
				    n);
		p->sve_vl = (unsigned)n;
		p->flags |= RMI_REALM_FLAGS_SVE;
	}
	if ((ret = get_num(m, r, "pmu-counters", "realm", &n, false)) < 0)
		return -1;
	if (!ret && n) {
		if (n > 31)
			return merr(m, "realm.pmu-counters: %" PRIu64 " > 31", n);
		p->pmu_num_ctrs = (unsigned)n;
		p->flags |= RMI_REALM_FLAGS_PMU;
	}
	if (get_bool(m, r, "lpa2", "realm", &b) < 0)
		return -1;
	if (b)
		p->flags |= RMI_REALM_FLAGS_LPA2;
	v = json_object_get(r, "rpv");
	if (v && hexbytes(m, v, "realm.rpv", p->rpv, sizeof(p->rpv), &len))
		return -1;
	return 0;
}

static const char *resolve(struct mctx *m, const char *file)
{
	char buf[PATH_MAX];

	if (file[0] == '/' || !m->dir)
		return rkm_spec_str(m->s, file);
	snprintf(buf, sizeof(buf), "%s/%s", m->dir, file);
	return rkm_spec_str(m->s, buf);
}

static int parse_region(struct mctx *m, json_t *o, unsigned i)
{
	static const char *const keys[] = { "name", "file", "offset", "ipa", "size", "measured",
					    NULL };
	struct rkm_region r = { .measured = true };
	char what[96];
	json_t *v;
	uint64_t size = 0;
	struct stat st;
	int ret;

	snprintf(what, sizeof(what), "regions[%u]", i);
	if (only_keys(m, o, what, keys))
		return -1;
	v = json_object_get(o, "name");
	if (v && !json_is_string(v))
		return merr(m, "%s.name: expected a string", what);
	if (v) {
		for (unsigned j = 0; j < m->s->l.nregions; j++)
			if (!strcmp(m->s->l.regions[j].name, json_string_value(v)))
				return merr(m, "%s.name: '%s' is used twice", what,
					    json_string_value(v));
		snprintf(what, sizeof(what), "region '%s'", json_string_value(v));
	}
	r.name = rkm_spec_str(m->s, what);
	if (get_num(m, o, "ipa", what, &r.ipa, true) < 0)
		return -1;
	if (get_num(m, o, "offset", what, &r.offset, false) < 0)
		return -1;
	if (get_bool(m, o, "measured", what, &r.measured) < 0)
		return -1;
	if ((ret = get_num(m, o, "size", what, &size, false)) < 0)
		return -1;
	v = json_object_get(o, "file");
	if (!v && !r.measured && ret == 0) {
		/* Unmeasured memory needs no contents: only its IPAs are measured. */
		if (size % RKM_GRANULE || !size)
			return merr(m, "%s.size: 0x%" PRIx64 " is not a non-zero multiple of 4 KiB",
				    what, size);
		r.size = size;
		if (rkm_spec_add_region(m->s, &r) < 0)
			return merr(m, "out of memory");
		return 0;
	}
	if (!json_is_string(v))
		return merr(m, "%s: 'file' is missing or not a string (only unmeasured regions "
			       "with a size may omit it)", what);
	r.path = resolve(m, json_string_value(v));
	if (stat(r.path, &st) < 0)
		return merr(m, "%s: cannot open %s: %s", what, r.path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return merr(m, "%s: %s is not a regular file", what, r.path);
	if (r.offset > (uint64_t)st.st_size)
		return merr(m, "%s: offset %" PRIu64 " is past the end of %s (%lld bytes)", what,
			    r.offset, r.path, (long long)st.st_size);
	r.length = (uint64_t)st.st_size - r.offset;
	if (ret == 1) {
		if (!r.length)
			return merr(m, "%s: nothing to load (empty file and no size)", what);
		size = (r.length + RKM_GRANULE - 1) / RKM_GRANULE * RKM_GRANULE;
	}
	if (size % RKM_GRANULE || !size)
		return merr(m, "%s.size: 0x%" PRIx64 " is not a non-zero multiple of 4 KiB", what,
			    size);
	r.size = size;
	if (r.length > size)
		r.length = size; /* the file is cut at the region's size */
	if (rkm_spec_add_region(m->s, &r) < 0)
		return merr(m, "out of memory");
	return 0;
}

static int find_region(struct mctx *m, const char *name, unsigned *out)
{
	char want[96];

	snprintf(want, sizeof(want), "region '%s'", name);
	for (unsigned j = 0; j < m->s->l.nregions; j++)
		if (!strcmp(m->s->l.regions[j].name, want)) {
			*out = j;
			return 0;
		}
	return merr(m, "steps: no region named '%s'", name);
}

static int parse_rec(struct mctx *m, json_t *o, unsigned i, struct rkm_step *st)
{
	static const char *const keys[] = { "pc", "gprs", "runnable", NULL };
	char what[32];
	json_t *g;

	snprintf(what, sizeof(what), "recs[%u]", i);
	if (only_keys(m, o, what, keys))
		return -1;
	memset(st, 0, sizeof(*st));
	st->type = RKM_STEP_REC;
	st->runnable = i == 0; /* KVM: only vCPU 0 starts runnable */
	if (get_num(m, o, "pc", what, &st->pc, true) < 0 ||
	    get_bool(m, o, "runnable", what, &st->runnable) < 0)
		return -1;
	g = json_object_get(o, "gprs");
	if (g) {
		if (!json_is_array(g) || json_array_size(g) > 8)
			return merr(m, "%s.gprs: expected an array of up to 8 numbers (x0..x7)", what);
		for (size_t k = 0; k < json_array_size(g); k++) {
			char w[80];

			snprintf(w, sizeof(w), "%s.gprs[%zu]", what, k);
			if (num(m, json_array_get(g, k), w, &st->gprs[k]) < 0)
				return -1;
		}
	}
	return 0;
}

static int ram_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static bool inside_ram(const uint64_t (*ram)[2], unsigned nram, uint64_t base, uint64_t top)
{
	for (unsigned i = 0; i < nram; i++)
		if (base >= ram[i][0] && top <= ram[i][0] + ram[i][1])
			return true;
	return false;
}

int rkm_manifest_load(const char *path, struct rkm_spec *s, char *err, size_t errlen)
{
	static const char *const keys[] = { "version", "realm", "ripas", "ram", "regions", "steps",
					    "recs", "rems", "rmm", "description", NULL };
	struct mctx m = { .s = s, .err = err, .errlen = errlen };
	char dirbuf[PATH_MAX], *slash;
	json_error_t je;
	json_t *root, *v, *recs, *steps;
	uint64_t (*ram)[2] = NULL;
	unsigned nram = 0, mode = 0; /* 0 kvm, 1 vmm, 2 explicit */
	struct rkm_step *recsteps = NULL;
	unsigned nrecs = 0;
	int ret = -1;

	snprintf(s->vmm, sizeof(s->vmm), "manifest");
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		if (je.line < 1)
			snprintf(err, errlen, "manifest %s: %s", path, je.text);
		else
			snprintf(err, errlen, "manifest %s: line %d: %s", path, je.line, je.text);
		return -1;
	}
	snprintf(dirbuf, sizeof(dirbuf), "%s", path);
	slash = strrchr(dirbuf, '/');
	if (slash) {
		*slash = 0;
		m.dir = dirbuf[0] ? dirbuf : "/";
	}
	if (only_keys(&m, root, "manifest", keys))
		goto out;
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		merr(&m, "version: expected 1");
		goto out;
	}
	v = json_object_get(root, "rmm");
	if (v && (!json_is_string(v) || (strcmp(json_string_value(v), "1.0") &&
					 strcmp(json_string_value(v), "2.0")))) {
		merr(&m, "rmm: expected \"1.0\" or \"2.0\"");
		goto out;
	}
	if (v) {
		s->l.rmm = strcmp(json_string_value(v), "2.0") ? RKM_RMM_1_0 : RKM_RMM_2_0;
		s->rmm_set = true;
	}
	v = json_object_get(root, "realm");
	if (v && parse_realm(&m, v))
		goto out;
	v = json_object_get(root, "ripas");
	if (v) {
		const char *r = json_string_value(v);

		if (r && !strcmp(r, "kvm"))
			mode = 0;
		else if (r && !strcmp(r, "vmm"))
			mode = 1;
		else if (r && !strcmp(r, "explicit"))
			mode = 2;
		else {
			merr(&m, "ripas: expected \"kvm\", \"vmm\" or \"explicit\"");
			goto out;
		}
	}
	v = json_object_get(root, "ram");
	if (v) {
		if (!json_is_array(v)) {
			merr(&m, "ram: expected an array of {base, size}");
			goto out;
		}
		ram = calloc(json_array_size(v) + 1, sizeof(*ram));
		for (size_t i = 0; i < json_array_size(v); i++) {
			static const char *const rk[] = { "base", "size", NULL };
			json_t *e = json_array_get(v, i);
			char w[32];

			snprintf(w, sizeof(w), "ram[%zu]", i);
			if (only_keys(&m, e, w, rk) || get_num(&m, e, "base", w, &ram[nram][0], true) < 0 ||
			    get_num(&m, e, "size", w, &ram[nram][1], true) < 0)
				goto out;
			if ((ram[nram][0] | ram[nram][1]) % RKM_GRANULE || !ram[nram][1]) {
				merr(&m, "%s: base 0x%" PRIx64 " and size 0x%" PRIx64 " must be 4 KiB "
					 "aligned and the size non-zero", w, ram[nram][0], ram[nram][1]);
				goto out;
			}
			nram++;
		}
		qsort(ram, nram, sizeof(*ram), ram_cmp);
		for (unsigned i = 1; i < nram; i++)
			if (ram[i][0] < ram[i - 1][0] + ram[i - 1][1]) {
				merr(&m, "ram: ranges at 0x%" PRIx64 " and 0x%" PRIx64 " overlap",
				     ram[i - 1][0], ram[i][0]);
				goto out;
			}
	}
	if (mode != 2 && !nram) {
		merr(&m, "ram: at least one range is needed (RIPAS and loads are checked against it)");
		goto out;
	}
	v = json_object_get(root, "regions");
	if (v && !json_is_array(v)) {
		merr(&m, "regions: expected an array");
		goto out;
	}
	for (size_t i = 0; v && i < json_array_size(v); i++)
		if (parse_region(&m, json_array_get(v, i), (unsigned)i))
			goto out;
	recs = json_object_get(root, "recs");
	if (recs && !json_is_array(recs)) {
		merr(&m, "recs: expected an array");
		goto out;
	}
	nrecs = recs ? (unsigned)json_array_size(recs) : 0;
	recsteps = calloc(nrecs + 1, sizeof(*recsteps));
	for (unsigned i = 0; i < nrecs; i++)
		if (parse_rec(&m, json_array_get(recs, i), i, &recsteps[i]))
			goto out;
	if (!nrecs) {
		merr(&m, "recs: at least one REC (vCPU 0's entry point) is needed");
		goto out;
	}

	steps = json_object_get(root, "steps");
	if (steps && !json_is_array(steps)) {
		merr(&m, "steps: expected an array");
		goto out;
	}
	if (steps) {
		for (size_t i = 0; i < json_array_size(steps); i++) {
			json_t *e = json_array_get(steps, i), *x;
			struct rkm_step st = { 0 };
			char w[32];

			snprintf(w, sizeof(w), "steps[%zu]", i);
			if (!json_is_object(e) || json_object_size(e) != 1) {
				merr(&m, "%s: expected one of {\"load\": NAME}, {\"ripas\": {base, "
					 "size}}, {\"rec\": INDEX}", w);
				goto out;
			}
			if ((x = json_object_get(e, "load"))) {
				if (!json_is_string(x)) {
					merr(&m, "%s.load: expected a region name", w);
					goto out;
				}
				st.type = RKM_STEP_DATA;
				if (find_region(&m, json_string_value(x), &st.region))
					goto out;
			} else if ((x = json_object_get(e, "ripas"))) {
				static const char *const rk[] = { "base", "size", NULL };
				uint64_t size;

				if (mode == 0) {
					merr(&m, "%s: RIPAS steps need \"ripas\": \"vmm\" or \"explicit\" "
						 "(with \"kvm\", KVM sets RIPAS at activation)", w);
					goto out;
				}
				if (only_keys(&m, x, w, rk) ||
				    get_num(&m, x, "base", w, &st.base, true) < 0 ||
				    get_num(&m, x, "size", w, &size, true) < 0)
					goto out;
				st.type = RKM_STEP_RIPAS;
				st.top = st.base + size;
				if (st.top < st.base) {
					merr(&m, "%s: the range wraps", w);
					goto out;
				}
			} else if ((x = json_object_get(e, "rec"))) {
				if (mode != 2) {
					merr(&m, "%s: REC steps need \"ripas\": \"explicit\" (KVM creates "
						 "the RECs at activation)", w);
					goto out;
				}
				if (!json_is_integer(x) || json_integer_value(x) < 0 ||
				    json_integer_value(x) >= (json_int_t)nrecs) {
					merr(&m, "%s.rec: expected an index into recs", w);
					goto out;
				}
				st = recsteps[json_integer_value(x)];
			} else {
				merr(&m, "%s: unknown step '%s'", w, json_object_iter_key(
								       json_object_iter(e)));
				goto out;
			}
			if (rkm_spec_add_step(s, &st) < 0)
				goto oom;
		}
	} else {
		/* Default order: explicit as cca-realm-measurements (RIPAS, loads, RECs); else loads. */
		if (mode == 2)
			for (unsigned i = 0; i < nram; i++) {
				struct rkm_step st = { .type = RKM_STEP_RIPAS, .base = ram[i][0],
						       .top = ram[i][0] + ram[i][1] };

				if (rkm_spec_add_step(s, &st) < 0)
					goto oom;
			}
		for (unsigned i = 0; i < s->l.nregions; i++) {
			struct rkm_step st = { .type = RKM_STEP_DATA, .region = i };

			if (rkm_spec_add_step(s, &st) < 0)
				goto oom;
		}
		if (mode == 2)
			for (unsigned i = 0; i < nrecs; i++)
				if (rkm_spec_add_step(s, &recsteps[i]) < 0)
					goto oom;
	}
	if (mode != 2) {
		for (unsigned i = 0; i < nrecs; i++)
			if (rkm_spec_add_step(s, &recsteps[i]) < 0)
				goto oom;
		if (mode == 0)
			for (unsigned i = 0; i < nram; i++) {
				struct rkm_step st = { .type = RKM_STEP_RIPAS, .base = ram[i][0],
						       .top = ram[i][0] + ram[i][1] };

				if (rkm_spec_add_step(s, &st) < 0)
					goto oom;
			}
		/* KVM populates and sets RIPAS only inside guest_memfd memslots (RAM). */
		for (unsigned i = 0; i < s->l.nregions; i++) {
			const struct rkm_region *r = &s->l.regions[i];

			if (!inside_ram((const uint64_t(*)[2])ram, nram, r->ipa, r->ipa + r->size)) {
				merr(&m, "%s: [0x%" PRIx64 ", 0x%" PRIx64 ") is not inside one RAM range",
				     r->name, r->ipa, r->ipa + r->size);
				goto out;
			}
		}
		for (unsigned i = 0; i < s->l.nsteps; i++) {
			const struct rkm_step *st = &s->l.steps[i];

			if (st->type == RKM_STEP_RIPAS &&
			    !inside_ram((const uint64_t(*)[2])ram, nram, st->base, st->top)) {
				merr(&m, "RIPAS range [0x%" PRIx64 ", 0x%" PRIx64 ") is not inside one "
					 "RAM range", st->base, st->top);
				goto out;
			}
		}
	}
	v = json_object_get(root, "rems");
	if (v && !json_is_array(v)) {
		merr(&m, "rems: expected an array");
		goto out;
	}
	for (size_t i = 0; v && i < json_array_size(v); i++) {
		static const char *const rk[] = { "index", "digest", NULL };
		json_t *e = json_array_get(v, i);
		uint8_t d[64];
		size_t len = 0;
		uint64_t idx;
		char w[32];

		snprintf(w, sizeof(w), "rems[%zu]", i);
		if (only_keys(&m, e, w, rk) || get_num(&m, e, "index", w, &idx, true) < 0)
			goto out;
		if (idx > 3) {
			merr(&m, "%s.index: %" PRIu64 " is not 0..3", w, idx);
			goto out;
		}
		if (!json_object_get(e, "digest")) {
			merr(&m, "%s: 'digest' is missing", w);
			goto out;
		}
		if (hexbytes(&m, json_object_get(e, "digest"), "rems.digest", d, 64, &len))
			goto out;
		if (rkm_spec_add_rem(s, (unsigned)idx, d, (unsigned)len) < 0)
			goto oom;
	}
	if (rkm_validate(&s->l, err, errlen) < 0)
		goto out;
	ret = 0;
	goto out;
oom:
	merr(&m, "out of memory");
out:
	if (ret < 0 && strncmp(err, "manifest ", 9)) {
		char tmp[RKM_ERR_LEN];

		snprintf(tmp, sizeof(tmp), "%s", err);
		snprintf(err, errlen, "manifest %s: %s", path, tmp);
	}
	free(ram);
	free(recsteps);
	json_decref(root);
	return ret;
}
