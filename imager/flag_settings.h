// The keys of `ptclean flagdata` (CASA's flagdata task: names and defaults) and the flag commands
// derived from them: one command from the keys, or, in mode 'list', one per line of `inpfile`
// (CASA's command syntax: mode='manual' antenna='ea01' timerange='...' reason='...').
#pragma once

#include <string>
#include <vector>

#include "config.h"
#include "ms_reader.h"

namespace ptclean::imager {

struct FlagCommand {
  std::string mode = "manual";  ///< manual, clip, quack, shadow, summary, rflag
  MsSelectionKeys selection;
  bool autocorr = false;        ///< flag (select) only autocorrelations
  std::string reason = "any";   ///< the command's reason (list files)
  // clip
  std::vector<double> clipminmax;  ///< [] or [min, max]
  std::string clip_expression = "ABS_ALL";  ///< `correlation` for clip: ABS_RR, REAL_XX, IMAG_ALL, ...
  std::string datacolumn = "DATA";
  bool clipoutside = true, clipzeros = false;
  // quack
  double quackinterval = 1.0;
  std::string quackmode = "beg";  ///< beg, endb, end, tail
  // shadow
  double tolerance = 0.0;
  // rflag
  double timedevscale = 5.0, freqdevscale = 5.0;
  long winsize = 3;
  double timedev = 0.0, freqdev = 0.0;  ///< given thresholds (0: computed)
};

struct FlagSettings {
  std::string vis;
  std::string action = "apply";  ///< apply, calculate, none
  bool flagbackup = true;
  std::vector<FlagCommand> commands;
  bool summary = false;          ///< mode 'summary': counts only
};

const std::vector<KeySpec>& flagdataKeys();
/// Throws ConfigError naming the key (or the list file and line) that is wrong.
FlagSettings flagSettingsFrom(const Config& config);

/// The commands of a list file: one per line; '#' starts a comment. Throws ConfigError naming
/// the file and line.
std::vector<FlagCommand> readFlagCommands(const std::string& path, const std::string& reason);

}  // namespace ptclean::imager
