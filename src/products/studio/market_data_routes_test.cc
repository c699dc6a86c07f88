// market-data/ upload and list through HTTP, and a model trained on the
// imported prices (data_source "imported").
#include <cmath>

#include "products/studio/studio_test_support.h"

namespace trainyard::studio {
namespace {

using MarketDataRoutesTest = StudioServerTest;

TEST_F(MarketDataRoutesTest, UploadedCsvIsImportedAndTrainsAnImportedModel) {
  auto r = client_->Post(Api("market-data/MYIDX/"), Auth(alice_),
                         ValidOhlcvCsv(), "text/csv");
  ASSERT_EQ(r->status, 201) << r->body;
  json info = Body(r);
  EXPECT_EQ(info["rows"], 400);
  EXPECT_EQ(info["first_date"], "2020-01-01");
  EXPECT_EQ(info["data_source"], "imported");
  json list = Body(Get(alice_, "market-data/"));
  bool found = false;
  for (const auto& d : list["results"]) found |= d["symbol"] == "MYIDX";
  EXPECT_TRUE(found);

  json body = TinyModelBody("on-imported");
  body["training_config"]["symbols"] = {"MYIDX"};
  body["training_config"]["start_date"] = "2020-01-01";
  body["training_config"]["end_date"] = "2021-12-31";
  const std::string id = TrainedModel(alice_, body);
  EXPECT_EQ(Body(Get(alice_, "models/" + id + "/"))["data_source"], "imported");
}

// The imported prices end in 2021: a prediction from them is for the day
// after their last bar, and the answer must not let it pass for today's.
TEST_F(MarketDataRoutesTest, PredictingFromOldImportedPricesSaysTheyAreStale) {
  ASSERT_EQ(client_
                ->Post(Api("market-data/OLDIDX/"), Auth(alice_),
                       ValidOhlcvCsv(), "text/csv")
                ->status,
            201);
  json body = TinyModelBody("on-old-prices");
  body["training_config"]["symbols"] = {"OLDIDX"};
  body["training_config"]["start_date"] = "2020-01-01";
  body["training_config"]["end_date"] = "2021-12-31";
  const std::string id = TrainedModel(alice_, body);
  auto r =
      Post(alice_, "models/" + id + "/predict/", {{"symbols", {"OLDIDX"}}});
  ASSERT_EQ(r->status, 200) << r->body;
  const json p = Body(r)["predictions"][0];
  EXPECT_EQ(p["input"], "stored_prices");
  EXPECT_EQ(p["data_stale"], true);
  EXPECT_GT(p["data_age_days"].get<int64_t>(), 365);
  const std::string date = p["date"];
  const std::string warning = p["warning"];
  EXPECT_NE(warning.find("the newest stored bar of OLDIDX is " + date),
            std::string::npos)
      << warning;
  EXPECT_NE(warning.find("not for today"), std::string::npos) << warning;
}

TEST_F(MarketDataRoutesTest, BadRowsAreReportedByRowAndColumn) {
  const std::string csv =
      "date,open,high,low,close,volume\n"
      "2024-01-02,10,11,9,10,100\n"
      "2024-01-03,10,9,11,10,100\n"   // high < low
      "2024-01-03,10,11,9,10,100\n"   // duplicate date
      "2024-01-05,10,11,9,-4,100\n";  // negative close
  auto r =
      client_->Post(Api("market-data/BAD/"), Auth(alice_), csv, "text/csv");
  ExpectError(r, 400, "VALIDATION_ERROR");
  json details = Body(r)["error"]["details"];
  EXPECT_GE(details.size(), 3u) << details.dump();
  EXPECT_EQ(Get(alice_, "market-data/")->body.find("\"BAD\""),
            std::string::npos);
}

TEST_F(MarketDataRoutesTest, JsonBodyAndSymbolRules) {
  auto r = Post(alice_, "market-data/JSONSYM/", {{"csv", ValidOhlcvCsv()}});
  EXPECT_EQ(r->status, 201) << r->body;
  ExpectError(
      Post(alice_, "market-data/bad%20name/", {{"csv", ValidOhlcvCsv()}}), 400,
      "VALIDATION_ERROR");
  // Someone else's symbol cannot be replaced; the importer and admins can.
  ExpectError(Post(bob_, "market-data/JSONSYM/", {{"csv", ValidOhlcvCsv()}}),
              409, "CONFLICT");
  EXPECT_EQ(
      Post(alice_, "market-data/JSONSYM/", {{"csv", ValidOhlcvCsv()}})->status,
      201);
  EXPECT_EQ(
      Post(admin_, "market-data/JSONSYM/", {{"csv", ValidOhlcvCsv()}})->status,
      201);
  ExpectError(client_->Post(Api("market-data/X/"), ValidOhlcvCsv(), "text/csv"),
              401, "AUTHENTICATION_ERROR");
}

}  // namespace
}  // namespace trainyard::studio
