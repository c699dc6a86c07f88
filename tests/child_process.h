// Test helper: runs the real `trainyard` binary as a child process with its
// output in files, so tests can kill -9 it and restart it.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace trainyard::testing {

class ChildProcess {
 public:
  // Starts `argv` with extra "NAME=value" environment entries; stdout and
  // stderr go to `out_path` and `out_path + ".err"`.
  bool Start(const std::vector<std::string>& argv,
             const std::vector<std::string>& env, const std::string& out_path) {
    out_path_ = out_path;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, (out_path + ".err").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (char** e = environ; *e; ++e) envp.push_back(*e);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(),
                         envp.data());
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0;
  }
  ~ChildProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      Wait();
    }
  }
  void Signal(int sig) { kill(pid_, sig); }
  pid_t pid() const { return pid_; }
  // Waits for exit; returns the exit status (or 128 + signal).
  int Wait() {
    int status = 0;
    if (pid_ <= 0) return -1;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string Output() const { return ReadAll(out_path_); }
  std::string Errors() const { return ReadAll(out_path_ + ".err"); }
  // Polls stdout for `pattern` for up to 30 s; returns the first capture.
  std::string WaitForOutput(const std::string& pattern) const {
    std::regex re(pattern);
    for (int i = 0; i < 600; ++i) {
      std::smatch m;
      std::string out = Output();
      if (std::regex_search(out, m, re))
        return m.size() > 1 ? m[1].str() : m[0].str();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  }

 private:
  static std::string ReadAll(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  pid_t pid_ = -1;
  std::string out_path_;
};

}  // namespace trainyard::testing
