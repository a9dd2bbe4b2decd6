/*
 * QEMU's spelling: GRAPH_RDLOCK is a bare TSA_REQUIRES_SHARED(graph_lock)
 * with no annotate attribute (include/block/graph-lock.h, clang-tsa.h).
 */
#define TSA(x) __attribute__((x))
#define TSA_CAPABILITY(x) TSA(capability(x))
#define TSA_REQUIRES(...) TSA(requires_capability(__VA_ARGS__))
#define TSA_REQUIRES_SHARED(...) TSA(requires_shared_capability(__VA_ARGS__))
#define TSA_EXCLUDES(...) TSA(locks_excluded(__VA_ARGS__))
#define TSA_GUARDED_BY(x) TSA(guarded_by(x))

typedef struct TSA_CAPABILITY("graph-lock") BdrvGraphLock { int unused; } BdrvGraphLock;
extern BdrvGraphLock graph_lock;
typedef struct TSA_CAPABILITY("mutex") QemuMutex { int unused; } QemuMutex;
extern QemuMutex big_lock;

#define GRAPH_WRLOCK TSA_REQUIRES(graph_lock)
#define GRAPH_RDLOCK TSA_REQUIRES_SHARED(graph_lock)
#define GRAPH_UNLOCKED TSA_EXCLUDES(graph_lock)
#define GRAPH_RDLOCK_PTR TSA_GUARDED_BY(graph_lock)

int GRAPH_RDLOCK bdrv_getlength(int bs);
void GRAPH_WRLOCK bdrv_replace_child(int c);
void GRAPH_UNLOCKED bdrv_drain_all(void);
void direct_spelling(void) TSA_REQUIRES_SHARED(graph_lock);
void other_capability(void) TSA_REQUIRES_SHARED(big_lock);

typedef struct BlockDriver {
    int GRAPH_RDLOCK_PTR (*bdrv_getlength)(int bs);
} BlockDriver;

/* QEMU's guards: a lockable object with a cleanup, no guard function in the
 * default config; recognised by the macro names alone. */
typedef struct GraphLockable { int unused; } GraphLockable;
GraphLockable *graph_lockable_auto_lock(void);
void graph_lockable_auto_unlock(GraphLockable *l);
static inline void graph_lockable_cleanup(GraphLockable **l) { graph_lockable_auto_unlock(*l); }
#define GRAPH_RDLOCK_GUARD() \
    GraphLockable *glk_ __attribute__((cleanup(graph_lockable_cleanup))) = \
        graph_lockable_auto_lock()
#define WITH_GRAPH_RDLOCK_GUARD() \
    for (GraphLockable *glw_ = graph_lockable_auto_lock(); glw_; \
         graph_lockable_auto_unlock(glw_), glw_ = 0)

void q_inner(void);
void q_after(void);
void q_with(void);
void q_end(void);

void qemu_guards(void)
{
    {
        GRAPH_RDLOCK_GUARD();
        q_inner();
    }
    q_after();
    WITH_GRAPH_RDLOCK_GUARD() {
        q_with();
    }
    q_end();
}
