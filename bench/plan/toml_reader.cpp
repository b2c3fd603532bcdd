#include "bench/plan/toml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "bench/core/error.hpp"

namespace bench::plan::detail {

namespace fs = std::filesystem;

namespace {

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

}  // namespace

std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

void fail(const fs::path& file, std::uint32_t line, std::string_view key, std::string_view what,
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

std::string leaf(std::string_view key) {
  const auto dot = key.rfind('.');
  return std::string(dot == std::string_view::npos ? key : key.substr(dot + 1));
}

std::string Range::text(std::string_view name) const {
  return "allowed range is " + number_text(lo) + (lo_open ? " < " : " <= ") + std::string(name) +
         (hi_open ? " < " : " <= ") + number_text(hi);
}

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

Reader::Reader(fs::path file, const toml::table& table, std::string path, Keys allowed, Keys parent_allowed,
               std::string parent_path)
    : file_(std::move(file)), table_(&table), path_(std::move(path)), allowed_(std::move(allowed)) {
  for (auto&& [key, node] : *table_) {
    const std::string_view name = key.str();
    if (std::find(allowed_.begin(), allowed_.end(), name) != allowed_.end()) continue;
    const std::uint32_t where = key.source().begin.line > 0 ? key.source().begin.line : line_of(node);
    std::string fix;
    if (std::find(parent_allowed.begin(), parent_allowed.end(), name) != parent_allowed.end())
      fix = std::string(name) + " belongs in [" + parent_path + "]; ";
    fix += suggestion(name, allowed_);
    fix += allowed_.empty() ? "this table takes no keys, remove it" : "allowed keys here: " + join(allowed_);
    fail(file_, where, key_path(name), "unknown key in " + table_name(), fix);
  }
}

std::vector<std::pair<std::string, std::uint32_t>> Reader::keys_in_file_order() const {
  std::vector<std::pair<std::string, std::uint32_t>> keys;
  for (auto&& [key, node] : *table_)
    keys.emplace_back(std::string(key.str()),
                      key.source().begin.line > 0 ? key.source().begin.line : line_of(node));
  std::stable_sort(keys.begin(), keys.end(),
                   [](const auto& a, const auto& b) { return a.second < b.second; });
  return keys;
}

const toml::node* Reader::find(std::string_view key) const {
  if (std::find(allowed_.begin(), allowed_.end(), key) == allowed_.end())
    throw std::logic_error("plan loader reads undeclared key " + key_path(key));
  return table_->get(key);
}

void Reader::fail_at(const toml::node* node, std::string_view key, std::string_view what,
                     std::string_view fix) const {
  fail(file_, node != nullptr && line_of(*node) > 0 ? line_of(*node) : line(), key_path(key), what, fix);
}

const toml::node& Reader::required(std::string_view key, std::string_view example) const {
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

double Reader::number_value(const toml::node& node, std::string_view key, const Range& range) const {
  double v = 0;
  if (const auto* i = node.as_integer())
    v = static_cast<double>(i->get());
  else if (const auto* f = node.as_floating_point())
    v = f->get();
  else
    fail_at(&node, key, "expected a number, found " + type_name(node), "write a number such as 1 or 0.5");
  if (!range.contains(v)) fail_at(&node, key, number_text(v) + " is out of range", range.text(leaf(key)));
  return v;
}

double Reader::number(std::string_view key, const Range& range, std::string_view example) const {
  return number_value(required(key, example), key, range);
}

double Reader::number_or(std::string_view key, double fallback, const Range& range) const {
  const toml::node* node = find(key);
  return node == nullptr ? fallback : number_value(*node, key, range);
}

std::optional<double> Reader::optional_number(std::string_view key, const Range& range) const {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  return number_value(*node, key, range);
}

std::int64_t Reader::integer_value(const toml::node& node, std::string_view key, std::int64_t lo,
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

int Reader::integer(std::string_view key, int lo, int hi, std::string_view example) const {
  return static_cast<int>(integer_value(required(key, example), key, lo, hi));
}

std::optional<std::int64_t> Reader::optional_integer(std::string_view key, std::int64_t lo,
                                                     std::int64_t hi) const {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  return integer_value(*node, key, lo, hi);
}

bool Reader::boolean_value(const toml::node& node, std::string_view key) const {
  const auto* b = node.as_boolean();
  if (b == nullptr)
    fail_at(&node, key, "expected a boolean, found " + type_name(node), "write true or false");
  return b->get();
}

bool Reader::boolean(std::string_view key) const {
  return boolean_value(required(key, "true or false"), key);
}

bool Reader::boolean_or(std::string_view key, bool fallback) const {
  const toml::node* node = find(key);
  return node == nullptr ? fallback : boolean_value(*node, key);
}

std::string Reader::string_value(const toml::node& node, std::string_view key) const {
  const auto* s = node.as_string();
  if (s == nullptr)
    fail_at(&node, key, "expected a string, found " + type_name(node), "write the text in double quotes");
  if (s->get().find_first_not_of(" \t") == std::string::npos)
    fail_at(&node, key, "is empty", "write a non-empty text");
  return s->get();
}

std::string Reader::string(std::string_view key, std::string_view example) const {
  return string_value(required(key, example), key);
}

std::string Reader::string_or(std::string_view key, std::string fallback) const {
  const toml::node* node = find(key);
  return node == nullptr ? fallback : string_value(*node, key);
}

std::pair<std::string, std::uint32_t> Reader::located_string(std::string_view key) const {
  const toml::node& node = required(key, "\"...\"");
  return {string_value(node, key), line_of(node)};
}

std::vector<double> Reader::numbers(std::string_view key, const Range& range,
                                    std::string_view example) const {
  std::vector<double> out;
  each_element(key, example,
               [&](const toml::node& n, const std::string& k) { out.push_back(number_value(n, k, range)); });
  return out;
}

std::vector<int> Reader::integers(std::string_view key, int lo, int hi, std::string_view example) const {
  std::vector<int> out;
  each_element(key, example, [&](const toml::node& n, const std::string& k) {
    out.push_back(static_cast<int>(integer_value(n, k, lo, hi)));
  });
  return out;
}

std::vector<std::pair<std::string, std::uint32_t>> Reader::located_strings(std::string_view key,
                                                                           std::string_view example) const {
  std::vector<std::pair<std::string, std::uint32_t>> out;
  each_element(key, example, [&](const toml::node& n, const std::string& k) {
    out.emplace_back(string_value(n, k), line_of(n) > 0 ? line_of(n) : line());
  });
  return out;
}

Reader Reader::table_value(const toml::node& node, std::string_view key, Keys allowed) const {
  const auto* t = node.as_table();
  if (t == nullptr)
    fail_at(&node, key, "expected a table, found " + type_name(node),
            "write it as a [" + key_path(key) + "] table");
  return Reader(file_, *t, key_path(key), std::move(allowed), allowed_, path_.empty() ? "top level" : path_);
}

Reader Reader::table(std::string_view key, Keys allowed) const {
  const toml::node* node = find(key);
  if (node == nullptr)
    fail(file_, line(), key_path(key), "missing required table", "add a [" + key_path(key) + "] table");
  return table_value(*node, key, std::move(allowed));
}

std::optional<Reader> Reader::optional_table(std::string_view key, Keys allowed) const {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  return table_value(*node, key, std::move(allowed));
}

std::vector<std::pair<std::string, Reader>> Reader::named_tables(std::string_view key,
                                                                 std::string_view example,
                                                                 const Keys& allowed) const {
  return named_tables(
      key, example,
      [&](const std::string&, const std::string&, std::uint32_t, const toml::table&) { return allowed; });
}

std::vector<std::pair<std::string, Reader>> Reader::named_tables(std::string_view key,
                                                                 std::string_view example,
                                                                 const AllowedFor& allowed_for) const {
  const toml::node* node = find(key);
  if (node == nullptr)
    fail(file_, line(), key_path(key), "missing required table",
         "add at least one [" + key_path(key) + "." + std::string(example) + "] table");
  const auto* t = node->as_table();
  if (t == nullptr)
    fail_at(node, key, "expected a table, found " + type_name(*node), "write [" + key_path(key) + ".<name>]");
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
    const std::string child_name(name.str());
    out.emplace_back(child_name,
                     Reader(file_, *child_table, full, allowed_for(child_name, full, where, *child_table)));
  }
  if (out.empty())
    fail_at(node, key, "is empty",
            "add at least one [" + key_path(key) + "." + std::string(example) + "] table");
  return out;
}

std::vector<Reader> Reader::table_array(std::string_view key, const Keys& allowed) const {
  return table_array(key, [&](const std::string&, const std::string&, std::uint32_t, const toml::table&) {
    return allowed;
  });
}

std::vector<Reader> Reader::table_array(std::string_view key, const AllowedFor& allowed_for) const {
  const toml::node* node = find(key);
  if (node == nullptr)
    fail(file_, line(), key_path(key), "missing required array of tables",
         "add [[" + key_path(key) + "]] entries");
  const auto* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables())
    fail_at(node, key, "expected an array of tables, found " + type_name(*node),
            "write one [[" + key_path(key) + "]] table per entry");
  std::vector<Reader> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::table& element = *array->get(i)->as_table();
    const std::string path = key_path(key) + "[" + std::to_string(i) + "]";
    out.emplace_back(file_, element, path, allowed_for(std::to_string(i), path, line_of(element), element));
  }
  return out;
}

}  // namespace bench::plan::detail
