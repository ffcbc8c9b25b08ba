#include "smpp/framer.hpp"

#include "smpp/detail/wire.hpp"

namespace smppd::smpp {

pdu_header read_header(std::span<const std::uint8_t, header_size> bytes) noexcept {
  const std::uint8_t* p = bytes.data();
  return {detail::load_u32(p), static_cast<smpp::command_id>(detail::load_u32(p + 4)),
          static_cast<smpp::command_status>(detail::load_u32(p + 8)), detail::load_u32(p + 12)};
}

frame_result next_frame(std::span<const std::uint8_t> buffered,
                        std::size_t max_pdu_bytes) noexcept {
  frame_result result;
  if (buffered.size() < header_size) {
    result.kind = frame_kind::need_more;
    result.size = header_size - buffered.size();
    return result;
  }
  result.header = read_header(buffered.first<header_size>());
  const std::size_t length = result.header.command_length;
  if (length < header_size || length > max_pdu_bytes) {
    result.kind = frame_kind::fatal;
    result.size = 0;
    result.status = command_status::esme_rinvcmdlen;
    return result;
  }
  if (buffered.size() < length) {
    result.kind = frame_kind::need_more;
    result.size = length - buffered.size();
    return result;
  }
  result.kind = frame_kind::frame;
  result.size = length;
  return result;
}

}  // namespace smppd::smpp
