// SPDX-License-Identifier: MIT
/*
 * Launch planning: options -> images read and placed -> DTB -> the plan
 * (plan.h).  Placement follows kvmtool's arm64 loader: RAM at 0x80000000,
 * an arm64 Linux Image at a 2 MiB-aligned base plus its text_offset, the DTB
 * in the last 2 MiB-aligned slot below min(RAM, 256 MiB), the initrd right
 * below the DTB.  The arithmetic is written here from the arm64 boot
 * protocol (Documentation/arch/arm64/booting.rst) and docs/VMM.md.
 */
#include "vmm/plan.h"

#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libfdt.h>

#define PAGE 4096ULL
#define MiB (1ULL << 20)

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
static uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

static void errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static const char *const image_names[VMM_NR_IMAGES] = { "kernel", "initrd", "dtb", "firmware" };

const char *vmm_image_name(enum vmm_image i)
{
	return i < VMM_NR_IMAGES ? image_names[i] : "?";
}

void vmm_options_init(struct vmm_options *o)
{
	memset(o, 0, sizeof(*o));
	o->mem_mib = 64;
	o->cpus = 1;
	o->ipa_bits = 40;
	o->measure = (1U << VMM_NR_IMAGES) - 1;
	o->console = VMM_CONSOLE_STDIO;
}

const char vmm_options_usage[] =
	"images (none: the embedded demo realm):\n"
	"  -k, --kernel FILE        arm64 Linux Image, ELF or raw binary\n"
	"  -i, --initrd FILE        initial ramdisk, described in /chosen\n"
	"  -d, --dtb FILE           use this DTB instead of the generated one\n"
	"      --firmware FILE      raw firmware at the start of RAM, entered instead of the kernel\n"
	"  -p, --params TEXT        kernel command line (/chosen/bootargs)\n"
	"      --dump-dtb FILE      write the DTB the realm gets to FILE\n"
	"machine:\n"
	"  -m, --mem MiB            RAM in MiB at 0x80000000 (default 64; 4 to 3072)\n"
	"  -c, --cpus N             vCPUs, 1 to 8 (default 1; the demo: 2)\n"
	"      --ipa-bits N         IPA width, 33 to 48 (default 40)\n"
	"realm:\n"
	"      --measurement-algo sha256|sha512   the realm's hash algorithm (default sha256)\n"
	"      --realm-pv HEX       Realm Personalization Value, up to 64 bytes in hex\n"
	"      --ripas kvm|vmm|images  who sets RIPAS RAM before the realm runs: KVM over all\n"
	"                           of RAM at activation (default), the VMM over all of RAM,\n"
	"                           or the VMM over the images' 2 MiB blocks only (the realm\n"
	"                           accepts the rest with RSI)\n"
	"      --measure LIST       images populated measured: comma-separated kernel, initrd,\n"
	"                           dtb, firmware, all or none (default all)\n"
	"      --no-measure LIST    images populated unmeasured\n"
	"      --populate-chunk N   pages per populate call (forces partial progress)\n"
	"      --challenge HEX      attestation challenge handed to the realm (up to 64 bytes)\n"
	"      --token-out FILE     write the attestation token the realm hands back to FILE\n"
	"run:\n"
	"      --console MODE       stdio (default: input when stdin is a terminal), out, none\n"
	"      --timeout SECONDS    stop the realm after this long (exit status 5)\n"
	"      --strict-mmio        an access no device claims ends the realm (exit status 4)\n"
	"      --refuse-ram         refuse the realm's RIPAS RAM requests (for testing guests)\n"
	"      --json               one JSON object at the end instead of the text summary\n"
	"  -h, --help               this text\n";

enum {
	OPT_FIRMWARE = 0x100, OPT_ALGO, OPT_RPV, OPT_RIPAS, OPT_MEASURE, OPT_NO_MEASURE,
	OPT_CHUNK, OPT_CONSOLE, OPT_TIMEOUT, OPT_STRICT, OPT_DUMP, OPT_JSON, OPT_CHALLENGE,
	OPT_TOKEN_OUT, OPT_IPA, OPT_REFUSE,
};

