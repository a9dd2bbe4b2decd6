#include <blkcheck/annotations.h>

int coroutine_fn cg_co_size(int a);

long co_wrapper cg_size(int a);
