// Billing arithmetic against hand-worked figures ($5.00 per hour).
#include "products/studio/billing.h"

#include <gtest/gtest.h>

#include "products/studio/credit_ledger.h"

namespace trainyard::studio {
namespace {

TEST(BillingTest, CostRoundsUpToTheNextCent) {
  EXPECT_EQ(CostCents(3600, 500), 500);  // one hour = $5.00 exactly
  EXPECT_EQ(CostCents(1800, 500), 250);  // half an hour
  EXPECT_EQ(CostCents(1, 500), 1);       // 0.139 cents -> 1 cent
  EXPECT_EQ(CostCents(8, 500), 2);       // 1.11 cents -> 2 cents
  EXPECT_EQ(CostCents(0, 500), 0);
  EXPECT_EQ(CostCents(-5, 500), 0);
}

TEST(BillingTest, HoldCoversOnlyTheEstimateBeyondIncludedHours) {
  EXPECT_EQ(HoldCents(7200, 3600, 500), 500);  // 1 h billable
  EXPECT_EQ(HoldCents(100, 3600, 500), 0);     // all included
  EXPECT_EQ(HoldCents(36, 0, 500), 5);         // 36 s = 5 cents
}

TEST(BillingTest, SettlementChargesMeasuredTimeAndRefundsTheRest) {
  // Hold $15.50; 3.75 h used with 2 h still included -> 1.75 h = $8.75.
  Settlement s = Settle(1550, 3.75 * 3600, 2 * 3600, 500, false);
  EXPECT_EQ(s.charged_cents, 875);
  EXPECT_EQ(s.refund_cents, 675);
}

TEST(BillingTest, ChargeNeverExceedsTheHold) {
  Settlement s = Settle(100, 3600, 0, 500, false);
  EXPECT_EQ(s.charged_cents, 100);
  EXPECT_EQ(s.refund_cents, 0);
}

TEST(BillingTest, FailedRunsAreNotCharged) {
  Settlement s = Settle(1550, 3600, 0, 500, true);
  EXPECT_EQ(s.charged_cents, 0);
  EXPECT_EQ(s.refund_cents, 1550);
}

TEST(BillingTest, EstimateGrowsWithRowsTreesClassesAndFolds) {
  // 15 s + 2e-6 * 1000 rows * 100 trees * 3 classes * (5 + 1) fits = 18.6 s.
  EXPECT_DOUBLE_EQ(EstimateTrainingSeconds(1000, 100, 3, 5), 18.6);
  EXPECT_DOUBLE_EQ(EstimateTrainingSeconds(1000, 100, 1, 0), 15.2);
}

TEST(BillingTest, MonthBoundsAreTheUtcCalendarMonth) {
  // 2025-01-15T15:45:00Z
  auto [from, to] = MonthBounds(1736955900000);
  EXPECT_EQ(from, 1735689600000);                        // 2025-01-01T00:00:00Z
  EXPECT_EQ(to, 1738368000000);                          // 2025-02-01T00:00:00Z
  auto [dec_from, dec_to] = MonthBounds(1734480000000);  // 2024-12-18
  EXPECT_EQ(dec_from, 1733011200000);                    // 2024-12-01
  EXPECT_EQ(dec_to, 1735689600000);                      // 2025-01-01
}

TEST(BillingTest, MoneyFormatsWithTwoDecimals) {
  EXPECT_EQ(FormatCents(299900), "2999.00");
  EXPECT_EQ(FormatCents(5), "0.05");
  EXPECT_EQ(FormatCents(-825), "-8.25");
  EXPECT_EQ(FormatCents(0), "0.00");
}

}  // namespace
}  // namespace trainyard::studio
