/*
 * block.c - block nodes: opening, reference counting, and the
 * graph changes (edges, replacing a node, inserting and removing filters)
 *
 * Context: everything here is global-state code and runs in the main loop
 * (GLOBAL_STATE_CODE()), outside coroutines.  Edges change only under
 * bdrv_graph_wrlock(); main-loop readers of the graph take
 * bdrv_graph_rdlock_main_loop().  I/O never comes here: node-level
 * requests live in io.c, the request gate in request-gate.c, drain in
 * drain.c.
 *
 * Lifetime.  A node starts with one reference (the opener's); every edge
 * that points at it holds one more.  The last bdrv_unref() drains the node,
 * lets the driver close it, detaches its children and frees it.  When the
 * last reference goes away with an edge while the caller holds the write
 * lock (bdrv_unref_child(), bdrv_root_unref_child(), bdrv_replace_node()
 * moving the last parent away), the node leaves the node list and its
 * children are detached at once, under that lock; the driver's close and
 * the free run from a main-loop bottom half, because close must run
 * without the graph lock and draining would poll under it.  No request can
 * be inside such a node: requests hold the reader lock, and the writer
 * holds it exclusively.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/aio.h"
#include "block/block_int.h"
#include "qemu/abort.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"

/* ---- the node list (main loop only) ------------------------------------ */

static BlockDriverState *all_nodes;
static unsigned next_auto_name;

static void bdrv_node_list_append(BlockDriverState *bs)
{
    BlockDriverState **p = &all_nodes;

    while (*p) {
        p = &(*p)->next_node;
    }
    bs->next_node = NULL;
    *p = bs;
}

/* Take @bs out of the list; it may already be out (never listed, or
 * unlisted when its last reference went). */
static void bdrv_node_list_remove(BlockDriverState *bs)
{
    for (BlockDriverState **p = &all_nodes; *p; p = &(*p)->next_node) {
        if (*p == bs) {
            *p = bs->next_node;
            bs->next_node = NULL;
            return;
        }
    }
}

BlockDriverState *bdrv_find_node(const char *node_name)
{
    GLOBAL_STATE_CODE();
    for (BlockDriverState *bs = all_nodes; bs; bs = bs->next_node) {
        if (!strcmp(bs->node_name, node_name)) {
            return bs;
        }
    }
    return NULL;
}

BlockDriverState *bdrv_next_node(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    return bs ? bs->next_node : all_nodes;
}

BlockDriverState *GRAPH_RDLOCK bdrv_child_node(BlockDriverState *bs, unsigned n)
{
    BdrvChild *c = bs->children;

    GLOBAL_STATE_CODE();
    while (c && n--) {
        c = c->next;
    }
    return c ? c->bs : NULL;
}

const char *bdrv_get_node_name(const BlockDriverState *bs)
{
    IO_CODE();
    return bs->node_name;
}

const char *bdrv_get_format_name(const BlockDriverState *bs)
{
    IO_CODE();
    return bs->drv->format_name;
}

bool bdrv_is_read_only(const BlockDriverState *bs)
{
    IO_CODE();
    return bs->read_only;
}

/* ---- allocation ---------------------------------------------------------- */

static BlockDriverState *bdrv_new(const BlockDriver *drv)
{
    BlockDriverState *bs;

    bs = calloc(1, sizeof(*bs));
    if (!bs) {
        abort();
    }
    bdrv_request_gate_init(bs);
    bs->drv = drv;
    bs->refcnt = 1;
    bs->bl = (BlockLimits){ .request_alignment = 1, .min_mem_alignment = 1 };
    if (drv->instance_size) {
        bs->opaque = calloc(1, drv->instance_size);
        if (!bs->opaque) {
            abort();
        }
    }
    return bs;
}

static void bdrv_free(BlockDriverState *bs)
{
    bdrv_request_gate_destroy(bs);
    free(bs->opaque);
    free(bs->options);
    free(bs);
}

/* ---- edges (main loop, write lock held) ------------------------------- */

