// The schema of report.json (bench/report/schema/bench.report.schema.json): every document the writer makes
// validates; it pins every key the writer writes (a renamed key anywhere is refused, and a deleted one is
// refused unless the writer really writes a record without it); its names are the catalogue's; the schema
// embedded in the program is the shipped file; errors name the place and the value.
#include "bench/report/schema.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/plan/catalogue.hpp"
#include "bench/plan/steps.hpp"
#include "record_equality.hpp"
#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

TEST(ReportSchema, EveryRecordTheTestsWriteIsValid) {
  for (const record::RunRecord& r : {sample_record(), full_record(), record::RunRecord{}}) {
    const auto errors = schema_errors(to_json(r));
    EXPECT_TRUE(errors.empty()) << joined(errors);
  }
  // A record as record::make_run_record makes it from a plan (its definitions, its default sequence).
  plan::Plan p;
  p.id = "p";
  p.settings.reference_load = "r300";
  p.settings.impedance_loads = {"open", "r33"};
  p.impedance_loads.resize(2);
  p.impedance_loads[0].kind = plan::Load::Kind::kOpen;
  p.impedance_loads[0].nominal_ohm = std::numeric_limits<double>::infinity();
  p.steps = plan::default_sequence(p);
  const record::RunRecord made =
      record::make_run_record(p, {}, std::string("stopped"), "sim", 7, "2025-01-01T00:00:00Z");
  EXPECT_EQ(made.steps.size(), plan::step_kinds().size());
  const auto errors = schema_errors(to_json(made));
  EXPECT_TRUE(errors.empty()) << joined(errors);
  EXPECT_TRUE(differences(made, through_report_json(made)).empty())
      << joined(differences(made, through_report_json(made)));
}

TEST(ReportSchema, IsTheShippedFile) {
  EXPECT_EQ(std::string(schema_text()),
            slurp(repo_root() / "bench" / "report" / "schema" / "bench.report.schema.json"));
  const json schema = json::parse(schema_text());
  EXPECT_EQ(schema["$schema"], "http://json-schema.org/draft-07/schema#");
  EXPECT_EQ(schema["properties"]["schema"]["const"], kReportSchema);
}

std::set<std::string> strings_of(const json& a) {
  std::set<std::string> s;
  for (const auto& x : a) s.insert(x.get<std::string>());
  return s;
}

TEST(ReportSchema, NamesEveryCheckKindAndSettingOfTheCatalogue) {
  const json defs = json::parse(schema_text())["definitions"];
  std::set<std::string> checks, kinds, settings;
  for (const auto& c : plan::checks()) checks.insert(std::string(c.name));
  for (const auto& k : plan::step_kinds()) kinds.insert(std::string(k.kind));
  for (const auto& s : plan::settings()) settings.insert(std::string(s.name));
  EXPECT_EQ(strings_of(defs["check_name"]["enum"]), checks);
  EXPECT_EQ(strings_of(defs["step_kind"]["enum"]), kinds);
  EXPECT_EQ(strings_of(defs["setting_name"]["enum"]), settings);
  std::set<std::string> run_settings = settings;
  run_settings.insert("adc_fullscale_vrms");
  EXPECT_EQ(strings_of(defs["run_settings"]["required"]), run_settings);
  // Each setting's type is its member's in MeasurementSettings.
  for (const auto& s : plan::settings()) {
    const std::string type = std::visit(
        [](auto field) -> std::string {
          using F = decltype(field);
          if constexpr (std::is_same_v<F, double plan::MeasurementSettings::*>)
            return "setting_number";
          else if constexpr (std::is_same_v<F, std::vector<double> plan::MeasurementSettings::*>)
            return "setting_numbers";
          else if constexpr (std::is_same_v<F, std::string plan::MeasurementSettings::*>)
            return "setting_string";
          else
            return "setting_strings";
        },
        s.field);
    EXPECT_EQ(defs["run_settings"]["properties"][std::string(s.name)]["$ref"], "#/definitions/" + type)
        << s.name;
  }
  // A step's settings are those its kind reads, and its result is checked by its kind's schema.
  std::set<std::string> planned, results;
  for (const auto& branch : defs["planned_step"]["allOf"])
    planned.insert(branch["if"]["properties"]["kind"]["const"].get<std::string>());
  for (const auto& branch : defs["step"]["allOf"]) {
    const std::string kind = branch["if"]["properties"]["kind"]["const"];
    results.insert(kind);
    EXPECT_EQ(branch["then"]["properties"]["result"]["then"]["$ref"], "#/definitions/" + kind + "_result");
  }
  EXPECT_EQ(planned, kinds);
  EXPECT_EQ(results, kinds);
  for (const auto& k : plan::step_kinds()) {
    std::set<std::string> reads;
    for (const auto name : k.settings) reads.insert(std::string(name));
    EXPECT_EQ(strings_of(defs["settings_" + std::string(k.kind)]["required"]), reads) << k.kind;
  }
}

