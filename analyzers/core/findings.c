/*
 * findings.c - the one sink every rule reports through
 *
 * bc_findings_add copies a finding into the sink's arena, drops exact
 * duplicates (rule + position + message), applies the cap and computes the
 * fingerprint.
 *
 * Fingerprints identify "the same finding" across edits for baselines.  They
 * hash the rule, the function's USR, the rule's key (usually the callee's
 * USR) and the names on the path, and never a line, column or message.  USR
 * segments that are pure numbers (clang puts file offsets in the USRs of
 * locals and parameters) are left out so that code moving above a local
 * function-pointer slot does not change the fingerprint.  The result is 32
 * hex digits (two independent 64-bit FNV-1a hashes).
 */
#include "findings.h"
#include "hash.h"
#include "index-set.h"
#include "rules.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bc_findings_init(BcFindings *f)
{
    memset(f, 0, sizeof(*f));
    f->arena = bc_arena_new();
}

void bc_findings_destroy(BcFindings *f)
{
    if (f->index) {
        bc_index_set_destroy(f->index);
        free(f->index);
    }
    bc_vec_free(&f->v);
    bc_arena_free(f->arena);
    memset(f, 0, sizeof(*f));
}

/* ---- fingerprints ------------------------------------------------------- */

typedef struct Fp {
    uint64_t a, b;
} Fp;

/* Two lanes: FNV-1a and a variant.  The seeds below are fixed forever:
 * baselines store fingerprints. */
static void fp_byte(Fp *h, unsigned char c)
{
    h->a = bc_fnv1a(h->a, &c, 1);
    h->b = (h->b ^ c) * 0x100000001b3ull * 31 + 7;
}

/* Hash @s (NULL hashes like ""), leaving out "@123" numeric USR segments. */
static void fp_str(Fp *h, const char *s)
{
    for (const char *p = s; p && *p; p++) {
        if (*p == '@') {
            const char *q = p + 1;
            while (*q >= '0' && *q <= '9') {
                q++;
            }
            if (q > p + 1 && (*q == '@' || *q == 0)) {
                p = q - 1;
                continue;
            }
        }
        fp_byte(h, (unsigned char)*p);
    }
    fp_byte(h, 0);
}

static const char *fingerprint(BcArena *a, const BcFinding *fd)
{
    Fp h = { 1469598103934665603ull, 0x84222325cbf29ce4ull };

    fp_str(&h, fd->rule->id);
    fp_str(&h, fd->function_usr ? fd->function_usr : fd->function);
    fp_str(&h, fd->key);
    for (uint32_t i = 0; i < fd->n_path; i++) {
        fp_str(&h, fd->path[i].function);
        fp_str(&h, fd->path[i].callee);
    }
    return bc_arena_printf(a, "%016llx%016llx", (unsigned long long)h.a,
                           (unsigned long long)h.b);
}

/* ---- duplicates --------------------------------------------------------- */

static uint64_t dup_hash(const BcFinding *fd)
{
    Fp h = { 1469598103934665603ull, 0 };

    fp_byte(&h, (unsigned char)fd->rule->number);
    fp_str(&h, fd->loc.file);
    fp_str(&h, fd->message);
    return h.a ^ ((uint64_t)fd->loc.line << 20) ^ fd->loc.col;
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool dup_equal(const BcFinding *a, const BcFinding *b)
{
    return a->rule == b->rule && a->loc.line == b->loc.line && a->loc.col == b->loc.col &&
           str_eq(a->loc.file, b->loc.file) && str_eq(a->message, b->message);
}

static uint64_t stored_dup_hash(const void *f, uint32_t idx)
{
    return dup_hash(&((const BcFindings *)f)->v.v[idx]);
}

static bool stored_dup_equal(const void *f, uint32_t idx, const void *fd)
{
    return dup_equal(&((const BcFindings *)f)->v.v[idx], fd);
}

static const BcIndexSetOps dup_ops = { stored_dup_hash, stored_dup_equal };

/* ---- sink ------------------------------------------------------------------ */

static BcLoc copy_loc(BcArena *a, BcLoc l)
{
    l.file = bc_arena_strdup(a, l.file);
    return l;
}

static void copy_parts(BcArena *a, BcFinding *c, const BcFinding *fd)
{
    uint32_t nfix = bc_finding_n_fixits(fd);

    c->loc = copy_loc(a, fd->loc);
    c->message = bc_arena_strdup(a, fd->message ? fd->message : "");
    c->function = bc_arena_strdup(a, fd->function);
    c->function_usr = bc_arena_strdup(a, fd->function_usr);
    c->key = bc_arena_strdup(a, fd->key);
    if (fd->n_path) {
        BcHop *p = BC_ARENA_NEW(a, BcHop, fd->n_path);
        for (uint32_t i = 0; i < fd->n_path; i++) {
            p[i] = fd->path[i];
            p[i].function = bc_arena_strdup(a, p[i].function);
            p[i].callee = bc_arena_strdup(a, p[i].callee);
            p[i].loc = copy_loc(a, p[i].loc);
        }
        c->path = p;
    }
    if (nfix) {
        BcFixit *x = BC_ARENA_NEW(a, BcFixit, nfix);
        for (uint32_t i = 0; i < nfix; i++) {
            x[i].loc = copy_loc(a, fd->fixit[i].loc);
            x[i].insert = bc_arena_strdup(a, fd->fixit[i].insert);
        }
        c->fixit = x;
        c->n_fixits = nfix;
    }
}

void bc_findings_add(BcFindings *f, const BcFinding *fd)
{
    BcFinding c = *fd;
    uint64_t h = dup_hash(fd);

    if (!f->index) {
        f->index = bc_xcalloc(1, sizeof(*f->index));
        bc_index_set_init(f->index, &dup_ops);
    }
    if (bc_index_set_contains(f->index, f, h, fd)) {
        return;
    }
    if (f->cap && f->v.n >= f->cap) {
        f->dropped++;
        return;
    }
    copy_parts(f->arena, &c, fd);
    c.fingerprint = fingerprint(f->arena, &c);
    bc_vec_push(&f->v, c);
    bc_index_set_add(f->index, f, (uint32_t)(f->v.n - 1), h);
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *pa, const void *pb)
{
    const BcFinding *a = pa, *b = pb;
    int r = cmp_str(a->loc.file, b->loc.file);

    if (r) {
        return r;
    }
    if (a->loc.line != b->loc.line) {
        return a->loc.line < b->loc.line ? -1 : 1;
    }
    if (a->loc.col != b->loc.col) {
        return a->loc.col < b->loc.col ? -1 : 1;
    }
    if (a->rule->number != b->rule->number) {
        return a->rule->number < b->rule->number ? -1 : 1;
    }
    if ((r = cmp_str(a->message, b->message))) {
        return r;
    }
    return cmp_str(a->fingerprint, b->fingerprint);
}

void bc_findings_sort(BcFindings *f)
{
    if (f->v.n > 1) {
        qsort(f->v.v, f->v.n, sizeof(BcFinding), cmp_finding);
    }
    /* Indexes point at positions: rebuild them for later adds. */
    if (f->index) {
        bc_index_set_clear(f->index);
        for (uint32_t i = 0; i < f->v.n; i++) {
            bc_index_set_add(f->index, f, i, dup_hash(&f->v.v[i]));
        }
    }
}
