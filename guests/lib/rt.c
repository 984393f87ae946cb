/*
 * realmkit guest runtime: console, checks, realm configuration, exception
 * dispatch, and the few libc functions a freestanding build still needs.
 */
#include "rk.h"
#include "rsi.h"
#include "psci.h"

#include <stdarg.h>

u64 rk_entry_x0, rk_entry_x1, rk_entry_daif, rk_entry_currentel, rk_entry_spsel;
u64 rk_ipa_width, rk_hash_algo, rk_shared_bit;
volatile u64 rk_failures;
volatile struct rk_exc_info rk_exc;
volatile u64 rk_exc_resume;

static u64 uart_thr;	/* THR at the UART's unprotected alias; 0 until rk_init */

/* RSI_REALM_CONFIG writes into this granule (inside RAM, in .bss). */
static struct rsi_realm_config config RK_ALIGNED(4096);

static void silent_off(void) RK_NORETURN;
static void silent_off(void)
{
	for (;;)
		psci_system_off();
}

/*
 * Ask the RMM for the IPA width; the top bit of the IPA space selects the
 * unprotected alias, where the UART is.  Without a usable answer nothing can
 * be printed, so the guest just powers off (the test sees no PASS).
 */
void rk_init(void);
void rk_init(void)
{
	if (rsi_realm_config((u64)&config) != RSI_SUCCESS)
		silent_off();
	rk_ipa_width = config.ipa_width;
	rk_hash_algo = config.algorithm;
	/* RAM at 0x80000000 must be protected: at least 33 bits; at most 52. */
	if (rk_ipa_width < 33 || rk_ipa_width > 52)
		silent_off();
	rk_shared_bit = 1UL << (rk_ipa_width - 1);
	uart_thr = RK_UART_BASE | rk_shared_bit;
}

void rk_putc(char c)
{
	if (!uart_thr)
		return;
	/* One byte store to THR; LSR is not polled (the contract allows no reads). */
	__asm__ volatile("strb %w0, [%1]" : : "r"(c), "r"(uart_thr) : "memory");
}

void rk_puts(const char *s)
{
	while (*s)
		rk_putc(*s++);
}

static void put_hex(u64 v)
{
	char buf[16];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	while (n)
		rk_putc(buf[--n]);
}

static void put_dec(u64 v)
{
	char buf[20];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		rk_putc(buf[--n]);
}

void rk_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			rk_putc(*fmt);
			continue;
		}
		fmt++;
		int lng = 0;
		if (*fmt == 'l') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			rk_puts(va_arg(ap, const char *));
			break;
		case 'c':
			rk_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			s64 v = lng ? va_arg(ap, s64) : va_arg(ap, int);
			if (v < 0) {
				rk_putc('-');
				put_dec(-(u64)v);
			} else {
				put_dec((u64)v);
			}
			break;
		}
		case 'u':
			put_dec(lng ? va_arg(ap, u64) : va_arg(ap, unsigned int));
			break;
		case 'x':
			put_hex(lng ? va_arg(ap, u64) : va_arg(ap, unsigned int));
			break;
		case '%':
			rk_putc('%');
			break;
		default:	/* unsupported: print it as is */
			rk_putc('%');
			if (!*fmt)
				goto out;
			rk_putc(*fmt);
			break;
		}
	}
out:
	va_end(ap);
}

void rk_print_bytes(const void *p, u64 n)
{
	const u8 *b = p;

	for (u64 i = 0; i < n; i++) {
		rk_putc("0123456789abcdef"[b[i] >> 4]);
		rk_putc("0123456789abcdef"[b[i] & 0xf]);
	}
}

int rk_check(const char *what, u64 got, u64 want)
{
	if (got == want) {
		rk_printf("ok %s\n", what);
		return 1;
	}
	rk_printf("FAIL %s got=0x%lx want=0x%lx\n", what, got, want);
	rk_failures++;
	return 0;
}

int rk_check2(const char *prefix, const char *what, u64 got, u64 want)
{
	if (got == want) {
		rk_printf("ok %s %s\n", prefix, what);
		return 1;
	}
	rk_printf("FAIL %s %s got=0x%lx want=0x%lx\n", prefix, what, got, want);
	rk_failures++;
	return 0;
}

void rk_finish(void)
{
	if (rk_failures)
		rk_printf("FAILED %lu\n", (u64)rk_failures);
	else
		rk_puts("PASS\n");
	for (;;)
		psci_system_off();
}

u64 rk_ipa_state_set_all(u64 base, u64 top, u64 ripas, u64 flags, u64 *next, u64 *response)
{
	u64 st = RSI_SUCCESS;

	*next = base;
	*response = RSI_ACCEPT;
	for (int i = 0; i < 64 && *next < top; i++) {
		st = rsi_ipa_state_set(*next, top, ripas, flags, next, response);
		if (st != RSI_SUCCESS || *response != RSI_ACCEPT)
			break;
	}
	return st;
}

/* Called from the vectors in start.S with the saved registers. */
void rk_exception(struct rk_exc_frame *f, u64 vector);
void rk_exception(struct rk_exc_frame *f, u64 vector)
{
	u64 resume = rk_exc_resume;

	rk_exc.count++;
	rk_exc.vector = vector;
	rk_exc.esr = f->esr;
	rk_exc.far = f->far;
	rk_exc.elr = f->elr;
	rk_exc.spsr = f->spsr;
	if (resume) {
		rk_exc_resume = 0;
		f->elr = resume;
		return;
	}
	rk_printf("FAIL unexpected exception vector=0x%lx elr=0x%lx far=0x%lx got=0x%lx want=0x0\n",
		  vector, f->elr, f->far, f->esr);
	rk_failures++;
	rk_finish();
}

__attribute__((weak)) void secondary_main(u64 ctx)
{
	(void)ctx;
}

void *memset(void *d, int c, unsigned long n)
{
	u8 *p = d;

	while (n--)
		*p++ = (u8)c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	u8 *p = d;
	const u8 *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

int memcmp(const void *a, const void *b, unsigned long n)
{
	const u8 *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p < *q ? -1 : 1;
	return 0;
}
