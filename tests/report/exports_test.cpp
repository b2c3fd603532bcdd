// .frd and .csv exports: the curve read back equals the record's sweep result to the printed precision; the
// layout REW and VituixCAD import; harmonics with gaps where a harmonic is not listed; the output
// impedance as .zma.
#include "bench/report/exports.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include "bench/core/error.hpp"
#include "bench/plan/load.hpp"
#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

const ExportFile* find_file(const std::vector<ExportFile>& files, const std::string& relative) {
  for (const auto& f : files)
    if (f.relative.generic_string() == relative) return &f;
  return nullptr;
}

std::vector<ExportFile> exports_of(const record::RunRecord& r) {
  return export_files(through_report_json(r));
}

record::SweepChannel& sweep_of(record::RunRecord& r, std::size_t configuration, std::size_t channel) {
  return *std::get<record::SweepsResult>(*r.configurations[configuration].steps[1].result).channels[channel];
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(Exports, OneSetPerConfigurationAndChannelWithSlashesReplaced) {
  const auto files = exports_of(sample_record());
  for (const char* name :
       {"exports/good/left.frd", "exports/good/left.csv", "exports/good/left_harmonics.csv",
        "exports/good/right.frd", "exports/odd_swapped/right_harmonics.csv"})
    EXPECT_NE(find_file(files, name), nullptr) << name;
  EXPECT_EQ(files.size(), 12u);  // "broken" has no sweep, so nothing
  EXPECT_EQ(export_directory_name("faults/swapped_channels"), "faults_swapped_channels");
  EXPECT_EQ(export_directory_name(".."), "_..");
}

TEST(Exports, FrdReadsBackToTheSameCurve) {
  record::RunRecord report = sample_record();
  const record::SweepChannel& side = sweep_of(report, 0, 0);
  const auto files = exports_of(report);
  const ExportFile* frd = find_file(files, "exports/good/left.frd");
  ASSERT_NE(frd, nullptr);
  EXPECT_EQ(frd->text.rfind("* ", 0), 0u);  // a header comment REW skips
  const FrdCurve curve = parse_frd(frd->text, "left.frd");
  const auto& f = side.frequency_hz;
  ASSERT_EQ(curve.frequency_hz.size(), f.size());
  for (std::size_t i = 0; i < f.size(); ++i) {
    EXPECT_NEAR(curve.frequency_hz[i], f[i], 1e-6);
    EXPECT_NEAR(curve.magnitude_db[i], side.magnitude_db[i], 1e-6);
    EXPECT_NEAR(curve.phase_deg[i], side.phase_deg[i], 1e-6);
  }
  // The swapped configuration says where its channel arrived.
  EXPECT_NE(
      find_file(files, "exports/odd_swapped/left.frd")->text.find("left channel driven (arrives on right)"),
      std::string::npos);
}

TEST(Exports, CsvHasItsHeaderAndLeavesMissingValuesEmpty) {
  record::RunRecord report = sample_record();
  sweep_of(report, 0, 0).magnitude_db[3] = record::kNaN;  // written as null
  const auto files = exports_of(report);
  const auto csv = lines_of(find_file(files, "exports/good/left.csv")->text);
  ASSERT_GT(csv.size(), 5u);
  EXPECT_EQ(csv[0], "frequency_hz,magnitude_db,phase_deg");
  EXPECT_EQ(count(csv[4], ",,"), 1u) << csv[4];
  // The .frd leaves that point out rather than writing a number that is not there.
  const FrdCurve curve = parse_frd(find_file(files, "exports/good/left.frd")->text, "left.frd");
  EXPECT_EQ(curve.frequency_hz.size(), csv.size() - 2);
}

TEST(Exports, HarmonicsAreEmptyWhereNotListed) {
  const auto files = exports_of(sample_record());
  const auto csv = lines_of(find_file(files, "exports/good/left_harmonics.csv")->text);
  ASSERT_GT(csv.size(), 2u);
  EXPECT_EQ(csv[0], "frequency_hz,h2_db,h3_db,h4_db,h5_db,h6_db,h7_db,h8_db,h9_db");
  EXPECT_EQ(csv[1],
            "20.000000,-80.000000,-90.000000,-100.000000,-110.000000,-120.000000,-130.000000,-140.000000,"
            "-150.000000");
  // Rows up to where H2 is listed (f < 10 kHz); the last ones carry H2 only.
  const std::string& last = csv.back();
  EXPECT_EQ(last.substr(last.size() - 7), ",,,,,,,") << last;
  const double f_last = std::stod(last.substr(0, last.find(',')));
  EXPECT_LT(f_last * 2, 20000);
  for (std::size_t i = 1; i < csv.size(); ++i) {
    std::vector<std::string> cells;
    std::size_t from = 0;
    for (std::size_t at; (at = csv[i].find(',', from)) != std::string::npos; from = at + 1)
      cells.push_back(csv[i].substr(from, at - from));
    cells.push_back(csv[i].substr(from));
    ASSERT_EQ(cells.size(), 9u) << csv[i];
    const double f = std::stod(cells[0]);
    for (int n = 2; n <= 9; ++n)  // H_n is listed exactly where n f < 20 kHz
      EXPECT_EQ(!cells[static_cast<std::size_t>(n - 1)].empty(), f * n < 20000) << "H" << n << ": " << csv[i];
  }
}

TEST(Exports, ParseFrdAcceptsCommonVariantsAndNamesTheLineOfAnError) {
  const FrdCurve c =
      parse_frd("* comment\n# other\nFreq(Hz) SPL(dB) Phase\n\n20 -1.5 10\n30,\t-2;  20\r\n40 -3\n", "x.frd");
  ASSERT_EQ(c.frequency_hz.size(), 3u);
  EXPECT_DOUBLE_EQ(c.magnitude_db[1], -2);
  EXPECT_DOUBLE_EQ(c.phase_deg[1], 20);
  EXPECT_DOUBLE_EQ(c.phase_deg[2], 0);
  try {
    (void)parse_frd("20 -1 0\n30 x\n", "bad.frd");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("bad.frd:2: ", 0), 0u) << e.what();
  }
}

