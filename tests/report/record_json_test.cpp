// report.json (bench.report/2): a record comes back field by field, numbers bit for bit, NaN and infinities
// as null; bench.report/1 is refused with the way to convert it, and read_prior_run still reads what
// `bench reanalyze` needs of it; read_record names the file, the place and the fix in one line; same_check
// compares every field but the step. (The schema itself: schema_test.cpp.)
#include "bench/report/record_json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/core/version.hpp"
#include "bench/plan/catalogue.hpp"
#include "bench/report/schema.hpp"
#include "record_equality.hpp"
#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

// ---- round trip ----

TEST(RecordJson, TheFullRecordComesBackFieldByField) {
  const record::RunRecord r = full_record();
  const std::string text = document_of(r).dump(2);
  const record::RunRecord back = record_from_json(json::parse(text), "report.json");
  const auto d = differences(r, back);
  EXPECT_TRUE(d.empty()) << d.size() << " differences:\n" << joined(d);
  // The equality above sees a difference where there is one.
  record::RunRecord changed = back;
  std::get<record::SweepsResult>(*changed.configurations[0].steps[1].result).channels[0]->phase_deg[2] =
      0.0;  // was -0.0
  changed.configurations[1].checks[2].value = std::nextafter(-99.0, 0.0);
  EXPECT_EQ(differences(r, changed).size(), 2u) << joined(differences(r, changed));
}

// A record from before the imd step and the band settings: it validates and reads with the imd defaults,
// THD+N and noise in 20 Hz to 20 kHz unweighted (all there was) and no CCIR-RMS noise (not measured).
TEST(RecordJson, ARecordFromBeforeTheImdStepAndTheBandSettingsReadsAsOfItsTime) {
  record::RunRecord r = full_record();
  r.settings.bandwidth_hz = 80000;
  json doc = document_of(r);
  // A record of that time ran no dynamic_range step either (it came after both).
  const auto drop_dynamic_range = [](json& steps) {
    json kept = json::array();
    for (auto& s : steps)
      if (s["kind"] != "dynamic_range") kept.push_back(s);
    steps = kept;
  };
  drop_dynamic_range(doc["steps"]);
  for (auto& c : doc["configurations"]) drop_dynamic_range(c["steps"]);
  for (const char* key : {"imd_standards", "imd_level_dbfs", "imd_duration_s", "bandwidth_hz",
                          "thd_n_weighting", "dynamic_range_duration_s"}) {
    ASSERT_TRUE(doc["settings"].contains(key)) << key;
    doc["settings"].erase(key);
  }
  bool had_noise = false;
  for (auto& c : doc["configurations"])
    for (auto& s : c["steps"]) {
      // A configuration's steps carry no settings (the plan's steps do, below); only results are patched.
      if (!s.contains("result") || !s["result"].is_object()) continue;
      s["result"].erase("bandwidth_hz"), s["result"].erase("weighting");
      if (s["kind"] == "noise" && s["result"].contains("left"))
        s["result"]["left"].erase("noise_dbv_ccir_rms"), had_noise = true;
    }
  for (auto& s : doc["steps"]) s["settings"].erase("bandwidth_hz"), s["settings"].erase("thd_n_weighting");
  ASSERT_TRUE(had_noise) << "the full record has no noise result to read";
  const record::RunRecord old = record_from_json(doc, "report.json");
  EXPECT_EQ(old.settings.imd_standards, (std::vector<std::string>{"smpte", "ccif"}));
  EXPECT_EQ(old.settings.imd_level_dbfs, -6);
  EXPECT_EQ(old.settings.imd_duration_s, 0.5);
  EXPECT_EQ(old.settings.dynamic_range_duration_s, 1);
  EXPECT_EQ(old.settings.bandwidth_hz, 20000);
  EXPECT_EQ(old.settings.thd_n_weighting, "none");
  for (const auto& c : old.configurations)
    if (const auto* n = c.result<record::NoiseResult>(); n && n->channels[0]) {
      EXPECT_TRUE(std::isnan(n->channels[0]->noise_dbv_ccir_rms));
      EXPECT_EQ(n->bandwidth_hz, 20000);
    }
}

