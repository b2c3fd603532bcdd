#include "bench/report/write_text.hpp"

#include <fstream>
#include <string>
#include <system_error>

#include "bench/core/error.hpp"

namespace bench::report {

void ensure_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw InputError(dir.string() + ": cannot create the directory (" +
                     (ec ? ec.message() : std::string("a file is in the way")) +
                     "): check the run directory is writable");
}

}  // namespace bench::report
