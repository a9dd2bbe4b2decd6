#include <blkcheck/annotations.h>

int coroutine_fn cg_co_log(const char *fmt, ...);

int co_wrapper cg_log(const char *fmt, ...);
