/* SPDX-License-Identifier: MIT */
/*
 * VMM-side helpers for the experimental populate-by-write design
 * (KVM_REALMKIT_GMEM_SET_POPULATE, docs/KVM.md): moving an image into a
 * guest_memfd with splice(2) and with io_uring, as a VMM would, reporting
 * progress the way those interfaces do (bytes moved).  Used by the tests
 * and by bench_populate.
 */
#ifndef REALMKIT_TESTS_GMEM_IO_H
#define REALMKIT_TESTS_GMEM_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a copy did, from the VMM's side. */
struct gio_stats {
	uint64_t syscalls; /* splice(2) calls, or io_uring_enter(2) calls (submit + blocking waits) */
	uint64_t sqes, cqes;
	uint64_t short_ops; /* splices that moved less than asked (EOF, a drained pipe) */
	uint64_t work_units; /* units of the VMM's own work done while requests were in flight */
};

/*
 * splice(2) @len bytes of the file @in from @in_off into @out (a guest_memfd)
 * at @out_off, through a pipe, @chunk bytes per splice.  Stops early at the
 * end of @in.  Returns the bytes that reached @out, or -errno if none did
 * (the errno of the failing splice).
 */
int64_t gio_splice_file(int in, uint64_t in_off, int out, uint64_t out_off, uint64_t len,
			size_t chunk, struct gio_stats *st);

/* splice(2) from the read end of a pipe: @len bytes or until the writers are gone. */
int64_t gio_splice_pipe(int pipe_r, int out, uint64_t out_off, uint64_t len, size_t chunk,
			struct gio_stats *st);

/*
 * The same through io_uring: @qd chunks in flight at once, each a linked
 * pair (IORING_OP_SPLICE file -> its own pipe, then pipe -> @out at its
 * offset).  Short splices (EOF) are finished by a further pipe -> @out
 * request.  While requests are in flight the VMM thread calls @work (if
 * non-NULL) once per unit until it returns false, then waits for
 * completions.  Returns bytes that reached @out, or -errno (the first
 * failed CQE's res) if none did.
 */
int64_t gio_uring_file(int in, uint64_t in_off, int out, uint64_t out_off, uint64_t len,
		       unsigned qd, size_t chunk, bool (*work)(void *), void *arg,
		       struct gio_stats *st);

#endif
