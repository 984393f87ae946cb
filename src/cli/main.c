// SPDX-License-Identifier: MIT
/* The `realmkit` command. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/rmi_script.h"

extern const char realmkit_default_rmi[];

static void usage(FILE *f)
{
	fputs("usage: realmkit <command> [options]\n"
	      "\n"
	      "commands:\n"
	      "  rmi [options] [FILE]   run an RMI script against a fresh software RMM\n"
	      "                         (no FILE: the embedded example that builds a realm\n"
	      "                          and prints its measurements; '-' reads stdin)\n"
	      "      --dram-size N      simulated DRAM size in bytes (default 1 GiB)\n"
	      "      --dram-base PA     simulated DRAM base (default 0x80000000)\n"
	      "      --check            check RMM invariants after every call\n"
	      "      --print-default    print the embedded example script and exit\n"
	      "  help                   this text\n",
	      f);
}

static char *read_all(FILE *f)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);

	while (buf) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		len += n;
		if (n == 0)
			break;
		if (cap - len - 1 == 0) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf)
		buf[len] = 0;
	if (buf && (ferror(f) || memchr(buf, 0, len))) {
		free(buf);
		errno = ferror(f) ? EIO : EINVAL;
		return NULL;
	}
	return buf;
}

static int parse_size(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		*v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		*v <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		*v <<= 30, end++;
	return *end ? -1 : 0;
}

static int cmd_rmi(int argc, char **argv)
{
	struct rmi_script_opts o;
	const char *file = NULL;
	char *text;
	int ret;

	rmi_script_default_opts(&o);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if ((!strcmp(a, "--dram-size") || !strcmp(a, "--dram-base")) && i + 1 < argc) {
			uint64_t v;

			if (parse_size(argv[++i], &v) < 0) {
				fprintf(stderr, "realmkit rmi: %s: bad number '%s'\n", a, argv[i]);
				return 2;
			}
			*(a[7] == 's' ? &o.dram_size : &o.dram_base) = v;
		} else if (!strcmp(a, "--check")) {
			o.check_invariants = 1;
		} else if (!strcmp(a, "--print-default")) {
			fputs(realmkit_default_rmi, stdout);
			return 0;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "realmkit rmi: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		} else if (file) {
			fprintf(stderr, "realmkit rmi: only one script file, got '%s' and '%s'\n",
				file, a);
			return 2;
		} else {
			file = a;
		}
	}
	if (!file)
		return rmi_script_run(realmkit_default_rmi, "<default>", &o, stdout, stderr);
	if (!strcmp(file, "-")) {
		text = read_all(stdin);
		file = "<stdin>";
	} else {
		FILE *f = fopen(file, "r");

		if (!f) {
			fprintf(stderr, "realmkit rmi: cannot open '%s': %s\n", file,
				strerror(errno));
			return 2;
		}
		text = read_all(f);
		fclose(f);
	}
	if (!text) {
		fprintf(stderr, "realmkit rmi: cannot read '%s': %s\n", file, strerror(errno));
		return 2;
	}
	ret = rmi_script_run(text, file, &o, stdout, stderr);
	free(text);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "rmi"))
		return cmd_rmi(argc - 2, argv + 2);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "realmkit: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
