#include <blkcheck/annotations.h>

int coroutine_fn cg_co_present(int a);
int co_wrapper cg_present(int a);

int co_wrapper cg_absent(int a);
