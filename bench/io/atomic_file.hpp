#pragma once

// Every file the bench writes goes through here, so that a reader never sees half a file and the bench
// never replaces what is not a plain file of its own:
// - a regular file (or a new one) is written as "<file>.partial" beside it (flushed to the disk first when
//   asked to be durable) and renamed over it, so the old version stays whole until the new one is complete;
// - a symbolic link is followed: the file it ends at is replaced that way, and the link stays;
// - a character device, FIFO or socket (/dev/null, a named pipe) and /dev/stdout, /dev/stderr, /dev/fd/N
//   and /proc/self/fd/N are written straight into, never renamed over.
// Nothing else in the bench renames a file.

#include <filesystem>
#include <string_view>

namespace bench::io {

/// Where a write to `path` goes. [any thread] Throws bench::InputError for a directory, or a chain of more
/// than 40 symbolic links.
struct WriteTarget {
  /// The file to replace (the end of `path`'s symbolic links; `path` itself when it is none), or, when
  /// `straight`, `path` as given.
  std::filesystem::path file;
  /// Written in place: a character device, FIFO or socket, or a /proc/self/fd link such as /dev/stdout.
  bool straight = false;
};
[[nodiscard]] WriteTarget write_target(const std::filesystem::path& path);

/// Writes `text` (any bytes) to `path` as the top of this file says; `durable`: the text is on the disk, not
/// only in the page cache, before the rename (a power cut leaves the old file or the new one, never an empty
/// one), at the cost of a few milliseconds. Throws as throw_write_error says; nothing half-written is left
/// behind, and the file that was there stays whole.
void write_text_atomic(const std::filesystem::path& path, std::string_view text, bool durable = false);

/// Flushes every file written to the file system that holds `dir` onto the disk (syncfs), so that a record
/// written after it never names a file a power cut could still lose. Throws as throw_write_error says
/// (EIO: the disk failed).
void sync_file_system(const std::filesystem::path& dir);

/// The error for a write of `path` that failed with `error_number` (errno) while `doing` ("cannot write",
/// "cannot put the finished file in place"), one line naming the file, the system's reason and the fix:
/// bench::InputError (exit 2) when the path itself is wrong (ENOENT: no such directory, ENOTDIR: a part of
/// it is a file, EISDIR), else bench::OutputError (exit 4: no space, no permission, read-only, too large).
/// For any writer of output files (WAV, JSON, text).
[[noreturn]] void throw_write_error(const std::filesystem::path& path, int error_number,
                                    std::string_view doing = "cannot write");

}  // namespace bench::io
