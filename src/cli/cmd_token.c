// SPDX-License-Identifier: MIT
/*
 * `realmkit token show FILE` and `realmkit token verify FILE --cpak KEY`:
 * any CCA token (docs/ATTESTATION.md), realmkit's or real firmware's.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"
#include "attest/refvals.h"
#include "cli/cli.h"

/* Exit statuses of `token verify` (documented in its usage and docs/ATTESTATION.md). */
#define EXIT_MALFORMED 4
#define EXIT_SIGNATURE 5
#define EXIT_BINDING   6
#define EXIT_CHALLENGE 7
#define EXIT_REFVALS   8

static void token_usage(FILE *f)
{
	fputs("usage: realmkit token show [--json] FILE\n"
	      "       realmkit token verify [--json] --cpak KEY [--refvals FILE]\n"
	      "                             [--challenge HEX] FILE\n"
	      "\n"
	      "A CCA attestation token: a collection (CBOR tag 399 or CMW tag 907), or a bare\n"
	      "realm or platform COSE_Sign1; binary CBOR, hex or base64 ('-' reads stdin).\n"
	      "show prints every claim by name; verify checks it (docs/ATTESTATION.md).\n"
	      "\n"
	      "options:\n"
	      "  --json            JSON instead of text\n"
	      "  --cpak KEY        the platform's trust anchor: PEM public key, JWK, or a\n"
	      "                    rust-ccatoken trust-anchor store (JSON array)\n"
	      "  --refvals FILE    reference values (docs/ATTESTATION.md): RIM, REMs, RPV and\n"
	      "                    the platform's software components\n"
	      "  --challenge HEX   the challenge the token must carry (zero-padded to 64 bytes)\n"
	      "  -h, --help        this text\n"
	      "\n"
	      "exit status: 0 shown / every check passed; 1 a check failed otherwise (profile,\n"
	      "platform identity); 2 bad options or an unreadable file; 4 malformed token;\n"
	      "5 bad signature; 6 realm-platform binding broken; 7 challenge mismatch;\n"
	      "8 does not match the reference values.  The first in this order wins:\n"
	      "4, 5, 6, 7, 8, 1.\n",
	      f);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 1 << 14, n = 0, got;
	uint8_t *buf;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *nb = cap < (64u << 20) ? realloc(buf, cap *= 2) : NULL;

			if (!nb) {
				free(buf);
				buf = NULL;
				errno = EFBIG;
			}
			buf = nb;
		}
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

/* ---- show ---- */

static void hexline(const char *name, struct att_bytes b)
{
	char *h;

	if (!b.p)
		return;
	h = malloc(2 * b.len + 1);
	if (!h)
		return;
	att_hex(b.p, b.len, h);
	printf("  %-34s %s\n", name, h);
	free(h);
}

static void strline(const char *name, struct att_str s)
{
	char esc[256], *tmp;

	if (!s.p)
		return;
	tmp = strndup(s.p, s.len);
	if (!tmp)
		return;
	printf("  %-34s %s\n", name, cli_escape(esc, sizeof(esc), tmp));
	free(tmp);
}

static const char *lifecycle_name(uint64_t v)
{
	switch (v >> 8) {
	case 0x00:
		return "unknown";
	case 0x10:
		return "assembly and test";
	case 0x20:
		return "PSA RoT provisioning";
	case 0x30:
		return "secured";
	case 0x40:
		return "non-PSA RoT debug";
	case 0x50:
		return "recoverable PSA RoT debug";
	case 0x60:
		return "decommissioned";
	default:
		return "invalid";
	}
}

static const char *alg_name(int64_t a)
{
	return a == -7 ? "ES256" : a == -35 ? "ES384" : a == -36 ? "ES512" : "unknown";
}

/* Claims outside the profile: their keys (the first 8 integer ones). */
static void show_unknown(unsigned n, const int64_t *keys, unsigned nkeys)
{
	if (!n)
		return;
	printf("  %-34s %u:", "claims not in the profile", n);
	for (unsigned i = 0; i < nkeys; i++)
		printf(" %lld", (long long)keys[i]);
	if (n > nkeys)
		printf(" (and %u more, text keys or beyond the first 8)", n - nkeys);
	putchar('\n');
}

