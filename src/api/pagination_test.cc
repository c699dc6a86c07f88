#include "api/pagination.h"

#include <gtest/gtest.h>

#include <vector>

namespace trainyard::api {
namespace {

TEST(PaginationTest, MiddlePageLinksBothWaysKeepingFilters) {
  Request req;
  req.path = "/api/ai-studio/models/";
  req.headers["host"] = "127.0.0.1:8000";
  req.query = {{"page", "2"}, {"status", "DRAFT"}};
  PageRequest page{2, 10};
  auto body = CountNextPreviousPage(req, page, 25, nlohmann::json::array());
  EXPECT_EQ(body["count"], 25);
  EXPECT_EQ(body["next"],
            "http://127.0.0.1:8000/api/ai-studio/models/?status=DRAFT&page=3");
  EXPECT_EQ(body["previous"],
            "http://127.0.0.1:8000/api/ai-studio/models/?status=DRAFT&page=1");
}

// The links echo the Host header; one that is not a plain host name (here
// invalid UTF-8, which made serialising the page throw) is not echoed.
TEST(PaginationTest, ImplausibleHostHeaderIsNotEchoedInLinks) {
  Request req;
  req.path = "/x";
  req.headers["host"] = "\xFF\xFE evil.example/phish";
  auto body = CountNextPreviousPage(req, PageRequest{1, 10}, 25,
                                    nlohmann::json::array());
  EXPECT_EQ(body["next"], "http://localhost/x?page=2");
  EXPECT_NO_THROW(body.dump());
}

TEST(PaginationTest, LastPageHasNoNextAndFirstNoPrevious) {
  Request req;
  req.path = "/x";
  auto body = CountNextPreviousPage(req, PageRequest{1, 20}, 5,
                                    nlohmann::json::array());
  EXPECT_TRUE(body["next"].is_null());
  EXPECT_TRUE(body["previous"].is_null());
}

TEST(PaginationTest, GymStyleBody) {
  auto body = TotalPagePerPage("models", PageRequest{2, 10}, 100,
                               nlohmann::json::array());
  EXPECT_EQ(body, (nlohmann::json{{"models", nlohmann::json::array()},
                                  {"total", 100},
                                  {"page", 2},
                                  {"per_page", 10}}));
}

TEST(PaginationTest, ParsePageValidatesBounds) {
  Request req;
  req.query = {{"page", "3"}, {"per_page", "500"}};
  QueryValidator q(req);
  PageRequest p = ParsePage(q, "per_page", 10, 100);
  EXPECT_EQ(p.page, 3);
  EXPECT_EQ(p.page_size, 10);
  EXPECT_FALSE(q.ok());
  EXPECT_EQ(p.offset(), 20);
}

std::vector<int> ItemsOf(std::span<const int> items) {
  return {items.begin(), items.end()};
}

TEST(ItemsOnPageTest, FullAndPartialPagesHoldTheirSlice) {
  const std::vector<int> all = {0, 1, 2, 3, 4, 5, 6};
  EXPECT_EQ(ItemsOf(ItemsOnPage(all, PageRequest{1, 3})),
            (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(ItemsOf(ItemsOnPage(all, PageRequest{2, 3})),
            (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(ItemsOf(ItemsOnPage(all, PageRequest{3, 3})),
            (std::vector<int>{6}));
}

TEST(ItemsOnPageTest, PagesPastTheEndAreEmpty) {
  const std::vector<int> all = {0, 1, 2};
  EXPECT_TRUE(ItemsOnPage(all, PageRequest{2, 3}).empty());
  EXPECT_TRUE(ItemsOnPage(all, PageRequest{1'000'000, 500}).empty());
  const std::vector<int> none;
  EXPECT_TRUE(ItemsOnPage(none, PageRequest{1, 20}).empty());
  EXPECT_EQ(PageBounds(3, PageRequest{1'000'000, 500}),
            (std::pair<size_t, size_t>{3, 3}));
}

// ParsePage never yields these; the contract still holds for them.
TEST(ItemsOnPageTest, UncheckedPageNumbersGiveEmptyPagesNotOverflow) {
  const std::vector<int> all = {0, 1, 2};
  EXPECT_TRUE(ItemsOnPage(all, PageRequest{0, 3}).empty());
  EXPECT_TRUE(ItemsOnPage(all, PageRequest{1, 0}).empty());
  EXPECT_TRUE(ItemsOnPage(all, PageRequest{INT64_MAX, INT64_MAX}).empty());
  EXPECT_EQ(ItemsOf(ItemsOnPage(all, PageRequest{1, INT64_MAX})),
            (std::vector<int>{0, 1, 2}));
}

}  // namespace
}  // namespace trainyard::api
