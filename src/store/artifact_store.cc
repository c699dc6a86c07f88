#include "store/artifact_store.h"

#include <filesystem>
#include <system_error>

#include "core/crypto.h"

namespace trainyard::store {
namespace {

// "a/b/c" -> {"a/b/c", "a/b", "a"}: the paths a claim on which covers it.
std::vector<std::string> SelfAndAncestors(const std::string& relative) {
  std::vector<std::string> out;
  std::string p = relative;
  while (!p.empty() && p != ".") {
    out.push_back(p);
    const size_t slash = p.rfind('/');
    if (slash == std::string::npos) break;
    p.resize(slash);
  }
  return out;
}

}  // namespace

Status ArtifactStore::Claim(const std::string& relative_dir,
                            const std::string& owner_id,
                            const std::string& kind, int64_t now) {
  if (owners_ == nullptr)
    return InternalError("this artifact store keeps no owners");
  TY_ASSIGN_OR_RETURN(std::string path, dir_->Resolve(relative_dir));
  if (path == dir_->root())
    return ValidationError("the data directory itself cannot be claimed");
  if (owner_id.empty()) return ValidationError("a claim needs an owner");
  return owners_->Claim({dir_->Relative(path), owner_id, kind, now});
}

Result<std::optional<ArtifactOwner>> ArtifactStore::OwnerOf(
    const std::string& relative) {
  if (owners_ == nullptr) return std::optional<ArtifactOwner>();
  TY_ASSIGN_OR_RETURN(std::string path, dir_->Resolve(relative));
  if (path == dir_->root()) return std::optional<ArtifactOwner>();
  return owners_->FindLongest(SelfAndAncestors(dir_->Relative(path)));
}

Result<ArtifactInfo> ArtifactStore::OpenForRead(const Reader& reader,
                                                const std::string& relative) {
  TY_ASSIGN_OR_RETURN(std::string path, dir_->Resolve(relative));
  const Status not_found = NotFoundError("no such file: " + relative);
  std::error_code ec;
  // symlink_status: a link is never served, whatever it points at (the
  // store writes none, so one can only be planted to reach something else).
  if (!std::filesystem::is_regular_file(
          std::filesystem::symlink_status(path, ec)))
    return not_found;
  TY_ASSIGN_OR_RETURN(std::optional<ArtifactOwner> owner, OwnerOf(relative));
  if (!owner || (!reader.admin && owner->owner_id != reader.user_id))
    return not_found;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return not_found;
  return ArtifactInfo{dir_->Relative(path), path, static_cast<int64_t>(size),
                      ""};
}

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
