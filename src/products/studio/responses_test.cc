// The AI Studio routes' declared success answers (responses.cc) against
// their real answers: one walk through a user's whole life on the surface
// calls every route with a request that succeeds, on a server that checks
// each answer against its route's declaration (a mismatch answers 500
// naming the member), and then names any route the walk did not reach.

#include <set>

#include "api/openapi.h"
#include "products/studio/studio_test_support.h"

namespace trainyard::studio {
namespace {

class StudioResponsesTest : public StudioServerTest {
 protected:
  // Sends one request and expects a 2xx, which (check_responses) means the
  // answer matched its declaration; records the route it reached.
  json Call(const std::string& method, const std::string& token,
            const std::string& path, const json& body = nullptr) {
    const std::string url = Api(path);
    const std::string text = body.is_null() ? "" : body.dump();
    auto send = [&]() -> httplib::Result {
      if (method == "GET") return client_->Get(url, Auth(token));
      if (method == "DELETE") return client_->Delete(url, Auth(token));
      if (method == "PATCH") {
        return client_->Patch(url, Auth(token), text, "application/json");
      }
      return client_->Post(url, Auth(token), text, "application/json");
    };
    httplib::Result r = send();
    const api::RouteMatch match =
        app_->router().Match(method, url.substr(0, url.find('?')));
    const std::string route =
        match.route ? method + " " + match.route->pattern : method + " " + url;
    EXPECT_TRUE(r) << route;
    if (!r) return json();
    EXPECT_GE(r->status, 200) << route << ": " << r->body;
    EXPECT_LT(r->status, 300) << route << ": " << r->body;
    if (r->status >= 200 && r->status < 300) answered_.insert(route);
    const bool is_json =
        r->get_header_value("Content-Type").rfind("application/json", 0) == 0;
    return is_json && !r->body.empty() ? json::parse(r->body) : json();
  }

  std::string Trained(const std::string& token, const json& body) {
    const std::string id = Call("POST", token, "models/", body)["id"];
    const std::string job =
        Call("POST", token, "models/" + id + "/train/")["job_id"];
    EXPECT_EQ(WaitForJob(token, job)["status"], "COMPLETED");
    Call("GET", token, "training-jobs/" + job + "/");
    return id;
  }

  std::string Listing(const std::string& owner, const std::string& model) {
    return Call("POST", owner, "models/" + model + "/publish/",
                {{"title", "Listing of " + model},
                 {"description", "walked"},
                 {"category", "MOMENTUM"},
                 {"asset_classes", {"INDEX"}},
                 {"monthly_price", "10.00"},
                 {"sample_signals",
                  json::array({json{{"symbol", "NIFTY50"},
                                    {"signal", "BUY"},
                                    {"confidence", 0.8},
                                    {"date", "2024-01-02"}}})}})["listing_id"];
  }

