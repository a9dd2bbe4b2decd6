/*
 * block/block-common.h - block layer types shared by both API classes
 *
 * A BlockDriverState (node) is one layer of a disk: a protocol (file, null)
 * or a filter (throttle) above another node.  Nodes form a graph through
 * BdrvChild edges; BlockBackends (sysemu/block-backend.h) sit on top.
 *
 * Declares no functions: only the types, request flags and limits that the
 * global-state API (block/block-global-state.h) and the I/O API
 * (block/block-io.h) share.  Users include block/block.h, which includes
 * all three.
 */
#ifndef BLOCK_BLOCK_COMMON_H
#define BLOCK_BLOCK_COMMON_H

#include <stdbool.h>
#include <stdint.h>

typedef struct BlockDriverState BlockDriverState;
typedef struct BdrvChild BdrvChild;
typedef struct BlockDriver BlockDriver;

typedef enum BdrvRequestFlags {
    BDRV_REQ_FUA          = 0x1,  /* write: stable when it completes */
    BDRV_REQ_BARRIER      = 0x2,  /* after every earlier request on the
                                     node, before every later one; stable */
    BDRV_REQ_MAY_UNMAP    = 0x4,  /* write_zeroes may deallocate */
    BDRV_REQ_NO_FALLBACK  = 0x8,  /* write_zeroes: -ENOTSUP rather than
                                     writing a zeroed buffer */
} BdrvRequestFlags;

#define BDRV_REQ_MASK 0xf

/* Longest request (bytes) and largest node (bytes) the layer accepts. */
#define BDRV_REQUEST_MAX_BYTES  (1LL << 30)
#define BDRV_MAX_LENGTH         (INT64_MAX / 2)

#endif /* BLOCK_BLOCK_COMMON_H */
