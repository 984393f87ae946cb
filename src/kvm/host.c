// SPDX-License-Identifier: MIT
/*
 * The host kernel: the machine it runs on (DRAM + RMM), its files, and the
 * ioctl entry.  Files are memfds so that user space can poll, mmap, dup and
 * close them like real KVM files; a file's object is released once no user
 * fd refers to it any more, noticed at the reap points.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvm/internal.h"
#include "rmm/introspect.h"

struct rk_host *rk_host_create(const struct rk_host_config *cfg)
{
	struct rk_host *h = calloc(1, sizeof(*h));
	uint64_t dram = cfg && cfg->dram_size ? cfg->dram_size : 4ULL << 30;
	const char *chunk = getenv("REALMKIT_POPULATE_CHUNK");

	if (!h)
		return NULL;
	pthread_mutex_init(&h->lock, NULL);
	h->pas = pas_create(PAS_DEFAULT_DRAM_BASE, dram);
	if (!h->pas)
		goto fail;
	h->rmm = rmm_create(h->pas, NULL);
	if (!h->rmm || palloc_init(&h->pages, PAS_DEFAULT_DRAM_BASE, dram) < 0)
		goto fail;
	if (cfg && cfg->populate_chunk)
		h->populate_chunk = cfg->populate_chunk;
	else if (chunk)
		h->populate_chunk = strtoull(chunk, NULL, 0);
	h->vmid_used[0] = 1; /* VMID 0 stays free for the host */
	return h;
fail:
	rmm_destroy(h->rmm);
	pas_destroy(h->pas);
	free(h);
	return NULL;
}

static void file_release(struct rk_host *h, struct rk_file *f)
{
	struct rk_file **pp;

	for (pp = &h->files; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	switch (f->type) {
	case RK_FILE_VM:
		rk_vm_put(f->obj);
		break;
	case RK_FILE_VCPU:
		rk_vm_put(((struct rk_vcpu *)f->obj)->vm);
		break;
	case RK_FILE_GMEM:
		rk_vm_put(((struct rk_gmem *)f->obj)->vm);
		break;
	case RK_FILE_SYSTEM:
		break;
	}
	close(f->own);
	free(f);
}

void rk_host_destroy(struct rk_host *h)
{
	if (!h)
		return;
	/* VM files last, so vCPU and guest_memfd files find their VM. */
	for (int pass = 0; pass < 2; pass++)
		for (struct rk_file *f = h->files, *next; f; f = next) {
			next = f->next;
			if ((f->type == RK_FILE_VM) == (pass == 1))
				file_release(h, f);
		}
	palloc_fini(&h->pages);
	rmm_destroy(h->rmm);
	pas_destroy(h->pas);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

struct rk_file *rk_file_new(struct rk_host *h, enum rk_file_type type, void *obj,
			    const char *name, uint64_t size, int *fd_out)
{
	struct rk_file *f = calloc(1, sizeof(*f));
	struct stat st;
	int fd;

	if (!f)
		return NULL;
	fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		goto fail;
	if ((size && ftruncate(fd, (off_t)size) < 0) || fstat(fd, &st) < 0)
		goto fail_fd;
	f->own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (f->own < 0)
		goto fail_fd;
	f->type = type;
	f->obj = obj;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->next = h->files;
	h->files = f;
	*fd_out = fd;
	return f;
fail_fd:
	close(fd);
fail:
	free(f);
	return NULL;
}

static struct rk_file *file_lookup(struct rk_host *h, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return NULL;
	for (struct rk_file *f = h->files; f; f = f->next)
		if (f->dev == st.st_dev && f->ino == st.st_ino)
			return f;
	errno = ENOTTY; /* an fd, but not one of ours */
	return NULL;
}

static int host_reap(struct rk_host *h)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	uint64_t before = h->vms_live;
	unsigned nfiles = 0, i;
	unsigned *refs;
	struct rk_file **files;

	if (!d)
		return -1;
	for (struct rk_file *f = h->files; f; f = f->next)
		nfiles++;
	refs = calloc(nfiles + 1, sizeof(*refs));
	files = calloc(nfiles + 1, sizeof(*files));
	if (!refs || !files) {
		closedir(d);
		free(refs);
		free(files);
		return -1;
	}
	i = 0;
	for (struct rk_file *f = h->files; f; f = f->next)
		files[i++] = f;
	/* Count the fds (ours included) that refer to each of our files. */
	while ((e = readdir(d))) {
		struct stat st;
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.' || fd == dirfd(d) || fstat(fd, &st) < 0)
			continue;
		for (i = 0; i < nfiles; i++)
			if (files[i]->dev == st.st_dev && files[i]->ino == st.st_ino)
				refs[i]++;
	}
	closedir(d);
	/* Only our own dup left: user space has closed it.  vCPU and gmem files first. */
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < nfiles; i++)
			if (files[i] && refs[i] <= 1 &&
			    (files[i]->type == RK_FILE_VM) == (pass == 1)) {
				file_release(h, files[i]);
				files[i] = NULL;
			}
	free(refs);
	free(files);
	return (int)(before - h->vms_live);
}