// Before settings.max_output_search existed every maximum output was searched stepped: a record of that
// time, without the key, reads as stepped (run and step), and one that gives it keeps its own.
TEST(RecordJson, ARecordFromBeforeTheBurstSearchReadsAsStepped) {
  record::RunRecord r = full_record();
  r.settings.max_output_search = "bursts";
  for (auto& s : r.steps) s.settings.max_output_search = "bursts";
  json doc = document_of(r);
  EXPECT_EQ(record_from_json(doc, "report.json").settings.max_output_search, "bursts");
  doc["settings"].erase("max_output_search");
  bool had_step = false;
  for (auto& s : doc["steps"])
    if (s["kind"] == "max_output") s["settings"].erase("max_output_search"), had_step = true;
  ASSERT_TRUE(had_step) << "the full record has no max_output step to read";
  const record::RunRecord old = record_from_json(doc, "report.json");
  EXPECT_EQ(old.settings.max_output_search, "stepped");
  for (const auto& s : old.steps) {
    if (s.kind == "max_output") {
      EXPECT_EQ(s.settings.max_output_search, "stepped");
    }
  }
}

TEST(RecordJson, TheSampleRecordComesBackAndAnEmptyOneToo) {
  for (const record::RunRecord& r : {sample_record(), record::RunRecord{}}) {
    const auto d = differences(r, through_report_json(r));
    EXPECT_TRUE(d.empty()) << joined(d);
  }
}

TEST(RecordJson, NonFiniteNumbersAreNullAndReadBackAsNaNOrNoValue) {
  record::RunRecord r = sample_record();
  auto& sweep = *std::get<record::SweepsResult>(*r.configurations[0].steps[1].result).channels[0];
  sweep.magnitude_db[0] = std::numeric_limits<double>::infinity();
  sweep.magnitude_db[1] = -std::numeric_limits<double>::infinity();
  sweep.magnitude_db[2] = record::kNaN;
  std::get<record::MaxOutputResult>(*r.configurations[0].steps[5].result).loads[0].max_output_vrms[1] =
      record::kNaN;
  r.loads.push_back({"open", "Open", "profiles/loads/open.toml", plan::Load::Kind::kOpen, std::nullopt, 0});
  const json doc = document_of(r);
  const json& magnitude = doc["configurations"][0]["steps"][1]["result"]["left"]["magnitude_db"];
  EXPECT_TRUE(magnitude[0].is_null() && magnitude[1].is_null() && magnitude[2].is_null())
      << magnitude.dump().substr(0, 80);
  EXPECT_TRUE(doc["profiles"]["loads"][1]["nominal_ohm"].is_null());
  EXPECT_TRUE(doc["configurations"][0]["checks"][5]["value"].is_null());  // crosstalk_db: not measured
  const record::RunRecord back = through_report_json(r);
  const auto& read =
      std::get<record::SweepsResult>(*back.configurations[0].steps[1].result).channels[0]->magnitude_db;
  EXPECT_TRUE(std::isnan(read[0]) && std::isnan(read[1]) && std::isnan(read[2]));
  EXPECT_FALSE(back.loads[1].nominal_ohm.has_value());
  // A check that could not be measured holds no value, and reads back so.
  EXPECT_TRUE(std::holds_alternative<std::monostate>(back.configurations[0].checks[5].value));
  // A word check without a word reads back as no value, not as a number.
  record::RunRecord words = sample_record();
  words.configurations[0].checks[0].value = std::monostate{};
  EXPECT_TRUE(
      std::holds_alternative<std::monostate>(through_report_json(words).configurations[0].checks[0].value));
}

// ---- reading files ----