// The measured output impedance as .zma, read back by the bench's own .zma reader (the one that loads
// headphone curves): every point, to the printed precision.
TEST(Exports, OutputImpedanceZmaReadsBackWithReadZma) {
  record::RunRecord report = sample_record();
  report.configurations[1].steps.push_back(step_record("impedance", impedance_result(log_axis()), 8.5, 8));
  const auto files = exports_of(report);
  EXPECT_EQ(files.size(), 14u);  // 12 response files plus one .zma per channel
  const ExportFile* zma = find_file(files, "exports/odd_swapped/left_output_impedance.zma");
  ASSERT_NE(zma, nullptr);
  EXPECT_EQ(zma->text.rfind("* ", 0), 0u);
  const fs::path file = scratch() / "left_output_impedance.zma";
  spit(file, zma->text);
  const auto points = plan::read_zma(file);
  const record::ImpedanceCurve& side =
      std::get<record::ImpedanceResult>(*report.configurations[1].steps.back().result).channels[0];
  const auto& f = side.frequency_hz;
  const auto& z = side.impedance_ohm;
  const auto& p = side.phase_deg;
  ASSERT_EQ(points.size(), f.size());
  for (std::size_t i = 0; i < f.size(); ++i) {
    EXPECT_NEAR(points[i].frequency_hz, f[i], 1e-6);
    EXPECT_NEAR(points[i].magnitude_ohm, z[i], 1e-6);
    EXPECT_NEAR(points[i].phase_deg, p[i], 1e-6);
  }
  // A port measured on its own exports under its name.
  auto& impedance = std::get<record::ImpedanceResult>(*report.configurations[1].steps.back().result);
  impedance.ports.push_back({"headphone_out", impedance.channels, 10});
  const auto with_port = exports_of(report);
  EXPECT_EQ(with_port.size(), 16u);
  ASSERT_NE(find_file(with_port, "exports/odd_swapped/headphone_out_right_output_impedance.zma"), nullptr);
  spit(file, find_file(with_port, "exports/odd_swapped/headphone_out_right_output_impedance.zma")->text);
  EXPECT_EQ(plan::read_zma(file).size(), f.size());
  // No impedance measured: no .zma.
  for (const auto& e : exports_of(sample_record())) EXPECT_NE(e.relative.extension(), ".zma") << e.relative;
}

}  // namespace
}  // namespace bench::report::test
