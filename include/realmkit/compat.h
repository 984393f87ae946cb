/* SPDX-License-Identifier: MIT */
/* What realmkit's public headers need to be usable from C99 (and C++11) on. */
#ifndef REALMKIT_COMPAT_H
#define REALMKIT_COMPAT_H

/*
 * Layout checks from C99 on.  Before C11, a negative array size in an
 * extern declaration (which, unlike a typedef, C99 lets us repeat).
 */
#ifndef RK_STATIC_ASSERT
#if defined(__cplusplus) && __cplusplus >= 201103L
#define RK_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define RK_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#else
#define RK_STATIC_ASSERT(cond, msg)    RK_STATIC_ASSERT_(cond, __LINE__)
#define RK_STATIC_ASSERT_(cond, line)  RK_STATIC_ASSERT__(cond, line)
#define RK_STATIC_ASSERT__(cond, line) extern char rk_static_assert_##line[(cond) ? 1 : -1]
#endif
#endif

/* Anonymous unions, as in the kernel's struct kvm_run, are C11; GNU C has them before. */
#if defined(__GNUC__) && !(defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L)
#define RK_ANON __extension__
#else
#define RK_ANON
#endif

#endif
