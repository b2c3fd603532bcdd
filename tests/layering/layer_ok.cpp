// Compiled against bench_session's include roots: a header of an area the session links (the record).
#include "bench/record/record.hpp"

int layer_ok_probe() {
  return static_cast<int>(bench::record::kChannelNames.size());
}
