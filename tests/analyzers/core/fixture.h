/*
 * fixture.h - building TU facts by hand for the analyzers/core unit tests
 *
 * Names stand for USRs: "foo" is the function c:@F@foo, "a.c#foo" the
 * static function foo of a.c (c:a.c@F@foo), "Drv::cb" the field slot
 * c:@SA@Drv::cb.  Labels are a comma-separated list ("coroutine_fn,
 * graph_rdlock").  Every position is in the TU's main file.
 */
#ifndef BC_TEST_FIXTURE_H
#define BC_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include "config.h"
#include "facts.h"
#include "findings.h"
#include "graph.h"

BcTuFacts *fx_tu(const char *file);
/* USR of a fixture name (stored in @t's arena). */
const char *fx_usr(BcTuFacts *t, const char *name);

/* A function definition / declaration at @line with @labels. */
void fx_def(BcTuFacts *t, const char *name, unsigned line, const char *labels);
void fx_decl(BcTuFacts *t, const char *name, unsigned line, const char *labels);
/* A function-pointer slot (field) with @labels. */
void fx_slot(BcTuFacts *t, const char *name, const char *labels);

void fx_call(BcTuFacts *t, const char *caller, const char *callee, unsigned line,
             uint32_t lock, bool in_co_check);
void fx_call_slot(BcTuFacts *t, const char *caller, const char *slot, unsigned line,
                  uint32_t lock, bool in_co_check);
/* @fn stored into @slot (NULL: unknown) inside @ctx (NULL: file scope). */
void fx_addr(BcTuFacts *t, const char *fn, const char *slot, BcAddrKind kind,
             const char *ctx, unsigned line);
void fx_poll(BcTuFacts *t, const char *fn, const char *what, unsigned line, uint32_t lock);
void fx_lock(BcTuFacts *t, const char *fn, BcLockOp op, unsigned line, uint32_t before);

/* Build a graph of @n TUs (ownership passes), run rule @rule (0 = all). */
BcFindings *fx_run(BcTuFacts **tus, size_t n, const BcConfig *cfg, int rule);
void fx_findings_free(BcFindings *f);

/* Findings of @rule; with @line, only those whose primary line is @line. */
size_t fx_count(const BcFindings *f, int rule);
size_t fx_count_at(const BcFindings *f, int rule, unsigned line);
/* The first finding of @rule, or NULL. */
const BcFinding *fx_first(const BcFindings *f, int rule);

/* An empty temporary file for one test (cmocka setup/teardown). */
extern char fx_tmp_path[64];
int fx_tmpfile_setup(void **state);
int fx_tmpfile_teardown(void **state);

/* Print findings (for failing tests). */
void fx_dump(const BcFindings *f);

#endif
