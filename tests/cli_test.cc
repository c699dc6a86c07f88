// The `trainyard` command line as a user types it.
#include <gtest/gtest.h>

#include <fstream>

#include "child_process.h"
#include "core/test_support.h"

namespace trainyard {
namespace {

struct CliRun {
  int code;
  std::string out, err;
};

class CliTest : public ::testing::Test {
 protected:
  CliRun Trainyard(std::vector<std::string> args) {
    args.insert(args.begin(), TRAINYARD_BINARY);
    testing::ChildProcess p;
    EXPECT_TRUE(
        p.Start(args, {"TRAINYARD_HOME=" + tmp_.Sub("home")}, tmp_.Sub("out")));
    int code = p.Wait();
    return {code, p.Output(), p.Errors()};
  }
  testing::TempDir tmp_;
};

TEST_F(CliTest, HelpListsEveryCommand) {
  CliRun r = Trainyard({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* cmd : {"serve", "worker", "token", "jobs", "version"}) {
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  }
}

TEST_F(CliTest, EachSubcommandHasHelp) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"serve", "--help"},
                                             {"worker", "--help"},
                                             {"token", "create", "--help"},
                                             {"token", "list", "--help"},
                                             {"token", "revoke", "--help"},
                                             {"jobs", "list", "--help"},
                                             {"jobs", "show", "--help"},
                                             {"jobs", "cancel", "--help"}}) {
    CliRun r = Trainyard(args);
    EXPECT_EQ(r.code, 0) << args[0];
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << args[0];
  }
}

TEST_F(CliTest, TokenCreateListRevoke) {
  CliRun created = Trainyard(
      {"token", "create", "--user", "alice", "--tier", "PRO", "--name", "ci"});
  ASSERT_EQ(created.code, 0) << created.err;
  ASSERT_EQ(created.out.substr(0, 3), "ty_");
  std::string prefix = created.out.substr(0, 11);
  CliRun listed = Trainyard({"token", "list", "--user", "alice"});
  EXPECT_NE(listed.out.find(prefix), std::string::npos);
  EXPECT_EQ(listed.out.find(created.out.substr(0, 67)), std::string::npos)
      << "the secret must never be listed";
  EXPECT_NE(listed.out.find("active"), std::string::npos);
  EXPECT_EQ(Trainyard({"token", "revoke", prefix}).code, 0);
  EXPECT_NE(Trainyard({"token", "list"}).out.find("revoked"),
            std::string::npos);
}

