/*
 * block/block.h - the block layer's node API, both classes
 *
 * Includes the three parts of the API, split by threading contract as
 * every block layer header is:
 *   block/block-common.h        types, request flags, limits
 *   block/block-global-state.h  main loop: open, lifetime, graph changes,
 *                               drain (GLOBAL_STATE_CODE())
 *   block/block-io.h            any thread: node-level I/O and node
 *                               properties (IO_CODE())
 * Include the part a file needs when it is all one class; block.h when it
 * uses both.
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include "block/block-common.h"
#include "block/block-global-state.h"
#include "block/block-io.h"

#endif /* BLOCK_BLOCK_H */
