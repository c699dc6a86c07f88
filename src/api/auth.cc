#include "api/auth.h"

#include "core/crypto.h"
#include "core/ids.h"

namespace trainyard::api {

namespace {
constexpr const char* kTokenPrefix = "ty_";
constexpr size_t kListedPrefixLength = 11;  // "ty_" + 8 hex
constexpr int64_t kTouchIntervalMs = 60'000;
}  // namespace

Result<store::User> CreateUser(store::UserStore* users, const Clock& clock,
                               const std::string& name, store::Tier tier,
                               store::Role role, double credits) {
  if (name.empty() || name.size() > 64) {
    return ValidationError("invalid user name",
                           {{"name", "must be 1 to 64 characters"}});
  }
  store::User user{NewUuidV4(), name, tier, role, credits, clock.NowMillis()};
  TY_RETURN_IF_ERROR(users->CreateUser(user));
  return user;
}

Result<IssuedToken> IssueToken(store::UserStore* users, const Clock& clock,
                               const std::string& user_id,
                               const std::string& name) {
  TY_RETURN_IF_ERROR(users->GetUser(user_id).status());
  IssuedToken issued;
  issued.token = kTokenPrefix + HexEncode(RandomBytes(32));
  issued.info.id = NewUuidV4();
  issued.info.user_id = user_id;
  issued.info.prefix = issued.token.substr(0, kListedPrefixLength);
  issued.info.name = name;
  issued.info.created_at = clock.NowMillis();
  TY_RETURN_IF_ERROR(users->CreateToken(issued.info, Sha256Hex(issued.token)));
  return issued;
}

Result<std::optional<IssuedToken>> BootstrapAdmin(store::UserStore* users,
                                                  const Clock& clock) {
  TY_ASSIGN_OR_RETURN(int64_t count, users->CountUsers());
  if (count > 0) return std::optional<IssuedToken>();
  TY_ASSIGN_OR_RETURN(store::User admin,
                      CreateUser(users, clock, "admin", store::Tier::kElite,
                                 store::Role::kAdmin, 1000.0));
  TY_ASSIGN_OR_RETURN(IssuedToken token,
                      IssueToken(users, clock, admin.id, "bootstrap"));
  return std::optional<IssuedToken>(std::move(token));
}

Result<Principal> Authenticator::Authenticate(const std::string& header) const {
  if (!enabled_) return local_admin_;
  auto fail = [](const std::string& why) {
    return Status(ErrorCode::kAuthentication, why);
  };
  if (header.empty()) {
    return fail(
        "missing Authorization header; send 'Authorization: Bearer <token>'");
  }
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() ||
      std::string_view(header).substr(0, kScheme.size()) != kScheme) {
    return fail("Authorization header must be 'Bearer <token>'");
  }
  const std::string hash =
      Sha256Hex(std::string_view(header).substr(kScheme.size()));
  if (std::optional<Principal> cached = cache_.Find(hash)) return *cached;
  auto found = users_->FindActiveToken(hash);
  if (!found.ok()) {
    if (found.status().code() == ErrorCode::kNotFound) {
      return fail("invalid or revoked token");
    }
    return found.status();
  }
  const auto& [info, user] = *found;
  const int64_t now = clock_->NowMillis();
  if (!info.last_used_at || now - *info.last_used_at > kTouchIntervalMs) {
    (void)users_->TouchToken(info.id, now);  // best effort bookkeeping
  }
  Principal principal{user.id, user.name, user.tier, user.role, info.id};
  cache_.Put(hash, principal);
  return principal;
}

}  // namespace trainyard::api