static BdrvChild *bdrv_child_new(const char *name, BdrvChildRole role,
                                 const BdrvChildClass *klass, void *opaque)
{
    BdrvChild *c = calloc(1, sizeof(*c));

    if (!c || !(c->name = strdup(name))) {
        abort();
    }
    c->role = role;
    c->klass = klass;
    c->opaque = opaque;
    return c;
}

/* Point @c at @bs: @bs gains a parent (and, with it, a reference). */
static void GRAPH_WRLOCK bdrv_child_link(BdrvChild *c, BlockDriverState *bs)
{
    c->bs = bs;
    c->next_parent = bs->parents;
    bs->parents = c;
    bs->refcnt++;
    bdrv_child_quiesce_attach(c);
}

/* Point @c away from its node.  Returns: the node, whose reference the
 * caller now owns. */
static BlockDriverState *GRAPH_WRLOCK bdrv_child_unlink(BdrvChild *c)
{
    BlockDriverState *bs = c->bs;

    bdrv_child_quiesce_detach(c);
    for (BdrvChild **p = &bs->parents; *p; p = &(*p)->next_parent) {
        if (*p == c) {
            *p = c->next_parent;
            break;
        }
    }
    c->bs = NULL;
    c->next_parent = NULL;
    return bs;
}

/* Take @c out of @parent's children.  Returns: the child node, whose
 * reference the caller now owns; @c is freed. */
