/*
 * undef: instructions a realm may not use must raise an UNDEF (ESR_EL1.EC =
 * 0x00, IL = 1) at the realm's own vector (VBAR_EL1 + 0x200):
 *   - HVC #0 (a realm has no hypervisor to call);
 *   - MRS of an unimplemented system register, S3_7_C15_C15_7.
 * Each is reported as "<what> esr=.. elr=insn+<n>".  ELR for the MRS must be
 * the instruction.  For HVC, an UNDEF taken directly reports the HVC itself
 * (+0x0), while TF-RMM injects the UNDEF with the ELR of the trapped HVC, the
 * next instruction (+0x4); either is accepted.
 */
#include "rk.h"

u64 probe_hvc(void);
u64 probe_mrs(void);
extern const u32 probe_hvc_insn[], probe_mrs_insn[];

int main(void)
{
	u64 count, took, off;

	count = rk_exc.count;
	took = probe_hvc();
	CHECK_EQ("hvc traps", took, 1);
	CHECK_EQ("hvc one exception", rk_exc.count - count, 1);
	CHECK_EQ("hvc vector (current el, spx, sync)", rk_exc.vector, 0x200);
	CHECK_EQ("hvc esr.ec unknown", ESR_EC(rk_exc.esr), EC_UNKNOWN);
	CHECK_EQ("hvc esr.il", rk_exc.esr & ESR_IL, ESR_IL);
	off = rk_exc.elr - (u64)probe_hvc_insn;
	CHECK_TRUE("hvc elr is the hvc or the next instruction", off == 0 || off == 4);
	rk_printf("hvc esr=0x%lx elr=insn+0x%lx\n", rk_exc.esr, off);

	count = rk_exc.count;
	took = probe_mrs();
	CHECK_EQ("mrs s3_7_c15_c15_7 traps", took, 1);
	CHECK_EQ("mrs one exception", rk_exc.count - count, 1);
	CHECK_EQ("mrs vector (current el, spx, sync)", rk_exc.vector, 0x200);
	CHECK_EQ("mrs esr.ec unknown", ESR_EC(rk_exc.esr), EC_UNKNOWN);
	CHECK_EQ("mrs esr.il", rk_exc.esr & ESR_IL, ESR_IL);
	off = rk_exc.elr - (u64)probe_mrs_insn;
	CHECK_EQ("mrs elr is the mrs", off, 0);
	rk_printf("mrs esr=0x%lx elr=insn+0x%lx\n", rk_exc.esr, off);
	return 0;
}
