#include "flag_settings.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "data_task_settings.h"

namespace ptclean::imager {
namespace {

const std::set<std::string> kModes = {"manual", "list", "clip", "quack", "shadow", "summary", "rflag"};

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), ::toupper);
  return text;
}

/// `correlation` as clip reads it ('ABS_RR', 'REAL_XX,YY', 'RR') split into the selection
/// ('RR'; '' for ALL) and the expression ('ABS_RR').
void splitCorrelation(const std::string& text, FlagCommand& command) {
  std::string names = upper(text), function = "ABS";
  for (const char* prefix : {"ABS_", "REAL_", "IMAG_", "ARG_", "NORM_"})
    if (names.rfind(prefix, 0) == 0) {
      function = std::string(prefix).substr(0, std::string(prefix).size() - 1);
      names = names.substr(std::string(prefix).size());
    }
  if (names == "ALL") names.clear();
  command.selection.correlation = names;
  command.clip_expression = function + "_" + (names.empty() ? "ALL" : names);
}

FlagCommand commandFrom(const Config& config) {
  FlagCommand c;
  c.mode = lowerCaseValue(config, "mode");
  if (!kModes.count(c.mode))
    throw ConfigError("key 'mode': '" + c.mode + "' is not a flagdata mode (manual, list, clip, quack, shadow, summary, rflag)");
  c.selection = selectionFrom(config);
  splitCorrelation(c.selection.correlation, c);
  c.autocorr = config.boolean("autocorr");
  c.reason = config.string("reason");
  c.clipminmax = config.realList("clipminmax");
  if (!c.clipminmax.empty() && (c.clipminmax.size() != 2 || !(c.clipminmax[0] < c.clipminmax[1])))
    throw ConfigError("key 'clipminmax': give [min, max] with min < max (or [] to clip only NaN and Inf)");
  c.datacolumn = upper(config.string("datacolumn"));
  if (c.datacolumn == "CORRECTED" || c.datacolumn == "MODEL") c.datacolumn += "_DATA";
  if (c.datacolumn != "DATA" && c.datacolumn != "CORRECTED_DATA" && c.datacolumn != "MODEL_DATA" && c.datacolumn != "FLOAT_DATA")
    throw ConfigError("key 'datacolumn': '" + config.string("datacolumn") + "' must be DATA, CORRECTED, MODEL or FLOAT_DATA");
  c.clipoutside = config.boolean("clipoutside");
  c.clipzeros = config.boolean("clipzeros");
  c.quackinterval = config.real("quackinterval");
  if (c.quackinterval < 0) throw ConfigError("key 'quackinterval' must be 0 or more seconds");
  c.quackmode = lowerCaseValue(config, "quackmode");
  if (c.quackmode != "beg" && c.quackmode != "endb" && c.quackmode != "end" && c.quackmode != "tail")
    throw ConfigError("key 'quackmode': '" + c.quackmode + "' must be beg, endb, end or tail");
  c.tolerance = config.real("tolerance");
  c.timedevscale = config.real("timedevscale");
  c.freqdevscale = config.real("freqdevscale");
  c.winsize = config.integer("winsize");
  if (c.winsize < 1) throw ConfigError("key 'winsize' must be at least 1 channel");
  c.timedev = config.real("timedev");
  c.freqdev = config.real("freqdev");
  return c;
}

/// One command line as "key=value" overrides: values in quotes may hold spaces; Python's
/// True/False are TOML's true/false.
std::vector<std::string> commandTokens(const std::string& line) {
  std::vector<std::string> tokens;
  std::string token;
  char quote = 0;
  int depth = 0;
  for (char ch : line) {
    if (quote) {
      token += ch;
      if (ch == quote) quote = 0;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
      token += ch;
    } else if (ch == '[') {
      ++depth;
      token += ch;
    } else if (ch == ']') {
      --depth;
      token += ch;
    } else if ((ch == ' ' || ch == '\t') && depth == 0) {
      if (!token.empty()) tokens.push_back(token);
      token.clear();
    } else {
      token += ch;
    }
  }
  if (!token.empty()) tokens.push_back(token);
  for (auto& t : tokens) {
    const auto eq = t.find('=');
    if (eq == std::string::npos) continue;
    const std::string value = t.substr(eq + 1);
    if (value == "True") t = t.substr(0, eq + 1) + "true";
    if (value == "False") t = t.substr(0, eq + 1) + "false";
  }
  return tokens;
}

}  // namespace

