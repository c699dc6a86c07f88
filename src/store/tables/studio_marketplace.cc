#include "store/tables/studio_marketplace.h"

#include "store/database.h"

namespace trainyard::store::studio {

using nlohmann::json;

namespace {

constexpr const char* kListingColumns =
    "id, model_id, seller_id, title, description, category, asset_classes, "
    "pricing_model, monthly_price_cents, performance_fee_rate, "
    "sample_signals, terms_and_conditions, status, is_featured, review_note, "
    "created_at, updated_at";

Listing ReadListing(const Statement& s) {
  Listing l;
  l.id = s.ColumnText(0);
  l.model_id = s.ColumnText(1);
  l.seller_id = s.ColumnText(2);
  l.title = s.ColumnText(3);
  l.description = s.ColumnText(4);
  l.category = s.ColumnText(5);
  json classes = json::parse(s.ColumnText(6), nullptr, false);
  if (classes.is_array()) {
    for (const auto& c : classes) {
      if (c.is_string()) l.asset_classes.push_back(c.get<std::string>());
    }
  }
  l.pricing_model = s.ColumnText(7);
  l.monthly_price_cents = s.ColumnInt(8);
  l.performance_fee_rate = s.ColumnDouble(9);
  l.sample_signals = json::parse(s.ColumnText(10), nullptr, false);
  if (!l.sample_signals.is_array()) l.sample_signals = json::array();
  l.terms_and_conditions = s.ColumnText(11);
  l.status = s.ColumnText(12);
  l.is_featured = s.ColumnInt(13) != 0;
  l.review_note = s.ColumnText(14);
  l.created_at = s.ColumnInt(15);
  l.updated_at = s.ColumnInt(16);
  return l;
}

constexpr const char* kSubscriptionColumns =
    "id, listing_id, model_id, subscriber_id, seller_id, subscription_type, "
    "auto_renew, start_day, end_day, amount_cents, commission_cents, "
    "created_at, renewal_status, renewed_by, renewal_of, settlement, "
    "cancelled_at";

Subscription ReadSubscription(const Statement& s) {
  Subscription x;
  x.id = s.ColumnText(0);
  x.listing_id = s.ColumnText(1);
  x.model_id = s.ColumnText(2);
  x.subscriber_id = s.ColumnText(3);
  x.seller_id = s.ColumnText(4);
  x.subscription_type = s.ColumnText(5);
  x.auto_renew = s.ColumnInt(6) != 0;
  x.start_day = s.ColumnInt(7);
  x.end_day = s.ColumnInt(8);
  x.amount_cents = s.ColumnInt(9);
  x.commission_cents = s.ColumnInt(10);
  x.created_at = s.ColumnInt(11);
  x.renewal_status = s.ColumnText(12);
  x.renewed_by = s.ColumnOptionalText(13);
  x.renewal_of = s.ColumnOptionalText(14);
  x.settlement = s.ColumnText(15);
  x.cancelled_at = s.ColumnOptionalInt(16);
  return x;
}

// Compare-and-set on one state column of a subscription (renewal_status or
// settlement): `from` -> `to`, and renewed_by when given. Returns whether
// the row was in `from` (and so changed). REQUIRES: the database lock.
Result<bool> MoveSubscription(
    Database* db, const std::string& id, const std::string& column,
    const std::string& from, const std::string& to,
    const std::optional<std::string>& renewed_by = std::nullopt) {
  TY_ASSIGN_OR_RETURN(Statement s,
                      db->Prepare("UPDATE studio_subscriptions SET " + column +
                                  " = ?, renewed_by = COALESCE(?, renewed_by) "
                                  "WHERE id = ? AND " +
                                  column + " = ?"));
  s.Bind(1, to).Bind(2, renewed_by).Bind(3, id).Bind(4, from);
  TY_RETURN_IF_ERROR(s.Run());
  return db->Changes() == 1;
}

// The subscriptions matching `where_sql` (with one '?' bound to `value`).
// REQUIRES: the database lock is held.
Result<std::vector<Subscription>> SelectSubscriptions(
    Database* db, const std::string& where_sql, const std::string& value,
    const std::string& order = " ORDER BY created_at, rowid") {
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db->Prepare(std::string("SELECT ") + kSubscriptionColumns +
                  " FROM studio_subscriptions WHERE " + where_sql + order));
  s.Bind(1, value);
  return ReadRows<Subscription>(s, ReadSubscription);
}

}  // namespace

