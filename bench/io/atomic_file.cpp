#include "bench/io/atomic_file.hpp"

#include <fstream>
#include <string>
#include <system_error>

#include "bench/core/error.hpp"

namespace bench::io {

std::filesystem::path partial_path(const std::filesystem::path& path) {
  return path.string() + ".partial";
}

void commit_partial(const std::filesystem::path& path) {
  const std::filesystem::path tmp = partial_path(path);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw InputError(path.string() + ": cannot put the finished file in place (" + ec.message() +
                     "): check the path is not a directory and the directory is writable");
  }
}

void write_text_atomic(const std::filesystem::path& path, std::string_view text) {
  const std::filesystem::path tmp = partial_path(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path.string() + ": cannot write: check the directory exists and is writable");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out.flush()) {
      out.close();
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw InputError(path.string() + ": write failed (disk full?): free space and run again");
    }
  }
  commit_partial(path);
}

}  // namespace bench::io
