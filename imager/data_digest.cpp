#include "data_digest.h"

#include <bit>
#include <cstring>

namespace ptclean::imager {
namespace {

// splitmix64's finaliser: every input bit reaches every output bit, so that summing row hashes
// does not let changes in different rows cancel out.
std::uint64_t scramble(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t combine(std::uint64_t hash, std::uint64_t value) { return scramble(hash ^ (value + 0x9e3779b97f4a7c15ULL)); }

}  // namespace

DataDigest digestOf(const std::vector<SpwBlock>& blocks) {
  DataDigest digest;
  for (const auto& block : blocks) {
    const std::size_t channels = block.freq_hz.size();
    for (std::size_t row = 0; row < block.rows(); ++row) {
      std::uint64_t hash = combine(0, std::uint64_t(block.data_desc));
      for (int k = 0; k < 3; ++k) hash = combine(hash, std::bit_cast<std::uint64_t>(block.uvw_m[3 * row + k]));
      for (std::size_t c = 0; c < channels; ++c)
        hash = combine(hash, std::bit_cast<std::uint32_t>(block.weight[row * channels + c]));
      digest.checksum += hash;
      ++digest.rows;
    }
  }
  return digest;
}

}  // namespace ptclean::imager