static const struct option long_opts[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "dtb", required_argument, NULL, 'd' },
	{ "firmware", required_argument, NULL, OPT_FIRMWARE },
	{ "params", required_argument, NULL, 'p' },
	{ "mem", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "ipa-bits", required_argument, NULL, OPT_IPA },
	{ "measurement-algo", required_argument, NULL, OPT_ALGO },
	{ "realm-pv", required_argument, NULL, OPT_RPV },
	{ "ripas", required_argument, NULL, OPT_RIPAS },
	{ "measure", required_argument, NULL, OPT_MEASURE },
	{ "no-measure", required_argument, NULL, OPT_NO_MEASURE },
	{ "populate-chunk", required_argument, NULL, OPT_CHUNK },
	{ "console", required_argument, NULL, OPT_CONSOLE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "strict-mmio", no_argument, NULL, OPT_STRICT },
	{ "refuse-ram", no_argument, NULL, OPT_REFUSE },
	{ "dump-dtb", required_argument, NULL, OPT_DUMP },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "challenge", required_argument, NULL, OPT_CHALLENGE },
	{ "token-out", required_argument, NULL, OPT_TOKEN_OUT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A decimal (or 0x-hex) number in [lo, hi], nothing after it. */
static int parse_uint(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *v,
		      char *err, size_t errlen)
{
	char *end;
	unsigned long long n;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	n = strtoull(s, &end, 0);
	if (errno || *end || n < lo || n > hi)
		goto bad;
	*v = n;
	return 0;
bad:
	errf(err, errlen, "%s: '%.40s' is not a number from %llu to %llu", opt, s,
	     (unsigned long long)lo, (unsigned long long)hi);
	return -1;
}

/* Up to @max bytes of hex (an even number of digits, optional 0x); the rest zero. */
static int parse_hex(const char *opt, const char *s, uint8_t *out, size_t max, char *err,
		     size_t errlen)
{
	size_t n;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	n = strlen(s);
	if (n == 0 || n % 2 || n / 2 > max || strspn(s, "0123456789abcdefABCDEF") != n) {
		errf(err, errlen, "%s: expected up to %zu bytes as an even number of hex digits",
		     opt, max);
		return -1;
	}
	memset(out, 0, max);
	for (size_t i = 0; i < n / 2; i++) {
		char b[3] = { s[2 * i], s[2 * i + 1], 0 };

		out[i] = (uint8_t)strtoul(b, NULL, 16);
	}
	return 0;
}

static int parse_list(const char *opt, const char *s, unsigned *mask, char *err, size_t errlen)
{
	const char *p = s;

	*mask = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned i;

		if (n == 3 && !strncmp(p, "all", 3)) {
			*mask = (1U << VMM_NR_IMAGES) - 1;
		} else if (n == 4 && !strncmp(p, "none", 4)) {
			*mask = 0;
		} else {
			for (i = 0; i < VMM_NR_IMAGES; i++)
				if (strlen(image_names[i]) == n && !strncmp(p, image_names[i], n))
					break;
			if (i == VMM_NR_IMAGES) {
				errf(err, errlen,
				     "%s: '%.*s' is not kernel, initrd, dtb, firmware, all or none",
				     opt, (int)(n > 40 ? 40 : n), p);
				return -1;
			}
			*mask |= 1U << i;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	if (p == s) {
		errf(err, errlen, "%s: an empty list", opt);
		return -1;
	}
	return 0;
}

enum vmm_parse_result vmm_options_parse(struct vmm_options *o, int argc, char **argv,
					 char *err, size_t errlen)
{
	int c;
	uint64_t v;
	unsigned mask;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:d:p:m:c:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->image[VMM_IMG_KERNEL] = optarg;
			break;
		case 'i':
			o->image[VMM_IMG_INITRD] = optarg;
			break;
		case 'd':
			o->image[VMM_IMG_DTB] = optarg;
			break;
		case OPT_FIRMWARE:
			o->image[VMM_IMG_FIRMWARE] = optarg;
			break;
		case 'p':
			o->params = optarg;
			break;
		case 'm':
			if (parse_uint("--mem", optarg, 4, 3072, &o->mem_mib, err, errlen))
				return VMM_PARSE_ERROR;
			break;
		case 'c':
			if (parse_uint("--cpus", optarg, 1, VMM_MAX_CPUS, &v, err, errlen))
				return VMM_PARSE_ERROR;
			o->cpus = (unsigned)v;
			o->cpus_set = true;
			break;
		case OPT_IPA:
			if (parse_uint("--ipa-bits", optarg, 33, 48, &v, err, errlen))
				return VMM_PARSE_ERROR;
			o->ipa_bits = (unsigned)v;
			break;
		case OPT_ALGO:
			if (!strcmp(optarg, "sha256")) {
				o->hash_algo = 0;
			} else if (!strcmp(optarg, "sha512")) {
				o->hash_algo = 1;
			} else {
				errf(err, errlen, "--measurement-algo: '%.40s' is not sha256 or sha512",
				     optarg);
				return VMM_PARSE_ERROR;
			}
			break;
		case OPT_RPV:
			if (parse_hex("--realm-pv", optarg, o->rpv, 64, err, errlen))
				return VMM_PARSE_ERROR;
			o->rpv_set = true;
			break;
		case OPT_RIPAS:
			if (!strcmp(optarg, "kvm")) {
				o->ripas = VMM_RIPAS_KVM;
			} else if (!strcmp(optarg, "vmm")) {
				o->ripas = VMM_RIPAS_VMM;
			} else if (!strcmp(optarg, "images")) {
				o->ripas = VMM_RIPAS_IMAGES;
			} else {
				errf(err, errlen, "--ripas: '%.40s' is not kvm, vmm or images", optarg);
				return VMM_PARSE_ERROR;
			}
			break;
		case OPT_MEASURE:
			if (parse_list("--measure", optarg, &mask, err, errlen))
				return VMM_PARSE_ERROR;
			o->measure = mask;
			break;
		case OPT_NO_MEASURE:
			if (parse_list("--no-measure", optarg, &mask, err, errlen))
				return VMM_PARSE_ERROR;
			o->measure &= ~mask;
			break;
		case OPT_CHUNK:
			if (parse_uint("--populate-chunk", optarg, 1, 1ULL << 32, &o->populate_chunk,
				       err, errlen))
				return VMM_PARSE_ERROR;
			o->populate_chunk_set = true;
			break;
		case OPT_CONSOLE:
			if (!strcmp(optarg, "stdio")) {
				o->console = VMM_CONSOLE_STDIO;
			} else if (!strcmp(optarg, "out")) {
				o->console = VMM_CONSOLE_OUT;
			} else if (!strcmp(optarg, "none")) {
				o->console = VMM_CONSOLE_NONE;
			} else {
				errf(err, errlen, "--console: '%.40s' is not stdio, out or none", optarg);
				return VMM_PARSE_ERROR;
			}
			break;
		case OPT_TIMEOUT: {
			char *end;

			errno = 0;
			o->timeout = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(o->timeout > 0) ||
			    o->timeout > 1e6) {
				errf(err, errlen, "--timeout: '%.40s' is not a number of seconds "
				     "(more than 0, at most 1000000)", optarg);
				return VMM_PARSE_ERROR;
			}
			break;
		}
		case OPT_STRICT:
			o->strict_mmio = true;
			break;
		case OPT_REFUSE:
			o->refuse_ram = true;
			break;
		case OPT_DUMP:
			o->dump_dtb = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_CHALLENGE:
			if (parse_hex("--challenge", optarg, o->challenge, 64, err, errlen))
				return VMM_PARSE_ERROR;
			o->challenge_set = true;
			break;
		case OPT_TOKEN_OUT:
			o->token_out = optarg;
			break;
		case 'h':
			return VMM_PARSE_HELP;
		case ':':
			errf(err, errlen, "%.60s needs a value", argv[optind - 1]);
			return VMM_PARSE_ERROR;
		default:
			if (optopt && optopt < 0x100)
				errf(err, errlen, "unknown option '-%c'", optopt);
			else
				errf(err, errlen, "unknown option '%.60s'", argv[optind - 1]);
			return VMM_PARSE_ERROR;
		}
	}
	if (optind < argc) {
		errf(err, errlen, "unexpected argument '%.60s' (images are given with options: "
		     "--kernel FILE)", argv[optind]);
		return VMM_PARSE_ERROR;
	}
	return VMM_PARSE_OK;
}

