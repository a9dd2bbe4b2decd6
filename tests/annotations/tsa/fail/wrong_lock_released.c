/* Lock A taken, lock B released: both ends are reported. */
#include "../../test-locks.h"

void wrong_lock_released(TestMutex *a, TestMutex *b);

void wrong_lock_released(TestMutex *a, TestMutex *b)
{
    test_mutex_lock(a);
    test_mutex_unlock(b); // expect-error: releasing mutex 'b' that was not held
} // expect-error: mutex 'a' is still held at the end of function
