/*
 * The spin guest's work: SPIN_ITERATIONS loop iterations of
 * SPIN_INSNS_PER_ITERATION instructions each (spin.S), so the loop retires
 * SPIN_ITERATIONS * SPIN_INSNS_PER_ITERATION = 400,000,000 instructions; the
 * rest of the guest (start-up, a few lines of output) is a few thousand.
 * The benchmark divides by the wall time from first REC_ENTER to SYSTEM_OFF.
 * Keep SPIN_ITERATIONS below 2^32 (two move-wide instructions load it).
 */
#ifndef SPIN_H
#define SPIN_H

#define SPIN_ITERATIONS		100000000
#define SPIN_INSNS_PER_ITERATION	4
/* spin_run()'s result for these parameters (computed on the build host). */
#define SPIN_CHECKSUM		0xc904d24b21b085ccUL

#endif
