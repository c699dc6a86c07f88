#include "api/http_server.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace trainyard::api {
namespace {

// httplib ignores a stop that comes before its listen loop has started; a
// server stopped at once (a product that failed to start, a test that only
// reads the route table) must still stop, not hang in the join.
TEST(HttpServerTest, StopRightAfterStartReturns) {
  Router router;
  Dispatcher dispatcher(&router, nullptr, nullptr, SystemClock::Default(),
                        1024);
  for (int i = 0; i < 200; ++i) {
    HttpServer server(&dispatcher, {"127.0.0.1", 0, 2});
    ASSERT_TRUE(server.Start().ok());
    EXPECT_GT(server.port(), 0);
    server.Stop();
  }
}

TEST(HttpServerTest, ABusyPortIsAnErrorNotASharedPort) {
  Router router;
  Dispatcher dispatcher(&router, nullptr, nullptr, SystemClock::Default(),
                        1024);
  HttpServer first(&dispatcher, {"127.0.0.1", 0, 2});
  ASSERT_TRUE(first.Start().ok());
  HttpServer second(&dispatcher, {"127.0.0.1", first.port(), 2});
  EXPECT_EQ(second.Start().code(), ErrorCode::kIo);
  second.Stop();  // never started: a no-op
  first.Stop();
}

}  // namespace
}  // namespace trainyard::api