/* ---- images ---- */

/* The whole file into a page-aligned, zero-padded buffer. */
static uint8_t *read_image(const char *what, const char *path, uint64_t limit, size_t *len,
			   char *err, size_t errlen)
{
	FILE *f;
	struct stat st;
	uint8_t *buf;
	size_t cap;

	/* stat first: opening a FIFO would wait for a writer. */
	if (stat(path, &st)) {
		errf(err, errlen, "%s '%.200s': %s", what, path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		errf(err, errlen, "%s '%.200s': not a regular file", what, path);
		return NULL;
	}
	f = fopen(path, "rb");
	if (!f) {
		errf(err, errlen, "%s '%.200s': %s", what, path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		errf(err, errlen, "%s '%.200s': not a regular file", what, path);
		fclose(f);
		return NULL;
	}
	if (st.st_size == 0) {
		errf(err, errlen, "%s '%.200s': empty file", what, path);
		fclose(f);
		return NULL;
	}
	if ((uint64_t)st.st_size > limit) {
		errf(err, errlen, "%s '%.200s' (%llu bytes) is larger than the realm's memory "
		     "(%llu MiB)", what, path, (unsigned long long)st.st_size,
		     (unsigned long long)(limit / MiB));
		fclose(f);
		return NULL;
	}
	cap = align_up((uint64_t)st.st_size, PAGE);
	buf = aligned_alloc(PAGE, cap);
	if (!buf) {
		errf(err, errlen, "%s '%.200s': out of memory", what, path);
		fclose(f);
		return NULL;
	}
	memset(buf + st.st_size, 0, cap - (size_t)st.st_size);
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		errf(err, errlen, "%s '%.200s': read error", what, path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static bool is_linux_image(const uint8_t *b, size_t n)
{
	return n >= 64 && !memcmp(b + 56, "ARM\x64", 4);
}

static bool is_elf(const uint8_t *b, size_t n)
{
	return n >= sizeof(Elf64_Ehdr) && !memcmp(b, ELFMAG, SELFMAG);
}

/*
 * An ELF executable: its PT_LOAD segments by physical address, flattened
 * into one page-aligned region (gaps and bss zero).
 */
static int load_elf(struct vmm_plan *p, struct vmm_region *r, const uint8_t *b, size_t n,
		    const char *path, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)b;
	uint64_t lo = UINT64_MAX, hi_file = 0, hi_mem = 0, ram_top = p->ram_base + p->ram_size;

	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_AARCH64 || eh->e_type != ET_EXEC) {
		errf(err, errlen, "kernel '%.200s': an ELF file but not a little-endian AArch64 "
		     "executable", path);
		return -1;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > n ||
	    (n - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum) {
		errf(err, errlen, "kernel '%.200s': ELF program headers outside the file", path);
		return -1;
	}
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(b + eh->e_phoff) + i;

		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > n || n - ph->p_offset < ph->p_filesz ||
		    ph->p_paddr < p->ram_base || ph->p_paddr >= ram_top ||
		    ram_top - ph->p_paddr < ph->p_memsz) {
			errf(err, errlen, "kernel '%.200s': segment %u [0x%llx, +0x%llx) is not inside "
			     "RAM [0x%llx, 0x%llx) or not inside the file", path, i,
			     (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz,
			     (unsigned long long)p->ram_base, (unsigned long long)ram_top);
			return -1;
		}
		if (ph->p_paddr < lo)
			lo = ph->p_paddr;
		if (ph->p_paddr + ph->p_filesz > hi_file)
			hi_file = ph->p_paddr + ph->p_filesz;
		if (ph->p_paddr + ph->p_memsz > hi_mem)
			hi_mem = ph->p_paddr + ph->p_memsz;
	}
	if (lo == UINT64_MAX || hi_file <= lo) {
		errf(err, errlen, "kernel '%.200s': no loadable segment with contents", path);
		return -1;
	}
	r->gpa = align_down(lo, PAGE);
	r->size = align_up(hi_file, PAGE) - r->gpa;
	r->reserve = align_up(hi_mem, PAGE) - r->gpa;
	r->data = aligned_alloc(PAGE, r->size);
	if (!r->data) {
		errf(err, errlen, "kernel '%.200s': out of memory", path);
		return -1;
	}
	memset(r->data, 0, r->size);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(b + eh->e_phoff) + i;

		if (ph->p_type == PT_LOAD && ph->p_memsz && ph->p_filesz)
			memcpy(r->data + (ph->p_paddr - r->gpa), b + ph->p_offset, ph->p_filesz);
	}
	p->entry_pc = eh->e_entry;
	if (eh->e_entry < lo || eh->e_entry >= hi_mem) {
		errf(err, errlen, "kernel '%.200s': entry point 0x%llx outside its segments", path,
		     (unsigned long long)eh->e_entry);
		return -1;
	}
	return 0;
}

static struct vmm_region *add_region(struct vmm_plan *p, enum vmm_image what, bool measured)
{
	struct vmm_region *r = &p->region[p->nregions++];

	memset(r, 0, sizeof(*r));
	r->what = what;
	r->measured = measured;
	return r;
}

/* The kernel (or the demo): where it goes and where the realm starts. */
static int place_kernel(struct vmm_plan *p, const struct vmm_options *o, uint64_t base,
			char *err, size_t errlen)
{
	const char *path = o->image[VMM_IMG_KERNEL];
	struct vmm_region *r = add_region(p, VMM_IMG_KERNEL,
					  o->measure & (1U << VMM_IMG_KERNEL));
	size_t n;
	uint8_t *b;

	if (!path) {
		/* The embedded demo: a raw image, as guests/ builds them. */
		n = realmkit_demo_bin_size;
		b = aligned_alloc(PAGE, align_up(n, PAGE));
		if (!b) {
			errf(err, errlen, "out of memory");
			return -1;
		}
		memset(b, 0, align_up(n, PAGE));
		memcpy(b, realmkit_demo_bin, n);
		path = "(demo)";
	} else {
		b = read_image("kernel", path, p->ram_size, &n, err, errlen);
		if (!b)
			return -1;
	}
	if (is_elf(b, n)) {
		int ret = load_elf(p, r, b, n, path, err, errlen);

		free(b);
		p->kernel_format = VMM_FMT_ELF;
		return ret;
	}
	r->data = b;
	r->size = align_up(n, PAGE);
	r->reserve = r->size;
	if (is_linux_image(b, n)) {
		uint64_t text_offset = le64(b + 8), image_size = le64(b + 16);

		/* Pre-3.17 kernels: image_size 0, text_offset to be taken as 0x80000. */
		if (image_size == 0)
			text_offset = 0x80000;
		else
			r->reserve = align_up(image_size, PAGE);
		if (text_offset % PAGE || text_offset >= VMM_DTB_ALIGN) {
			errf(err, errlen, "kernel '%.200s': text_offset 0x%llx is not a page multiple "
			     "below 2 MiB", path, (unsigned long long)text_offset);
			return -1;
		}
		if (r->reserve < r->size)
			r->reserve = r->size;
		r->gpa = align_up(base, VMM_DTB_ALIGN) + text_offset;
		p->kernel_format = VMM_FMT_LINUX;
	} else {
		r->gpa = base;
		p->kernel_format = VMM_FMT_RAW;
	}
	p->entry_pc = r->gpa;
	return 0;
}

static int check_fits(const struct vmm_plan *p, const struct vmm_region *r, char *err,
		      size_t errlen)
{
	uint64_t top = p->ram_base + p->ram_size;

	if (r->gpa < p->ram_base || r->gpa >= top || top - r->gpa < r->reserve) {
		errf(err, errlen, "%s (0x%llx bytes at 0x%llx) does not fit in RAM [0x%llx, 0x%llx): "
		     "give more memory with --mem", vmm_image_name(r->what),
		     (unsigned long long)r->reserve, (unsigned long long)r->gpa,
		     (unsigned long long)p->ram_base, (unsigned long long)top);
		return -1;
	}
	return 0;
}

static int cmp_region(const void *a, const void *b)
{
	const struct vmm_region *x = a, *y = b;

	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

int vmm_plan_build(const struct vmm_options *o, struct vmm_plan *p, char *err, size_t errlen)
{
	struct vmm_region *dtb = NULL, *initrd_r = NULL;
	uint64_t low_top, kernel_base;
	size_t n;

	memset(p, 0, sizeof(*p));
	p->ipa_bits = o->ipa_bits;
	p->hash_algo = o->hash_algo;
	memcpy(p->rpv, o->rpv, sizeof(p->rpv));
	p->rpv_set = o->rpv_set;
	p->ram_base = VMM_RAM_BASE;
	p->ram_size = o->mem_mib * MiB;
	p->populate_chunk = o->populate_chunk;
	p->populate_chunk_set = o->populate_chunk_set;
	p->ripas = o->ripas;
	p->demo = !o->image[VMM_IMG_KERNEL] && !o->image[VMM_IMG_FIRMWARE];
	p->cpus = p->demo && !o->cpus_set ? 2 : o->cpus;
	p->gic_redist_base = VMM_GIC_DIST_BASE - p->cpus * VMM_GIC_REDIST_SIZE;
	if (p->ram_base + p->ram_size > 1ULL << (p->ipa_bits - 1)) {
		errf(err, errlen, "--mem %llu MiB: RAM would reach past the protected half of a "
		     "%u-bit IPA space (use --ipa-bits)", (unsigned long long)o->mem_mib, p->ipa_bits);
		return -1;
	}
	if (p->demo && (o->image[VMM_IMG_INITRD] || o->image[VMM_IMG_DTB])) {
		errf(err, errlen, "--initrd and --dtb need a --kernel or --firmware");
		return -1;
	}

	/* Firmware first, at the start of RAM; the kernel then after it. */
	kernel_base = p->ram_base;
	if (o->image[VMM_IMG_FIRMWARE]) {
		struct vmm_region *r = add_region(p, VMM_IMG_FIRMWARE,
						  o->measure & (1U << VMM_IMG_FIRMWARE));

		r->data = read_image("firmware", o->image[VMM_IMG_FIRMWARE], p->ram_size, &n, err,
				     errlen);
		if (!r->data)
			goto fail;
		r->gpa = p->ram_base;
		r->size = r->reserve = align_up(n, PAGE);
		kernel_base = align_up(r->gpa + r->size, VMM_DTB_ALIGN);
	}
	if (o->image[VMM_IMG_KERNEL] || p->demo) {
		if (place_kernel(p, o, kernel_base, err, errlen))
			goto fail;
		if (check_fits(p, &p->region[p->nregions - 1], err, errlen))
			goto fail;
	}
	if (o->image[VMM_IMG_FIRMWARE])
		p->entry_pc = p->ram_base;

	/* The DTB: the last 2 MiB-aligned slot that holds 64 KiB below min(RAM, 256 MiB). */
	low_top = p->ram_base + (p->ram_size < 256 * MiB ? p->ram_size : 256 * MiB);
	p->dtb_gpa = align_down(low_top - VMM_DTB_MAX, VMM_DTB_ALIGN);
	dtb = add_region(p, VMM_IMG_DTB, o->measure & (1U << VMM_IMG_DTB));
	dtb->gpa = p->dtb_gpa;
	dtb->reserve = VMM_DTB_MAX;

	if (o->image[VMM_IMG_INITRD]) {
		initrd_r = add_region(p, VMM_IMG_INITRD, o->measure & (1U << VMM_IMG_INITRD));
		initrd_r->data = read_image("initrd", o->image[VMM_IMG_INITRD], p->ram_size, &n,
					    err, errlen);
		if (!initrd_r->data)
			goto fail;
		initrd_r->size = initrd_r->reserve = align_up(n, PAGE);
		if (p->dtb_gpa - p->ram_base < initrd_r->size) {
			errf(err, errlen, "initrd (%zu bytes) does not fit below the DTB at 0x%llx: "
			     "give more memory with --mem", n, (unsigned long long)p->dtb_gpa);
			goto fail;
		}
		initrd_r->gpa = p->dtb_gpa - initrd_r->size;
		p->initrd_gpa = initrd_r->gpa;
		p->initrd_size = n;
	}

	/* No two images may share a page. */
	for (unsigned i = 0; i < p->nregions; i++)
		for (unsigned j = i + 1; j < p->nregions; j++) {
			const struct vmm_region *a = &p->region[i], *b = &p->region[j];

			if (a->gpa < b->gpa + b->reserve && b->gpa < a->gpa + a->reserve) {
				errf(err, errlen, "%s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx): "
				     "give more memory with --mem", vmm_image_name(a->what),
				     (unsigned long long)a->gpa,
				     (unsigned long long)(a->gpa + a->reserve),
				     vmm_image_name(b->what), (unsigned long long)b->gpa,
				     (unsigned long long)(b->gpa + b->reserve));
				goto fail;
			}
		}

	/* Now the DTB can describe where everything is. */
	if (o->image[VMM_IMG_DTB]) {
		uint8_t *b = read_image("dtb", o->image[VMM_IMG_DTB], VMM_DTB_MAX, &n, err, errlen);
		int ret;

		if (!b) {
			if (strstr(err, "larger than"))
				errf(err, errlen, "dtb '%.200s' is larger than %llu KiB",
				     o->image[VMM_IMG_DTB], VMM_DTB_MAX >> 10);
			goto fail;
		}
		dtb->data = b;
		if (n < 4 || fdt_magic(b) != FDT_MAGIC)
			ret = -FDT_ERR_BADMAGIC;
		else
			ret = n < sizeof(struct fdt_header) ? -FDT_ERR_TRUNCATED : fdt_check_header(b);
		if (!ret && fdt_totalsize(b) > n)
			ret = -FDT_ERR_TRUNCATED;
		if (ret) {
			errf(err, errlen, "dtb '%.200s' is not a valid device tree: %s",
			     o->image[VMM_IMG_DTB], fdt_strerror(ret));
			goto fail;
		}
		dtb->size = align_up(fdt_totalsize(b), PAGE);
	} else {
		dtb->data = aligned_alloc(PAGE, VMM_DTB_MAX);
		if (!dtb->data) {
			errf(err, errlen, "out of memory");
			goto fail;
		}
		memset(dtb->data, 0, VMM_DTB_MAX);
		if (vmm_fdt_build(p, o->params, dtb->data, VMM_DTB_MAX, err, errlen))
			goto fail;
		dtb->size = align_up(fdt_totalsize(dtb->data), PAGE);
	}
	p->dtb_size = fdt_totalsize(dtb->data);

	/* Entry registers: the arm64 boot protocol for Linux, guests/README.md's for the rest. */
	memset(p->entry_x, 0, sizeof(p->entry_x));
	if (p->kernel_format == VMM_FMT_LINUX || o->image[VMM_IMG_FIRMWARE] || p->demo)
		p->entry_x[0] = p->dtb_gpa;
	else
		p->entry_x[1] = p->dtb_gpa;

	if (p->ripas == VMM_RIPAS_VMM) {
		p->ripas_range[0].base = p->ram_base;
		p->ripas_range[0].top = p->ram_base + p->ram_size;
		p->nripas = 1;
	}
	qsort(p->region, p->nregions, sizeof(p->region[0]), cmp_region);
	if (p->ripas == VMM_RIPAS_IMAGES) {
		/* Each image's reserve rounded out to 2 MiB (a raw image's bss is unknown). */
		for (unsigned i = 0; i < p->nregions; i++) {
			uint64_t b = align_down(p->region[i].gpa, VMM_DTB_ALIGN);
			uint64_t t = align_up(p->region[i].gpa + p->region[i].reserve, VMM_DTB_ALIGN);

			if (t > p->ram_base + p->ram_size)
				t = p->ram_base + p->ram_size;
			if (p->nripas && b <= p->ripas_range[p->nripas - 1].top) {
				if (t > p->ripas_range[p->nripas - 1].top)
					p->ripas_range[p->nripas - 1].top = t;
				continue;
			}
			p->ripas_range[p->nripas].base = b;
			p->ripas_range[p->nripas++].top = t;
		}
	}
	for (unsigned i = 0; i < p->nregions; i++)
		if (p->region[i].what == VMM_IMG_DTB)
			p->dtb = p->region[i].data;
	return 0;
fail:
	vmm_plan_free(p);
	return -1;
}

void vmm_plan_free(struct vmm_plan *p)
{
	for (unsigned i = 0; i < p->nregions; i++)
		free(p->region[i].data);
	p->nregions = 0;
	p->dtb = NULL;
}
