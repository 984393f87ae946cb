/*
 * Probes that must each take an UNDEF (ESR_EL1.EC = 0) injected into the
 * realm.  Each arms rk_exc_resume with its label 1 and clears it afterwards;
 * probe_*_insn is the instruction itself.  They return 0 when nothing was
 * taken (x0 is set to 0 only after the instruction).
 */
	.text
	.global	probe_hvc, probe_hvc_insn
	.type	probe_hvc, %function
probe_hvc:
	adrp	x10, rk_exc_resume
	add	x10, x10, :lo12:rk_exc_resume
	adr	x9, 1f
	str	x9, [x10]
	mov	x0, #1
probe_hvc_insn:
	hvc	#0
	mov	x0, #0
1:	str	xzr, [x10]
	ret
	.size	probe_hvc, . - probe_hvc

	.global	probe_mrs, probe_mrs_insn
	.type	probe_mrs, %function
probe_mrs:
	adrp	x10, rk_exc_resume
	add	x10, x10, :lo12:rk_exc_resume
	adr	x9, 1f
	str	x9, [x10]
	mov	x0, #1
probe_mrs_insn:
	mrs	x1, S3_7_C15_C15_7	/* IMPLEMENTATION DEFINED space, unimplemented */
	mov	x0, #0
1:	str	xzr, [x10]
	ret
	.size	probe_mrs, . - probe_mrs
