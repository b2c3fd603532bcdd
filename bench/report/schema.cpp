#include "bench/report/schema.hpp"

#include <memory>
#include <stdexcept>
#include <string_view>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace bench::report {
namespace {

const valijson::Schema& report_schema() {
  static const std::unique_ptr<const valijson::Schema> schema = [] {
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(schema_text());
    } catch (const nlohmann::json::exception& e) {
      throw std::logic_error(std::string("the embedded bench.report.schema.json is not valid JSON: ") +
                             e.what());
    }
    auto parsed = std::make_unique<valijson::Schema>();
    try {
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
      valijson::adapters::NlohmannJsonAdapter adapter(doc);
      parser.populateSchema(adapter, *parsed);
    } catch (const std::exception& e) {
      throw std::logic_error(
          std::string("the embedded bench.report.schema.json is not a schema valijson reads: ") + e.what());
    }
    return std::unique_ptr<const valijson::Schema>(std::move(parsed));
  }();
  return *schema;
}

// valijson names a place as "<root>", "[configurations]", "[0]", ...; a JSON pointer (RFC 6901) says the
// same.
std::string pointer_of(const std::vector<std::string>& context) {
  std::string p;
  for (const auto& part : context) {
    if (part.size() < 2 || part.front() != '[' || part.back() != ']') continue;  // "<root>"
    p += '/';
    for (const char c : std::string_view(part).substr(1, part.size() - 2)) {
      if (c == '~')
        p += "~0";
      else if (c == '/')
        p += "~1";
      else
        p += c;
    }
  }
  return p;
}

// valijson also reports each enclosing object and array a nested error passes through ("Failed to validate
// item #0 in array."); the nested error itself says what is wrong.
bool is_enclosing(std::string_view description) {
  for (const std::string_view prefix :
       {"Failed to validate against schema associated with property name", "Failed to validate item #",
        "Failed to validate against a conditional schema", "Failed to validate against child schema"})
    if (description.substr(0, prefix.size()) == prefix) return true;
  return false;
}

// The value at `pointer`, in one short line, for the message.
std::string value_at(const nlohmann::json& doc, const std::string& pointer) {
  try {
    const nlohmann::json& v = doc.at(nlohmann::json::json_pointer(pointer));
    if (v.is_object() || v.is_array()) return {};
    std::string text = v.dump();
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

}  // namespace

std::vector<std::string> schema_errors(const nlohmann::json& doc) {
  const valijson::Schema& schema = report_schema();
  valijson::Validator validator;
  valijson::ValidationResults results;
  const valijson::adapters::NlohmannJsonAdapter adapter(doc);
  if (validator.validate(schema, adapter, &results)) return {};
  std::vector<std::string> specific, enclosing;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    std::string description = e.description;
    while (!description.empty() && (description.back() == '.' || description.back() == ' '))
      description.pop_back();
    const std::string pointer = pointer_of(e.context);
    const std::string value = value_at(doc, pointer);
    std::string line = pointer + ": " + description;
    if (!value.empty()) line += " (the value is " + value + ")";
    (is_enclosing(e.description) ? enclosing : specific).push_back(std::move(line));
  }
  if (specific.empty()) return enclosing;
  specific.insert(specific.end(), enclosing.begin(), enclosing.end());
  return specific;
}

}  // namespace bench::report
