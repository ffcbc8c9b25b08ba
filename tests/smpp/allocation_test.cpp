// Decoding a typical submit_sm or receipt must not touch the heap: fields and the first TLVs
// are stored inline. Counted by replacing the global operator new for this test binary.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "smpp/codec.hpp"

namespace {
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace smppd::smpp {
namespace {

TEST(submit_sm_decode, allocates_nothing_for_160_characters_and_a_user_message_reference) {
  submit_sm b;
  b.source_addr = "Smppd";
  b.destination_addr = "4512345678";
  ASSERT_TRUE(b.short_message.assign(std::string(160, 'x')));
  ASSERT_TRUE(b.tlvs.set_u16(tlv_tag::user_message_reference, 42));
  const std::vector<std::uint8_t> bytes = encode(make_pdu(b, 1));

  const long before = allocations.load();
  decode_result r = decode(bytes);
  const long after = allocations.load();
  ASSERT_TRUE(r);
  EXPECT_EQ(after - before, 0);
}

TEST(deliver_sm_decode, allocates_nothing_for_a_delivery_receipt) {
  deliver_sm b;
  b.esm_class = 4;
  ASSERT_TRUE(b.short_message.assign(std::string(120, 'r')));
  ASSERT_TRUE(b.tlvs.set_string(tlv_tag::receipted_message_id, "1234567890123456789"));
  ASSERT_TRUE(b.tlvs.set_u8(tlv_tag::message_state, 2));
  const std::uint8_t network_error[] = {3, 0, 1};
  ASSERT_TRUE(b.tlvs.set(tlv_tag::network_error_code, network_error));
  ASSERT_TRUE(b.tlvs.set_u16(tlv_tag::user_message_reference, 42));
  const std::vector<std::uint8_t> bytes = encode(make_pdu(b, 1));

  const long before = allocations.load();
  decode_result r = decode(bytes);
  const long after = allocations.load();
  ASSERT_TRUE(r);
  EXPECT_EQ(after - before, 0);
}

}  // namespace
}  // namespace smppd::smpp
