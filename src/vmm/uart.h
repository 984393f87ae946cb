/* SPDX-License-Identifier: MIT */
/*
 * An ns16550a UART as the realm sees it at 0x01000000 (through its
 * unprotected alias): THR/RBR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR and the
 * divisor latch.  Output goes to a FILE; input is queued by the VMM's stdin
 * thread.  Its interrupt is a level: uart_irq_level() after every access.
 */
#ifndef REALMKIT_VMM_UART_H
#define REALMKIT_VMM_UART_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct uart {
	pthread_mutex_t lock;
	FILE *out;          /* NULL: output discarded */
	bool flush_each;    /* flush after every byte (interactive) */
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending;  /* THR-empty interrupt not yet acknowledged by reading IIR */
	uint8_t rx[256];
	unsigned rx_head, rx_len;
	bool irq_level;
};

void uart_init(struct uart *u, FILE *out, bool flush_each);
void uart_destroy(struct uart *u);
/* An access at @off (0..7) of @len bytes; reads fill *val.  Returns the IRQ level. */
bool uart_access(struct uart *u, unsigned off, bool is_write, uint64_t *val);
/* Queue input bytes; returns how many were taken. Returns the IRQ level in *irq. */
/* A line from the VMM itself on the console, between the realm's bytes (under the UART lock). */
void uart_host_line(struct uart *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t uart_input(struct uart *u, const uint8_t *b, size_t n, bool *irq);
/* The interrupt level after the last access or input. */
bool uart_irq_level(struct uart *u);

#endif
