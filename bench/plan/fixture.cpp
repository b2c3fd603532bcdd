#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "bench/plan/load.hpp"
#include "bench/plan/load_internal.hpp"

// Fixtures: one cable configuration per file.

namespace bench::plan {

namespace fs = std::filesystem;
using namespace detail;

namespace {

// Relays switched on (1..8, each once; an empty array switches every relay off).
std::vector<int> read_relays(const Reader& r, std::string_view key) {
  const toml::node* node = r.find(key);
  const auto* array = node != nullptr ? node->as_array() : nullptr;
  if (array == nullptr)
    r.fail_at(
        node, key,
        "expected an array of relay numbers, found " + (node ? type_name(*node) : std::string("nothing")),
        "write the relays that are on, e.g. [1, 3], or [] for all off");
  std::vector<int> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string k = std::string(key) + "[" + std::to_string(i) + "]";
    const int relay = static_cast<int>(r.integer_value(*array->get(i), k, 1, 8));
    if (std::find(out.begin(), out.end(), relay) != out.end())
      r.fail_at(array->get(i), k, "relay " + std::to_string(relay) + " is listed twice",
                "list each relay once");
    out.push_back(relay);
  }
  return out;
}

}  // namespace

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
    r.fail_at(r.find("mains_hz"), "mains_hz", number_text(f.mains_hz) + " is not a mains frequency",
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

}  // namespace bench::plan
