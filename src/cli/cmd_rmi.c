// SPDX-License-Identifier: MIT
/* `realmkit rmi`: options, reading the script, running it (rmi_script.c). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/rmi_script.h"

extern const char realmkit_default_rmi[];

static void rmi_usage(FILE *f)
{
	fputs("usage: realmkit rmi [options] [FILE | -]\n"
	      "\n"
	      "Run an RMI script against a fresh simulated machine: DRAM and a software RMM.\n"
	      "With no FILE, the embedded example (examples/realm-basic.rmi); '-' reads stdin.\n"
	      "The language and the output formats: docs/RMI-SCRIPTS.md.\n"
	      "\n"
	      "options:\n"
	      "  --dram-size SIZE   simulated DRAM in bytes, a multiple of 4 KiB: decimal or\n"
	      "                     0x-hex, optionally with a K, M, G or T suffix (default 1G)\n"
	      "  --dram-base PA     where DRAM starts, 4 KiB-aligned (default 0x80000000)\n"
	      "  --check            check the RMM's invariants after every call (its cost grows\n"
	      "                     with the DRAM size: docs/RMI-SCRIPTS.md)\n"
	      "  --rmm VERSION      the RMM the machine boots: 1.0 (default) or 2.0 (docs/RMM2.md)\n"
	      "  --json             one JSON object per result instead of text\n"
	      "  --expect-success   a call must return SUCCESS unless an 'expect' line follows it\n"
	      "  --print-default    print the embedded example and exit\n"
	      "  -h, --help         this text\n"
	      "\n"
	      "exit status: 0 done; 1 a malformed line or a failed action; 2 bad options, an\n"
	      "unreadable file or no machine; 3 an RMI result other than the one expected.\n",
	      f);
}

/* Read all of @f; *len excludes the terminating NUL added after the text. */
static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);

	while (buf) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (got == 0)
			break;
		if (cap - n - 1 == 0) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf && ferror(f)) {
		int saved = errno;

		free(buf);
		errno = saved ? saved : EIO;
		return NULL;
	}
	if (buf)
		buf[n] = 0;
	*len = n;
	return buf;
}

static int size_option(const char *opt, const char *arg, uint64_t *v)
{
	char esc[96];
	int ret;

	if (!*arg) {
		cli_error("rmi", "%s needs a value", opt);
		return -1;
	}
	ret = cli_parse_size(arg, v);
	if (ret == -ERANGE)
		cli_error("rmi", "%s: '%s' is too large (at most 2^64 - 1 bytes)", opt,
			  cli_escape(esc, sizeof(esc), arg));
	else if (ret)
		cli_error("rmi",
			  "%s: '%s' is not a size (bytes, decimal or 0x-hex, optionally followed "
			  "by K, M, G or T)",
			  opt, cli_escape(esc, sizeof(esc), arg));
	return ret ? -1 : 0;
}

/* The machine the options describe must be one pas_create() can build. */
static int check_dram(const struct rmi_script_opts *o)
{
	if (!o->dram_size) {
		cli_error("rmi", "--dram-size: DRAM cannot be empty");
		return -1;
	}
	if (o->dram_size % 4096) {
		cli_error("rmi",
			  "--dram-size: 0x%llx bytes is not a multiple of 4 KiB (the granule size)",
			  (unsigned long long)o->dram_size);
		return -1;
	}
	if (o->dram_base % 4096) {
		cli_error("rmi", "--dram-base: 0x%llx is not 4 KiB-aligned",
			  (unsigned long long)o->dram_base);
		return -1;
	}
	if (o->dram_base + o->dram_size < o->dram_base) {
		cli_error("rmi",
			  "--dram-base 0x%llx + --dram-size 0x%llx runs past the top of the 64-bit "
			  "physical address space",
			  (unsigned long long)o->dram_base, (unsigned long long)o->dram_size);
		return -1;
	}
	return 0;
}

static char *read_script(const char *file, size_t *len)
{
	char esc[256];
	struct stat st;
	char *text;
	FILE *f;

	if (!strcmp(file, "-"))
		return read_all(stdin, len);
	f = fopen(file, "r");
	if (!f) {
		cli_error("rmi", "cannot open '%s': %s", cli_escape(esc, sizeof(esc), file),
			  strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_error("rmi", "'%s' is a directory, not a script",
			  cli_escape(esc, sizeof(esc), file));
		fclose(f);
		return NULL;
	}
	text = read_all(f, len);
	if (!text)
		cli_error("rmi", "cannot read '%s': %s", cli_escape(esc, sizeof(esc), file),
			  strerror(errno));
	fclose(f);
	return text;
}

int cmd_rmi(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dram-size", required_argument, NULL, 's' },
		{ "dram-base", required_argument, NULL, 'b' },
		{ "check", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "expect-success", no_argument, NULL, 'e' },
		{ "print-default", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "rmm", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct rmi_script_opts o;
	const char *file = NULL;
	char esc[2][256];
	size_t len;
	char *text;
	int opt, ret;

	rmi_script_default_opts(&o);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (size_option("--dram-size", optarg, &o.dram_size) < 0)
				return CLI_EXIT_USAGE;
			break;
		case 'b':
			if (size_option("--dram-base", optarg, &o.dram_base) < 0)
				return CLI_EXIT_USAGE;
			break;
		case 'c':
			o.check_invariants = 1;
			break;
		case 'r':
			if (strcmp(optarg, "1.0") && strcmp(optarg, "2.0")) {
				cli_error("rmi", "--rmm: '%s' is not an RMM version (1.0 or 2.0)",
					  cli_escape(esc[0], sizeof(esc[0]), optarg));
				return CLI_EXIT_USAGE;
			}
			o.plat.rmi_v2 = !strcmp(optarg, "2.0");
			break;
		case 'j':
			o.json = 1;
			break;
		case 'e':
			o.expect_success = 1;
			break;
		case 'p':
			fputs(realmkit_default_rmi, stdout);
			return CLI_EXIT_OK;
		case 'h':
			rmi_usage(stdout);
			return CLI_EXIT_OK;
		default:
			cli_option_error("rmi", opt, argv, opts);
			fputs("(realmkit rmi --help lists the options)\n", stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind < argc) {
		cli_error("rmi", "one script at a time: '%s' and '%s'",
			  cli_escape(esc[0], sizeof(esc[0]), file),
			  cli_escape(esc[1], sizeof(esc[1]), argv[optind]));
		return CLI_EXIT_USAGE;
	}
	if (check_dram(&o) < 0)
		return CLI_EXIT_USAGE;
	if (!file)
		return rmi_script_run(realmkit_default_rmi, strlen(realmkit_default_rmi),
				      "<default>", &o, stdout, stderr);
	text = read_script(file, &len);
	if (!text)
		return CLI_EXIT_USAGE;
	ret = rmi_script_run(text, len, strcmp(file, "-") ? file : "<stdin>", &o, stdout, stderr);
	free(text);
	return ret;
}
