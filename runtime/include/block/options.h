/*
 * block/options.h - "key=value,key=value" option strings for block nodes
 *
 * The syntax of -blockdev style strings: comma-separated key=value pairs;
 * ",," inside a value is a literal comma; keys are [A-Za-z0-9._-]+ and a
 * dotted key "file.filename=x" belongs to the child named before the dot.
 * A key may appear once.  Every getter marks its key used, so after a
 * driver has read what it knows, block_opts_check_unused() names the first
 * option nobody read ("driver 'null' has no option 'sise'").
 *
 * Context: any thread; a BlockOpts is owned by one caller at a time.
 */
#ifndef BLOCK_OPTIONS_H
#define BLOCK_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "qemu/error.h"

typedef struct BlockOpts BlockOpts;

/* Parse @str.  Returns: the options, or NULL with *errp set on a syntax
 * error (empty key, missing '=', duplicate key, bad character). */
BlockOpts *block_opts_parse(const char *str, Error **errp);

/* An empty set (to build options in code). */
BlockOpts *block_opts_new(void);

void block_opts_free(BlockOpts *opts);

/* Add or replace @key.  Returns: false if @key is not a valid key. */
bool block_opts_set(BlockOpts *opts, const char *key, const char *value);

/* Returns: the value of @key (owned by @opts) and marks it used, or NULL. */
const char *block_opts_get(BlockOpts *opts, const char *key);

/* Typed getters: absent key -> *@out = @def, true.  A malformed value ->
 * false with *errp naming key and value.  Sizes accept k/K, M, G, T
 * suffixes (powers of 1024); bools accept on/off, true/false, yes/no, 1/0. */
bool block_opts_get_bool(BlockOpts *opts, const char *key, bool def,
                         bool *out, Error **errp);
bool block_opts_get_uint(BlockOpts *opts, const char *key, uint64_t def,
                         uint64_t *out, Error **errp);
bool block_opts_get_size(BlockOpts *opts, const char *key, uint64_t def,
                         uint64_t *out, Error **errp);

/* Returns: true when some key starts with "@prefix." (does not mark). */
bool block_opts_has_prefix(const BlockOpts *opts, const char *prefix);

/* Move every "@prefix.KEY=V" into a new set as "KEY=V" (marking them used
 * here).  Returns: the new set (empty when there was none). */
BlockOpts *block_opts_extract_prefix(BlockOpts *opts, const char *prefix);

/* Returns: false with *errp "@what has no option 'KEY'" for the first key
 * never read. */
bool block_opts_check_unused(const BlockOpts *opts, const char *what,
                             Error **errp);

/* Returns: the options as an option string (malloc'd), in insertion order. */
char *block_opts_to_string(const BlockOpts *opts);

#endif /* BLOCK_OPTIONS_H */
