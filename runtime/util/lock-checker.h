/*
 * lock-checker.h - private: tell sparse that a lock primitive changes a lock
 * context.  Lock functions repeat their TSA_ACQUIRE/TSA_RELEASE annotation on
 * the definition (sparse reads attributes from there) and mark the point
 * where the lock changes hands with these macros.  Not installed.
 */
#ifndef MQBLK_LOCK_CHECKER_H
#define MQBLK_LOCK_CHECKER_H

#ifdef __CHECKER__
# define sparse_acquire(x)  __context__(x, 1)
# define sparse_release(x)  __context__(x, -1)
/* On a definition (clang cannot name parameters before the declarator). */
# define SPARSE_ACQUIRES(x) __attribute__((context(x, 0, 1)))
# define SPARSE_RELEASES(x) __attribute__((context(x, 1, 0)))
#else
# define sparse_acquire(x)  ((void)0)
# define sparse_release(x)  ((void)0)
# define SPARSE_ACQUIRES(x)
# define SPARSE_RELEASES(x)
#endif

#endif /* MQBLK_LOCK_CHECKER_H */
