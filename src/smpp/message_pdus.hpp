#pragma once
// Message PDUs (SMPP 3.4 sections 4.4-4.12). Field names are the spec's; length fields
// (sm_length, number_of_dests, no_unsuccess) are derived from the content on encode.

#include <cstdint>
#include <variant>

#include "smpp/command_id.hpp"
#include "smpp/command_status.hpp"
#include "smpp/fields.hpp"
#include "smpp/session_pdus.hpp"
#include "smpp/tlv.hpp"

namespace smppd::smpp {

// esm_class (5.2.12) bit 6, UDHI: the short message starts with a user data header.
inline constexpr std::uint8_t esm_udhi = 0x40;

// submit_sm (4.4.1) and deliver_sm (4.6.1) share one layout. In deliver_sm the spec sets
// schedule_delivery_time, validity_period and replace_if_present_flag to NULL/0.
template <command_id Id>
struct short_message_body {
  static constexpr command_id id = Id;
  c_octet_string<6> service_type;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  c_octet_string<21> source_addr;
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  c_octet_string<21> destination_addr;
  std::uint8_t esm_class = 0;
  std::uint8_t protocol_id = 0;
  std::uint8_t priority_flag = 0;
  time_string schedule_delivery_time;
  time_string validity_period;
  std::uint8_t registered_delivery = 0;
  std::uint8_t replace_if_present_flag = 0;
  std::uint8_t data_coding = 0;
  std::uint8_t sm_default_msg_id = 0;
  short_message_string short_message;  // sm_length is short_message.size()
  tlv_list tlvs;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"service_type", command_status::esme_rinvsertyp}, self.service_type);
    v("source_addr_ton", self.source_addr_ton);
    v("source_addr_npi", self.source_addr_npi);
    v(field_name{"source_addr", command_status::esme_rinvsrcadr}, self.source_addr);
    v("dest_addr_ton", self.dest_addr_ton);
    v("dest_addr_npi", self.dest_addr_npi);
    v(field_name{"destination_addr", command_status::esme_rinvdstadr}, self.destination_addr);
    v("esm_class", self.esm_class);
    v("protocol_id", self.protocol_id);
    v("priority_flag", self.priority_flag);
    v(field_name{"schedule_delivery_time", command_status::esme_rinvsched},
      self.schedule_delivery_time);
    v(field_name{"validity_period", command_status::esme_rinvexpiry}, self.validity_period);
    v("registered_delivery", self.registered_delivery);
    v("replace_if_present_flag", self.replace_if_present_flag);
    v("data_coding", self.data_coding);
    v("sm_default_msg_id", self.sm_default_msg_id);
    v("short_message", self.short_message);
    v("tlvs", self.tlvs);
  }
  friend bool operator==(const short_message_body&, const short_message_body&) = default;
};

using submit_sm = short_message_body<command_id::submit_sm>;
using deliver_sm = short_message_body<command_id::deliver_sm>;

// submit_sm_resp (4.4.2), deliver_sm_resp (4.6.2: message_id unused, sent as a lone NUL).
template <command_id Id>
struct message_id_resp_body {
  static constexpr command_id id = Id;
  c_octet_string<65> message_id;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"message_id", command_status::esme_rinvmsgid}, self.message_id);
  }
  friend bool operator==(const message_id_resp_body&, const message_id_resp_body&) = default;
};

using submit_sm_resp = message_id_resp_body<command_id::submit_sm_resp>;
using deliver_sm_resp = message_id_resp_body<command_id::deliver_sm_resp>;

// submit_multi dest_address entries (4.5.1.1): dest_flag 1 is an SME address, 2 a
// distribution list name. The flag is the variant index + 1, so it cannot disagree.
struct sme_dest_address {
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  c_octet_string<21> destination_addr;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v("dest_addr_ton", self.dest_addr_ton);
    v("dest_addr_npi", self.dest_addr_npi);
    v(field_name{"destination_addr", command_status::esme_rinvdstadr}, self.destination_addr);
  }
  friend bool operator==(const sme_dest_address&, const sme_dest_address&) = default;
};

struct distribution_list {
  c_octet_string<21> dl_name;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"dl_name", command_status::esme_rinvdlname}, self.dl_name);
  }
  friend bool operator==(const distribution_list&, const distribution_list&) = default;
};

using dest_address = std::variant<sme_dest_address, distribution_list>;

