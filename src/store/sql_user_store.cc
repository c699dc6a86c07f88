#include "store/sql_repositories.h"

namespace trainyard::store {

const char* TierName(Tier tier) {
  switch (tier) {
    case Tier::kFree:
      return "FREE";
    case Tier::kPro:
      return "PRO";
    case Tier::kElite:
      return "ELITE";
  }
  return "FREE";
}

Result<Tier> ParseTier(std::string_view name) {
  if (name == "FREE") return Tier::kFree;
  if (name == "PRO") return Tier::kPro;
  if (name == "ELITE") return Tier::kElite;
  return ValidationError("unknown tier '" + std::string(name) +
                         "': expected FREE, PRO or ELITE");
}

const char* RoleName(Role role) {
  return role == Role::kAdmin ? "admin" : "user";
}

Result<Role> ParseRole(std::string_view name) {
  if (name == "user") return Role::kUser;
  if (name == "admin") return Role::kAdmin;
  return ValidationError("unknown role '" + std::string(name) +
                         "': expected user or admin");
}

namespace {

constexpr const char* kUserColumns =
    "id, name, tier, role, credits, created_at";
constexpr const char* kTokenColumns =
    "id, user_id, prefix, name, created_at, last_used_at, revoked_at";

User ReadUser(const Statement& s, int col = 0) {
  User u;
  u.id = s.ColumnText(col);
  u.name = s.ColumnText(col + 1);
  auto tier = ParseTier(s.ColumnText(col + 2));
  u.tier = tier.ok() ? *tier : Tier::kFree;
  auto role = ParseRole(s.ColumnText(col + 3));
  u.role = role.ok() ? *role : Role::kUser;
  u.credits = s.ColumnDouble(col + 4);
  u.created_at = s.ColumnInt(col + 5);
  return u;
}

TokenInfo ReadToken(const Statement& s, int col = 0) {
  TokenInfo t;
  t.id = s.ColumnText(col);
  t.user_id = s.ColumnText(col + 1);
  t.prefix = s.ColumnText(col + 2);
  t.name = s.ColumnText(col + 3);
  t.created_at = s.ColumnInt(col + 4);
  t.last_used_at = s.ColumnOptionalInt(col + 5);
  t.revoked_at = s.ColumnOptionalInt(col + 6);
  return t;
}

}  // namespace

Status SqlUserStore::CreateUser(const User& u) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare("INSERT INTO users(id, name, tier, role, "
                                   "credits, created_at) VALUES(?,?,?,?,?,?)"));
  s.Bind(1, u.id)
      .Bind(2, u.name)
      .Bind(3, TierName(u.tier))
      .Bind(4, RoleName(u.role));
  s.Bind(5, u.credits).Bind(6, u.created_at);
  Status st = s.Run();
  if (st.code() == ErrorCode::kConflict) {
    return ConflictError("user '" + u.name + "' already exists");
  }
  return st;
}

Result<User> SqlUserStore::FindUserBy(const char* column,
                                      const std::string& value) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare(std::string("SELECT ") + kUserColumns +
                                   " FROM users WHERE " + column + " = ?"));
  s.Bind(1, value);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFoundError("user '" + value + "' not found");
  return ReadUser(s);
}

Result<User> SqlUserStore::GetUser(const std::string& id) {
  return FindUserBy("id", id);
}

Result<User> SqlUserStore::FindUserByName(const std::string& name) {
  return FindUserBy("name", name);
}

Result<std::vector<User>> SqlUserStore::ListUsers() {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare(std::string("SELECT ") + kUserColumns +
                                   " FROM users ORDER BY created_at"));
  return ReadRows<User>(s, [](const Statement& row) { return ReadUser(row); });
}

Result<int64_t> SqlUserStore::CountUsers() {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT COUNT(*) FROM users"));
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt(0) : 0;
}

