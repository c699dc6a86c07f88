// Bearer-token authentication and account management. A token is 256
// random bits shown to its owner once ("ty_" + 64 hex); the store keeps only
// its SHA-256 and a short prefix to list and revoke it by.
#pragma once

#include <optional>
#include <string>

#include "api/http_types.h"
#include "api/token_cache.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/user_store.h"

namespace trainyard::api {

struct IssuedToken {
  std::string token;  // the secret; never stored or logged
  store::TokenInfo info;
};

// Creates a user. VALIDATION_ERROR for an empty/overlong name, CONFLICT if
// the name is taken.
Result<store::User> CreateUser(store::UserStore* users, const Clock& clock,
                               const std::string& name, store::Tier tier,
                               store::Role role, double credits = 0.0);

// Issues a new token for an existing user (NOT_FOUND otherwise).
Result<IssuedToken> IssueToken(store::UserStore* users, const Clock& clock,
                               const std::string& user_id,
                               const std::string& name);

// On a store with no users, creates the admin user "admin" (ELITE, role
// admin) and its first token, and returns that token so the caller can show
// it once. Returns nullopt when users already exist.
Result<std::optional<IssuedToken>> BootstrapAdmin(store::UserStore* users,
                                                  const Clock& clock);

// How long and how many verified tokens the authenticator remembers. A
// token revoked in the database (by `trainyard token revoke`, another
// process) is refused at the latest `ttl_ms` after its revocation.
struct TokenCacheOptions {
  size_t capacity = 4096;
  int64_t ttl_ms = 2000;  // 0 = no cache: every request asks the database
};

// Resolves Authorization headers to principals. Thread-safe.
class Authenticator {
 public:
  // With `enabled` false every request acts as `local_admin` (--auth=off).
  Authenticator(store::UserStore* users, const Clock* clock, bool enabled,
                Principal local_admin, TokenCacheOptions cache = {})
      : users_(users),
        clock_(clock),
        enabled_(enabled),
        local_admin_(std::move(local_admin)),
        cache_(cache.capacity, cache.ttl_ms, clock) {}

  // AUTHENTICATION_ERROR when the header is missing, not "Bearer <token>",
  // or names an unknown or revoked token. A token verified in the database
  // less than the cache TTL ago is accepted from the cache (keyed by its
  // SHA-256); unknown tokens are never cached.
  Result<Principal> Authenticate(const std::string& authorization_header) const;
  bool enabled() const { return enabled_; }

  // Forgets a cached token at once; call after revoking it in this process.
  void ForgetToken(const std::string& token_id) { cache_.Forget(token_id); }

 private:
  store::UserStore* users_;
  const Clock* clock_;
  bool enabled_;
  Principal local_admin_;
  mutable TokenCache cache_;
};

}  // namespace trainyard::api
