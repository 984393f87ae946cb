// SPDX-License-Identifier: MIT
#include "gmem_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <liburing.h>

/* A pipe that holds at least @chunk bytes; returns its size, or -errno. */
static long pipe_of(int p[2], size_t chunk)
{
	long sz;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	sz = fcntl(p[1], F_SETPIPE_SZ, (int)(chunk < 4096 ? 4096 : chunk));
	if (sz < 0)
		sz = fcntl(p[1], F_GETPIPE_SZ);
	if (sz < 0) {
		sz = -errno;
		close(p[0]);
		close(p[1]);
	}
	return sz;
}

/* Move @n bytes that are in the pipe into @out at *@off. */
static int64_t drain(int pipe_r, int out, loff_t *off, size_t n, struct gio_stats *st)
{
	int64_t done = 0;

	while ((size_t)done < n) {
		ssize_t m = splice(pipe_r, NULL, out, off, n - (size_t)done, 0);

		st->syscalls++;
		if (m <= 0)
			return m < 0 ? -errno : -EIO;
		if ((size_t)m < n - (size_t)done)
			st->short_ops++;
		done += m;
	}
	return done;
}

int64_t gio_splice_file(int in, uint64_t in_off, int out, uint64_t out_off, uint64_t len,
			size_t chunk, struct gio_stats *st)
{
	loff_t ioff = (loff_t)in_off, ooff = (loff_t)out_off;
	int64_t done = 0, err = 0;
	int p[2];
	long psz = pipe_of(p, chunk);

	if (psz < 0)
		return psz;
	if ((size_t)psz < chunk)
		chunk = (size_t)psz;
	while ((uint64_t)done < len) {
		size_t want = len - (uint64_t)done < chunk ? (size_t)(len - (uint64_t)done) : chunk;
		ssize_t n = splice(in, &ioff, p[1], NULL, want, 0);
		int64_t m;

		st->syscalls++;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break; /* end of the file */
		if ((size_t)n < want)
			st->short_ops++;
		m = drain(p[0], out, &ooff, (size_t)n, st);
		if (m < 0) {
			err = m;
			break;
		}
		done += m;
	}
	close(p[0]);
	close(p[1]);
	return done ? done : err;
}

int64_t gio_splice_pipe(int pipe_r, int out, uint64_t out_off, uint64_t len, size_t chunk,
			struct gio_stats *st)
{
	loff_t ooff = (loff_t)out_off;
	int64_t done = 0;

	while ((uint64_t)done < len) {
		size_t want = len - (uint64_t)done < chunk ? (size_t)(len - (uint64_t)done) : chunk;
		ssize_t n = splice(pipe_r, NULL, out, &ooff, want, 0);

		st->syscalls++;
		if (n < 0)
			return done ? done : -errno;
		if (n == 0)
			break; /* no writers left */
		if ((size_t)n < want)
			st->short_ops++;
		done += n;
	}
	return done;
}

/* ---- io_uring ---- */

enum { ST_FILL, ST_MOVE, ST_DRAIN };

struct slot {
	int p[2];
	bool busy;
	uint64_t dst;   /* where the pipe's bytes go next */
	size_t want;    /* bytes asked of the file */
	size_t in_pipe; /* bytes in the pipe, not yet moved */
};

#define UD(slot, stage) ((uint64_t)(slot) << 2 | (stage))

struct ring_ctx {
	struct io_uring ring;
	struct slot *s;
	unsigned qd;
	int out;
	struct gio_stats *st;
};

static struct io_uring_sqe *sqe_get(struct ring_ctx *c)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&c->ring);

	if (!sqe) { /* the SQ is sized for every slot's requests; flush if ever full */
		io_uring_submit(&c->ring);
		c->st->syscalls++;
		sqe = io_uring_get_sqe(&c->ring);
	}
	return sqe;
}

static void queue_move(struct ring_ctx *c, unsigned i, unsigned stage)
{
	struct slot *s = &c->s[i];
	struct io_uring_sqe *sqe = sqe_get(c);

	io_uring_prep_splice(sqe, s->p[0], -1, c->out, (int64_t)s->dst, (unsigned)s->in_pipe, 0);
	sqe->user_data = UD(i, stage);
	c->st->sqes++;
}

