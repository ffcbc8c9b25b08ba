#pragma once
// Optional parameters (TLVs, SMPP 3.4 section 5.3). A `tlv_list` keeps the TLVs of a PDU in
// wire order and wire form, unknown tags included, so they re-encode verbatim; standard tags
// are known by name with their length rules.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "smpp/command_status.hpp"
#include "smpp/detail/small_bytes.hpp"

namespace smppd::smpp {

enum class tlv_tag : std::uint16_t {
  dest_addr_subunit = 0x0005,
  dest_network_type = 0x0006,
  dest_bearer_type = 0x0007,
  dest_telematics_id = 0x0008,
  source_addr_subunit = 0x000D,
  source_network_type = 0x000E,
  source_bearer_type = 0x000F,
  source_telematics_id = 0x0010,
  qos_time_to_live = 0x0017,
  payload_type = 0x0019,
  additional_status_info_text = 0x001D,
  receipted_message_id = 0x001E,
  ms_msg_wait_facilities = 0x0030,
  privacy_indicator = 0x0201,
  source_subaddress = 0x0202,
  dest_subaddress = 0x0203,
  user_message_reference = 0x0204,
  user_response_code = 0x0205,
  source_port = 0x020A,
  destination_port = 0x020B,
  sar_msg_ref_num = 0x020C,
  language_indicator = 0x020D,
  sar_total_segments = 0x020E,
  sar_segment_seqnum = 0x020F,
  sc_interface_version = 0x0210,
  callback_num_pres_ind = 0x0302,
  callback_num_atag = 0x0303,
  number_of_messages = 0x0304,
  callback_num = 0x0381,
  dpf_result = 0x0420,
  set_dpf = 0x0421,
  ms_availability_status = 0x0422,
  network_error_code = 0x0423,
  message_payload = 0x0424,
  delivery_failure_reason = 0x0425,
  more_messages_to_send = 0x0426,
  message_state = 0x0427,
  ussd_service_op = 0x0501,
  display_time = 0x1201,
  sms_signal = 0x1203,
  ms_validity = 0x1204,
  alert_on_message_delivery = 0x130C,
  its_reply_type = 0x1380,
  its_session_info = 0x1383,
  // smppd's own (vendor range 0x1400-0x3FFF): the message class name, an octet string.
  message_class = 0x2900,
};

// How a known tag's value is typed; decides what get_string()/set_string() do with a NUL.
enum class tlv_kind : std::uint8_t { integer, c_octet_string, octet_string, empty };

// The length rule of a known tag: the value length must lie in [min_length, max_length].
struct tlv_info {
  tlv_tag tag;
  std::string_view name;
  tlv_kind kind;
  std::uint16_t min_length;
  std::uint16_t max_length;
};

// The rule for a known tag; nullptr for a tag smppd does not know.
const tlv_info* find_tlv_info(tlv_tag tag) noexcept;

// "receipted_message_id"; empty for an unknown tag.
std::string_view name(tlv_tag tag) noexcept;
// The name, or "0x%04x" for an unknown tag.
std::string to_string(tlv_tag tag);

// One TLV as stored: the value is a view into its tlv_list.
struct tlv_view {
  tlv_tag tag;
  std::span<const std::uint8_t> value;
};

class tlv_list {
 public:
  // Inline room covers a receipt's receipted_message_id + message_state + network_error_code
  // + user_message_reference; larger lists (message_payload) spill to the heap.
  static constexpr std::size_t inline_bytes = 96;
  static constexpr std::size_t header_size = 4;  // tag and length, two octets each

  class iterator {
   public:
    using value_type = tlv_view;
    using difference_type = std::ptrdiff_t;
    iterator() noexcept = default;
    tlv_view operator*() const noexcept;
    iterator& operator++() noexcept;
    iterator operator++(int) noexcept {
      iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.at_ == b.at_; }

   private:
    friend class tlv_list;
    explicit iterator(const std::uint8_t* at) noexcept : at_(at) {}
    const std::uint8_t* at_ = nullptr;
  };

  iterator begin() const noexcept { return iterator(bytes_.data()); }
  iterator end() const noexcept { return iterator(bytes_.data() + bytes_.size()); }
  bool empty() const noexcept { return bytes_.empty(); }
  std::size_t count() const noexcept;
  // Bytes on the wire: four header octets plus the value, per TLV.
  std::size_t wire_size() const noexcept { return bytes_.size(); }
  std::span<const std::uint8_t> wire_bytes() const noexcept { return bytes_.span(); }

  // The first TLV with this tag.
  std::optional<tlv_view> find(tlv_tag tag) const noexcept;
  bool contains(tlv_tag tag) const noexcept { return find(tag).has_value(); }

  // Typed reads of the first TLV with this tag: nullopt when absent or of another size.
  // Integers are big-endian (section 3.1).
  std::optional<std::uint8_t> get_u8(tlv_tag tag) const noexcept;
  std::optional<std::uint16_t> get_u16(tlv_tag tag) const noexcept;
  std::optional<std::uint32_t> get_u32(tlv_tag tag) const noexcept;
  // The value as text, without the trailing NUL of a C-octet string (if present).
  std::optional<std::string_view> get_string(tlv_tag tag) const noexcept;

  // Replace every TLV with this tag by one with `value`, appended at the end. False (and the
  // list unchanged) when the value breaks the tag's length rule or exceeds 65535 octets.
  bool set(tlv_tag tag, std::span<const std::uint8_t> value);
  bool set_u8(tlv_tag tag, std::uint8_t value);
  bool set_u16(tlv_tag tag, std::uint16_t value);
  bool set_u32(tlv_tag tag, std::uint32_t value);
  // A NUL is appended for tags typed as C-octet strings (receipted_message_id, ...).
  bool set_string(tlv_tag tag, std::string_view value);
  // Append without removing others, for tags that may repeat (callback_num).
  bool append(tlv_tag tag, std::span<const std::uint8_t> value);
  // Removes every TLV with this tag; returns how many.
  std::size_t erase(tlv_tag tag);
  void clear() noexcept { bytes_.clear(); }

  // Checks a TLV stream from the wire and takes it verbatim. ESME_RINVOPTPARSTREAM for a
  // truncated header or a length past the end, ESME_RINVPARLEN for a known tag of the wrong
  // length; on failure the list is left empty.
  command_status parse(std::span<const std::uint8_t> wire);

  friend bool operator==(const tlv_list& a, const tlv_list& b) noexcept {
    return a.bytes_ == b.bytes_;
  }

 private:
  detail::small_bytes<inline_bytes> bytes_;
};

}  // namespace smppd::smpp
