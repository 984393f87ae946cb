// SPDX-License-Identifier: MIT
/*
 * Decoding CCA tokens of every generation: collections (tag 399, CMW tag
 * 907), bare realm and platform COSE_Sign1 tokens.  Every CBOR buffer is
 * first scanned with libcbor's streaming decoder (bounded nesting, no
 * indefinite lengths, no container longer than its input, exactly one item)
 * so that libcbor's tree builder never sees a hostile shape; the trees are
 * then walked for the claims.  Claims are located and type-checked here;
 * their profile rules are verify.c's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "attest/attest.h"
#include "attest/cose.h"

#define MAX_DEPTH      16
#define MAX_TREES      8
#define ATT_MAX_CLAIMS 64
#define MAX_SMALL_MAP  16 /* protected header, COSE_Key, software component, collection */

struct priv {
	cbor_item_t *tree[MAX_TREES];
	unsigned ntrees;
};

struct dctx {
	struct priv *pv;
	char *err;
	size_t errlen;
};

static bool fail(struct dctx *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct dctx *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, d->errlen, fmt, ap);
	va_end(ap);
	return false;
}

/* ---- the pre-scan ---- */

struct scan {
	size_t remaining;	  /* bytes after the current item */
	uint64_t left[MAX_DEPTH]; /* items still to come in each open container */
	unsigned depth;
	const char *why;
	bool started, done;
};

static void consume(struct scan *s)
{
	if (s->depth == 0) {
		if (s->started)
			s->why = s->why ? s->why : "more than one CBOR item";
		s->started = true;
		s->done = true;
		return;
	}
	s->left[s->depth - 1]--;
	while (s->depth && !s->left[s->depth - 1])
		s->depth--;
	if (!s->depth)
		s->done = true;
}

static void open_container(struct scan *s, uint64_t items)
{
	bool top = s->depth == 0;

	if (top && s->started) {
		s->why = s->why ? s->why : "more than one CBOR item";
		return;
	}
	if (!top)
		s->left[s->depth - 1]--;
	s->started = true;
	if (items > s->remaining) {
		s->why = s->why ? s->why : "a container declares more items than the input holds";
		return;
	}
	if (s->depth == MAX_DEPTH) {
		s->why = s->why ? s->why : "nested deeper than 16 levels";
		return;
	}
	if (!items) {
		while (s->depth && !s->left[s->depth - 1])
			s->depth--;
		if (!s->depth)
			s->done = true;
		return;
	}
	s->left[s->depth++] = items;
}

static void sc_any(void *c)
{
	consume(c);
}
static void sc_u8(void *c, uint8_t v)
{
	(void)v;
	consume(c);
}
static void sc_u16(void *c, uint16_t v)
{
	(void)v;
	consume(c);
}
static void sc_u32(void *c, uint32_t v)
{
	(void)v;
	consume(c);
}
static void sc_u64(void *c, uint64_t v)
{
	(void)v;
	consume(c);
}
static void sc_str(void *c, cbor_data d, uint64_t n)
{
	(void)d;
	(void)n;
	consume(c);
}
static void sc_f(void *c, float v)
{
	(void)v;
	consume(c);
}
static void sc_d(void *c, double v)
{
	(void)v;
	consume(c);
}
static void sc_b(void *c, bool v)
{
	(void)v;
	consume(c);
}
static void sc_indef(void *c)
{
	struct scan *s = c;

	s->why = s->why ? s->why : "indefinite-length item";
}
static void sc_array(void *c, uint64_t n)
{
	open_container(c, n);
}
static void sc_map(void *c, uint64_t n)
{
	struct scan *s = c;

	if (n > SIZE_MAX / 2 || 2 * n > s->remaining) {
		s->why = s->why ? s->why : "a map declares more entries than the input holds";
		return;
	}
	open_container(c, 2 * n);
}
static void sc_tag(void *c, uint64_t v)
{
	(void)v;
	open_container(c, 1);
}

