// libFuzzer target: the fuzzer's bytes as a `ptclean image` config file, through Config::load and
// imagingSettingsFrom (docs/fuzzing.md).
//
// Input: TOML text; lines after a line "#%set" are `--set key=value` overrides instead.
// Expected outcomes: settings, or a ConfigError, or another std::exception whose message names a
// key of the table (the user must learn which key is wrong). Anything else (a crash, a sanitizer
// report, an exception that names no key, a non-std exception) aborts and so is a finding.
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "config.h"
#include "imaging_settings.h"

namespace {

using ptclean::imager::Config;
using ptclean::imager::ConfigError;
using ptclean::imager::imageKeys;

struct ConfigInput {
  std::string toml;
  std::vector<std::string> overrides;
};

ConfigInput splitInput(const std::string& bytes) {
  ConfigInput input;
  const std::string marker = "#%set\n";
  const std::size_t at = bytes.find(marker);
  input.toml = bytes.substr(0, at);
  if (at == std::string::npos) return input;
  std::size_t line = at + marker.size();
  while (line < bytes.size()) {
    std::size_t end = bytes.find('\n', line);
    if (end == std::string::npos) end = bytes.size();
    input.overrides.push_back(bytes.substr(line, end - line));
    line = end + 1;
  }
  return input;
}

bool isNamePart(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

/// Whether `message` has a key of the table as a whole word ("key 'cell' ...", "noisethreshold must").
bool namesAKey(const std::string& message) {
  for (const auto& spec : imageKeys())
    for (std::size_t at = message.find(spec.name); at != std::string::npos; at = message.find(spec.name, at + 1)) {
      const std::size_t end = at + spec.name.size();
      if ((at == 0 || !isNamePart(message[at - 1])) && (end == message.size() || !isNamePart(message[end])))
        return true;
    }
  return false;
}

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_config finding: %s\n", what.c_str());
  std::abort();
}

/// One file per process, in memory (tmpfs), rewritten for every input and removed at exit.
const std::string& configPath() {
  static const std::string path = "/dev/shm/ptclean-fuzz-config-" + std::to_string(getpid()) + ".toml";
  // Registered after `path` is made, so that it runs before `path` is destroyed.
  static const bool removed_at_exit = std::atexit([] { std::remove(configPath().c_str()); }) == 0;
  (void)removed_at_exit;
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ConfigInput input = splitInput(std::string(reinterpret_cast<const char*>(data), size));
  std::ofstream(configPath(), std::ios::binary | std::ios::trunc) << input.toml;
  try {
    const Config config = Config::load(imageKeys(), configPath(), input.overrides);
    (void)config.dump();
    (void)ptclean::imager::imagingSettingsFrom(config);
  } catch (const ConfigError&) {
    // the documented failure
  } catch (const std::exception& error) {
    if (!namesAKey(error.what())) finding(std::string("an exception that names no key: ") + error.what());
  } catch (...) {
    finding("an exception that is not a std::exception");
  }
  return 0;
}
