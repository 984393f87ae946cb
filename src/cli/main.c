// SPDX-License-Identifier: MIT
/*
 * The `realmkit` command: global options, then one subcommand from the
 * table below.  A new subcommand is one function and one row.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef REALMKIT_VERSION
#define REALMKIT_VERSION "unknown"
#endif

static int cmd_help(int argc, char **argv);

static const struct cli_command commands[] = {
	{ "rmi", cmd_rmi, "run an RMI script against a fresh simulated machine and software RMM" },
	{ "measure", cmd_measure, "the RIM and REMs a launch will produce, and reference values" },
	{ "run", cmd_run, "launch a realm from images (none: the demo realm) as kvmtool does" },
	{ "token", cmd_token, "show or verify a CCA attestation token (realmkit's or real firmware's)" },
	{ "platform", cmd_platform, "the simulated CCA platform's identity: show, init, export-cpak" },
	{ "help", cmd_help, "list the commands, or describe one: realmkit help COMMAND" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("usage: realmkit [--version] [--help] COMMAND [options] [arguments]\n"
	      "\n"
	      "commands:\n",
	      f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fputs("\n"
	      "'realmkit help COMMAND' or 'realmkit COMMAND --help' describes a command.\n",
	      f);
}

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	char esc[96];

	cli_error(NULL, "unknown command '%s' (the commands: realmkit help)",
		  cli_escape(esc, sizeof(esc), name));
	return CLI_EXIT_USAGE;
}

static int cmd_help(int argc, char **argv)
{
	const struct cli_command *c;
	char help[] = "--help";
	char *hargv[3];

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		argc = 1;
	if (argc > 2) {
		cli_error("help", "one command at a time");
		return CLI_EXIT_USAGE;
	}
	if (argc < 2) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c)
		return unknown_command(argv[1]);
	if (c->run == cmd_help) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	hargv[0] = argv[1];
	hargv[1] = help;
	hargv[2] = NULL;
	optind = 0;
	return c->run(2, hargv);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *c;
	int opt;

	opterr = 0;
	/* '+': stop at the command name; its options are its own. */
	while ((opt = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		case 'V':
			printf("realmkit %s\n", REALMKIT_VERSION);
			return CLI_EXIT_OK;
		default:
			cli_option_error(NULL, opt, argv, opts);
			usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	c = find_command(argv[optind]);
	if (!c)
		return unknown_command(argv[optind]);
	argc -= optind;
	argv += optind;
	optind = 0; /* glibc: start afresh for the subcommand's getopt_long() */
	return c->run(argc, argv);
}
