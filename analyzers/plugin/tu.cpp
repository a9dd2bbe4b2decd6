/*
 * tu.cpp - one translation unit through the plugin: facts, rules,
 * diagnostics
 *
 * Context: the compiler's thread; one Consumer per compilation, created by
 * plugin.cpp's action after its options parsed.
 *
 * The consumer registers the macro recorder with the preprocessor, and when
 * the AST is complete (and only if the TU compiled without errors: a broken
 * TU gets clang's own errors only) walks it into facts (symbols.cpp,
 * body.cpp), lists the files the TU read, saves the facts when facts-dir=
 * asks for it, runs the one-TU rules (core/tu-rules.h) and reports their
 * findings (diag.cpp) with the levels the -W options give.
 */
#include "plugin-int.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

#include "clang/AST/ASTConsumer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Lex/Preprocessor.h"

extern "C" {
#include "hash.h"
#include "tu-rules.h"
}

using namespace clang;

namespace blkcheck {

void plugin_error(DiagnosticsEngine &d, const std::string &msg)
{
    d.Report(d.getCustomDiagID(DiagnosticsEngine::Error, "blkcheck plugin: %0")) << msg;
}

namespace {

/* mkdir -p */
bool make_dirs(const std::string &dir)
{
    std::string cur;
    size_t pos = 0;

    while (pos != std::string::npos) {
        pos = dir.find('/', pos + 1);
        cur = dir.substr(0, pos);
        if (!cur.empty() && mkdir(cur.c_str(), 0777) != 0 && errno != EEXIST) {
            return false;
        }
    }
    return true;
}

/* DIR/<base>-<hash of the absolute path>.facts: one file per source file. */
std::string facts_path(const std::string &dir, const char *main_file)
{
    uint64_t h = bc_fnv1a_str(BC_FNV1A_BASIS, main_file);
    const char *base = strrchr(main_file, '/');
    char name[64];
    snprintf(name, sizeof(name), "-%016llx.facts", (unsigned long long)h);
    return dir + "/" + (base ? base + 1 : main_file) + name;
}

class Consumer : public ASTConsumer {
public:
    Consumer(CompilerInstance &ci, std::shared_ptr<PluginOptions> opt, const std::string &main)
        : ci_(ci), opt_(std::move(opt))
    {
        char cwd[PATH_MAX];
        const std::string &wd = ci.getFileSystemOpts().WorkingDir;

        t_.f = bc_facts_new(main.c_str());
        t_.cfg = opt_->cfg;
        t_.sm = &ci.getSourceManager();
        t_.lang = &ci.getLangOpts();
        t_.dir = !wd.empty() ? wd : getcwd(cwd, sizeof(cwd)) ? cwd : "";
        std::string abs = main[0] != '/' && !t_.dir.empty() ? t_.dir + "/" + main : main;
        char resolved[PATH_MAX];
        if (realpath(abs.c_str(), resolved)) {
            abs = resolved;     /* as the command line names it (extract/compdb.c) */
        }
        t_.f->main_file = t_.str(abs);
        ci.getPreprocessor().addPPCallbacks(make_macro_recorder(&t_));
    }
    ~Consumer() override { bc_facts_free(t_.f); }

    void HandleTranslationUnit(ASTContext &ctx) override
    {
        DiagnosticsEngine &diags = ci_.getDiagnostics();

        if (diags.hasErrorOccurred()) {
            return;                     /* clang's errors only */
        }
        t_.ctx = &ctx;
        walk_tu(&t_);
        list_files();
        if (!opt_->facts_dir.empty()) {
            save_facts(diags);          /* an error, but the findings still count */
        }
        RulePolicy policy;
        std::string err;
        policy_init(&policy);
        for (const std::string &w : ci_.getDiagnosticOpts().Warnings) {
            policy_apply(&policy, w, &err);   /* bad ones: clang warned already */
        }
        for (const std::string &w : opt_->wspecs) {
            policy_apply(&policy, w, &err);   /* checked in ParseArgs */
        }
        BcFindings fs;
        bc_findings_init(&fs);
        BcTuFacts *f = t_.f;
        t_.f = nullptr;                 /* the rules' graph owns it now */
        bc_tu_rules_run(f, opt_->cfg, opt_->enabled, &fs);
        report_findings(&t_, diags, policy, &fs);
        bc_findings_destroy(&fs);
    }

private:
    /* Every file the TU read, for the facts (the cache key's list). */
    void list_files()
    {
        SourceManager &sm = *t_.sm;
        std::vector<std::string> names;
        for (auto it = sm.fileinfo_begin(); it != sm.fileinfo_end(); ++it) {
            std::string n = it->first->getName().str();
            if (n.empty()) {
                continue;
            }
            if (n[0] != '/' && !t_.dir.empty()) {
                n = t_.dir + "/" + n;
            }
            names.push_back(n);
        }
        std::sort(names.begin(), names.end());
        for (const std::string &n : names) {
            const char *s = t_.str(n);
            bc_vec_push(&t_.f->files, s);
        }
    }

    void save_facts(DiagnosticsEngine &diags)
    {
        std::string path = facts_path(opt_->facts_dir, t_.f->main_file);
        int err = make_dirs(opt_->facts_dir) ? bc_facts_save(t_.f, path.c_str()) : -errno;
        if (err) {
            plugin_error(diags, "facts-dir=" + opt_->facts_dir + ": cannot write " + path + ": " +
                             strerror(-err));
        }
    }

    CompilerInstance &ci_;
    std::shared_ptr<PluginOptions> opt_;
    PluginTu t_;
};

} // namespace

std::unique_ptr<ASTConsumer> make_consumer(CompilerInstance &ci,
                                           std::shared_ptr<PluginOptions> opt,
                                           const std::string &main_file)
{
    return std::make_unique<Consumer>(ci, std::move(opt), main_file);
}

} // namespace blkcheck
