#include "carrier/simulator.hpp"

#include <gtest/gtest.h>

#include <string>

namespace smppd::carrier {
namespace {

using namespace std::chrono_literals;
using dlr::receipt_status;

config::simulator_config sample_config() {
  config::simulator_config c;
  c.default_status = "DELIVRD";
  c.default_delay_ms = 50;
  c.rules.push_back({"4599", "UNDELIV", 0x107E, 0, false});
  c.rules.push_back({"45", "ACCEPTD", 0, 10, false});
  c.rules.push_back({"459912", "EXPIRED", 0x1013, 200, true});
  c.rules.push_back({"1", "REJECTD", 0x1902, 5, false});
  return c;
}

TEST(carrier_simulator, uses_the_defaults_when_no_prefix_matches) {
  const simulator sim(sample_config());
  EXPECT_EQ(sim.decide("3312345678"), (verdict{receipt_status::delivrd, 0, 50ms, false}));
}

TEST(carrier_simulator, applies_a_matching_prefix_rule) {
  const simulator sim(sample_config());
  EXPECT_EQ(sim.decide("4512345678"), (verdict{receipt_status::acceptd, 0, 10ms, false}));
  EXPECT_EQ(sim.decide("15551234"), (verdict{receipt_status::rejectd, 0x1902, 5ms, false}));
}

TEST(carrier_simulator, lets_the_longest_prefix_win_whatever_the_rule_order) {
  const simulator sim(sample_config());
  EXPECT_EQ(sim.decide("4599000000"), (verdict{receipt_status::undeliv, 0x107E, 0ms, false}));
  EXPECT_EQ(sim.decide("4599123456"), (verdict{receipt_status::expired, 0x1013, 200ms, true}));
  EXPECT_EQ(sim.decide("4591234567").status, receipt_status::acceptd);
}

TEST(carrier_simulator, matches_a_prefix_equal_to_the_whole_address) {
  const simulator sim(sample_config());
  EXPECT_EQ(sim.decide("4599").status, receipt_status::undeliv);
  EXPECT_EQ(sim.decide("459").status, receipt_status::acceptd);
}

TEST(carrier_simulator, keeps_the_first_rule_for_a_repeated_prefix) {
  auto c = sample_config();
  c.rules.push_back({"4599", "DELIVRD", 0, 1, false});
  const simulator sim(c);
  EXPECT_EQ(sim.decide("4599000000").status, receipt_status::undeliv);
}

TEST(carrier_simulator, decides_from_the_message_destination) {
  const simulator sim(sample_config());
  core::message_record m;
  m.destination_addr = "4599777";
  m.source_addr = "4512345";
  EXPECT_EQ(sim.decide(m).error, 0x107Eu);
}

TEST(carrier_simulator, takes_every_status_of_the_contract) {
  for (const char* status :
       {"DELIVRD", "EXPIRED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD", "BUFFERD", "ENROUTE"}) {
    config::simulator_config c;
    c.default_status = status;
    const simulator sim(c);
    EXPECT_EQ(dlr::to_string(sim.decide("1").status), status);
  }
}

TEST(carrier_simulator, refuses_an_unknown_status) {
  config::simulator_config c;
  c.rules.push_back({"1", "DELIVERED", 0, 0, false});  // a long form is not a config status
  EXPECT_THROW(simulator{c}, config::config_error);
}

core::message_record message_with(std::uint8_t data_coding, std::size_t octets) {
  core::message_record m;
  m.data_coding = data_coding;
  m.payload.assign(octets, 'a');
  return m;
}

TEST(carrier_simulator, counts_the_concatenated_parts_a_carrier_receives) {
  EXPECT_EQ(simulator::parts(message_with(0, 0)), 1u);
  EXPECT_EQ(simulator::parts(message_with(0, 160)), 1u);
  EXPECT_EQ(simulator::parts(message_with(0, 161)), 2u);
  EXPECT_EQ(simulator::parts(message_with(0, 306)), 2u);
  EXPECT_EQ(simulator::parts(message_with(0, 307)), 3u);
  EXPECT_EQ(simulator::parts(message_with(4, 140)), 1u);
  EXPECT_EQ(simulator::parts(message_with(4, 141)), 2u);
  EXPECT_EQ(simulator::parts(message_with(8, 140)), 1u);  // 70 UCS-2 units
  EXPECT_EQ(simulator::parts(message_with(8, 142)), 2u);
}

TEST(carrier_simulator, falls_back_to_the_stored_parts_for_a_payload_that_does_not_segment) {
  auto m = message_with(0x77, 10);  // no such data_coding
  m.parts = 3;
  EXPECT_EQ(simulator::parts(m), 3u);
}

}  // namespace
}  // namespace smppd::carrier
