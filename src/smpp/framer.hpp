#pragma once
// Splits a byte stream into PDUs (SMPP 3.4 section 3.2: a 4-octet command_length counts the
// whole PDU). Pure: it looks at what is buffered and says what to do next; the caller owns
// the buffer and decodes a complete frame in place.

#include <cstddef>
#include <cstdint>
#include <span>

#include "smpp/command_id.hpp"
#include "smpp/command_status.hpp"

namespace smppd::smpp {

inline constexpr std::size_t header_size = 16;

// The fixed header, read without judging it.
struct pdu_header {
  std::uint32_t command_length = 0;
  smpp::command_id command_id = smpp::command_id{0};
  smpp::command_status command_status = smpp::command_status::esme_rok;
  std::uint32_t sequence_number = 0;
};

// Reads the header from at least 16 bytes.
pdu_header read_header(std::span<const std::uint8_t, header_size> bytes) noexcept;

enum class frame_kind : std::uint8_t {
  need_more,  // `size` is how many more bytes are needed at least
  frame,      // `size` is the frame's length: bytes [0, size) are one PDU
  fatal,      // the stream cannot be framed: answer generic_nack `status`, then close
};

struct frame_result {
  frame_kind kind = frame_kind::need_more;
  std::size_t size = 0;
  // Set for `frame` and `fatal`: the header of the PDU at the front of the buffer, so a
  // fatal result can be answered with that command_id's sequence_number.
  pdu_header header;
  // ESME_RINVCMDLEN for `fatal`; ESME_ROK otherwise.
  smpp::command_status status = smpp::command_status::esme_rok;
};

// Looks at the bytes buffered so far. The verdict waits for the whole 16-byte header, so it
// does not depend on how the stream was chunked and a fatal result always carries the
// sequence_number: command_length < 16 or > max_pdu_bytes is fatal (ESME_RINVCMDLEN).
frame_result next_frame(std::span<const std::uint8_t> buffered, std::size_t max_pdu_bytes) noexcept;

}  // namespace smppd::smpp
