// Users and their bearer tokens. Tokens are never stored in clear: the store
// keeps the SHA-256 of a token and an 8-character prefix to name it by.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::store {

enum class Tier { kFree, kPro, kElite };
enum class Role { kUser, kAdmin };

const char* TierName(Tier tier);  // "FREE", "PRO", "ELITE"
Result<Tier> ParseTier(std::string_view name);
const char* RoleName(Role role);  // "user", "admin"
Result<Role> ParseRole(std::string_view name);

struct User {
  std::string id;  // UUIDv4
  std::string name;
  Tier tier = Tier::kFree;
  Role role = Role::kUser;
  double credits = 0.0;
  int64_t created_at = 0;  // unix ms
};

struct TokenInfo {
  std::string id;
  std::string user_id;
  std::string prefix;  // first characters of the token, for listing/revoking
  std::string name;
  int64_t created_at = 0;
  std::optional<int64_t> last_used_at;
  std::optional<int64_t> revoked_at;
};

// Implementations must be thread-safe.
class UserStore {
 public:
  virtual ~UserStore() = default;

  // CONFLICT if the name is taken.
  virtual Status CreateUser(const User& user) = 0;
  // NOT_FOUND if absent.
  virtual Result<User> GetUser(const std::string& id) = 0;
  virtual Result<User> FindUserByName(const std::string& name) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  virtual Result<int64_t> CountUsers() = 0;
  // Adds `delta` (may be negative) to the user's credits unless that would
  // make them negative: then PAYMENT_REQUIRED (no reason: products name
  // it, e.g. AI Studio's INSUFFICIENT_CREDITS) and nothing changes.
  // `journal`, when set, runs inside the same transaction with the new
  // balance (e.g. to write a ledger row); its error rolls the change back,
  // so the balance and its record never disagree, even after a crash.
  // REQUIRES: `journal` uses the store's database without taking its lock.
  using CreditJournal = std::function<Status(double new_balance)>;
  virtual Result<double> AdjustCredits(const std::string& user_id, double delta,
                                       const CreditJournal& journal = {}) = 0;

  // Stores a token by its hash. CONFLICT on a duplicate hash.
  virtual Status CreateToken(const TokenInfo& info,
                             const std::string& token_sha256) = 0;
  // The active (not revoked) token with this hash and its user; NOT_FOUND
  // otherwise (unknown and revoked tokens are indistinguishable on purpose).
  virtual Result<std::pair<TokenInfo, User>> FindActiveToken(
      const std::string& token_sha256) = 0;
  // All tokens, or only one user's when user_id is set; newest first.
  virtual Result<std::vector<TokenInfo>> ListTokens(
      std::optional<std::string> user_id) = 0;
  // Revokes the token whose id or prefix is `id_or_prefix`. NOT_FOUND if
  // none, CONFLICT if a prefix matches several. Idempotent for revoked ones.
  virtual Result<TokenInfo> RevokeToken(const std::string& id_or_prefix,
                                        int64_t now) = 0;
  // Records use; best effort (callers may ignore the Status).
  virtual Status TouchToken(const std::string& token_id, int64_t now) = 0;
};

}  // namespace trainyard::store