// Every place of a document that holds a key: the object's pointer, the key, and the place's shape (array
// indices as "*", with the element's "kind" where it has one, so each step kind's result counts apart).
struct Place {
  std::string object, key, shape;
};

std::string pointer_token(const std::string& key) {
  std::string t;
  for (const char c : key)
    t += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  return t;
}

void places(const json& j, const std::string& pointer, const std::string& shape, std::set<std::string>& seen,
            std::vector<Place>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      const std::string here = shape + "/" + key;
      if (seen.insert(here).second) out.push_back({pointer, key, here});
      places(value, pointer + "/" + pointer_token(key), here, seen, out);
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      std::string element = shape + "/*";
      if (j[i].is_object() && j[i].contains("kind") && j[i]["kind"].is_string())
        element.append("[").append(j[i]["kind"].get<std::string>()).append("]");
      places(j[i], pointer + "/" + std::to_string(i), element, seen, out);
    }
  }
}

TEST(ReportSchema, PinsEveryKeyTheWriterWrites) {
  // One configuration holding every part of the full record (the others' shapes are its own), so each
  // key is mutated once and the test stays quick.
  record::RunRecord r = full_record();
  record::ConfigurationRecord& c = r.configurations[0];
  c.errors = r.configurations[2].errors;
  c.steps.push_back(r.configurations[2].steps.back());  // a step that could not measure: no result, an error
  r.configurations.resize(1);
  const json doc = document_of(r);
  std::set<std::string> seen;
  std::vector<Place> all;
  places(doc, "", "", seen, all);
  ASSERT_GT(all.size(), 300u);
  std::size_t refused_deletions = 0;
  std::vector<std::string> optional;
  for (const Place& p : all) {
    const json::json_pointer object(p.object);
    // Renamed: the schema knows no such key.
    json renamed = doc;
    json& o = renamed.at(object);
    o[p.key + "_x"] = o.at(p.key);
    o.erase(p.key);
    EXPECT_FALSE(schema_errors(renamed).empty())
        << "the schema accepts " << p.shape << " renamed to " << p.key << "_x";
    // Deleted: refused, unless a record without that field is written exactly so (an optional key).
    json deleted = doc;
    deleted.at(object).erase(p.key);
    if (!schema_errors(deleted).empty()) {
      ++refused_deletions;
      continue;
    }
    optional.push_back(p.shape);
    try {
      const json again = to_json(record_from_json(deleted, "report.json"));
      EXPECT_EQ(again, deleted) << "the schema accepts a document without " << p.shape
                                << ", but the writer never writes one";
    } catch (const InputError& e) {
      ADD_FAILURE() << "the schema accepts a document without " << p.shape
                    << " that cannot be read: " << e.what();
    }
  }
  EXPECT_GT(refused_deletions, 250u);
  // The optional keys are those the layout marks so: a check's qualifiers, a limit's forms, a step's error,
  // the channels of sweeps, crosstalk and noise, the clock's explanation, aborted, in_progress and
  // reanalysis_of.
  std::set<std::string> optional_keys;
  for (const auto& shape : optional) optional_keys.insert(shape.substr(shape.rfind('/') + 1));
  EXPECT_EQ(optional_keys, (std::set<std::string>{"aborted", "channel", "error", "expected", "explanation",
                                                  "in_progress", "left", "level_dbfs", "load", "max", "min",
                                                  "reanalysis_of", "right", "tolerance"}))
      << joined(optional, 100);
}

TEST(ReportSchema, ErrorsNameThePlaceAndTheValue) {
  json doc = document_of(sample_record());
  doc["configurations"][1]["checks"][0]["name"] = "channel_mop";
  doc["configurations"][0]["steps"][3]["result"].erase("level_dbv");
  const auto errors = schema_errors(doc);
  ASSERT_FALSE(errors.empty());
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  EXPECT_NE(all.find("/configurations/1/checks/0/name: "), std::string::npos) << all;
  EXPECT_NE(all.find("\"channel_mop\""), std::string::npos) << all;
  EXPECT_NE(all.find("/configurations/0/steps/3/result: Missing required property 'level_dbv'"),
            std::string::npos)
      << all;
  // The most specific errors come first, before the enclosing objects'.
  EXPECT_EQ(errors.front().find("Failed to validate"), std::string::npos) << errors.front();
}

}  // namespace
}  // namespace bench::report::test
