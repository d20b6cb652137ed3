#include "tsdb/wal/checkpoint.h"

#include <map>
#include <optional>
#include <vector>

#include "absl/strings/str_format.h"
#include "tsdb/record/record.h"
#include "tsdb/wal/reader.h"
#include "tsdb/wal/wal.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::wal {
namespace {

constexpr std::string_view kCheckpointPrefix = "checkpoint.";
constexpr std::string_view kTmpSuffix = ".tmp";
// Filtered records are logged in batches of about this size.
constexpr size_t kBatchBytes = 1024 * 1024;

std::optional<int> ParseCheckpointName(std::string_view name) {
  if (name.substr(0, kCheckpointPrefix.size()) != kCheckpointPrefix) return std::nullopt;
  std::string_view digits = name.substr(kCheckpointPrefix.size());
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Decodes each input record, keeps what §6.7 says, re-encodes the rest into the checkpoint.
class CheckpointWriter {
 public:
  CheckpointWriter(Wal* wal, const std::function<bool(uint64_t)>& keep, int64_t mint,
                   CheckpointStats* stats)
      : wal_(wal), keep_(keep), mint_(mint), stats_(stats) {}

  absl::Status Add(std::string_view rec);
  // Writes the collected metadata and everything still buffered.
  absl::Status Finish();

 private:
  absl::Status AddSeries(std::string_view rec);
  absl::Status AddSamples(std::string_view rec);
  absl::Status AddTombstones(std::string_view rec);
  absl::Status AddExemplars(std::string_view rec);
  absl::Status AddMetadata(std::string_view rec);
  // Takes the record in buf_ into the batch.
  absl::Status Emit();
  absl::Status Flush();

  Wal* const wal_;
  const std::function<bool(uint64_t)>& keep_;
  const int64_t mint_;
  CheckpointStats* const stats_;
  record::Decoder dec_;
  std::vector<record::RefSeries> series_;
  std::vector<record::RefSample> samples_;
  std::vector<record::Stone> stones_;
  std::vector<record::RefExemplar> exemplars_;
  std::vector<record::RefMetadata> metadata_;
  std::map<uint64_t, record::RefMetadata> latest_metadata_;  // by ref: written in ref order
  std::string buf_;
  std::vector<std::string> batch_;
  size_t batch_bytes_ = 0;
};

absl::Status CheckpointWriter::Add(std::string_view rec) {
  absl::StatusOr<record::RecordType> type = record::Type(rec);
  if (!type.ok()) {  // empty or of a type we do not know: nothing to keep
    stats_->dropped_records++;
    return absl::OkStatus();
  }
  switch (*type) {
    case record::RecordType::kSeries:
      return AddSeries(rec);
    case record::RecordType::kSamples:
      return AddSamples(rec);
    case record::RecordType::kTombstones:
      return AddTombstones(rec);
    case record::RecordType::kExemplars:
      return AddExemplars(rec);
    case record::RecordType::kMetadata:
      return AddMetadata(rec);
    default:
      // TODO(helper-wal): keep histogram samples with t >= mint once we decode them.
      stats_->dropped_records++;
      return absl::OkStatus();
  }
}

absl::Status CheckpointWriter::AddSeries(std::string_view rec) {
  RETURN_IF_ERROR(dec_.Series(rec, &series_));
  stats_->total_series += series_.size();
  stats_->dropped_series +=
      std::erase_if(series_, [&](const record::RefSeries& s) { return !keep_(s.ref); });
  if (series_.empty()) return absl::OkStatus();
  record::EncodeSeries(series_, &buf_);
  return Emit();
}

absl::Status CheckpointWriter::AddSamples(std::string_view rec) {
  RETURN_IF_ERROR(dec_.Samples(rec, &samples_));
  stats_->total_samples += samples_.size();
  stats_->dropped_samples +=
      std::erase_if(samples_, [&](const record::RefSample& s) { return s.t < mint_; });
  if (samples_.empty()) return absl::OkStatus();
  record::EncodeSamples(samples_, &buf_);
  return Emit();
}

absl::Status CheckpointWriter::AddTombstones(std::string_view rec) {
  RETURN_IF_ERROR(dec_.Tombstones(rec, &stones_));
  stats_->total_tombstones += stones_.size();
  stats_->dropped_tombstones +=
      std::erase_if(stones_, [&](const record::Stone& s) { return s.maxt < mint_; });
  if (stones_.empty()) return absl::OkStatus();
  record::EncodeTombstones(stones_, &buf_);
  return Emit();
}

absl::Status CheckpointWriter::AddExemplars(std::string_view rec) {
  RETURN_IF_ERROR(dec_.Exemplars(rec, &exemplars_));
  stats_->total_exemplars += exemplars_.size();
  stats_->dropped_exemplars +=
      std::erase_if(exemplars_, [&](const record::RefExemplar& e) { return e.t < mint_; });
  if (exemplars_.empty()) return absl::OkStatus();
  record::EncodeExemplars(exemplars_, &buf_);
  return Emit();
}

absl::Status CheckpointWriter::AddMetadata(std::string_view rec) {
  RETURN_IF_ERROR(dec_.Metadata(rec, &metadata_));
  stats_->total_metadata += metadata_.size();
  for (record::RefMetadata& m : metadata_) {
    if (keep_(m.ref)) {
      latest_metadata_[m.ref] = std::move(m);
    } else {
      stats_->dropped_metadata++;
    }
  }
  return absl::OkStatus();
}

absl::Status CheckpointWriter::Emit() {
  batch_bytes_ += buf_.size();
  batch_.push_back(std::move(buf_));
  buf_.clear();
  if (batch_bytes_ >= kBatchBytes) return Flush();
  return absl::OkStatus();
}

absl::Status CheckpointWriter::Flush() {
  std::vector<std::string_view> views(batch_.begin(), batch_.end());
  RETURN_IF_ERROR(wal_->Log(views));
  batch_.clear();
  batch_bytes_ = 0;
  return absl::OkStatus();
}

absl::Status CheckpointWriter::Finish() {
  if (!latest_metadata_.empty()) {
    // Superseded entries of kept series were dropped too.
    const int64_t kept = static_cast<int64_t>(latest_metadata_.size());
    stats_->dropped_metadata = stats_->total_metadata - kept;
    metadata_.clear();
    for (auto& [ref, m] : latest_metadata_) metadata_.push_back(std::move(m));
    record::EncodeMetadata(metadata_, &buf_);
    RETURN_IF_ERROR(Emit());
  }
  if (batch_.empty()) return absl::OkStatus();
  return Flush();
}

absl::Status WriteCheckpoint(Fs* fs, const std::string& tmp,
                             const std::vector<SegmentRange>& inputs,
                             const std::function<bool(uint64_t)>& keep, int64_t mint,
                             const CheckpointOptions& options, CheckpointStats* stats) {
  WalOptions wal_options;
  wal_options.segment_size_bytes = options.segment_size_bytes;
  wal_options.compress = options.compress;
  wal_options.repair_torn_tail = false;
  ASSIGN_OR_RETURN(std::unique_ptr<Wal> cp, Wal::Open(fs, tmp, wal_options));
  CheckpointWriter writer(cp.get(), keep, mint, stats);
  for (const SegmentRange& range : inputs) {
    ASSIGN_OR_RETURN(std::unique_ptr<Reader> reader, Reader::Open(fs, range));
    while (reader->Next()) RETURN_IF_ERROR(writer.Add(reader->record()));
    RETURN_IF_ERROR(reader->status());
  }
  RETURN_IF_ERROR(writer.Finish());
  return cp->Close();  // zero-fills the last page and fsyncs
}

}  // namespace

std::string CheckpointDirName(int index) { return absl::StrFormat("checkpoint.%08d", index); }

absl::StatusOr<CheckpointRef> LastCheckpoint(Fs* fs, const std::string& wal_dir) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs->ListDir(wal_dir));
  CheckpointRef last;
  for (const std::string& name : names) {
    std::optional<int> index = ParseCheckpointName(name);
    const std::string path = JoinPath(wal_dir, name);
    if (index.has_value() && *index > last.index && fs->IsDirectory(path)) {
      last = CheckpointRef{path, *index};
    }
  }
  if (last.index < 0) return absl::NotFoundError(StrCat("no checkpoint in ", wal_dir));
  return last;
}

