// annotations.h must compile as C++ too (the clang plugin and C++ users
// include it); this program only has to build and run.
#include <blkcheck/annotations.h>

int coroutine_fn GRAPH_RDLOCK annotated_cxx(void);
int coroutine_fn GRAPH_RDLOCK annotated_cxx(void)
{
    return 0;
}

int main()
{
    return annotated_cxx();
}