static const struct cbor_callbacks scan_cb = {
	.uint8 = sc_u8,
	.uint16 = sc_u16,
	.uint32 = sc_u32,
	.uint64 = sc_u64,
	.negint8 = sc_u8,
	.negint16 = sc_u16,
	.negint32 = sc_u32,
	.negint64 = sc_u64,
	.byte_string_start = sc_indef,
	.byte_string = sc_str,
	.string = sc_str,
	.string_start = sc_indef,
	.indef_array_start = sc_indef,
	.array_start = sc_array,
	.indef_map_start = sc_indef,
	.map_start = sc_map,
	.tag = sc_tag,
	.float2 = sc_f,
	.float4 = sc_f,
	.float8 = sc_d,
	.undefined = sc_any,
	.null = sc_any,
	.boolean = sc_b,
	.indef_break = sc_indef,
};

/* One well-formed CBOR item of a shape libcbor's tree builder handles safely. */
static bool load(struct dctx *d, const uint8_t *buf, size_t len, const char *what,
		 cbor_item_t **out)
{
	struct scan s = {0};
	size_t off = 0;
	struct cbor_load_result r;

	if (!len)
		return fail(d, "%s: empty", what);
	while (off < len && !s.why) {
		struct cbor_decoder_result dr;

		if (s.done)
			return fail(d, "%s: %zu bytes after the end of the CBOR item", what,
				    len - off);
		s.remaining = len - off - 1;
		dr = cbor_stream_decode(buf + off, len - off, &scan_cb, &s);
		if (dr.status == CBOR_DECODER_NEDATA)
			return fail(d, "%s: truncated CBOR (%zu bytes)", what, len);
		if (dr.status != CBOR_DECODER_FINISHED)
			return fail(d, "%s: malformed CBOR at byte %zu", what, off);
		off += dr.read;
	}
	if (s.why)
		return fail(d, "%s: %s", what, s.why);
	if (!s.done)
		return fail(d, "%s: truncated CBOR (%zu bytes)", what, len);
	if (d->pv->ntrees == MAX_TREES)
		return fail(d, "%s: too many nested tokens", what);
	*out = cbor_load(buf, len, &r);
	if (!*out || r.error.code != CBOR_ERR_NONE || r.read != len) {
		if (*out)
			cbor_decref(out);
		return fail(d, "%s: CBOR could not be decoded (out of memory?)", what);
	}
	d->pv->tree[d->pv->ntrees++] = *out;
	return true;
}

/* ---- tree helpers (items are borrowed: their tree lives in priv) ---- */

static const char *type_name(const cbor_item_t *it)
{
	switch (cbor_typeof(it)) {
	case CBOR_TYPE_UINT:
		return "an unsigned integer";
	case CBOR_TYPE_NEGINT:
		return "a negative integer";
	case CBOR_TYPE_BYTESTRING:
		return "a byte string";
	case CBOR_TYPE_STRING:
		return "a text string";
	case CBOR_TYPE_ARRAY:
		return "an array";
	case CBOR_TYPE_MAP:
		return "a map";
	case CBOR_TYPE_TAG:
		return "a tagged item";
	default:
		return "a simple value or float";
	}
}

static cbor_item_t *tag_item(cbor_item_t *t)
{
	cbor_item_t *i = cbor_tag_item(t), *ret = i;

	if (i)
		cbor_decref(&i); /* borrowed: the tag still holds it */
	return ret;
}

static struct att_bytes bytes_of(cbor_item_t *it)
{
	return (struct att_bytes){cbor_bytestring_handle(it) ? cbor_bytestring_handle(it)
							     : (const uint8_t *)"",
				  cbor_bytestring_length(it)};
}

static struct att_str str_of(cbor_item_t *it)
{
	return (struct att_str){cbor_string_handle(it) ? (const char *)cbor_string_handle(it) : "",
				cbor_string_length(it)};
}

/* A map key as an integer; false for other key types. */
static bool int_key(cbor_item_t *k, int64_t *v)
{
	if (cbor_isa_uint(k) && cbor_get_int(k) <= INT64_MAX) {
		*v = (int64_t)cbor_get_int(k);
		return true;
	}
	if (cbor_isa_negint(k) && cbor_get_int(k) <= INT64_MAX) {
		*v = -1 - (int64_t)cbor_get_int(k);
		return true;
	}
	return false;
}

/* ---- claims ---- */

struct claim_def {
	int64_t key;
	const char *name;
	cbor_type type;
	bool text_too; /* a text string is accepted as well (the profile check judges it) */
};

