/*
 * plugin-int.h - private state shared by the clang plugin's passes
 *
 * Context: one compiler process, one thread; one BcPluginTu per
 * translation unit, built when the AST is complete.
 *
 * The plugin is the second front end of analyzers/core (the first is the
 * libclang extractor, analyzers/extract/).  It turns the clang AST of one
 * TU into the same BcTuFacts records, then hands them to the same rules
 * (core/tu-rules.h) and maps the findings to clang diagnostics.  Passes,
 * one file each, mirroring extract/:
 *
 *   macros.cpp   preprocessor callback: outermost macro expansions of
 *                non-system files, by file and offset (attribution,
 *                polling / guard / code-class macros)
 *   symbols.cpp  positions, USRs, symbols, declarations and their labels,
 *                the top-level walk, variables and initializers (addr)
 *   body.cpp     a function body as a control-flow graph fed to core/flow.h
 *   calls.cpp    the leaves of a body: calls, lock calls, polling points,
 *                stores of function pointers, function references
 *   diag.cpp     findings -> clang diagnostics (levels from -W options)
 *   tu.cpp       one TU's run: facts, facts-dir, rules, diagnostics
 *   plugin.cpp   registration and -fplugin-arg-blkcheck-* options
 *
 * Only C++ where clang's API requires it: the rules and the flow engine
 * are analyzers/core's C code, included with C linkage.
 */
#ifndef BC_PLUGIN_INT_H
#define BC_PLUGIN_INT_H

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/PPCallbacks.h"

extern "C" {
#include "config.h"
#include "facts.h"
#include "findings.h"
#include "flow.h"
#include "rules.h"
}

namespace blkcheck {

enum class MacroRole { Other, Poll, Guard, CodeClass };

/* One outermost macro expansion of a non-system file. */
struct MacroExp {
    const char *name;            /* in the TU arena */
    unsigned start, end;         /* file offsets: name, end of the last token */
    BcLoc loc;
    MacroRole role;
    const char *label;           /* code-class label for MacroRole::CodeClass */
};

/* --- macros.cpp ---------------------------------------------------------- */
class MacroIndex {
public:
    /* Expansions of @fid in offset order, or NULL. */
    const std::vector<MacroExp> *file(clang::FileID fid) const;
    /* The expansion starting at @offset of @fid, or NULL. */
    const MacroExp *at(clang::FileID fid, unsigned offset) const;
    void add(clang::FileID fid, const MacroExp &e);

private:
    std::unordered_map<unsigned, std::vector<MacroExp>> files_;  /* FileID hash */
};

struct PluginTu;
/* A PPCallbacks that fills @tu->macros (the TU outlives the preprocessor's
 * use of it). */
std::unique_ptr<clang::PPCallbacks> make_macro_recorder(PluginTu *tu);

/* --- the TU ----------------------------------------------------------- */
struct PluginTu {
    clang::ASTContext *ctx = nullptr;
    clang::SourceManager *sm = nullptr;
    const clang::LangOptions *lang = nullptr;
    BcTuFacts *f = nullptr;
    const BcConfig *cfg = nullptr;
    std::string dir;                                    /* working directory */
    MacroIndex macros;
    std::unordered_map<unsigned, const char *> names;  /* FileID -> absolute path */
    std::unordered_map<std::string, clang::FileID> files;  /* path -> FileID */
    std::unordered_map<std::string, long> symbols;     /* usr -> index */
    std::unordered_map<const clang::Decl *, BcFlowOp> asserts;
    std::unordered_set<const clang::Expr *> claimed;   /* recorded references */

