// SPDX-License-Identifier: MIT
/*
 * The host kernel: the machine it runs on (DRAM + RMM), its files, and the
 * ioctl entry.  Files are memfds so that user space can poll, mmap, dup and
 * close them like real KVM files.
 *
 * Noticing that a file is closed, as the kernel's final fput() does: the fd
 * user space gets is a second open of the memfd (through /proc/self/fd), on
 * which the kernel reports the release of the open file (IN_CLOSE: the last
 * fd and the last mapping of it gone) to one inotify instance per host.  The
 * memfd's own description, which reports nothing, is where KVM maps a vCPU's
 * struct kvm_run for itself.  No extra fd per file, and the cost of noticing
 * does not depend on how many files are open: the reap points read the
 * pending events.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvm/internal.h"
#include "kvm/rmi.h"
#include "attest/attest.h"
#include "rmm/introspect.h"

/* REALMKIT_POPULATE_CHUNK: a decimal number of pages, 0 to RK_POPULATE_CHUNK_MAX. */
static bool parse_chunk(const char *s, uint64_t *v)
{
	char *end;

	if (!s[0] || s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end && *v <= RK_POPULATE_CHUNK_MAX;
}

/*
 * What Linux v14 does at boot with an RMM 2.0 (arm64 RMI init): VERSION
 * 2.0, FEATURES 0 and 1, RMM_CONFIG_SET (4 KiB granules, 1 GiB tracking
 * regions), RMM_ACTIVATE, then GRANULE_TRACKING_GET for its memory and
 * GPT_L1_CREATE per level-0 GPT entry (ERROR_GPT: the table exists).
 */
static int rmm2_bringup(struct rk_host *h, uint64_t dram)
{
	uint64_t cfg, x0;

	if (rmi_version(h, RMI2_ABI_VERSION, NULL, NULL) != RMI_RET(RMI_SUCCESS, 0))
		return -1;
	rmi_features(h, 0);
	if (!(rmi_features(h, 1) & (1UL << RMI2_FEATURE_REGISTER_1_GRAN_4K_SHIFT)))
		return -1;
	cfg = palloc_get(&h->pages);
	if (!cfg)
		return -1;
	memset(pas_host_va(h->pas, cfg), 0, GRANULE_SIZE); /* 4 KiB granules, 1 GiB regions */
	x0 = rmi2_rmm_config_set(h, cfg);
	palloc_put(&h->pages, cfg);
	if (!rmi_ok(x0) || !rmi_ok(rmi2_rmm_activate(h)))
		return -1;
	for (uint64_t b = PAS_DEFAULT_DRAM_BASE; b < PAS_DEFAULT_DRAM_BASE + dram; b += 1UL << 30) {
		uint64_t top = b + (1UL << 30), category;

		if (!rmi_ok(rmi2_granule_tracking_get(h, b, top, &category)) ||
		    category != RMI2_TRACKING_FINE)
			return -1;
		x0 = rmi2_gpt_l1_create(h, b);
		if (x0 != RMI_RET(RMI_SUCCESS, 0) && x0 != RMI_RET(RMI2_ERROR_GPT, 0))
			return -1;
	}
	return 0;
}

uint64_t rk_rmi_delegate(struct rk_host *h, uint64_t pa, bool delegate)
{
	uint64_t x0, top = 0;

	if (!h->rmi_v2)
		return delegate ? rmi_granule_delegate(h, pa) : rmi_granule_undelegate(h, pa);
	x0 = delegate ? rmi2_granule_range_delegate(h, pa, pa + GRANULE_SIZE, &top)
		      : rmi2_granule_range_undelegate(h, pa, pa + GRANULE_SIZE, &top);
	return rmi_ok(x0) && top != pa + GRANULE_SIZE ? RMI_RET(RMI_ERROR_INPUT, 0) : x0;
}

unsigned rk_default_rmm(void)
{
	const char *env = getenv("REALMKIT_RMM");

	if (!env)
		return RK_RMM_2_0; /* what a v14 host drives (docs/RMM2.md) */
	if (!strcmp(env, "1.0"))
		return RK_RMM_1_0;
	return strcmp(env, "2.0") ? 0 : RK_RMM_2_0;
}

struct rk_host *rk_host_create(const struct rk_host_config *cfg)
{
	struct rk_host *h;
	pthread_mutexattr_t ma;
	uint64_t dram = cfg && cfg->dram_size ? cfg->dram_size : 4ULL << 30;
	const char *chunk = getenv("REALMKIT_POPULATE_CHUNK"), *env_rmm = getenv("REALMKIT_RMM");
	unsigned rmm = cfg ? cfg->rmm : 0;
	struct rmm_platform plat;
	uint64_t env_chunk = 0;

	if (!rmm) {
		rmm = rk_default_rmm();
		if (!rmm) {
			fprintf(stderr, "realmkit: REALMKIT_RMM=\"%s\" is not an RMM version "
					"(1.0 or 2.0)\n", env_rmm);
			errno = EINVAL;
			return NULL;
		}
	}
	if (rmm != RK_RMM_1_0 && rmm != RK_RMM_2_0) {
		errno = EINVAL;
		return NULL;
	}
	if (chunk && !(cfg && cfg->populate_chunk) && !parse_chunk(chunk, &env_chunk)) {
		fprintf(stderr, "realmkit: REALMKIT_POPULATE_CHUNK=\"%s\" is not a number of pages "
				"from 0 (no limit) to %llu\n",
			chunk, (unsigned long long)RK_POPULATE_CHUNK_MAX);
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	/* Short stretches on every ioctl of every vCPU thread: spin a little before sleeping. */
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
	pthread_mutex_init(&h->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	h->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (h->ifd < 0) {
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	h->pas = pas_create(PAS_DEFAULT_DRAM_BASE, dram);
	if (!h->pas)
		goto fail;
	{
		struct att_platform ap;
		char err[256];
		EVP_PKEY *key = NULL;

		rmm_platform_default(&plat);
		plat.rmi_v2 = h->rmi_v2 = rmm == RK_RMM_2_0;
		plat.attest_cmw = cfg && cfg->token_cmw;
		plat.prepare_ahead = true; /* a host runs the realms it creates */
		if (cfg && cfg->platform_key) {
			key = att_load_private_pem(cfg->platform_key, err, sizeof(err));
			if (!key) {
				fprintf(stderr, "realmkit: platform key %s\n", err);
				errno = EINVAL;
				goto fail;
			}
			if (!att_platform_init(&ap, key))
				goto fail;
			plat.attest = &ap;
		}
		h->rmm = rmm_create(h->pas, &plat);
		if (key)
			att_platform_free(&ap);
	}
	if (!h->rmm || palloc_init(&h->pages, PAS_DEFAULT_DRAM_BASE, dram) < 0)
		goto fail;
	if (h->rmi_v2 && rmm2_bringup(h, dram) < 0)
		goto fail;
	h->populate_chunk = cfg && cfg->populate_chunk ? cfg->populate_chunk : env_chunk;
	h->vmid_used[0] = 1; /* VMID 0 stays free for the host */
	return h;
fail:
	rmm_destroy(h->rmm);
	pas_destroy(h->pas);
	close(h->ifd);
	pthread_mutex_destroy(&h->lock);
	free(h);
	return NULL;
}

#define FILE_HASH(ino) ((unsigned)((ino) % RK_FILE_BUCKETS))
#define WD_HASH(wd)    ((unsigned)(wd) % RK_FILE_BUCKETS)

static void file_unlink(struct rk_host *h, struct rk_file *f)
{
	struct rk_file **pp;

	for (pp = &h->files; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	for (pp = &h->by_ino[FILE_HASH(f->ino)]; *pp; pp = &(*pp)->ino_next)
		if (*pp == f) {
			*pp = f->ino_next;
			break;
		}
	for (pp = &h->by_wd[WD_HASH(f->wd)]; *pp; pp = &(*pp)->wd_next)
		if (*pp == f) {
			*pp = f->wd_next;
			break;
		}
	h->nfiles--;
}

static void file_release(struct rk_host *h, struct rk_file *f)
{
	file_unlink(h, f);
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
	case RK_FILE_DEVICE:
		rk_vm_put(((struct rk_vgic *)f->obj)->vm);
		break;
	case RK_FILE_SYSTEM:
		break;
	}
	/* The watch goes with the inode; removing it first is harmless either way. */
	inotify_rm_watch(h->ifd, f->wd);
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
	close(h->ifd);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

struct rk_file *rk_file_new(struct rk_host *h, enum rk_file_type type, void *obj,
			    const char *name, uint64_t size, void **map, int *fd_out)
{
	struct rk_file *f = calloc(1, sizeof(*f));
	char path[64];
	struct stat st;
	int orig, fd = -1;

	if (!f)
		return NULL;
	orig = memfd_create(name, MFD_CLOEXEC | (type == RK_FILE_GMEM ? MFD_ALLOW_SEALING : 0));
	if (orig < 0)
		goto fail;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", orig);
	if ((size && ftruncate(orig, (off_t)size) < 0) || fstat(orig, &st) < 0)
		goto fail_orig;
	/* A guest_memfd has a fixed size: writes past its end fail (EPERM), as do resizes. */
	if (type == RK_FILE_GMEM &&
	    fcntl(orig, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0)
		goto fail_orig;
	if (map) {
		*map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, orig, 0);
		if (*map == MAP_FAILED)
			goto fail_orig;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		goto fail_map;
	f->wd = inotify_add_watch(h->ifd, path, IN_CLOSE);
	if (f->wd < 0)
		goto fail_map;
	close(orig);
	f->type = type;
	f->obj = obj;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->next = h->files;
	h->files = f;
	f->ino_next = h->by_ino[FILE_HASH(f->ino)];
	h->by_ino[FILE_HASH(f->ino)] = f;
	f->wd_next = h->by_wd[WD_HASH(f->wd)];
	h->by_wd[WD_HASH(f->wd)] = f;
	h->nfiles++;
	*fd_out = fd;
	return f;
fail_map:
	if (fd >= 0)
		close(fd);
	if (map) {
		munmap(*map, size);
		*map = NULL;
	}
fail_orig:
	close(orig);
fail:
	free(f);
	return NULL;
}

/* The file of an fstat() result; host lock held.  NULL (ENOTTY) if not one of ours. */
static struct rk_file *file_by_inode(struct rk_host *h, const struct stat *st)
{
	for (struct rk_file *f = h->by_ino[FILE_HASH(st->st_ino)]; f; f = f->ino_next)
		if (f->dev == st->st_dev && f->ino == st->st_ino)
			return f;
	errno = ENOTTY; /* an fd, but not one of ours */
	return NULL;
}

struct rk_file *rk_file_lookup(struct rk_host *h, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return NULL;
	return file_by_inode(h, &st);
}

/* Release the files whose last user reference the kernel has reported gone. */
static int host_reap(struct rk_host *h)
{
	uint64_t before = h->vms_live;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(h->ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			p += sizeof(*e) + e->len;
			if (!(e->mask & (IN_CLOSE | IN_IGNORED)))
				continue;
			for (struct rk_file *f = h->by_wd[WD_HASH(e->wd)]; f; f = f->wd_next)
				if (f->wd == e->wd) {
					file_release(h, f);
					break;
				}
		}
	}
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
	f = rk_file_new(h, RK_FILE_SYSTEM, NULL, "kvm", 0, NULL, &fd);
	pthread_mutex_unlock(&h->lock);
	return f ? fd : -1;
}

uint64_t rk_rmi(struct rk_host *h, uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
		uint64_t x4, uint64_t x5, struct smc_result *res)
{
	__atomic_fetch_add(&h->rmi_calls, 1, __ATOMIC_RELAXED);
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
	struct stat st;
	struct rk_file *f;
	unsigned long arg;
	va_list ap;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	/* The system call that names the file needs no lock (and is most of a short ioctl). */
	if (fstat(fd, &st) < 0)
		return -1; /* errno: EBADF */
	pthread_mutex_lock(&h->lock);
	f = file_by_inode(h, &st);
	if (!f) {
		pthread_mutex_unlock(&h->lock);
		return -1; /* errno: EBADF from fstat, or ENOTTY */
	}
	switch (f->type) {
	case RK_FILE_SYSTEM:
		ret = system_ioctl(h, req, arg);
		break;
	case RK_FILE_VM:
		ret = ((struct rk_vm *)f->obj)->dead ? -EIO
						      : rk_vm_ioctl(f->obj, req, (void *)(uintptr_t)arg);
		break;
	case RK_FILE_VCPU:
		ret = ((struct rk_vcpu *)f->obj)->vm->dead
			      ? -EIO
			      : rk_vcpu_ioctl(f->obj, req, (void *)(uintptr_t)arg);
		break;
	case RK_FILE_DEVICE:
		ret = rk_vgic_device_ioctl(f->obj, req, (void *)(uintptr_t)arg);
		break;
	case RK_FILE_GMEM:
		ret = rk_gmem_ioctl(f->obj, req, (void *)(uintptr_t)arg);
		break;
	default:
		ret = -ENOTTY;
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
	st->files_live = h->nfiles;
	st->vms_live = h->vms_live;
	st->pages_used = h->pages.used;
	st->pages_leaked = h->pages.leaked;
	rmm_census(h->rmm, &c, false);
	st->granules_delegated = pas_granule_count(h->pas) - c.count[GRANULE_UNDELEGATED];
	st->rmi_calls = __atomic_load_n(&h->rmi_calls, __ATOMIC_RELAXED);
	st->bytes_copied = h->bytes_copied;
	st->syscalls = h->syscalls;
	pthread_mutex_unlock(&h->lock);
}

struct rmm *rk_host_rmm(struct rk_host *h)
{
	return h->rmm;
}