static const struct claim_def realm_claims[] = {
	{ATT_CLAIM_NONCE, "challenge", CBOR_TYPE_BYTESTRING},
	{ATT_CLAIM_RPV, "personalization value", CBOR_TYPE_BYTESTRING},
	{ATT_CLAIM_RAK_PUB, "RAK public key", CBOR_TYPE_BYTESTRING},
	{ATT_CLAIM_RAK_HASH_ALG, "RAK hash algorithm", CBOR_TYPE_STRING},
	{ATT_CLAIM_HASH_ALG, "hash algorithm", CBOR_TYPE_STRING},
	{ATT_CLAIM_RIM, "RIM", CBOR_TYPE_BYTESTRING},
	{ATT_CLAIM_REMS, "REMs", CBOR_TYPE_ARRAY},
	{ATT_CLAIM_PROFILE, "profile", CBOR_TYPE_STRING},
	{ATT_CLAIM_INSTANCE_ID, "realm instance ID", CBOR_TYPE_BYTESTRING},
	/* RMM 2.0: an integer; draft-ffm-rats-cca-token-03 and Veraison's rust-ccatoken: text. */
	{ATT_CLAIM_MEC_POLICY, "MEC policy", CBOR_TYPE_UINT, true},
	{ATT_CLAIM_LFA_POLICY, "LFA policy", CBOR_TYPE_UINT},
	{ATT_CLAIM_DEV_HASH, "devices token hash", CBOR_TYPE_BYTESTRING},
};

static const struct claim_def platform_claims[] = {
	{ATT_CLAIM_PROFILE, "profile", CBOR_TYPE_STRING},
	{ATT_CLAIM_NONCE, "challenge", CBOR_TYPE_BYTESTRING},
	{ATT_CLAIM_IMPL_ID, "implementation ID", CBOR_TYPE_BYTESTRING},
	{ATT_CLAIM_INSTANCE_ID, "instance ID", CBOR_TYPE_BYTESTRING},
	{ATT_CLAIM_CONFIG, "platform configuration", CBOR_TYPE_BYTESTRING},
	{ATT_CLAIM_LIFECYCLE, "lifecycle", CBOR_TYPE_UINT},
	{ATT_CLAIM_SW_COMPS, "software components", CBOR_TYPE_ARRAY},
	{ATT_CLAIM_VSV, "verification service", CBOR_TYPE_STRING},
	{ATT_CLAIM_PLAT_HASH, "platform hash algorithm", CBOR_TYPE_STRING},
	{ATT_CLAIM_CLIENT_ID, "client ID", CBOR_TYPE_UINT},
	{ATT_CLAIM_MFG_CONFIG, "manufacturing configuration", CBOR_TYPE_BYTESTRING},
	{ATT_CLAIM_PLAT_EXT, "platform extension", CBOR_TYPE_ARRAY},
};

const char *att_claim_name(bool realm, int64_t key)
{
	const struct claim_def *t = realm ? realm_claims : platform_claims;
	size_t n = realm ? sizeof(realm_claims) / sizeof(realm_claims[0])
			 : sizeof(platform_claims) / sizeof(platform_claims[0]);

	for (size_t i = 0; i < n; i++)
		if (t[i].key == key)
			return t[i].name;
	return NULL;
}

/* Walk a claims map: each known claim has the right type, no key twice. */
typedef bool (*claim_fn)(struct dctx *d, void *tok, int64_t key, cbor_item_t *v);