static void show_text(const struct att_token *t)
{
	static const char *const fmt[] = {"CCA token collection (CBOR tag 399)",
					  "CMW collection (CBOR tag 907)", "bare realm token",
					  "bare platform token"};

	printf("format: %s\n", fmt[t->format]);
	if (t->platform.cose.present) {
		const struct att_platform_token *p = &t->platform;

		printf("platform token (COSE_Sign1, %s):\n", alg_name(p->cose.alg));
		strline("profile (265)", p->profile);
		hexline("challenge (10)", p->challenge);
		hexline("implementation ID (2396)", p->impl_id);
		hexline("instance ID (256)", p->inst_id);
		hexline("platform configuration (2401)", p->config);
		if (p->has_lifecycle)
			printf("  %-34s 0x%04llx (%s)\n", "lifecycle (2395)",
			       (unsigned long long)p->lifecycle, lifecycle_name(p->lifecycle));
		strline("verification service (2400)", p->vsv);
		strline("platform hash algorithm (2402)", p->hash_alg);
		if (p->has_client_id)
			printf("  %-34s %lld%s\n", "client ID (2394)", (long long)p->client_id,
			       p->client_id == ATT_CLIENT_ID_RMSD ? " (RMSD)" : "");
		hexline("manufacturing configuration (2403)", p->mfg_config);
		if (p->ext_present)
			printf("  %-34s %u device entries\n", "platform extension (2404)", p->next);
		if (p->sw_present)
			printf("  software components (2399): %u\n", p->nsw);
		for (unsigned i = 0; i < p->nsw; i++) {
			printf("   [%u]\n", i);
			strline("  measurement-type (1)", p->sw[i].type);
			hexline("  measurement-value (2)", p->sw[i].meas);
			strline("  version (4)", p->sw[i].version);
			hexline("  signer-id (5)", p->sw[i].signer);
			strline("  hash-algo-id (6)", p->sw[i].hash_alg);
		}
		show_unknown(p->unknown, p->unknown_keys, p->nunknown_keys);
	}
	if (t->realm.cose.present) {
		const struct att_realm_token *r = &t->realm;
		char name[40];

		printf("realm token (COSE_Sign1, %s):\n", alg_name(r->cose.alg));
		if (r->profile.p)
			strline("profile (265)", r->profile);
		else
			printf("  %-34s (none: pre-RMM-1.0 token)\n", "profile (265)");
		hexline("challenge (10)", r->challenge);
		hexline("personalization value (44235)", r->rpv);
		hexline(r->rak_raw ? "RAK public key (44237, raw point)"
				   : "RAK public key (44237, COSE_Key)",
			r->rak);
		strline("RAK hash algorithm (44240)", r->rak_hash_alg);
		strline("hash algorithm (44236)", r->hash_alg);
		hexline("RIM (44238)", r->rim);
		for (unsigned i = 0; i < r->nrem && i < ATT_NUM_REMS; i++) {
			snprintf(name, sizeof(name), "REM%u (44239[%u])", i, i);
			hexline(name, r->rem[i]);
		}
		hexline("realm instance ID (256)", r->inst_id);
		if (r->mec_text.p)
			strline("MEC policy (44243, text)", r->mec_text);
		else if (r->has_mec)
			printf("  %-34s %llu%s\n", "MEC policy (44243)",
			       (unsigned long long)r->mec_policy,
			       r->mec_policy == ATT_MEC_SHARED	  ? " (shared)"
			       : r->mec_policy == ATT_MEC_PRIVATE ? " (private)"
								  : "");
		if (r->has_lfa)
			printf("  %-34s %llu%s\n", "LFA policy (44244)",
			       (unsigned long long)r->lfa_policy,
			       r->lfa_policy == 0   ? " (disallow)"
			       : r->lfa_policy == 1 ? " (allow)"
						    : "");
		hexline("devices token hash (44257)", r->dev_hash);
		show_unknown(r->unknown, r->unknown_keys, r->nunknown_keys);
	}
}

