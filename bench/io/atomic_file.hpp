#pragma once

#include <filesystem>
#include <string_view>

namespace bench::io {

/// Path of the temporary file a write goes to before it is renamed into place: "<path>.partial".
[[nodiscard]] std::filesystem::path partial_path(const std::filesystem::path& path);

/// Renames a finished `<path>.partial` to `path`; on failure removes the partial file and throws
/// bench::InputError naming `path`. What was written before stays intact.
void commit_partial(const std::filesystem::path& path);

/// Writes text atomically: to `<path>.partial`, then renamed. A missing or unwritable directory, or a full
/// disk, is a bench::InputError naming the file; nothing half-written is left behind.
void write_text_atomic(const std::filesystem::path& path, std::string_view text);

}  // namespace bench::io
