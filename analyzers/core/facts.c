/*
 * facts.c - TU facts: creation and release (the records are in facts.h;
 * their on-disk form is facts-codec.c)
 */
#include "facts.h"
#include "xalloc.h"

#include <stdlib.h>

BcTuFacts *bc_facts_new(const char *main_file)
{
    BcTuFacts *f = bc_xcalloc(1, sizeof(*f));

    f->arena = bc_arena_new();
    f->main_file = bc_arena_strdup(f->arena, main_file);
    return f;
}

void bc_facts_free(BcTuFacts *f)
{
    if (!f) {
        return;
    }
    bc_vec_free(&f->symbols);
    bc_vec_free(&f->decls);
    bc_vec_free(&f->calls);
    bc_vec_free(&f->addrs);
    bc_vec_free(&f->locks);
    bc_vec_free(&f->polls);
    bc_vec_free(&f->files);
    bc_arena_free(f->arena);
    free(f);
}