TEST(ReadRecord, RefusesMissingMalformedAndInvalidFilesInOneLineNamingThem) {
  const fs::path dir = scratch();
  const std::string file = (dir / "report.json").string();
  auto message = [&] { return message_of([&] { (void)read_record(dir); }); };
  EXPECT_EQ(message(),
            file + ": no such file: give the run directory of a `bench run` (it holds report.json)");
  spit(dir / "report.json", "{\"schema\": \"bench.report/2\", \"configurations\": [");
  EXPECT_EQ(message().rfind(file + ": not valid JSON (", 0), 0u) << message();
  EXPECT_NE(message().find("): restore it from the run or run the plan again"), std::string::npos)
      << message();
  spit(dir / "report.json", "{\"schema\": \"bench.analysis/1\"}");
  EXPECT_EQ(message(), file +
                           ": not a bench report (\"schema\": \"bench.report/2\" expected, found "
                           "\"bench.analysis/1\"): give the run "
                           "directory of a `bench run`");
  spit(dir / "report.json", "{\"schema\": \"bench.report/3\"}");
  EXPECT_EQ(message(), file + ": a bench.report/3 record, which bench " + std::string(kVersion) +
                           " (bench.report/2) does not read: use the bench "
                           "that wrote it");
  json doc = document_of(sample_record());
  doc["seed"] = -1;  // the schema cannot bound a uint64; the reader refuses the sign
  spit(dir / "report.json", doc.dump());
  EXPECT_EQ(message(), file +
                           ": /seed: a whole number from 0 to 18446744073709551615 expected (the value is "
                           "-1) (bench.report/2 schema): restore it "
                           "from the run or run the plan again");
  doc = document_of(sample_record());
  doc["configurations"][2]["outcome"] = "broken";
  spit(dir / "report.json", doc.dump());
  EXPECT_EQ(message(), file +
                           ": /configurations/2/outcome: Failed to match against any enum values (the value "
                           "is \"broken\") (bench.report/2 "
                           "schema): restore it from the run or run the plan again");
  doc = document_of(sample_record());
  doc.erase("seed");
  spit(dir / "report.json", doc.dump());
  EXPECT_EQ(message().rfind(file + ": the document: Missing required property 'seed'", 0), 0u) << message();
  for (const std::string& m : {message()}) EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  write_report(dir, sample_record());
  EXPECT_NO_THROW((void)read_record(dir));
}

// A bench.report/1 document as bench 0.1 wrote it (/tmp/base_reports/demo/report.json), cut down to
// what read_prior_run reads and a little more.
json first_layout_document() {
  auto check = [](const std::string& name, json value, const std::string& unit, json limit,
                  const std::string& outcome, const std::string& why) {
    return json{{"name", name},   {"value", value},     {"unit", unit},
                {"limit", limit}, {"outcome", outcome}, {"explanation", why}};
  };
  json c1 = check("clock_drift_ppm", 8.97171226199589e-06, "ppm", nullptr, "info",
                  "the ADC's clock matches the interface's");
  json c2 = check("channel_map", "L->L, R->R", "", {{"expected", "L->L, R->R"}}, "pass",
                  "each output arrives on its own channel");
  json c3 = check("level_dbv", 9.561341919594867, "dBV",
                  {{"expected", 9.561267850821604}, {"tolerance", 1.0}}, "pass", "as expected (0.00 dB)");
  c3["channel"] = "left";
  c3["level_dbfs"] = -10.0;
  json c4 = check("max_output_vrms", 7.921812293664309, "Vrms", {{"min", 1.0}}, "pass", "7.92 Vrms");
  c4["channel"] = "right";
  c4["load"] = "r32";
  json c5 = check("noise_dbv_a", nullptr, "dBV(A)", {{"max", -90.0}}, "error",
                  "not measured: the reference ADC clipped");
  return {
      {"schema", "bench.report/1"},
      {"bench_version", "0.1.0"},
      {"created_utc", "2026-12-02T02:48:51Z"},
      {"backend", "sim"},
      {"seed", 42},
      {"plan", {{"id", "demo"}, {"name", "Demo"}, {"file", "profiles/plans/demo.toml"}}},
      {"settings", {{"sample_rate_hz", 48000.0}, {"sweep", {{"f1_hz", 10.0}}}}},
      {"outcome", "error"},
      {"configurations", json::array({{{"fixture", {{"id", "line_trs_to_amp_trs"}, {"name", "Line out TRS"}}},
                                       {"outcome", "pass"},
                                       {"errors", json::array()},
                                       {"checks", json::array({c1, c2, c3, c4})},
                                       {"measurements", {{"clock", {{"drift_ppm", 8.97171226199589e-06}}}}},
                                       {"captures", json::array()}},
                                      {{"fixture", "hp_to_amp_stereo"},
                                       {"outcome", "error"},
                                       {"errors", json::array({"device gone"})},
                                       {"checks", json::array({c5})}}})}};
}

