// Decodes any bytes as one frame. Whatever decodes must re-encode to bytes that decode to an
// equal PDU, of exactly encoded_size(), and re-encode identically (encoding is canonical).

#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "smpp/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smppd::smpp;
  const decode_result first = decode(std::span<const std::uint8_t>(data, size));
  if (!first) {
    std::vector<std::uint8_t> answer;
    encode_error_response(first.error(), answer);
    if (answer.size() != header_size) std::abort();
    if (first.error().status == command_status::esme_rok) std::abort();
    return 0;
  }
  (void)to_string(*first);
  const std::vector<std::uint8_t> bytes = encode(*first);
  if (bytes.size() != encoded_size(*first)) std::abort();
  const decode_result second = decode(bytes);
  if (!second || !(*second == *first)) std::abort();
  if (encode(*second) != bytes) std::abort();
  return 0;
}
