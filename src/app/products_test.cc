#include "app/products.h"

#include <gtest/gtest.h>

#include <set>

#include "core/test_support.h"

namespace trainyard::app {
namespace {

// A product that records its life cycle in a shared log and fails Start
// when told to.
class RecordingModule : public products::ProductModule {
 public:
  RecordingModule(std::string name, std::vector<std::string>* log,
                  bool fail_start = false)
      : name_(std::move(name)), log_(log), fail_start_(fail_start) {}
  const char* name() const override { return name_.c_str(); }
  Status Open(const products::ProductDeps&) override { return Status::Ok(); }
  Status RegisterJobs(jobs::JobHandlerRegistry*) override {
    return Status::Ok();
  }
  Status AddRoutes(const products::ProductDeps&, api::Router*) override {
    return Status::Ok();
  }
  Status Start() override {
    if (fail_start_) return InternalError(name_ + " cannot start");
    log_->push_back("start " + name_);
    return Status::Ok();
  }
  void Stop() override { log_->push_back("stop " + name_); }

 private:
  std::string name_;
  std::vector<std::string>* log_;
  bool fail_start_;
};

TEST(ProductsTest, TheListHasEveryProductOfTheBuildOnceByName) {
  std::set<std::string> names;
  for (const std::string& name : ProductNames()) {
    EXPECT_TRUE(names.insert(name).second) << name << " is listed twice";
  }
  EXPECT_EQ(names.size(), NewProductModules().size());
}

TEST(ProductsTest, OpenRuntimeOpensEveryProductOfTheList) {
  testing::TempDir tmp;
  Config config;
  config.home = tmp.Sub("home");
  auto rt = OpenRuntime(config);
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  std::vector<std::string> opened;
  for (const auto& module : (*rt)->products) opened.push_back(module->name());
  EXPECT_EQ(opened, ProductNames());
}

TEST(ProductsTest, StopRunsInReverseOrderOfStart) {
  testing::TempDir tmp;
  Config config;
  config.home = tmp.Sub("home");
  auto rt = OpenRuntime(config);
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  std::vector<std::string> log;
  (*rt)->products.clear();
  (*rt)->products.push_back(std::make_unique<RecordingModule>("a", &log));
  (*rt)->products.push_back(std::make_unique<RecordingModule>("b", &log));
  ASSERT_TRUE(StartProducts(rt->get()).ok());
  StopProducts(rt->get());
  EXPECT_EQ(log, (std::vector<std::string>{"start a", "start b", "stop b",
                                           "stop a"}));
}

TEST(ProductsTest, AFailedStartStopsTheProductsAlreadyStarted) {
  testing::TempDir tmp;
  Config config;
  config.home = tmp.Sub("home");
  auto rt = OpenRuntime(config);
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  std::vector<std::string> log;
  (*rt)->products.clear();
  (*rt)->products.push_back(std::make_unique<RecordingModule>("a", &log));
  (*rt)->products.push_back(
      std::make_unique<RecordingModule>("b", &log, /*fail_start=*/true));
  Status s = StartProducts(rt->get());
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_EQ(log, (std::vector<std::string>{"start a", "stop a"}));
}

}  // namespace
}  // namespace trainyard::app
