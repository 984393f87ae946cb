/*
 * spin: a compute-bound realm for the performance benchmark (instructions
 * per second of the vCPU).  Runs spin_run() (spin.S, parameters in spin.h:
 * 100,000,000 iterations x 4 instructions), prints the iteration count and
 * the checksum, and powers off.  No RSI call inside the loop, no exits.
 */
#include "rk.h"
#include "spin.h"

u64 spin_run(void);

int main(void)
{
	rk_printf("spin iterations=%lu insns_per_iteration=%u\n", (u64)SPIN_ITERATIONS,
		  SPIN_INSNS_PER_ITERATION);
	u64 sum = spin_run();
	rk_printf("spin checksum=0x%lx\n", sum);
	CHECK_EQ("spin checksum", sum, SPIN_CHECKSUM);
	return 0;
}
