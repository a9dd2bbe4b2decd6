#include "../block-int.h"

int bdrv_co_check_meta(BlockDriverState *bs)                    // expect: BC008 "is defined with no annotation but declared with coroutine_fn elsewhere"
{
    return bs->in_flight;
}
