int qemu_in_coroutine(void);
void co_only(void);
void not_co(void);
void tail(void);
void unrelated(void);

void mixed_then(void)
{
    if (qemu_in_coroutine()) {
        co_only();
    } else {
        not_co();
    }
    unrelated();
}

void mixed_return(void)
{
    if (!qemu_in_coroutine()) {
        not_co();
        return;
    }
    tail();
}

void no_return(void)
{
    if (!qemu_in_coroutine()) {
        not_co();
    }
    unrelated();
}
