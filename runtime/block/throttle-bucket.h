/*
 * throttle-bucket.h - the arithmetic of the throttle filter: six token
 * buckets (bytes/s and requests/s; total, read, write) with a reservation
 * model, on a clock the caller passes in
 *
 * Context: pure computation, no clock, no locks, no I/O.  A ThrottleState
 * belongs to one caller at a time: the throttle driver (throttle.c) calls
 * throttle_account() under its own mutex; unit tests drive it with a fake
 * clock.  Every function may be called from any thread.
 *
 * Model (see docs/runtime/throttle.md): each enabled bucket has a rate r
 * (units per second) and a capacity b (units; 0 = no burst).  Its level
 * drains at r and a request adds its cost (1 for the iops buckets, its
 * length for the bps buckets).  A request may start once every bucket it
 * touches can take its cost without passing b (an empty bucket takes any
 * cost, so requests larger than b still pass, one at a time).  Accounting
 * reserves the start time at once: a request accounted later never starts
 * earlier, which is what keeps waiters in FIFO order.
 */
#ifndef BLOCK_THROTTLE_BUCKET_H
#define BLOCK_THROTTLE_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

#include "qemu/error.h"

/* The largest rate or capacity an option may set (1e15, QEMU's bound). */
#define THROTTLE_VALUE_MAX 1000000000000000ULL

typedef enum ThrottleDirection {
    THROTTLE_READ,
    THROTTLE_WRITE,
} ThrottleDirection;

/* The buckets; the order matches throttle_bucket_name(). */
typedef enum ThrottleBucketKind {
    THROTTLE_IOPS_TOTAL,
    THROTTLE_IOPS_READ,
    THROTTLE_IOPS_WRITE,
    THROTTLE_BPS_TOTAL,
    THROTTLE_BPS_READ,
    THROTTLE_BPS_WRITE,
    THROTTLE_BUCKET_COUNT,
} ThrottleBucketKind;

/* One configured limit: @rate units/s (0 = unlimited), @max capacity
 * (0 = no burst: requests are spaced at exactly @rate). */
typedef struct ThrottleLimit {
    uint64_t rate;
    uint64_t max;
} ThrottleLimit;

typedef struct ThrottleConfig {
    ThrottleLimit limit[THROTTLE_BUCKET_COUNT];
} ThrottleConfig;

/*
 * Exact fixed point: a bucket measures levels in "unit-nanoseconds"
 * (units * 1e9), so draining for t ns removes exactly t * rate and no
 * rounding accumulates however many requests pass.
 */
__extension__ typedef __int128 ThrottleFixed;

typedef struct ThrottleBucket {
    int64_t rate;           /* units/s; 0 = disabled */
    ThrottleFixed cap;      /* capacity * 1e9 */
    ThrottleFixed tat;      /* when the level reaches 0, times rate */
} ThrottleBucket;

typedef struct ThrottleState {
    ThrottleBucket bucket[THROTTLE_BUCKET_COUNT];
    bool enabled;           /* some bucket has a rate */
} ThrottleState;

/*
 * Returns: the option name of bucket @kind ("iops-total", "bps-write", ...);
 * its capacity option is the same with "-max" appended.
 */
const char *throttle_bucket_name(ThrottleBucketKind kind);

/*
 * Check @cfg: values at most THROTTLE_VALUE_MAX, a total limit not
 * combined with a read or write limit of the same kind, a capacity only
 * with its rate and never below it.
 * Returns: true, or false with *@errp naming the options at fault.
 */
bool throttle_config_check(const ThrottleConfig *cfg, Error **errp);

/*
 * Set @ts up for the valid configuration @cfg with every bucket empty.
 */
void throttle_state_init(ThrottleState *ts, const ThrottleConfig *cfg);

/* Returns: true when @ts limits anything at all. */
bool throttle_state_enabled(const ThrottleState *ts);

/*
 * Account a request of @bytes bytes in direction @dir arriving at @now_ns
 * (a monotonic time >= 0, never smaller than in an earlier call) and
 * reserve its start time in every bucket it touches.
 * Returns: how many ns the caller must wait before issuing it (0: at once).
 */
int64_t throttle_account(ThrottleState *ts, ThrottleDirection dir,
                         uint64_t bytes, int64_t now_ns);

#endif /* BLOCK_THROTTLE_BUCKET_H */
