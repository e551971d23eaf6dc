// C++17 (its implementation includes casacore). The mutations of the MS fuzz target: one text
// line each, a letter and integers, applied to the copy of the template MS (ms_fuzz_template.h).
//
//   applyMutation("/dev/shm/x/work.ms", "n 0 1 7");  // DATA_DESCRIPTION row 1: spw id 7
//
// Row numbers are taken modulo the table's rows; ids and counts are written as given. The
// letters are listed in docs/fuzzing.md. A mutation that casacore refuses throws its AipsError.
#pragma once

#include <string>

namespace ptclean::fuzz {

void applyMutation(const std::string& ms_path, const std::string& line);

}  // namespace ptclean::fuzz
