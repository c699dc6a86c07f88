// Internal to store/: the SQL implementations of the repository
// interfaces. Callers outside store/ use metadata_store.h.
#pragma once

#include "store/database.h"
#include "store/job_store.h"
#include "store/model_store.h"
#include "store/user_store.h"

namespace trainyard::store {

class SqlUserStore final : public UserStore {
 public:
  explicit SqlUserStore(Database* db) : db_(db) {}
  Status CreateUser(const User& user) override;
  Result<User> GetUser(const std::string& id) override;
  Result<User> FindUserByName(const std::string& name) override;
  Result<std::vector<User>> ListUsers() override;
  Result<int64_t> CountUsers() override;
  Result<double> AdjustCredits(const std::string& user_id, double delta,
                               const CreditJournal& journal) override;
  Status CreateToken(const TokenInfo& info, const std::string& hash) override;
  Result<std::pair<TokenInfo, User>> FindActiveToken(
      const std::string& hash) override;
  Result<std::vector<TokenInfo>> ListTokens(
      std::optional<std::string> user_id) override;
  Result<TokenInfo> RevokeToken(const std::string& id_or_prefix,
                                int64_t now) override;
  Status TouchToken(const std::string& token_id, int64_t now) override;

 private:
  Result<User> FindUserBy(const char* column, const std::string& value);
  Database* db_;
};

class SqlJobStore final : public JobStore {
 public:
  explicit SqlJobStore(Database* db) : db_(db) {}
  Status Insert(const JobRecord& job, int64_t now) override;
  Result<JobRecord> Get(const std::string& id) override;
  Result<std::vector<JobRecord>> List(const JobFilter& filter) override;
  Result<int64_t> Count(const JobFilter& filter) override;
  Result<std::vector<JobCount>> CountByTypeAndStatus() override;
  Result<std::optional<JobRecord>> ClaimNext(
      const std::vector<std::string>& types, const std::string& worker_id,
      int64_t lease_until, int64_t now) override;
  Result<bool> ReportProgress(const std::string& id,
                              const std::string& worker_id,
                              const JobProgress& progress, int64_t lease_until,
                              int64_t now) override;
  Result<bool> Heartbeat(const std::string& id, const std::string& worker_id,
                         int64_t lease_until, int64_t now) override;
  Status Finish(const std::string& id, const std::string& worker_id,
                JobStatus status, const std::string& result,
                const std::string& error, int64_t now) override;
  Status Release(const std::string& id, const std::string& worker_id,
                 int64_t now) override;
  Result<JobRecord> RequestCancel(const std::string& id, int64_t now) override;
  Result<int> RecoverExpiredLeases(int64_t now) override;
  Status AppendLog(const std::string& id, const std::string& line,
                   int64_t now) override;
  Result<std::vector<JobLogLine>> ListLogs(const std::string& id,
                                           int64_t after_id,
                                           int64_t limit) override;
  Status AppendMetrics(const std::string& id,
                       const std::vector<MetricPoint>& points) override;
  Status DropMetricsFrom(const std::string& id, int64_t from_step) override;
  Result<std::vector<MetricPoint>> ListMetrics(const std::string& id,
                                               int64_t after_step,
                                               int64_t limit) override;
  Result<std::vector<JobEvent>> ListEvents(const std::string& job_id,
                                           int64_t after_id,
                                           int64_t limit) override;
  Result<std::vector<JobEvent>> ListAllEvents(int64_t after_id,
                                              int64_t limit) override;

 private:
  // REQUIRES: lock held. The row, or NOT_FOUND.
  Result<JobRecord> GetLocked(const std::string& id);
  // REQUIRES: lock held, inside a transaction.
  Status AddEvent(const std::string& job_id, const std::string& kind,
                  const std::string& payload, int64_t now);
  Result<bool> ExtendLease(const std::string& id, const std::string& worker_id,
                           const JobProgress* progress, int64_t lease_until,
                           int64_t now);
  Database* db_;
};

class SqlModelStore final : public ModelStore {
 public:
  explicit SqlModelStore(Database* db) : db_(db) {}
  Status Create(const ModelRecord& model) override;
  Result<ModelRecord> Get(const std::string& id) override;
  Result<ModelRecord> FindByName(const std::string& owner_id,
                                 const std::string& kind,
                                 const std::string& name) override;
  Result<std::vector<ModelRecord>> List(const ModelFilter& f) override;
  Result<int64_t> Count(const ModelFilter& f) override;
  Status Update(const ModelRecord& model) override;
  Status Delete(const std::string& id) override;
  Result<ModelVersion> AddVersion(const ModelVersion& draft) override;
  Result<ModelVersion> GetVersion(const std::string& model_id,
                                  int64_t version) override;
  Status UpdateVersion(const ModelVersion& version) override;
  Result<std::vector<ModelVersion>> ListVersions(
      const std::string& model_id) override;

 private:
  Database* db_;
};

class SqlArtifactOwnerStore final : public ArtifactOwnerStore {
 public:
  explicit SqlArtifactOwnerStore(Database* db) : db_(db) {}
  Status Claim(const ArtifactOwner& claim) override;
  Result<std::optional<ArtifactOwner>> FindLongest(
      const std::vector<std::string>& paths) override;

 private:
  Database* db_;
};

class SqlAuditLog final : public AuditLog {
 public:
  explicit SqlAuditLog(Database* db) : db_(db) {}
  Status Append(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> Recent(int64_t limit) override;

 private:
  Database* db_;
};

class SqlRateCounterStore final : public RateCounterStore {
 public:
  explicit SqlRateCounterStore(Database* db) : db_(db) {}
  Result<std::vector<RateWindow>> LoadAll() override;
  Result<std::vector<RateWindow>> Merge(const std::vector<RateWindow>& added,
                                        int64_t now,
                                        int64_t window_ms) override;

 private:
  Database* db_;
};

}  // namespace trainyard::store