int rk_host_reap(struct rk_host *h)
{
	int ret;

	pthread_mutex_lock(&h->lock);
	ret = host_reap(h);
	pthread_mutex_unlock(&h->lock);
	return ret;
}

int rk_open_kvm(struct rk_host *h)
{
	struct rk_file *f;
	int fd;

	pthread_mutex_lock(&h->lock);
	f = rk_file_new(h, RK_FILE_SYSTEM, NULL, "kvm", 0, &fd);
	pthread_mutex_unlock(&h->lock);
	return f ? fd : -1;
}

uint64_t rk_rmi(struct rk_host *h, uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
		uint64_t x4, uint64_t x5, struct smc_result *res)
{
	h->rmi_calls++;
	return rmm_call(h->rmm, fid, x1, x2, x3, x4, x5, res);
}

static int system_ioctl(struct rk_host *h, unsigned long req, unsigned long arg)
{
	switch (req) {
	case KVM_GET_API_VERSION:
		return KVM_API_VERSION;
	case KVM_CREATE_VM:
		host_reap(h);
		return rk_vm_create(h, arg);
	case KVM_CHECK_EXTENSION:
		return rk_check_extension(h, NULL, (long)arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		return RK_MMAP_SIZE;
	default:
		return -EINVAL; /* as arm64's kvm_arch_dev_ioctl() */
	}
}

int rk_ioctl(struct rk_host *h, int fd, unsigned long req, ...)
{
	struct rk_file *f;
	unsigned long arg;
	va_list ap;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	pthread_mutex_lock(&h->lock);
	f = file_lookup(h, fd);
	if (!f) {
		pthread_mutex_unlock(&h->lock);
		return -1; /* errno: EBADF from fstat, or ENOTTY */
	}
	switch (f->type) {
	case RK_FILE_SYSTEM:
		ret = system_ioctl(h, req, arg);
		break;
	case RK_FILE_VM:
		ret = rk_vm_ioctl(f->obj, req, (void *)(uintptr_t)arg);
		break;
	case RK_FILE_VCPU:
		ret = rk_vcpu_ioctl(f->obj, req, (void *)(uintptr_t)arg);
		break;
	default:
		ret = -ENOTTY; /* guest_memfd has no ioctls */
		break;
	}
	pthread_mutex_unlock(&h->lock);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

void rk_host_stats(struct rk_host *h, struct rk_host_stats *st)
{
	struct rmm_census c;

	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&h->lock);
	for (struct rk_file *f = h->files; f; f = f->next)
		st->files_live++;
	st->vms_live = h->vms_live;
	st->pages_used = h->pages.used;
	st->pages_leaked = h->pages.leaked;
	rmm_census(h->rmm, &c, false);
	st->granules_delegated = pas_granule_count(h->pas) - c.count[GRANULE_UNDELEGATED];
	st->rmi_calls = h->rmi_calls;
	st->bytes_copied = h->bytes_copied;
	st->syscalls = h->syscalls;
	pthread_mutex_unlock(&h->lock);
}

struct rmm *rk_host_rmm(struct rk_host *h)
{
	return h->rmm;
}
