/*
 * cg-test.h - declarations the codegen tests generate wrappers for.
 *
 * Context: test only.  The _co_ twins are implemented in test_codegen.c as
 * coroutine_fn that really yield; the plain twin of the no_co_wrapper runs
 * in a main-loop bottom half.
 */
#ifndef CG_TEST_H
#define CG_TEST_H

#include <stdint.h>

#include <blkcheck/annotations.h>

typedef struct CgPoint {
    int64_t x;
    int64_t y;
    char tag[8];
} CgPoint;

typedef struct CgNode {
    int id;
    struct CgNode *next;
} CgNode;

typedef int CgMapFn(int value, void *opaque);

/* void return, no parameters */
void coroutine_fn cg_co_touch(void);
void co_wrapper cg_touch(void);

/* pointer return, const pointer parameter */
const char *coroutine_fn cg_co_strchr(const char *s, int c);
const char *co_wrapper cg_strchr(const char *s, int c);

/* int64_t return, const array parameter */
int64_t coroutine_fn cg_co_sum(const int64_t values[], int n);
int64_t co_wrapper cg_sum(const int64_t values[], int n);

/* struct-pointer return */
CgNode *coroutine_fn cg_co_nth(CgNode *head, unsigned n);
CgNode *co_wrapper cg_nth(CgNode *head, unsigned n);

/* struct returned by value, struct passed by value, fixed-size array */
CgPoint coroutine_fn cg_co_add(CgPoint a, const CgPoint b, const char tag[8]);
CgPoint co_wrapper cg_add(CgPoint a, const CgPoint b, const char tag[8]);

/* function-pointer parameters (typedef'd and spelled out) */
int coroutine_fn cg_co_map(int *values, int n, CgMapFn *fn, void *opaque,
                           void (*done)(int total, void *opaque));
int co_wrapper cg_map(int *values, int n, CgMapFn *fn, void *opaque,
                      void (*done)(int total, void *opaque));

/* function-pointer return */
CgMapFn *coroutine_fn cg_co_pick(int which);
CgMapFn *co_wrapper cg_pick(int which);

/* mixed: direct call inside a coroutine, wrapper outside */
int coroutine_fn cg_co_mixed(int a, int *depth_in_co);
int co_wrapper_mixed cg_mixed(int a, int *depth_in_co);

/* no_co_wrapper: the plain twin runs in a main-loop BH */
int64_t no_coroutine_fn cg_main_only(int64_t v, const char *name);
int64_t no_co_wrapper cg_co_main_only(int64_t v, const char *name);

void no_coroutine_fn cg_main_void(int *out);
void no_co_wrapper cg_co_main_void(int *out);

#endif /* CG_TEST_H */
