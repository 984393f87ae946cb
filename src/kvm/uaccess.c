// SPDX-License-Identifier: MIT
/*
 * copy_from_user / copy_to_user: the kernel's only way to touch ioctl
 * arguments.  process_vm_{readv,writev} on our own process honour the page
 * protections, so a bad user pointer is -EFAULT, never a crash.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kvm/internal.h"

/*
 * Our pid, asked once: glibc's getpid() is a system call each time, and every
 * ioctl argument is copied (a third of the syscalls of a demo run).  A forked
 * child forgets it.
 */
static pid_t self;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void forget_self(void)
{
	self = 0;
}

static void watch_fork(void)
{
	pthread_atfork(NULL, NULL, forget_self);
}

static pid_t self_pid(void)
{
	pid_t p = __atomic_load_n(&self, __ATOMIC_RELAXED);

	if (!p) {
		pthread_once(&self_once, watch_fork);
		p = getpid();
		__atomic_store_n(&self, p, __ATOMIC_RELAXED);
	}
	return p;
}

int rk_copy_from_user(void *dst, const void *user, size_t len)
{
	struct iovec local = { .iov_base = dst, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)user, .iov_len = len };

	if (!len)
		return 0;
	return process_vm_readv(self_pid(), &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

int rk_copy_to_user(void *user, const void *src, size_t len)
{
	struct iovec local = { .iov_base = (void *)src, .iov_len = len };
	struct iovec remote = { .iov_base = user, .iov_len = len };

	if (!len)
		return 0;
	return process_vm_writev(self_pid(), &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}
