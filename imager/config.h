// Configuration from a TOML file plus `--set key=value` overrides, checked against a key table.
//
//   Config cfg = Config::load(imageKeys(), "run.toml", {"imsize=[512,512]", "cell=1arcsec"});
//   auto size = cfg.intList("imsize");           // [512, 512]; a single int is given as [n]
//   double cell = cfg.angleRad("cell");          // "1arcsec" -> 4.85e-6
//
// Keys are tclean's parameter names. Unknown keys and wrong types throw ConfigError whose message
// names the key (and, for an unknown key, the closest valid one).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ptclean::imager {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class KeyType { Bool, Int, Double, String, StringList, IntList, DoubleList, Any };

struct KeySpec {
  std::string name;
  KeyType type;
  std::string default_value;  ///< TOML text of the default ("" = unset, no default)
  std::string doc;            ///< one line for docs and `--help`
};

class Config {
 public:
  /// `file` may be empty (only overrides). Overrides are "key=value" with a TOML value; a value
  /// that is not valid TOML is taken as a string (so `cell=1arcsec` works without quotes).
  static Config load(const std::vector<KeySpec>& table, const std::string& file,
                     const std::vector<std::string>& overrides);

  bool has(const std::string& key) const;  ///< given by the user or with a default
  bool given(const std::string& key) const;  ///< given by the user
  bool boolean(const std::string& key) const;
  long integer(const std::string& key) const;
  double real(const std::string& key) const;  ///< ints accepted
  std::string string(const std::string& key) const;
  std::vector<std::string> stringList(const std::string& key) const;  ///< a single string -> [s]
  std::vector<long> intList(const std::string& key) const;            ///< a single int -> [n]
  std::vector<double> realList(const std::string& key) const;
  /// Angle quantity: "0.5arcsec", "1.2deg", 3e-6 (a bare number means radians for `cell`-like keys
  /// only when `bare_unit` is given, e.g. "arcsec").
  double angleRad(const std::string& key, const std::string& bare_unit = "arcsec") const;
  std::vector<double> angleListRad(const std::string& key, const std::string& bare_unit = "arcsec") const;

  /// The value as TOML text, for structured values (arrays of tables) parsed by their user.
  std::string rawToml(const std::string& key) const;

  /// All keys as "key = value" lines (for the log and for provenance in image headers).
  std::string dump() const;

 private:
  struct Entry {
    const KeySpec* spec = nullptr;
    std::string toml_text;  ///< the value as TOML text
    bool given = false;
  };
  const Entry& entry(const std::string& key) const;
  std::vector<Entry> entries_;
  std::vector<KeySpec> table_;
};

/// Parses an angle quantity string ("1.5arcsec", "0.1deg", "2mas", "1e-5rad") to radians.
/// Throws ConfigError naming `what` on a bad unit.
double parseAngle(const std::string& text, const std::string& what);
/// Parses a flux density quantity ("0.1mJy", "2Jy") to Jy.
double parseFluxDensity(const std::string& text, const std::string& what);
/// Parses a frequency quantity ("1.4GHz", "100kHz") to Hz.
double parseFrequency(const std::string& text, const std::string& what);
/// The valid key nearest to `key` by edit distance ("" when nothing is close).
std::string closestKey(const std::vector<KeySpec>& table, const std::string& key);

}  // namespace ptclean::imager
