#include "store/artifact_store.h"

#include "core/crypto.h"

namespace trainyard::store {

Result<ArtifactInfo> ArtifactStore::Put(const std::string& relative,
                                        const std::string& data) {
  TY_ASSIGN_OR_RETURN(std::string path, dir_->Resolve(relative));
  TY_RETURN_IF_ERROR(fs_->WriteFileAtomic(path, data));
  return ArtifactInfo{dir_->Relative(path), path,
                      static_cast<int64_t>(data.size()), Sha256Hex(data)};
}

Result<std::string> ArtifactStore::Get(const std::string& relative) {
  TY_ASSIGN_OR_RETURN(std::string path, dir_->Resolve(relative));
  return fs_->ReadFile(path);
}

Result<bool> ArtifactStore::Exists(const std::string& relative) {
  TY_ASSIGN_OR_RETURN(std::string path, dir_->Resolve(relative));
  return fs_->Exists(path);
}

Status ArtifactStore::Remove(const std::string& relative) {
  TY_ASSIGN_OR_RETURN(std::string path, dir_->Resolve(relative));
  if (path == dir_->root()) {
    return ValidationError("refusing to remove the data directory itself");
  }
  return fs_->RemoveAll(path);
}

Result<std::vector<std::string>> ArtifactStore::List(
    const std::string& relative_dir) {
  TY_ASSIGN_OR_RETURN(std::string path, dir_->Resolve(relative_dir));
  return fs_->ListDirectory(path);
}

}  // namespace trainyard::store