static bool walk_claims(struct dctx *d, cbor_item_t *m, const char *which,
			const struct claim_def *defs, size_t ndefs, claim_fn fn, void *tok,
			unsigned *unknown, int64_t *ukeys, unsigned *nukeys)
{
	struct cbor_pair *p = cbor_map_handle(m);
	size_t n = cbor_map_size(m);

	/* Duplicates are looked for pairwise: a bound keeps that cheap. */
	if (n > ATT_MAX_CLAIMS)
		return fail(d, "%s token: %zu claims, at most %d", which, n, ATT_MAX_CLAIMS);
	for (size_t i = 0; i < n; i++) {
		int64_t k;
		const struct claim_def *def = NULL;

		if (!int_key(p[i].key, &k)) {
			if (!cbor_isa_string(p[i].key))
				return fail(d,
					    "%s token: a claim key is %s, want an integer or text",
					    which, type_name(p[i].key));
			for (size_t j = 0; j < i; j++)
				if (cbor_isa_string(p[j].key) &&
				    cbor_string_length(p[j].key) == cbor_string_length(p[i].key) &&
				    !memcmp(cbor_string_handle(p[j].key),
					    cbor_string_handle(p[i].key),
					    cbor_string_length(p[i].key)))
					return fail(d, "%s token: a text claim key appears twice",
						    which);
			(*unknown)++;
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			int64_t k2;

			if (int_key(p[j].key, &k2) && k2 == k)
				return fail(d, "%s token: claim %lld appears twice", which,
					    (long long)k);
		}
		for (size_t j = 0; j < ndefs; j++)
			if (defs[j].key == k)
				def = &defs[j];
		if (!def) {
			(*unknown)++;
			if (*nukeys < 8)
				ukeys[(*nukeys)++] = k;
			continue;
		}
		if (cbor_typeof(p[i].value) != def->type &&
		    !(def->text_too && cbor_isa_string(p[i].value)))
			return fail(d, "%s token: claim %lld (%s) is %s, want %s", which,
				    (long long)k, def->name, type_name(p[i].value),
				    def->type == CBOR_TYPE_BYTESTRING ? "a byte string"
				    : def->type == CBOR_TYPE_STRING   ? "a text string"
				    : def->type == CBOR_TYPE_ARRAY    ? "an array"
				    : def->text_too ? "an unsigned integer or a text string"
						    : "an unsigned integer");
		if (!fn(d, tok, k, p[i].value))
			return false;
	}
	return true;
}

static bool realm_claim(struct dctx *d, void *tok, int64_t key, cbor_item_t *v)
{
	struct att_realm_token *r = tok;

	switch (key) {
	case ATT_CLAIM_NONCE:
		r->challenge = bytes_of(v);
		break;
	case ATT_CLAIM_RPV:
		r->rpv = bytes_of(v);
		break;
	case ATT_CLAIM_RAK_PUB:
		r->rak = bytes_of(v);
		/* Pre-1.0 tokens carry the raw SEC1 point; 1.0 a COSE_Key map. */
		r->rak_raw = r->rak.len && r->rak.p[0] == 0x04;
		break;
	case ATT_CLAIM_RAK_HASH_ALG:
		r->rak_hash_alg = str_of(v);
		break;
	case ATT_CLAIM_HASH_ALG:
		r->hash_alg = str_of(v);
		break;
	case ATT_CLAIM_RIM:
		r->rim = bytes_of(v);
		break;
	case ATT_CLAIM_REMS:
		r->rems_present = true;
		r->nrem = (unsigned)(cbor_array_size(v) > 255 ? 255 : cbor_array_size(v));
		for (size_t i = 0; i < cbor_array_size(v); i++) {
			cbor_item_t *e = cbor_array_handle(v)[i];

			if (!cbor_isa_bytestring(e))
				return fail(d,
					    "realm token: claim 44239 (REMs) entry %zu is %s, want "
					    "a byte string",
					    i, type_name(e));
			if (i < ATT_NUM_REMS)
				r->rem[i] = bytes_of(e);
		}
		break;
	case ATT_CLAIM_PROFILE:
		r->profile = str_of(v);
		break;
	case ATT_CLAIM_INSTANCE_ID:
		r->inst_id = bytes_of(v);
		break;
	case ATT_CLAIM_MEC_POLICY:
		r->has_mec = true;
		if (cbor_isa_string(v))
			r->mec_text = str_of(v);
		else
			r->mec_policy = cbor_get_int(v);
		break;
	case ATT_CLAIM_LFA_POLICY:
		r->has_lfa = true;
		r->lfa_policy = cbor_get_int(v);
		break;
	case ATT_CLAIM_DEV_HASH:
		r->dev_hash = bytes_of(v);
		break;
	}
	return true;
}

