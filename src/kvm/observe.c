// SPDX-License-Identifier: MIT
/* The observation API (realmkit/observe.h): read-only, under the host lock. */
#include <errno.h>
#include <string.h>

#include "kvm/internal.h"
#include "realmkit/observe.h"
#include "rmm/introspect.h"

int rk_vm_measurements(struct rk_host *h, int vm_fd, struct rk_measurements *m)
{
	struct rmm_measurements rm;
	struct rk_file *f;
	int ret = -1;

	pthread_mutex_lock(&h->lock);
	f = rk_file_lookup(h, vm_fd);
	if (f && f->type != RK_FILE_VM)
		errno = ENOTTY;
	else if (f && (((struct rk_vm *)f->obj)->state == RK_REALM_NONE ||
		       !rmm_realm_measurements(h->rmm, ((struct rk_vm *)f->obj)->rd, &rm)))
		errno = ENODATA;
	else if (f) {
		memset(m, 0, sizeof(*m));
		m->hash_len = rm.hash_len;
		memcpy(m->rim, rm.rim, sizeof(m->rim));
		memcpy(m->rem, rm.rem, sizeof(m->rem));
		ret = 0;
	}
	pthread_mutex_unlock(&h->lock);
	return ret;
}

void rk_host_census(struct rk_host *h, struct rk_census *c)
{
	struct rmm_census rc;

	pthread_mutex_lock(&h->lock);
	rmm_census(h->rmm, &rc, false);
	pthread_mutex_unlock(&h->lock);
	c->undelegated = rc.count[GRANULE_UNDELEGATED];
	c->delegated = rc.count[GRANULE_DELEGATED];
	c->rd = rc.count[GRANULE_RD];
	c->rec = rc.count[GRANULE_REC];
	c->rec_aux = rc.count[GRANULE_REC_AUX];
	c->data = rc.count[GRANULE_DATA];
	c->rtt = rc.count[GRANULE_RTT];
}
