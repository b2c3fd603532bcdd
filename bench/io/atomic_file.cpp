#include "bench/io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <regex>
#include <string>
#include <system_error>

#include "bench/core/error.hpp"

namespace bench::io {
namespace fs = std::filesystem;

namespace {

// The fix for a write that failed with this errno.
std::string fix_for(int error_number) {
  switch (error_number) {
    case ENOSPC:
    case EDQUOT:
      return "free space on its file system (or raise the quota) and run again";
    case EFBIG:
      return "the file is larger than this process may write (ulimit -f) or its file system holds: raise "
             "the limit or write elsewhere";
    case EACCES:
    case EPERM:
      return "check the permissions of its directory, or write elsewhere";
    case EROFS:
      return "its file system is mounted read-only: write elsewhere";
    case ENOENT:
      return "its directory does not exist: create it or give another path";
    case ENOTDIR:
      return "a part of the path is a file, not a directory: give another path";
    case EISDIR:
      return "it is a directory: give a file name";
    case EIO:
      return "the disk reported an error: check it (dmesg) and write elsewhere";
    default:
      return "check the path and its disk";
  }
}

// A directory of open file descriptors (/proc/self/fd, /proc/<pid>/fd, /proc/thread-self/fd): its
// entries are links the kernel opens as the descriptor's file, whatever their text says ("pipe:[123]").
bool is_fd_directory(const fs::path& dir) {
  static const std::regex fd_dir(R"(/proc/(self|thread-self|[0-9]+)(/task/[0-9]+)?/fd)");
  return std::regex_match(dir.lexically_normal().string(), fd_dir);
}

// Writes all of `text` to `fd`; false with errno set on failure.
bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Writes `text` into a target written straight: opened for writing without creating, truncating or
// renaming anything (O_APPEND, so /dev/stdout redirected to a file keeps what is in it).
void write_straight(const fs::path& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) throw_write_error(path, errno);
  if (!write_all(fd, text)) {
    const int e = errno;
    ::close(fd);
    throw_write_error(path, e);
  }
  if (::close(fd) != 0 && errno != EINTR) throw_write_error(path, errno);
}

void fsync_directory(const fs::path& dir, const fs::path& for_file) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // the file is in place; only its directory entry's durability is unknown
  const int rc = ::fsync(fd);
  const int e = errno;
  ::close(fd);
  if (rc != 0 && e != EINVAL) throw_write_error(for_file, e, "cannot flush its directory to the disk");
}

// Renames the finished `tmp` over `file` (fsynced first when durable); removes `tmp` on failure.
void put_in_place(const fs::path& tmp, const fs::path& file, bool durable) {
  if (durable) {
    const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    const int rc = fd < 0 ? -1 : ::fsync(fd);
    const int e = errno;
    if (fd >= 0) ::close(fd);
    if (rc != 0) {
      ::unlink(tmp.c_str());
      throw_write_error(file, e, "cannot flush it to the disk");
    }
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw_write_error(file, e, "cannot put the finished file in place");
  }
  if (durable) fsync_directory(file.parent_path(), file);
}

}  // namespace

void throw_write_error(const fs::path& path, int error_number, std::string_view doing) {
  const std::string message = path.string() + ": " + std::string(doing) + " (" + std::strerror(error_number) +
                              "): " + fix_for(error_number);
  if (error_number == ENOENT || error_number == ENOTDIR || error_number == EISDIR) throw InputError(message);
  throw OutputError(message);
}

WriteTarget write_target(const fs::path& path) {
  fs::path p = path;
  for (int hops = 0; hops <= 40; ++hops) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return {p, false};  // a new file (or a path the write will refuse)
    if (S_ISREG(st.st_mode)) return {p, false};
    if (S_ISDIR(st.st_mode)) throw InputError(path.string() + ": is a directory: give a file name");
    if (S_ISBLK(st.st_mode))
      throw InputError(path.string() + ": is a block device (a disk): give a file name");
    if (!S_ISLNK(st.st_mode)) return {path, true};  // character device, FIFO, socket
    std::error_code ec;
    const fs::path dir = fs::canonical(p.parent_path().empty() ? fs::path(".") : p.parent_path(), ec);
    const bool have_dir = !ec;
    if (have_dir && is_fd_directory(dir)) return {path, true};  // /dev/stdout, /dev/fd/N, /proc/self/fd/N
    const fs::path to = fs::read_symlink(p, ec);
    if (ec) return {p, false};
    p = to.is_absolute() ? to : (have_dir ? dir : p.parent_path()) / to;
  }
  throw InputError(path.string() + ": more than 40 symbolic links in a row (a loop?): give the file itself");
}

void write_text_atomic(const fs::path& path, std::string_view text, bool durable) {
  const WriteTarget t = write_target(path);
  if (t.straight) {
    write_straight(t.file, text);
    return;
  }
  const fs::path tmp = t.file.string() + ".partial";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw_write_error(path, errno);
  if (!write_all(fd, text)) {
    const int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw_write_error(path, e);
  }
  if (::close(fd) != 0 && errno != EINTR) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw_write_error(path, e);
  }
  put_in_place(tmp, t.file, durable);
}

void sync_file_system(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_write_error(dir, errno, "cannot open the directory to flush it");
  const int rc = ::syncfs(fd);
  const int e = errno;
  ::close(fd);
  if (rc != 0) throw_write_error(dir, e, "cannot flush its files to the disk");
}

}  // namespace bench::io