static void jbytes(json_t *o, const char *k, struct att_bytes b)
{
	char *h;

	if (!b.p)
		return;
	h = malloc(2 * b.len + 1);
	if (!h)
		return;
	att_hex(b.p, b.len, h);
	json_object_set_new(o, k, json_string(h));
	free(h);
}

static void jstr(json_t *o, const char *k, struct att_str s)
{
	if (s.p)
		json_object_set_new(o, k, json_stringn(s.p, s.len));
}

/* {"count": N, "keys": [the first integer keys]} */
static json_t *unknown_json(const int64_t *keys, unsigned nkeys, unsigned n)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < nkeys; i++)
		json_array_append_new(a, json_integer(keys[i]));
	return json_pack("{s:i, s:o}", "count", (int)n, "keys", a);
}

static json_t *token_json(const struct att_token *t)
{
	static const char *const fmt[] = {"collection-399", "cmw-907", "realm", "platform"};
	json_t *root = json_object();

	json_object_set_new(root, "format", json_string(fmt[t->format]));
	if (t->platform.cose.present) {
		const struct att_platform_token *p = &t->platform;
		json_t *o = json_object(), *sw = json_array();

		json_object_set_new(o, "alg", json_string(alg_name(p->cose.alg)));
		jstr(o, "profile", p->profile);
		jbytes(o, "challenge", p->challenge);
		jbytes(o, "implementation-id", p->impl_id);
		jbytes(o, "instance-id", p->inst_id);
		jbytes(o, "platform-configuration", p->config);
		if (p->has_lifecycle)
			json_object_set_new(o, "lifecycle", json_integer((json_int_t)p->lifecycle));
		jstr(o, "verification-service", p->vsv);
		jstr(o, "hash-algorithm", p->hash_alg);
		if (p->has_client_id)
			json_object_set_new(o, "client-id", json_integer((json_int_t)p->client_id));
		jbytes(o, "manufacturing-configuration", p->mfg_config);
		if (p->ext_present)
			json_object_set_new(o, "extension-devices", json_integer(p->next));
		for (unsigned i = 0; i < p->nsw; i++) {
			json_t *c = json_object();

			jstr(c, "measurement-type", p->sw[i].type);
			jbytes(c, "measurement-value", p->sw[i].meas);
			jstr(c, "version", p->sw[i].version);
			jbytes(c, "signer-id", p->sw[i].signer);
			jstr(c, "hash-algo-id", p->sw[i].hash_alg);
			json_array_append_new(sw, c);
		}
		json_object_set_new(o, "sw-components", sw);
		json_object_set_new(o, "unknown-claims",
				    unknown_json(p->unknown_keys, p->nunknown_keys, p->unknown));
		json_object_set_new(root, "platform", o);
	}
	if (t->realm.cose.present) {
		const struct att_realm_token *r = &t->realm;
		json_t *o = json_object(), *rems = json_array();

		json_object_set_new(o, "alg", json_string(alg_name(r->cose.alg)));
		jstr(o, "profile", r->profile);
		jbytes(o, "challenge", r->challenge);
		jbytes(o, "personalization-value", r->rpv);
		jbytes(o, "rak-public-key", r->rak);
		json_object_set_new(o, "rak-format",
				    json_string(r->rak_raw ? "raw-point" : "cose-key"));
		jstr(o, "rak-hash-algorithm", r->rak_hash_alg);
		jstr(o, "hash-algorithm", r->hash_alg);
		jbytes(o, "initial-measurement", r->rim);
		for (unsigned i = 0; i < r->nrem && i < ATT_NUM_REMS; i++) {
			json_t *tmp = json_object();

			jbytes(tmp, "v", r->rem[i]);
			json_array_append(rems, json_object_get(tmp, "v"));
			json_decref(tmp);
		}
		json_object_set_new(o, "extensible-measurements", rems);
		jbytes(o, "realm-instance-id", r->inst_id);
		if (r->mec_text.p)
			jstr(o, "mec-policy", r->mec_text);
		else if (r->has_mec)
			json_object_set_new(o, "mec-policy",
					    json_integer((json_int_t)r->mec_policy));
		if (r->has_lfa)
			json_object_set_new(o, "lfa-policy",
					    json_integer((json_int_t)r->lfa_policy));
		jbytes(o, "devices-token-hash", r->dev_hash);
		json_object_set_new(o, "unknown-claims",
				    unknown_json(r->unknown_keys, r->nunknown_keys, r->unknown));
		json_object_set_new(root, "realm", o);
	}
	return root;
}

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}

