#pragma once

// report.json: the run record (bench/record/record.hpp) as "schema": "bench.report/2", written and read
// here and nowhere else (record_json.cpp, configuration_json.cpp, step_json.cpp are the only code that
// spells a report.json key). Every document is validated against bench/report/schema/bench.report.schema.json
// (schema.hpp) before a field is read. Numbers that are NaN or infinite are written as null and read back
// as NaN (a missing optional, where the record has one). The one place that still knows the bench.report/1
// layout of bench 0.1 is read_prior_run, for `bench reanalyze`.

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/record/record.hpp"

namespace bench::report {

/// The schema string this code writes and reads.
inline constexpr const char* kReportSchema = "bench.report/2";

/// The record as a bench.report/2 document: valid against the schema for every record the sequencer makes
/// (a step's result is of its kind, channels are 0 or 1, settings are within the catalogue's ranges).
/// Throws std::out_of_range for a channel index other than 0 or 1 (a defect of the caller). [any thread]
[[nodiscard]] nlohmann::json to_json(const record::RunRecord& record);

/// The record a bench.report/2 document holds. `source` names the document in messages (the file path).
/// Validates against the schema first. Throws bench::InputError, one line naming `source`: for a
/// bench.report/1 document, how to convert it (`bench reanalyze RUN_DIR`); for anything else not a bench
/// report, what was expected; for a schema error, the first error's JSON pointer, what is wrong and the
/// fix; for a later bench.report/N, that this bench does not read it. A check's null value reads as NaN,
/// or as no value for a word check (Better::kMatch in the catalogue).
/// [any thread]
[[nodiscard]] record::RunRecord record_from_json(const nlohmann::json& doc, const std::string& source);

/// Writes `run_dir`/report.json atomically (io::write_json: `.partial`, then renamed; `durable`: on the disk
/// before the rename). Throws as io::throw_write_error says (exit 4 for no space or permission), naming
/// the file; the report.json that was there stays whole. [any thread]
void write_record(const std::filesystem::path& run_dir, const record::RunRecord& record,
                  bool durable = false);

/// report.json rewritten during a run, after each configuration (record::RunRecord::in_progress): each
/// configuration is serialised once, when it is first written, so that keeping the record up to date costs
/// the size of the record per configuration, not its square. The file is written durably and is the same
/// record as write_record's (compact, without indentation). [the thread running the plan]
class ProgressWriter {
 public:
  explicit ProgressWriter(std::filesystem::path run_dir) : run_dir_(std::move(run_dir)) {}
  /// Writes `record`; its first configurations must be those of the previous call, unchanged. Throws as
  /// write_record.
  void write(const record::RunRecord& record);

 private:
  std::filesystem::path run_dir_;
  std::vector<std::string> configurations_;  // compact JSON of each configuration written so far
};

/// Reads `run_dir`/report.json. Throws bench::InputError, one line naming the file: missing, unreadable,
/// not JSON, bench.report/1 (how to convert it), not a report, or not valid against the schema (see
/// record_from_json). [any thread]
[[nodiscard]] record::RunRecord read_record(const std::filesystem::path& run_dir);

/// What `bench reanalyze` needs of an earlier run, of either layout.
struct PriorRun {
  std::string schema;     ///< "bench.report/1" or "bench.report/2"
  std::string plan_file;  ///< plan.file as the run wrote it
  std::uint64_t seed = 0;
  std::vector<std::string> fixture_ids;            ///< the configurations measured, in order
  std::vector<std::string> step_ids;               ///< the sequence's step ids; empty for bench.report/1
  std::vector<std::vector<record::Check>> checks;  ///< per configuration, in order (step "" for /1)
  /// Per configuration: whether it lists kept captures (bench run --keep-captures failed|none keeps none of
  /// a passing one, or of any).
  std::vector<bool> kept_captures;
};

/// Reads `run_dir`/report.json of a bench.report/2 run (validated, as read_record) or a bench.report/1 run
/// of bench 0.1 (its plan.file, seed, configurations[].fixture.id and each configuration's checks, whose
/// keys are the /2 ones but `step`). Throws bench::InputError, one line naming the file, when it is
/// missing, not JSON, neither layout, or a /1 document lacks one of those keys. [any thread]
[[nodiscard]] PriorRun read_prior_run(const std::filesystem::path& run_dir);

/// Whether two checks are the same result: equal name, value, unit, limit, outcome, explanation, channel,
/// load and level (`step` is not compared: /1 has none). Numbers compare bit for bit, except that any
/// two non-finite numbers are equal (report.json holds each as null). [any thread]
[[nodiscard]] bool same_check(const record::Check& a, const record::Check& b);

}  // namespace bench::report
