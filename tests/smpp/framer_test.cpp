#include "smpp/framer.hpp"

#include <gtest/gtest.h>

#include "smpp/codec.hpp"
#include "support/wire.hpp"

namespace smppd::smpp {
namespace {

using test::wire;

constexpr std::size_t max_pdu = 65536;

frame_result frame_of_length(std::uint32_t length) {
  std::vector<std::uint8_t> bytes = wire("00000000 00000004 00000000 00000009");
  bytes[0] = static_cast<std::uint8_t>(length >> 24);
  bytes[1] = static_cast<std::uint8_t>(length >> 16);
  bytes[2] = static_cast<std::uint8_t>(length >> 8);
  bytes[3] = static_cast<std::uint8_t>(length);
  return next_frame(bytes, max_pdu);
}

void expect_fatal(const frame_result& r) {
  EXPECT_EQ(r.kind, frame_kind::fatal);
  EXPECT_EQ(r.status, command_status::esme_rinvcmdlen);
  EXPECT_EQ(r.header.command_id, command_id::submit_sm);
  EXPECT_EQ(r.header.sequence_number, 9u);
}

TEST(framer, command_length_0_is_fatal_with_the_sequence_number) {
  expect_fatal(frame_of_length(0));
}
TEST(framer, command_length_15_is_fatal) { expect_fatal(frame_of_length(15)); }
TEST(framer, command_length_max_plus_1_is_fatal) { expect_fatal(frame_of_length(max_pdu + 1)); }
TEST(framer, command_length_0xffffffff_is_fatal) { expect_fatal(frame_of_length(0xFFFFFFFF)); }

TEST(framer, command_length_16_is_one_frame) {
  const frame_result r = frame_of_length(16);
  EXPECT_EQ(r.kind, frame_kind::frame);
  EXPECT_EQ(r.size, 16u);
}

TEST(framer, command_length_max_waits_for_the_whole_pdu) {
  const frame_result r = frame_of_length(max_pdu);
  EXPECT_EQ(r.kind, frame_kind::need_more);
  EXPECT_EQ(r.size, max_pdu - 16);
  std::vector<std::uint8_t> whole(max_pdu, 0);
  const std::vector<std::uint8_t> header = wire("00010000 00000004 00000000 00000009");
  std::copy(header.begin(), header.end(), whole.begin());
  const frame_result complete = next_frame(whole, max_pdu);
  EXPECT_EQ(complete.kind, frame_kind::frame);
  EXPECT_EQ(complete.size, max_pdu);
}

TEST(framer, waits_for_the_whole_header_before_judging) {
  const std::vector<std::uint8_t> bytes = wire("00000000 000000");
  const frame_result r = next_frame(bytes, max_pdu);
  EXPECT_EQ(r.kind, frame_kind::need_more);
  EXPECT_EQ(r.size, 9u);
  EXPECT_EQ(next_frame({}, max_pdu).size, 16u);
}

std::vector<std::uint8_t> stream_of_three() {
  std::vector<std::uint8_t> stream = wire("00000010 00000015 00000000 00000001");
  submit_sm b;
  b.destination_addr = "4599";
  EXPECT_TRUE(b.short_message.assign(std::string_view("hello")));
  encode(make_pdu(b, 2), stream);
  encode(make_pdu(submit_sm_resp{}, 3, command_status::esme_rthrottled), stream);
  return stream;
}

std::vector<std::uint32_t> sequence_numbers(const std::vector<std::vector<std::uint8_t>>& frames) {
  std::vector<std::uint32_t> out;
  for (const auto& f : frames) {
    decode_result r = decode(f);
    EXPECT_TRUE(r);
    if (r) out.push_back(r->sequence_number);
  }
  return out;
}

TEST(framer, splits_a_stream_fed_all_at_once) {
  const std::vector<std::uint8_t> stream = stream_of_three();
  std::vector<std::vector<std::uint8_t>> frames;
  std::span<const std::uint8_t> rest = stream;
  for (;;) {
    const frame_result r = next_frame(rest, max_pdu);
    if (r.kind != frame_kind::frame) {
      EXPECT_EQ(r.kind, frame_kind::need_more);
      break;
    }
    frames.emplace_back(rest.begin(), rest.begin() + static_cast<long>(r.size));
    rest = rest.subspan(r.size);
  }
  EXPECT_TRUE(rest.empty());
  EXPECT_EQ(sequence_numbers(frames), (std::vector<std::uint32_t>{1, 2, 3}));
}

TEST(framer, splits_a_stream_fed_one_byte_at_a_time) {
  const std::vector<std::uint8_t> stream = stream_of_three();
  std::vector<std::uint8_t> buffer;
  std::vector<std::vector<std::uint8_t>> frames;
  for (std::uint8_t byte : stream) {
    buffer.push_back(byte);
    const frame_result r = next_frame(buffer, max_pdu);
    ASSERT_NE(r.kind, frame_kind::fatal);
    if (r.kind == frame_kind::need_more) {
      EXPECT_GE(r.size, 1u);
      continue;
    }
    frames.emplace_back(buffer.begin(), buffer.begin() + static_cast<long>(r.size));
    buffer.erase(buffer.begin(), buffer.begin() + static_cast<long>(r.size));
  }
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(sequence_numbers(frames), (std::vector<std::uint32_t>{1, 2, 3}));
}

}  // namespace
}  // namespace smppd::smpp
