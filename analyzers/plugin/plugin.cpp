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
 * compile fails, the compiler does not crash).  One TU's run is tu.cpp's.
 */
#include "plugin-int.h"

#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"

extern "C" {
#include "rules.h"
}

using namespace clang;

namespace blkcheck {
namespace {

class Action : public PluginASTAction {
protected:
    std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &ci,
                                                   llvm::StringRef in) override
    {
        return make_consumer(ci, opt_, in.str());
    }

    bool ParseArgs(const CompilerInstance &ci, const std::vector<std::string> &args) override
    {
        DiagnosticsEngine &d = ci.getDiagnostics();
        std::string config;

        opt_ = std::make_shared<PluginOptions>();
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
                if (bc_rules_parse(val.c_str(), &opt_->enabled, &bad, &bad_len) != 0) {
                    plugin_error(d, "-fplugin-arg-blkcheck-" + a + ": unknown rule '" +
                                 std::string(bad ? bad : "", bad_len) + "'");
                    return false;
                }
            } else if (a.size() > 1 && a[0] == 'W') {
                RulePolicy scratch;
                std::string err;
                policy_init(&scratch);
                if (!policy_apply(&scratch, a.substr(1), &err) ||
                    a.find("blkcheck") == std::string::npos) {
                    plugin_error(d, "-fplugin-arg-blkcheck-" + a + ": " +
                                 (err.empty() ? "not a blkcheck warning option" : err));
                    return false;
                }
                opt_->wspecs.push_back(a.substr(1));
            } else {
                plugin_error(d, "unknown option '" + a + "' (-fplugin-arg-blkcheck-" + a +
                             "); known: config=FILE, rules=LIST, facts-dir=DIR, "
                             "W[no-][error=]blkcheck[-bcNNN]");
                return false;
            }
        }
        if (config.empty()) {
            opt_->cfg = bc_config_default();
        } else {
            char *msg = nullptr;
            if (bc_config_load(config.c_str(), &opt_->cfg, &msg) != 0 ||
                bc_rules_check_config(opt_->cfg, &msg) != 0) {
                plugin_error(d, "-fplugin-arg-blkcheck-config=" + config + ": " +
                             (msg ? msg : "cannot load"));
                free(msg);
                return false;
            }
        }
        return true;
    }

    ActionType getActionType() override { return AddAfterMainAction; }

private:
    std::shared_ptr<PluginOptions> opt_;
};

} // namespace
} // namespace blkcheck

static FrontendPluginRegistry::Add<blkcheck::Action>
    registration("blkcheck", "blkcheck: coroutine and graph-lock rules (DESIGN 6.6)");
