// Marketplace listings (a published model with its price and terms, through
// PENDING_REVIEW -> APPROVED / REJECTED) and subscriptions to them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::store {
class Database;
}  // namespace trainyard::store

namespace trainyard::store::studio {

inline constexpr const char* kPendingReview = "PENDING_REVIEW";
inline constexpr const char* kApproved = "APPROVED";
inline constexpr const char* kRejected = "REJECTED";

struct Listing {
  std::string id;
  std::string model_id;
  std::string seller_id;
  std::string title;
  std::string description;
  std::string category;
  std::vector<std::string> asset_classes;
  std::string pricing_model;
  int64_t monthly_price_cents = 0;
  double performance_fee_rate = 0;
  nlohmann::json sample_signals = nlohmann::json::array();
  std::string terms_and_conditions;
  std::string status = kPendingReview;
  bool is_featured = false;
  std::string review_note;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct ListingQuery {
  std::optional<std::string> status;
  std::optional<std::string> seller_id;
  std::optional<std::string> model_id;
  std::optional<std::string> category;
  std::optional<int64_t> max_price_cents;
  std::optional<std::string> search;  // substring of title or description
};

// Subscription::renewal_status values ('' = no auto-renewal).
inline constexpr const char* kRenewalPending = "PENDING";
inline constexpr const char* kRenewalInProgress = "RENEWING";
inline constexpr const char* kRenewed = "RENEWED";
inline constexpr const char* kRenewalInsufficientCredits =
    "INSUFFICIENT_CREDITS";
inline constexpr const char* kRenewalListingUnavailable = "LISTING_UNAVAILABLE";

// Subscription::settlement values: how far the sale of the row's month has
// been carried out (subscriptions.h); only SETTLED rows are complete.
inline constexpr const char* kSettlementCharged = "CHARGED";
inline constexpr const char* kSettlementPaid = "PAID";
inline constexpr const char* kSettled = "SETTLED";

struct Subscription {
  std::string id;
  std::string listing_id;
  std::string model_id;
  std::string subscriber_id;
  std::string seller_id;
  std::string subscription_type;  // MONTHLY
  bool auto_renew = false;
  int64_t start_day = 0;  // ml::DayNumber
  int64_t end_day = 0;    // exclusive: access until the end of end_day - 1
  int64_t amount_cents = 0;
  int64_t commission_cents = 0;
  int64_t created_at = 0;
  // Set from auto_renew by CreateSubscription; see kRenewal* above.
  std::string renewal_status;
  std::optional<std::string> renewed_by;  // the next month's subscription
  std::optional<std::string> renewal_of;  // the subscription this renews
  std::string settlement = kSettled;      // see kSettlement* above
  std::optional<int64_t> cancelled_at;    // unix millis
};

// Thread-safe. `db` is not owned.
class MarketplaceRepository {
 public:
  explicit MarketplaceRepository(Database* db) : db_(db) {}
  Status CreateListing(const Listing& listing);
  Result<Listing> GetListing(const std::string& id);  // NOT_FOUND
  // Newest first (featured first when filtering approved listings).
  Result<std::vector<Listing>> ListListings(const ListingQuery& query);
  // Sets status (and note, featured) if the current status is `from`.
  Status Review(const std::string& id, const std::string& from,
                const std::string& to, const std::string& note, bool featured,
                int64_t now);

  Status CreateSubscription(const Subscription& subscription);
  // The same inside a caller's transaction (a ledger change's `also`).
  // REQUIRES: the database lock is held. A second row with the same
  // renewal_of fails (unique), which rolls the caller's transaction back.
  Status CreateSubscriptionLocked(const Subscription& subscription);
  // NOT_FOUND if absent.
  Result<Subscription> GetSubscription(const std::string& id);
  // Subscriptions of a listing / of a subscriber / for a model.
  Result<std::vector<Subscription>> ListSubscriptions(
      std::optional<std::string> listing_id,
      std::optional<std::string> subscriber_id,
      std::optional<std::string> seller_id);
  // The subscriber's subscription to `model_id` active on `day`, if any.
  Result<std::optional<Subscription>> ActiveSubscription(
      const std::string& subscriber_id, const std::string& model_id,
      int64_t day);

  // Auto-renewing subscriptions still PENDING whose period ended by `day`
  // (end_day <= day), oldest end first.
  Result<std::vector<Subscription>> DueRenewals(int64_t day);
  // Moves `id` from PENDING to RENEWING; false if another sweep or request
  // got there first (or it is not pending), so each renewal runs once.
  Result<bool> ClaimRenewal(const std::string& id);
  // Ends a claimed renewal with `status` (kRenewed with the successor's id,
  // or a failure status), or puts it back to PENDING (`status` =
  // kRenewalPending) after an unexpected error.
  Status FinishRenewal(const std::string& id, const std::string& status,
                       const std::optional<std::string>& renewed_by);

  // Sale settlement (subscriptions.h). Inside the seller's ledger
  // transaction: moves `sale` from CHARGED to PAID and, for a renewal,
  // marks the renewed subscription RENEWED by it. CONFLICT (roll back) if
  // it is not CHARGED any more, i.e. the seller was already paid.
  // REQUIRES: the database lock is held.
  Status MarkPaidLocked(const Subscription& sale);
  // PAID -> SETTLED; false if it was not PAID.
  Result<bool> MarkSettled(const std::string& id);
  // Rows whose sale was interrupted (CHARGED or PAID), oldest first.
  Result<std::vector<Subscription>> UnsettledSales();
  // Subscriptions whose renewal was claimed (RENEWING) but not finished.
  Result<std::vector<Subscription>> StalledRenewals();
  // RENEWING -> PENDING for a claimed renewal that never charged (no
  // subscription has renewal_of = id); false otherwise.
  Result<bool> ReleaseRenewal(const std::string& id);

  // Subscriber changes. Both apply only to a subscription that is neither
  // cancelled nor ended by `today` and whose renewal is not running
  // (renewal_status '' or PENDING); CONFLICT otherwise.
  // auto_renew on: renewal_status PENDING; off: ''.
  Status SetAutoRenew(const std::string& id, bool auto_renew, int64_t today);
  // Stops auto-renewal and records cancelled_at = now; access continues
  // until end_day.
  Status Cancel(const std::string& id, int64_t now, int64_t today);

 private:
  // SetAutoRenew and Cancel: the guarded update, CONFLICT naming `what`.
  Status ChangeBySubscriber(const std::string& id, bool auto_renew,
                            std::optional<int64_t> cancelled_at, int64_t today,
                            const std::string& what);

  Database* db_;
};

}  // namespace trainyard::store::studio