static bool sw_component(struct dctx *d, struct att_sw_claim *c, cbor_item_t *m, size_t idx)
{
	struct cbor_pair *p = cbor_map_handle(m);

	if (cbor_map_size(m) > MAX_SMALL_MAP)
		return fail(d, "platform token: software component %zu has %zu entries, at most %d",
			    idx, cbor_map_size(m), MAX_SMALL_MAP);
	for (size_t i = 0; i < cbor_map_size(m); i++) {
		int64_t k;
		cbor_type want;
		cbor_item_t *v = p[i].value;

		if (!int_key(p[i].key, &k))
			return fail(d,
				    "platform token: software component %zu has a key that is %s",
				    idx, type_name(p[i].key));
		for (size_t j = 0; j < i; j++) {
			int64_t k2;

			if (int_key(p[j].key, &k2) && k2 == k)
				return fail(d,
					    "platform token: software component %zu: key %lld "
					    "appears twice",
					    idx, (long long)k);
		}
		if (k < 1 || k > 6 || k == 3)
			continue;
		want = k == 2 || k == 5 ? CBOR_TYPE_BYTESTRING : CBOR_TYPE_STRING;
		if (cbor_typeof(v) != want)
			return fail(d, "platform token: software component %zu: %s is %s", idx,
				    k == 1   ? "measurement-type"
				    : k == 2 ? "measurement-value"
				    : k == 4 ? "version"
				    : k == 5 ? "signer-id"
					     : "hash-algo-id",
				    type_name(v));
		switch (k) {
		case 1:
			c->type = str_of(v);
			break;
		case 2:
			c->meas = bytes_of(v);
			break;
		case 4:
			c->version = str_of(v);
			break;
		case 5:
			c->signer = bytes_of(v);
			break;
		case 6:
			c->hash_alg = str_of(v);
			break;
		}
	}
	return true;
}

static bool platform_claim(struct dctx *d, void *tok, int64_t key, cbor_item_t *v)
{
	struct att_platform_token *p = tok;

	switch (key) {
	case ATT_CLAIM_PROFILE:
		p->profile = str_of(v);
		break;
	case ATT_CLAIM_NONCE:
		p->challenge = bytes_of(v);
		break;
	case ATT_CLAIM_IMPL_ID:
		p->impl_id = bytes_of(v);
		break;
	case ATT_CLAIM_INSTANCE_ID:
		p->inst_id = bytes_of(v);
		break;
	case ATT_CLAIM_CONFIG:
		p->config = bytes_of(v);
		break;
	case ATT_CLAIM_LIFECYCLE:
		p->has_lifecycle = true;
		p->lifecycle = cbor_get_int(v);
		break;
	case ATT_CLAIM_CLIENT_ID:
		p->has_client_id = true;
		p->client_id = (int64_t)(cbor_get_int(v) > INT64_MAX ? INT64_MAX : cbor_get_int(v));
		break;
	case ATT_CLAIM_MFG_CONFIG:
		p->mfg_config = bytes_of(v);
		break;
	case ATT_CLAIM_PLAT_EXT:
		/* Device entries (RME-DA, CMEM) are counted, not read: realmkit has no devices. */
		p->ext_present = true;
		p->next = (unsigned)(cbor_array_size(v) > 255 ? 255 : cbor_array_size(v));
		break;
	case ATT_CLAIM_SW_COMPS:
		p->sw_present = true;
		if (cbor_array_size(v) > ATT_MAX_SWCOMP)
			return fail(d,
				    "platform token: claim 2399 (software components) has %zu "
				    "entries, at most %d",
				    cbor_array_size(v), ATT_MAX_SWCOMP);
		p->nsw = (unsigned)cbor_array_size(v);
		for (size_t i = 0; i < p->nsw; i++) {
			cbor_item_t *e = cbor_array_handle(v)[i];

			if (!cbor_isa_map(e))
				return fail(
					d,
					"platform token: software component %zu is %s, want a map",
					i, type_name(e));
			if (!sw_component(d, &p->sw[i], e, i))
				return false;
		}
		break;
	case ATT_CLAIM_VSV:
		p->vsv = str_of(v);
		break;
	case ATT_CLAIM_PLAT_HASH:
		p->hash_alg = str_of(v);
		break;
	}
	return true;
}

/* ---- COSE_Sign1 ---- */

static bool sign1(struct dctx *d, const uint8_t *buf, size_t len, const char *which,
		  struct att_sign1 *s, cbor_item_t **claims)
{
	cbor_item_t *root, *a, *hdr, *payload;
	cbor_item_t **it;
	char what[48];

