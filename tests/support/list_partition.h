// What `ptclean listpartition --json` says of an MS or Multi-MS, for the Multi-MS tests.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "test_support.h"

namespace ptclean::testing {

/// CASA's createdict structure for `vis`; a failed run fails the calling test.
inline nlohmann::json listPartitionJson(const std::string& vis) {
  auto r = runCommand(ptcleanBinary() + " listpartition " + vis + " --json 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return nlohmann::json::parse(r.output);
}

/// Rows over every Sub-MS and scan of a createdict structure.
inline std::size_t totalRows(const nlohmann::json& dict) {
  std::size_t rows = 0;
  for (const auto& [index, part] : dict.items())
    for (const auto& [scan, info] : part["scanId"].items()) rows += info["nrows"].get<std::size_t>();
  return rows;
}

}  // namespace ptclean::testing
