// libsmpp34 (osmocom's C library, Debian's libsmpp34-dev) against smppd's codec, both ways:
// smppd encodes -> smpp34_unpack reads the same fields; libsmpp34 structs filled from the
// same values -> smpp34_pack -> smppd decodes the same fields.
//
// libsmpp34 keeps its diagnostics in globals (smpp34_errno, smpp34_strerror): these tests
// run on one thread, so reading them right after a call is safe.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "pdu_json.hpp"
#include "samples.hpp"
#include "smpp/codec.hpp"
#include "support.hpp"

// libsmpp34's headers define short macros (U32, Reserved, GENERIC_NACK, ...): include them
// after everything else.
// The order matters: smpp34_params.h uses the types of smpp34_structs.h.
// clang-format off
extern "C" {
#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>
}
// clang-format on

namespace smppd::interop {
namespace {

enum class way { unpack, pack };

// What libsmpp34 cannot carry, by sample; each is a libsmpp34 limit, not an smppd choice
// (see libsmpp34_quirks below).
std::string libsmpp34_cannot(const sample& s, way w) {
  // bind_*_resp: the system_id is read even when command_status says the body is absent
  // (only submit_sm_resp's message_id is optional in its frame tables), so a bare error
  // header makes smpp34_unpack read past the end of the buffer.
  if (s.name == "bind_transceiver_resp_error") return "no bare-header bind_*_resp";
  // smpp34_pack refuses sm_length 254; smpp34_unpack reads it.
  if (s.name == "submit_sm_254_octets" && w == way::pack) return "sm_length 254";
  return {};
}

std::size_t skipped(way w) {
  std::size_t n = 0;
  for (const sample& s : samples()) n += libsmpp34_cannot(s, w).empty() ? 0 : 1;
  return n;
}

template <class F>
bool with_struct(std::uint32_t command_id, F&& f) {
  switch (command_id) {
#define SMPPD_CASE(ID, TYPE)      \
  case ID: {                      \
    TYPE t;                       \
    std::memset(&t, 0, sizeof t); \
    f(t);                         \
    return true;                  \
  }
    SMPPD_CASE(GENERIC_NACK, generic_nack_t)
    SMPPD_CASE(BIND_RECEIVER, bind_receiver_t)
    SMPPD_CASE(BIND_RECEIVER_RESP, bind_receiver_resp_t)
    SMPPD_CASE(BIND_TRANSMITTER, bind_transmitter_t)
    SMPPD_CASE(BIND_TRANSMITTER_RESP, bind_transmitter_resp_t)
    SMPPD_CASE(BIND_TRANSCEIVER, bind_transceiver_t)
    SMPPD_CASE(BIND_TRANSCEIVER_RESP, bind_transceiver_resp_t)
    SMPPD_CASE(OUTBIND, outbind_t)
    SMPPD_CASE(UNBIND, unbind_t)
    SMPPD_CASE(UNBIND_RESP, unbind_resp_t)
    SMPPD_CASE(ENQUIRE_LINK, enquire_link_t)
    SMPPD_CASE(ENQUIRE_LINK_RESP, enquire_link_resp_t)
    SMPPD_CASE(SUBMIT_SM, submit_sm_t)
    SMPPD_CASE(SUBMIT_SM_RESP, submit_sm_resp_t)
    SMPPD_CASE(SUBMIT_MULTI, submit_multi_t)
    SMPPD_CASE(SUBMIT_MULTI_RESP, submit_multi_resp_t)
    SMPPD_CASE(DELIVER_SM, deliver_sm_t)
    SMPPD_CASE(DELIVER_SM_RESP, deliver_sm_resp_t)
    SMPPD_CASE(DATA_SM, data_sm_t)
    SMPPD_CASE(DATA_SM_RESP, data_sm_resp_t)
    SMPPD_CASE(QUERY_SM, query_sm_t)
    SMPPD_CASE(QUERY_SM_RESP, query_sm_resp_t)
    SMPPD_CASE(CANCEL_SM, cancel_sm_t)
    SMPPD_CASE(CANCEL_SM_RESP, cancel_sm_resp_t)
    SMPPD_CASE(REPLACE_SM, replace_sm_t)
    SMPPD_CASE(REPLACE_SM_RESP, replace_sm_resp_t)
    SMPPD_CASE(ALERT_NOTIFICATION, alert_notification_t)
#undef SMPPD_CASE
    default:
      return false;
  }
}

// The fields of libsmpp34's structs that carry over one to one, by their spec names.
// clang-format off
#define SMPPD_INT_FIELDS(X)                                                                 \
  X(interface_version) X(addr_ton) X(addr_npi) X(source_addr_ton) X(source_addr_npi)       \
  X(dest_addr_ton) X(dest_addr_npi) X(esm_class) X(protocol_id) X(priority_flag)           \
  X(registered_delivery) X(replace_if_present_flag) X(data_coding) X(sm_default_msg_id)    \
  X(message_state) X(error_code) X(esme_addr_ton) X(esme_addr_npi)

#define SMPPD_STRING_FIELDS(X)                                                              \
  X(system_id) X(password) X(system_type) X(address_range) X(service_type) X(source_addr)  \
  X(destination_addr) X(schedule_delivery_time) X(validity_period) X(message_id)          \
  X(final_date) X(esme_addr)
// clang-format on

template <std::size_t N>
std::string c_string(const std::uint8_t (&field)[N]) {
  return std::string(reinterpret_cast<const char*>(field),
                     strnlen(reinterpret_cast<const char*>(field), N));
}

template <std::size_t N>
bool put_c_string(std::uint8_t (&field)[N], const std::string& value) {
  if (value.size() + 1 > N) return false;
  std::copy(value.begin(), value.end(), field);
  field[value.size()] = 0;
  return true;
}

json tlvs_to_json(const tlv_t* head) {
  // smpp34_unpack prepends each TLV it reads: the list is in reverse wire order.
  std::vector<const tlv_t*> in_wire_order;
  for (const tlv_t* t = head; t != nullptr; t = t->next) {
    in_wire_order.insert(in_wire_order.begin(), t);
  }
  json out = json::object();
  for (const tlv_t* t : in_wire_order) {
    const std::string key = tlv_key(t->tag);
    json value = tlv_value_json(t->tag, t->value.octet, t->length);
    // libsmpp34 keeps the TLVs its tables type as integers in host order in the union.
    if (value.is_number()) {
      switch (t->length) {
        case 1:
          value = t->value.val08;
          break;
        case 2:
          value = t->value.val16;
          break;
        default:
          value = t->value.val32;
      }
    }
    out[key] = std::move(value);
  }
  return out;
}

template <class T>
json struct_to_json(const T& t) {
  json out = json::object();
  out["command_id"] = t.command_id;
  out["command_status"] = t.command_status;
  out["sequence_number"] = t.sequence_number;
  out["command_length"] = t.command_length;
  const bool bare =
      (t.command_id & 0x80000000u) != 0 && t.command_status != 0 && t.command_length == 16;
  if (bare) return out;
#define SMPPD_FIELD(NAME)                                                         \
  if constexpr (requires { t.NAME; }) {                                           \
    if constexpr (std::is_same_v<std::decay_t<decltype(t.NAME)>, std::uint8_t>) { \
      out[#NAME] = t.NAME;                                                        \
    }                                                                             \
  }
  SMPPD_INT_FIELDS(SMPPD_FIELD)
#undef SMPPD_FIELD
#define SMPPD_FIELD(NAME)               \
  if constexpr (requires { t.NAME; }) { \
    out[#NAME] = c_string(t.NAME);      \
  }
  SMPPD_STRING_FIELDS(SMPPD_FIELD)
#undef SMPPD_FIELD
  if constexpr (requires { t.short_message; }) {
    out["short_message"] = json{{"hex", to_hex({t.short_message, t.sm_length})}};
  }
  if constexpr (requires { t.dest_addr_def; }) {
    std::vector<const dad_t*> in_wire_order;
    for (const dad_t* d = t.dest_addr_def; d != nullptr; d = d->next)
      in_wire_order.insert(in_wire_order.begin(), d);
    json list = json::array();
    for (const dad_t* d : in_wire_order) {
      if (d->dest_flag == DFID_SME_Address) {
        list.push_back({{"dest_addr_ton", d->value.sme.dest_addr_ton},
                        {"dest_addr_npi", d->value.sme.dest_addr_npi},
                        {"destination_addr", c_string(d->value.sme.destination_addr)}});
      } else {
        list.push_back({{"dl_name", c_string(d->value.dl_name)}});
      }
    }
    out["dest_address"] = list;
  }
  if constexpr (requires { t.unsuccess_smes; }) {
    std::vector<const udad_t*> in_wire_order;
    for (const udad_t* u = t.unsuccess_smes; u != nullptr; u = u->next)
      in_wire_order.insert(in_wire_order.begin(), u);
    json list = json::array();
    for (const udad_t* u : in_wire_order) {
      list.push_back({{"dest_addr_ton", u->dest_addr_ton},
                      {"dest_addr_npi", u->dest_addr_npi},
                      {"destination_addr", c_string(u->destination_addr)},
                      {"error_status_code", u->error_status_code}});
    }
    out["unsuccess_sme"] = list;
  }
  if constexpr (requires { t.tlv; }) {
    json tlvs = tlvs_to_json(t.tlv);
    if (!tlvs.empty()) out["tlvs"] = tlvs;
  }
  return out;
}

// Fills a libsmpp34 struct from the wire form; an empty string, or what went wrong.
template <class T>
std::string struct_from_json(const json& j, T& t) {
  t.command_id = j["command_id"];
  t.command_status = j["command_status"];
  t.sequence_number = j["sequence_number"];
#define SMPPD_FIELD(NAME)                                                         \
  if constexpr (requires { t.NAME; }) {                                           \
    if constexpr (std::is_same_v<std::decay_t<decltype(t.NAME)>, std::uint8_t>) { \
      if (j.contains(#NAME)) t.NAME = j[#NAME].template get<std::uint8_t>();      \
    }                                                                             \
  }
  SMPPD_INT_FIELDS(SMPPD_FIELD)
#undef SMPPD_FIELD
#define SMPPD_FIELD(NAME)                                                                   \
  if constexpr (requires { t.NAME; }) {                                                     \
    if (j.contains(#NAME) && !put_c_string(t.NAME, j[#NAME].template get<std::string>())) { \
      return std::string(#NAME " does not fit libsmpp34's struct");                         \
    }                                                                                       \
  }
  SMPPD_STRING_FIELDS(SMPPD_FIELD)
#undef SMPPD_FIELD
  if constexpr (requires { t.short_message; }) {
    if (j.contains("short_message")) {
      const auto bytes = from_hex(j["short_message"]["hex"].template get<std::string>());
      if (bytes.size() > sizeof t.short_message) return "short_message too long for libsmpp34";
      if (!bytes.empty()) std::memcpy(t.short_message, bytes.data(), bytes.size());
      t.sm_length = static_cast<std::uint8_t>(bytes.size());
    }
  }
  if constexpr (requires { t.dest_addr_def; }) {
    const json& list = j["dest_address"];
    t.number_of_dests = static_cast<std::uint8_t>(list.size());
    // build_dad prepends: add the last first so the list is in wire order.
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
      dad_t d;
      std::memset(&d, 0, sizeof d);
      if (it->contains("dl_name")) {
        d.dest_flag = DFID_Distribution_List_Name;
        put_c_string(d.value.dl_name, (*it)["dl_name"].template get<std::string>());
      } else {
        d.dest_flag = DFID_SME_Address;
        d.value.sme.dest_addr_ton = (*it)["dest_addr_ton"];
        d.value.sme.dest_addr_npi = (*it)["dest_addr_npi"];
        put_c_string(d.value.sme.destination_addr,
                     (*it)["destination_addr"].template get<std::string>());
      }
      build_dad(&t.dest_addr_def, &d);
    }
  }
  if constexpr (requires { t.unsuccess_smes; }) {
    const json& list = j["unsuccess_sme"];
    t.no_unsuccess = static_cast<std::uint8_t>(list.size());
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
      udad_t u;
      std::memset(&u, 0, sizeof u);
      u.dest_addr_ton = (*it)["dest_addr_ton"];
      u.dest_addr_npi = (*it)["dest_addr_npi"];
      put_c_string(u.destination_addr, (*it)["destination_addr"].template get<std::string>());
      u.error_status_code = (*it)["error_status_code"];
      build_udad(&t.unsuccess_smes, &u);
    }
  }
  if constexpr (requires { t.tlv; }) {
    if (j.contains("tlvs")) {
      std::vector<std::pair<std::string, json>> items;
      for (const auto& [k, v] : j["tlvs"].items()) items.emplace_back(k, v);
      for (auto it = items.rbegin(); it != items.rend(); ++it) {
        tlv_t tlv;
        std::memset(&tlv, 0, sizeof tlv);
        tlv.tag = tlv_tag_of(it->first);
        std::vector<std::uint8_t> bytes;
        if (tlv.tag == 0 || !tlv_value_bytes(tlv.tag, it->second, bytes)) {
          return "TLV " + it->first + " has no octets";
        }
        tlv.length = static_cast<std::uint16_t>(bytes.size());
        if (it->second.is_number()) {
          // libsmpp34 keeps integer TLVs in host order and converts them itself.
          const auto v = it->second.template get<std::uint32_t>();
          if (bytes.size() == 1)
            tlv.value.val08 = static_cast<std::uint8_t>(v);
          else if (bytes.size() == 2)
            tlv.value.val16 = static_cast<std::uint16_t>(v);
          else
            tlv.value.val32 = v;
        } else {
          std::memcpy(tlv.value.octet, bytes.data(), bytes.size());
        }
        build_tlv(&t.tlv, &tlv);
      }
    }
  }
  return {};
}

template <class T>
void free_lists(T& t) {
  if constexpr (requires { t.tlv; }) destroy_tlv(t.tlv);
  if constexpr (requires { t.dest_addr_def; }) destroy_dad(t.dest_addr_def);
  if constexpr (requires { t.unsuccess_smes; }) destroy_udad(t.unsuccess_smes);
}

template <class T>
std::string dump(T& t) {
  std::vector<std::uint8_t> text(16384, 0);
  smpp34_dumpPdu(t.command_id, text.data(), static_cast<int>(text.size()), &t);
  return reinterpret_cast<const char*>(text.data());
}

json expected_form(const sample& s, std::size_t length) {
  json expected = to_json(s.value);
  expected.erase("command");
  expected["command_length"] = length;
  return expected;
}

TEST(smppd_to_libsmpp34, smpp34_unpack_reads_every_pdu_smppd_encodes_with_the_fields_we_set) {
  std::size_t checked = 0;
  for (const sample& s : samples()) {
    if (!libsmpp34_cannot(s, way::unpack).empty()) continue;
    const std::vector<std::uint8_t> bytes = smpp::encode(s.value);
    SCOPED_TRACE(s.name + " " + to_hex(bytes));
    const auto id = static_cast<std::uint32_t>(s.value.command_id());
    const bool known = with_struct(id, [&](auto& t) {
      const int rc = smpp34_unpack(id, &t, bytes.data(), static_cast<int>(bytes.size()));
      const std::string diagnostics = smpp34_strerror;
      if (rc != 0) {
        ADD_FAILURE() << "smpp34_unpack refused smppd's " << s.name << ": " << diagnostics;
      } else {
        EXPECT_EQ(
            join_lines(differences_both_ways(expected_form(s, bytes.size()), struct_to_json(t))),
            "")
            << "libsmpp34 read:\n"
            << dump(t);
      }
      free_lists(t);
    });
    EXPECT_TRUE(known) << "libsmpp34 has no struct for " << s.name;
    ++checked;
  }
  EXPECT_EQ(checked, samples().size() - skipped(way::unpack));
}

TEST(libsmpp34_to_smppd, smppd_decodes_every_pdu_smpp34_pack_builds_with_the_fields_it_set) {
  std::size_t checked = 0;
  for (const sample& s : samples()) {
    if (!libsmpp34_cannot(s, way::pack).empty()) continue;
    SCOPED_TRACE(s.name);
    const std::size_t length = smpp::encoded_size(s.value);
    const json wanted = expected_form(s, length);
    const auto id = static_cast<std::uint32_t>(s.value.command_id());
    std::vector<std::uint8_t> packed(70000, 0);
    int packed_length = 0;
    with_struct(id, [&](auto& t) {
      const std::string fill = struct_from_json(wanted, t);
      ASSERT_EQ(fill, "");
      const int rc =
          smpp34_pack(id, packed.data(), static_cast<int>(packed.size()), &packed_length, &t);
      const std::string diagnostics = smpp34_strerror;
      free_lists(t);
      ASSERT_EQ(rc, 0) << "smpp34_pack refused " << s.name << ": " << diagnostics;
    });
    if (HasFatalFailure()) return;
    packed.resize(static_cast<std::size_t>(packed_length));
    SCOPED_TRACE("libsmpp34 packed " + to_hex(packed));
    const smpp::decode_result decoded = smpp::decode(packed);
    ASSERT_TRUE(decoded.has_value())
        << "smppd refused libsmpp34's " << s.name << ": " << smpp::to_string(decoded.error().status)
        << " at " << decoded.error().field;
    json actual = to_json(*decoded);
    actual.erase("command");
    actual["command_length"] = packed.size();
    EXPECT_EQ(join_lines(differences_both_ways(wanted, actual)), "");
    // libsmpp34 lays out the same fields in the same order: the octets must be smppd's too.
    EXPECT_EQ(to_hex(packed), to_hex(smpp::encode(s.value)));
    ++checked;
  }
  EXPECT_EQ(checked, samples().size() - skipped(way::pack));
}

// Where libsmpp34 1.14 is stricter than SMPP 3.4 (or than smppd's contract), shown on
// octets that smppd encodes and decodes: why some PDUs are not in the round trips above.
// smpp34_unpack must refuse each, and smppd must take each back unchanged.
TEST(libsmpp34_quirks, refuses_pdus_that_smpp_3_4_or_the_contract_allows) {
  struct quirk {
    const char* what;
    smpp::pdu value;
  };
  std::vector<quirk> quirks;
  {
    // Its frame tables accept interface_version 0x34 only in bind_transmitter and
    // bind_transceiver (bind_receiver takes any value); the contract accepts 0x33 too.
    smpp::bind_transceiver b;
    (void)b.system_id.assign("esme");
    b.interface_version = 0x33;
    quirks.push_back({"bind_transceiver with interface_version 0x33", smpp::make_pdu(b, 1)});
  }
  // Only the 3.4 status table: ESME_RINVDCS (0x104, SMPP 5.0), which smppd answers for a
  // bad data_coding, is an "Invalid value".
  quirks.push_back({"submit_sm_resp with ESME_RINVDCS",
                    smpp::make_pdu(smpp::submit_sm_resp{}, 2, smpp::command_status::esme_rinvdcs)});
  {
    // data_sm's source_addr may hold 64 characters (3.4 section 4.7.1); libsmpp34 sizes it
    // like submit_sm's, 20.
    smpp::data_sm d;
    (void)d.source_addr.assign("abcdefghijklmnopqrstuvwxyz");
    quirks.push_back({"data_sm with a 26-character source_addr", smpp::make_pdu(d, 3)});
  }
  {
    // data_sm_resp may carry TLVs (3.4 section 4.7.2); libsmpp34's frame for it has none.
    smpp::data_sm_resp r;
    (void)r.message_id.assign("ds-1");
    (void)r.tlvs.set_u8(smpp::tlv_tag::delivery_failure_reason, 1);
    quirks.push_back({"data_sm_resp with delivery_failure_reason", smpp::make_pdu(r, 4)});
  }
  for (const quirk& q : quirks) {
    const std::vector<std::uint8_t> bytes = smpp::encode(q.value);
    SCOPED_TRACE(std::string(q.what) + " " + to_hex(bytes));
    const auto id = static_cast<std::uint32_t>(q.value.command_id());
    with_struct(id, [&](auto& t) {
      EXPECT_NE(smpp34_unpack(id, &t, bytes.data(), static_cast<int>(bytes.size())), 0)
          << "libsmpp34 now accepts it: move it into the samples";
      free_lists(t);
    });
    const smpp::decode_result decoded = smpp::decode(bytes);
    ASSERT_TRUE(decoded.has_value()) << smpp::to_string(decoded.error().status);
    EXPECT_EQ(*decoded, q.value);
  }

  // smpp34_pack refuses a 254-octet short_message (its check is `sm_length >= 254`), though
  // sm_length may be 0-254 (3.4 section 4.4.1); smpp34_unpack reads one.
  submit_sm_t t;
  std::memset(&t, 0, sizeof t);
  t.command_id = SUBMIT_SM;
  t.sequence_number = 5;
  t.sm_length = 254;
  std::vector<std::uint8_t> out(2048);
  int length = 0;
  EXPECT_NE(smpp34_pack(SUBMIT_SM, out.data(), static_cast<int>(out.size()), &length, &t), 0);
}

}  // namespace
}  // namespace smppd::interop
