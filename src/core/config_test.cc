#include "core/config.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace trainyard {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(ConfigTest, DefaultsAreValid) { EXPECT_TRUE(Config().Validate().ok()); }

TEST(ConfigTest, EnvironmentOverridesDefaults) {
  Config c;
  ASSERT_TRUE(LoadConfigFromEnvironment(FakeEnv({{"TRAINYARD_PORT", "9001"},
                                                 {"TRAINYARD_HOME", "/tmp/x"},
                                                 {"TRAINYARD_AUTH", "off"}}),
                                        &c)
                  .ok());
  EXPECT_EQ(c.port, 9001);
  EXPECT_EQ(c.home, "/tmp/x");
  EXPECT_FALSE(c.auth);
}

TEST(ConfigTest, BadEnvironmentValueIsNamedAndChangesNothing) {
  Config c;
  Status s = LoadConfigFromEnvironment(
      FakeEnv({{"TRAINYARD_PORT", "eighty"}, {"TRAINYARD_HOME", "/tmp/y"}}),
      &c);
  ASSERT_FALSE(s.ok());
  ASSERT_EQ(s.details().size(), 1u);
  EXPECT_EQ(s.details()[0].field, "TRAINYARD_PORT");
  EXPECT_EQ(c.home, "./trainyard-data");
}

TEST(ConfigTest, AuthOffIsRefusedOnPublicAddress) {
  Config c;
  c.auth = false;
  c.bind = "0.0.0.0";
  Status s = c.Validate();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.details()[0].field, "auth");
  c.bind = "127.0.0.1";
  EXPECT_TRUE(c.Validate().ok());
}

}  // namespace
}  // namespace trainyard
