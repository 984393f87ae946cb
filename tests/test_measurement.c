// SPDX-License-Identifier: MIT
/*
 * Measurement known answers.  The expected values come from outside the
 * RMM: the public veraison value, and vectors derived by tools/rim_vectors.py,
 * an independent model of the RMM 1.0 algorithm (docs/MEASUREMENT.md).
 */
#include <string.h>

#include "harness.h"
#include "rmm/measurement.h"

static void hex2bin(const char *hex, uint8_t *out, unsigned len)
{
	for (unsigned i = 0; i < len; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static bool rim_is(struct machine *m, uint64_t rd, const char *hex, const char *what)
{
	struct rmm_measurements meas;
	uint8_t want[64];
	unsigned len = (unsigned)strlen(hex) / 2;

	if (!CHECK(rmm_realm_measurements(m->rmm, rd, &meas)))
		return false;
	hex2bin(hex, want, len);
	if (!t_check(meas.hash_len == len && !memcmp(meas.rim, want, len), __FILE__, __LINE__,
		     "RIM after %s", what))
		return false;
	/* Bytes past the hash length are zero. */
	for (unsigned i = len; i < 64; i++)
		if (!CHECK_EQ(meas.rim[i], 0))
			return false;
	return true;
}

/* veraison/cca-realm-measurements: 48-bit IPA, 2 bps, 2 wps, no SVE/PMU/LPA2, SHA-256. */
static void test_veraison_public_vector(void)
{
	struct machine m;
	struct realm r;
	struct rmi_realm_params p;
	struct rmm_measurements meas;

	machine_init(&m, 16 << 20, NULL);
	realm_params_default(&p, 7);
	p.num_bps = 1; /* two breakpoints, encoded minus one as RMI_FEATURES does */
	p.num_wps = 1;
	memset(p.rpv, 0xab, sizeof(p.rpv)); /* not measured */
	realm_create(&m, &r, &p);
	rim_is(&m, r.rd, "6739dfb22b75ee1268d08dfa8369f501bc0b066243553f069f560d1fa1172973",
	       "REALM_CREATE (veraison)");
	CHECK(rmm_realm_measurements(m.rmm, r.rd, &meas));
	for (int i = 0; i < 4; i++)
		for (int b = 0; b < 64; b++)
			if (!CHECK_EQ(meas.rem[i][b], 0))
				break;
	machine_fini(&m);
}

struct scenario_vectors {
	unsigned alg;
	const char *create, *ripas, *data, *rec;
};

static const struct scenario_vectors vectors[] = {
	{ RMI_HASH_SHA_256,
	  "a187d45c18b059211f56beed30cf1d338ed48414db684899e6c1cef2e4f68d99",
	  "ca92e47bb28854541bde43ccf427448d7636dceb3f724f52a00ebc5cc257a3f9",
	  "97d4a819ae523f9afb6ff1bdaa89c280304f7def715a3748b665833846b7689f",
	  "f42017645896ecd1247fc158a41adde7061b3ea1f642627b52f1dbc5d43c97e0" },
	{ RMI_HASH_SHA_512,
	  "02e21498c8314e71eb75b875a7be635bcd8279121fdbee2c28cad01ef6a65cca"
	  "e94a312065ff0de5357103042b964b135f8d0d08b759d1615f0e51053b25d731",
	  "44e4a50a6c4370070a88b9d0debfa1fa921186e74c15328562e45db89adba1a7"
	  "80d306602a349eca22d76ca6d9beb86b308b23ae3470479c380c641aeae54f60",
	  "4de1c5f23a483441f680899a1d406d87c0e05a277cbf0adea1fa1601e05e4d8a"
	  "f93f7669c7a131e50517162c39fa2dfbfe955b8f84fc6388322e1adecb9d43c4",
	  "4c329f2f05c300b556a1e7a28161c8c80ea2847d5402f31006d4d8646cc8e875"
	  "51ba3730d277cd5ee59a200336bbf56e776f8d0874ae5f19caa9cc95e1379069" },
};

static uint64_t page_of(struct machine *m, uint8_t byte)
{
	uint64_t pa = ns_granule(m);
	uint8_t buf[GRANULE_SIZE];

	memset(buf, byte, sizeof(buf));
	host_write(m, pa, buf, sizeof(buf));
	return pa;
}

/* The scenario of tools/rim_vectors.py, replayed through RMI. */
static void test_scenario(const struct scenario_vectors *v)
{
	struct machine m;
	struct realm r;
	struct rmi_realm_params p;
	struct rmi_rec_params rp;
	struct smc_result res;
	uint64_t rec, rec_params;

	machine_init(&m, 32 << 20, NULL);
	realm_params_default(&p, 3);
	p.s2sz = 40;
	p.num_bps = 3;
	p.num_wps = 2;
	p.hash_algo = v->alg;
	realm_create(&m, &r, &p);
	rim_is(&m, r.rd, v->create, "REALM_CREATE");

	realm_map_tables(&m, &r, 0, 3);
	/* Four level-3 entries, then one level-2 block entry: five RIPAS descriptors. */
	rmi_out(&m, &res, RMI_RTT_INIT_RIPAS, r.rd, 0, 0x4000, 0, 0);
	CHECK_RMI(res.x[0], RMI_SUCCESS, 0);
	CHECK_EQ(res.x[1], 0x4000);
	rmi_out(&m, &res, RMI_RTT_INIT_RIPAS, r.rd, 0x200000, 0x400000, 0, 0);
	CHECK_RMI(res.x[0], RMI_SUCCESS, 0);
	CHECK_EQ(res.x[1], 0x400000);
	rim_is(&m, r.rd, v->ripas, "RTT_INIT_RIPAS");

	CHECK_RMI(rmi(&m, RMI_DATA_CREATE, r.rd, delegated_granule(&m), 0x0, page_of(&m, 0xa5),
		      RMI_MEASURE_CONTENT),
		  RMI_SUCCESS, 0);
	CHECK_RMI(rmi(&m, RMI_DATA_CREATE, r.rd, delegated_granule(&m), 0x1000,
		      page_of(&m, 0x3c), 0),
		  RMI_SUCCESS, 0);
	rim_is(&m, r.rd, v->data, "DATA_CREATE");
	/* DATA_CREATE_UNKNOWN is not measured. */
	CHECK_RMI(rmi(&m, RMI_DATA_CREATE_UNKNOWN, r.rd, delegated_granule(&m), 0x2000, 0, 0),
		  RMI_SUCCESS, 0);
	rim_is(&m, r.rd, v->data, "DATA_CREATE_UNKNOWN");

	memset(&rp, 0, sizeof(rp));
	rp.flags = RMI_REC_PARAMS_FLAG_RUNNABLE;
	rp.pc = 0x80000;
	rp.gprs[0] = 0x1234;
	rp.gprs[7] = 0x77;
	rp.mpidr = 0;
	rp.num_aux = 16;
	for (int i = 0; i < 16; i++)
		rp.aux[i] = delegated_granule(&m);
	rec_params = ns_granule(&m);
	host_write(&m, rec_params, &rp, sizeof(rp));
	rec = delegated_granule(&m);
	CHECK_RMI(rmi(&m, RMI_REC_CREATE, r.rd, rec, rec_params, 0, 0), RMI_SUCCESS, 0);
	rim_is(&m, r.rd, v->rec, "REC_CREATE (runnable)");

	/* A REC that is not runnable, and activation, leave the RIM alone. */
	CHECK_RMI(rmi(&m, RMI_REC_CREATE, r.rd, delegated_granule(&m),
		      rec_params_at(&m, 1, false, 0x1000), 0, 0),
		  RMI_SUCCESS, 0);
	CHECK_RMI(rmi(&m, RMI_REALM_ACTIVATE, r.rd, 0, 0, 0, 0), RMI_SUCCESS, 0);
	rim_is(&m, r.rd, v->rec, "non-runnable REC_CREATE and REALM_ACTIVATE");
	machine_fini(&m);
}

/*
 * Under RMM 1.0 RTT_INIT_RIPAS is measured per RTT entry, so the same IPA
 * range gives a different RIM as one 2 MiB block or as 512 pages.
 */
static void test_ripas_rim_depends_on_levels(void)
{
	struct machine m;
	struct realm a, b;
	struct rmm_measurements ma, mb;
	struct smc_result res;

	machine_init(&m, 32 << 20, NULL);
	realm_create(&m, &a, NULL);
	realm_create(&m, &b, NULL);
	/* Same measured parameters except the VMID, which is not measured. */
	realm_map_tables(&m, &a, 0, 2);
	realm_map_tables(&m, &b, 0, 3);
	rmi_out(&m, &res, RMI_RTT_INIT_RIPAS, a.rd, 0, 0x200000, 0, 0);
	CHECK_RMI(res.x[0], RMI_SUCCESS, 0);
	rmi_out(&m, &res, RMI_RTT_INIT_RIPAS, b.rd, 0, 0x200000, 0, 0);
	CHECK_RMI(res.x[0], RMI_SUCCESS, 0);
	CHECK_EQ(res.x[1], 0x200000);
	rmm_realm_measurements(m.rmm, a.rd, &ma);
	rmm_realm_measurements(m.rmm, b.rd, &mb);
	CHECK(memcmp(ma.rim, mb.rim, 32) != 0);
	machine_fini(&m);
}

/* One DATA_CREATE of the test below, and the same step in the sequential model. */
static void data_step(struct machine *m, uint64_t rd, uint8_t *model, uint64_t src, unsigned i,
		      uint64_t flags)
{
	uint8_t buf[GRANULE_SIZE], h[64];

	memset(buf, (int)(i * 7 + 1), sizeof(buf));
	memcpy(buf, &i, sizeof(i));
	host_write(m, src, buf, sizeof(buf));
	CHECK_RMI(rmi(m, RMI_DATA_CREATE, rd, delegated_granule(m), (uint64_t)i << GRANULE_SHIFT,
		      src, flags),
		  RMI_SUCCESS, 0);
	/* The source changes at once: what is hashed is the granule's copy. */
	memset(pas_host_va(m->pas, src), 0xee, GRANULE_SIZE);
	measurement_granule_hash(RMI_HASH_SHA_256, buf, h);
	measurement_rim_extend_data(RMI_HASH_SHA_256, model, (uint64_t)i << GRANULE_SHIFT, flags, h);
}

/*
 * Content hashes are computed by worker threads and the RIM is extended
 * later, in order (src/rmm/rim_queue.c).  The RIM must be exactly the
 * sequential one: more DATA_CREATEs than the queue holds, measured and not,
 * a second realm's DATA_CREATE in between, and DATA_DESTROY of a granule
 * whose hash may still be queued.
 */
static void test_queued_data_measurements(void)
{
	const unsigned n = 1100; /* more than the 512 descriptors the queue holds */
	struct machine m;
	struct realm a, b;
	struct rmm_measurements ma, mb;
	uint8_t model_a[64], model_b[64];
	uint64_t src;
	struct smc_result res;

	machine_init(&m, 64 << 20, NULL);
	realm_create(&m, &a, NULL);
	realm_create(&m, &b, NULL);
	for (uint64_t ipa = 0; ipa < (uint64_t)(n + 1) << GRANULE_SHIFT; ipa += 0x200000) {
		realm_map_tables(&m, &a, ipa, 3);
		realm_map_tables(&m, &b, ipa, 3);
	}
	CHECK(rmm_realm_measurements(m.rmm, a.rd, &ma));
	CHECK(rmm_realm_measurements(m.rmm, b.rd, &mb));
	memcpy(model_a, ma.rim, 64);
	memcpy(model_b, mb.rim, 64);
	src = ns_granule(&m);
	for (unsigned i = 0; i < n; i++)
		data_step(&m, a.rd, model_a, src, i, i % 3 ? RMI_MEASURE_CONTENT : 0);
	/* Realm b's descriptors go after all of a's queued ones. */
	data_step(&m, b.rd, model_b, src, 0, RMI_MEASURE_CONTENT);
	data_step(&m, b.rd, model_b, src, 1, RMI_MEASURE_CONTENT);
	data_step(&m, a.rd, model_a, src, n, RMI_MEASURE_CONTENT);
	/* DATA_DESTROY scrubs the granule: its queued hash must have been taken before. */
	rmi_out(&m, &res, RMI_DATA_DESTROY, b.rd, 0x1000, 0, 0, 0);
	CHECK_RMI(res.x[0], RMI_SUCCESS, 0);
	CHECK(rmm_realm_measurements(m.rmm, a.rd, &ma));
	CHECK(rmm_realm_measurements(m.rmm, b.rd, &mb));
	CHECK(!memcmp(ma.rim, model_a, 32));
	CHECK(!memcmp(mb.rim, model_b, 32));
	machine_fini(&m);
}

int main(void)
{
	test_veraison_public_vector();
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		test_scenario(&vectors[i]);
	test_ripas_rim_depends_on_levels();
	test_queued_data_measurements();
	return t_done();
}
