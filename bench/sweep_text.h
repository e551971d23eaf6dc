// Small text helpers that several parts of ptclean_sweep share.
#pragma once

#include <filesystem>
#include <string>

namespace ptclean::bench {

/// `s` in single quotes for /bin/sh, its own single quotes escaped.
std::string quote(const std::string& s);

/// The whole file; "" when it cannot be read.
std::string readFile(const std::filesystem::path& path);

/// `v` with `digits` decimals ("%.*f").
std::string fixed(double v, int digits = 2);

}  // namespace ptclean::bench
