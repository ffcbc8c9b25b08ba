#pragma once
// One PDU of every SMPP 3.4 type (several of the message PDUs), built with smppd's own
// structs: "what we set". Every interop test encodes these with smppd and hands the bytes
// to a peer.

#include <string>
#include <vector>

#include "smpp/pdu.hpp"

namespace smppd::interop {

struct sample {
  std::string name;
  smpp::pdu value;
  // What short_message (or message_payload) reads as, in UTF-8, when the sample carries
  // text in an encoding the peers decode (data_coding 0, 3, 8); empty otherwise.
  std::string text;
};

const std::vector<sample>& samples();

// The sample with this name; throws std::out_of_range when there is none.
const sample& sample_named(const std::string& name);

// The octets of `text` (UTF-8) as UCS-2 big-endian; UTF-16 for characters beyond the BMP.
std::vector<std::uint8_t> utf16be(const std::string& text);

}  // namespace smppd::interop