TEST(ReadRecord, AFirstLayoutRecordIsRefusedWithHowToConvertIt) {
  const fs::path dir = scratch();
  spit(dir / "report.json", first_layout_document().dump(2));
  const std::string file = (dir / "report.json").string();
  EXPECT_EQ(message_of([&] { (void)read_record(dir); }),
            file +
                ": a bench.report/1 record (written by bench 0.1): convert it with `bench reanalyze "
                "RUN_DIR`, which measures its captures again "
                "into a bench.report/2 record");
  EXPECT_EQ(message_of([&] {
              (void)record_from_json(first_layout_document(), "old.json");
            }).rfind("old.json: a bench.report/1 record", 0),
            0u);
}

TEST(ReadPriorRun, ReadsWhatReanalyzeNeedsOfAFirstLayoutRecord) {
  const fs::path dir = scratch();
  spit(dir / "report.json", first_layout_document().dump(2));
  const PriorRun prior = read_prior_run(dir);
  EXPECT_EQ(prior.schema, "bench.report/1");
  EXPECT_EQ(prior.plan_file, "profiles/plans/demo.toml");
  EXPECT_EQ(prior.seed, 42u);
  EXPECT_EQ(prior.fixture_ids, (std::vector<std::string>{"line_trs_to_amp_trs", "hp_to_amp_stereo"}));
  EXPECT_TRUE(prior.step_ids.empty());
  ASSERT_EQ(prior.checks.size(), 2u);
  ASSERT_EQ(prior.checks[0].size(), 4u);
  const record::Check& drift = prior.checks[0][0];
  EXPECT_EQ(drift.name, "clock_drift_ppm");
  EXPECT_EQ(std::get<double>(drift.value), 8.97171226199589e-06);
  EXPECT_TRUE(drift.limit.empty());
  EXPECT_EQ(drift.outcome, Outcome::kInfo);
  EXPECT_EQ(drift.step, "");
  EXPECT_EQ(std::get<std::string>(prior.checks[0][1].value), "L->L, R->R");
  EXPECT_EQ(std::get<std::string>(prior.checks[0][1].limit.expected), "L->L, R->R");
  const record::Check& level = prior.checks[0][2];
  EXPECT_EQ(std::get<double>(level.limit.expected), 9.561267850821604);
  EXPECT_EQ(level.limit.tolerance, 1.0);
  EXPECT_EQ(level.channel, "left");
  EXPECT_EQ(level.level_dbfs, -10.0);
  EXPECT_EQ(prior.checks[0][3].load, "r32");
  EXPECT_EQ(prior.checks[0][3].limit.min, 1.0);
  const record::Check& noise = prior.checks[1][0];
  EXPECT_TRUE(std::holds_alternative<std::monostate>(noise.value));
  EXPECT_EQ(noise.outcome, Outcome::kError);
  EXPECT_EQ(noise.unit, "dBV(A)");
  // A check read back from the /1 record is the same as the check a re-analysis makes again.
  record::Check again = level;
  again.step = "level";
  EXPECT_TRUE(same_check(level, again));

  json bad = first_layout_document();
  bad["plan"].erase("file");
  spit(dir / "report.json", bad.dump());
  EXPECT_EQ(message_of([&] { (void)read_prior_run(dir); }),
            (dir / "report.json").string() +
                ": key 'plan.file' is missing or not a string (a bench.report/1 record): restore it from the "
                "run or run "
                "the plan again");
  bad = first_layout_document();
  bad["configurations"][1].erase("fixture");
  spit(dir / "report.json", bad.dump());
  EXPECT_NE(message_of([&] { (void)read_prior_run(dir); }).find("configurations[1].fixture.id"),
            std::string::npos);
}

