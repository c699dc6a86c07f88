#include <CLI/CLI.hpp>
#include <iomanip>
#include <iostream>
#include <memory>

#include "api/auth.h"
#include "app/runtime.h"
#include "cli/commands.h"
#include "cli/config_flags.h"
#include "core/clock.h"

namespace trainyard::cli {

namespace {

struct TokenArgs {
  ConfigFlags flags;
  std::string user;
  std::string tier = "FREE";
  std::string role = "user";
  std::string name;
  double credits = 100.0;
  std::string id_or_prefix;
};

void Audit(app::Runtime& rt, const std::string& action,
           const std::string& target) {
  (void)rt.store->audit()->Append(
      {0, "cli", action, target, "{}", SystemClock::Default()->NowMillis()});
}

Result<store::User> FindOrCreateUser(app::Runtime& rt, const TokenArgs& a) {
  auto existing = rt.store->users()->FindUserByName(a.user);
  if (existing.ok()) return existing;
  if (existing.status().code() != ErrorCode::kNotFound)
    return existing.status();
  TY_ASSIGN_OR_RETURN(store::Tier tier, store::ParseTier(a.tier));
  TY_ASSIGN_OR_RETURN(store::Role role, store::ParseRole(a.role));
  TY_ASSIGN_OR_RETURN(
      store::User user,
      api::CreateUser(rt.store->users(), *SystemClock::Default(), a.user, tier,
                      role, a.credits));
  Audit(rt, "user.create", user.id);
  std::cerr << "created user '" << user.name << "' (" << store::TierName(tier)
            << ", " << store::RoleName(role) << ")\n";
  return user;
}

int Create(const TokenArgs& a) {
  auto rt = OpenDataDirectory(a.flags);
  if (!rt.ok()) return ReportError(rt.status());
  auto user = FindOrCreateUser(**rt, a);
  if (!user.ok()) return ReportError(user.status());
  auto issued = api::IssueToken((*rt)->store->users(), *SystemClock::Default(),
                                user->id, a.name);
  if (!issued.ok()) return ReportError(issued.status());
  Audit(**rt, "token.create", issued->info.id);
  std::cerr << "token " << issued->info.prefix << "… for user '" << user->name
            << "' (shown once):\n";
  std::cout << issued->token << "\n";
  return 0;
}

std::string When(const std::optional<int64_t>& ms) {
  return ms ? FormatIso8601Millis(*ms) : "-";
}

int List(const TokenArgs& a) {
  auto rt = OpenDataDirectory(a.flags);
  if (!rt.ok()) return ReportError(rt.status());
  std::optional<std::string> user_id;
  if (!a.user.empty()) {
    auto user = (*rt)->store->users()->FindUserByName(a.user);
    if (!user.ok()) return ReportError(user.status());
    user_id = user->id;
  }
  auto tokens = (*rt)->store->users()->ListTokens(user_id);
  if (!tokens.ok()) return ReportError(tokens.status());
  std::cout << std::left << std::setw(37) << "ID" << std::setw(13) << "PREFIX"
            << std::setw(14) << "USER" << std::setw(14) << "NAME"
            << std::setw(22) << "CREATED" << std::setw(22) << "LAST USED"
            << "STATUS\n";
  for (const auto& t : *tokens) {
    auto user = (*rt)->store->users()->GetUser(t.user_id);
    std::cout << std::setw(37) << t.id << std::setw(13) << t.prefix
              << std::setw(14) << (user.ok() ? user->name : "?")
              << std::setw(14) << (t.name.empty() ? "-" : t.name)
              << std::setw(22) << FormatIso8601Millis(t.created_at)
              << std::setw(22) << When(t.last_used_at)
              << (t.revoked_at ? "revoked" : "active") << "\n";
  }
  return 0;
}

int Revoke(const TokenArgs& a) {
  auto rt = OpenDataDirectory(a.flags);
  if (!rt.ok()) return ReportError(rt.status());
  auto revoked = (*rt)->store->users()->RevokeToken(
      a.id_or_prefix, SystemClock::Default()->NowMillis());
  if (!revoked.ok()) return ReportError(revoked.status());
  Audit(**rt, "token.revoke", revoked->id);
  std::cout << "revoked token " << revoked->id << " (" << revoked->prefix
            << "…)\n";
  return 0;
}

}  // namespace

void RegisterTokenCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<TokenArgs>();
  auto* token =
      app.add_subcommand("token", "Create, list and revoke API bearer tokens");
  token->require_subcommand(1);

  auto* create = token->add_subcommand(
      "create",
      "Issue a token for a user (creating the user if needed); prints it once");
  args->flags.AddTo(create, false);
  create->add_option("--user", args->user, "User name")->required();
  create
      ->add_option(
          "--tier", args->tier,
          "Tier of a new user: FREE (100 req/h), PRO (1000), ELITE (10000)")
      ->check(CLI::IsMember({"FREE", "PRO", "ELITE"}));
  create->add_option("--role", args->role, "Role of a new user")
      ->check(CLI::IsMember({"user", "admin"}));
  create->add_option("--credits", args->credits,
                     "Compute credits of a new user (default 100)");
  create->add_option("--name", args->name,
                     "A label for the token, e.g. 'laptop'");
  create->callback([args, exit_code] { *exit_code = Create(*args); });

  auto* list =
      token->add_subcommand("list", "List tokens (never their secrets)");
  args->flags.AddTo(list, false);
  list->add_option("--user", args->user, "Only this user's tokens");
  list->callback([args, exit_code] { *exit_code = List(*args); });

  auto* revoke =
      token->add_subcommand("revoke", "Revoke a token by id or prefix");
  args->flags.AddTo(revoke, false);
  revoke
      ->add_option("token", args->id_or_prefix,
                   "Token id or the prefix shown by `token list`")
      ->required();
  revoke->callback([args, exit_code] { *exit_code = Revoke(*args); });
}

}  // namespace trainyard::cli
