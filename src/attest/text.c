// SPDX-License-Identifier: MIT
/* Hex and base64 for token files, keys and reference values. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool att_hex_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
	if (n % 2 || n / 2 > cap)
		return false;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*outlen = n / 2;
	return true;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

bool att_b64_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;

	while (n && s[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		int v = b64val((unsigned char)s[i]);

		if (v < 0)
			return false;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return false;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* The leftover bits of the last character must be zero (canonical input). */
	if (acc & ((1U << bits) - 1))
		return false;
	*outlen = o;
	return true;
}

void att_hex(const uint8_t *b, size_t len, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * len] = 0;
}

void att_b64url(const uint8_t *b, size_t len, char *out)
{
	static const char d[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)b[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= (uint32_t)b[i + 1] << 8;
		if (left > 2)
			v |= b[i + 2];
		out[o++] = d[v >> 18];
		out[o++] = d[(v >> 12) & 63];
		if (left > 1)
			out[o++] = d[(v >> 6) & 63];
		if (left > 2)
			out[o++] = d[v & 63];
	}
	out[o] = 0;
}

static bool is_space(int c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/*
 * A token file is binary CBOR, or its hex or base64 text (whitespace
 * allowed anywhere).  Binary CBOR of a token starts with a tag or array
 * byte (0xc0..0xdf, 0x80..0x9f), which is never a text character.
 */
bool att_read_input(const uint8_t *in, size_t inlen, uint8_t **out, size_t *outlen)
{
	char *txt;
	size_t n = 0;
	bool text = inlen > 0;

	for (size_t i = 0; i < inlen && text; i++)
		if (!(isalnum(in[i]) || is_space(in[i]) || strchr("+/=-_", in[i])) || !in[i])
			text = false;
	*out = malloc(inlen ? inlen : 1);
	if (!*out)
		return false;
	if (!text) {
		memcpy(*out, in, inlen);
		*outlen = inlen;
		return true;
	}
	txt = malloc(inlen);
	if (!txt) {
		free(*out);
		return false;
	}
	for (size_t i = 0; i < inlen; i++)
		if (!is_space(in[i]))
			txt[n++] = (char)in[i];
	if (att_hex_decode(txt, n, *out, inlen, outlen) ||
	    att_b64_decode(txt, n, *out, inlen, outlen)) {
		free(txt);
		return true;
	}
	free(txt);
	/* Not text after all: the bytes as they are. */
	memcpy(*out, in, inlen);
	*outlen = inlen;
	return true;
}
