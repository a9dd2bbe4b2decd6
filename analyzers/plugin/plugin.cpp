/*
 * plugin.cpp - blkcheck-plugin.so: registration, options, one TU's run
 *
 * Context: loaded into clang with -fplugin=PATH; one compiler thread.
 *
 * The action adds itself after the main action (AddAfterMainAction), so
 * `-fplugin=blkcheck-plugin.so` alone runs it next to code generation, and
 * `-fsyntax-only` runs it alone.  Options, -fplugin-arg-blkcheck-OPT:
 *
 *   config=FILE      .blkcheck.json (default: the built-in defaults)
 *   rules=LIST       as blkcheck --rules (only one-TU rules run here)
 *   facts-dir=DIR    also write this TU's facts (the cache format) to DIR
 *                    for `blkcheck check --facts DIR`
 *   W<spec>          a -W option for the plugin's rules without clang's
 *                    "unknown warning option": Wno-blkcheck-bc008,
 *                    Werror=blkcheck-bc007, Wno-error=blkcheck, ...
 *
 * A bad option or an unreadable config is a compiler error naming it (the
 * compile fails, the compiler does not crash).  A TU with errors gets
 * clang's own errors only: the plugin looks at it no further.
 */
#include "plugin-int.h"

#include <cerrno>
#include <sys/stat.h>
#include <unistd.h>

#include "clang/AST/ASTConsumer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "clang/Lex/Preprocessor.h"

extern "C" {
#include "rules.h"
#include "tu-rules.h"
}

using namespace clang;

namespace blkcheck {
namespace {

struct Options {
    BcConfig *cfg = nullptr;
    bool enabled[11];
    std::string facts_dir;
    std::vector<std::string> wspecs;     /* plugin W... arguments */

    Options() { std::fill(enabled, enabled + 11, true); }
    ~Options() { bc_config_free(cfg); }
};

void error(DiagnosticsEngine &d, const std::string &msg)
{
    d.Report(d.getCustomDiagID(DiagnosticsEngine::Error, "blkcheck plugin: %0")) << msg;
}

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
    uint64_t h = 1469598103934665603ull;
    for (const char *p = main_file; *p; p++) {
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    }
    const char *base = strrchr(main_file, '/');
    char name[64];
    snprintf(name, sizeof(name), "-%016llx.facts", (unsigned long long)h);
    return dir + "/" + (base ? base + 1 : main_file) + name;
}

class Consumer : public ASTConsumer {
public:
    Consumer(CompilerInstance &ci, std::shared_ptr<Options> opt, const std::string &main)
        : ci_(ci), opt_(std::move(opt))
    {
        char cwd[PATH_MAX];
        const std::string &wd = ci.getFileSystemOpts().WorkingDir;

        t_.f = bc_facts_new(main.c_str());
        t_.cfg = opt_->cfg;
        t_.sm = &ci.getSourceManager();
        t_.lang = &ci.getLangOpts();
        t_.dir = !wd.empty() ? wd : getcwd(cwd, sizeof(cwd)) ? cwd : "";
        if (main[0] != '/' && !t_.dir.empty()) {
            t_.f->main_file = t_.str(t_.dir + "/" + main);
        }
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
        if (!opt_->facts_dir.empty() && !save_facts(diags)) {
            return;
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

    bool save_facts(DiagnosticsEngine &diags)
    {
        std::string path = facts_path(opt_->facts_dir, t_.f->main_file);
        int err = make_dirs(opt_->facts_dir) ? bc_facts_save(t_.f, path.c_str()) : -errno;
        if (err) {
            error(diags, "facts-dir=" + opt_->facts_dir + ": cannot write " + path + ": " +
                             strerror(-err));
            return false;
        }
        return true;
    }

    CompilerInstance &ci_;
    std::shared_ptr<Options> opt_;
    PluginTu t_;
};

class Action : public PluginASTAction {
protected:
    std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &ci,
                                                   llvm::StringRef in) override
    {
        return std::make_unique<Consumer>(ci, opt_, in.str());
    }

    bool ParseArgs(const CompilerInstance &ci, const std::vector<std::string> &args) override
    {
        DiagnosticsEngine &d = ci.getDiagnostics();
        std::string config;

        opt_ = std::make_shared<Options>();
        for (const std::string &a : args) {
            size_t eq = a.find('=');
            std::string key = a.substr(0, eq), val = eq == std::string::npos ? "" : a.substr(eq + 1);
            if (key == "config" && !val.empty()) {
                config = val;
            } else if (key == "facts-dir" && !val.empty()) {
                opt_->facts_dir = val;
            } else if (key == "rules" && !val.empty()) {
                const char *bad = nullptr;
                size_t bad_len = 0;
                if (bc_rules_parse(val.c_str(), opt_->enabled, &bad, &bad_len) != 0) {
                    error(d, "-fplugin-arg-blkcheck-" + a + ": unknown rule '" +
                                 std::string(bad ? bad : "", bad_len) + "'");
                    return false;
                }
            } else if (a.size() > 1 && a[0] == 'W') {
                RulePolicy scratch;
                std::string err;
                policy_init(&scratch);
                if (!policy_apply(&scratch, a.substr(1), &err) ||
                    a.find("blkcheck") == std::string::npos) {
                    error(d, "-fplugin-arg-blkcheck-" + a + ": " +
                                 (err.empty() ? "not a blkcheck warning option" : err));
                    return false;
                }
                opt_->wspecs.push_back(a.substr(1));
            } else {
                error(d, "unknown option '" + a + "' (-fplugin-arg-blkcheck-" + a +
                             "); known: config=FILE, rules=LIST, facts-dir=DIR, "
                             "W[no-][error=]blkcheck[-bcNNN]");
                return false;
            }
        }
        if (config.empty()) {
            opt_->cfg = bc_config_default();
        } else {
            char *msg = nullptr;
            if (bc_config_load(config.c_str(), &opt_->cfg, &msg) != 0) {
                error(d, "-fplugin-arg-blkcheck-config=" + config + ": " +
                             (msg ? msg : "cannot load"));
                free(msg);
                return false;
            }
        }
        return true;
    }

    ActionType getActionType() override { return AddAfterMainAction; }

private:
    std::shared_ptr<Options> opt_;
};

} // namespace
} // namespace blkcheck

static FrontendPluginRegistry::Add<blkcheck::Action>
    registration("blkcheck", "blkcheck: coroutine and graph-lock rules (DESIGN 6.6)");
