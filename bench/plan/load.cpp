#include "bench/plan/load.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/plan/steps.hpp"

namespace bench::plan {
namespace {

namespace fs = std::filesystem;
using Keys = std::vector<std::string_view>;

// message helpers

std::string format_number(double v) {
  std::ostringstream out;
  out.precision(10);
  out << v;
  return out.str();
}

std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

template <class Items>
std::string join(const Items& items, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// Every ConfigError of this file goes through here so that all of them have the same one-line shape:
// "<file>[:<line>]: [<table.key>: ]<what is wrong>: <the fix>".
[[noreturn]] void fail(const fs::path& file, std::uint32_t line, std::string_view key, std::string_view what,
                       std::string_view fix) {
  std::string message = file.string();
  if (line > 0) message += ":" + std::to_string(line);
  message += ": ";
  if (!key.empty()) message.append(key).append(": ");
  message.append(what).append(": ").append(fix);
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::replace(message.begin(), message.end(), '\r', ' ');
  throw ConfigError(message);
}

std::uint32_t line_of(const toml::node& node) {
  return node.source().begin.line;
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date or time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// Edits (insert, delete, substitute, swap two neighbours) that turn a into b.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// "did you mean "x"? " when one of the choices is a likely typo of `given`, or `given` without its unit
// suffix (sample_rate for sample_rate_hz).
std::string suggestion(std::string_view given, const Keys& choices) {
  std::string_view best;
  std::size_t best_distance = 3;
  for (const auto choice : choices) {
    const bool same_but_case =
        std::equal(given.begin(), given.end(), choice.begin(), choice.end(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        });
    if (same_but_case) return "did you mean " + in_quotes(choice) + "? ";
    const bool truncated = given.size() >= 4 && choice.starts_with(given);
    const std::size_t d = truncated ? 1 : edit_distance(given, choice);
    if (d < best_distance) {
      best_distance = d;
      best = choice;
    }
  }
  return best.empty() ? std::string() : "did you mean " + in_quotes(best) + "? ";
}

/// Allowed interval of a number; open ends exclude the bound.
struct Range {
  double lo;
  double hi;
  bool lo_open = false;
  bool hi_open = false;

  [[nodiscard]] bool contains(double v) const {
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
  [[nodiscard]] std::string text(std::string_view name) const {
    return "allowed range is " + format_number(lo) + (lo_open ? " < " : " <= ") + std::string(name) +
           (hi_open ? " < " : " <= ") + format_number(hi);
  }
};

constexpr Range closed(double lo, double hi) {
  return {lo, hi, false, false};
}
constexpr Range above(double lo, double hi) {
  return {lo, hi, true, false};
}

constexpr Range kSampleRateHz = closed(8000, 768000);
constexpr Range kDistortionDb = closed(-200, 0);
constexpr Range kNoiseDb = closed(-200, 0);
constexpr Range kLevelDbfs = closed(-150, 0);
constexpr Range kDurationS = above(0, 600);
constexpr Range kFullscaleVrms = above(0, 1000);

std::string leaf(std::string_view key) {
  const auto dot = key.rfind('.');
  return std::string(dot == std::string_view::npos ? key : key.substr(dot + 1));
}

// reading TOML tables with validation

toml::table parse_toml(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) fail(file, 0, "", "file not found", "check the path, or create the file");
  if (!fs::is_regular_file(file, ec))
    fail(file, 0, "", "not a regular file", "give the path of a .toml file");
  try {
    return toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    fail(file, e.source().begin.line, "",
         "TOML syntax error at column " + std::to_string(e.source().begin.column) + ": " +
             std::string(e.description()),
         "fix the TOML syntax (see https://toml.io)");
  }
}

/// One TOML table of one file, with its dotted path, the keys it may hold and typed, range-checked reads.
/// Unknown keys are rejected when the reader is made, so a misspelt key is reported as such rather than
/// as a missing one.
class Reader {
 public:
  Reader(fs::path file, const toml::table& table, std::string path, Keys allowed, Keys parent_allowed = {},
         std::string parent_path = {})
      : file_(std::move(file)), table_(&table), path_(std::move(path)), allowed_(std::move(allowed)) {
    for (auto&& [key, node] : *table_) {
      const std::string_view name = key.str();
      if (std::find(allowed_.begin(), allowed_.end(), name) != allowed_.end()) continue;
      const std::uint32_t where = key.source().begin.line > 0 ? key.source().begin.line : line_of(node);
      std::string fix;
      if (std::find(parent_allowed.begin(), parent_allowed.end(), name) != parent_allowed.end())
        fix = std::string(name) + " belongs in [" + parent_path + "]; ";
      fix += suggestion(name, allowed_);
      fix +=
          allowed_.empty() ? "this table takes no keys, remove it" : "allowed keys here: " + join(allowed_);
      fail(file_, where, key_path(name), "unknown key in " + table_name(), fix);
    }
  }

  [[nodiscard]] const fs::path& file() const { return file_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::uint32_t line() const { return line_of(*table_); }
  [[nodiscard]] std::string key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  [[nodiscard]] std::string table_name() const { return path_.empty() ? "the top level" : "[" + path_ + "]"; }

  /// The node at key, or nullptr. The key must be one of the allowed ones (a programming error otherwise).
  [[nodiscard]] const toml::node* find(std::string_view key) const {
    if (std::find(allowed_.begin(), allowed_.end(), key) == allowed_.end())
      throw std::logic_error("plan loader reads undeclared key " + key_path(key));
    return table_->get(key);
  }
  [[nodiscard]] bool has(std::string_view key) const { return find(key) != nullptr; }

  [[noreturn]] void fail_at(const toml::node* node, std::string_view key, std::string_view what,
                            std::string_view fix) const {
    fail(file_, node != nullptr && line_of(*node) > 0 ? line_of(*node) : line(), key_path(key), what, fix);
  }

  [[nodiscard]] const toml::node& required(std::string_view key, std::string_view example) const {
    const toml::node* node = find(key);
    if (node != nullptr) return *node;
    // A key put one table too deep (output_impedance_ohm in [amp.sim] rather than [amp]) gets named as such.
    for (auto&& [name, child] : *table_)
      if (const auto* t = child.as_table(); t != nullptr && t->contains(key))
        fail(file_, line(), key_path(key),
             "missing required key in " + table_name() + " (found in [" + key_path(name.str()) + "])",
             "move " + std::string(key) + " from [" + key_path(name.str()) + "] to " + table_name());
    fail(file_, line(), key_path(key), "missing required key in " + table_name(),
         "add " + std::string(key) + " = " + std::string(example));
  }

  // Numbers: TOML integers and floats are both accepted; the range is checked (NaN never passes).
  [[nodiscard]] double number_value(const toml::node& node, std::string_view key, const Range& range) const {
    double v = 0;
    if (const auto* i = node.as_integer())
      v = static_cast<double>(i->get());
    else if (const auto* f = node.as_floating_point())
      v = f->get();
    else
      fail_at(&node, key, "expected a number, found " + type_name(node), "write a number such as 1 or 0.5");
    if (!range.contains(v)) fail_at(&node, key, format_number(v) + " is out of range", range.text(leaf(key)));
    return v;
  }
  [[nodiscard]] double number(std::string_view key, const Range& range, std::string_view example) const {
    return number_value(required(key, example), key, range);
  }
  [[nodiscard]] double number_or(std::string_view key, double fallback, const Range& range) const {
    const toml::node* node = find(key);
    return node == nullptr ? fallback : number_value(*node, key, range);
  }
  [[nodiscard]] std::optional<double> optional_number(std::string_view key, const Range& range) const {
    const toml::node* node = find(key);
    if (node == nullptr) return std::nullopt;
    return number_value(*node, key, range);
  }

  [[nodiscard]] std::int64_t integer_value(const toml::node& node, std::string_view key, std::int64_t lo,
                                           std::int64_t hi) const {
    const auto* i = node.as_integer();
    if (i == nullptr)
      fail_at(&node, key, "expected an integer, found " + type_name(node), "write a whole number such as 2");
    const std::int64_t v = i->get();
    if (v < lo || v > hi)
      fail_at(&node, key, std::to_string(v) + " is out of range",
              "allowed range is " + std::to_string(lo) + " <= " + leaf(key) + " <= " + std::to_string(hi));
    return v;
  }
  [[nodiscard]] int integer(std::string_view key, int lo, int hi, std::string_view example) const {
    return static_cast<int>(integer_value(required(key, example), key, lo, hi));
  }
  [[nodiscard]] std::optional<std::int64_t> optional_integer(std::string_view key, std::int64_t lo,
                                                             std::int64_t hi) const {
    const toml::node* node = find(key);
    if (node == nullptr) return std::nullopt;
    return integer_value(*node, key, lo, hi);
  }

  [[nodiscard]] bool boolean_value(const toml::node& node, std::string_view key) const {
    const auto* b = node.as_boolean();
    if (b == nullptr)
      fail_at(&node, key, "expected a boolean, found " + type_name(node), "write true or false");
    return b->get();
  }
  [[nodiscard]] bool boolean(std::string_view key) const {
    return boolean_value(required(key, "true or false"), key);
  }
  [[nodiscard]] bool boolean_or(std::string_view key, bool fallback) const {
    const toml::node* node = find(key);
    return node == nullptr ? fallback : boolean_value(*node, key);
  }

  [[nodiscard]] std::string string_value(const toml::node& node, std::string_view key) const {
    const auto* s = node.as_string();
    if (s == nullptr)
      fail_at(&node, key, "expected a string, found " + type_name(node), "write the text in double quotes");
    if (s->get().find_first_not_of(" \t") == std::string::npos)
      fail_at(&node, key, "is empty", "write a non-empty text");
    return s->get();
  }
  [[nodiscard]] std::string string(std::string_view key, std::string_view example = "\"...\"") const {
    return string_value(required(key, example), key);
  }
  [[nodiscard]] std::string string_or(std::string_view key, std::string fallback) const {
    const toml::node* node = find(key);
    return node == nullptr ? fallback : string_value(*node, key);
  }
  /// A string with the line it is on, for errors about what it refers to.
  [[nodiscard]] std::pair<std::string, std::uint32_t> located_string(std::string_view key) const {
    const toml::node& node = required(key, "\"...\"");
    return {string_value(node, key), line_of(node)};
  }

  /// Picks one of `choices` (TOML spelling, value) by the string at key.
  template <class T>
  [[nodiscard]] T choice_value(const toml::node& node, std::string_view key, std::string_view what,
                               const std::vector<std::pair<std::string, T>>& choices) const {
    const std::string given = string_value(node, key);
    Keys spellings;
    for (const auto& [spelling, value] : choices) {
      if (spelling == given) return value;
      spellings.push_back(spelling);
    }
    fail_at(&node, key, "unknown " + std::string(what) + " " + in_quotes(given),
            suggestion(given, spellings) + "use one of " + join(spellings));
  }
  template <class T>
  [[nodiscard]] T choice(std::string_view key, std::string_view what,
                         const std::vector<std::pair<std::string, T>>& choices) const {
    return choice_value(required(key, in_quotes(choices.front().first)), key, what, choices);
  }

  /// An array at key (required); each element goes through `read(node, "key[i]")`.
  template <class F>
  void each_element(std::string_view key, std::string_view example, F&& read) const {
    const toml::node& node = required(key, example);
    const auto* array = node.as_array();
    if (array == nullptr)
      fail_at(&node, key, "expected an array, found " + type_name(node),
              "write an array such as " + std::string(example));
    if (array->empty())
      fail_at(&node, key, "is empty", "give at least one element, e.g. " + std::string(example));
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      read(element, std::string(key) + "[" + std::to_string(i) + "]");
    }
  }
  [[nodiscard]] std::vector<double> numbers(std::string_view key, const Range& range,
                                            std::string_view example) const {
    std::vector<double> out;
    each_element(key, example, [&](const toml::node& n, const std::string& k) {
      out.push_back(number_value(n, k, range));
    });
    return out;
  }
  [[nodiscard]] std::vector<int> integers(std::string_view key, int lo, int hi,
                                          std::string_view example) const {
    std::vector<int> out;
    each_element(key, example, [&](const toml::node& n, const std::string& k) {
      out.push_back(static_cast<int>(integer_value(n, k, lo, hi)));
    });
    return out;
  }
  [[nodiscard]] std::vector<std::pair<std::string, std::uint32_t>> located_strings(
      std::string_view key, std::string_view example) const {
    std::vector<std::pair<std::string, std::uint32_t>> out;
    each_element(key, example, [&](const toml::node& n, const std::string& k) {
      out.emplace_back(string_value(n, k), line_of(n) > 0 ? line_of(n) : line());
    });
    return out;
  }

  [[nodiscard]] Reader table_value(const toml::node& node, std::string_view key, Keys allowed) const {
    const auto* t = node.as_table();
    if (t == nullptr)
      fail_at(&node, key, "expected a table, found " + type_name(node),
              "write it as a [" + key_path(key) + "] table");
    return Reader(file_, *t, key_path(key), std::move(allowed), allowed_,
                  path_.empty() ? "top level" : path_);
  }
  /// A required sub-table.
  [[nodiscard]] Reader table(std::string_view key, Keys allowed) const {
    const toml::node* node = find(key);
    if (node == nullptr)
      fail(file_, line(), key_path(key), "missing required table", "add a [" + key_path(key) + "] table");
    return table_value(*node, key, std::move(allowed));
  }
  [[nodiscard]] std::optional<Reader> optional_table(std::string_view key, Keys allowed) const {
    const toml::node* node = find(key);
    if (node == nullptr) return std::nullopt;
    return table_value(*node, key, std::move(allowed));
  }

  /// A required table of named tables ([ports.<name>], [inputs.<name>], [checks.<name>]), in file order.
  /// Names are restricted to letters, digits, '_' and '-' since other files refer to them.
  [[nodiscard]] std::vector<std::pair<std::string, Reader>> named_tables(std::string_view key,
                                                                         std::string_view example,
                                                                         const Keys& allowed) const {
    const toml::node* node = find(key);
    if (node == nullptr)
      fail(file_, line(), key_path(key), "missing required table",
           "add at least one [" + key_path(key) + "." + std::string(example) + "] table");
    const auto* t = node->as_table();
    if (t == nullptr)
      fail_at(node, key, "expected a table, found " + type_name(*node),
              "write [" + key_path(key) + ".<name>]");
    std::vector<std::pair<std::string, Reader>> out;
    for (auto&& [name, child] : *t) {
      const std::string full = key_path(key) + "." + std::string(name.str());
      const std::uint32_t where = name.source().begin.line > 0 ? name.source().begin.line : line_of(child);
      const bool plain = !name.str().empty() && std::all_of(name.str().begin(), name.str().end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
      });
      if (!plain)
        fail(file_, where, full, "invalid name " + in_quotes(name.str()),
             "use letters, digits, '_' and '-' only");
      const auto* child_table = child.as_table();
      if (child_table == nullptr)
        fail(file_, where, full, "expected a table, found " + type_name(child),
             "write it as a [" + full + "] table");
      out.emplace_back(std::string(name.str()), Reader(file_, *child_table, full, allowed));
    }
    if (out.empty())
      fail_at(node, key, "is empty",
              "add at least one [" + key_path(key) + "." + std::string(example) + "] table");
    return out;
  }

  /// A required array of tables ([[key]]), each element read with the allowed keys.
  [[nodiscard]] std::vector<Reader> table_array(std::string_view key, const Keys& allowed) const {
    const toml::node* node = find(key);
    if (node == nullptr)
      fail(file_, line(), key_path(key), "missing required array of tables",
           "add [[" + key_path(key) + "]] entries");
    const auto* array = node->as_array();
    if (array == nullptr || !array->is_array_of_tables())
      fail_at(node, key, "expected an array of tables, found " + type_name(*node),
              "write one [[" + key_path(key) + "]] table per entry");
    std::vector<Reader> out;
    for (std::size_t i = 0; i < array->size(); ++i)
      out.emplace_back(file_, *array->get(i)->as_table(), key_path(key) + "[" + std::to_string(i) + "]",
                       allowed);
    return out;
  }

 private:
  fs::path file_;
  const toml::table* table_;
  std::string path_;
  Keys allowed_;
};

// shared pieces

const std::vector<std::pair<std::string, Connector>>& connector_choices() {
  static const std::vector<std::pair<std::string, Connector>> choices = [] {
    std::vector<std::pair<std::string, Connector>> c;
    for (Connector k :
         {Connector::kTrs, Connector::kXlr, Connector::kTs, Connector::kRca, Connector::kStereoTrs})
      c.emplace_back(to_string(k), k);
    return c;
  }();
  return choices;
}

bool can_be_balanced(Connector c) {
  return c == Connector::kTrs || c == Connector::kXlr;
}

// A balanced signal needs a connector with hot, cold and ground.
void check_balanced_connector(const Reader& r, std::string_view connector_key, Connector c, bool balanced) {
  if (balanced && !can_be_balanced(c))
    r.fail_at(r.find(connector_key), "balanced",
              "balanced = true, but " + std::string(connector_key) + " = " + in_quotes(to_string(c)) +
                  " has no cold conductor",
              "set balanced = false, or use \"trs\" or \"xlr\"");
}

DeviceMatch read_match(const Reader& parent) {
  DeviceMatch match;
  const auto r = parent.optional_table("match", {"rtaudio_name_pattern", "usb_vendor_id", "usb_product_id"});
  if (!r) return match;
  match.rtaudio_name_pattern = r->string_or("rtaudio_name_pattern", "");
  if (!match.rtaudio_name_pattern.empty()) {
    try {
      const std::regex compiled(match.rtaudio_name_pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      r->fail_at(r->find("rtaudio_name_pattern"), "rtaudio_name_pattern",
                 "not a valid ECMAScript regular expression (" + std::string(e.what()) + ")",
                 "escape special characters such as ( ) [ ] with a backslash");
    }
  }
  if (const auto v = r->optional_integer("usb_vendor_id", 0, 0xFFFF))
    match.usb_vendor_id = static_cast<std::uint16_t>(*v);
  if (const auto v = r->optional_integer("usb_product_id", 0, 0xFFFF))
    match.usb_product_id = static_cast<std::uint16_t>(*v);
  return match;
}

Distortion read_distortion(const Reader& sim) {
  Distortion d;
  d.h2_db_at_fs = sim.number_or("h2_db_at_fs", d.h2_db_at_fs, kDistortionDb);
  d.h3_db_at_fs = sim.number_or("h3_db_at_fs", d.h3_db_at_fs, kDistortionDb);
  return d;
}

std::vector<double> read_sample_rates(const Reader& r) {
  std::vector<double> rates = r.numbers("sample_rates_hz", kSampleRateHz, "[44100, 48000]");
  for (std::size_t i = 1; i < rates.size(); ++i)
    if (std::count(rates.begin(), rates.end(), rates[i]) > 1)
      r.fail_at(r.find("sample_rates_hz"), "sample_rates_hz", format_number(rates[i]) + " is listed twice",
                "list each sample rate once");
  return rates;
}

// Relays switched on (1..8, each once; an empty array switches every relay off).
std::vector<int> read_relays(const Reader& r, std::string_view key) {
  const toml::node* node = r.find(key);
  const auto* array = node != nullptr ? node->as_array() : nullptr;
  if (array == nullptr)
    r.fail_at(node, key, "expected an array of relay numbers, found " + (node ? type_name(*node) : std::string("nothing")),
              "write the relays that are on, e.g. [1, 3], or [] for all off");
  std::vector<int> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string k = std::string(key) + "[" + std::to_string(i) + "]";
    const int relay = static_cast<int>(r.integer_value(*array->get(i), k, 1, 8));
    if (std::find(out.begin(), out.end(), relay) != out.end())
      r.fail_at(array->get(i), k, "relay " + std::to_string(relay) + " is listed twice", "list each relay once");
    out.push_back(relay);
  }
  return out;
}

// profiles

SourcePort read_port(const std::string& name, const Reader& r) {
  SourcePort port;
  port.name = name;
  port.connector = r.choice("connector", "connector", connector_choices());
  port.balanced = r.boolean("balanced");
  check_balanced_connector(r, "connector", port.connector, port.balanced);
  port.channels = r.integer("channels", 1, 8, "2");
  port.device_channels = r.integers("device_channels", 0, 255, "[0, 1]");
  const toml::node* channels_node = r.find("device_channels");
  if (static_cast<int>(port.device_channels.size()) != port.channels)
    r.fail_at(channels_node, "device_channels",
              "has " + std::to_string(port.device_channels.size()) +
                  " entries but channels = " + std::to_string(port.channels),
              "give one interface output channel (0-based) per port channel");
  for (std::size_t i = 1; i < port.device_channels.size(); ++i)
    if (std::count(port.device_channels.begin(), port.device_channels.end(), port.device_channels[i]) > 1)
      r.fail_at(channels_node, "device_channels",
                "device channel " + std::to_string(port.device_channels[i]) + " is listed twice",
                "give each port channel its own interface output channel");
  const Reader sim = r.table("sim", {"fullscale_vrms", "output_impedance_ohm", "volume_db", "noise_dbv",
                                     "h2_db_at_fs", "h3_db_at_fs"});
  port.fullscale_vrms = sim.number("fullscale_vrms", kFullscaleVrms, "4.9");
  port.output_impedance_ohm = sim.number("output_impedance_ohm", closed(0, 1e6), "100");
  port.volume_db = sim.number_or("volume_db", port.volume_db, closed(-120, 0));
  port.noise_dbv = sim.number_or("noise_dbv", port.noise_dbv, kNoiseDb);
  port.distortion = read_distortion(sim);
  return port;
}

AmpInput read_amp_input(const std::string& name, const Reader& r) {
  AmpInput input;
  input.name = name;
  input.connector = r.choice("connector", "connector", connector_choices());
  input.balanced = r.boolean("balanced");
  check_balanced_connector(r, "connector", input.connector, input.balanced);
  input.input_impedance_ohm = r.number("input_impedance_ohm", above(0, 1e9), "10000");
  return input;
}

// .zma

bool parse_double(std::string_view text, double& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

// plan

/// Where a plan's reference points: <root>/<folder>/<id>.toml, or a ConfigError naming the plan and key.
fs::path referenced_file(const Reader& plan, std::string_view key, std::uint32_t line, const std::string& id,
                         const fs::path& root, const fs::path& folder, std::string_view what) {
  const std::string key_path = plan.key_path(key);
  const std::string id_is = "the file name under " + folder.generic_string() + "/ without .toml";
  if (id.ends_with(".toml"))
    fail(plan.file(), line, key_path, in_quotes(id) + " ends in .toml",
         "write " + in_quotes(id.substr(0, id.size() - 5)) + " (" + id_is + ")");
  if (id.find("..") != std::string::npos || id.front() == '/' || id.find('\\') != std::string::npos)
    fail(plan.file(), line, key_path, in_quotes(id) + " is not a plain id", "write " + id_is);
  const fs::path file = root / folder / (id + ".toml");
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    fail(plan.file(), line, key_path,
         std::string(what) + " " + in_quotes(id) + " not found (looked for " + file.string() + ")",
         "create that file or correct the id");
  return file;
}

fs::path find_root(const fs::path& plan_file) {
  std::error_code ec;
  fs::path dir = fs::absolute(plan_file, ec).lexically_normal().parent_path();
  while (!dir.empty()) {
    if (fs::is_directory(dir / "profiles", ec) && fs::is_directory(dir / "fixtures", ec)) return dir;
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  fail(plan_file, 0, "", "no bench root above the plan (a directory holding both profiles/ and fixtures/)",
       "keep the plan under <root>/profiles/plans/ or pass the root explicitly");
}

// Sorted list of map keys, for "use one of" messages.
template <class Map>
std::string keys_of(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : map) keys.push_back(k);
  return join(keys);
}

void cross_validate_fixture(const Fixture& f, const InterfaceProfile& interface, const AmpProfile& amp) {
  // Re-read the fixture's lines for precise messages: a cheap second parse of a small file.
  const toml::table root = parse_toml(f.file);
  const auto line_for = [&](std::string_view key) -> std::uint32_t {
    const toml::node* n = root.at_path(std::string(key)).node();
    return n != nullptr ? line_of(*n) : 0;
  };
  const auto port = interface.ports.find(f.source_port);
  if (port == interface.ports.end())
    fail(f.file, line_for("fixture.source_port"), "fixture.source_port",
         "port " + in_quotes(f.source_port) + " is not in interface " + in_quotes(interface.id) + " (" +
             interface.file.string() + ")",
         "use one of " + keys_of(interface.ports));
  const auto input = amp.inputs.find(f.destination_input);
  if (input == amp.inputs.end())
    fail(f.file, line_for("fixture.destination_input"), "fixture.destination_input",
         "input " + in_quotes(f.destination_input) + " is not in amp " + in_quotes(amp.id) + " (" +
             amp.file.string() + ")",
         "use one of " + keys_of(amp.inputs));
  if (f.balanced && !(port->second.balanced && input->second.balanced))
    fail(f.file, line_for("fixture.balanced"), "fixture.balanced",
         "balanced = true, but port " + in_quotes(f.source_port) + " or input " +
             in_quotes(f.destination_input) + " is unbalanced",
         "set balanced = false and give the expected_level_change_db of the unbalanced run");
  for (std::size_t i = 0; i < f.wiring.size(); ++i)
    if (f.wiring[i].source_channel >= port->second.channels)
      fail(f.file, line_for("wiring[" + std::to_string(i) + "].source_channel"),
           "wiring[" + std::to_string(i) + "].source_channel",
           "port " + in_quotes(f.source_port) + " has only " + std::to_string(port->second.channels) +
               " channel(s)",
           "use \"left\" or \"none\"");
}

void cross_validate_settings(const Reader& settings, const MeasurementSettings& s,
                             const InterfaceProfile& interface, const AdcProfile& adc,
                             const std::vector<Load>& loads) {
  const auto supported = [&](const std::vector<double>& rates) {
    return std::find(rates.begin(), rates.end(), s.sample_rate_hz) != rates.end();
  };
  const std::string rate = format_number(s.sample_rate_hz);
  const toml::node* rate_node = settings.find("sample_rate_hz");
  const auto rates_text = [](const std::vector<double>& rates) {
    std::vector<std::string> t;
    for (double r : rates) t.push_back(format_number(r));
    return join(t);
  };
  if (!supported(interface.sample_rates_hz))
    settings.fail_at(rate_node, "sample_rate_hz",
                     rate + " Hz is not supported by interface " + in_quotes(interface.id),
                     "use one of " + rates_text(interface.sample_rates_hz));
  if (!supported(adc.sample_rates_hz))
    settings.fail_at(rate_node, "sample_rate_hz", rate + " Hz is not supported by ADC " + in_quotes(adc.id),
                     "use one of " + rates_text(adc.sample_rates_hz));
  const double nyquist_hz = s.sample_rate_hz / 2;
  if (s.sweep_f1_hz >= s.sweep_f2_hz)
    settings.fail_at(
        settings.find("sweep_f1_hz"), "sweep_f1_hz",
        format_number(s.sweep_f1_hz) + " is not below sweep_f2_hz = " + format_number(s.sweep_f2_hz),
        "make sweep_f1_hz < sweep_f2_hz");
  if (s.sweep_f2_hz > nyquist_hz)
    settings.fail_at(
        settings.find("sweep_f2_hz"), "sweep_f2_hz",
        format_number(s.sweep_f2_hz) + " Hz is above half the sample rate (" + format_number(nyquist_hz) +
            " Hz at sample_rate_hz = " + rate + ")",
        "lower sweep_f2_hz to at most " + format_number(nyquist_hz) + " or raise sample_rate_hz");
  if (s.tone_frequency_hz >= nyquist_hz)
    settings.fail_at(settings.find("tone_frequency_hz"), "tone_frequency_hz",
                     format_number(s.tone_frequency_hz) + " Hz is not below half the sample rate (" +
                         format_number(nyquist_hz) + " Hz)",
                     "lower tone_frequency_hz or raise sample_rate_hz");
  if (std::none_of(loads.begin(), loads.end(), [&](const Load& l) { return l.id == s.reference_load; })) {
    std::vector<std::string> ids;
    for (const Load& l : loads) ids.push_back(l.id);
    settings.fail_at(settings.find("reference_load"), "reference_load",
                     in_quotes(s.reference_load) + " is not one of the plan's loads",
                     "use one of " + join(ids) + ", or add it to plan.loads");
  }
  if (adc.channels < 2)
    fail(adc.file, 0, "adc.channels",
         "the bench records two destination channels (left, right) but the ADC has " +
             std::to_string(adc.channels),
         "use an ADC profile with at least 2 channels");
}

MeasurementSettings read_settings(const Reader& r) {
  MeasurementSettings s;
  s.sample_rate_hz = r.number_or("sample_rate_hz", s.sample_rate_hz, kSampleRateHz);
  s.test_level_dbfs = r.number_or("test_level_dbfs", s.test_level_dbfs, kLevelDbfs);
  if (r.has("thd_levels_dbfs")) s.thd_levels_dbfs = r.numbers("thd_levels_dbfs", kLevelDbfs, "[-1, -20]");
  s.sweep_f1_hz = r.number_or("sweep_f1_hz", s.sweep_f1_hz, above(0, 384000));
  s.sweep_f2_hz = r.number_or("sweep_f2_hz", s.sweep_f2_hz, above(0, 384000));
  s.sweep_duration_s = r.number_or("sweep_duration_s", s.sweep_duration_s, kDurationS);
  s.sweep_level_dbfs = r.number_or("sweep_level_dbfs", s.sweep_level_dbfs, kLevelDbfs);
  s.tone_frequency_hz = r.number_or("tone_frequency_hz", s.tone_frequency_hz, above(0, 384000));
  s.tone_duration_s = r.number_or("tone_duration_s", s.tone_duration_s, kDurationS);
  s.noise_duration_s = r.number_or("noise_duration_s", s.noise_duration_s, kDurationS);
  s.max_output_thd_n_percent =
      r.number_or("max_output_thd_n_percent", s.max_output_thd_n_percent, above(0, 100));
  s.max_output_start_dbfs = r.number_or("max_output_start_dbfs", s.max_output_start_dbfs, kLevelDbfs);
  s.max_output_step_db = r.number_or("max_output_step_db", s.max_output_step_db, above(0, 20));
  s.preroll_s = r.number_or("preroll_s", s.preroll_s, closed(0, 10));
  s.postroll_s = r.number_or("postroll_s", s.postroll_s, closed(0, 10));
  s.drift_tolerance_ppm = r.number_or("drift_tolerance_ppm", s.drift_tolerance_ppm, above(0, 10000));
  s.reference_load = r.string("reference_load", "\"r300\"");
  s.impedance_sweep_duration_s =
      r.number_or("impedance_sweep_duration_s", s.impedance_sweep_duration_s, closed(0.1, 60));
  return s;
}

const Keys kSettingsKeys = {"sample_rate_hz",
                            "test_level_dbfs",
                            "thd_levels_dbfs",
                            "sweep_f1_hz",
                            "sweep_f2_hz",
                            "sweep_duration_s",
                            "sweep_level_dbfs",
                            "tone_frequency_hz",
                            "tone_duration_s",
                            "noise_duration_s",
                            "max_output_thd_n_percent",
                            "max_output_start_dbfs",
                            "max_output_step_db",
                            "preroll_s",
                            "postroll_s",
                            "drift_tolerance_ppm",
                            "reference_load",
                            "impedance_loads",
                            "impedance_sweep_duration_s",
                            "impedance_ports"};

// Reads a list of ids and rejects duplicates.
std::vector<std::pair<std::string, std::uint32_t>> read_ids(const Reader& r, std::string_view key,
                                                            std::string_view example) {
  auto ids = r.located_strings(key, example);
  for (std::size_t i = 0; i < ids.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (ids[i].first == ids[j].first)
        fail(r.file(), ids[i].second, r.key_path(std::string(key) + "[" + std::to_string(i) + "]"),
             in_quotes(ids[i].first) + " is listed twice", "list each id once");
  return ids;
}

}  // namespace

const std::vector<std::string>& known_check_names() {
  static const std::vector<std::string> names = {"level_dbv",
                                                 "gain_db",
                                                 "channel_map",
                                                 "polarity",
                                                 "frequency_response_deviation_db",
                                                 "thd_db",
                                                 "thd_n_db",
                                                 "noise_dbv_a",
                                                 "snr_db",
                                                 "hum_dbv",
                                                 "crosstalk_db",
                                                 "channel_balance_db",
                                                 "max_output_vrms",
                                                 "output_impedance_ohm",
                                                 "loading_deviation_db",
                                                 "damping_factor",
                                                 "source_loading_db"};
  return names;
}

InterfaceProfile load_interface(const fs::path& file) {
  const toml::table root = parse_toml(file);
  const Reader top(file, root, "", {"interface", "ports"});
  InterfaceProfile p;
  p.id = file.stem().string();
  p.file = file;
  const Reader r = top.table("interface", {"name", "sample_rates_hz", "match"});
  p.name = r.string("name", "\"Focusrite Scarlett 2i2\"");
  p.sample_rates_hz = read_sample_rates(r);
  p.match = read_match(r);
  for (const auto& [name, port] :
       top.named_tables("ports", "line_out", {"connector", "balanced", "channels", "device_channels", "sim"}))
    p.ports.emplace(name, read_port(name, port));
  return p;
}

AmpProfile load_amp(const fs::path& file) {
  const toml::table root = parse_toml(file);
  const Reader top(file, root, "", {"amp", "inputs"});
  AmpProfile p;
  p.id = file.stem().string();
  p.file = file;
  const Reader r = top.table("amp", {"name", "gain_db", "output_impedance_ohm", "match", "sim"});
  p.name = r.string("name");
  p.gain_db = r.number("gain_db", closed(-60, 60), "6");
  p.output_impedance_ohm = r.number("output_impedance_ohm", closed(0, 10000), "2");
  p.match = read_match(r);
  if (const auto sim = r.optional_table(
          "sim", {"highpass_hz", "lowpass_hz", "rail_vpeak", "noise_dbv", "h2_db_at_fs", "h3_db_at_fs"})) {
    p.highpass_hz = sim->number_or("highpass_hz", p.highpass_hz, above(0, 1000));
    p.lowpass_hz = sim->number_or("lowpass_hz", p.lowpass_hz, closed(1000, 1e6));
    if (p.highpass_hz >= p.lowpass_hz)
      sim->fail_at(sim->find("highpass_hz"), "highpass_hz",
                   format_number(p.highpass_hz) +
                       " Hz is not below lowpass_hz = " + format_number(p.lowpass_hz) + " Hz",
                   "make highpass_hz < lowpass_hz");
    p.rail_vpeak = sim->number_or("rail_vpeak", p.rail_vpeak, above(0, 1000));
    p.noise_dbv = sim->number_or("noise_dbv", p.noise_dbv, kNoiseDb);
    p.distortion = read_distortion(*sim);
  }
  for (const auto& [name, input] :
       top.named_tables("inputs", "balanced_trs", {"connector", "balanced", "input_impedance_ohm"}))
    p.inputs.emplace(name, read_amp_input(name, input));
  return p;
}

AdcProfile load_adc(const fs::path& file) {
  const toml::table root = parse_toml(file);
  const Reader top(file, root, "", {"adc"});
  AdcProfile p;
  p.id = file.stem().string();
  p.file = file;
  const Reader r = top.table("adc", {"name", "channels", "sample_rates_hz", "fullscale_vrms",
                                     "input_impedance_ohm", "match", "sim"});
  p.name = r.string("name");
  p.channels = r.integer("channels", 1, 64, "2");
  p.sample_rates_hz = read_sample_rates(r);
  p.fullscale_vrms = r.number("fullscale_vrms", kFullscaleVrms, "20");
  p.input_impedance_ohm = r.number("input_impedance_ohm", above(0, 1e9), "100000");
  p.match = read_match(r);
  if (const auto sim =
          r.optional_table("sim", {"noise_dbfs", "h2_db_at_fs", "h3_db_at_fs", "clock_offset_ppm"})) {
    p.noise_dbfs = sim->number_or("noise_dbfs", p.noise_dbfs, kNoiseDb);
    p.distortion = read_distortion(*sim);
    p.clock_offset_ppm = sim->number_or("clock_offset_ppm", p.clock_offset_ppm, closed(-1000, 1000));
  }
  return p;
}

Load load_load(const fs::path& file) {
  const toml::table root = parse_toml(file);
  const Reader top(file, root, "", {"load"});
  Load load;
  load.id = file.stem().string();
  load.file = file;
  const Reader r =
      top.table("load", {"name", "kind", "resistance_ohm", "tolerance_percent", "impedance_file"});
  load.name = r.string("name");
  load.kind = r.choice<Load::Kind>("kind", "load kind",
                                   {{"resistor", Load::Kind::kResistor},
                                    {"headphone", Load::Kind::kHeadphone},
                                    {"open", Load::Kind::kOpen}});
  const auto only_for = [&](std::string_view key, std::string_view kind) {
    if (r.has(key))
      r.fail_at(r.find(key), key, std::string(key) + " is only for kind = " + in_quotes(kind),
                "remove it or change kind");
  };
  if (load.kind == Load::Kind::kOpen) {
    // Nothing connected: only the recorder's input loads the output.
    only_for("impedance_file", "headphone");
    only_for("resistance_ohm", "resistor");
    only_for("tolerance_percent", "resistor");
    load.tolerance_percent = 0;
    load.nominal_ohm = std::numeric_limits<double>::infinity();
    return load;
  }
  if (load.kind == Load::Kind::kResistor) {
    only_for("impedance_file", "headphone");
    load.resistance_ohm = r.number("resistance_ohm", above(0, 1e7), "32");
    load.tolerance_percent = r.number_or("tolerance_percent", load.tolerance_percent, closed(0, 100));
    load.nominal_ohm = load.resistance_ohm;
    return load;
  }
  only_for("resistance_ohm", "resistor");
  only_for("tolerance_percent", "resistor");
  const auto [name, line] = r.located_string("impedance_file");
  const fs::path zma = file.parent_path() / name;
  std::error_code ec;
  if (!fs::is_regular_file(zma, ec))
    fail(file, line, "load.impedance_file", "impedance file not found (looked for " + zma.string() + ")",
         "put the .zma beside the profile or correct the path (relative to the profile)");
  load.impedance = read_zma(zma);
  load.nominal_ohm = std::abs(load.impedance_at(1000));
  return load;
}

LimitSet load_limits(const fs::path& file) {
  const toml::table root = parse_toml(file);
  const Reader top(file, root, "", {"limits", "checks"});
  LimitSet set;
  set.id = file.stem().string();
  set.file = file;
  set.name = top.table("limits", {"name"}).string("name");
  // A check table present means the check is made. Checks without numbers (channel_map, polarity) take no
  // keys.
  const auto& known = known_check_names();
  const Keys known_keys(known.begin(), known.end());
  // Read every check table with the numeric keys first (unknown keys inside a table are reported at once),
  // then reject values on the two checks that take none.
  const toml::node* checks_node = top.find("checks");
  if (checks_node != nullptr && checks_node->is_table())
    for (auto&& [name, node] : *checks_node->as_table())
      if (std::find(known.begin(), known.end(), name.str()) == known.end())
        fail(file, name.source().begin.line, "checks." + std::string(name.str()), "unknown check",
             suggestion(name.str(), known_keys) + "use one of " + join(known));
  for (const auto& [name, r] : top.named_tables("checks", "thd_db", {"min", "max", "tolerance"})) {
    Limit limit;
    limit.min = r.optional_number("min", closed(-1e6, 1e6));
    limit.max = r.optional_number("max", closed(-1e6, 1e6));
    limit.tolerance = r.optional_number("tolerance", closed(0, 1e6));
    const bool takes_numbers = name != "channel_map" && name != "polarity";
    const bool has_numbers = limit.min || limit.max || limit.tolerance;
    if (!takes_numbers && has_numbers)
      fail(file, r.line(), r.path(), "this check takes no numbers (its presence means it is checked)",
           "leave [" + r.path() + "] empty");
    if (takes_numbers && !has_numbers)
      fail(file, r.line(), r.path(), "no limit given", "set min, max or tolerance, or remove the check");
    if (limit.min && limit.max && *limit.min > *limit.max)
      r.fail_at(r.find("min"), "min",
                "min = " + format_number(*limit.min) + " is above max = " + format_number(*limit.max),
                "make min <= max");
    set.limits.emplace(name, limit);
  }
  return set;
}

Fixture load_fixture(const fs::path& file) {
  const toml::table root = parse_toml(file);
  const Reader top(file, root, "", {"fixture", "wiring", "relays"});
  Fixture f;
  f.id = file.stem().string();
  f.file = file;
  const Reader r =
      top.table("fixture", {"name", "cable", "source_port", "source_connector", "destination_input",
                            "destination_connector", "balanced", "expected_level_change_db", "source_gain_db",
                            "ground_loop_hum_dbv", "mains_hz", "instruction", "conductors"});
  f.name = r.string("name");
  f.cable = r.string("cable", "\"2x TRS-TRS\"");
  f.source_port = r.string("source_port", "\"line_out\"");
  f.source_connector = r.choice("source_connector", "connector", connector_choices());
  f.destination_input = r.string("destination_input", "\"balanced_trs\"");
  f.destination_connector = r.choice("destination_connector", "connector", connector_choices());
  f.balanced = r.boolean("balanced");
  check_balanced_connector(r, "source_connector", f.source_connector, f.balanced);
  check_balanced_connector(r, "destination_connector", f.destination_connector, f.balanced);
  f.expected_level_change_db = r.number("expected_level_change_db", closed(-60, 60), "0");
  f.source_gain_db = r.number_or("source_gain_db", f.source_gain_db, closed(-60, 60));
  f.ground_loop_hum_dbv = r.optional_number("ground_loop_hum_dbv", kNoiseDb);
  f.mains_hz = r.number_or("mains_hz", f.mains_hz, above(0, 1000));
  if (f.mains_hz != 50 && f.mains_hz != 60)
    r.fail_at(r.find("mains_hz"), "mains_hz", format_number(f.mains_hz) + " is not a mains frequency",
              "use 50 or 60");
  f.instruction = r.string("instruction");
  if (r.has("conductors"))
    for (auto& item : r.located_strings("conductors", "[\"tip = hot\", \"ring = cold\"]"))
      f.conductors.push_back(std::move(item.first));

  if (const auto relays = top.optional_table("relays", {"settling_s", "path", "loads"})) {
    RelaySetting rs;
    rs.settling_s = relays->number_or("settling_s", rs.settling_s, closed(0, 10));
    if (relays->has("path")) rs.path = read_relays(*relays, "path");
    if (const toml::node* node = relays->find("loads")) {
      const auto* t = node->as_table();
      if (t == nullptr)
        relays->fail_at(node, "loads", "expected a table, found " + type_name(*node),
                        "write [relays.loads] with one entry per load, e.g. r33 = [1]");
      std::vector<std::string> names;
      for (auto&& [key, value] : *t) names.emplace_back(key.str());
      const Keys allowed(names.begin(), names.end());
      const Reader loads = relays->table("loads", allowed);
      for (const auto& name : names) rs.loads[name] = read_relays(loads, name);
    }
    f.relays = std::move(rs);
  }
  const auto wiring = top.table_array("wiring", {"source_channel", "inverted", "shorted"});
  if (wiring.size() != 2)
    top.fail_at(top.find("wiring"), "wiring",
                "has " + std::to_string(wiring.size()) + " entries, one per destination channel is needed",
                "give exactly two [[wiring]] tables, left then right");
  for (const Reader& w : wiring) {
    ChannelWiring c;
    c.source_channel =
        w.choice<int>("source_channel", "source channel", {{"left", 0}, {"right", 1}, {"none", -1}});
    c.inverted = w.boolean_or("inverted", false);
    c.shorted = w.boolean_or("shorted", false);
    if (c.source_channel < 0 && (c.inverted || c.shorted))
      w.fail_at(w.find(c.inverted ? "inverted" : "shorted"), c.inverted ? "inverted" : "shorted",
                "set on a channel with source_channel = \"none\"", "remove it or name the source channel");
    f.wiring.push_back(c);
  }
  return f;
}

std::vector<ImpedancePoint> read_zma(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    fail(file, 0, "", "file not found", "check the path, or create the file");
  std::ifstream in(file);
  if (!in) fail(file, 0, "", "cannot open the file", "check its permissions");
  std::vector<ImpedancePoint> points;
  std::string text;
  std::uint32_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    std::replace(text.begin(), text.end(), ',', ' ');
    std::replace(text.begin(), text.end(), '\t', ' ');
    if (!text.empty() && text.back() == '\r') text.pop_back();
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos || text[first] == '*' || text[first] == '#' || text[first] == ';')
      continue;
    std::istringstream fields(text);
    std::vector<std::string> words;
    for (std::string w; fields >> w;) words.push_back(w);
    ImpedancePoint p;
    if (words.size() != 3 || !parse_double(words[0], p.frequency_hz) ||
        !parse_double(words[1], p.magnitude_ohm) || !parse_double(words[2], p.phase_deg))
      fail(file, line, "",
           "cannot read " + in_quotes(text.substr(first)) + " as frequency, magnitude and phase",
           "write three numbers per line (Hz, ohm, degrees), or start a comment with * # or ;");
    if (p.frequency_hz <= 0)
      fail(file, line, "", "frequency " + format_number(p.frequency_hz) + " Hz is not positive",
           "frequencies must be above 0 Hz");
    if (p.magnitude_ohm <= 0)
      fail(file, line, "", "magnitude " + format_number(p.magnitude_ohm) + " ohm is not positive",
           "magnitudes must be above 0 ohm");
    if (std::abs(p.phase_deg) > 180)
      fail(file, line, "", "phase " + format_number(p.phase_deg) + " degrees is out of range",
           "phases must lie within -180..180 degrees");
    if (!points.empty() && p.frequency_hz <= points.back().frequency_hz)
      fail(file, line, "",
           "frequency " + format_number(p.frequency_hz) + " Hz does not ascend (previous " +
               format_number(points.back().frequency_hz) + " Hz)",
           "sort the points by strictly ascending frequency");
    points.push_back(p);
  }
  if (points.empty()) fail(file, 0, "", "no impedance points", "write at least one line: Hz ohm degrees");
  return points;
}

Plan load_plan(const fs::path& plan_file, const fs::path& root_dir) {
  const toml::table root = parse_toml(plan_file);
  const Reader top(plan_file, root, "", {"plan", "settings"});
  Plan plan;
  plan.id = plan_file.stem().string();
  plan.file = plan_file;
  const Reader r = top.table("plan", {"name", "interface", "amp", "adc", "limits", "loads", "fixtures"});
  plan.name = r.string("name");
  const auto interface_ref = r.located_string("interface");
  const auto amp_ref = r.located_string("amp");
  const auto adc_ref = r.located_string("adc");
  const auto limits_ref = r.located_string("limits");
  const auto load_refs = read_ids(r, "loads", "[\"r32\", \"r300\"]");
  const auto fixture_refs = read_ids(r, "fixtures", "[\"line_trs_to_amp_trs\"]");
  const Reader settings = top.table("settings", kSettingsKeys);
  plan.settings = read_settings(settings);

  const fs::path bench_root = root_dir.empty() ? find_root(plan_file) : root_dir;
  const auto profile = [&](std::string_view key, const std::pair<std::string, std::uint32_t>& ref,
                           std::string_view folder, std::string_view what) {
    return referenced_file(r, key, ref.second, ref.first, bench_root, fs::path("profiles") / folder, what);
  };
  plan.interface = load_interface(profile("interface", interface_ref, "interfaces", "interface profile"));
  plan.amp = load_amp(profile("amp", amp_ref, "amps", "amp profile"));
  plan.adc = load_adc(profile("adc", adc_ref, "adcs", "ADC profile"));
  plan.limits = load_limits(profile("limits", limits_ref, "limits", "limit set"));
  for (std::size_t i = 0; i < load_refs.size(); ++i) {
    const std::string key = "loads[" + std::to_string(i) + "]";
    plan.loads.push_back(load_load(profile(key, load_refs[i], "loads", "load profile")));
  }
  if (settings.has("impedance_loads")) {
    const auto refs = read_ids(settings, "impedance_loads", "[\"open\", \"r33\", \"r300\"]");
    for (std::size_t i = 0; i < refs.size(); ++i) {
      const std::string key = "impedance_loads[" + std::to_string(i) + "]";
      Load l = load_load(referenced_file(settings, key, refs[i].second, refs[i].first, bench_root,
                                         fs::path("profiles") / "loads", "load profile"));
      if (l.kind == Load::Kind::kHeadphone)
        fail(plan_file, refs[i].second, settings.key_path(key),
             in_quotes(l.id) + " is a headphone: the output impedance is solved from loads of exactly known impedance",
             "list resistors or an open load, e.g. [\"open\", \"r33\", \"r300\"]");
      plan.impedance_loads.push_back(std::move(l));
    }
    const toml::node* node = settings.find("impedance_loads");
    if (refs.size() < 2)
      settings.fail_at(node, "impedance_loads", "has one load; the output impedance needs two or more",
                       "add a second load of another impedance, e.g. [\"open\", \"r33\"]");
    const bool all_same = std::all_of(plan.impedance_loads.begin(), plan.impedance_loads.end(), [&](const Load& l) {
      return l.nominal_ohm == plan.impedance_loads.front().nominal_ohm;
    });
    if (all_same)
      settings.fail_at(node, "impedance_loads", "every load has the same impedance, which cannot separate the output impedance",
                       "use loads of clearly different impedance, e.g. [\"open\", \"r33\", \"r300\"]");
    for (const Load& l : plan.impedance_loads) plan.settings.impedance_loads.push_back(l.id);
  }
  if (settings.has("impedance_ports")) {
    if (plan.impedance_loads.empty())
      settings.fail_at(settings.find("impedance_ports"), "impedance_ports",
                       "ports are measured into settings.impedance_loads, which the plan does not give",
                       "add impedance_loads = [\"open\", \"r33\", \"r300\"] or remove impedance_ports");
    for (const auto& [port, line] : read_ids(settings, "impedance_ports", "[\"headphone_out\"]")) {
      if (!plan.interface.ports.contains(port))
        fail(plan_file, line, settings.key_path("impedance_ports"),
             "port " + in_quotes(port) + " is not in interface " + in_quotes(plan.interface.id) + " (" +
                 plan.interface.file.string() + ")",
             "use one of " + keys_of(plan.interface.ports));
      plan.settings.impedance_ports.push_back(port);
    }
  }
  for (std::size_t i = 0; i < fixture_refs.size(); ++i) {
    const std::string key = "fixtures[" + std::to_string(i) + "]";
    Fixture f = load_fixture(referenced_file(r, key, fixture_refs[i].second, fixture_refs[i].first,
                                             bench_root, "fixtures", "fixture"));
    f.id = fixture_refs[i].first;
    cross_validate_fixture(f, plan.interface, plan.amp);
    // A fixture serves many plans, so its relay map may name loads this plan does not use; each must
    // be a load profile, though, so a misspelt id is caught.
    if (f.relays)
      for (const auto& [load_id, on] : f.relays->loads) {
        std::error_code ec;
        const fs::path load_file = bench_root / "profiles" / "loads" / (load_id + ".toml");
        if (!fs::is_regular_file(load_file, ec)) {
          const toml::table fixture_root = parse_toml(f.file);
          const toml::node* n = fixture_root.at_path("relays.loads." + load_id).node();
          fail(f.file, n != nullptr ? line_of(*n) : 0, "relays.loads." + load_id,
               "no load profile " + in_quotes(load_id) + " (looked for " + load_file.string() + ")",
               "use the id of a file under profiles/loads/, or remove the entry");
        }
      }
    plan.fixtures.push_back(std::move(f));
  }
  cross_validate_settings(settings, plan.settings, plan.interface, plan.adc, plan.loads);
  plan.steps = default_sequence(plan);
  return plan;
}

}  // namespace bench::plan
