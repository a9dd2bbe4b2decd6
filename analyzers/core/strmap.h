/*
 * strmap.h - string -> index hash map (USRs to symbols, macro names, paths)
 *
 * Context: not locked: one writer (or the owner's lock); once filled,
 * lookups from any number of threads.
 *
 * The analyzer's one string table: USRs to symbols and graph nodes, macro
 * names, paths.
 */
#ifndef BC_STRMAP_H
#define BC_STRMAP_H

typedef struct BcStrMap BcStrMap;

BcStrMap *bc_strmap_new(void);
void bc_strmap_free(BcStrMap *m);
/* Value of @key, or -1. */
long bc_strmap_get(const BcStrMap *m, const char *key);
/* Set @key (not copied: must outlive the map) to @value. */
void bc_strmap_put(BcStrMap *m, const char *key, long value);

#endif
