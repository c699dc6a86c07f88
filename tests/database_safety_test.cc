// The database cannot be corrupted from inside: with the real server and the
// real CLI working on one data directory, nothing the server offers opens
// the database's files (closing any descriptor of them would drop SQLite's
// POSIX locks, issue 17), a kill -9 during heavy writes loses no
// acknowledged write, a damaged database stops the server at start-up, and
// a backup taken while writers run restores to a consistent copy.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "child_process.h"
#include "core/test_support.h"

namespace trainyard {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CliRun {
  int code;
  std::string out, err;
};

// Opens `path` read-only with SQLite itself (not the store), runs `sql`
// and returns the first column of every row joined by "\n".
std::string Query(const std::string& path, const std::string& sql,
                  const std::string& bind = "") {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(db);
    return "cannot open";
  }
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    if (!bind.empty())
      sqlite3_bind_text(stmt, 1, bind.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      if (!out.empty()) out += "\n";
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out += text ? reinterpret_cast<const char*>(text) : "NULL";
    }
  } else {
    out = std::string("error: ") + sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

class DatabaseSafetyTest : public ::testing::Test {
 protected:
  std::string Home(const std::string& rel = "") const {
    return tmp_.Sub("home") + (rel.empty() ? "" : "/" + rel);
  }
  std::vector<std::string> Env(const std::string& home) const {
    return {"TRAINYARD_HOME=" + home, "TRAINYARD_PORT=0",
            "TRAINYARD_ENABLE_TEST_JOBS=1", "TRAINYARD_WORKERS=2",
            "TRAINYARD_RATE_LIMIT_ELITE=1000000"};
  }
  // Starts `trainyard serve` on `home`; returns its port (0 on failure).
  int StartServer(testing::ChildProcess* p, const std::string& home) {
    const std::string log = tmp_.Sub("server" + std::to_string(++runs_));
    EXPECT_TRUE(p->Start({TRAINYARD_BINARY, "serve"}, Env(home), log));
    std::string port =
        p->WaitForOutput(R"(serving on http://127\.0\.0\.1:(\d+))");
    EXPECT_FALSE(port.empty()) << p->Errors();
    admin_ = p->Output().find("ty_") != std::string::npos
                 ? p->WaitForOutput(R"((ty_[0-9a-f]{64}))")
                 : admin_;
    return port.empty() ? 0 : std::stoi(port);
  }
  CliRun Cli(std::vector<std::string> args, const std::string& home = "") {
    args.insert(args.begin(), TRAINYARD_BINARY);
    testing::ChildProcess p;
    const std::string log = tmp_.Sub("cli" + std::to_string(++runs_));
    EXPECT_TRUE(p.Start(args, Env(home.empty() ? Home() : home), log));
    int code = p.Wait();
    return {code, p.Output(), p.Errors()};
  }
  // `trainyard token create --user <user>`; the token, or "" on failure.
  std::string CreateToken(const std::string& user) {
    CliRun r = Cli({"token", "create", "--user", user, "--tier", "ELITE"});
    EXPECT_EQ(r.code, 0) << r.err;
    return r.code == 0 ? r.out.substr(0, r.out.find_first_of("\r\n")) : "";
  }
  int StatusWith(int port, const std::string& token) {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get("/api/jobs", {{"Authorization", "Bearer " + token}});
    return r ? r->status : -1;
  }
  std::string Integrity(const std::string& db) {
    return Query(db, "PRAGMA integrity_check");
  }
  // Links in /proc/<pid>/fd that point at a deleted database file.
  static std::vector<std::string> DeletedDatabaseFds(pid_t pid) {
    std::vector<std::string> found;
    std::error_code ec;
    const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const std::string target = fs::read_symlink(e.path(), ec).string();
      if (target.find("trainyard.db") != std::string::npos &&
          target.find("(deleted)") != std::string::npos)
        found.push_back(target);
    }
    return found;
  }

  testing::TempDir tmp_;
  std::string admin_;
  int runs_ = 0;
};

