/*
 * diag.cpp - findings as clang diagnostics
 *
 * Context: the compiler's thread, at the end of the TU.
 *
 * clang 14 gives a plugin custom diagnostic IDs only: a fixed level, no
 * diagnostic group, so clang itself applies neither -Werror nor
 * -Wno-<group> to them.  The plugin therefore decides each rule's level
 * itself (RulePolicy): the config's severity, then every -W option the
 * compiler was given, in order, then the plugin's own W... arguments.  The
 * message ends with "[BC00N]" like the command line's, and with the flag
 * that controls it, "[-Wblkcheck-bc00N]" ("[-Werror,-Wblkcheck-bc00N]" when
 * -Werror made it an error), as clang prints its own groups.  Severity
 * "note" (BC010's default) is a remark, so its fix-it is still applied by
 * -fixit, which skips notes.  Path hops are notes.
 */
#include "plugin-int.h"

#include <cctype>

#include "clang/Basic/FileManager.h"

extern "C" {
#include "report-priv.h"
#include "rules.h"
}

using namespace clang;

namespace blkcheck {

void policy_init(RulePolicy *p)
{
    p->enabled = BC_RULES_ALL;
    p->error = 0;
    p->no_error = 0;
}

/* "blkcheck", "blkcheck-bc008", "blkcheck-annotation-mismatch": the rules
 * it names into @on; false if it names blkcheck but no rule. */
static bool parse_group(const std::string &g, BcRuleSet *on, bool *mine)
{
    *on = 0;
    *mine = g.compare(0, 8, "blkcheck") == 0 && (g.size() == 8 || g[8] == '-');
    if (!*mine) {
        return true;
    }
    if (g.size() == 8) {
        *on = BC_RULES_ALL;
        return true;
    }
    const BcRule *r = bc_rule_by_name(g.c_str() + 9);
    if (!r) {
        return false;
    }
    *on = BC_RULE_BIT(r);
    return true;
}

bool policy_apply(RulePolicy *p, const std::string &spec, std::string *err)
{
    std::string s = spec;
    bool neg = s.compare(0, 3, "no-") == 0;
    BcRuleSet on;
    bool mine;

    if (neg) {
        s = s.substr(3);
    }
    bool error = s.compare(0, 6, "error=") == 0;
    if (error) {
        s = s.substr(6);
    }
    std::string lower = s;
    for (char &c : lower) {
        c = (char)tolower((unsigned char)c);
    }
    if (!parse_group(lower, &on, &mine)) {
        *err = "-W" + spec + ": no such blkcheck rule (use blkcheck-bc001 .. blkcheck-bc010 "
               "or a rule name)";
        return false;
    }
    if (!mine) {
        return true;
    }
    if (error) {
        p->error = neg ? p->error & ~on : p->error | on;
        p->no_error = neg ? p->no_error | on : p->no_error & ~on;
        if (!neg) {
            p->enabled |= on;
        }
    } else {
        p->enabled = neg ? p->enabled & ~on : p->enabled | on;
    }
    return true;
}

static SourceLocation source_loc(PluginTu *t, BcLoc l)
{
    if (!l.file || !l.line) {
        return SourceLocation();
    }
    auto it = t->files.find(l.file);
    FileID fid;
    if (it != t->files.end()) {
        fid = it->second;
    } else if (auto fe = t->sm->getFileManager().getFile(l.file)) {
        fid = t->sm->translateFile(*fe);
    }
    if (fid.isInvalid()) {
        return SourceLocation();
    }
    return t->sm->translateLineCol(fid, l.line, l.col ? l.col : 1);
}

static DiagnosticsEngine::Level level_of(const BcFinding *fd, DiagnosticsEngine &diags,
                                         const RulePolicy &p, bool *by_werror)
{
    BcRuleSet r = BC_RULE_BIT(fd->rule);

    *by_werror = false;
    if (!(p.enabled & r) || fd->severity == BC_SEV_OFF) {
        return DiagnosticsEngine::Ignored;
    }
    switch (fd->severity) {
    case BC_SEV_NOTE:
        return DiagnosticsEngine::Remark;
    case BC_SEV_ERROR:
        return DiagnosticsEngine::Error;
    default:
        break;
    }
    if ((p.error & r) || (diags.getWarningsAsErrors() && !(p.no_error & r))) {
        *by_werror = true;
        return DiagnosticsEngine::Error;
    }
    if (diags.getIgnoreAllWarnings()) {
        return DiagnosticsEngine::Ignored;
    }
    return DiagnosticsEngine::Warning;
}

void report_findings(PluginTu *t, DiagnosticsEngine &diags, const RulePolicy &p,
                     const BcFindings *fs)
{
    unsigned note_id = diags.getCustomDiagID(DiagnosticsEngine::Note, "%0");

    for (size_t i = 0; i < fs->v.n; i++) {
        const BcFinding *fd = &fs->v.v[i];
        bool by_werror;
        DiagnosticsEngine::Level level = level_of(fd, diags, p, &by_werror);
        if (level == DiagnosticsEngine::Ignored) {
            continue;
        }
        char flag[64];
        snprintf(flag, sizeof(flag), "[%s-Wblkcheck-bc%03d]", by_werror ? "-Werror," : "",
                 fd->rule->number);
        std::string text = std::string(fd->message ? fd->message : "") + " [" +
                           fd->rule->id + "] " + flag;
        unsigned id = diags.getCustomDiagID(level, "%0");
        {
            DiagnosticBuilder db = diags.Report(source_loc(t, fd->loc), id);
            db << text;
            for (uint32_t k = 0; k < bc_finding_n_fixits(fd); k++) {
                SourceLocation at = source_loc(t, fd->fixit[k].loc);
                if (at.isValid()) {
                    db << FixItHint::CreateInsertion(at, fd->fixit[k].insert);
                }
            }
        }
        for (uint32_t k = 0; k < fd->n_path; k++) {
            char buf[1024];
            diags.Report(source_loc(t, fd->path[k].loc), note_id)
                << bc_report_hop_text(&fd->path[k], buf, sizeof(buf));
        }
    }
}

} // namespace blkcheck
