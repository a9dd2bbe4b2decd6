typedef struct Ops {
    int (*read)(int);
    void (*close)(void);
    struct { void (*inner)(void); } nested;
} Ops;

static int my_read(int x) { return x; }
static void my_close(void) {}
static void my_inner(void) {}
static void other_close(void) {}
static void arg_fn(void) {}
void run_cb(void (*cb)(void));

static const Ops designated = {
    .close = my_close,
    .read = my_read,
    .nested = { .inner = my_inner },
};
static const Ops positional = { my_read, my_close };
static void (*table[])(void) = { my_close, other_close };

void use(Ops *ops, void (*cb)(void))
{
    void (*local)(void) = my_close;

    ops->read(1);
    ops->close = other_close;
    cb();
    local();
    run_cb(arg_fn);
    table[0]();
}
