/* SPDX-License-Identifier: MIT */
/* A series of timings from repeated runs, summarised as median [min..max]. */
#ifndef REALMKIT_BENCH_SERIES_H
#define REALMKIT_BENCH_SERIES_H

#define SERIES_MAX 99

struct series {
	double v[SERIES_MAX];
	unsigned n;
};

void series_add(struct series *s, double v); /* values past SERIES_MAX are dropped */
double series_median(const struct series *s);
double series_min(const struct series *s);
double series_max(const struct series *s);

#endif
