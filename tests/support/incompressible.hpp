#pragma once
// Random letters: what LZ4 cannot shrink. The store's journal rows are compressed, so a
// test that must fill pages (a full disk) writes these, not one repeated octet.

#include <cstddef>
#include <cstdint>
#include <random>

namespace smppd::test_support {

template <class Octets>
Octets incompressible(std::size_t size, std::uint32_t seed = 1) {
  std::mt19937 random(seed);
  Octets out(size, 0);
  for (auto& c : out) c = static_cast<typename Octets::value_type>('a' + random() % 26);
  return out;
}

}  // namespace smppd::test_support
