// SPDX-License-Identifier: MIT
/* The ns16550a UART (register map from the 16550 data sheet; see uart.h). */
#include "vmm/uart.h"

#include <stdarg.h>
#include <string.h>

enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define LCR_DLAB  0x80
#define IER_RDI   0x01 /* received data available */
#define IER_THRI  0x02 /* transmitter holding register empty */
#define IIR_NONE  0x01
#define IIR_THRI  0x02
#define IIR_RDI   0x04
#define IIR_FIFO  0xc0
#define LSR_DR    0x01
#define LSR_THRE  0x20
#define LSR_TEMT  0x40
#define MCR_LOOP  0x10
#define MSR_LOOPBACK_BITS 0xf0

void uart_init(struct uart *u, FILE *out, bool flush_each)
{
	memset(u, 0, sizeof(*u));
	pthread_mutex_init(&u->lock, NULL);
	u->out = out;
	u->flush_each = flush_each;
	u->lcr = 0x03; /* 8N1 */
}

void uart_destroy(struct uart *u)
{
	if (u->out)
		fflush(u->out);
	pthread_mutex_destroy(&u->lock);
}

void uart_host_line(struct uart *u, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&u->lock);
	if (u->out) {
		va_start(ap, fmt);
		vfprintf(u->out, fmt, ap);
		va_end(ap);
		if (u->flush_each)
			fflush(u->out);
	}
	pthread_mutex_unlock(&u->lock);
}

static uint8_t iir(const struct uart *u)
{
	if ((u->ier & IER_RDI) && u->rx_len)
		return IIR_RDI;
	if ((u->ier & IER_THRI) && u->thre_pending)
		return IIR_THRI;
	return IIR_NONE;
}

static bool level(struct uart *u)
{
	u->irq_level = iir(u) != IIR_NONE;
	return u->irq_level;
}

bool uart_access(struct uart *u, unsigned off, bool is_write, uint64_t *val)
{
	uint8_t v = (uint8_t)*val, r = 0;
	bool irq;

	pthread_mutex_lock(&u->lock);
	if (is_write) {
		switch (off) {
		case RBR_THR:
			if (u->lcr & LCR_DLAB) {
				u->dll = v;
			} else if (!(u->mcr & MCR_LOOP)) {
				if (u->out) {
					fputc(v, u->out);
					if (u->flush_each || v == '\n')
						fflush(u->out);
				}
				u->thre_pending = true; /* the byte left at once */
			} else if (u->rx_len < sizeof(u->rx)) {
				u->rx[(u->rx_head + u->rx_len++) % sizeof(u->rx)] = v;
			}
			break;
		case IER:
			if (u->lcr & LCR_DLAB) {
				u->dlm = v;
			} else {
				/* Enabling the THR-empty interrupt raises it: the THR is empty. */
				if ((v & IER_THRI) && !(u->ier & IER_THRI))
					u->thre_pending = true;
				u->ier = v & 0x0f;
			}
			break;
		case IIR_FCR:
			u->fcr = v;
			if (v & 0x02) /* clear the receive FIFO */
				u->rx_len = 0;
			break;
		case LCR:
			u->lcr = v;
			break;
		case MCR:
			u->mcr = v & 0x1f;
			break;
		case SCR:
			u->scr = v;
			break;
		default: /* LSR, MSR: read-only */
			break;
		}
	} else {
		switch (off) {
		case RBR_THR:
			if (u->lcr & LCR_DLAB) {
				r = u->dll;
			} else if (u->rx_len) {
				r = u->rx[u->rx_head];
				u->rx_head = (u->rx_head + 1) % sizeof(u->rx);
				u->rx_len--;
			}
			break;
		case IER:
			r = u->lcr & LCR_DLAB ? u->dlm : u->ier;
			break;
		case IIR_FCR:
			r = iir(u);
			if (r == IIR_THRI)
				u->thre_pending = false;
			if (u->fcr & 0x01)
				r |= IIR_FIFO;
			break;
		case LCR:
			r = u->lcr;
			break;
		case MCR:
			r = u->mcr;
			break;
		case LSR:
			r = LSR_THRE | LSR_TEMT | (u->rx_len ? LSR_DR : 0);
			break;
		case MSR:
			/* Loopback: the modem outputs come back; otherwise DCD, DSR, CTS up. */
			r = u->mcr & MCR_LOOP ? (uint8_t)((u->mcr & 0x0f) << 4) : 0xb0;
			break;
		case SCR:
			r = u->scr;
			break;
		}
		*val = r;
	}
	irq = level(u);
	pthread_mutex_unlock(&u->lock);
	return irq;
}

size_t uart_input(struct uart *u, const uint8_t *b, size_t n, bool *irq)
{
	size_t i;

	pthread_mutex_lock(&u->lock);
	for (i = 0; i < n && u->rx_len < sizeof(u->rx); i++)
		u->rx[(u->rx_head + u->rx_len++) % sizeof(u->rx)] = b[i];
	*irq = level(u);
	pthread_mutex_unlock(&u->lock);
	return i;
}

bool uart_irq_level(struct uart *u)
{
	bool level;

	pthread_mutex_lock(&u->lock);
	level = u->irq_level;
	pthread_mutex_unlock(&u->lock);
	return level;
}
