// Compiled against bench_session's include roots: a header of a higher layer (the reports), which the
// session must not see. The build of this file has to fail (tests/layering/layering.cmake).
#include "bench/report/outputs.hpp"

int layer_violation_probe() {
  return 0;
}