Status MarketplaceRepository::CreateListing(const Listing& l) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(std::string("INSERT INTO studio_listings(") +
                                kListingColumns +
                                ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, l.id).Bind(2, l.model_id).Bind(3, l.seller_id).Bind(4, l.title);
  s.Bind(5, l.description).Bind(6, l.category);
  s.Bind(7, json(l.asset_classes).dump()).Bind(8, l.pricing_model);
  s.Bind(9, l.monthly_price_cents).Bind(10, l.performance_fee_rate);
  s.Bind(11, l.sample_signals.dump()).Bind(12, l.terms_and_conditions);
  s.Bind(13, l.status).Bind(14, int64_t{l.is_featured ? 1 : 0});
  s.Bind(15, l.review_note).Bind(16, l.created_at).Bind(17, l.updated_at);
  return s.Run();
}

Result<Listing> MarketplaceRepository::GetListing(const std::string& id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare(std::string("SELECT ") + kListingColumns +
                                   " FROM studio_listings WHERE id = ?"));
  s.Bind(1, id);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFoundError("listing '" + id + "' not found");
  return ReadListing(s);
}

Result<std::vector<Listing>> MarketplaceRepository::ListListings(
    const ListingQuery& q) {
  auto lock = db_->Lock();
  WhereClause where;
  if (q.status) where.Add("status = ?", *q.status);
  if (q.seller_id) where.Add("seller_id = ?", *q.seller_id);
  if (q.model_id) where.Add("model_id = ?", *q.model_id);
  if (q.category) where.Add("category = ?", *q.category);
  if (q.search) {
    where.Add(
        "(instr(lower(title), lower(?)) > 0 OR "
        "instr(lower(description), lower(?)) > 0)",
        {*q.search, *q.search});
  }
  if (q.max_price_cents) {
    where.Add("monthly_price_cents <= ?", *q.max_price_cents);
  }
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kListingColumns +
                   " FROM studio_listings" + where.sql() +
                   " ORDER BY is_featured DESC, created_at DESC, rowid DESC"));
  where.BindTo(s);
  return ReadRows<Listing>(s, ReadListing);
}

Status MarketplaceRepository::Review(const std::string& id,
                                     const std::string& from,
                                     const std::string& to,
                                     const std::string& note, bool featured,
                                     int64_t now) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("UPDATE studio_listings SET status = ?, review_note = ?, "
                   "is_featured = ?, updated_at = ? WHERE id = ? AND status "
                   "= ?"));
  s.Bind(1, to).Bind(2, note).Bind(3, int64_t{featured ? 1 : 0}).Bind(4, now);
  s.Bind(5, id).Bind(6, from);
  TY_RETURN_IF_ERROR(s.Run());
  if (db_->Changes() == 1) return Status::Ok();
  return ConflictError("listing '" + id + "' is not " + from);
}

Status MarketplaceRepository::CreateSubscription(const Subscription& x) {
  auto lock = db_->Lock();
  return CreateSubscriptionLocked(x);
}

Status MarketplaceRepository::CreateSubscriptionLocked(const Subscription& x) {
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("INSERT INTO studio_subscriptions(") +
                   kSubscriptionColumns +
                   ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, x.id).Bind(2, x.listing_id).Bind(3, x.model_id);
  s.Bind(4, x.subscriber_id).Bind(5, x.seller_id).Bind(6, x.subscription_type);
  s.Bind(7, int64_t{x.auto_renew ? 1 : 0}).Bind(8, x.start_day);
  s.Bind(9, x.end_day).Bind(10, x.amount_cents).Bind(11, x.commission_cents);
  s.Bind(12, x.created_at);
  s.Bind(13, x.auto_renew ? kRenewalPending : "").Bind(14, std::nullopt);
  s.Bind(15, x.renewal_of).Bind(16, x.settlement).Bind(17, x.cancelled_at);
  return s.Run();
}

Result<Subscription> MarketplaceRepository::GetSubscription(
    const std::string& id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(std::vector<Subscription> rows,
                      SelectSubscriptions(db_, "id = ?", id));
  if (rows.empty()) return NotFoundError("subscription '" + id + "' not found");
  return rows[0];
}

Result<std::vector<Subscription>> MarketplaceRepository::ListSubscriptions(
    std::optional<std::string> listing_id,
    std::optional<std::string> subscriber_id,
    std::optional<std::string> seller_id) {
  auto lock = db_->Lock();
  WhereClause where;
  if (listing_id) where.Add("listing_id = ?", *listing_id);
  if (subscriber_id) where.Add("subscriber_id = ?", *subscriber_id);
  if (seller_id) where.Add("seller_id = ?", *seller_id);
  TY_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(std::string("SELECT ") + kSubscriptionColumns +
                                " FROM studio_subscriptions" + where.sql() +
                                " ORDER BY created_at DESC, rowid DESC"));
  where.BindTo(s);
  return ReadRows<Subscription>(s, ReadSubscription);
}

