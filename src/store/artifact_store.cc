#include "store/artifact_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "core/crypto.h"
#include "store/internal_files.h"

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

// When `path` was last written, in unix ms; 0 if it cannot be read.
int64_t ModifiedAtMs(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 +
         st.st_mtim.tv_nsec / 1'000'000;
}

// The regular files at or under `path` (never following links), skipping
// the atomic writer's temporaries and the store's own files.
Result<std::vector<std::string>> RegularFilesAt(const std::string& path) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  const fs::file_status top = fs::symlink_status(path, ec);
  if (fs::is_regular_file(top)) files.push_back(path);
  if (!fs::is_directory(top)) return files;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!it->is_regular_file(ec) || it->is_symlink(ec) ||
        IsTemporaryFileName(name) || IsInternalFile(it->path().string()))
      continue;
    files.push_back(it->path().string());
  }
  if (ec) return IoError("cannot list " + path + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
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
  if (path == dir_->root()) return not_found;
  TY_ASSIGN_OR_RETURN(std::optional<ArtifactOwner> owner, OwnerOf(relative));
  if (!owner || (!reader.admin && owner->owner_id != reader.user_id))
    return not_found;
  std::error_code ec;
  // symlink_status: a link is never served, whatever it points at (the
  // store writes none, so one can only be planted to reach something else).
  const bool here = std::filesystem::is_regular_file(
      std::filesystem::symlink_status(path, ec));
  if (blobs_ != nullptr) {
    TY_ASSIGN_OR_RETURN(std::optional<ArtifactBlob> blob,
                        blobs_->Stat(dir_->Relative(path)));
    if (blob && (!here || ModifiedAtMs(path) < blob->updated_at))
      return CachedCopy(*blob);
  }
  if (!here) return not_found;
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

namespace trainyard::store {

Result<ArtifactInfo> ArtifactStore::CachedCopy(const ArtifactBlob& blob) {
  TY_ASSIGN_OR_RETURN(std::string data, blobs_->Read(blob.path));
  // Named by what was read, not by `blob`: a newer copy may have been
  // published since.
  const std::string sha = Sha256Hex(data);
  const std::string cached = dir_->root() + "/" + kArtifactCacheDir + "/" + sha;
  if (!fs_->Exists(cached))
    TY_RETURN_IF_ERROR(fs_->WriteFileAtomic(cached, data));
  return ArtifactInfo{blob.path, cached, static_cast<int64_t>(data.size()),
                      sha};
}

Result<int> ArtifactStore::Publish(const std::string& relative, int64_t now) {
  if (blobs_ == nullptr) return 0;
  TY_ASSIGN_OR_RETURN(std::string path, dir_->Resolve(relative));
  if (path == dir_->root())
    return ValidationError("the data directory itself cannot be published");
  TY_ASSIGN_OR_RETURN(std::vector<std::string> files, RegularFilesAt(path));
  // What is published already, in one query rather than one per file.
  TY_ASSIGN_OR_RETURN(std::vector<ArtifactBlob> listed,
                      blobs_->List(dir_->Relative(path)));
  std::map<std::string, ArtifactBlob> published;
  for (ArtifactBlob& blob : listed) published.emplace(blob.path, blob);
  int copied = 0;
  for (const std::string& file : files) {
    const std::string rel = dir_->Relative(file);
    const auto stored = published.find(rel);
    // Not written since it was published with this size: unchanged, so
    // neither read nor hashed (a job's folder is published at every
    // checkpoint and mostly holds what was published before).
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (stored != published.end() && !ec &&
        static_cast<int64_t>(size) == stored->second.size &&
        ModifiedAtMs(file) < stored->second.updated_at)
      continue;
    TY_ASSIGN_OR_RETURN(std::string data, fs_->ReadFile(file));
    ArtifactBlob blob{rel, Sha256Hex(data), static_cast<int64_t>(data.size()),
                      now};
    if (stored != published.end() && stored->second.sha256 == blob.sha256)
      continue;
    TY_RETURN_IF_ERROR(blobs_->Put(blob, data));
    ++copied;
  }
  return copied;
}

Result<int> ArtifactStore::Fetch(const std::string& relative) {
  return CopyPublished(relative, /*replace_older=*/false);
}

Result<int> ArtifactStore::Refresh(const std::string& relative) {
  return CopyPublished(relative, /*replace_older=*/true);
}

Result<int> ArtifactStore::CopyPublished(const std::string& relative,
                                         bool replace_older) {
  if (blobs_ == nullptr) return 0;
  TY_ASSIGN_OR_RETURN(std::string path, dir_->Resolve(relative));
  if (path == dir_->root())
    return ValidationError("the data directory itself cannot be fetched");
  TY_ASSIGN_OR_RETURN(std::vector<ArtifactBlob> blobs,
                      blobs_->List(dir_->Relative(path)));
  int written = 0;
  for (const ArtifactBlob& blob : blobs) {
    TY_ASSIGN_OR_RETURN(std::string target, dir_->Resolve(blob.path));
    if (fs_->Exists(target) &&
        !(replace_older && ModifiedAtMs(target) < blob.updated_at))
      continue;
    TY_ASSIGN_OR_RETURN(std::string data, blobs_->Read(blob.path));
    TY_RETURN_IF_ERROR(fs_->WriteFileAtomic(target, data));
    ++written;
  }
  return written;
}

}  // namespace trainyard::store
