/*
 * facts-codec.c - TU facts to and from the private on-disk cache format
 *
 * The cache format is binary and versioned:
 *
 *   "BCFACTS\0"  u32 version  u32 n_strings  u64 payload_len
 *   payload: string table (u32 len + bytes each), then the records, every
 *            string as a u32 index into the table (0 = NULL, i = table[i-1])
 *   u64 checksum of everything before it (header and payload):
 *       bc_hash_words(), FNV-1a's word-at-a-time variant (hash.h)
 *
 * All integers are little-endian on disk.  A file whose magic, version,
 * length, checksum, indexes or enum values do not check out loads as
 * -EINVAL: a damaged cache entry is re-extracted, never trusted.
 */
#include "facts.h"
#include "hash.h"
#include "strmap.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FACTS_MAGIC "BCFACTS"
#define FACTS_VERSION 6u
#define FACTS_HDR_LEN (8 + 4 + 4 + 8)

/* ---- writer ------------------------------------------------------------ */

typedef struct Buf {
    unsigned char *p;
    size_t n, cap;
} Buf;

typedef struct Writer {
    Buf strtab, recs;
    BcStrMap *index;        /* string -> its index in strtab */
    size_t n_strings;
} Writer;

static void buf_put(Buf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 4096;
        while (ncap < b->n + n) {
            ncap *= 2;
        }
        b->p = bc_xrealloc(b->p, ncap);
        b->cap = ncap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void put_u32(Buf *b, uint32_t v)
{
    unsigned char x[4] = { v, v >> 8, v >> 16, v >> 24 };
    buf_put(b, x, 4);
}

static void put_u64(Buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

/* Index of @s in the string table, adding it on first use. */
static uint32_t writer_intern(Writer *w, const char *s)
{
    long idx;
    size_t len;

    if (!s) {
        return 0;
    }
    if ((idx = bc_strmap_get(w->index, s)) >= 0) {
        return (uint32_t)idx;
    }
    len = strlen(s);
    bc_strmap_put(w->index, s, (long)++w->n_strings);   /* @s outlives the writer */
    put_u32(&w->strtab, (uint32_t)len);
    buf_put(&w->strtab, s, len);
    return (uint32_t)w->n_strings;
}

static void put_str(Writer *w, const char *s)
{
    put_u32(&w->recs, writer_intern(w, s));
}

static void put_loc(Writer *w, BcLoc l)
{
    put_str(w, l.file);
    put_u32(&w->recs, l.line);
    put_u32(&w->recs, l.col);
}

static void write_symbols_decls(Writer *w, const BcTuFacts *f)
{
    put_u32(&w->recs, (uint32_t)f->symbols.n);
    bc_vec_foreach_const(&f->symbols, s) {
        put_str(w, s->usr); put_str(w, s->name); put_str(w, s->qual_name);
        put_u32(&w->recs, s->kind | s->is_static << 8 | s->has_body_here << 9);
    }
    put_u32(&w->recs, (uint32_t)f->decls.n);
    bc_vec_foreach_const(&f->decls, d) {
        put_str(w, d->usr); put_loc(w, d->loc);
        put_u32(&w->recs, d->is_definition);
        put_u32(&w->recs, d->n_labels);
        for (uint32_t i = 0; i < d->n_labels; i++) {
            put_str(w, d->labels[i]);
        }
    }
}

static void write_calls_addrs(Writer *w, const BcTuFacts *f)
{
    put_u32(&w->recs, (uint32_t)f->calls.n);
    bc_vec_foreach_const(&f->calls, c) {
        put_str(w, c->caller_usr); put_str(w, c->callee_usr); put_str(w, c->callee_name);
        put_u32(&w->recs, c->kind | c->in_coroutine_check << 8);
        put_loc(w, c->loc); put_u32(&w->recs, c->lock_state); put_u32(&w->recs, c->lock_may);
        put_str(w, c->macro); put_u32(&w->recs, c->fresh_args); put_u32(&w->recs, c->zero_args);
    }
    put_u32(&w->recs, (uint32_t)f->addrs.n);
    bc_vec_foreach_const(&f->addrs, a) {
        put_str(w, a->func_usr); put_str(w, a->slot_usr); put_str(w, a->context_usr);
        put_u32(&w->recs, a->kind); put_loc(w, a->loc);
    }
}

static void write_locks_polls(Writer *w, const BcTuFacts *f)
{
    put_u32(&w->recs, (uint32_t)f->locks.n);
    bc_vec_foreach_const(&f->locks, l) {
        put_str(w, l->func_usr); put_u32(&w->recs, l->op);
        put_loc(w, l->loc); put_u32(&w->recs, l->lock_state_before);
        put_u32(&w->recs, l->lock_may_before);
    }
    put_u32(&w->recs, (uint32_t)f->polls.n);
    bc_vec_foreach_const(&f->polls, p) {
        put_str(w, p->func_usr); put_str(w, p->what); put_loc(w, p->loc);
        put_u32(&w->recs, p->lock_state); put_u32(&w->recs, p->lock_may);
        put_u32(&w->recs, p->in_coroutine_check);
    }
    put_u32(&w->recs, (uint32_t)f->files.n);
    bc_vec_foreach_const(&f->files, s) {
        put_str(w, *s);
    }
}

/* Records in the order parse_image() reads them. */
static void write_records(Writer *w, const BcTuFacts *f)
{
    put_str(w, f->main_file);
    put_u32(&w->recs, f->status);
    put_str(w, f->error);
    write_symbols_decls(w, f);
    write_calls_addrs(w, f);
    write_locks_polls(w, f);
}

static int write_all(int fd, const Buf *b)
{
    for (size_t off = 0; off < b->n;) {
        ssize_t r = write(fd, b->p + off, b->n - off);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        off += (size_t)r;
    }
    return 0;
}

/* Write @out to a temp file beside @path and rename it into place. */
static int write_atomic(const char *path, const Buf *out)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 8);
    int fd, ret;

    if (!tmp) {
        return -ENOMEM;
    }
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".XXXXXX", 8);
    fd = mkstemp(tmp);
    if (fd < 0) {
        ret = -errno;
        free(tmp);
        return ret;
    }
    ret = write_all(fd, out);
    if (close(fd) < 0 && !ret) {
        ret = -errno;
    }
    if (!ret && rename(tmp, path) < 0) {
        ret = -errno;
    }
    if (ret) {
        unlink(tmp);
    }
    free(tmp);
    return ret;
}

