// SPDX-License-Identifier: MIT
/*
 * `realmkit platform show|init|export-cpak`: the simulated CCA platform's
 * identity (docs/ATTESTATION.md, "The platform"): its CPAK in a state
 * directory, the claims its platform token carries, the public key and
 * reference values a verifier needs.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "attest/attest.h"
#include "attest/refvals.h"
#include "cli/cli.h"

static void platform_usage(FILE *f)
{
	fputs("usage: realmkit platform init [--force] [--platform-dir DIR]\n"
	      "       realmkit platform show [--json] [--refvals] [--platform-dir DIR | "
	      "--platform-key PEM]\n"
	      "       realmkit platform export-cpak [--format pem|jwk|ta-store] [--platform-dir "
	      "DIR |\n"
	      "                                     --platform-key PEM]\n"
	      "\n"
	      "init creates a new CPAK (CCA Platform Attestation Key, EC P-384) in DIR/cpak.pem\n"
	      "(mode 0600).  show prints the identity the platform token carries; --refvals\n"
	      "prints the platform reference values (docs/ATTESTATION.md format) instead.\n"
	      "export-cpak prints the public key: PEM, JWK, or a trust-anchor store entry\n"
	      "(JWK with implementation and instance IDs) for `token verify --cpak`.\n"
	      "Without a key in DIR or --platform-key, show and export-cpak use the default\n"
	      "identity (a published, non-secret key; docs/ATTESTATION.md).\n"
	      "\n"
	      "options:\n"
	      "  --platform-dir DIR  default $XDG_DATA_HOME/realmkit/platform\n"
	      "                      (~/.local/share/realmkit/platform)\n"
	      "  --platform-key PEM  a P-384 private key file instead of DIR/cpak.pem\n"
	      "  --force             init: replace an existing key\n"
	      "  --json, --refvals, --format   see above\n"
	      "  -h, --help          this text\n"
	      "\n"
	      "exit status: 0 done; 1 the key file is damaged, foreign or not writable;\n"
	      "2 bad options.\n",
	      f);
}

static void default_dir(char *out, size_t n)
{
	const char *x = getenv("XDG_DATA_HOME"), *h = getenv("HOME");

	if (x && *x)
		snprintf(out, n, "%s/realmkit/platform", x);
	else
		snprintf(out, n, "%s/.local/share/realmkit/platform", h && *h ? h : ".");
}

static int mkdirs(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0700) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(tmp, 0700) && errno != EEXIST ? -1 : 0;
}

/* The platform from --platform-key, DIR/cpak.pem, or the default identity. */
static int load_platform(const char *dir, const char *key, struct att_platform *p,
			 const char **source)
{
	static char path[4200];
	char err[512];
	EVP_PKEY *k = NULL;

	if (!key) {
		snprintf(path, sizeof(path), "%s/cpak.pem", dir);
		if (access(path, F_OK) == 0)
			key = path;
	}
	if (key) {
		k = att_load_private_pem(key, err, sizeof(err));
		if (!k) {
			cli_error("platform", "%s", err);
			return CLI_EXIT_FAILED;
		}
		*source = key;
	} else {
		*source = NULL;
	}
	if (!att_platform_init(p, k)) {
		cli_error("platform", "could not set up the platform identity");
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}

static void platform_refvals(const struct att_platform *p, struct att_refvals *rv)
{
	struct att_rv_platform *e = att_refvals_add_platform(rv);

	if (!e)
		return;
	att_rv_set(&e->impl_id, p->impl_id, sizeof(p->impl_id));
	att_rv_set(&e->config, p->config, p->config_len);
	for (unsigned i = 0; i < p->nsw && i < ATT_RV_MAX_SWCOMP; i++) {
		snprintf(e->sw[i].type, sizeof(e->sw[i].type), "%s", p->sw[i].type);
		snprintf(e->sw[i].version, sizeof(e->sw[i].version), "%s", p->sw[i].version);
		att_rv_set(&e->sw[i].meas, p->sw[i].meas, p->sw[i].meas_len);
		att_rv_set(&e->sw[i].signer, p->sw[i].signer, p->sw[i].signer_len);
	}
	e->nsw = p->nsw;
}

/* Hex of @b, malloc'd; "" (static) when out of memory, so it can always be printed. */
static char none[1];

static char *hexs(const uint8_t *b, size_t n)
{
	char *h = malloc(2 * n + 1);

	if (!h)
		return none;
	att_hex(b, n, h);
	return h;
}

static void hfree(char *h)
{
	if (h != none)
		free(h);
}

static void show(const struct att_platform *p, const char *source, bool json)
{
	char *impl = hexs(p->impl_id, sizeof(p->impl_id)),
	     *inst = hexs(p->inst_id, sizeof(p->inst_id));
	char *cfg = hexs(p->config, p->config_len), *jwk = att_jwk(p->cpak);
	const char *prof =
		p->profile == ATT_PLAT_SSD ? ATT_PROFILE_PLAT_SSD : ATT_PROFILE_PLAT_2023;

	if (json) {
		json_t *o = json_object(), *sw = json_array();

		json_object_set_new(o, "key", source ? json_string(source) : json_null());
		json_object_set_new(o, "profile", json_string(prof));
		json_object_set_new(o, "implementation-id", json_string(impl));
		json_object_set_new(o, "instance-id", json_string(inst));
		json_object_set_new(o, "lifecycle", json_integer(p->lifecycle));
		json_object_set_new(o, "platform-configuration", json_string(cfg));
		json_object_set_new(o, "hash-algorithm", json_string(att_hash_name(p->hash)));
		json_object_set_new(o, "verification-service", json_string(p->vsv));
		json_object_set_new(o, "cpak", jwk ? json_loads(jwk, 0, NULL) : json_null());
		for (unsigned i = 0; i < p->nsw; i++) {
			char *m = hexs(p->sw[i].meas, p->sw[i].meas_len);
			char *s = hexs(p->sw[i].signer, p->sw[i].signer_len);

			json_array_append_new(sw, json_pack("{s:s, s:s, s:s, s:s}",
							    "component-type", p->sw[i].type,
							    "measurement-value", m, "version",
							    p->sw[i].version, "signer-id", s));
			hfree(m);
			hfree(s);
		}
		json_object_set_new(o, "sw-components", sw);
		{
			char *txt = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

			printf("%s\n", txt ? txt : "{}");
			free(txt);
		}
		json_decref(o);
	} else {
		printf("key:                    %s\n",
		       source ? source : "default identity (published seed; not secret)");
		printf("profile:                %s\n", prof);
		printf("implementation ID:      %s\n", impl);
		printf("instance ID:            %s\n", inst);
		printf("lifecycle:              0x%04x (secured)\n", p->lifecycle);
		printf("platform configuration: %s\n", cfg);
		printf("hash algorithm:         %s\n", att_hash_name(p->hash));
		printf("verification service:   %s\n", p->vsv);
		printf("CPAK (JWK):             %s\n", jwk ? jwk : "?");
		for (unsigned i = 0; i < p->nsw; i++) {
			char *m = hexs(p->sw[i].meas, p->sw[i].meas_len);

			printf("software component %u:   %s %s measurement %s\n", i, p->sw[i].type,
			       p->sw[i].version, m);
			hfree(m);
		}
	}
	hfree(impl);
	hfree(inst);
	hfree(cfg);
	free(jwk);
}

int cmd_platform(int argc, char **argv)
{
	static const struct option opts[] = {
		{"platform-dir", required_argument, NULL, 'd'},
		{"platform-key", required_argument, NULL, 'k'},
		{"json", no_argument, NULL, 'j'},
		{"refvals", no_argument, NULL, 'r'},
		{"format", required_argument, NULL, 'f'},
		{"force", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = NULL, *key = NULL, *format = "pem", *sub, *source;
	bool json = false, refvals = false, force = false;
	char defdir[4096], path[4200], err[512];
	struct att_platform p;
	int opt, st;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'r':
			refvals = true;
			break;
		case 'f':
			format = optarg;
			break;
		case 'F':
			force = true;
			break;
		case 'h':
			platform_usage(stdout);
			return CLI_EXIT_OK;
		default:
			cli_option_error("platform", opt, argv, opts);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		platform_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	sub = argv[optind];
	if (!dir) {
		default_dir(defdir, sizeof(defdir));
		dir = defdir;
	}
	if (!strcmp(sub, "init")) {
		EVP_PKEY *k;

		if (key) {
			cli_error(
				"platform",
				"init writes DIR/cpak.pem; --platform-key is for show/export-cpak");
			return CLI_EXIT_USAGE;
		}
		snprintf(path, sizeof(path), "%s/cpak.pem", dir);
		if (!force && access(path, F_OK) == 0) {
			cli_error("platform", "%s exists (--force replaces it)", path);
			return CLI_EXIT_FAILED;
		}
		if (mkdirs(dir)) {
			cli_error("platform", "%s: %s", dir, strerror(errno));
			return CLI_EXIT_FAILED;
		}
		k = att_p384_generate();
		if (!k || !att_save_private_pem(k, path, err, sizeof(err))) {
			cli_error("platform", "%s", k ? err : "key generation failed");
			EVP_PKEY_free(k);
			return CLI_EXIT_FAILED;
		}
		EVP_PKEY_free(k);
		printf("created %s\n", path);
		return CLI_EXIT_OK;
	}
	if (strcmp(sub, "show") && strcmp(sub, "export-cpak")) {
		cli_error("platform", "unknown subcommand '%s' (show, init, export-cpak)", sub);
		return CLI_EXIT_USAGE;
	}
	st = load_platform(dir, key, &p, &source);
	if (st)
		return st;
	if (!strcmp(sub, "show")) {
		if (refvals) {
			struct att_refvals rv = {0};
			char *txt;

			platform_refvals(&p, &rv);
			txt = att_refvals_write(&rv);
			fputs(txt ? txt : "", stdout);
			free(txt);
			att_refvals_free(&rv);
		} else {
			show(&p, source, json);
		}
	} else if (!strcmp(format, "pem")) {
		PEM_write_PUBKEY(stdout, p.cpak);
	} else if (!strcmp(format, "jwk") || !strcmp(format, "ta-store")) {
		char *jwk = att_jwk(p.cpak);

		if (!strcmp(format, "jwk")) {
			printf("%s\n", jwk ? jwk : "");
		} else {
			char *impl = hexs(p.impl_id, sizeof(p.impl_id));
			char *inst = hexs(p.inst_id, sizeof(p.inst_id));

			printf("[\n  {\n    \"pkey\": %s,\n    \"implementation-id\": \"%s\",\n"
			       "    \"instance-id\": \"%s\"\n  }\n]\n",
			       jwk ? jwk : "null", impl, inst);
			hfree(impl);
			hfree(inst);
		}
		free(jwk);
	} else {
		cli_error("platform", "--format %s: want pem, jwk or ta-store", format);
		st = CLI_EXIT_USAGE;
	}
	att_platform_free(&p);
	return st;
}