absl::Status DeleteCheckpoints(Fs* fs, const std::string& wal_dir, int max_index) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs->ListDir(wal_dir));
  for (const std::string& name : names) {
    std::optional<int> index = ParseCheckpointName(name);
    if (index.has_value() && *index < max_index) {
      RETURN_IF_ERROR_CTX(fs->RemoveAll(JoinPath(wal_dir, name)), "delete checkpoint");
    }
  }
  return absl::OkStatus();
}

absl::Status DeleteTmpCheckpoints(Fs* fs, const std::string& wal_dir) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs->ListDir(wal_dir));
  for (const std::string& name : names) {
    if (name.starts_with(kCheckpointPrefix) && name.ends_with(kTmpSuffix)) {
      RETURN_IF_ERROR_CTX(fs->RemoveAll(JoinPath(wal_dir, name)), "delete checkpoint leftover");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<CheckpointStats> Checkpoint(Fs* fs, const std::string& wal_dir, int from, int to,
                                           const std::function<bool(uint64_t ref)>& keep,
                                           int64_t mint, const CheckpointOptions& options) {
  std::vector<SegmentRange> inputs;
  absl::StatusOr<CheckpointRef> last = LastCheckpoint(fs, wal_dir);
  if (last.ok()) {
    if (to <= last->index || from > last->index + 1) {
      return absl::FailedPreconditionError(StrCat("checkpoint of WAL segments ", from, "..", to,
                                                  " does not continue ",
                                                  CheckpointDirName(last->index)));
    }
    from = last->index + 1;
    inputs.push_back(SegmentRange{last->path, -1, -1});
  } else if (!absl::IsNotFound(last.status())) {
    return last.status();
  }
  inputs.push_back(SegmentRange{wal_dir, from, to});

  const std::string final_dir = JoinPath(wal_dir, CheckpointDirName(to));
  const std::string tmp = StrCat(final_dir, kTmpSuffix);
  RETURN_IF_ERROR_CTX(fs->RemoveAll(tmp), "create checkpoint");
  CheckpointStats stats;
  absl::Status s = WriteCheckpoint(fs, tmp, inputs, keep, mint, options, &stats);
  if (s.ok()) s = fs->SyncDir(tmp);
  if (s.ok()) s = fs->Rename(tmp, final_dir);
  if (s.ok()) s = fs->SyncDir(wal_dir);
  if (!s.ok()) {
    (void)fs->RemoveAll(tmp);
    return Annotate(s, "create checkpoint");
  }
  RETURN_IF_ERROR(DeleteCheckpoints(fs, wal_dir, to));
  return stats;
}

}  // namespace strata::tsdb::wal