int64_t gio_uring_file(int in, uint64_t in_off, int out, uint64_t out_off, uint64_t len,
		       unsigned qd, size_t chunk, bool (*work)(void *), void *arg,
		       struct gio_stats *st)
{
	struct ring_ctx c = { .qd = qd ? qd : 1, .out = out, .st = st };
	uint64_t next = 0, end = len;
	int64_t done = 0, err = 0;
	unsigned busy = 0;
	bool more_work = work != NULL;
	int ret;

	c.s = calloc(c.qd, sizeof(*c.s));
	if (!c.s)
		return -ENOMEM;
	for (unsigned i = 0; i < c.qd; i++)
		c.s[i].p[0] = c.s[i].p[1] = -1;
	ret = io_uring_queue_init(2 * c.qd + 2, &c.ring, 0);
	if (ret < 0) {
		free(c.s);
		return ret;
	}
	for (unsigned i = 0; i < c.qd; i++) {
		long psz = pipe_of(c.s[i].p, chunk);

		if (psz < 0) {
			err = psz;
			goto out;
		}
		if ((size_t)psz < chunk)
			chunk = (size_t)psz;
	}
	for (;;) {
		struct io_uring_cqe *cqe;

		/* Keep every free slot busy: a linked pair per chunk. */
		for (unsigned i = 0; i < c.qd && next < end && !err; i++) {
			struct slot *s = &c.s[i];
			struct io_uring_sqe *sqe;

			if (s->busy)
				continue;
			s->busy = true;
			busy++;
			s->want = end - next < chunk ? (size_t)(end - next) : chunk;
			s->dst = out_off + next;
			s->in_pipe = 0;
			sqe = sqe_get(&c);
			io_uring_prep_splice(sqe, in, (int64_t)(in_off + next), s->p[1], -1,
					     (unsigned)s->want, 0);
			sqe->flags |= IOSQE_IO_LINK;
			sqe->user_data = UD(i, ST_FILL);
			s->in_pipe = s->want; /* what the linked move asks for */
			queue_move(&c, i, ST_MOVE);
			st->sqes++;
			next += s->want;
		}
		if (io_uring_sq_ready(&c.ring)) {
			io_uring_submit(&c.ring);
			st->syscalls++;
		}
		if (!busy)
			break;
		/* The VMM's own work while the kernel moves the bytes. */
		while (more_work && io_uring_peek_cqe(&c.ring, &cqe) == -EAGAIN) {
			more_work = work(arg);
			st->work_units++;
		}
		if (io_uring_peek_cqe(&c.ring, &cqe) == -EAGAIN) {
			st->syscalls++;
			ret = io_uring_wait_cqe(&c.ring, &cqe);
			if (ret < 0) {
				err = ret;
				break;
			}
		}
		do {
			unsigned i = (unsigned)(cqe->user_data >> 2), stage = cqe->user_data & 3;
			struct slot *s = &c.s[i];
			int res = cqe->res;

			io_uring_cqe_seen(&c.ring, cqe);
			st->cqes++;
			if (stage == ST_FILL) {
				if (res < 0) {
					err = err ? err : res;
					s->in_pipe = 0;
				} else {
					s->in_pipe = (size_t)res;
					if ((size_t)res < s->want) {
						/* End of the file: nothing to schedule past it. */
						st->short_ops++;
						uint64_t eof = s->dst - out_off + (uint64_t)res;

						if (eof < end)
							end = eof;
					}
				}
				continue;
			}
			if (res > 0) {
				done += res;
				s->dst += (uint64_t)res;
				s->in_pipe -= (size_t)res;
				if ((size_t)res < s->in_pipe + (size_t)res)
					st->short_ops++;
			} else if (res < 0 && res != -ECANCELED) {
				err = err ? err : res;
				s->in_pipe = 0;
			}
			/* A short fill breaks the link (-ECANCELED): move what the pipe holds. */
			if (s->in_pipe && !err) {
				queue_move(&c, i, ST_DRAIN);
				continue;
			}
			s->busy = false;
			busy--;
		} while (io_uring_peek_cqe(&c.ring, &cqe) == 0);
		if (err && !busy)
			break;
	}
	/* The VMM's remaining work, once the copy is done. */
	while (more_work) {
		more_work = work(arg);
		st->work_units++;
	}
out:
	io_uring_queue_exit(&c.ring);
	for (unsigned i = 0; i < c.qd; i++) {
		if (c.s[i].p[0] >= 0)
			close(c.s[i].p[0]);
		if (c.s[i].p[1] >= 0)
			close(c.s[i].p[1]);
	}
	free(c.s);
	return done ? done : err;
}
