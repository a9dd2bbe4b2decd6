/* Label spellings: any annotate() spelling of a marker's name (either
 * case), and thread-safety attributes naming the graph-lock capability
 * through any depth of macros.  GRAPH_WRLOCK_PTR and GRAPH_RDLOCK_PTR are
 * the same guarded_by attribute: the macro's name tells them apart.  (No
 * annotations.h here: these are a project's own macros, QEMU-style.) */
#define TSA(x) __attribute__((x))
#define TSA_CAPABILITY(x) TSA(capability(x))
#define TSA_REQUIRES_SHARED(...) TSA(requires_shared_capability(__VA_ARGS__))
#define TSA_GUARDED_BY(x) TSA(guarded_by(x))
typedef struct TSA_CAPABILITY("graph-lock") BdrvGraphLock { int unused; } BdrvGraphLock;
extern BdrvGraphLock graph_lock;
typedef struct TSA_CAPABILITY("mutex") OtherLock { int unused; } OtherLock;
extern OtherLock other_lock;

#define GRAPH_RDLOCK TSA_REQUIRES_SHARED(graph_lock)
#define NODE_LOCKED GRAPH_RDLOCK
#define DEEP_LOCKED NODE_LOCKED
#define LOCKED_BY(c) TSA_REQUIRES_SHARED(c)
#define PASS(...) __VA_ARGS__
#define PASSED_LOCKED PASS(LOCKED_BY(graph_lock))
#define RAW_LOCKED __attribute__((requires_shared_capability(graph_lock)))
#define UPPER_LOCKED __attribute__((annotate("GRAPH_RDLOCK")))
#define UPPER_CO __attribute__((annotate("COROUTINE_FN")))
#define GRAPH_WRLOCK_PTR TSA_GUARDED_BY(graph_lock)
#define GRAPH_RDLOCK_PTR TSA_GUARDED_BY(graph_lock)

int DEEP_LOCKED deep(void);
int LOCKED_BY(graph_lock) by_argument(void);
int PASSED_LOCKED passed(void);
int RAW_LOCKED raw(void);
int UPPER_LOCKED upper(void);
int UPPER_CO upper_co(void);
int trailing(void) DEEP_LOCKED;
int LOCKED_BY(other_lock) other_capability(void);

struct Ops {
    int GRAPH_WRLOCK_PTR (*change)(void);
    int GRAPH_RDLOCK_PTR (*read)(void);
};

void rdlock(void) TSA(acquire_shared_capability(graph_lock));

void unlocked_user(struct Ops *ops)
{
    deep();                     // expect: BC007
    by_argument();              // expect: BC007
    passed();                   // expect: BC007
    raw();                      // expect: BC007
    upper();                    // expect: BC007
    upper_co();                 // expect: BC001
    trailing();                 // expect: BC007
    other_capability();         // expect-not: BC007
    ops->change();              // expect: BC007
    ops->read();                // expect: BC007
}

/* Near miss: the reader lock satisfies GRAPH_RDLOCK_PTR, not the writer one. */
void bdrv_graph_rdlock_main_loop(void);
void bdrv_graph_rdunlock_main_loop(void);
void reader(struct Ops *ops)
{
    bdrv_graph_rdlock_main_loop();
    ops->read();                // expect-not: BC007
    ops->change();              // expect: BC007
    bdrv_graph_rdunlock_main_loop();
}