// submit_multi (4.5.1): number_of_dests is dest_address.size(), at most 254.
struct submit_multi {
  static constexpr command_id id = command_id::submit_multi;
  c_octet_string<6> service_type;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  c_octet_string<21> source_addr;
  bounded_list<smpp::dest_address, 254> dest_address;
  std::uint8_t esm_class = 0;
  std::uint8_t protocol_id = 0;
  std::uint8_t priority_flag = 0;
  time_string schedule_delivery_time;
  time_string validity_period;
  std::uint8_t registered_delivery = 0;
  std::uint8_t replace_if_present_flag = 0;
  std::uint8_t data_coding = 0;
  std::uint8_t sm_default_msg_id = 0;
  short_message_string short_message;
  tlv_list tlvs;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"service_type", command_status::esme_rinvsertyp}, self.service_type);
    v("source_addr_ton", self.source_addr_ton);
    v("source_addr_npi", self.source_addr_npi);
    v(field_name{"source_addr", command_status::esme_rinvsrcadr}, self.source_addr);
    v(field_name{"dest_address", command_status::esme_rinvnumdests}, self.dest_address);
    v("esm_class", self.esm_class);
    v("protocol_id", self.protocol_id);
    v("priority_flag", self.priority_flag);
    v(field_name{"schedule_delivery_time", command_status::esme_rinvsched},
      self.schedule_delivery_time);
    v(field_name{"validity_period", command_status::esme_rinvexpiry}, self.validity_period);
    v("registered_delivery", self.registered_delivery);
    v("replace_if_present_flag", self.replace_if_present_flag);
    v("data_coding", self.data_coding);
    v("sm_default_msg_id", self.sm_default_msg_id);
    v("short_message", self.short_message);
    v("tlvs", self.tlvs);
  }
  friend bool operator==(const submit_multi&, const submit_multi&) = default;
};

// One failed destination in submit_multi_resp (4.5.2.1).
struct unsuccess_sme {
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  c_octet_string<21> destination_addr;
  command_status error_status_code = command_status::esme_rok;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v("dest_addr_ton", self.dest_addr_ton);
    v("dest_addr_npi", self.dest_addr_npi);
    v(field_name{"destination_addr", command_status::esme_rinvdstadr}, self.destination_addr);
    v("error_status_code", self.error_status_code);
  }
  friend bool operator==(const unsuccess_sme&, const unsuccess_sme&) = default;
};

// submit_multi_resp (4.5.2): no_unsuccess is unsuccess_sme.size().
struct submit_multi_resp {
  static constexpr command_id id = command_id::submit_multi_resp;
  c_octet_string<65> message_id;
  bounded_list<smpp::unsuccess_sme, 254> unsuccess_sme;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"message_id", command_status::esme_rinvmsgid}, self.message_id);
    v("unsuccess_sme", self.unsuccess_sme);
  }
  friend bool operator==(const submit_multi_resp&, const submit_multi_resp&) = default;
};

// data_sm (4.7.1): addresses up to 64 characters; the message travels in TLVs.
struct data_sm {
  static constexpr command_id id = command_id::data_sm;
  c_octet_string<6> service_type;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  c_octet_string<65> source_addr;
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  c_octet_string<65> destination_addr;
  std::uint8_t esm_class = 0;
  std::uint8_t registered_delivery = 0;
  std::uint8_t data_coding = 0;
  tlv_list tlvs;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"service_type", command_status::esme_rinvsertyp}, self.service_type);
    v("source_addr_ton", self.source_addr_ton);
    v("source_addr_npi", self.source_addr_npi);
    v(field_name{"source_addr", command_status::esme_rinvsrcadr}, self.source_addr);
    v("dest_addr_ton", self.dest_addr_ton);
    v("dest_addr_npi", self.dest_addr_npi);
    v(field_name{"destination_addr", command_status::esme_rinvdstadr}, self.destination_addr);
    v("esm_class", self.esm_class);
    v("registered_delivery", self.registered_delivery);
    v("data_coding", self.data_coding);
    v("tlvs", self.tlvs);
  }
  friend bool operator==(const data_sm&, const data_sm&) = default;
};

// data_sm_resp (4.7.2).
struct data_sm_resp {
  static constexpr command_id id = command_id::data_sm_resp;
  c_octet_string<65> message_id;
  tlv_list tlvs;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"message_id", command_status::esme_rinvmsgid}, self.message_id);
    v("tlvs", self.tlvs);
  }
  friend bool operator==(const data_sm_resp&, const data_sm_resp&) = default;
};

