/*
 * findings.h - what the rules report, through one sink
 *
 * Context: a BcFindings is filled by one thread (rules run one after the
 * other, or each into its own BcFindings merged afterwards), then sorted and
 * handed to a reporter.
 *
 * A finding has a rule, a severity, a primary location (DESIGN §6.2 says
 * which one per rule), a message, the function it is about, for path rules
 * the chain of hops (each call with its location, from the function where
 * the path starts to the offending callee), and for BC010 a fix-it (text to
 * insert at a position).  The fingerprint identifies a finding across line
 * shifts for baselines: it is built from the rule, the function USRs on the
 * path and the callee, never from line numbers.
 */
#ifndef BC_FINDINGS_H
#define BC_FINDINGS_H

#include <stdint.h>
#include "arena.h"
#include "config.h"
#include "facts.h"
#include "vec.h"

/* What a hop is (CALL is the zero value). */
typedef enum BcHopKind {
    BC_HOP_CALL,            /* function calls callee (a function or a slot) at loc */
    BC_HOP_POINTS_TO,       /* slot (function) may hold callee, stored at loc */
    BC_HOP_POLL,            /* function polls (callee = "AIO_WAIT_WHILE"...) at loc */
    BC_HOP_DECL,            /* a declaration of function (BC008), callee = its labels */
    BC_HOP_NOTE,            /* free-form note: callee is the text */
} BcHopKind;

typedef struct BcHop {
    const char *function;   /* name of the caller at this hop */
    const char *callee;     /* name of the callee */
    BcLoc loc;              /* the call */
    BcHopKind kind;         /* how to read function/callee */
} BcHop;

typedef struct BcFixit {
    BcLoc loc;              /* insert before this position */
    const char *insert;     /* e.g. "coroutine_fn " */
} BcFixit;

struct BcRule;

typedef struct BcFinding {
    const struct BcRule *rule;  /* an entry of bc_rules[] (rules.h) */
    BcSeverity severity;
    BcLoc loc;
    const char *message;
    const char *function;   /* name of the function the finding is in */
    const char *function_usr;
    const BcHop *path;      /* NULL unless a path rule */
    uint32_t n_path;
    const BcFixit *fixit;   /* NULL unless BC010; an array of n_fixits */
    const char *fingerprint;/* stable hex string, filled by bc_findings_add */
    const char *key;        /* extra fingerprint material from the rule (callee USR...) */
    uint32_t n_fixits;      /* entries at fixit (0 with fixit set means 1) */
} BcFinding;

typedef struct BcFindings {
    BcArena *arena;
    BC_VEC(BcFinding) v;
    uint32_t dropped;       /* beyond the cap */
    uint32_t cap;           /* 0: unlimited */
    struct BcIndexSet *index;       /* private: duplicate detection */
} BcFindings;

void bc_findings_init(BcFindings *f);
void bc_findings_destroy(BcFindings *f);
/*
 * Add a copy of @fd (strings and the path are copied into f->arena); fills
 * the fingerprint.  Exact duplicates (same rule, location and message) are
 * dropped.
 */
void bc_findings_add(BcFindings *f, const BcFinding *fd);
/* Sort by file, line, column, rule. */
void bc_findings_sort(BcFindings *f);
/* Number of fix-its of @fd (handles n_fixits == 0 with fixit set). */
static inline uint32_t bc_finding_n_fixits(const BcFinding *fd)
{
    return fd->fixit ? (fd->n_fixits ? fd->n_fixits : 1) : 0;
}

#endif
