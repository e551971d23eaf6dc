// The `ptclean` command line: subcommands, one-line errors and exit codes.
//   exit 0: success; 1: bad data or a failure while running; 2: bad command line or config.
#pragma once

namespace ptclean::imager {

int runCli(int argc, char** argv);

}  // namespace ptclean::imager