int bc_facts_save(const BcTuFacts *f, const char *path)
{
    Writer w = { .index = bc_strmap_new() };
    Buf out = { 0 };
    uint64_t sum;
    int ret;

    write_records(&w, f);
    buf_put(&out, FACTS_MAGIC, 8);
    put_u32(&out, FACTS_VERSION);
    put_u32(&out, (uint32_t)w.n_strings);
    put_u64(&out, w.strtab.n + w.recs.n);
    buf_put(&out, w.strtab.p, w.strtab.n);
    buf_put(&out, w.recs.p, w.recs.n);
    sum = bc_hash_words(BC_FNV1A_BASIS, out.p, out.n);
    put_u64(&out, sum);
    ret = write_atomic(path, &out);
    free(w.strtab.p);
    free(w.recs.p);
    bc_strmap_free(w.index);
    free(out.p);
    return ret;
}

/* ---- reader ------------------------------------------------------------ */

typedef struct Reader {
    const unsigned char *p, *end;
    const char **strs;
    uint32_t n_strs;
    bool bad;
    BcTuFacts *f;
} Reader;

static uint32_t get_u32(Reader *r)
{
    uint32_t v;

    if (r->bad || r->end - r->p < 4) {
        r->bad = true;
        return 0;
    }
    v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
        (uint32_t)r->p[3] << 24;
    r->p += 4;
    return v;
}

