#include "store/tables/studio_training_jobs.h"

#include "store/database.h"

namespace trainyard::store::studio {

namespace {

constexpr const char* kColumns =
    "id, model_id, owner_id, job_name, priority, model_version, "
    "estimated_seconds, hold_cents, charged_cents, refund_cents, "
    "compute_seconds, settled, outcome, created_at, settled_at";

TrainingJobRow ReadRow(const Statement& s) {
  TrainingJobRow r;
  r.id = s.ColumnText(0);
  r.model_id = s.ColumnText(1);
  r.owner_id = s.ColumnText(2);
  r.job_name = s.ColumnText(3);
  r.priority = s.ColumnText(4);
  r.model_version = s.ColumnInt(5);
  r.estimated_seconds = s.ColumnDouble(6);
  r.hold_cents = s.ColumnInt(7);
  r.charged_cents = s.ColumnInt(8);
  r.refund_cents = s.ColumnInt(9);
  r.compute_seconds = s.ColumnDouble(10);
  r.settled = s.ColumnInt(11) != 0;
  r.outcome = s.ColumnText(12);
  r.created_at = s.ColumnInt(13);
  r.settled_at = s.ColumnOptionalInt(14);
  return r;
}

}  // namespace

Status TrainingJobRepository::Insert(const TrainingJobRow& r) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("INSERT INTO studio_training_jobs(") + kColumns +
                   ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, r.id).Bind(2, r.model_id).Bind(3, r.owner_id).Bind(4, r.job_name);
  s.Bind(5, r.priority).Bind(6, r.model_version).Bind(7, r.estimated_seconds);
  s.Bind(8, r.hold_cents).Bind(9, r.charged_cents).Bind(10, r.refund_cents);
  s.Bind(11, r.compute_seconds).Bind(12, int64_t{r.settled ? 1 : 0});
  s.Bind(13, r.outcome).Bind(14, r.created_at).Bind(15, r.settled_at);
  return s.Run();
}

Result<TrainingJobRow> TrainingJobRepository::Get(const std::string& id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare(std::string("SELECT ") + kColumns +
                                   " FROM studio_training_jobs WHERE id = ?"));
  s.Bind(1, id);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFoundError("training job '" + id + "' not found");
  return ReadRow(s);
}

Result<std::vector<TrainingJobRow>> TrainingJobRepository::List(
    const TrainingJobQuery& q) {
  auto lock = db_->Lock();
  WhereClause where;
  where.Add("owner_id = ?", q.owner_id);
  if (q.model_id) where.Add("model_id = ?", *q.model_id);
  if (q.settled_from) {
    where.Add("settled = 1 AND settled_at >= ?", *q.settled_from);
  }
  if (q.settled_to) where.Add("settled = 1 AND settled_at < ?", *q.settled_to);
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare(std::string("SELECT ") + kColumns +
                                   " FROM studio_training_jobs" + where.sql() +
                                   " ORDER BY created_at DESC, rowid DESC"));
  where.BindTo(s);
  return ReadRows<TrainingJobRow>(s, ReadRow);
}

Result<bool> TrainingJobRepository::Settle(
    const std::string& id, double compute_seconds, int64_t charged_cents,
    int64_t refund_cents, const std::string& outcome, int64_t now) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("UPDATE studio_training_jobs SET settled = 1, "
                   "compute_seconds = ?, charged_cents = ?, refund_cents = ?, "
                   "outcome = ?, settled_at = ? WHERE id = ? AND settled = 0"));
  s.Bind(1, compute_seconds).Bind(2, charged_cents).Bind(3, refund_cents);
  s.Bind(4, outcome).Bind(5, now).Bind(6, id);
  TY_RETURN_IF_ERROR(s.Run());
  return db_->Changes() == 1;
}

Result<double> TrainingJobRepository::ComputeSeconds(
    const std::string& owner_id, int64_t from, int64_t to) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT COALESCE(SUM(compute_seconds), 0) FROM "
                   "studio_training_jobs WHERE owner_id = ? AND settled = 1 "
                   "AND settled_at >= ? AND settled_at < ?"));
  s.Bind(1, owner_id).Bind(2, from).Bind(3, to);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnDouble(0) : 0.0;
}

}  // namespace trainyard::store::studio
