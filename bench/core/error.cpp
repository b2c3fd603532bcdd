#include "bench/core/error.hpp"

namespace bench {

ExitCode exit_code_for(const std::exception& e) noexcept {
  if (const auto* be = dynamic_cast<const Error*>(&e)) return be->exit_code();
  return ExitCode::kInternal;
}

}  // namespace bench
