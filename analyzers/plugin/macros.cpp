/*
 * macros.cpp - where macros were expanded, for attribution and macro roles
 *
 * Context: the compiler's thread, while the preprocessor runs.
 *
 * The same index as extract/macros.c builds from libclang's preprocessing
 * record: every outermost expansion (its name token is in a file, not in
 * another macro) of a non-system file, by file and offset.  A node whose
 * expansion location is the start of an expansion came from that macro;
 * expansions of configured polling, guard and code-class macros are facts
 * that body.cpp consumes in source order while it walks a body.
 */
#include "plugin-int.h"

#include "clang/Lex/Lexer.h"
#include "clang/Lex/MacroArgs.h"
#include "clang/Lex/Token.h"

namespace blkcheck {

const std::vector<MacroExp> *MacroIndex::file(clang::FileID fid) const
{
    auto it = files_.find(fid.getHashValue());
    return it == files_.end() ? nullptr : &it->second;
}

const MacroExp *MacroIndex::at(clang::FileID fid, unsigned offset) const
{
    const std::vector<MacroExp> *v = file(fid);

    if (!v) {
        return nullptr;
    }
    auto it = std::lower_bound(v->begin(), v->end(), offset,
                               [](const MacroExp &e, unsigned off) { return e.start < off; });
    return it != v->end() && it->start == offset ? &*it : nullptr;
}

void MacroIndex::add(clang::FileID fid, const MacroExp &e)
{
    std::vector<MacroExp> &v = files_[fid.getHashValue()];

    /* Expansions of one file arrive in order; keep it sorted anyway. */
    if (v.empty() || v.back().start <= e.start) {
        v.push_back(e);
    } else {
        auto it = std::upper_bound(v.begin(), v.end(), e.start,
                                   [](unsigned off, const MacroExp &x) { return off < x.start; });
        v.insert(it, e);
    }
}

static MacroRole macro_role(const BcConfig *cfg, const char *name, const char **label)
{
    *label = nullptr;
    if (BC_CONFIG_HAS(cfg, polling_macros, name)) {
        return MacroRole::Poll;
    }
    if (BC_CONFIG_HAS(cfg, guard_macros, name)) {
        return MacroRole::Guard;
    }
    for (size_t i = 0; i < cfg->code_class_macros.n; i++) {
        if (strcmp(cfg->code_class_macros.v[i].from, name) == 0) {
            *label = cfg->code_class_macros.v[i].to;
            return MacroRole::CodeClass;
        }
    }
    return MacroRole::Other;
}

namespace {

class MacroRecorder : public clang::PPCallbacks {
public:
    explicit MacroRecorder(PluginTu *t) : t_(t) {}

    void MacroExpands(const clang::Token &name, const clang::MacroDefinition &,
                      clang::SourceRange range, const clang::MacroArgs *) override
    {
        clang::SourceManager &sm = *t_->sm;
        clang::SourceLocation l = name.getLocation();

        /* Nested expansions (from a macro body) are not recorded. */
        if (!l.isFileID() || sm.isInSystemHeader(l)) {
            return;
        }
        clang::SourceLocation end = sm.getExpansionLoc(range.getEnd());
        std::pair<clang::FileID, unsigned> s = sm.getDecomposedLoc(l);
        std::pair<clang::FileID, unsigned> e = sm.getDecomposedLoc(end);
        MacroExp x;
        x.name = t_->str(name.getIdentifierInfo()->getName());
        x.start = s.second;
        x.end = e.first == s.first
                ? e.second + clang::Lexer::MeasureTokenLength(end, sm, langopts())
                : s.second;
        x.loc = location(t_, l);
        x.role = macro_role(t_->cfg, x.name, &x.label);
        t_->macros.add(s.first, x);
    }

private:
    const clang::LangOptions &langopts() const { return *t_->lang; }
    PluginTu *t_;
};

} // namespace

std::unique_ptr<clang::PPCallbacks> make_macro_recorder(PluginTu *tu)
{
    return std::make_unique<MacroRecorder>(tu);
}

} // namespace blkcheck
