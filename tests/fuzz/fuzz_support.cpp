#include "fuzz_support.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>

namespace bench::fuzz {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "bench-fuzz-";

fs::path scratch_parent() {
  std::error_code ec;
  if (fs::is_directory("/dev/shm", ec)) return "/dev/shm";
  return fs::temp_directory_path();
}

// A scratch root whose process is gone (a crash or a timeout does not run the destructor below).
void remove_stale_roots(const fs::path& parent) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kPrefix)) continue;
    char* end = nullptr;
    const long pid = std::strtol(name.c_str() + kPrefix.size(), &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
  }
}

struct Scratch {
  fs::path root;
  Scratch() {
    const fs::path parent = scratch_parent();
    remove_stale_roots(parent);
    root = parent / (std::string(kPrefix) + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(root, ec);
    fs::create_directories(root);
    for (const char* sub : {"profiles", "fixtures"})
      fs::copy(repo_root() / sub, root / sub, fs::copy_options::recursive);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

}  // namespace

const fs::path& repo_root() {
  static const fs::path root = BENCH_SOURCE_DIR;
  return root;
}

const fs::path& scratch_root() {
  static const Scratch scratch;
  return scratch.root;
}

const fs::path& write_input(const fs::path& file, const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(file.c_str(), "wb");
  if (f == nullptr || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::fprintf(stderr, "fuzz: cannot write the input to %s\n", file.c_str());
    std::abort();
  }
  return file;
}

void violated(std::string_view what) {
  std::fprintf(stderr, "fuzz: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace bench::fuzz
