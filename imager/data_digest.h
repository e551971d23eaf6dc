// A fingerprint of the selected data: the row count and a checksum of UVW and the natural
// weights. A checkpoint keeps it, so that a restart on other data is refused. The checksum is a
// sum of per-row hashes, so it does not depend on how the rows are shared among ranks.
#pragma once

#include <cstdint>
#include <vector>

#include "ms_reader.h"

namespace ptclean::imager {

struct DataDigest {
  std::uint64_t rows = 0;
  std::uint64_t checksum = 0;  ///< sum over rows of a hash of the row's UVW and weights, mod 2^64
  DataDigest& operator+=(const DataDigest& other) {
    rows += other.rows;
    checksum += other.checksum;
    return *this;
  }
  bool operator==(const DataDigest&) const = default;
};

/// The digest of blocks as read (before imaging weights replace the natural ones).
DataDigest digestOf(const std::vector<SpwBlock>& blocks);

}  // namespace ptclean::imager
