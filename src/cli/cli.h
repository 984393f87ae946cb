/* SPDX-License-Identifier: MIT */
/*
 * The `realmkit` command: its subcommands and the helpers they share.
 *
 * A subcommand is a function called with argv[0] = its name and the words
 * after it; it parses its own options with getopt_long (main() resets getopt
 * first), answers --help/-h on stdout, and returns the exit status.
 */
#ifndef REALMKIT_CLI_CLI_H
#define REALMKIT_CLI_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help; /* one line, for `realmkit help` */
};

/* Exit statuses every subcommand uses. */
#define CLI_EXIT_OK       0
#define CLI_EXIT_FAILED   1 /* the input was wrong or an action failed */
#define CLI_EXIT_USAGE    2 /* bad options, unreadable file, machine not set up */
#define CLI_EXIT_EXPECTED 3 /* a result other than the one expected */

int cmd_rmi(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_platform(int argc, char **argv);

/*
 * "realmkit CMD: message" on stderr, after flushing stdout so that
 * `>log 2>&1` keeps the order in which lines were produced.
 */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Report what getopt_long() returned for a bad option (':' or '?') as
 * "--name needs a value", "--name takes no value" or "unknown option ...".
 * Call right after getopt_long(), with the same argv and long options.
 */
void cli_option_error(const char *cmd, int c, char *const *argv, const struct option *longopts);

/*
 * @s made safe to print: printable ASCII is copied, anything else (control
 * characters, escape sequences, bytes >= 0x80) becomes \xNN, and text that
 * does not fit in @size ends in "...".  Returns @buf.
 */
const char *cli_escape(char *buf, size_t size, const char *s);

/*
 * A number at the start of @s: decimal digits, or 0x and hex digits (no
 * sign, no spaces).  0 with *@end after the last digit; -EINVAL if @s does
 * not start with one, -ERANGE if it does not fit in 64 bits.
 */
int cli_parse_number(const char *s, const char **end, uint64_t *v);

/*
 * A size: a number of bytes (decimal or 0x-hex) with an optional K, M, G or
 * T suffix (binary: 2G is 2^31).  0 on success; -EINVAL if @s is not a size
 * (empty, negative, junk), -ERANGE if it does not fit in 64 bits.
 */
int cli_parse_size(const char *s, uint64_t *v);

#endif
