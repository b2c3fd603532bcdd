#pragma once

// Internal to bench_plan (not installed API): reading TOML tables with validation, and the one shape of
// every ConfigError of the loader, "<file>[:<line>]: [<table.key>: ]<what is wrong>: <the fix>". The files
// of the loader (profiles.cpp, fixture.cpp, zma.cpp, plan.cpp, ...) share these instead of keeping copies.
// Pure functions over parsed files: any thread, never the audio callback.

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/core/format.hpp"

namespace bench::plan::detail {

/// Key names of a table (the allowed ones, or choices for a suggestion).
using Keys = std::vector<std::string_view>;

/// s in double quotes.
[[nodiscard]] std::string in_quotes(std::string_view s);

/// The items joined with separator.
template <class Items>
[[nodiscard]] std::string join(const Items& items, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

/// The keys of a map, comma-separated in the map's (sorted) order, for "use one of" messages.
template <class Map>
[[nodiscard]] std::string keys_of(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : map) keys.push_back(k);
  return join(keys);
}

/// Throws bench::ConfigError "<file>[:<line>]: [<key>: ]<what>: <fix>" (line 0 and an empty key are left
/// out; newlines become spaces so the message stays one line). Every ConfigError of the loader comes
/// from here.
[[noreturn]] void fail(const std::filesystem::path& file, std::uint32_t line, std::string_view key,
                       std::string_view what, std::string_view fix);

/// The line a node starts on (0 when unknown).
[[nodiscard]] std::uint32_t line_of(const toml::node& node);

/// "a string", "an integer", ...: the node's TOML type for "expected X, found Y" messages.
[[nodiscard]] std::string type_name(const toml::node& node);

/// "did you mean "x"? " when one of the choices is a likely typo of `given` (two edits or fewer, or the
/// same but for case), or `given` without its unit suffix (sample_rate for sample_rate_hz); else "".
[[nodiscard]] std::string suggestion(std::string_view given, const Keys& choices);

/// The last part of a dotted key ("settings.sweep_f1_hz" -> "sweep_f1_hz").
[[nodiscard]] std::string leaf(std::string_view key);

/// Allowed interval of a number; open ends exclude the bound.
struct Range {
  double lo;
  double hi;
  bool lo_open = false;
  bool hi_open = false;

  /// Whether v lies inside (NaN never does).
  [[nodiscard]] bool contains(double v) const {
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
  /// "allowed range is 0 < name <= 600".
  [[nodiscard]] std::string text(std::string_view name) const;
};

/// lo <= x <= hi.
constexpr Range closed(double lo, double hi) {
  return {lo, hi, false, false};
}
/// lo < x <= hi.
constexpr Range above(double lo, double hi) {
  return {lo, hi, true, false};
}

/// Ranges several profiles share.
inline constexpr Range kSampleRateHz = closed(8000, 768000);
inline constexpr Range kDistortionDb = closed(-200, 0);
inline constexpr Range kNoiseDb = closed(-200, 0);
inline constexpr Range kFullscaleVrms = above(0, 1000);

/// Parses a TOML file; a missing file, a directory or a syntax error (with its line) is a ConfigError.
[[nodiscard]] toml::table parse_toml(const std::filesystem::path& file);

/// One TOML table of one file, with its dotted path, the keys it may hold and typed, range-checked reads.
/// Unknown keys are rejected when the reader is made, so a misspelt key is reported as such rather than
/// as a missing one. Every read that fails throws bench::ConfigError naming file:line and the key. The
/// reader refers to the parsed table, which must outlive it.
class Reader {
 public:
  /// Rejects any key of table outside allowed (naming parent_allowed's owner when the key belongs one
  /// table up, and a did-you-mean suggestion).
  Reader(std::filesystem::path file, const toml::table& table, std::string path, Keys allowed,
         Keys parent_allowed = {}, std::string parent_path = {});

  [[nodiscard]] const std::filesystem::path& file() const { return file_; }
  /// The table's dotted path ("settings", "ports.line_out"; "" at the top level).
  [[nodiscard]] const std::string& path() const { return path_; }
  /// The table's line.
  [[nodiscard]] std::uint32_t line() const { return line_of(*table_); }
  /// path.key
  [[nodiscard]] std::string key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  /// "[path]", or "the top level".
  [[nodiscard]] std::string table_name() const { return path_.empty() ? "the top level" : "[" + path_ + "]"; }

  /// The table's keys with their lines, in the order the file gives them (toml++ keeps them sorted).
  [[nodiscard]] std::vector<std::pair<std::string, std::uint32_t>> keys_in_file_order() const;

  /// The node at key, or nullptr. The key must be one of the allowed ones (a programming error otherwise:
  /// std::logic_error).
  [[nodiscard]] const toml::node* find(std::string_view key) const;
  [[nodiscard]] bool has(std::string_view key) const { return find(key) != nullptr; }

