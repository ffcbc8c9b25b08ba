#include "samples.hpp"

#include <stdexcept>
#include <string_view>

namespace smppd::interop {
namespace {

using namespace smppd::smpp;

// The corpus is built once from literals: a value that does not fit is a bug in this file.
void must(bool ok, const char* what) {
  if (!ok) throw std::logic_error(std::string("interop sample does not fit: ") + what);
}

template <class Field>
void set(Field& field, std::string_view text) {
  must(field.assign(text), text.data());
}

std::vector<std::uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

// "Hello {world} @ €5" in the GSM 03.38 default alphabet, one septet per octet: '{', '}'
// and '€' are escapes (1B 28, 1B 29, 1B 65) and '@' is 00.
const std::vector<std::uint8_t> gsm7_hello = {0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x1b,
                                              0x28, 0x77, 0x6f, 0x72, 0x6c, 0x64, 0x1b,
                                              0x29, 0x20, 0x00, 0x20, 0x1b, 0x65, 0x35};

const std::string receipt_text =
    "id:1234567890123 sub:001 dlvrd:000 submit date:2401021504 done date:2401021505 "
    "stat:UNDELIV err:126 text:ref42";

std::vector<sample> build() {
  std::vector<sample> out;
  auto add = [&](std::string name, pdu p, std::string text = {}) {
    out.push_back({std::move(name), std::move(p), std::move(text)});
  };

  {
    bind_transceiver b;
    set(b.system_id, "smppd-esme");
    set(b.password, "secret12");
    set(b.system_type, "OTA");
    b.interface_version = 0x34;
    b.addr_ton = 1;
    b.addr_npi = 1;
    set(b.address_range, "4670*");
    add("bind_transceiver", make_pdu(b, 1));
  }
  {
    bind_transceiver_resp r;
    set(r.system_id, "smppd");
    must(r.tlvs.set_u8(tlv_tag::sc_interface_version, 0x34), "sc_interface_version");
    add("bind_transceiver_resp", make_pdu(r, 1));
  }
  add("bind_transceiver_resp_error",
      make_pdu(bind_transceiver_resp{}, 2, command_status::esme_rinvpaswd));
  {
    bind_transmitter b;
    set(b.system_id, "tx");
    set(b.password, "pw");
    b.interface_version = 0x34;
    add("bind_transmitter", make_pdu(b, 3));
  }
  {
    bind_transmitter_resp r;
    set(r.system_id, "smppd");
    must(r.tlvs.set_u8(tlv_tag::sc_interface_version, 0x34), "sc_interface_version");
    add("bind_transmitter_resp", make_pdu(r, 3));
  }
  {
    bind_receiver b;
    set(b.system_id, "rx");
    set(b.password, "pw");
    set(b.system_type, "SUBS");
    b.interface_version = 0x33;
    b.addr_ton = 2;
    b.addr_npi = 8;
    set(b.address_range, "^0702");
    add("bind_receiver", make_pdu(b, 4));
  }
  {
    bind_receiver_resp r;
    set(r.system_id, "smppd");
    add("bind_receiver_resp", make_pdu(r, 4));
  }
  {
    outbind o;
    set(o.system_id, "smsc");
    set(o.password, "secret");
    add("outbind", make_pdu(o, 5));
  }
  {
    const std::string text = "Привет, мир! €";  // BMP only: tshark 4.0 decodes UCS-2 strictly
    submit_sm s;
    set(s.service_type, "CMT");
    s.source_addr_ton = 5;
    s.source_addr_npi = 0;
    set(s.source_addr, "Acme");
    s.dest_addr_ton = 1;
    s.dest_addr_npi = 1;
    set(s.destination_addr, "46701234567");
    s.priority_flag = 2;
    set(s.validity_period, "000001000000000R");
    s.registered_delivery = 1;
    s.data_coding = 8;
    must(s.short_message.assign(utf16be(text)), "ucs2 text");
    add("submit_sm_ucs2", make_pdu(s, 10), text);
  }
  {
    submit_sm s;
    s.source_addr_ton = 1;
    s.source_addr_npi = 1;
    set(s.source_addr, "46700000001");
    s.dest_addr_ton = 1;
    s.dest_addr_npi = 1;
    set(s.destination_addr, "46701234567");
    set(s.schedule_delivery_time, "240102150405000+");
    s.data_coding = 0;
    must(s.short_message.assign(gsm7_hello), "gsm7 text");
    add("submit_sm_gsm7", make_pdu(s, 11), "Hello {world} @ €5");
  }
  {
    std::string payload;
    for (int i = 0; i < 6; ++i) payload += "A payload longer than one short message can carry. ";
    submit_sm s;
    s.source_addr_ton = 1;
    s.source_addr_npi = 1;
    set(s.source_addr, "46700000001");
    s.dest_addr_ton = 0;
    s.dest_addr_npi = 1;
    set(s.destination_addr, "46709876543");
    s.registered_delivery = 0x11;
    s.data_coding = 0;
    must(s.tlvs.set_u16(tlv_tag::user_message_reference, 0x1234), "user_message_reference");
    must(s.tlvs.set_u8(tlv_tag::dest_addr_subunit, 1), "dest_addr_subunit");
    must(s.tlvs.set(tlv_tag::message_payload, bytes_of(payload)), "message_payload");
    must(s.tlvs.set(tlv_tag::message_class, bytes_of("premium")), "message_class");
    add("submit_sm_tlvs", make_pdu(s, 12), payload);
  }
  {
    submit_sm s;
    s.source_addr_ton = 1;
    s.source_addr_npi = 1;
    set(s.source_addr, "46700000001");
    s.dest_addr_ton = 1;
    s.dest_addr_npi = 1;
    set(s.destination_addr, "46701234567");
    s.esm_class = 0x03;
    s.protocol_id = 0x7f;
    s.priority_flag = 3;
    s.registered_delivery = 0x02;
    s.replace_if_present_flag = 1;
    s.data_coding = 3;
    s.sm_default_msg_id = 0;
    must(s.short_message.assign(std::vector<std::uint8_t>{'G', 'r', 0xfc, 0xdf, 'e'}), "latin1");
    must(s.tlvs.set_u16(tlv_tag::sar_msg_ref_num, 0x0a0b), "sar_msg_ref_num");
    must(s.tlvs.set_u8(tlv_tag::sar_total_segments, 2), "sar_total_segments");
    must(s.tlvs.set_u8(tlv_tag::sar_segment_seqnum, 1), "sar_segment_seqnum");
    add("submit_sm_latin1_sar", make_pdu(s, 13), "Grüße");
  }
  {
    submit_sm s;
    s.source_addr_ton = 1;
    s.source_addr_npi = 1;
    set(s.source_addr, "46700000001");
    s.dest_addr_ton = 1;
    s.dest_addr_npi = 1;
    set(s.destination_addr, "46701234567");
    s.esm_class = 0x40;
    s.data_coding = 4;
    // UDH for part 1 of 2 of a concatenated message (IEI 00, reference 0x0a), then binary.
    must(s.short_message.assign(std::vector<std::uint8_t>{0x05, 0x00, 0x03, 0x0a, 0x02, 0x01, 0xde,
                                                          0xad, 0xbe, 0xef, 0x00, 0xff}),
         "udh");
    add("submit_sm_binary_udh", make_pdu(s, 14));
  }
  {
    // short_message at its limit: sm_length 254 (3.4 section 4.4.1).
    submit_sm s;
    s.source_addr_ton = 1;
    s.source_addr_npi = 1;
    set(s.source_addr, "46700000001");
    s.dest_addr_ton = 1;
    s.dest_addr_npi = 1;
    set(s.destination_addr, "46701234567");
    s.data_coding = 4;
    std::vector<std::uint8_t> octets(254);
    for (std::size_t i = 0; i < octets.size(); ++i) octets[i] = static_cast<std::uint8_t>(i);
    must(s.short_message.assign(octets), "254 octets");
    add("submit_sm_254_octets", make_pdu(s, 15));
  }
  {
    submit_sm_resp r;
    set(r.message_id, "1234567890123456789");
    add("submit_sm_resp", make_pdu(r, 10));
  }
  add("submit_sm_resp_error", make_pdu(submit_sm_resp{}, 11, command_status::esme_rsubmitfail));
  {
    deliver_sm d;
    d.source_addr_ton = 1;
    d.source_addr_npi = 1;
    set(d.source_addr, "46701234567");
    d.dest_addr_ton = 5;
    d.dest_addr_npi = 0;
    set(d.destination_addr, "Acme");
    d.esm_class = 0x04;
    d.data_coding = 0;
    must(d.short_message.assign(receipt_text), "receipt text");
    must(d.tlvs.set_string(tlv_tag::receipted_message_id, "1234567890123"), "receipted_message_id");
    must(d.tlvs.set_u8(tlv_tag::message_state, 5), "message_state");
    must(d.tlvs.set(tlv_tag::network_error_code, std::vector<std::uint8_t>{0x03, 0x10, 0x7e}),
         "network_error_code");
    must(d.tlvs.set_u16(tlv_tag::user_message_reference, 42), "user_message_reference");
    add("deliver_sm_receipt", make_pdu(d, 20), receipt_text);
  }
  add("deliver_sm_resp", make_pdu(deliver_sm_resp{}, 20));
  add("enquire_link", make_pdu(enquire_link{}, 0x7fffffff));
  add("enquire_link_resp", make_pdu(enquire_link_resp{}, 0x7fffffff));
  add("unbind", make_pdu(unbind{}, 30));
  add("unbind_resp", make_pdu(unbind_resp{}, 30));
  add("generic_nack", make_pdu(generic_nack{}, 31, command_status::esme_rinvcmdid));
  {
    query_sm q;
    set(q.message_id, "1234567890123");
    q.source_addr_ton = 1;
    q.source_addr_npi = 1;
    set(q.source_addr, "46700000001");
    add("query_sm", make_pdu(q, 40));
  }
  {
    query_sm_resp r;
    set(r.message_id, "1234567890123");
    set(r.final_date, "240102150405000+");
    r.message_state = 2;
    r.error_code = 0;
    add("query_sm_resp", make_pdu(r, 40));
  }
  {
    cancel_sm c;
    set(c.message_id, "1234567890123");
    c.source_addr_ton = 1;
    c.source_addr_npi = 1;
    set(c.source_addr, "46700000001");
    c.dest_addr_ton = 1;
    c.dest_addr_npi = 1;
    set(c.destination_addr, "46701234567");
    add("cancel_sm", make_pdu(c, 41));
  }
  add("cancel_sm_resp", make_pdu(cancel_sm_resp{}, 41));
  {
    replace_sm r;
    set(r.message_id, "1234567890123");
    r.source_addr_ton = 1;
    r.source_addr_npi = 1;
    set(r.source_addr, "46700000001");
    set(r.validity_period, "000002000000000R");
    r.registered_delivery = 1;
    must(r.short_message.assign(std::string_view("new text")), "replace text");
    add("replace_sm", make_pdu(r, 42));
  }
  add("replace_sm_resp", make_pdu(replace_sm_resp{}, 42));
  {
    data_sm d;
    set(d.service_type, "WAP");
    d.source_addr_ton = 1;
    d.source_addr_npi = 1;
    set(d.source_addr, "46700000001");
    d.dest_addr_ton = 1;
    d.dest_addr_npi = 1;
    set(d.destination_addr, "46701234567");
    d.registered_delivery = 1;
    d.data_coding = 4;
    // Ports outside the WAP range, so tshark does not hand the payload to WSP.
    must(d.tlvs.set_u16(tlv_tag::source_port, 49152), "source_port");
    must(d.tlvs.set_u16(tlv_tag::destination_port, 49153), "destination_port");
    must(d.tlvs.set(tlv_tag::message_payload, std::vector<std::uint8_t>{1, 2, 3, 4, 5}),
         "message_payload");
    add("data_sm", make_pdu(d, 43));
  }
  {
    data_sm_resp r;
    set(r.message_id, "ds-1");
    add("data_sm_resp", make_pdu(r, 43));
  }
  {
    submit_multi m;
    m.source_addr_ton = 1;
    m.source_addr_npi = 1;
    set(m.source_addr, "46700000001");
    sme_dest_address a;
    a.dest_addr_ton = 1;
    a.dest_addr_npi = 1;
    set(a.destination_addr, "46701111111");
    distribution_list dl;
    set(dl.dl_name, "friends");
    sme_dest_address b;
    b.dest_addr_ton = 2;
    b.dest_addr_npi = 8;
    set(b.destination_addr, "0702222222");
    must(m.dest_address.push_back(a), "dest 1");
    must(m.dest_address.push_back(dl), "dest 2");
    must(m.dest_address.push_back(b), "dest 3");
    m.priority_flag = 1;
    m.registered_delivery = 1;
    m.data_coding = 3;
    must(m.short_message.assign(std::vector<std::uint8_t>{'G', 'r', 0xfc, 0xdf, 'e'}), "latin1");
    add("submit_multi", make_pdu(m, 44), "Grüße");
  }
  {
    submit_multi_resp r;
    set(r.message_id, "m-1");
    unsuccess_sme u;
    u.dest_addr_ton = 1;
    u.dest_addr_npi = 1;
    set(u.destination_addr, "46701111111");
    u.error_status_code = command_status::esme_rinvdstadr;
    must(r.unsuccess_sme.push_back(u), "unsuccess_sme");
    add("submit_multi_resp", make_pdu(r, 44));
  }
  {
    alert_notification a;
    a.source_addr_ton = 1;
    a.source_addr_npi = 1;
    set(a.source_addr, "46701234567");
    a.esme_addr_ton = 1;
    a.esme_addr_npi = 1;
    set(a.esme_addr, "46709999999");
    must(a.tlvs.set_u8(tlv_tag::ms_availability_status, 1), "ms_availability_status");
    add("alert_notification", make_pdu(a, 45));
  }
  return out;
}

}  // namespace

const std::vector<sample>& samples() {
  static const std::vector<sample> all = build();
  return all;
}

const sample& sample_named(const std::string& name) {
  for (const auto& s : samples()) {
    if (s.name == name) return s;
  }
  throw std::out_of_range("no interop sample named " + name);
}

std::vector<std::uint8_t> utf16be(const std::string& text) {
  std::vector<std::uint8_t> out;
  auto put = [&](std::uint32_t unit) {
    out.push_back(static_cast<std::uint8_t>(unit >> 8));
    out.push_back(static_cast<std::uint8_t>(unit));
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = 0;
    std::size_t n = 0;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if ((c >> 5) == 0x6) {
      cp = c & 0x1F;
      n = 2;
    } else if ((c >> 4) == 0xE) {
      cp = c & 0x0F;
      n = 3;
    } else {
      cp = c & 0x07;
      n = 4;
    }
    for (std::size_t k = 1; k < n; ++k) {
      cp = cp << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(0xD800 + (cp >> 10));
      put(0xDC00 + (cp & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out;
}

}  // namespace smppd::interop