/* Read and decode FILE; on failure prints the error and returns the exit status. */
static int load_token(const char *cmd, const char *path, struct att_token *t, uint8_t **raw,
		      bool json)
{
	size_t len, blen;
	uint8_t *in = read_file(path, &len);
	char err[256], esc[128];

	*raw = NULL;
	if (!in) {
		cli_error(cmd, "%s: %s", cli_escape(esc, sizeof(esc), path), strerror(errno));
		return CLI_EXIT_USAGE;
	}
	if (!att_read_input(in, len, raw, &blen)) {
		free(in);
		cli_error(cmd, "out of memory");
		return CLI_EXIT_USAGE;
	}
	if (!att_decode(*raw, blen, t, err, sizeof(err))) {
		/* Not decoded from hex/base64 (the bytes are as read), yet all text. */
		bool text = len > 0 && blen == len && !memcmp(*raw, in, len);

		/* Printable text that was neither hex nor base64: say so, not "bad CBOR". */
		for (size_t i = 0; i < len && text; i++)
			text = (in[i] >= 0x20 && in[i] < 0x7f) || in[i] == '\n' || in[i] == '\r' ||
			       in[i] == '\t';
		if (text)
			snprintf(err, sizeof(err),
				 "text, but not the hex or base64 of a CBOR token");
		free(in);
		if (json) {
			json_t *j = json_pack("{s:s, s:s}", "verdict", "malformed", "error", err);

			print_json(j);
		}
		cli_error(cmd, "%s: %s", cli_escape(esc, sizeof(esc), path), err);
		free(*raw);
		*raw = NULL;
		return EXIT_MALFORMED;
	}
	free(in);
	return CLI_EXIT_OK;
}

/* ---- verify ---- */

