/*
 * throttle-bucket.c - token buckets with reservations for the throttle
 * filter (see throttle-bucket.h for the model)
 *
 * Context: pure functions on caller-owned state; the caller serialises
 * calls on one ThrottleState (throttle.c holds its mutex).
 *
 * Each bucket stores one number, `tat`: the time at which its level would
 * drain to zero, multiplied by the rate.  At time t the level is
 * max(0, tat - t * rate) unit-ns.  A request of cost c (unit-ns) may start
 * at the first s where the level plus c fits the capacity, i.e.
 * s * rate >= tat - (cap - c); a request with c > cap waits for an empty
 * bucket, s * rate >= tat.  Starting it sets tat = max(tat, s * rate) + c.
 * Because tat only grows, a later request never gets an earlier start
 * than an earlier one that waited: the FIFO order of the waiters.
 */
#include <stddef.h>

#include "throttle-bucket.h"

#define NS_PER_SEC 1000000000LL

/* Waits are clamped here so that callers can add them to a clock safely. */
#define THROTTLE_WAIT_MAX (INT64_MAX / 4)

static const char *const bucket_names[THROTTLE_BUCKET_COUNT] = {
    [THROTTLE_IOPS_TOTAL] = "iops-total",
    [THROTTLE_IOPS_READ]  = "iops-read",
    [THROTTLE_IOPS_WRITE] = "iops-write",
    [THROTTLE_BPS_TOTAL]  = "bps-total",
    [THROTTLE_BPS_READ]   = "bps-read",
    [THROTTLE_BPS_WRITE]  = "bps-write",
};

const char *throttle_bucket_name(ThrottleBucketKind kind)
{
    return kind < THROTTLE_BUCKET_COUNT ? bucket_names[kind] : "?";
}

/* One limit on its own: range, and a capacity only with and above its rate. */
static bool limit_check(const ThrottleLimit *l, const char *name, Error **errp)
{
    if (l->rate > THROTTLE_VALUE_MAX) {
        error_setg(errp, "%s must be at most %llu, not %llu", name,
                   THROTTLE_VALUE_MAX, (unsigned long long)l->rate);
        return false;
    }
    if (l->max > THROTTLE_VALUE_MAX) {
        error_setg(errp, "%s-max must be at most %llu, not %llu", name,
                   THROTTLE_VALUE_MAX, (unsigned long long)l->max);
        return false;
    }
    if (l->max && !l->rate) {
        error_setg(errp, "%s-max needs %s", name, name);
        return false;
    }
    if (l->max && l->max < l->rate) {
        error_setg(errp, "%s-max (%llu) must not be below %s (%llu)", name,
                   (unsigned long long)l->max, name,
                   (unsigned long long)l->rate);
        return false;
    }
    return true;
}

/* A total limit excludes the read and write limits of its kind (which
 * would make the total ambiguous). */
static bool kind_check(const ThrottleConfig *cfg, ThrottleBucketKind total,
                       Error **errp)
{
    ThrottleBucketKind rd = total + 1, wr = total + 2;

    if (cfg->limit[total].rate &&
        (cfg->limit[rd].rate || cfg->limit[wr].rate)) {
        error_setg(errp, "%s cannot be combined with %s or %s",
                   bucket_names[total], bucket_names[rd], bucket_names[wr]);
        return false;
    }
    return true;
}

bool throttle_config_check(const ThrottleConfig *cfg, Error **errp)
{
    for (int k = 0; k < THROTTLE_BUCKET_COUNT; k++) {
        if (!limit_check(&cfg->limit[k], bucket_names[k], errp)) {
            return false;
        }
    }
    return kind_check(cfg, THROTTLE_IOPS_TOTAL, errp) &&
           kind_check(cfg, THROTTLE_BPS_TOTAL, errp);
}

void throttle_state_init(ThrottleState *ts, const ThrottleConfig *cfg)
{
    ts->enabled = false;
    for (int k = 0; k < THROTTLE_BUCKET_COUNT; k++) {
        ThrottleBucket *b = &ts->bucket[k];

        b->rate = (int64_t)cfg->limit[k].rate;
        b->cap = (ThrottleFixed)cfg->limit[k].max * NS_PER_SEC;
        b->tat = 0;
        ts->enabled |= b->rate != 0;
    }
}

bool throttle_state_enabled(const ThrottleState *ts)
{
    return ts->enabled;
}

/* Returns: the earliest start (ns, >= @now) at which @b admits @cost. */
static int64_t bucket_admit(const ThrottleBucket *b, ThrottleFixed cost,
                            int64_t now)
{
    ThrottleFixed need = b->tat, start;

    if (cost <= b->cap) {
        need -= b->cap - cost;
    }
    if (need <= (ThrottleFixed)now * b->rate) {
        return now;
    }
    start = (need + b->rate - 1) / b->rate;     /* ceil: never too early */
    return start > THROTTLE_WAIT_MAX ? THROTTLE_WAIT_MAX : (int64_t)start;
}

/*
 * Put @cost into @b for a request that starts at @start.  A bucket that
 * drains to zero less than 1 ns before @start counts as busy until then:
 * the gap is only the rounding of @start up to whole ns, and charging from
 * @start would add that rounding to every request (3 iops must mean
 * exactly 3 per second, not a little less).
 */
static void bucket_charge(ThrottleBucket *b, ThrottleFixed cost, int64_t start)
{
    ThrottleFixed s = (ThrottleFixed)start * b->rate;

    b->tat = (b->tat > s - b->rate ? b->tat : s) + cost;
}

int64_t throttle_account(ThrottleState *ts, ThrottleDirection dir,
                         uint64_t bytes, int64_t now_ns)
{
    ThrottleBucketKind touched[4] = {
        THROTTLE_IOPS_TOTAL,
        dir == THROTTLE_READ ? THROTTLE_IOPS_READ : THROTTLE_IOPS_WRITE,
        THROTTLE_BPS_TOTAL,
        dir == THROTTLE_READ ? THROTTLE_BPS_READ : THROTTLE_BPS_WRITE,
    };
    ThrottleFixed cost[4] = {
        NS_PER_SEC, NS_PER_SEC,
        (ThrottleFixed)bytes * NS_PER_SEC, (ThrottleFixed)bytes * NS_PER_SEC,
    };
    int64_t start = now_ns < 0 ? 0 : now_ns;

    if (!ts->enabled) {
        return 0;
    }
    /* The start every touched bucket agrees to, then charge them all at
     * that start so each sees the request when it really runs. */
    for (int i = 0; i < 4; i++) {
        const ThrottleBucket *b = &ts->bucket[touched[i]];
        int64_t s;

        if (b->rate) {
            s = bucket_admit(b, cost[i], start);
            start = s > start ? s : start;
        }
    }
    for (int i = 0; i < 4; i++) {
        ThrottleBucket *b = &ts->bucket[touched[i]];

        if (b->rate) {
            bucket_charge(b, cost[i], start);
        }
    }
    return start - (now_ns < 0 ? 0 : now_ns);
}