static BlockDriverState *GRAPH_WRLOCK bdrv_detach_child(BlockDriverState *parent,
                                                        BdrvChild *c)
{
    BlockDriverState *child_bs;

    for (BdrvChild **p = &parent->children; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    if (parent->file == c) {
        parent->file = NULL;
    }
    if (parent->backing == c) {
        parent->backing = NULL;
    }
    child_bs = bdrv_child_unlink(c);
    free(c->name);
    free(c);
    return child_bs;
}

static void bdrv_delete_deferred_bh(void *opaque);

/*
 * Drop a reference while holding the write lock.  On the last one, the node
 * leaves the graph now and is closed and freed from a bottom half (see the
 * top of the file).
 */
static void GRAPH_WRLOCK bdrv_unref_locked(BlockDriverState *bs)
{
    if (--bs->refcnt > 0) {
        return;
    }
    bdrv_node_list_remove(bs);
    while (bs->children) {
        bdrv_unref_locked(bdrv_detach_child(bs, bs->children));
    }
    aio_bh_schedule_oneshot(qemu_get_aio_context(), bdrv_delete_deferred_bh,
                            bs);
}

/* Returns: true when @bs is @root or lies below it. */
static bool GRAPH_RDLOCK bdrv_in_subtree(BlockDriverState *root,
                                         BlockDriverState *bs)
{
    if (root == bs) {
        return true;
    }
    for (BdrvChild *c = root->children; c; c = c->next) {
        if (bdrv_in_subtree(c->bs, bs)) {
            return true;
        }
    }
    return false;
}

BdrvChild *bdrv_attach_child(BlockDriverState *parent_bs,
                             BlockDriverState *child_bs, const char *name,
                             int role, Error **errp) GRAPH_WRLOCK
{
    BdrvChild *c, **tail;

    GLOBAL_STATE_CODE();
    assert_bdrv_graph_writable();
    if (bdrv_in_subtree(child_bs, parent_bs)) {
        error_setg(errp, "cannot attach node '%s' below node '%s': "
                   "it would make a cycle", child_bs->node_name,
                   parent_bs->node_name);
        return NULL;
    }
    for (tail = &parent_bs->children; *tail; tail = &(*tail)->next) {
        if (!strcmp((*tail)->name, name)) {
            error_setg(errp, "node '%s' already has a child named '%s'",
                       parent_bs->node_name, name);
            return NULL;
        }
    }
    c = bdrv_child_new(name, (BdrvChildRole)role, &child_of_bds, parent_bs);
    *tail = c;
    if (role == BDRV_CHILD_FILE || role == BDRV_CHILD_FILTERED) {
        parent_bs->file = c;
    } else if (role == BDRV_CHILD_BACKING) {
        parent_bs->backing = c;
    }
    bdrv_child_link(c, child_bs);
    return c;
}

void bdrv_unref_child(BlockDriverState *parent, BdrvChild *child) GRAPH_WRLOCK
{
    GLOBAL_STATE_CODE();
    assert_bdrv_graph_writable();
    bdrv_unref_locked(bdrv_detach_child(parent, child));
}

BdrvChild *bdrv_root_attach_child(BlockDriverState *child_bs, const char *name,
                                  BdrvChildRole role,
                                  const BdrvChildClass *klass, void *opaque,
                                  Error **errp) GRAPH_WRLOCK
{
    BdrvChild *c;

    GLOBAL_STATE_CODE();
    assert_bdrv_graph_writable();
    if (!child_bs) {
        error_setg(errp, "cannot attach '%s': no node given", name);
        return NULL;
    }
    c = bdrv_child_new(name, role, klass, opaque);
    bdrv_child_link(c, child_bs);
    return c;
}

void bdrv_root_unref_child(BdrvChild *child) GRAPH_WRLOCK
{
    BlockDriverState *bs;

    GLOBAL_STATE_CODE();
    assert_bdrv_graph_writable();
    bs = bdrv_child_unlink(child);
    free(child->name);
    free(child);
    bdrv_unref_locked(bs);
}

BdrvChild *bdrv_primary_child(BlockDriverState *bs) GRAPH_RDLOCK
{
    IO_CODE();
    return bs->file;
}

/* ---- lifetime ------------------------------------------------------------ */

void bdrv_ref(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    bs->refcnt++;
}

/* Detach and unref every child of @bs, one edge per write-lock section
 * (bdrv_unref() may drain and poll, which it must not do under the lock). */
static void no_coroutine_fn GRAPH_UNLOCKED
bdrv_drop_children(BlockDriverState *bs)
{
    for (;;) {
        BlockDriverState *child_bs = NULL;

        bdrv_graph_wrlock();
        if (bs->children) {
            child_bs = bdrv_detach_child(bs, bs->children);
        }
        bdrv_graph_wrunlock();
        if (!child_bs) {
            return;
        }
        bdrv_unref(child_bs);
    }
}

/* The last reference went with an edge: finish what bdrv_unref_locked()
 * started.  A BH may run inside any poll of the main loop, even the one in
 * bdrv_graph_wrlock(), so this takes no lock and does not poll. */
static void bdrv_delete_deferred_bh(void *opaque)
{
    BlockDriverState *bs = opaque;

    if (bs->drv->bdrv_close) {
        bs->drv->bdrv_close(bs);
    }
    bdrv_free(bs);
}

void no_coroutine_fn bdrv_unref(BlockDriverState *bs) GRAPH_UNLOCKED
{
    GLOBAL_STATE_CODE();
    if (!bs) {
        return;
    }
    if (bs->refcnt <= 0) {
        mqblk_abort("bdrv_unref: node '%s' has no reference left",
                    bs->node_name);
    }
    if (--bs->refcnt > 0) {
        return;
    }
    bdrv_node_list_remove(bs);
    bdrv_drained_begin(bs);
    if (bs->drv->bdrv_close) {
        bs->drv->bdrv_close(bs);
    }
    bdrv_drop_children(bs);
    bdrv_drained_end(bs);
    bdrv_free(bs);
}

/* ---- opening ------------------------------------------------------------- */

/* Node names: a letter, then letters, digits, '-', '_', '.'.  Names that
 * start with '#' are the automatic ones and cannot be chosen. */
static bool bdrv_node_name_valid(const char *name)
{
    size_t len = strlen(name);

    if (len == 0 || len >= sizeof(((BlockDriverState *)0)->node_name) ||
        !((name[0] >= 'a' && name[0] <= 'z') ||
          (name[0] >= 'A' && name[0] <= 'Z'))) {
        return false;
    }
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789-_.") == len;
}

static bool bdrv_node_name_check_free(const char *name, Error **errp)
{
    if (bdrv_find_node(name)) {
        error_setg(errp, "node name '%s' is already in use", name);
        return false;
    }
    return true;
}

/* The options every node takes: node-name and read-only. */
static bool bdrv_open_common_opts(BlockDriverState *bs, BlockOpts *opts,
                                  Error **errp)
{
    const char *name = block_opts_get(opts, "node-name");

    if (name) {
        if (!bdrv_node_name_valid(name)) {
            error_setg(errp, "node name '%s' is invalid (a letter, then "
                       "letters, digits, '-', '_' or '.'; at most %zu "
                       "characters)", name, sizeof(bs->node_name) - 1);
            return false;
        }
        if (!bdrv_node_name_check_free(name, errp)) {
            return false;
        }
        snprintf(bs->node_name, sizeof(bs->node_name), "%s", name);
    } else {
        snprintf(bs->node_name, sizeof(bs->node_name), "#block%u",
                 next_auto_name++);
    }
    return block_opts_get_bool(opts, "read-only", false, &bs->read_only, errp);
}

/* Returns: the driver named by the "driver" option, or NULL with *errp. */
static const BlockDriver *bdrv_opts_driver(BlockOpts *opts, Error **errp)
{
    const char *name = block_opts_get(opts, "driver");
    const BlockDriver *drv = name ? bdrv_find_driver(name) : NULL;
    char *known;

    if (drv) {
        return drv;
    }
    known = bdrv_known_drivers();
    if (name) {
        error_setg(errp, "unknown driver '%s' (known drivers: %s)", name,
                   known);
    } else {
        error_setg(errp, "option 'driver' is missing (known drivers: %s)",
                   known);
    }
    free(known);
    return NULL;
}

/* Everything after the driver lookup: the node exists, the driver opens it,
 * nobody else sees it yet.  Returns: 0, or -errno with *errp; on failure
 * the driver's part is undone (not the allocation). */
static int no_coroutine_fn GRAPH_UNLOCKED
bdrv_open_node(BlockDriverState *bs, BlockOpts *opts, Error **errp)
{
    const BlockDriver *drv = bs->drv;
    char what[96];
    int64_t len;
    int ret;

    if (!bdrv_open_common_opts(bs, opts, errp)) {
        return -EINVAL;
    }
    ret = drv->bdrv_open(bs, opts, errp);
    if (ret < 0) {
        bdrv_drop_children(bs);     /* ones it attached before failing */
        return ret;
    }
    snprintf(what, sizeof(what), "driver '%s'", drv->format_name);
    if (!block_opts_check_unused(opts, what, errp)) {
        ret = -EINVAL;
        goto fail_close;
    }
    len = bdrv_getlength(bs);
    if (len < 0) {
        error_setg_errno(errp, (int)-len, "cannot get the length");
        ret = (int)len;
        goto fail_close;
    }
    qatomic_set(&bs->total_bytes, len);
    /* A child opened meanwhile may have taken the name. */
    if (!bdrv_node_name_check_free(bs->node_name, errp)) {
        ret = -EEXIST;
        goto fail_close;
    }
    return 0;

fail_close:
    if (drv->bdrv_close) {
        drv->bdrv_close(bs);
    }
    bdrv_drop_children(bs);
    return ret;
}

/* Prefix "driver 'NAME': " unless the message already names the driver
 * that way (drivers may say it themselves) or is the unknown-option one. */
static void bdrv_open_error_prefix(Error **errp, Error *err,
                                   const BlockDriver *drv)
{
    char prefix[96], unused[96];
    const char *msg = error_get_pretty(err);

    snprintf(prefix, sizeof(prefix), "driver '%s': ", drv->format_name);
    snprintf(unused, sizeof(unused), "driver '%s' has no option '",
             drv->format_name);
    if (strncmp(msg, prefix, strlen(prefix)) &&
        strncmp(msg, unused, strlen(unused))) {
        error_prepend(&err, "%s", prefix);
    }
    error_propagate(errp, err);
}

/* Open a node from parsed options (the caller keeps @opts). */
static BlockDriverState *no_coroutine_fn GRAPH_UNLOCKED
bdrv_open_from_opts(BlockOpts *opts, Error **errp)
{
    const BlockDriver *drv = bdrv_opts_driver(opts, errp);
    BlockDriverState *bs;
    Error *err = NULL;

    if (!drv) {
        return NULL;
    }
    bs = bdrv_new(drv);
    bs->options = block_opts_to_string(opts);
    if (bdrv_open_node(bs, opts, &err) < 0) {
        bdrv_open_error_prefix(errp, err, drv);
        bdrv_free(bs);
        return NULL;
    }
    bdrv_node_list_append(bs);
    return bs;
}

BlockDriverState *no_coroutine_fn bdrv_open_opts(const char *optstr,
                                                 Error **errp) GRAPH_UNLOCKED
{
    BlockOpts *opts;
    BlockDriverState *bs;

    GLOBAL_STATE_CODE();
    opts = block_opts_parse(optstr, errp);
    if (!opts) {
        return NULL;
    }
    bs = bdrv_open_from_opts(opts, errp);
    block_opts_free(opts);
    return bs;
}

/* Returns: a new reference to the node @name names ("@name=NODE", or the
 * "@name.*" options), or NULL with *errp. */
static BlockDriverState *no_coroutine_fn GRAPH_UNLOCKED
bdrv_open_child_bs(BlockOpts *opts, const char *name, Error **errp)
{
    const char *ref = block_opts_get(opts, name);
    bool has_opts = block_opts_has_prefix(opts, name);
    BlockDriverState *bs;
    BlockOpts *sub;
    Error *err = NULL;

    if (ref && has_opts) {
        error_setg(errp, "child '%s': give either %s=NODE or %s.* options, "
                   "not both", name, name, name);
        return NULL;
    }
    if (ref) {
        bs = bdrv_find_node(ref);
        if (!bs) {
            error_setg(errp, "child '%s': no node named '%s'", name, ref);
            return NULL;
        }
        bdrv_ref(bs);
        return bs;
    }
    if (!has_opts) {
        error_setg(errp, "child '%s' is missing (give %s=NODE or "
                   "%s.driver=...)", name, name, name);
        return NULL;
    }
    sub = block_opts_extract_prefix(opts, name);
    bs = bdrv_open_from_opts(sub, &err);
    block_opts_free(sub);
    if (!bs) {
        error_prepend(&err, "child '%s': ", name);
        error_propagate(errp, err);
    }
    return bs;
}

BdrvChild *bdrv_open_child(BlockDriverState *parent, BlockOpts *opts,
                           const char *name, BdrvChildRole role,
                           Error **errp) GRAPH_UNLOCKED
{
    BlockDriverState *child_bs;
    BdrvChild *c;

    GLOBAL_STATE_CODE();
    child_bs = bdrv_open_child_bs(opts, name, errp);
    if (!child_bs) {
        return NULL;
    }
    bdrv_graph_wrlock();
    c = bdrv_attach_child(parent, child_bs, name, role, errp);
    bdrv_graph_wrunlock();
    bdrv_unref(child_bs);           /* the edge holds it now, if any */
    return c;
}

/* ---- replacing nodes ------------------------------------------------------ */

/* Returns: true when edge @c of @from must stay where it is: its parent is
 * @to or a node below @to (a filter above @from keeps its child). */
static bool GRAPH_RDLOCK bdrv_edge_stays(BdrvChild *c, BlockDriverState *to)
{
    return c->klass->parent_is_bds && bdrv_in_subtree(to, c->opaque);
}

/*
 * Move the parent edges of @from to @to.  No cycle can come of it: an edge
 * P -> @to closes a cycle only when P lies below @to, and those edges stay.
 */
static void GRAPH_WRLOCK bdrv_move_parents(BlockDriverState *from,
                                           BlockDriverState *to)
{
    BdrvChild *c, *next;

    for (c = from->parents; c; c = next) {
        next = c->next_parent;
        if (bdrv_edge_stays(c, to)) {
            continue;
        }
        /* Keep the parent quiesced across the move: unlinking from a
         * drained node ends the parent's quiescence and linking to one
         * begins it again, and a request woken in between would slip past
         * the caller's drained section. */
        if (c->klass->drained_begin) {
            c->klass->drained_begin(c);
        }
        bdrv_child_unlink(c);
        bdrv_child_link(c, to);
        if (c->klass->drained_end) {
            c->klass->drained_end(c);
        }
        bdrv_unref_locked(from);    /* the moved edge's reference */
    }
}

int no_coroutine_fn bdrv_replace_node(BlockDriverState *from,
                                      BlockDriverState *to,
                                      Error **errp) GRAPH_UNLOCKED
{
    GLOBAL_STATE_CODE();
    if (from == to) {
        error_setg(errp, "cannot replace node '%s' with itself",
                   from->node_name);
        return -EINVAL;
    }
    /* Both must outlive the drained sections even if the move drops the
     * last edge reference of @from. */
    bdrv_ref(from);
    bdrv_ref(to);
    bdrv_drained_begin(from);
    bdrv_drained_begin(to);
    bdrv_graph_wrlock();
    bdrv_move_parents(from, to);
    bdrv_graph_wrunlock();
    bdrv_drained_end(to);
    bdrv_drained_end(from);
    bdrv_unref(to);
    bdrv_unref(from);
    return 0;
}

static bool no_coroutine_fn bdrv_has_parents(BlockDriverState *bs)
{
    bool has;

    bdrv_graph_rdlock_main_loop();
    has = bs->parents != NULL;
    bdrv_graph_rdunlock_main_loop();
    return has;
}

/* Returns: false with *errp unless @opts describe a filter without a file
 * child that can go above @bs. */
static bool bdrv_check_filter_opts(BlockOpts *opts, BlockDriverState *bs,
                                   Error **errp)
{
    const char *name;
    const BlockDriver *drv;

    if (block_opts_has_prefix(opts, "file") || block_opts_get(opts, "file")) {
        error_setg(errp, "filter options must not name the child 'file' "
                   "(it becomes node '%s')", bs->node_name);
        return false;
    }
    name = block_opts_get(opts, "driver");
    drv = name ? bdrv_find_driver(name) : NULL;
    if (drv && !drv->is_filter) {
        error_setg(errp, "driver '%s' is not a filter", name);
        return false;
    }
    if (!bdrv_has_parents(bs)) {
        error_setg(errp, "node '%s' has no parent to insert a filter under",
                   bs->node_name);
        return false;
    }
    return true;
}

BlockDriverState *no_coroutine_fn bdrv_insert_filter(BlockDriverState *bs,
                                                     const char *filter_opts,
                                                     Error **errp) GRAPH_UNLOCKED
{
    BlockOpts *opts;
    BlockDriverState *filter = NULL;

    GLOBAL_STATE_CODE();
    opts = block_opts_parse(filter_opts, errp);
    if (!opts) {
        return NULL;
    }
    if (bdrv_check_filter_opts(opts, bs, errp)) {
        block_opts_set(opts, "file", bs->node_name);
        filter = bdrv_open_from_opts(opts, errp);
    }
    block_opts_free(opts);
    if (!filter) {
        return NULL;
    }
    if (bdrv_replace_node(bs, filter, errp) < 0) {
        bdrv_unref(filter);
        return NULL;
    }
    bdrv_unref(filter);             /* its parents hold it now */
    return filter;
}

int no_coroutine_fn bdrv_remove_filter(BlockDriverState *filter,
                                       Error **errp) GRAPH_UNLOCKED
{
    BlockDriverState *child_bs = NULL;
    int ret;

    GLOBAL_STATE_CODE();
    if (!filter->drv->is_filter) {
        error_setg(errp, "node '%s' is not a filter", filter->node_name);
        return -EINVAL;
    }
    bdrv_graph_rdlock_main_loop();
    if (filter->file) {
        child_bs = filter->file->bs;
    }
    bdrv_graph_rdunlock_main_loop();
    if (!child_bs) {
        error_setg(errp, "filter node '%s' has no child", filter->node_name);
        return -EINVAL;
    }
    /* Once its parents are gone, this is the filter's last reference. */
    bdrv_ref(filter);
    ret = bdrv_replace_node(filter, child_bs, errp);
    bdrv_unref(filter);
    return ret;
}
