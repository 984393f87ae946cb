/*
 * Guest entry, secondary CPU entry and the exception vector table.
 *
 * Boot CPU: entered at 0x80000000 (this file's .text.start is linked first)
 * at EL1h with the MMU off, DAIF masked and x0 = 0 (x1 = the DTB under
 * realmkit run, 0 under the test VMM; both kept for fdt.h).
 * Secondary CPUs (PSCI CPU_ON with entry = rk_secondary_entry): x0 = context
 * id; its low two bits select the CPU's stack (1 + (ctx & 3)), so a guest
 * gives each secondary CPU a context id with distinct low bits.
 */
#define STACK_SIZE	0x2000
#define NR_STACKS	5		/* boot CPU + RK_MAX_CPUS secondaries */
#define FRAME_SIZE	288		/* struct rk_exc_frame */

	.section .text.start, "ax"
	.global _start
_start:
	mov	x19, x0			/* entry state, stored once .bss is clear */
	mov	x23, x1			/* x1: the DTB from realmkit run (raw images) */
	mrs	x20, daif
	mrs	x21, CurrentEL
	mrs	x22, SPSel
	msr	daifset, #0xf

	adrp	x0, rk_vectors
	add	x0, x0, :lo12:rk_vectors
	msr	vbar_el1, x0
	isb

	adrp	x0, rk_stacks
	add	x0, x0, :lo12:rk_stacks
	add	x0, x0, #STACK_SIZE	/* stack 0: the boot CPU */
	mov	sp, x0

	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:
	adrp	x0, rk_entry_x0
	str	x19, [x0, :lo12:rk_entry_x0]
	adrp	x0, rk_entry_x1
	str	x23, [x0, :lo12:rk_entry_x1]
	adrp	x0, rk_entry_daif
	str	x20, [x0, :lo12:rk_entry_daif]
	adrp	x0, rk_entry_currentel
	str	x21, [x0, :lo12:rk_entry_currentel]
	adrp	x0, rk_entry_spsel
	str	x22, [x0, :lo12:rk_entry_spsel]

	bl	rk_init
	bl	main
	bl	rk_finish		/* does not return */
3:	b	3b

	.text
	.global rk_secondary_entry
	.type	rk_secondary_entry, %function
rk_secondary_entry:
	msr	daifset, #0xf
	adrp	x1, rk_vectors
	add	x1, x1, :lo12:rk_vectors
	msr	vbar_el1, x1
	isb
	and	x1, x0, #3
	add	x1, x1, #2		/* top of stack 1 + (ctx & 3) */
	mov	x2, #STACK_SIZE
	mul	x1, x1, x2
	adrp	x2, rk_stacks
	add	x2, x2, :lo12:rk_stacks
	add	x1, x2, x1
	mov	sp, x1
	bl	secondary_main		/* x0 = context id */
	movz	x0, #0x0002		/* PSCI CPU_OFF 0x84000002 */
	movk	x0, #0x8400, lsl #16
	smc	#0
4:	b	4b
	.size	rk_secondary_entry, . - rk_secondary_entry

/*
 * VBAR_EL1 table: 16 entries of 0x80 bytes.  Every entry saves the registers
 * into a struct rk_exc_frame on the current stack and calls
 * rk_exception(frame, vector offset); ELR_EL1/SPSR_EL1 are restored from the
 * frame (rk_exception may change elr) before eret.
 */
	.section .text.vectors, "ax"
	.balign	2048
	.global	rk_vectors
rk_vectors:
	.irp	off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\off
	b	rk_exc_common
	.endr

rk_exc_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #248]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #264]
	mov	x0, sp
	bl	rk_exception
	ldp	x2, x3, [sp, #248]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #FRAME_SIZE
	eret

	.bss
	.balign	16
	.global	rk_stacks
rk_stacks:
	.skip	STACK_SIZE * NR_STACKS
