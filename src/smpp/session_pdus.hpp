#pragma once
// Session management PDUs (SMPP 3.4 section 4.1, 4.2, 4.11): binds, outbind, unbind,
// enquire_link and generic_nack. Field names are the spec's; `visit` is the single field
// list that encode, decode, size, printing and the tests walk, in wire order.

#include <cstdint>

#include "smpp/command_id.hpp"
#include "smpp/fields.hpp"
#include "smpp/tlv.hpp"

namespace smppd::smpp {

// A PDU with a header and nothing else: generic_nack, unbind(_resp), enquire_link(_resp),
// cancel_sm_resp, replace_sm_resp. Any body bytes are an error (ESME_RINVCMDLEN).
template <command_id Id>
struct empty_body {
  static constexpr command_id id = Id;
  template <class Self, class V>
  static void visit(Self&, V&&) {}
  friend bool operator==(const empty_body&, const empty_body&) = default;
};

using generic_nack = empty_body<command_id::generic_nack>;
using unbind = empty_body<command_id::unbind>;
using unbind_resp = empty_body<command_id::unbind_resp>;
using enquire_link = empty_body<command_id::enquire_link>;
using enquire_link_resp = empty_body<command_id::enquire_link_resp>;

// bind_transmitter / bind_receiver / bind_transceiver (4.1.1, 4.1.3, 4.1.5): same layout.
template <command_id Id>
struct bind_body {
  static constexpr command_id id = Id;
  c_octet_string<16> system_id;
  c_octet_string<9> password;
  c_octet_string<13> system_type;
  std::uint8_t interface_version = 0x34;
  std::uint8_t addr_ton = 0;
  std::uint8_t addr_npi = 0;
  c_octet_string<41> address_range;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"system_id", command_status::esme_rinvsysid}, self.system_id);
    v(field_name{"password", command_status::esme_rinvpaswd}, self.password);
    v(field_name{"system_type", command_status::esme_rinvsystyp}, self.system_type);
    v("interface_version", self.interface_version);
    v("addr_ton", self.addr_ton);
    v("addr_npi", self.addr_npi);
    v("address_range", self.address_range);
  }
  friend bool operator==(const bind_body&, const bind_body&) = default;
};

using bind_transmitter = bind_body<command_id::bind_transmitter>;
using bind_receiver = bind_body<command_id::bind_receiver>;
using bind_transceiver = bind_body<command_id::bind_transceiver>;

// bind_*_resp (4.1.2, 4.1.4, 4.1.6); the TLV sc_interface_version is optional.
template <command_id Id>
struct bind_resp_body {
  static constexpr command_id id = Id;
  c_octet_string<16> system_id;
  tlv_list tlvs;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"system_id", command_status::esme_rinvsysid}, self.system_id);
    v("tlvs", self.tlvs);
  }
  friend bool operator==(const bind_resp_body&, const bind_resp_body&) = default;
};

using bind_transmitter_resp = bind_resp_body<command_id::bind_transmitter_resp>;
using bind_receiver_resp = bind_resp_body<command_id::bind_receiver_resp>;
using bind_transceiver_resp = bind_resp_body<command_id::bind_transceiver_resp>;

// outbind (4.1.7): the SMSC asks the ESME to bind_receiver.
struct outbind {
  static constexpr command_id id = command_id::outbind;
  c_octet_string<16> system_id;
  c_octet_string<9> password;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"system_id", command_status::esme_rinvsysid}, self.system_id);
    v(field_name{"password", command_status::esme_rinvpaswd}, self.password);
  }
  friend bool operator==(const outbind&, const outbind&) = default;
};

}  // namespace smppd::smpp
