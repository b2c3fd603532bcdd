#pragma once

#include <filesystem>
#include <string_view>

#include "bench/io/atomic_file.hpp"

namespace bench::report {

/// Atomic writes (temporary file, then rename) come from bench/io/atomic_file.hpp.
using io::write_text_atomic;

/// Creates `dir` and its parents if needed. Throws bench::InputError naming `dir` when it cannot.
void ensure_directory(const std::filesystem::path& dir);

}  // namespace bench::report
