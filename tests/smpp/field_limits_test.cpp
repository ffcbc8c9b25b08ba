// Each bounded field at its limit and one past it, driven by the bodies' own field lists:
// a new string field is covered as soon as it is added to a `visit`.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <type_traits>

#include "smpp/codec.hpp"
#include "support/wire.hpp"

namespace smppd::smpp {
namespace {

template <class T>
struct is_c_octet_string : std::false_type {};
template <std::size_t N>
struct is_c_octet_string<c_octet_string<N>> : std::true_type {};

template <class F>
constexpr bool is_string_field_v = is_c_octet_string<std::remove_cvref_t<F>>::value ||
                                   std::is_same_v<std::remove_cvref_t<F>, time_string>;

// The bytes a field takes on the wire, written independently of the codec's sizer.
template <class F>
std::size_t wire_size_of(const F& field) {
  using T = std::remove_cvref_t<F>;
  if constexpr (std::is_same_v<T, std::uint8_t>) {
    return 1;
  } else if constexpr (is_string_field_v<T>) {
    return field.size() + 1;
  } else if constexpr (std::is_same_v<T, short_message_string>) {
    return 1 + field.size();
  } else if constexpr (std::is_same_v<T, tlv_list>) {
    return field.wire_size();
  } else {
    return 1 + field.size() * 1000;  // lists: these tests keep them empty
  }
}

struct string_field_names {
  std::vector<std::string> names;
  template <class F>
  void operator()(const char* name, F&) {
    if constexpr (is_string_field_v<F>) names.emplace_back(name);
  }
};

// Fills the named field with its maximum: N-1 characters, or 16 for a time.
struct fill_to_limit {
  std::string target;
  template <class F>
  void operator()(const char* name, F& field) {
    if constexpr (is_string_field_v<F>) {
      if (target != name) return;
      const std::size_t n = std::remove_cvref_t<F>::max_size - 1;
      ASSERT_TRUE(field.assign(std::string(n, '7')));
    }
  }
};

struct offset_of {
  std::string target;
  std::size_t offset = header_size;
  bool found = false;
  template <class F>
  void operator()(const char* name, const F& field) {
    if (found) return;
    if (target == name) {
      found = true;
      return;
    }
    offset += wire_size_of(field);
  }
};

// The spec's status for each string field (README.md: ESME_RINVPARLEN where it is silent).
const std::map<std::string, command_status>& expected_status() {
  static const std::map<std::string, command_status> table{
      {"system_id", command_status::esme_rinvsysid},
      {"password", command_status::esme_rinvpaswd},
      {"system_type", command_status::esme_rinvsystyp},
      {"address_range", command_status::esme_rinvparlen},
      {"service_type", command_status::esme_rinvsertyp},
      {"source_addr", command_status::esme_rinvsrcadr},
      {"destination_addr", command_status::esme_rinvdstadr},
      {"schedule_delivery_time", command_status::esme_rinvsched},
      {"validity_period", command_status::esme_rinvexpiry},
      {"message_id", command_status::esme_rinvmsgid},
      {"final_date", command_status::esme_rinvparlen},
      {"esme_addr", command_status::esme_rinvparlen},
  };
  return table;
}

// The limits by field and PDU, typed from the spec's tables (size including the NUL).
template <class Body>
void check_string_limits(const std::map<std::string, std::size_t>& spec_sizes) {
  Body probe{};
  string_field_names names;
  Body::visit(probe, names);
  ASSERT_EQ(names.names.size(), spec_sizes.size()) << name(Body::id);
  for (const std::string& field : names.names) {
    SCOPED_TRACE(std::string(name(Body::id)) + "." + field);
    ASSERT_TRUE(spec_sizes.contains(field));
    Body body{};
    fill_to_limit fill{field};
    Body::visit(body, fill);

    // At the limit: encodes to the spec's maximum size and decodes back equal.
    const pdu at_limit = make_pdu(body, 1);
    std::vector<std::uint8_t> frame = encode(at_limit);
    offset_of where{field};
    Body::visit(std::as_const(body), where);
    ASSERT_TRUE(where.found);
    const std::size_t nul_at = where.offset + spec_sizes.at(field) - 1;
    ASSERT_LT(nul_at, frame.size());
    EXPECT_EQ(frame[nul_at], 0) << "the NUL ends the field at the spec's maximum size";
    decode_result decoded = decode(frame);
    ASSERT_TRUE(decoded) << to_string(decoded.error().status);
    EXPECT_EQ(*decoded, at_limit);

    // One past: a character more before the NUL.
    frame.insert(frame.begin() + static_cast<long>(where.offset), '7');
    test::fix_length(frame);
    decode_result past = decode(frame);
    ASSERT_FALSE(past);
    EXPECT_EQ(past.error().status, expected_status().at(field)) << to_string(past.error().status);
    EXPECT_FALSE(past.error().close);
  }
}

TEST(field_limits, bind_strings_at_their_limit_pass_and_one_past_fail) {
  const std::map<std::string, std::size_t> sizes{
      {"system_id", 16}, {"password", 9}, {"system_type", 13}, {"address_range", 41}};
  check_string_limits<bind_transmitter>(sizes);
  check_string_limits<bind_receiver>(sizes);
  check_string_limits<bind_transceiver>(sizes);
}

TEST(field_limits, bind_resp_system_id_is_at_most_16) {
  check_string_limits<bind_transmitter_resp>({{"system_id", 16}});
  check_string_limits<bind_receiver_resp>({{"system_id", 16}});
  check_string_limits<bind_transceiver_resp>({{"system_id", 16}});
}

TEST(field_limits, outbind_strings_at_their_limit_pass_and_one_past_fail) {
  check_string_limits<outbind>({{"system_id", 16}, {"password", 9}});
}

TEST(field_limits, submit_and_deliver_sm_strings_at_their_limit_pass_and_one_past_fail) {
  const std::map<std::string, std::size_t> sizes{{"service_type", 6},
                                                 {"source_addr", 21},
                                                 {"destination_addr", 21},
                                                 {"schedule_delivery_time", 17},
                                                 {"validity_period", 17}};
  check_string_limits<submit_sm>(sizes);
  check_string_limits<deliver_sm>(sizes);
}

TEST(field_limits, submit_multi_strings_at_their_limit_pass_and_one_past_fail) {
  check_string_limits<submit_multi>({{"service_type", 6},
                                     {"source_addr", 21},
                                     {"schedule_delivery_time", 17},
                                     {"validity_period", 17}});
}

TEST(field_limits, message_ids_are_at_most_65) {
  check_string_limits<submit_sm_resp>({{"message_id", 65}});
  check_string_limits<deliver_sm_resp>({{"message_id", 65}});
  check_string_limits<submit_multi_resp>({{"message_id", 65}});
  check_string_limits<data_sm_resp>({{"message_id", 65}});
}

TEST(field_limits, data_sm_addresses_are_at_most_65) {
  check_string_limits<data_sm>(
      {{"service_type", 6}, {"source_addr", 65}, {"destination_addr", 65}});
}

TEST(field_limits, query_cancel_replace_strings_at_their_limit_pass_and_one_past_fail) {
  check_string_limits<query_sm>({{"message_id", 65}, {"source_addr", 21}});
  check_string_limits<query_sm_resp>({{"message_id", 65}, {"final_date", 17}});
  check_string_limits<cancel_sm>(
      {{"service_type", 6}, {"message_id", 65}, {"source_addr", 21}, {"destination_addr", 21}});
  check_string_limits<replace_sm>({{"message_id", 65},
                                   {"source_addr", 21},
                                   {"schedule_delivery_time", 17},
                                   {"validity_period", 17}});
}

TEST(field_limits, alert_notification_addresses_are_at_most_65) {
  check_string_limits<alert_notification>({{"source_addr", 65}, {"esme_addr", 65}});
}

TEST(field_limits, short_message_of_254_octets_round_trips) {
  submit_sm b;
  ASSERT_TRUE(b.short_message.assign(std::string(254, 'x')));
  const pdu p = make_pdu(b, 1);
  decode_result r = decode(encode(p));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, p);
}

TEST(field_limits, short_message_refuses_255_octets) {
  short_message_string s;
  EXPECT_FALSE(s.assign(std::string(255, 'x')));
  EXPECT_TRUE(s.empty());
}

TEST(field_limits, submit_multi_takes_254_destinations_and_refuses_255) {
  submit_multi b;
  for (int i = 0; i < 254; ++i) ASSERT_TRUE(b.dest_address.push_back(distribution_list{"dl"}));
  EXPECT_FALSE(b.dest_address.push_back(distribution_list{"dl"}));
  const pdu p = make_pdu(b, 1);
  decode_result r = decode(encode(p));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, p);
}

}  // namespace
}  // namespace smppd::smpp
