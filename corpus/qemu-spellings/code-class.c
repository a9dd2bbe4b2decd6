/* BC009 with QEMU's code-class macros (qemu-style.h): the macro names are
 * the labels, no annotated function is called. */
#include "qemu-style.h"

void bdrv_drain_all_begin(void)
{
    GLOBAL_STATE_CODE();
}

void blk_io_plug(BlockDriverState *bs)
{
    IO_CODE();
    bdrv_drain_all_begin();                     // expect: BC009 "IO_CODE function 'blk_io_plug' calls GLOBAL_STATE_CODE function 'bdrv_drain_all_begin'"
}
