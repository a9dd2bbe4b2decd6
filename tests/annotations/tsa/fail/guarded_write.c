/* Guarded fields written and read without their lock. */
#include "../../test-locks.h"

/* C has no member lookup in attributes: guards name a global lock. */
extern TestMutex counter_lock;

typedef struct Counter {
    int count TSA_GUARDED_BY(counter_lock);
} Counter;

int guarded_write(Counter *c);

int guarded_write(Counter *c)
{
    c->count++; // expect-error: writing variable 'count' requires holding mutex 'counter_lock' exclusively
    return c->count; // expect-error: reading variable 'count' requires holding mutex 'counter_lock'
}