	snprintf(what, sizeof(what), "%s token", which);
	/*
	 * libcbor 0.8 refuses the one-byte tags 6..20 (0xc6..0xd4), tag 18
	 * among them, so the COSE_Sign1 tag is taken off here and the array
	 * under it decoded alone.
	 */
	if (len >= 1 && buf[0] == 0xd2) {
		buf++;
		len--;
	} else if (len >= 2 && buf[0] == 0xd8 && buf[1] == ATT_TAG_COSE_SIGN1) {
		buf += 2;
		len -= 2;
	} else {
		return fail(d, "%s token: not a tagged COSE_Sign1 (want tag 18)", which);
	}
	if (!load(d, buf, len, what, &root))
		return false;
	a = root;
	if (!cbor_isa_array(a) || cbor_array_size(a) != 4)
		return fail(d, "%s token: COSE_Sign1 is not an array of 4", which);
	it = cbor_array_handle(a);
	if (!cbor_isa_bytestring(it[0]) || !cbor_isa_map(it[1]) || !cbor_isa_bytestring(it[2]) ||
	    !cbor_isa_bytestring(it[3]))
		return fail(d, "%s token: COSE_Sign1 fields are not [bstr, map, bstr, bstr]",
			    which);
	s->present = true;
	s->prot = bytes_of(it[0]);
	s->payload = bytes_of(it[2]);
	s->sig = bytes_of(it[3]);
	snprintf(what, sizeof(what), "%s token protected header", which);
	if (!load(d, s->prot.p, s->prot.len, what, &hdr))
		return false;
	if (!cbor_isa_map(hdr) || cbor_map_size(hdr) > MAX_SMALL_MAP)
		return fail(d, "%s token: protected header is not a map of at most %d entries",
			    which, MAX_SMALL_MAP);
	for (size_t i = 0; i < cbor_map_size(hdr); i++) {
		int64_t k, v;

		if (int_key(cbor_map_handle(hdr)[i].key, &k) && k == 1) {
			if (!int_key(cbor_map_handle(hdr)[i].value, &v))
				return fail(d,
					    "%s token: protected header alg (1) is not an integer",
					    which);
			if (s->alg)
				return fail(d, "%s token: protected header alg (1) appears twice",
					    which);
			s->alg = v;
		}
	}
	if (!s->alg)
		return fail(d, "%s token: protected header has no alg (1)", which);
	snprintf(what, sizeof(what), "%s token payload", which);
	if (!load(d, s->payload.p, s->payload.len, what, &payload))
		return false;
	if (!cbor_isa_map(payload))
		return fail(d, "%s token: payload is %s, want a claims map", which,
			    type_name(payload));
	*claims = payload;
	return true;
}

static bool decode_realm(struct dctx *d, struct att_token *t, const uint8_t *buf, size_t len)
{
	cbor_item_t *m;

	return sign1(d, buf, len, "realm", &t->realm.cose, &m) &&
	       walk_claims(d, m, "realm", realm_claims,
			   sizeof(realm_claims) / sizeof(realm_claims[0]), realm_claim, &t->realm,
			   &t->realm.unknown, t->realm.unknown_keys, &t->realm.nunknown_keys);
}

static bool decode_platform(struct dctx *d, struct att_token *t, const uint8_t *buf, size_t len)
{
	cbor_item_t *m;

	return sign1(d, buf, len, "platform", &t->platform.cose, &m) &&
	       walk_claims(d, m, "platform", platform_claims,
			   sizeof(platform_claims) / sizeof(platform_claims[0]), platform_claim,
			   &t->platform, &t->platform.unknown, t->platform.unknown_keys,
			   &t->platform.nunknown_keys);
}

/* ---- collections ---- */