TEST_F(CliTest, AuthOffOnAPublicAddressIsRefused) {
  CliRun r =
      Trainyard({"serve", "--auth", "off", "--bind", "0.0.0.0", "--port", "0"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
}

TEST_F(CliTest, UnknownJobIsReported) {
  CliRun r = Trainyard({"jobs", "show", "nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not found"), std::string::npos);
}

TEST_F(CliTest, MissingRequiredOptionIsBadUsageExitTwo) {
  CliRun r = Trainyard({"token", "create"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--user"), std::string::npos) << r.err;
}

TEST_F(CliTest, UnknownOptionIsBadUsageExitTwo) {
  EXPECT_EQ(Trainyard({"version", "--no-such-flag"}).code, 2);
}

TEST_F(CliTest, ImportPoolDataStoresAValidPriceHistory) {
  std::ofstream(tmp_.Sub("prices.csv")) << "timestamp,price\n"
                                        << "1714780800,3000\n"
                                        << "1714784400,3010.5\n";
  CliRun r = Trainyard({"import", "pool-data", "--pool",
                        "0x4e68ccd3e89f51c3074ca5072bbac773960dfa36", "--csv",
                        tmp_.Sub("prices.csv")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 2 prices"), std::string::npos) << r.out;
}

TEST_F(CliTest, TrainWritesAPngLearningCurveBesideItsCsv) {
  CliRun r = Trainyard({"train", "--algo", "q_learning", "--env", "CartPole-v1",
                        "--steps", "3000", "--log-every", "200", "--out",
                        tmp_.Sub("run")});
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream png(tmp_.Sub("run/learning_curve.png"), std::ios::binary);
  ASSERT_TRUE(png) << r.out << r.err;
  char magic[8] = {};
  png.read(magic, 8);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  EXPECT_NE(r.out.find("learning curve: "), std::string::npos) << r.out;
  EXPECT_TRUE(std::ifstream(tmp_.Sub("run/metrics.csv")).good());
}

TEST_F(CliTest, ImportPoolDataNamesTheBadLine) {
  std::ofstream(tmp_.Sub("prices.csv")) << "1714780800,3000\n"
                                        << "1714784400,-1\n";
  CliRun r = Trainyard({"import", "pool-data", "--pool",
                        "0x4e68ccd3e89f51c3074ca5072bbac773960dfa36", "--csv",
                        tmp_.Sub("prices.csv")});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
}

TEST_F(CliTest, TrainSaysWhyItRanPastTheStepTarget) {
  // 100 steps in PPO rollouts of 64: two rollouts, 128 steps.
  CliRun r = Trainyard({"train", "--algo", "ppo", "--env", "CartPole-v1",
                        "--steps", "100", "--param", "n_steps=64", "--param",
                        "batch_size=32", "--out", tmp_.Sub("ppo-run")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("after 128 steps"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("28 more than --steps 100"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("iterations of 64 environment steps"), std::string::npos)
      << r.out;
}

TEST_F(CliTest, MistypedParamGetsADidYouMean) {
  CliRun r = Trainyard({"train", "--algo", "dqn", "--env", "CartPole-v1",
                        "--steps", "100", "--param", "learning_rat=0.001",
                        "--out", tmp_.Sub("typo-run")});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("did you mean 'learning_rate'?"), std::string::npos)
      << r.err;
}

TEST_F(CliTest, DqnMetricsRowsHaveAFiniteMeanReturnFromTheFirstRow) {
  const std::string out = tmp_.Sub("dqn-run");
  CliRun r = Trainyard({"train", "--algo", "dqn", "--env", "CartPole-v1",
                        "--steps", "2000", "--log-every", "500", "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream csv(out + "/metrics.csv");
  std::string header, first;
  ASSERT_TRUE(std::getline(csv, header));
  ASSERT_TRUE(std::getline(csv, first));
  EXPECT_EQ(first.find("nan"), std::string::npos) << header << "\n" << first;
  // The first row comes after --log-every steps, not after the first one.
  EXPECT_GE(std::stoll(first.substr(0, first.find(','))), 500) << first;
}

TEST_F(CliTest, VersionPrintsTheVersion) {
  CliRun r = Trainyard({"version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("trainyard ", 0), 0u);
}

// `trainyard chain` failures: exit 2 for bad input, 1 for a node that is not
// there; the URL's key is never printed and no output file is left behind.
TEST_F(CliTest, ChainSnapshotRejectsABadAddress) {
  CliRun r = Trainyard({"chain", "snapshot", "--rpc",
                        "http://127.0.0.1:9/key-123", "--pool", "0x1234"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--pool"), std::string::npos) << r.err;
}

TEST_F(CliTest, ChainHistoryAgainstADeadNodeFailsAndWritesNothing) {
  const std::string out = tmp_.Sub("events.csv");
  CliRun r = Trainyard({"chain", "history", "--rpc",
                        "http://127.0.0.1:9/key-123", "--pool",
                        "0x8ad599c3a0ff1de082011efddc58f1908eb6e6d8", "--from",
                        "1", "--to", "2", "--out", out, "--timeout-ms", "300"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("SERVICE_UNAVAILABLE"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("key-123"), std::string::npos) << r.err;
  EXPECT_FALSE(std::ifstream(out).good());
}

TEST_F(CliTest, ChainExecuteWithoutAnEndpointIsABadInput) {
  CliRun r = Trainyard({"chain", "execute", "--manager",
                        "0xc36442b4a4522e871399cd717abdd847ab11fe88", "--from",
                        "0x90f8bf6a479f320ead074411a4b0e7944ea8c9c1", "collect",
                        "--token-id", "1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("TRAINYARD_ETH_RPC"), std::string::npos) << r.err;
}

// --key-env: the command line reads the variable; an unset one is named, a
// bad key is refused without echoing what the variable holds.
TEST_F(CliTest, ChainExecuteNamesAnUnsetKeyVariable) {
  ::unsetenv("TRAINYARD_CLI_TEST_KEY");
  CliRun r = Trainyard({"chain", "execute", "--rpc", "http://127.0.0.1:9",
                        "--manager",
                        "0xc36442b4a4522e871399cd717abdd847ab11fe88",
                        "--key-env", "TRAINYARD_CLI_TEST_KEY", "collect",
                        "--token-id", "1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("TRAINYARD_CLI_TEST_KEY is not set"), std::string::npos)
      << r.err;
}

TEST_F(CliTest, ChainExecuteRefusesABadKeyWithoutEchoingIt) {
  ::setenv("TRAINYARD_CLI_TEST_KEY", "0xnot-a-key-secret-7", 1);
  CliRun r = Trainyard({"chain", "execute", "--rpc", "http://127.0.0.1:9",
                        "--manager",
                        "0xc36442b4a4522e871399cd717abdd847ab11fe88",
                        "--key-env", "TRAINYARD_CLI_TEST_KEY", "collect",
                        "--token-id", "1"});
  ::unsetenv("TRAINYARD_CLI_TEST_KEY");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("invalid private key"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("secret-7"), std::string::npos) << r.err;
}

TEST_F(CliTest, ChainQuoteWithoutAnAmountIsABadInput) {
  CliRun r = Trainyard({"chain", "quote", "--rpc", "http://127.0.0.1:9/key-123",
                        "--pool", "0x8ad599c3a0ff1de082011efddc58f1908eb6e6d8",
                        "--token-in", "token0"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--amount-in or --amount-out"), std::string::npos)
      << r.err;
}

TEST_F(CliTest, ChainQuoteAgainstADeadNodeNamesNoKey) {
  CliRun r = Trainyard({"chain", "quote", "--rpc", "http://127.0.0.1:9/key-123",
                        "--pool", "0x8ad599c3a0ff1de082011efddc58f1908eb6e6d8",
                        "--token-in", "token1", "--amount-in", "1000",
                        "--timeout-ms", "300"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("SERVICE_UNAVAILABLE"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("key-123"), std::string::npos) << r.err;
}

TEST_F(CliTest, Univ3SimulateRejectsAMisspeltKeyWithASuggestion) {
  const std::string path = tmp_.Sub("scenario.json");
  std::ofstream(path) << R"({"fe": 500, "price": "3000.5", "decimals0": 18,
                             "decimals1": 6, "actions": []})";
  CliRun r = Trainyard({"univ3", "simulate", "--input", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("fe: unknown key; did you mean \"fee\"?"),
            std::string::npos)
      << r.err;
}

TEST_F(CliTest, Univ3SimulateAcceptsAHumanPrice) {
  const std::string path = tmp_.Sub("scenario.json");
  std::ofstream(path) << R"({"fee": 500, "price": "3000.5", "decimals0": 18,
                             "decimals1": 6, "actions": []})";
  CliRun r = Trainyard({"univ3", "simulate", "--input", path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"price\": 3000.5"), std::string::npos)
      << r.out;  // within 1e-12
}

}  // namespace
}  // namespace trainyard
