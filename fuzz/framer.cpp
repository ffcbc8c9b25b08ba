// Frames a byte stream two ways, all at once and one byte at a time: both must yield the
// same frames and the same final verdict, and every frame must lie inside the buffer.

#include "smpp/framer.hpp"

#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "smpp/codec.hpp"

namespace {

constexpr std::size_t max_pdu_bytes = 4096;

struct outcome {
  std::vector<std::size_t> frames;
  smppd::smpp::frame_kind last = smppd::smpp::frame_kind::need_more;
  bool operator==(const outcome&) const = default;
};

outcome all_at_once(std::span<const std::uint8_t> stream) {
  outcome out;
  for (;;) {
    const auto r = smppd::smpp::next_frame(stream, max_pdu_bytes);
    out.last = r.kind;
    if (r.kind != smppd::smpp::frame_kind::frame) break;
    if (r.size < smppd::smpp::header_size || r.size > stream.size()) std::abort();
    (void)smppd::smpp::decode(stream.first(r.size));
    out.frames.push_back(r.size);
    stream = stream.subspan(r.size);
  }
  return out;
}

outcome byte_by_byte(std::span<const std::uint8_t> stream) {
  outcome out;
  std::size_t start = 0;
  for (std::size_t end = 1; end <= stream.size(); ++end) {
    for (;;) {
      const auto r = smppd::smpp::next_frame(stream.subspan(start, end - start), max_pdu_bytes);
      out.last = r.kind;
      if (r.kind == smppd::smpp::frame_kind::fatal) return out;
      if (r.kind == smppd::smpp::frame_kind::need_more) {
        if (r.size == 0) std::abort();
        break;
      }
      out.frames.push_back(r.size);
      start += r.size;
    }
  }
  if (stream.empty()) out.last = smppd::smpp::next_frame(stream, max_pdu_bytes).kind;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> stream(data, size);
  if (!(all_at_once(stream) == byte_by_byte(stream))) std::abort();
  return 0;
}
