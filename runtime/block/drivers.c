/*
 * drivers.c - the driver registry: which BlockDrivers exist and how a name
 * finds one
 *
 * Context: bdrv_find_driver() runs in any thread; bdrv_register() and
 * bdrv_known_drivers() in the main loop.  The built-in table is constant;
 * the registered list is written only by the main loop and its count is
 * published with a release store, so a reader that loads the count with
 * acquire sees every slot below it filled.
 *
 * Adding a built-in driver: define its `const BlockDriver` in its own file,
 * declare it in block/block_int.h and name it in builtin_drivers[] below;
 * nothing else in the block layer names a driver.
 */
#include <stdlib.h>
#include <string.h>

#include "block/block_int.h"
#include "qemu/abort.h"
#include "qemu/atomic.h"

/* The drivers every program has, in the order messages list them. */
static const BlockDriver *const builtin_drivers[] = {
    &bdrv_null,
    &bdrv_file,
    &bdrv_throttle,
};

#define BDRV_MAX_REGISTERED 32
#define BUILTIN_DRIVER_COUNT \
    (sizeof(builtin_drivers) / sizeof(builtin_drivers[0]))

static const BlockDriver *registered_drivers[BDRV_MAX_REGISTERED];
static unsigned registered_count;   /* main loop writes; acquire reads */

/* Returns: driver @i of the built-in then registered ones, NULL past them. */
static const BlockDriver *bdrv_driver_at(unsigned i)
{
    if (i < BUILTIN_DRIVER_COUNT) {
        return builtin_drivers[i];
    }
    i -= BUILTIN_DRIVER_COUNT;
    if (i < qatomic_load_acquire(&registered_count)) {
        return registered_drivers[i];
    }
    return NULL;
}

const BlockDriver *bdrv_find_driver(const char *name)
{
    const BlockDriver *drv;

    IO_CODE();
    for (unsigned i = 0; (drv = bdrv_driver_at(i)); i++) {
        if (!strcmp(drv->format_name, name)) {
            return drv;
        }
    }
    return NULL;
}

void bdrv_register(const BlockDriver *drv)
{
    GLOBAL_STATE_CODE();
    if (registered_count == BDRV_MAX_REGISTERED) {
        mqblk_abort("bdrv_register: more than %d drivers", BDRV_MAX_REGISTERED);
    }
    registered_drivers[registered_count] = drv;
    qatomic_store_release(&registered_count, registered_count + 1);
}

char *bdrv_known_drivers(void)
{
    const BlockDriver *drv;
    size_t len = 1;
    char *s;

    GLOBAL_STATE_CODE();
    for (unsigned i = 0; (drv = bdrv_driver_at(i)); i++) {
        len += strlen(drv->format_name) + 2;
    }
    s = calloc(1, len);
    if (!s) {
        mqblk_abort("%s: out of memory", __func__);
    }
    for (unsigned i = 0; (drv = bdrv_driver_at(i)); i++) {
        if (i) {
            strcat(s, ", ");
        }
        strcat(s, drv->format_name);
    }
    return s;
}