// query_sm (4.8.1).
struct query_sm {
  static constexpr command_id id = command_id::query_sm;
  c_octet_string<65> message_id;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  c_octet_string<21> source_addr;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"message_id", command_status::esme_rinvmsgid}, self.message_id);
    v("source_addr_ton", self.source_addr_ton);
    v("source_addr_npi", self.source_addr_npi);
    v(field_name{"source_addr", command_status::esme_rinvsrcadr}, self.source_addr);
  }
  friend bool operator==(const query_sm&, const query_sm&) = default;
};

// query_sm_resp (4.8.2).
struct query_sm_resp {
  static constexpr command_id id = command_id::query_sm_resp;
  c_octet_string<65> message_id;
  time_string final_date;
  std::uint8_t message_state = 0;
  std::uint8_t error_code = 0;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"message_id", command_status::esme_rinvmsgid}, self.message_id);
    v("final_date", self.final_date);
    v("message_state", self.message_state);
    v("error_code", self.error_code);
  }
  friend bool operator==(const query_sm_resp&, const query_sm_resp&) = default;
};

// cancel_sm (4.9.1).
struct cancel_sm {
  static constexpr command_id id = command_id::cancel_sm;
  c_octet_string<6> service_type;
  c_octet_string<65> message_id;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  c_octet_string<21> source_addr;
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  c_octet_string<21> destination_addr;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"service_type", command_status::esme_rinvsertyp}, self.service_type);
    v(field_name{"message_id", command_status::esme_rinvmsgid}, self.message_id);
    v("source_addr_ton", self.source_addr_ton);
    v("source_addr_npi", self.source_addr_npi);
    v(field_name{"source_addr", command_status::esme_rinvsrcadr}, self.source_addr);
    v("dest_addr_ton", self.dest_addr_ton);
    v("dest_addr_npi", self.dest_addr_npi);
    v(field_name{"destination_addr", command_status::esme_rinvdstadr}, self.destination_addr);
  }
  friend bool operator==(const cancel_sm&, const cancel_sm&) = default;
};

using cancel_sm_resp = empty_body<command_id::cancel_sm_resp>;

// replace_sm (4.10.1).
struct replace_sm {
  static constexpr command_id id = command_id::replace_sm;
  c_octet_string<65> message_id;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  c_octet_string<21> source_addr;
  time_string schedule_delivery_time;
  time_string validity_period;
  std::uint8_t registered_delivery = 0;
  std::uint8_t sm_default_msg_id = 0;
  short_message_string short_message;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v(field_name{"message_id", command_status::esme_rinvmsgid}, self.message_id);
    v("source_addr_ton", self.source_addr_ton);
    v("source_addr_npi", self.source_addr_npi);
    v(field_name{"source_addr", command_status::esme_rinvsrcadr}, self.source_addr);
    v(field_name{"schedule_delivery_time", command_status::esme_rinvsched},
      self.schedule_delivery_time);
    v(field_name{"validity_period", command_status::esme_rinvexpiry}, self.validity_period);
    v("registered_delivery", self.registered_delivery);
    v("sm_default_msg_id", self.sm_default_msg_id);
    v("short_message", self.short_message);
  }
  friend bool operator==(const replace_sm&, const replace_sm&) = default;
};

using replace_sm_resp = empty_body<command_id::replace_sm_resp>;

// alert_notification (4.12.1): the SMSC tells the ESME a mobile became available.
struct alert_notification {
  static constexpr command_id id = command_id::alert_notification;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  c_octet_string<65> source_addr;
  std::uint8_t esme_addr_ton = 0;
  std::uint8_t esme_addr_npi = 0;
  c_octet_string<65> esme_addr;
  tlv_list tlvs;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v("source_addr_ton", self.source_addr_ton);
    v("source_addr_npi", self.source_addr_npi);
    v(field_name{"source_addr", command_status::esme_rinvsrcadr}, self.source_addr);
    v("esme_addr_ton", self.esme_addr_ton);
    v("esme_addr_npi", self.esme_addr_npi);
    v("esme_addr", self.esme_addr);
    v("tlvs", self.tlvs);
  }
  friend bool operator==(const alert_notification&, const alert_notification&) = default;
};

}  // namespace smppd::smpp