TEST_F(DatabaseSafetyTest,
       DatabaseFilesCannotBeDownloadedAndCliTokensKeepWorkingAfterwards) {
  testing::ChildProcess server;
  const int port = StartServer(&server, Home());
  ASSERT_NE(port, 0);
  const std::string alice = CreateToken("alice");
  EXPECT_EQ(StatusWith(port, alice), 200);

  // Other names for the same files, as anyone with access to the data
  // directory (or a future route) could make them.
  fs::create_symlink("../trainyard.db", Home("plots/chart.png"));
  fs::create_symlink(Home(), Home("loop"));
  fs::create_hard_link(Home("trainyard.db"), Home("plots/innocent.png"));
  const std::vector<std::pair<std::string, std::string>> spellings = {
      {".", "trainyard.db"},         {"./", "trainyard.db"},
      {"plots/..", "trainyard.db"},  {"model_storage/../.", "trainyard.db"},
      {Home(), "trainyard.db"},      {".", "trainyard.db-wal"},
      {".", "trainyard.db-shm"},     {".", "trainyard.db-journal"},
      {"loop", "trainyard.db"},      {"loop/loop", "trainyard.db-wal"},
      {"plots", "chart.png"},        {"plots", "innocent.png"},
      {"loop/plots", "innocent.png"}};
  httplib::Client c("127.0.0.1", port);
  for (const auto& [path, name] : spellings) {
    auto r = c.Get("/api/v1/file/download/?file_path=" + UrlEncode(path) +
                       "&file_name=" + UrlEncode(name),
                   {{"Authorization", "Bearer " + admin_}});
    ASSERT_TRUE(r) << path << " " << name;
    EXPECT_NE(r->status, 200) << path << " " << name;
    EXPECT_LT(r->status, 500) << path << " " << name;
    EXPECT_EQ(r->body.find("SQLite format 3"), std::string::npos)
        << path << " " << name;
  }

  const std::string bob = CreateToken("bob");
  EXPECT_EQ(StatusWith(port, bob), 200);
  EXPECT_EQ(DeletedDatabaseFds(server.pid()), std::vector<std::string>{});
  const std::string carol = CreateToken("carol");
  EXPECT_EQ(StatusWith(port, carol), 200) << "issue 17: this one got 401";
  EXPECT_EQ(StatusWith(port, alice), 200);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);
  fs::remove(Home("plots/innocent.png"));
  EXPECT_EQ(Integrity(Home("trainyard.db")), "ok");
  EXPECT_EQ(Query(Home("trainyard.db"),
                  "SELECT COUNT(*) FROM tokens JOIN users ON users.id = "
                  "tokens.user_id WHERE users.name IN ('alice','bob','carol')"),
            "3");
}