  /// Throws the ConfigError for key at node's line (the table's line when node is null or has none).
  [[noreturn]] void fail_at(const toml::node* node, std::string_view key, std::string_view what,
                            std::string_view fix) const;

  /// The node at key; missing is an error whose fix is "add key = example" (or "move key" when it sits
  /// in a sub-table).
  [[nodiscard]] const toml::node& required(std::string_view key, std::string_view example) const;

  /// Numbers: TOML integers and floats are both accepted; the range is checked (NaN never passes).
  [[nodiscard]] double number_value(const toml::node& node, std::string_view key, const Range& range) const;
  [[nodiscard]] double number(std::string_view key, const Range& range, std::string_view example) const;
  [[nodiscard]] double number_or(std::string_view key, double fallback, const Range& range) const;
  [[nodiscard]] std::optional<double> optional_number(std::string_view key, const Range& range) const;

  [[nodiscard]] std::int64_t integer_value(const toml::node& node, std::string_view key, std::int64_t lo,
                                           std::int64_t hi) const;
  [[nodiscard]] int integer(std::string_view key, int lo, int hi, std::string_view example) const;
  [[nodiscard]] std::optional<std::int64_t> optional_integer(std::string_view key, std::int64_t lo,
                                                             std::int64_t hi) const;

  [[nodiscard]] bool boolean_value(const toml::node& node, std::string_view key) const;
  [[nodiscard]] bool boolean(std::string_view key) const;
  [[nodiscard]] bool boolean_or(std::string_view key, bool fallback) const;

  /// Strings must not be empty or blank.
  [[nodiscard]] std::string string_value(const toml::node& node, std::string_view key) const;
  [[nodiscard]] std::string string(std::string_view key, std::string_view example = "\"...\"") const;
  [[nodiscard]] std::string string_or(std::string_view key, std::string fallback) const;
  /// A string with the line it is on, for errors about what it refers to.
  [[nodiscard]] std::pair<std::string, std::uint32_t> located_string(std::string_view key) const;

  /// Picks one of `choices` (TOML spelling, value) by the string at node.
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
  /// Picks one of `choices` by the (required) string at key.
  template <class T>
  [[nodiscard]] T choice(std::string_view key, std::string_view what,
                         const std::vector<std::pair<std::string, T>>& choices) const {
    return choice_value(required(key, in_quotes(choices.front().first)), key, what, choices);
  }

  /// An array at key (required, not empty); each element goes through `read(node, "key[i]")`.
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
                                            std::string_view example) const;
  [[nodiscard]] std::vector<int> integers(std::string_view key, int lo, int hi,
                                          std::string_view example) const;
  /// Strings of an array, each with its line.
  [[nodiscard]] std::vector<std::pair<std::string, std::uint32_t>> located_strings(
      std::string_view key, std::string_view example) const;

  /// node as a sub-table at key with its allowed keys.
  [[nodiscard]] Reader table_value(const toml::node& node, std::string_view key, Keys allowed) const;
  /// A required sub-table.
  [[nodiscard]] Reader table(std::string_view key, Keys allowed) const;
  /// A sub-table, if there.
  [[nodiscard]] std::optional<Reader> optional_table(std::string_view key, Keys allowed) const;

  /// A required table of named tables ([ports.<name>], [inputs.<name>], [checks.<name>]), in key order.
  /// Names are restricted to letters, digits, '_' and '-' since other files refer to them.
  [[nodiscard]] std::vector<std::pair<std::string, Reader>> named_tables(std::string_view key,
                                                                         std::string_view example,
                                                                         const Keys& allowed) const;
  /// The keys a named table may hold, by its name (path: its dotted path, line: its name's line); it may
  /// throw a ConfigError about the name or the table before the table is read.
  using AllowedFor = std::function<Keys(const std::string& name, const std::string& path, std::uint32_t line,
                                        const toml::table& table)>;
  /// named_tables whose allowed keys depend on the name.
  [[nodiscard]] std::vector<std::pair<std::string, Reader>> named_tables(std::string_view key,
                                                                         std::string_view example,
                                                                         const AllowedFor& allowed_for) const;

  /// A required array of tables ([[key]]), each element read with the allowed keys.
  [[nodiscard]] std::vector<Reader> table_array(std::string_view key, const Keys& allowed) const;
  /// table_array whose allowed keys depend on the element (name: its index, path: "key[i]", line: its
  /// [[key]] line); allowed_for may throw a ConfigError about the element before it is read.
  [[nodiscard]] std::vector<Reader> table_array(std::string_view key, const AllowedFor& allowed_for) const;

 private:
  std::filesystem::path file_;
  const toml::table* table_;
  std::string path_;
  Keys allowed_;
};

}  // namespace bench::plan::detail
