/* SPDX-License-Identifier: MIT */
/*
 * RMI scripts: a plain-text sequence of host actions (write NS memory,
 * issue RMI commands, print measurements) run against a fresh simulated
 * machine.  Output is deterministic so two RMM implementations can be
 * diffed.  The language is documented in docs/RMI-SCRIPTS.md.
 */
#ifndef REALMKIT_CLI_RMI_SCRIPT_H
#define REALMKIT_CLI_RMI_SCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rmm/rmm.h"

struct rmi_script_opts {
	uint64_t dram_base;
	uint64_t dram_size;
	struct rmm_platform plat;
	int check_invariants; /* check RMM invariants after every call */
	int json;             /* results as JSON objects, one per line */
	int expect_success;   /* a call must return SUCCESS unless `expect` follows it */
};

void rmi_script_default_opts(struct rmi_script_opts *o);

/*
 * Run the @len bytes at @text (named @name in messages).  Results go to
 * @out, errors to @err (after flushing @out, so the two interleave in
 * order).  Returns 0 on success, 1 if a line was malformed or an action
 * failed (the message names the line), 2 if the machine could not be set
 * up, 3 if a call's result was not the one expected (`expect`,
 * opts->expect_success).
 */
int rmi_script_run(const char *text, size_t len, const char *name,
		   const struct rmi_script_opts *opts, FILE *out, FILE *err);

/* Name of an RMI command for scripts (spec name without RMI_), or NULL. */
const char *rmi_command_name(uint64_t fid);

#endif
