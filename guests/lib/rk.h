/*
 * realmkit guest runtime: the freestanding pieces every guest links.
 *
 * The environment (see guests/README.md): entered at 0x80000000 at EL1h,
 * MMU and caches off, DAIF masked, x0 = 0.  start.S sets up the stack,
 * clears .bss, installs rk_vectors in VBAR_EL1, asks RSI_REALM_CONFIG for the
 * IPA width (rk_init), then calls main() and ends with rk_finish().
 *
 * Output protocol: one line per check, "ok <what>" or
 * "FAIL <what> got=<hex> want=<hex>", then "PASS" or "FAILED <n>", then PSCI
 * SYSTEM_OFF.  Any other line is informational.
 */
#ifndef RK_H
#define RK_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long s64;
typedef int s32;

#define RK_RAM_BASE	0x80000000UL
#define RK_RAM_MIN	0x200000UL	/* RAM is at least 2 MiB */
#define RK_UART_BASE	0x01000000UL	/* ns16550a, reached at its unprotected alias */
#define RK_GRANULE	0x1000UL
#define RK_MAX_CPUS	4		/* stacks in start.S */

#define RK_ALIGNED(n)	__attribute__((aligned(n)))
#define RK_NORETURN	__attribute__((noreturn))
#define RK_PRINTF(f, a)	__attribute__((format(printf, f, a)))

/* Filled in by start.S (entry state) and rk_init (realm configuration). */
extern u64 rk_entry_x0, rk_entry_x1, rk_entry_daif, rk_entry_currentel, rk_entry_spsel;
extern u64 rk_ipa_width;	/* from RSI_REALM_CONFIG */
extern u64 rk_hash_algo;	/* from RSI_REALM_CONFIG: 0 SHA-256, 1 SHA-512 */
extern u64 rk_shared_bit;	/* 1 << (rk_ipa_width - 1) */
extern volatile u64 rk_failures;

/* Console. */
void rk_putc(char c);
void rk_puts(const char *s);
void rk_printf(const char *fmt, ...) RK_PRINTF(1, 2);	/* %s %c %d %u %lu %lx %% */
void rk_print_bytes(const void *p, u64 n);		/* lowercase hex, no separators */

/* Checks: print "ok <what>" or "FAIL <what> got=0x.. want=0x.." and count failures. */
int rk_check(const char *what, u64 got, u64 want);
/* The same with the description in two parts, printed "<prefix> <what>". */
int rk_check2(const char *prefix, const char *what, u64 got, u64 want);
#define CHECK_EQ(what, got, want) rk_check((what), (u64)(got), (u64)(want))
#define CHECK_TRUE(what, cond) rk_check((what), (u64)((cond) ? 1 : 0), 1)

/* Print PASS / FAILED <n>, then PSCI SYSTEM_OFF. */
void rk_finish(void) RK_NORETURN;

/* Freestanding helpers (gcc may also emit calls to these). */
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
int memcmp(const void *a, const void *b, unsigned long n);

static inline void rk_dmb(void) { __asm__ volatile("dmb sy" ::: "memory"); }

/* ---- Exceptions (vectors in start.S) ---- */
struct rk_exc_frame {
	u64 x[31];
	u64 elr, spsr, esr, far;
	u64 pad;
};

/* The last exception taken, and how many were taken. */
struct rk_exc_info {
	u64 count;
	u64 vector;	/* offset in the table: 0x200 = current EL, SPx, synchronous */
	u64 esr, far, elr, spsr;
};
extern volatile struct rk_exc_info rk_exc;

/*
 * Arm a recovery: the next exception (any vector) is recorded in rk_exc and
 * execution resumes at 'resume' (ELR_EL1 is replaced) instead of failing the
 * guest.  The handler disarms it.  An exception while nothing is armed prints
 * "FAIL unexpected exception ..." and ends the guest.
 */
extern volatile u64 rk_exc_resume;

#define ESR_EC(esr)	(((esr) >> 26) & 0x3f)
#define ESR_IL		(1UL << 25)
#define ESR_DFSC(esr)	((esr) & 0x3f)
#define EC_UNKNOWN	0x00
#define EC_DABT_CUR	0x25
#define DFSC_SEA	0x10

/*
 * probe.S: u64 rk_probe_load64(u64 addr) loads 8 bytes at addr with the
 * instruction at rk_probe_load64_insn; if it faults, the handler resumes after
 * it and the function returns RK_PROBE_FAULTED.
 */
#define RK_PROBE_FAULTED 0xfa017ed0fa017ed0UL
u64 rk_probe_load64(u64 addr);
extern const u32 rk_probe_load64_insn[];

/* Secondary CPUs: start.S's rk_secondary_entry calls this (weak default: CPU_OFF). */
void secondary_main(u64 ctx);
extern const u32 rk_secondary_entry[];

int main(void);

#endif
