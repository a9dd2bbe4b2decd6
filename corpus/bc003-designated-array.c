/* BC003 through a handler table indexed by an enum with designated
 * initializers (`[CMD] = handler`), and through such a table inside a
 * struct. */
#include <blkcheck/annotations.h>
#include "corpus.h"

typedef enum { CMD_READ, CMD_WRITE, CMD_FLUSH, CMD__MAX } Cmd;
typedef int coroutine_fn CmdHandler(BlockDriverState *bs);

static int coroutine_fn co_cmd_read(BlockDriverState *bs)
{
    return bs->in_flight;
}

static int cmd_write_sync(BlockDriverState *bs)
{
    return bs->in_flight;
}

static CmdHandler *const handlers[CMD__MAX] = {
    [CMD_READ] = co_cmd_read,                   // expect-not: BC003
    [CMD_WRITE] = cmd_write_sync,               // expect: BC003 "'cmd_write_sync' is not coroutine_fn but is stored in coroutine_fn pointer 'handlers'"
};

typedef struct CmdTable {
    const char *name;
    CmdHandler *fn[CMD__MAX];
} CmdTable;

static const CmdTable export_cmds = {
    .name = "export",
    .fn = {
        [CMD_FLUSH] = cmd_write_sync,           // expect: BC003 "stored in coroutine_fn pointer 'CmdTable::fn'"
    },
};

int coroutine_fn co_dispatch(BlockDriverState *bs, Cmd c)
{
    return handlers[c](bs) + export_cmds.fn[c](bs);
}
