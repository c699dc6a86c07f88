// For tests: a FileSystem over the real one that fails one chosen step of
// FileSystem::WriteFileAtomic (create, append, sync, close, rename, sync
// the directory) with an IO error, as a full disk or a failing device would.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/file_system.h"

namespace trainyard::store {

enum class WriteStep {
  kNone,
  kCreate,
  kAppend,
  kSync,
  kClose,
  kRename,
  kSyncDir
};

// Every step of an atomic write, in the order WriteFileAtomic runs them.
inline const std::vector<WriteStep>& AllWriteSteps() {
  static const std::vector<WriteStep> kSteps = {
      WriteStep::kCreate, WriteStep::kAppend, WriteStep::kSync,
      WriteStep::kClose,  WriteStep::kRename, WriteStep::kSyncDir};
  return kSteps;
}

inline const char* WriteStepName(WriteStep step) {
  switch (step) {
    case WriteStep::kNone:
      return "none";
    case WriteStep::kCreate:
      return "create";
    case WriteStep::kAppend:
      return "append";
    case WriteStep::kSync:
      return "sync";
    case WriteStep::kClose:
      return "close";
    case WriteStep::kRename:
      return "rename";
    case WriteStep::kSyncDir:
      return "sync directory";
  }
  return "?";
}

// Fails `step` (kNone: nothing) of every write; everything else is the real
// file system's. Thread-safe.
class FaultInjectingFileSystem final : public FileSystem {
 public:
  explicit FaultInjectingFileSystem(WriteStep step = WriteStep::kNone)
      : step_(step) {}
  void FailAt(WriteStep step) { step_ = step; }
  // Files read through ReadFile so far.
  int64_t reads() const { return reads_.load(); }

  Result<std::string> ReadFile(const std::string& p) override {
    ++reads_;
    return real_.ReadFile(p);
  }
  Status CreateDirectories(const std::string& p) override {
    return real_.CreateDirectories(p);
  }
  bool Exists(const std::string& p) override { return real_.Exists(p); }
  Status RemoveAll(const std::string& p) override { return real_.RemoveAll(p); }
  Result<std::vector<std::string>> ListDirectory(
      const std::string& p) override {
    return real_.ListDirectory(p);
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& p) override {
    TY_RETURN_IF_ERROR(Fault(WriteStep::kCreate));
    TY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file,
                        real_.NewWritableFile(p));
    return std::unique_ptr<WritableFile>(new FaultyFile(std::move(file), this));
  }
  Status RenameFile(const std::string& from, const std::string& to) override {
    TY_RETURN_IF_ERROR(Fault(WriteStep::kRename));
    return real_.RenameFile(from, to);
  }
  Status SyncDirectory(const std::string& dir) override {
    TY_RETURN_IF_ERROR(Fault(WriteStep::kSyncDir));
    return real_.SyncDirectory(dir);
  }

 private:
  std::atomic<int64_t> reads_{0};
  class FaultyFile final : public WritableFile {
   public:
    FaultyFile(std::unique_ptr<WritableFile> real, FaultInjectingFileSystem* fs)
        : real_(std::move(real)), fs_(fs) {}
    Status Append(std::string_view data) override {
      // A failing append writes part of the data first, as a full disk does.
      if (!fs_->Fault(WriteStep::kAppend).ok()) {
        TY_RETURN_IF_ERROR(real_->Append(data.substr(0, data.size() / 2)));
        return fs_->Fault(WriteStep::kAppend);
      }
      return real_->Append(data);
    }
    Status Sync() override {
      TY_RETURN_IF_ERROR(fs_->Fault(WriteStep::kSync));
      return real_->Sync();
    }
    Status Close() override {
      Status real = real_->Close();
      TY_RETURN_IF_ERROR(fs_->Fault(WriteStep::kClose));
      return real;
    }

   private:
    std::unique_ptr<WritableFile> real_;
    FaultInjectingFileSystem* fs_;
  };

  Status Fault(WriteStep step) const {
    if (step_.load() != step) return Status::Ok();
    return IoError(std::string("injected failure at ") + WriteStepName(step));
  }

  std::atomic<WriteStep> step_;
  PosixFileSystem real_;
};

}  // namespace trainyard::store