Result<std::optional<Subscription>> MarketplaceRepository::ActiveSubscription(
    const std::string& subscriber_id, const std::string& model_id,
    int64_t day) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kSubscriptionColumns +
                   " FROM studio_subscriptions WHERE subscriber_id = ? AND "
                   "model_id = ? AND start_day <= ? AND end_day > ? ORDER BY "
                   "end_day DESC LIMIT 1"));
  s.Bind(1, subscriber_id).Bind(2, model_id).Bind(3, day).Bind(4, day);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Subscription>();
  return std::optional<Subscription>(ReadSubscription(s));
}

Result<std::vector<Subscription>> MarketplaceRepository::DueRenewals(
    int64_t day) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kSubscriptionColumns +
                   " FROM studio_subscriptions WHERE renewal_status = ? AND "
                   "end_day <= ? ORDER BY end_day, created_at, rowid"));
  s.Bind(1, kRenewalPending).Bind(2, day);
  return ReadRows<Subscription>(s, ReadSubscription);
}

Result<bool> MarketplaceRepository::ClaimRenewal(const std::string& id) {
  auto lock = db_->Lock();
  return MoveSubscription(db_, id, "renewal_status", kRenewalPending,
                          kRenewalInProgress);
}

Status MarketplaceRepository::FinishRenewal(
    const std::string& id, const std::string& status,
    const std::optional<std::string>& renewed_by) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(bool moved,
                      MoveSubscription(db_, id, "renewal_status",
                                       kRenewalInProgress, status, renewed_by));
  if (moved) return Status::Ok();
  return ConflictError("renewal of subscription '" + id + "' is not running");
}

Status MarketplaceRepository::MarkPaidLocked(const Subscription& sale) {
  TY_ASSIGN_OR_RETURN(bool paid,
                      MoveSubscription(db_, sale.id, "settlement",
                                       kSettlementCharged, kSettlementPaid));
  if (!paid) {
    return ConflictError("the seller of subscription '" + sale.id +
                         "' was already paid");
  }
  if (!sale.renewal_of) return Status::Ok();
  return MoveSubscription(db_, *sale.renewal_of, "renewal_status",
                          kRenewalInProgress, kRenewed, sale.id)
      .status();
}

Result<bool> MarketplaceRepository::MarkSettled(const std::string& id) {
  auto lock = db_->Lock();
  return MoveSubscription(db_, id, "settlement", kSettlementPaid, kSettled);
}

Result<std::vector<Subscription>> MarketplaceRepository::UnsettledSales() {
  auto lock = db_->Lock();
  return SelectSubscriptions(db_, "settlement != ?", kSettled);
}

Result<std::vector<Subscription>> MarketplaceRepository::StalledRenewals() {
  auto lock = db_->Lock();
  return SelectSubscriptions(db_, "renewal_status = ?", kRenewalInProgress);
}

Result<bool> MarketplaceRepository::ReleaseRenewal(const std::string& id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("UPDATE studio_subscriptions SET renewal_status = ? WHERE "
                   "id = ? AND renewal_status = ? AND NOT EXISTS (SELECT 1 "
                   "FROM studio_subscriptions n WHERE n.renewal_of = ?)"));
  s.Bind(1, kRenewalPending).Bind(2, id).Bind(3, kRenewalInProgress);
  s.Bind(4, id);
  TY_RETURN_IF_ERROR(s.Run());
  return db_->Changes() == 1;
}

Status MarketplaceRepository::SetAutoRenew(const std::string& id,
                                           bool auto_renew, int64_t today) {
  return ChangeBySubscriber(id, auto_renew, std::nullopt, today, "changed");
}

Status MarketplaceRepository::Cancel(const std::string& id, int64_t now,
                                     int64_t today) {
  return ChangeBySubscriber(id, false, now, today, "cancelled");
}

Status MarketplaceRepository::ChangeBySubscriber(
    const std::string& id, bool auto_renew, std::optional<int64_t> cancelled_at,
    int64_t today, const std::string& what) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("UPDATE studio_subscriptions SET auto_renew = ?, "
                   "renewal_status = ?, cancelled_at = COALESCE(?, "
                   "cancelled_at) WHERE id = ? AND end_day > ? AND "
                   "cancelled_at IS NULL AND renewal_status IN ('', ?)"));
  s.Bind(1, int64_t{auto_renew ? 1 : 0});
  s.Bind(2, auto_renew ? kRenewalPending : "").Bind(3, cancelled_at);
  s.Bind(4, id).Bind(5, today).Bind(6, kRenewalPending);
  TY_RETURN_IF_ERROR(s.Run());
  if (db_->Changes() == 1) return Status::Ok();
  return ConflictError("subscription '" + id + "' can no longer be " + what +
                       " (it ended, was cancelled or is being renewed)");
}

}  // namespace trainyard::store::studio