Result<double> SqlUserStore::AdjustCredits(const std::string& user_id,
                                           double delta,
                                           const CreditJournal& journal) {
  auto lock = db_->Lock();
  double balance = 0;
  Status st = db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(Statement q,
                        db_->Prepare("SELECT credits FROM users WHERE id = ?"));
    q.Bind(1, user_id);
    TY_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return NotFoundError("user '" + user_id + "' not found");
    balance = q.ColumnDouble(0) + delta;
    if (balance < -1e-9) {
      return Status(ErrorCode::kPaymentRequired,
                    "insufficient credits: balance " +
                        std::to_string(q.ColumnDouble(0)) + ", required " +
                        std::to_string(-delta));
    }
    TY_ASSIGN_OR_RETURN(
        Statement u, db_->Prepare("UPDATE users SET credits = ? WHERE id = ?"));
    u.Bind(1, balance).Bind(2, user_id);
    TY_RETURN_IF_ERROR(u.Run());
    return journal ? journal(balance) : Status::Ok();
  });
  if (!st.ok()) return st;
  return balance;
}

Status SqlUserStore::CreateToken(const TokenInfo& t, const std::string& hash) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("INSERT INTO tokens(id, user_id, token_hash, "
                   "prefix, name, created_at) VALUES(?,?,?,?,?,?)"));
  s.Bind(1, t.id).Bind(2, t.user_id).Bind(3, hash).Bind(4, t.prefix);
  s.Bind(5, t.name).Bind(6, t.created_at);
  return s.Run();
}

Result<std::pair<TokenInfo, User>> SqlUserStore::FindActiveToken(
    const std::string& hash) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(
          "SELECT t.id, t.user_id, t.prefix, t.name, t.created_at, "
          "t.last_used_at, t.revoked_at, u.id, u.name, u.tier, u.role, "
          "u.credits, u.created_at FROM tokens t JOIN users u ON "
          "u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at "
          "IS NULL"));
  s.Bind(1, hash);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFoundError("token not found or revoked");
  return std::make_pair(ReadToken(s, 0), ReadUser(s, 7));
}

Result<std::vector<TokenInfo>> SqlUserStore::ListTokens(
    std::optional<std::string> user_id) {
  auto lock = db_->Lock();
  WhereClause where;
  if (user_id) where.Add("user_id = ?", *user_id);
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kTokenColumns + " FROM tokens" +
                   where.sql() + " ORDER BY created_at DESC, rowid DESC"));
  where.BindTo(s);
  return ReadRows<TokenInfo>(
      s, [](const Statement& row) { return ReadToken(row); });
}

Result<TokenInfo> SqlUserStore::RevokeToken(const std::string& id_or_prefix,
                                            int64_t now) {
  auto lock = db_->Lock();
  TokenInfo found;
  Status st = db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement q, db_->Prepare(std::string("SELECT ") + kTokenColumns +
                                  " FROM tokens WHERE id = ? OR prefix = ?"));
    q.Bind(1, id_or_prefix).Bind(2, id_or_prefix);
    int matches = 0;
    while (true) {
      TY_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      found = ReadToken(q);
      ++matches;
    }
    if (matches == 0)
      return NotFoundError("no token with id or prefix '" + id_or_prefix + "'");
    if (matches > 1)
      return ConflictError("prefix '" + id_or_prefix +
                           "' matches several tokens; use the token id");
    if (found.revoked_at) return Status::Ok();
    TY_ASSIGN_OR_RETURN(
        Statement u,
        db_->Prepare("UPDATE tokens SET revoked_at = ? WHERE id = ?"));
    u.Bind(1, now).Bind(2, found.id);
    found.revoked_at = now;
    return u.Run();
  });
  if (!st.ok()) return st;
  return found;
}

Status SqlUserStore::TouchToken(const std::string& token_id, int64_t now) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("UPDATE tokens SET last_used_at = ? WHERE id = ?"));
  s.Bind(1, now).Bind(2, token_id);
  return s.Run();
}

}  // namespace trainyard::store
