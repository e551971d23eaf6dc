// OutputSet: every output is written under a temporary name next to its final one, and only
// renamed into place by commit(). A run that fails half-way therefore leaves either nothing or
// a complete set, never a psf without its residual, and never overwrites an earlier run.
#include "image_writer.h"

#include <unistd.h>

#include <atomic>
#include <exception>
#include <filesystem>
#include <future>
#include <stdexcept>

#include "casa_image_writer.h"
#include "fits_writer.h"

namespace ptclean::imager {
namespace {

namespace fs = std::filesystem;

/// Also true for a dangling symbolic link, which a rename would silently replace.
bool present(const std::string& path) {
  std::error_code ignored;
  return fs::exists(fs::symlink_status(path, ignored));
}

[[noreturn]] void refuse(const std::string& path) {
  throw std::runtime_error("output " + path +
                           " already exists; remove it or choose another imagename");
}

/// Unique per process and per call, so that two OutputSets (or two ranks sharing a folder
/// through different processes) never stage onto the same name.
/// Checked before any data are read, so that a long run does not fail only when it writes.
void requireFolder(const std::string& imagename) {
  const fs::path folder = fs::path(imagename).parent_path();
  if (folder.empty()) return;
  std::error_code error;
  if (!fs::is_directory(folder, error))
    throw std::runtime_error("imagename " + imagename + ": folder " + folder.string() +
                             " does not exist; create it first");
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    throw std::runtime_error("imagename " + imagename + ": folder " + folder.string() +
                             " is not writable");
}

std::string temporaryName(const std::string& final_path) {
  static std::atomic<unsigned> counter{0};
  return final_path + ".ptclean-tmp-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++);
}

}  // namespace

OutputSet::OutputSet(std::string imagename, std::vector<std::string> suffixes)
    : imagename_(std::move(imagename)) {
  requireFolder(imagename_);
  for (const auto& suffix : suffixes) {
    const std::string casa = imagename_ + "." + suffix;
    for (const auto& path : {casa, casa + ".fits"})
      if (present(path)) refuse(path);
  }
}

OutputSet::~OutputSet() {
  if (committed_) return;
  for (const auto& [temporary, final_path] : staged_) {
    std::error_code ignored;  // a destructor must not throw; nothing more can be done
    fs::remove_all(temporary, ignored);
  }
}

void OutputSet::add(const std::string& suffix, const ImageMetadata& meta,
                    const std::vector<double>& pixels) {
  if (committed_) throw std::logic_error("OutputSet::add after commit");
  const std::string casa = imagename_ + "." + suffix;
  const std::string fits = casa + ".fits";
  for (const auto& path : {casa, fits}) {
    // The constructor only checked the suffixes it was given.
    if (present(path)) refuse(path);
    for (const auto& staged : staged_)
      if (staged.second == path) throw std::logic_error("OutputSet: " + path + " added twice");
  }
  const std::size_t first_new = staged_.size();
  staged_.emplace_back(temporaryName(casa), casa);
  staged_.emplace_back(temporaryName(fits), fits);
  try {
    // The FITS copy is written by a second thread while casacore writes the CASA image: each
    // library stays in one thread, and the two files take the time of one.
    auto fits = std::async(std::launch::async, [&] { writeFitsImage(staged_[first_new + 1].first, meta, pixels); });
    std::exception_ptr casa_error;
    try {
      writeCasaImage(staged_[first_new].first, meta, pixels);
    } catch (...) {
      casa_error = std::current_exception();
    }
    fits.get();
    if (casa_error) std::rethrow_exception(casa_error);
  } catch (...) {
    // Clean up now, not only at destruction: the caller may catch this and carry on.
    for (std::size_t i = first_new; i < staged_.size(); ++i) {
      std::error_code ignored;
      fs::remove_all(staged_[i].first, ignored);
    }
    staged_.resize(first_new);
    throw;
  }
}

std::vector<std::string> OutputSet::commit() {
  if (committed_) throw std::logic_error("OutputSet::commit called twice");
  // Check everything before moving anything: an output that appeared since the constructor
  // (another run with the same imagename) must not be overwritten, nor a set left half moved.
  for (const auto& staged : staged_)
    if (present(staged.second)) refuse(staged.second);
  std::vector<std::string> finals;
  for (std::size_t i = 0; i < staged_.size(); ++i) {
    std::error_code error;
    fs::rename(staged_[i].first, staged_[i].second, error);
    if (error) {
      for (std::size_t j = 0; j < i; ++j) {  // put back what was moved; the destructor cleans
        std::error_code ignored;
        fs::rename(staged_[j].second, staged_[j].first, ignored);
      }
      throw std::runtime_error("cannot move " + staged_[i].first + " to " + staged_[i].second +
                               ": " + error.message());
    }
    finals.push_back(staged_[i].second);
  }
  committed_ = true;
  return finals;
}

}  // namespace ptclean::imager