    const char *str(const std::string &s) { return bc_arena_strdup(f->arena, s.c_str()); }
    const char *str(llvm::StringRef s)
    {
        return bc_arena_strndup(f->arena, s.data(), s.size());
    }
};

/* --- symbols.cpp --------------------------------------------------------- */
const char *file_name(PluginTu *t, clang::FileID fid);
/* File position (macro arguments at their spelling, bodies at expansion). */
BcLoc location(PluginTu *t, clang::SourceLocation l);
/* Expansion file and offset of @l. */
std::pair<clang::FileID, unsigned> expansion_offset(PluginTu *t, clang::SourceLocation l);
/* USR of @d in the arena ("" when none). */
const char *decl_usr(PluginTu *t, const clang::Decl *d);
/* "<function USR>@P@<index>" */
const char *param_key(PluginTu *t, const clang::FunctionDecl *fn, unsigned index);
/* Slot key of a field, variable or parameter. */
const char *slot_key(PluginTu *t, const clang::ValueDecl *d);
bool type_is_fnptr(clang::QualType t);
bool type_is_fnptr_slot(clang::QualType t);
/* Strip implicit casts, parentheses, unary operators, C casts. */
const clang::Expr *strip_expr(const clang::Expr *e);
/* Through parentheses, implicit casts and constant wrappers; with
 * @operators also through unary operators and explicit casts. */
const clang::Expr *strip_parens(const clang::Expr *e, bool operators);
/* The function a (stripped) expression names and the reference, or NULL. */
const clang::FunctionDecl *expr_function(const clang::Expr *e,
                                         const clang::DeclRefExpr **ref = nullptr);
/* Name of the macro whose expansion starts where @l expands, or NULL. */
const char *macro_at(PluginTu *t, clang::SourceLocation l);

BcSymbol *symbol_note(PluginTu *t, const char *usr, const char *name, const char *qual,
                      BcSymbolKind kind, bool is_static);
BcSymbol *symbol_of(PluginTu *t, const clang::NamedDecl *d, const char *usr);
/* A function declared in a body: labels count like any declaration's. */
void local_function_decl(PluginTu *t, const clang::FunctionDecl *fn);
/* A variable (global or local): slot symbol and initializer. */
void var_extract(PluginTu *t, const clang::VarDecl *var, const char *context_usr);
/* A graph-lock assertion on @fn (QEMU's assume_graph_lock()). */
BcFlowOp tsa_asserts(PluginTu *t, const clang::FunctionDecl *fn);
/* Every top-level declaration of non-system files. */
void walk_tu(PluginTu *t);

/* --- addr (symbols.cpp) ---------------------------------------------------- */
void addr_store(PluginTu *t, const clang::Expr *value, const char *slot, BcAddrKind kind,
                const char *context_usr);
void addr_init_list(PluginTu *t, const clang::InitListExpr *list, const char *array_slot,
                    const char *context_usr);
void addr_call_args(PluginTu *t, const clang::CallExpr *call, const clang::FunctionDecl *callee,
                    const char *context_usr);

/* --- body.cpp -------------------------------------------------------------- */
/* Calls, lock events, polls, address-taken of the body of @fn, whose
 * definition is f->decls.v[@def]. */
void body_extract(PluginTu *t, const clang::FunctionDecl *fn, size_t def);

class Body;
enum class Rec { Call, Lock, Poll };
void body_event(Body *b, BcFlowOp op, Rec kind, size_t index);
void body_take_guard(Body *b, BcLoc loc);
void body_effect(Body *b, BcFlowOp op);
void body_dead_end(Body *b);
PluginTu *body_tu(const Body *b);
const char *body_usr(const Body *b);
size_t body_def(const Body *b);
bool body_in_first_statement(const Body *b);
bool body_is_fresh(const Body *b, const clang::Decl *var);

/* --- calls.cpp ------------------------------------------------------------- */
size_t call_begin(Body *b, const clang::CallExpr *call);
void call_end(Body *b, const clang::CallExpr *call, size_t rec);
void call_poll(Body *b, const char *what, BcLoc loc);
void call_assignment(Body *b, const clang::BinaryOperator *op);
void call_function_ref(Body *b, const clang::DeclRefExpr *ref);
bool call_is_in_coroutine_test(Body *b, const clang::Expr *e);

} // namespace blkcheck

/* --- diag.cpp ------------------------------------------------------------------ */
#include "clang/Basic/Diagnostic.h"
extern "C" {
#include "findings.h"
}

namespace blkcheck {

/*
 * How each rule is reported, from the config's severities and the -W
 * options the compiler was given (DiagnosticOptions::Warnings) followed by
 * the plugin's own W... arguments, applied in order like clang does:
 *   [no-]blkcheck[-bcNNN|-NAME]          enable / disable
 *   [no-]error=blkcheck[-bcNNN|-NAME]    error / not an error
 *   error (-Werror), -w                   from the DiagnosticsEngine
 */
struct RulePolicy {
    BcRuleSet enabled;
    BcRuleSet error;                /* -Werror=blkcheck-... */
    BcRuleSet no_error;             /* -Wno-error=blkcheck-... */
};

/*
 * Apply one -W specification (without the leading "-W") to @p.  Specs that
 * do not name blkcheck are ignored.  Returns: false, with a message in
 * *@err, when the spec names blkcheck but an unknown rule.
 */
bool policy_apply(RulePolicy *p, const std::string &spec, std::string *err);
void policy_init(RulePolicy *p);

/* Emit @fs as diagnostics of @diags (notes for path hops, fix-its). */
void report_findings(PluginTu *t, clang::DiagnosticsEngine &diags, const RulePolicy &p,
                     const BcFindings *fs);

} // namespace blkcheck

/* --- tu.cpp, plugin.cpp ----------------------------------------------------------- */
namespace clang {
class ASTConsumer;
class CompilerInstance;
}

namespace blkcheck {

/* The -fplugin-arg-blkcheck-* options of one compilation. */
struct PluginOptions {
    BcConfig *cfg = nullptr;
    BcRuleSet enabled = BC_RULES_ALL;
    std::string facts_dir;
    std::vector<std::string> wspecs;     /* plugin W... arguments */

    ~PluginOptions() { bc_config_free(cfg); }
};

/* A compiler error "blkcheck plugin: @msg". */
void plugin_error(clang::DiagnosticsEngine &d, const std::string &msg);

/* The consumer that runs the plugin on the TU of @ci. */
std::unique_ptr<clang::ASTConsumer> make_consumer(clang::CompilerInstance &ci,
                                                  std::shared_ptr<PluginOptions> opt,
                                                  const std::string &main_file);

} // namespace blkcheck

#endif