static bool collection(struct dctx *d, struct att_token *t, cbor_item_t *m, bool cmw)
{
	struct cbor_pair *p = cbor_map_handle(m);
	struct att_bytes plat = {0}, realm = {0};
	const char *name = cmw ? "CMW collection (tag 907)" : "CCA token collection (tag 399)";

	if (cbor_map_size(m) > MAX_SMALL_MAP)
		return fail(d, "%s: %zu entries, at most %d", name, cbor_map_size(m),
			    MAX_SMALL_MAP);

	for (size_t i = 0; i < cbor_map_size(m); i++) {
		int64_t k;
		cbor_item_t *v = p[i].value;
		struct att_bytes *dst;

		if (cmw && cbor_isa_string(p[i].key))
			continue; /* "__cmwc_t": the collection's type */
		if (!int_key(p[i].key, &k) ||
		    (k != ATT_KEY_PLATFORM_TOKEN && k != ATT_KEY_REALM_TOKEN))
			return fail(d, "%s: unexpected key (want 44234 platform, 44241 realm)",
				    name);
		dst = k == ATT_KEY_PLATFORM_TOKEN ? &plat : &realm;
		if (dst->p)
			return fail(d, "%s: key %lld appears twice", name, (long long)k);
		if (cmw) {
			if (!cbor_isa_array(v) || cbor_array_size(v) != 2 ||
			    !cbor_isa_uint(cbor_array_handle(v)[0]) ||
			    !cbor_isa_bytestring(cbor_array_handle(v)[1]))
				return fail(
					d,
					"%s: entry %lld is not a CMW record [content-format, bstr]",
					name, (long long)k);
			v = cbor_array_handle(v)[1];
		} else if (!cbor_isa_bytestring(v)) {
			return fail(d, "%s: entry %lld is %s, want a byte string", name,
				    (long long)k, type_name(v));
		}
		*dst = bytes_of(v);
		if (!dst->p)
			dst->p = (const uint8_t *)"";
	}
	if (!plat.p)
		return fail(d, "%s: no platform token (44234)", name);
	if (!realm.p)
		return fail(d, "%s: no realm token (44241)", name);
	return decode_platform(d, t, plat.p, plat.len) && decode_realm(d, t, realm.p, realm.len);
}

bool att_decode(const uint8_t *buf, size_t len, struct att_token *t, char *err, size_t errlen)
{
	struct dctx d = {.err = err, .errlen = errlen};
	cbor_item_t *root, *inner;
	bool ok;

	memset(t, 0, sizeof(*t));
	d.pv = calloc(1, sizeof(*d.pv));
	if (!d.pv) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	t->priv = d.pv;
	if (len && (buf[0] == 0xd2 || (len > 1 && buf[0] == 0xd8 && buf[1] == 18))) {
		/* A bare token: realm if it has a realm-only claim. */
		ok = decode_realm(&d, t, buf, len);
		if (ok && !t->realm.rak.p && !t->realm.rim.p && !t->realm.rems_present) {
			memset(&t->realm, 0, sizeof(t->realm));
			t->format = ATT_FMT_PLATFORM;
			ok = decode_platform(&d, t, buf, len);
		} else {
			t->format = ATT_FMT_REALM;
		}
	} else if (!load(&d, buf, len, "token", &root)) {
		ok = false;
	} else if (!cbor_isa_tag(root)) {
		ok = fail(&d, "token: not a CCA token (top level is %s, want tag 399, 907 or 18)",
			  type_name(root));
	} else if (cbor_tag_value(root) == ATT_TAG_CCA_COLLECTION ||
		   cbor_tag_value(root) == ATT_TAG_CMW_COLLECTION) {
		bool cmw = cbor_tag_value(root) == ATT_TAG_CMW_COLLECTION;

		t->format = cmw ? ATT_FMT_COLLECTION_907 : ATT_FMT_COLLECTION_399;
		inner = tag_item(root);
		ok = cbor_isa_map(inner) ? collection(&d, t, inner, cmw)
					 : fail(&d, "%s: not a map",
						cmw ? "CMW collection (tag 907)"
						    : "CCA token collection (tag 399)");
	} else {
		ok = fail(&d, "token: not a CCA token (tag %llu, want 399, 907 or 18)",
			  (unsigned long long)cbor_tag_value(root));
	}
	if (!ok)
		att_token_free(t);
	return ok;
}

void att_token_free(struct att_token *t)
{
	struct priv *pv = t->priv;

	if (pv) {
		for (unsigned i = 0; i < pv->ntrees; i++)
			cbor_decref(&pv->tree[i]);
		free(pv);
	}
	memset(t, 0, sizeof(*t));
}

cbor_item_t *att_cbor_load_checked(const uint8_t *buf, size_t len, char *err, size_t errlen,
				   const char *what)
{
	struct priv pv = {.ntrees = 0};
	struct dctx d = {.pv = &pv, .err = err, .errlen = errlen};
	cbor_item_t *it;

	if (!load(&d, buf, len, what, &it))
		return NULL;
	return it; /* the only tree: the caller owns it */
}
