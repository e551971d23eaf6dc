#include "sweep_mixes.h"

namespace ptclean::bench {

std::vector<Mix> sweepMixes(int cores, bool oversubscribe, bool wsclean) {
  std::vector<Mix> mixes{{1, 1}};
  auto addProducts = [&](int product) {
    for (int r = 1; r <= product; ++r)
      if (product % r == 0 && !(r == 1 && product == 1)) mixes.push_back({r, product / r});
  };
  addProducts(cores);
  if (oversubscribe) addProducts(2 * cores);
  if (wsclean) mixes.push_back({1, cores, true});
  return mixes;
}

}  // namespace ptclean::bench
