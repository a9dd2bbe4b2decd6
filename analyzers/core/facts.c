/*
 * facts.c - TU facts: creation and release (the records are in facts.h;
 * their on-disk form is facts-codec.c)
 */
#include "facts.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

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


void bc_facts_decl_add_label(BcTuFacts *f, BcDecl *d, const char *label)
{
    for (uint32_t i = 0; i < d->n_labels; i++) {
        if (strcmp(d->labels[i], label) == 0) {
            return;
        }
    }
    /* Labels per declaration are few: grow by copying in the arena. */
    const char **v = BC_ARENA_NEW(f->arena, const char *, d->n_labels + 1);
    if (d->n_labels) {
        memcpy(v, d->labels, d->n_labels * sizeof(*v));
    }
    v[d->n_labels++] = bc_arena_strdup(f->arena, label);
    d->labels = v;
}

bool bc_decl_has_label_prefix(const BcDecl *d, const char *prefix)
{
    for (uint32_t i = 0; i < d->n_labels; i++) {
        if (strncmp(d->labels[i], prefix, strlen(prefix)) == 0) {
            return true;
        }
    }
    return false;
}