TEST_F(DatabaseSafetyTest, KillDuringHeavyWritesLosesNoAcknowledgedWrite) {
  testing::ChildProcess server;
  const int port = StartServer(&server, Home());
  ASSERT_NE(port, 0);
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::string> jobs, users;
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&] {
      httplib::Client c("127.0.0.1", port);
      while (!stop) {
        auto r =
            c.Post("/api/jobs", {{"Authorization", "Bearer " + admin_}},
                   R"({"type":"test.count","params":{"units":2,"sleep_ms":1}})",
                   "application/json");
        if (r && r->status == 201) {
          std::lock_guard lock(mu);
          jobs.push_back(json::parse(r->body)["id"]);
        }
      }
    });
  }
  writers.emplace_back([&] {
    for (int i = 0; !stop; ++i) {
      const std::string user = "cli" + std::to_string(i);
      if (Cli({"token", "create", "--user", user}).code == 0) {
        std::lock_guard lock(mu);
        users.push_back(user);
      }
    }
  });
  auto enough = [&] {
    std::lock_guard lock(mu);
    return jobs.size() >= 200 && users.size() >= 5;
  };
  for (int i = 0; i < 1200 && !enough(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(enough());
  server.Signal(SIGKILL);
  EXPECT_EQ(server.Wait(), 128 + SIGKILL);
  stop = true;
  for (auto& w : writers) w.join();

  EXPECT_EQ(Integrity(Home("trainyard.db")), "ok");
  for (const auto& id : jobs) {
    ASSERT_EQ(Query(Home("trainyard.db"),
                    "SELECT COUNT(*) FROM jobs WHERE id = ?", id),
              "1")
        << id;
  }
  for (const auto& user : users) {
    ASSERT_EQ(Query(Home("trainyard.db"),
                    "SELECT COUNT(*) FROM users JOIN tokens ON users.id = "
                    "tokens.user_id WHERE users.name = ?",
                    user),
              "1")
        << user;
  }
  // And the start-up check passes: the server serves again.
  testing::ChildProcess restarted;
  ASSERT_NE(StartServer(&restarted, Home()), 0);
  restarted.Signal(SIGTERM);
  EXPECT_EQ(restarted.Wait(), 0);
}

TEST_F(DatabaseSafetyTest,
       DamagedDatabaseStopsServerAndWorkerWithARestoreHint) {
  ASSERT_FALSE(CreateToken("alice").empty());  // creates the database
  ASSERT_FALSE(fs::exists(Home("trainyard.db-wal")));
  {
    std::fstream f(Home("trainyard.db"),
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 + 50);  // pages 2-4: the first tables' roots
    const std::string garbage(3 * 4096, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  for (const char* command : {"serve", "worker"}) {
    CliRun r = Cli({command});
    EXPECT_NE(r.code, 0) << command;
    EXPECT_NE(r.err.find("is damaged"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("trainyard restore"), std::string::npos) << r.err;
  }
}

TEST_F(DatabaseSafetyTest, ServerRefusesTheIndexDamageThatLostLocksLeave) {
  ASSERT_FALSE(CreateToken("alice").empty());  // one row in tokens_user
  // tokens_user now points at the (empty) tree of jobs_owner and the other
  // way round: "wrong # of entries in index tokens_user", as in issue 17.
  const std::string tokens_root =
      Query(Home("trainyard.db"),
            "SELECT rootpage FROM sqlite_schema WHERE name = 'tokens_user'");
  const std::string jobs_root =
      Query(Home("trainyard.db"),
            "SELECT rootpage FROM sqlite_schema WHERE name = 'jobs_owner'");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(Home("trainyard.db").c_str(), &db), SQLITE_OK);
  const std::string swap =
      "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET rootpage = " +
      jobs_root +
      " WHERE name = 'tokens_user'; UPDATE sqlite_schema SET "
      "rootpage = " +
      tokens_root + " WHERE name = 'jobs_owner';";
  ASSERT_EQ(sqlite3_exec(db, swap.c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ASSERT_EQ(Query(Home("trainyard.db"), "PRAGMA quick_check"), "ok");
  CliRun r = Cli({"serve"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("wrong # of entries in index"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("trainyard restore"), std::string::npos) << r.err;
}

TEST_F(DatabaseSafetyTest, BackupWhileWritingRestoresToAConsistentCopy) {
  testing::ChildProcess server;
  const int port = StartServer(&server, Home());
  ASSERT_NE(port, 0);
  fs::create_directories(Home("model_storage/ppo/m1"));
  std::ofstream(Home("model_storage/ppo/m1/model.json")) << R"({"w":[1,2]})";
  std::ofstream(Home("plots/loss.png"), std::ios::binary)
      << std::string(200000, '\x89');
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> tokens;  // user, token
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      const std::string user = "w" + std::to_string(i);
      CliRun r = Cli({"token", "create", "--user", user});
      if (r.code == 0) {
        std::lock_guard lock(mu);
        tokens.emplace_back(user, r.out.substr(0, r.out.find('\n')));
      }
    }
  });
  std::thread http([&] {
    httplib::Client c("127.0.0.1", port);
    while (!stop) {
      c.Post("/api/jobs", {{"Authorization", "Bearer " + admin_}},
             R"({"type":"test.count","params":{"units":2,"sleep_ms":1}})",
             "application/json");
    }
  });
  auto acknowledged = [&] {
    std::lock_guard lock(mu);
    return tokens;
  };
  for (int i = 0; i < 1200 && acknowledged().size() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto before = acknowledged();
  CliRun backup = Cli({"backup", "--out", tmp_.Sub("b.tar")});
  stop = true;
  writer.join();
  http.join();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);
  ASSERT_EQ(backup.code, 0) << backup.err;
  EXPECT_NE(backup.err.find("database pages"), std::string::npos);
  EXPECT_NE(backup.err.find("files"), std::string::npos);
  ASSERT_GE(before.size(), 3u);

  fs::create_directories(tmp_.Sub("busy"));
  std::ofstream(tmp_.Sub("busy/x")) << "x";
  EXPECT_NE(Cli({"restore", "--from", tmp_.Sub("b.tar"), "--data-dir",
                 tmp_.Sub("busy")})
                .code,
            0);
  CliRun restore = Cli({"restore", "--from", tmp_.Sub("b.tar"), "--data-dir",
                        tmp_.Sub("restored")});
  ASSERT_EQ(restore.code, 0) << restore.err;
  const std::string db = tmp_.Sub("restored/trainyard.db");
  EXPECT_EQ(Integrity(db), "ok");
  for (const auto& [user, token] : before) {
    EXPECT_EQ(Query(db, "SELECT COUNT(*) FROM users WHERE name = ?", user), "1")
        << user;
  }
  std::ifstream model(tmp_.Sub("restored/model_storage/ppo/m1/model.json"));
  std::string content((std::istreambuf_iterator<char>(model)), {});
  EXPECT_EQ(content, R"({"w":[1,2]})");
  EXPECT_EQ(fs::file_size(tmp_.Sub("restored/plots/loss.png")), 200000u);

  testing::ChildProcess restored;
  const int restored_port = StartServer(&restored, tmp_.Sub("restored"));
  ASSERT_NE(restored_port, 0);
  EXPECT_EQ(StatusWith(restored_port, before.front().second), 200);
  restored.Signal(SIGTERM);
  EXPECT_EQ(restored.Wait(), 0);
}

}  // namespace
}  // namespace trainyard
