// SPDX-License-Identifier: MIT
/* Helpers shared by the subcommands of `realmkit`. */
#include "cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "realmkit%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *cli_escape(char *buf, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (!size)
		return buf;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t need = c >= 0x20 && c < 0x7f ? 1 : 4;

		/* Keep room for "..." and the terminator. */
		if (n + need + 4 > size) {
			if (n + 4 <= size) {
				memcpy(buf + n, "...", 3);
				n += 3;
			}
			break;
		}
		if (need == 1) {
			buf[n++] = (char)c;
		} else {
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 0xf];
		}
	}
	buf[n] = 0;
	return buf;
}

void cli_option_error(const char *cmd, int c, char *const *argv, const struct option *longopts)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	char name[64], esc[96];
	size_t len;

	if (c == ':') {
		/* Missing argument: the option is the last word getopt took. */
		if (optopt && (optopt != '?') && arg[0] == '-' && arg[1] != '-')
			cli_error(cmd, "-%c needs a value", optopt);
		else
			cli_error(cmd, "%s needs a value", cli_escape(esc, sizeof(esc), arg));
		return;
	}
	if (strncmp(arg, "--", 2) != 0) {
		char opt[2] = { (char)optopt, 0 };

		cli_error(cmd, "unknown option '-%s'", cli_escape(esc, sizeof(esc), opt));
		return;
	}
	/* "--name=value" for an option that takes none, or an unknown "--name". */
	len = strcspn(arg + 2, "=");
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, arg + 2, len);
	name[len] = 0;
	for (const struct option *o = longopts; o && o->name; o++)
		if (arg[2 + len] == '=' && !strncmp(o->name, name, len) &&
		    o->has_arg == no_argument) {
			cli_error(cmd, "--%s takes no value", o->name);
			return;
		}
	cli_error(cmd, "unknown option '--%s'", cli_escape(esc, sizeof(esc), name));
}

int cli_parse_number(const char *s, const char **end, uint64_t *v)
{
	unsigned base = 10;
	uint64_t n = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!(base == 16 ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)))
		return -EINVAL;
	for (; base == 16 ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p); p++) {
		unsigned d = isdigit((unsigned char)*p)
				     ? (unsigned)(*p - '0')
				     : (unsigned)(tolower((unsigned char)*p) - 'a' + 10);

		if (n > (UINT64_MAX - d) / base)
			return -ERANGE;
		n = n * base + d;
	}
	*end = p;
	*v = n;
	return 0;
}

int cli_parse_size(const char *s, uint64_t *v)
{
	static const char suffixes[] = "KMGT";
	const char *end, *sfx;
	unsigned shift;
	uint64_t n;
	int ret = cli_parse_number(s, &end, &n);

	if (ret)
		return ret;
	if (*end) {
		sfx = strchr(suffixes, toupper((unsigned char)*end));
		if (!sfx || end[1])
			return -EINVAL;
		shift = 10 * (unsigned)(sfx - suffixes + 1);
		if (n > UINT64_MAX >> shift)
			return -ERANGE;
		n <<= shift;
	}
	*v = n;
	return 0;
}
