#pragma once

// Internal to bench_plan (not installed API): the pieces the loader's files share, each defined once.
// Throws bench::ConfigError like the public loaders (plan/load.hpp); any thread.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/plan/model.hpp"
#include "bench/plan/toml_reader.hpp"

namespace bench::plan::detail {

/// TOML spellings of every connector, for Reader::choice.
[[nodiscard]] const std::vector<std::pair<std::string, Connector>>& connector_choices();

/// A balanced signal needs a connector with hot, cold and ground: balanced with a TS, RCA or stereo TRS
/// connector (at connector_key) is a ConfigError at r's "balanced".
void check_balanced_connector(const Reader& r, std::string_view connector_key, Connector c, bool balanced);

}  // namespace bench::plan::detail