static int verify_main(const char *file, const char *cpak, const char *refvals,
		       const char *challenge, bool json)
{
	struct att_token t;
	struct att_anchor *anchors = NULL;
	unsigned nanchors = 0;
	struct att_refvals rv;
	struct att_verify_opts o = {0};
	struct att_report r;
	uint8_t ch[64], *raw;
	size_t chl = 0;
	char err[256];
	int st;

	if (challenge &&
	    (!att_hex_decode(challenge, strlen(challenge), ch, sizeof(ch), &chl) || !chl)) {
		cli_error("token", "--challenge: not 1 to 64 bytes of hex");
		return CLI_EXIT_USAGE;
	}
	if (!att_anchors_load(cpak, &anchors, &nanchors, err, sizeof(err))) {
		cli_error("token", "--cpak %s", err);
		return CLI_EXIT_USAGE;
	}
	if (refvals && !att_refvals_load(refvals, &rv, err, sizeof(err))) {
		cli_error("token", "--refvals %s", err);
		att_anchors_free(anchors, nanchors);
		return CLI_EXIT_USAGE;
	}
	st = load_token("token", file, &t, &raw, json);
	if (st) {
		att_anchors_free(anchors, nanchors);
		if (refvals)
			att_refvals_free(&rv);
		return st;
	}
	o.anchors = anchors;
	o.nanchors = nanchors;
	o.refvals = refvals ? &rv : NULL;
	o.challenge = challenge ? ch : NULL;
	o.challenge_len = chl;
	att_verify(&t, &o, &r);
	st = CLI_EXIT_OK;
	{
		static const struct {
			enum att_check c;
			int code;
		} order[] = {
			{ATT_CHECK_PLATFORM_PROFILE, EXIT_MALFORMED},
			{ATT_CHECK_REALM_PROFILE, EXIT_MALFORMED},
			{ATT_CHECK_PLATFORM_SIGNATURE, EXIT_SIGNATURE},
			{ATT_CHECK_REALM_SIGNATURE, EXIT_SIGNATURE},
			{ATT_CHECK_BINDING, EXIT_BINDING},
			{ATT_CHECK_CHALLENGE, EXIT_CHALLENGE},
			{ATT_CHECK_PLATFORM_REFVALS, EXIT_REFVALS},
			{ATT_CHECK_REALM_REFVALS, EXIT_REFVALS},
			{ATT_CHECK_IDENTITY, CLI_EXIT_FAILED},
		};

		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) && !st; i++)
			if (r.check[order[i].c].verdict == ATT_FAIL)
				st = order[i].code;
	}
	if (json) {
		json_t *j = json_object(), *checks = json_array();

		for (unsigned i = 0; i < ATT_CHECK_COUNT; i++) {
			static const char *const v[] = {"skipped", "pass", "fail"};

			if (r.check[i].verdict == ATT_SKIPPED && !r.check[i].detail[0])
				continue;
			json_array_append_new(checks, json_pack("{s:s, s:s, s:s}", "check",
								att_check_name(i), "verdict",
								v[r.check[i].verdict], "detail",
								r.check[i].detail));
		}
		json_object_set_new(j, "checks", checks);
		json_object_set_new(j, "verdict", json_string(r.ok ? "pass" : "fail"));
		json_object_set_new(j, "exit", json_integer(st));
		print_json(j);
	} else {
		for (unsigned i = 0; i < ATT_CHECK_COUNT; i++) {
			static const char *const v[] = {"SKIP", "PASS", "FAIL"};

			if (r.check[i].verdict == ATT_SKIPPED && !r.check[i].detail[0])
				continue;
			printf("%-4s %-26s %s\n", v[r.check[i].verdict], att_check_name(i),
			       r.check[i].detail);
		}
		printf("%s\n", r.ok ? "VERIFIED" : "NOT VERIFIED");
	}
	att_token_free(&t);
	free(raw);
	att_anchors_free(anchors, nanchors);
	if (refvals)
		att_refvals_free(&rv);
	return st;
}

int cmd_token(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"cpak", required_argument, NULL, 'k'},
		{"refvals", required_argument, NULL, 'r'},
		{"challenge", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *cpak = NULL, *refvals = NULL, *challenge = NULL, *sub;
	bool json = false;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'k':
			cpak = optarg;
			break;
		case 'r':
			refvals = optarg;
			break;
		case 'c':
			challenge = optarg;
			break;
		case 'h':
			token_usage(stdout);
			return CLI_EXIT_OK;
		default:
			cli_option_error("token", opt, argv, opts);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		token_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	sub = argv[optind++];
	if (optind != argc - 1) {
		cli_error("token", "%s takes one FILE", sub);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(sub, "show")) {
		struct att_token t;
		uint8_t *raw;
		int st;

		if (cpak || refvals || challenge) {
			cli_error("token", "show takes only --json");
			return CLI_EXIT_USAGE;
		}
		st = load_token("token", argv[optind], &t, &raw, false);
		if (st)
			return st;
		if (json)
			print_json(token_json(&t));
		else
			show_text(&t);
		att_token_free(&t);
		free(raw);
		return CLI_EXIT_OK;
	}
	if (!strcmp(sub, "verify")) {
		if (!cpak) {
			cli_error("token", "verify needs --cpak KEY (the platform's trust anchor)");
			return CLI_EXIT_USAGE;
		}
		return verify_main(argv[optind], cpak, refvals, challenge, json);
	}
	cli_error("token", "unknown subcommand '%s' (show, verify)", sub);
	return CLI_EXIT_USAGE;
}