static uint64_t get_u64(Reader *r)
{
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

static const char *get_str(Reader *r)
{
    uint32_t i = get_u32(r);

    if (i > r->n_strs) {
        r->bad = true;
        return NULL;
    }
    return i ? r->strs[i - 1] : NULL;
}

/* An enum value below @limit (anything else marks the file bad). */
static uint32_t get_enum(Reader *r, uint32_t v, uint32_t limit)
{
    if (v >= limit) {
        r->bad = true;
        return 0;
    }
    return v;
}

static BcLoc get_loc(Reader *r)
{
    BcLoc l;

    l.file = get_str(r);
    l.line = get_u32(r);
    l.col = get_u32(r);
    return l;
}

/* Element count of a record array, sane against the bytes left. */
static uint32_t get_count(Reader *r, size_t min_rec)
{
    uint32_t n = get_u32(r);

    if ((size_t)(r->end - r->p) / min_rec < n) {
        r->bad = true;
        return 0;
    }
    return n;
}

static void read_strtab(Reader *r)
{
    r->strs = BC_ARENA_NEW(r->f->arena, const char *, r->n_strs ? r->n_strs : 1);
    for (uint32_t i = 0; i < r->n_strs && !r->bad; i++) {
        uint32_t len = get_u32(r);
        if (r->bad || (size_t)(r->end - r->p) < len || memchr(r->p, 0, len)) {
            r->bad = true;
            return;
        }
        r->strs[i] = bc_arena_strndup(r->f->arena, (const char *)r->p, len);
        r->p += len;
    }
}

static void read_symbols_decls(Reader *r, BcTuFacts *f)
{
    for (uint32_t n = get_count(r, 16); n-- && !r->bad;) {
        BcSymbol s = { .usr = get_str(r), .name = get_str(r), .qual_name = get_str(r) };
        uint32_t bits = get_u32(r);
        s.kind = get_enum(r, bits & 0xff, BC_SYM_PARAM + 1);
        s.is_static = bits >> 8 & 1;
        s.has_body_here = bits >> 9 & 1;
        bc_vec_push(&f->symbols, s);
    }
    for (uint32_t n = get_count(r, 24); n-- && !r->bad;) {
        BcDecl d = { .usr = get_str(r), .loc = get_loc(r) };
        d.is_definition = get_enum(r, get_u32(r), 2);
        d.n_labels = get_count(r, 4);
        d.labels = BC_ARENA_NEW(f->arena, const char *, d.n_labels ? d.n_labels : 1);
        for (uint32_t i = 0; i < d.n_labels && !r->bad; i++) {
            d.labels[i] = get_str(r);
        }
        bc_vec_push(&f->decls, d);
    }
}

static void read_calls_addrs(Reader *r, BcTuFacts *f)
{
    for (uint32_t n = get_count(r, 48); n-- && !r->bad;) {
        BcCall c = { .caller_usr = get_str(r), .callee_usr = get_str(r),
                     .callee_name = get_str(r) };
        uint32_t bits = get_u32(r);
        c.kind = get_enum(r, bits & 0xff, BC_CALL_UNKNOWN + 1);
        c.in_coroutine_check = bits >> 8 & 1;
        c.loc = get_loc(r);
        c.lock_state = get_u32(r);
        c.lock_may = get_u32(r);
        c.macro = get_str(r);
        c.fresh_args = get_u32(r);
        c.zero_args = get_u32(r);
        bc_vec_push(&f->calls, c);
    }
    for (uint32_t n = get_count(r, 28); n-- && !r->bad;) {
        BcAddrTaken a = { .func_usr = get_str(r), .slot_usr = get_str(r),
                          .context_usr = get_str(r) };
        a.kind = get_enum(r, get_u32(r), BC_ADDR_OTHER + 1);
        a.loc = get_loc(r);
        bc_vec_push(&f->addrs, a);
    }
}

static void read_locks_polls(Reader *r, BcTuFacts *f)
{
    for (uint32_t n = get_count(r, 28); n-- && !r->bad;) {
        BcLockEvent l = { .func_usr = get_str(r) };
        l.op = get_enum(r, get_u32(r), BC_LOCK_OP_GUARD + 1);
        l.loc = get_loc(r);
        l.lock_state_before = get_u32(r);
        l.lock_may_before = get_u32(r);
        bc_vec_push(&f->locks, l);
    }
    for (uint32_t n = get_count(r, 32); n-- && !r->bad;) {
        BcPoll p = { .func_usr = get_str(r), .what = get_str(r), .loc = get_loc(r) };
        p.lock_state = get_u32(r);
        p.lock_may = get_u32(r);
        p.in_coroutine_check = get_enum(r, get_u32(r), 2);
        bc_vec_push(&f->polls, p);
    }
    for (uint32_t n = get_count(r, 4); n-- && !r->bad;) {
        const char *s = get_str(r);
        bc_vec_push(&f->files, s);
    }
}

/* Parse a whole file image.  Returns: facts, or NULL if it does not check out. */
static BcTuFacts *parse_image(const unsigned char *img, size_t len)
{
    Reader r = { .p = img + 8, .end = img + len };
    uint64_t payload_len, sum;
    BcTuFacts *f;

    if (len < FACTS_HDR_LEN + 8 || memcmp(img, FACTS_MAGIC, 8) != 0 ||
        get_u32(&r) != FACTS_VERSION) {
        return NULL;
    }
    r.n_strs = get_u32(&r);
    payload_len = get_u64(&r);
    if (payload_len != len - FACTS_HDR_LEN - 8 || r.n_strs > payload_len / 4) {
        return NULL;
    }
    r.end = img + FACTS_HDR_LEN + payload_len;
    sum = bc_hash_words(BC_FNV1A_BASIS, img, FACTS_HDR_LEN + payload_len);
    if (sum != (get_u64(&(Reader){ .p = r.end, .end = img + len }))) {
        return NULL;
    }
    f = r.f = bc_facts_new(NULL);
    read_strtab(&r);
    f->main_file = get_str(&r);
    f->status = get_enum(&r, get_u32(&r), BC_TU_FAILED + 1);
    f->error = get_str(&r);
    read_symbols_decls(&r, f);
    read_calls_addrs(&r, f);
    read_locks_polls(&r, f);
    if (r.bad || r.p != r.end) {
        bc_facts_free(f);
        return NULL;
    }
    return f;
}

static int read_file(const char *path, unsigned char **img, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    long sz = 0;
    int ret = 0;

    if (!fp) {
        return -errno;
    }
    if (fseek(fp, 0, SEEK_END) < 0 || (sz = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) < 0) {
        ret = errno ? -errno : -EIO;
    } else if (!(*img = malloc((size_t)sz + 1))) {
        ret = -ENOMEM;
    } else if (fread(*img, 1, (size_t)sz, fp) != (size_t)sz) {
        ret = -EIO;
        free(*img);
    }
    *len = (size_t)sz;
    fclose(fp);
    return ret;
}

int bc_facts_load(const char *path, BcTuFacts **out)
{
    unsigned char *img = NULL;
    size_t len = 0;
    int ret = read_file(path, &img, &len);

    *out = NULL;
    if (ret) {
        return ret;
    }
    *out = parse_image(img, len);
    free(img);
    return *out ? 0 : -EINVAL;
}