TEST(ReadPriorRun, ReadsASecondLayoutRecordAsReadRecordDoes) {
  const fs::path dir = scratch();
  const record::RunRecord r = full_record();
  write_report(dir, r);
  const PriorRun prior = read_prior_run(dir);
  EXPECT_EQ(prior.schema, "bench.report/2");
  EXPECT_EQ(prior.plan_file, "profiles/plans/sample.toml");
  EXPECT_EQ(prior.seed, r.seed);
  EXPECT_EQ(prior.fixture_ids, (std::vector<std::string>{"good", "odd/swapped", "broken"}));
  ASSERT_EQ(prior.step_ids.size(), r.steps.size());
  EXPECT_EQ(prior.step_ids.front(), "clock");
  ASSERT_EQ(prior.checks.size(), 3u);
  for (std::size_t c = 0; c < 3; ++c) {
    ASSERT_EQ(prior.checks[c].size(), r.configurations[c].checks.size());
    for (std::size_t k = 0; k < prior.checks[c].size(); ++k)
      EXPECT_TRUE(same_check(prior.checks[c][k], r.configurations[c].checks[k])) << c << " " << k;
  }
  // An invalid /2 record is refused as read_record refuses it.
  json doc = document_of(r);
  doc["configurations"][0]["checks"][0]["step"] = 3;
  spit(dir / "report.json", doc.dump());
  EXPECT_NE(message_of([&] { (void)read_prior_run(dir); }).find("/configurations/0/checks/0/step"),
            std::string::npos);
}

TEST(SameCheck, ComparesEveryFieldButTheStepBitForBit) {
  const record::Check a = make_check("level_dbv", "level", 9.5, limit_tolerance(9.56, 1.0), Outcome::kPass,
                                     "as expected", "left", "r300", -10.0);
  record::Check b = a;
  b.step = "";
  EXPECT_TRUE(same_check(a, b));
  const std::vector<std::function<void(record::Check&)>> changes = {
      [](record::Check& k) { k.name = "gain_db"; },
      [](record::Check& k) { k.value = std::nextafter(9.5, 10.0); },
      [](record::Check& k) { k.value = std::string("9.5"); },
      [](record::Check& k) { k.value = -0.0; },
      [](record::Check& k) { k.unit = "dB"; },
      [](record::Check& k) { k.limit.tolerance = 1.5; },
      [](record::Check& k) { k.limit.expected = std::nextafter(9.56, 0.0); },
      [](record::Check& k) { k.limit.min = 0.0; },
      [](record::Check& k) { k.limit.max.reset(), k.limit.tolerance.reset(); },
      [](record::Check& k) { k.outcome = Outcome::kFail; },
      [](record::Check& k) { k.explanation += "."; },
      [](record::Check& k) { k.channel = "right"; },
      [](record::Check& k) { k.load.reset(); },
      [](record::Check& k) { k.level_dbfs = -20.0; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    record::Check c = a;
    changes[i](c);
    EXPECT_FALSE(same_check(a, c)) << "change " << i;
  }
  // What report.json holds as null is the same however it was made: NaN of either sign, infinities.
  record::Check nan1 = a, nan2 = a;
  nan1.value = std::numeric_limits<double>::quiet_NaN();
  nan2.value = -std::numeric_limits<double>::infinity();
  EXPECT_TRUE(same_check(nan1, nan2));
  nan2.value = 0.0;
  EXPECT_FALSE(same_check(nan1, nan2));
}

TEST(ProgressWriter, WritesTheRecordToJsonMakesAfterEveryConfiguration) {
  // Each configuration is serialised once and spliced in: the document must still be to_json's, and
  // valid, at every length.
  const fs::path dir = scratch();
  const record::RunRecord full = full_record();
  ASSERT_GE(full.configurations.size(), 3u);
  ProgressWriter writer(dir);
  for (std::size_t n = 0; n <= full.configurations.size(); ++n) {
    record::RunRecord r = full;
    r.configurations.resize(n);
    writer.write(r);
    const json written = json::parse(slurp(dir / "report.json"));
    EXPECT_EQ(written, to_json(r)) << n << " configurations";
    EXPECT_TRUE(schema_errors(written).empty()) << n << " configurations";
  }
}

}  // namespace
}  // namespace bench::report::test
