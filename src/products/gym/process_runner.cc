#include "products/gym/process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace trainyard::gym {

namespace {

// Closes the fds it holds on every path out.
struct Pipes {
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  ~Pipes() {
    for (int* p : {in, out, err}) {
      for (int i = 0; i < 2; ++i) {
        if (p[i] >= 0) close(p[i]);
      }
    }
  }
  static void Close(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
};

// write() to a pipe whose reader has exited raises SIGPIPE, which would end
// the server: block it on this thread and swallow a pending one.
ssize_t WriteNoSigpipe(int fd, const char* data, size_t size) {
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  const ssize_t w = write(fd, data, size);
  if (w < 0 && errno == EPIPE) {
    const timespec zero{0, 0};
    sigtimedwait(&pipe_set, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return w;
}

}  // namespace

Result<ProcessResult> SubprocessRunner::Run(
    const std::vector<std::string>& argv, const std::string& stdin_text,
    int timeout_ms) {
  Pipes p;
  if (pipe2(p.in, O_CLOEXEC) != 0 || pipe2(p.out, O_CLOEXEC) != 0 ||
      pipe2(p.err, O_CLOEXEC) != 0) {
    return IoError(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, p.in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, p.out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, p.err[1], 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(),
                              environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return NotFoundError("cannot run '" + argv[0] + "': " + std::strerror(rc));
  }
  Pipes::Close(p.in[0]);
  Pipes::Close(p.out[1]);
  Pipes::Close(p.err[1]);

  // Partial writes instead of blocking on a child that reads slowly.
  fcntl(p.in[1], F_SETFL, fcntl(p.in[1], F_GETFL) | O_NONBLOCK);
  ProcessResult result;
  size_t written = 0;
  if (stdin_text.empty()) Pipes::Close(p.in[1]);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool timed_out = false;
  while (p.out[0] >= 0 || p.err[0] >= 0) {
    pollfd fds[3];
    int n = 0;
    if (p.in[1] >= 0) fds[n++] = {p.in[1], POLLOUT, 0};
    if (p.out[0] >= 0) fds[n++] = {p.out[0], POLLIN, 0};
    if (p.err[0] >= 0) fds[n++] = {p.err[0], POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    if (poll(fds, n, static_cast<int>(left)) < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == p.in[1]) {
        const ssize_t w = WriteNoSigpipe(p.in[1], stdin_text.data() + written,
                                         stdin_text.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        const bool retry = w < 0 && (errno == EAGAIN || errno == EINTR);
        if ((w < 0 && !retry) || written == stdin_text.size()) {
          Pipes::Close(p.in[1]);
        }
        continue;
      }
      char buf[4096];
      const ssize_t r = read(fds[i].fd, buf, sizeof(buf));
      const bool is_out = fds[i].fd == p.out[0];
      if (r > 0) {
        (is_out ? result.stdout_text : result.stderr_text).append(buf, r);
      } else {
        Pipes::Close(is_out ? p.out[0] : p.err[0]);
      }
    }
  }
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return Status(ErrorCode::kUnavailable,
                  "'" + argv[0] + "' did not finish within " +
                      std::to_string(timeout_ms) + " ms");
  }
  result.exit_code = WIFEXITED(status)     ? WEXITSTATUS(status)
                     : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                           : -1;
  return result;
}

}  // namespace trainyard::gym