  std::set<std::string> answered_;
};

TEST_F(StudioResponsesTest, EveryStudioRouteAnswersWhatItDeclares) {
  // Prices, and a webhook that receives every event (nobody listens on
  // port 9, so its deliveries log failed attempts).
  Call("POST", carol_, "market-data/WALKIDX/", {{"csv", ValidOhlcvCsv()}});
  Call("GET", carol_, "market-data/");
  const std::string hook = Call("POST", carol_, "webhooks/",
                                {{"url", "http://127.0.0.1:9/hook"},
                                 {"secret", "0123456789abcdef-secret"}})["id"];
  Call("GET", carol_, "webhooks/");

  // A classification and a regression model, trained.
  const std::string draft =
      Call("POST", carol_, "models/", TinyModelBody())["id"];
  Call("PATCH", carol_, "models/" + draft + "/", {{"description", "walked"}});
  Call("GET", carol_, "models/" + draft + "/");  // untrained detail
  Call("DELETE", carol_, "models/" + draft + "/");
  const std::string cls = Trained(carol_, TinyModelBody("classifier"));
  json regression = TinyModelBody("regressor");
  regression["model_type"] = "REGRESSION";
  regression["algorithm"] = "GRADIENT_BOOSTING";
  const std::string reg = Trained(carol_, regression);
  Call("GET", carol_, "models/");
  Call("GET", carol_, "training-jobs/");

  for (const std::string& id : {cls, reg}) {
    Call("GET", carol_, "models/" + id + "/");
    Call("GET", carol_, "models/" + id + "/feature-importance/");
    Call("GET", carol_, "models/" + id + "/plots/feature-importance.png");
    // The latest stored bar for one symbol, given inputs (one left out)
    // for another.
    Call("POST", carol_, "models/" + id + "/predict/",
         {{"symbols", {"NIFTY50", "BANKNIFTY"}},
          {"features", {{"BANKNIFTY", {{"rsi_14", 55.0}}}}}});
    Call("POST", carol_, "models/" + id + "/batch-predict/",
         {{"symbols", {"NIFTY50"}},
          {"start_date", "2023-06-01"},
          {"end_date", "2023-06-10"},
          {"include_shap", true}});
    Call("GET", carol_,
         "models/" + id +
             "/explain/?symbols=NIFTY50&start_date=2023-06-01"
             "&end_date=2023-06-05");
  }

  // The marketplace: one listing approved, one rejected; alice subscribes
  // and sees the model as a subscriber.
  const std::string listing = Listing(carol_, cls);
  Call("GET", admin_, "admin/listings/");
  Call("POST", admin_, "admin/listings/" + listing + "/approve/",
       {{"is_featured", true}});
  Call("POST", admin_, "admin/listings/" + Listing(carol_, reg) + "/reject/",
       {{"reason", "walked"}});
  Call("GET", alice_, "marketplace/");
  Call("GET", alice_, "marketplace/" + listing + "/");
  const std::string sub =
      Call("POST", alice_, "marketplace/" + listing + "/subscribe/",
           {{"auto_renew", true}})["subscription_id"];
  Call("GET", alice_, "models/" + cls + "/");  // the subscriber's view
  Call("GET", alice_, "subscriptions/");
  Call("GET", alice_, "marketplace/subscriptions/");
  Call("GET", alice_, "subscriptions/" + sub + "/");
  Call("PATCH", alice_, "subscriptions/" + sub + "/", {{"auto_renew", false}});
  Call("POST", alice_, "subscriptions/" + sub + "/cancel/");

  // Money and figures.
  Call("POST", carol_, "compute/purchase-credits/",
       {{"hours", 1}, {"payment_method", "credit_card"}});
  Call("GET", carol_, "compute/usage/");
  Call("GET", carol_, "compute/ledger/");
  Call("GET", carol_, "analytics/dashboard/");
  Call("GET", carol_, "analytics/leasing/");

  // A run cancelled while it runs (or still waits).
  const std::string slow =
      Call("POST", carol_, "models/", SlowModelBody())["id"];
  const std::string run =
      Call("POST", carol_, "models/" + slow + "/train/")["job_id"];
  Call("POST", carol_, "training-jobs/" + run + "/cancel/");

  // The events of the trainings and the subscription, with at least one
  // attempt each (bounded wait: the deliverer retries every 50-200 ms).
  json log;
  for (int i = 0; i < 200; ++i) {
    log = Call("GET", carol_, "webhooks/" + hook + "/deliveries/");
    if (log.value("count", 0) > 0 && !log["results"][0]["log"].empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Call("DELETE", carol_, "webhooks/" + hook + "/");
  Call("POST", carol_, "models/" + cls + "/archive/");
  WaitForJob(carol_, run);

  // An answer passes unchecked only where nothing is declared; a malformed
  // shape accepts nothing, so its route's call above failed.
  size_t routes = 0;
  for (const auto& route : app_->router().routes()) {
    if (api::SurfaceTag(app_->router(), route.pattern) != "AI Studio") {
      continue;
    }
    ++routes;
    const std::string name = route.method + " " + route.pattern;
    EXPECT_FALSE(route.responses.empty())
        << name << " declares no success answer (studio/responses.cc)";
    EXPECT_TRUE(answered_.count(name))
        << name
        << " was not called with a request that succeeds: add it to the walk";
  }
  EXPECT_GE(routes, 35u);  // the AI Studio surface was found
}

}  // namespace
}  // namespace trainyard::studio
