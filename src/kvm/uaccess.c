// SPDX-License-Identifier: MIT
/*
 * copy_from_user / copy_to_user: the kernel's only way to touch ioctl
 * arguments.  process_vm_{readv,writev} on our own process honour the page
 * protections, so a bad user pointer is -EFAULT, never a crash.
 */
#include <errno.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kvm/internal.h"

int rk_copy_from_user(void *dst, const void *user, size_t len)
{
	struct iovec local = { .iov_base = dst, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)user, .iov_len = len };

	if (!len)
		return 0;
	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

int rk_copy_to_user(void *user, const void *src, size_t len)
{
	struct iovec local = { .iov_base = (void *)src, .iov_len = len };
	struct iovec remote = { .iov_base = user, .iov_len = len };

	if (!len)
		return 0;
	return process_vm_writev(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}
