#include <blkcheck/annotations.h>

int no_coroutine_fn cg_plain(int a);

int no_co_wrapper cg_plain2(int a);
