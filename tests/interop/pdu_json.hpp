#pragma once
// One JSON "wire form" that every peer's view of a PDU is turned into, so the tests compare
// like with like: integers as numbers, C-octet strings as strings, octet strings as
// {"hex": "..."}, submit_multi's lists as arrays of objects, and TLVs under "tlvs" keyed by
// their SMPP 3.4 names (a tag outside 3.4, such as smppd's 0x2900, by "0x2900"), integer
// TLVs as numbers. tests/interop/node/vectors.js prints the same form.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "smpp/pdu.hpp"
#include "smpp/tlv.hpp"

namespace smppd::interop {

using json = nlohmann::ordered_json;

// Header (command, command_id, command_status, sequence_number) and every body field.
json to_json(const smpp::pdu& p);

// The key for a TLV tag in the wire form ("message_payload", or "0x2900").
std::string tlv_key(std::uint16_t tag);
// A TLV value in the wire form, typed by what SMPP 3.4 says the tag holds.
json tlv_value_json(std::uint16_t tag, const std::uint8_t* value, std::size_t length);
// The inverse: the octets of a TLV value given in the wire form; false if unusable.
bool tlv_value_bytes(std::uint16_t tag, const json& value, std::vector<std::uint8_t>& out);
// A TLV tag from its key, or 0 when the key names none.
std::uint16_t tlv_tag_of(const std::string& key);

// Every place where `actual` differs from `expected`, looking only at keys that `expected`
// has (objects), element by element (arrays); one line per difference, empty when equal.
std::vector<std::string> differences(const json& expected, const json& actual,
                                     const std::string& path = "");

// Both ways: the keys of each must be in the other, with equal values.
std::vector<std::string> differences_both_ways(const json& a, const json& b);

std::string join_lines(const std::vector<std::string>& lines);

}  // namespace smppd::interop
