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

TEST(ConfigTest, ProductSettingsAreCopiedByTheirDeclaredNamesOnly) {
  Config c;
  ASSERT_TRUE(
      LoadConfigFromEnvironment(FakeEnv({{"TRAINYARD_STUDIO_COMMISSION", "0.2"},
                                         {"KUBECONFIG", "/k/config"},
                                         {"TRAINYARD_UNDECLARED", "x"}}),
                                &c,
                                {"TRAINYARD_STUDIO_COMMISSION", "KUBECONFIG",
                                 "TRAINYARD_KUBE_CONTEXT"})
          .ok());
  EXPECT_EQ(c.product_settings, (std::map<std::string, std::string>{
                                    {"KUBECONFIG", "/k/config"},
                                    {"TRAINYARD_STUDIO_COMMISSION", "0.2"}}));
  EXPECT_EQ(c.ProductSetting("KUBECONFIG"), "/k/config");
  EXPECT_EQ(c.ProductSetting("TRAINYARD_KUBE_CONTEXT"), "");
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

TEST(ConfigTest, WebhookSettingsComeFromTheEnvironment) {
  Config c;
  ASSERT_TRUE(LoadConfigFromEnvironment(
                  FakeEnv({{"TRAINYARD_WEBHOOK_ALLOW_CIDRS", "127.0.0.0/8"},
                           {"TRAINYARD_WEBHOOK_CA_FILE", "/etc/ca.pem"},
                           {"TRAINYARD_WEBHOOK_RETRY_BASE_MS", "50"},
                           {"TRAINYARD_WEBHOOK_MAX_DELAY_MS", "200"},
                           {"TRAINYARD_WEBHOOK_MAX_ATTEMPTS", "5"}}),
                  &c)
                  .ok());
  EXPECT_EQ(c.webhook_allow_cidrs, "127.0.0.0/8");
  EXPECT_EQ(c.webhook_ca_file, "/etc/ca.pem");
  EXPECT_EQ(c.webhook_retry_base_ms, 50);
  EXPECT_EQ(c.webhook_max_delay_ms, 200);
  EXPECT_EQ(c.webhook_max_attempts, 5);
  EXPECT_TRUE(c.Validate().ok());
  EXPECT_TRUE(Config().webhook_allow_cidrs.empty());  // nothing internal
}

TEST(ConfigTest, DatabaseUrlUnsetMeansTheEmbeddedSqliteDatabase) {
  Config c;
  ASSERT_TRUE(LoadConfigFromEnvironment(FakeEnv({}), &c).ok());
  EXPECT_EQ(c.database_url, "");
  EXPECT_TRUE(c.Validate().ok());
}

TEST(ConfigTest, PostgresqlDatabaseUrlsComeFromTheEnvironment) {
  for (const char* url :
       {"postgresql://u:p@db:5432/trainyard", "postgres://db/trainyard"}) {
    Config c;
    ASSERT_TRUE(LoadConfigFromEnvironment(
                    FakeEnv({{"TRAINYARD_DATABASE_URL", url}}), &c)
                    .ok());
    EXPECT_EQ(c.database_url, url);
    EXPECT_TRUE(c.Validate().ok()) << url;
  }
}

TEST(ConfigTest, OtherDatabaseUrlsAreAValidationErrorNamingTheField) {
  Config c;
  c.database_url = "mysql://db/x";
  Status s = c.Validate();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kValidation);
  ASSERT_EQ(s.details().size(), 1u);
  EXPECT_EQ(s.details()[0].field, "database_url");
}

TEST(ConfigTest, WebhookRetrySettingsOutOfRangeAreNamed) {
  Config c;
  c.webhook_max_attempts = 0;
  Status s = c.Validate();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.details()[0].field, "webhook_max_attempts");
  c = Config();
  c.webhook_retry_base_ms = 5000;
  c.webhook_max_delay_ms = 1000;
  s = c.Validate();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.details()[0].field, "webhook_max_delay_ms");
}

}  // namespace
}  // namespace trainyard
