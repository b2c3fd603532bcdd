// Fuzz target: a run's report.json (bench::report::read_record, as bench report and bench compare read it,
// and read_prior_run, as bench reanalyze reads it, bench.report/1 included). A record the reader accepts
// must be one the writer writes (to_json) and that reads back field by field the same: a record that
// could be read but not written again, or came back different, would be lost on its next round.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/report/record_json.hpp"
#include "fuzz_support.hpp"
#include "report/record_equality.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path run_dir = [] {
    const std::filesystem::path dir = bench::fuzz::scratch_root() / "run";
    std::filesystem::create_directories(dir);
    return dir;
  }();
  bench::fuzz::write_input(run_dir / "report.json", data, size);
  (void)bench::fuzz::parses("bench::report::read_prior_run",
                            [&] { (void)bench::report::read_prior_run(run_dir); });
  bench::record::RunRecord record;
  if (!bench::fuzz::parses("bench::report::read_record",
                           [&] { record = bench::report::read_record(run_dir); }))
    return 0;
  nlohmann::json written;
  try {
    written = bench::report::to_json(record);
  } catch (const std::exception& e) {
    bench::fuzz::violated(std::string("a record read from report.json cannot be written: ") + e.what());
  }
  bench::record::RunRecord back;
  if (!bench::fuzz::parses("bench::report::record_from_json", [&] {
        back = bench::report::record_from_json(written, "the record written again");
      }))
    bench::fuzz::violated("a record read from report.json, written again, is refused");
  const auto differences = bench::report::test::differences(record, back);
  if (!differences.empty())
    bench::fuzz::violated("a record read from report.json reads back different after writing it: " +
                          bench::report::test::joined(differences));
  return 0;
}