const std::vector<KeySpec>& flagdataKeys() {
  static const std::vector<KeySpec> keys = [] {
    std::vector<KeySpec> keys = {
        {"vis", KeyType::String, "", "required: the MS or Multi-MS, flagged in place"},
        {"mode", KeyType::String, "'manual'", "manual, list, clip, quack, shadow, summary or rflag"},
        {"autocorr", KeyType::Bool, "false", "only autocorrelations"},
        {"inpfile", KeyType::String, "''", "mode='list': a file of flag commands, one per line"},
        {"reason", KeyType::String, "'any'", "mode='list': apply only the commands with this reason"},
    };
    for (auto& key : selectionKeySpecs("spectral window and channel selection, CASA syntax"))
      keys.push_back(std::move(key));
    std::vector<KeySpec> more = {
        {"datacolumn", KeyType::String, "'DATA'", "clip and rflag: DATA, CORRECTED, MODEL or FLOAT_DATA"},
        {"clipminmax", KeyType::DoubleList, "[]", "clip: [min, max] of the values kept"},
        {"clipoutside", KeyType::Bool, "true", "clip: flag outside [min, max] (false: inside)"},
        {"clipzeros", KeyType::Bool, "false", "clip: flag exact zeros"},
        {"quackinterval", KeyType::Double, "1.0", "quack: seconds flagged at each scan's start or end"},
        {"quackmode", KeyType::String, "'beg'", "quack: beg, endb (end of scan), end (all but the start), tail (all but the end)"},
        {"tolerance", KeyType::Double, "0.0", "shadow: metres of overlap allowed"},
        {"timedev", KeyType::Double, "0.0", "rflag: time-deviation threshold (0: computed per Sub-MS)"},
        {"freqdev", KeyType::Double, "0.0", "rflag: spectral-deviation threshold (0: computed per Sub-MS)"},
        {"timedevscale", KeyType::Double, "5.0", "rflag: flag where the time deviation exceeds this times timedev"},
        {"freqdevscale", KeyType::Double, "5.0", "rflag: flag where the spectral deviation exceeds this times freqdev"},
        {"winsize", KeyType::Int, "3", "rflag: time steps in the sliding window"},
        {"action", KeyType::String, "'apply'", "apply (write the flags), calculate (count only) or none"},
        {"flagbackup", KeyType::Bool, "true", "save the flags to <vis>.flagversions first (flags.flagdata_N)"},
    };
    for (auto& key : more) keys.push_back(std::move(key));
    return keys;
  }();
  return keys;
}

FlagSettings flagSettingsFrom(const Config& config) {
  FlagSettings s;
  s.vis = config.has("vis") ? config.string("vis") : "";
  if (s.vis.empty()) throw ConfigError("key 'vis' is required: the MS or Multi-MS to flag");
  s.action = lowerCaseValue(config, "action");
  if (s.action != "apply" && s.action != "calculate" && s.action != "none")
    throw ConfigError("key 'action': '" + s.action + "' must be apply, calculate or none");
  s.flagbackup = config.boolean("flagbackup");
  const std::string mode = lowerCaseValue(config, "mode");
  if (mode == "list") {
    const std::string inpfile = config.string("inpfile");
    if (inpfile.empty()) throw ConfigError("key 'inpfile' is required with mode='list'");
    s.commands = readFlagCommands(inpfile, config.string("reason"));
  } else {
    s.commands.push_back(commandFrom(config));
    s.summary = s.commands[0].mode == "summary";
  }
  return s;
}

std::vector<FlagCommand> readFlagCommands(const std::string& path, const std::string& reason) {
  std::ifstream in(path);
  if (!in) throw ConfigError("key 'inpfile': cannot read '" + path + "'");
  std::vector<FlagCommand> commands;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos) line = line.substr(0, hash);
    const auto tokens = commandTokens(line);
    if (tokens.empty()) continue;
    try {
      for (const auto& token : tokens)
        if (token.find('=') == std::string::npos) throw ConfigError("'" + token + "' is not key=value");
      const FlagCommand command = commandFrom(Config::load(flagdataKeys(), "", tokens));
      if (command.mode == "list" || command.mode == "summary")
        throw ConfigError("mode '" + command.mode + "' cannot be a command of a list");
      if (reason != "any" && command.reason != reason) continue;
      commands.push_back(command);
    } catch (const ConfigError& error) {
      throw ConfigError("inpfile '" + path + "', line " + std::to_string(number) + ": " + error.what());
    }
  }
  if (commands.empty())
    throw ConfigError("inpfile '" + path + "' holds no flag command" + (reason == "any" ? "" : " with reason '" + reason + "'"));
  return commands;
}

}  // namespace ptclean::imager
