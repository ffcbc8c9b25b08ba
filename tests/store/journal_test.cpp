#include "store/journal/journal.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "store/pre_mo_journal.hpp"
#include "support/hex.hpp"

namespace {

using namespace std::chrono_literals;
using smppd::wall_time;
using namespace smppd::core;
namespace journal = smppd::store::journal;

wall_time at(std::int64_t ms) { return wall_time(std::chrono::milliseconds(ms)); }

message_record full_message() {
  message_record m;
  m.id = 0x1234567890ULL;
  m.system_id = "acme";
  m.source_addr_ton = 5;
  m.source_addr_npi = 9;
  m.source_addr = "Acme";
  m.dest_addr_ton = 1;
  m.dest_addr_npi = 1;
  m.destination_addr = "4512345678";
  m.service_type = "CMT";
  m.esm_class = 0x40;
  m.protocol_id = 0x7F;
  m.requested_priority = 3;
  m.priority = 1;
  m.schedule_delivery_time = at(1'700'000'000'123);
  m.validity_period = at(1'700'000'999'000);
  m.registered_delivery = 1;
  m.data_coding = 8;
  m.flash = true;
  m.payload = {0x05, 0x00, 0x03, 0x01, 0x02, 0x01, 0x00, 0xFF};
  m.user_message_reference = {0x01, 0x02};
  m.message_class = "premium";
  m.submitted_at = at(1'700'000'000'000);
  m.parts = 2;
  m.state = message_state::enroute;
  m.done_at = at(1'700'000'001'000);
  m.error_code = 0x107E;
  m.carrier = "upstream-a";
  m.upstream_id = "0A1B";
  return m;
}

receipt_record full_receipt() {
  receipt_record r;
  r.receipt_id = 99;
  r.system_id = "acme";
  r.message_id = 7;
  r.text = "id:7 sub:001 dlvrd:001 submit date:2401011200 done date:2401011200 stat:DELIVRD";
  r.message_state = 2;
  r.network_error = 0x1013;
  r.source_addr_ton = 1;
  r.source_addr_npi = 1;
  r.source_addr = "4512345678";
  r.dest_addr_ton = 5;
  r.destination_addr = "Acme";
  r.user_message_reference = {0x01, 0x02};
  r.created_at = at(1'700'000'002'000);
  return r;
}

receipt_record full_mo() {
  receipt_record r;
  r.system_id = "acme";
  r.text = std::string("\x05\x00\x03\x02\x02\x01\x00H\x00i", 10);  // UDH, NULs
  r.source_addr_ton = 1;
  r.source_addr_npi = 1;
  r.source_addr = "4670000002";
  r.dest_addr_ton = 1;
  r.destination_addr = "4512345";
  r.esm_class = 0x40;
  r.data_coding = 8;
  r.created_at = at(1'700'000'003'000);
  return r;
}

std::vector<message_step> decode_all(std::span<const std::uint8_t> bytes, bool& ok) {
  std::vector<message_step> out;
  ok = journal::decode(bytes, [&](message_step&& s) { out.push_back(std::move(s)); });
  return out;
}

std::vector<std::uint8_t> sample_batch() {
  journal::encoder e;
  e.accepted(full_message());
  e.enroute({7, "upstream-a", "0A1B"});
  e.finished({7, message_state::delivered, at(5), 0, full_receipt()}, 1234);
  e.finished({8, message_state::expired, at(6), 0x1001, std::nullopt}, 0);
  e.receipt_removed(1234);
  return {e.bytes().begin(), e.bytes().end()};
}

// With SMPPD_WRITE_CORPUS=DIR the sample batch and each of its steps alone are written to
// DIR: they seed the journal_decode fuzz corpus (fuzz/corpus/journal_decode/).
void write_corpus(const std::vector<std::uint8_t>& batch) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, before any thread of the test starts
  const char* dir = std::getenv("SMPPD_WRITE_CORPUS");
  if (dir == nullptr) return;
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::vector<std::uint8_t>& bytes) {
    std::ofstream(std::filesystem::path(dir) / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  };
  write("batch", batch);
  journal::encoder e;
  e.accepted(full_message());
  write("accepted", {e.bytes().begin(), e.bytes().end()});
  e.clear();
  e.finished({7, message_state::delivered, at(5), 0, full_receipt()}, 1234);
  write("finished", {e.bytes().begin(), e.bytes().end()});
  e.clear();
  e.enroute({7, "upstream-a", "0A1B"});
  e.receipt_removed(3);
  write("enroute_removed", {e.bytes().begin(), e.bytes().end()});
  e.clear();
  e.mo_received(full_mo(), 99);
  write("mo_received", {e.bytes().begin(), e.bytes().end()});
  write("finished_before_mo",
        smppd::test_support::from_hex(smppd::test_support::pre_mo_finished_hex));
  std::vector<std::uint8_t> row;
  journal::compress(batch, row);
  write("batch_compressed", row);
}

TEST(journal_test, every_step_reads_back_field_by_field) {
  bool ok = false;
  const auto bytes = sample_batch();
  write_corpus(bytes);
  const auto steps = decode_all(bytes, ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(std::get<message_accepted>(steps[0]).message, full_message());
  const auto& e = std::get<message_enroute>(steps[1]);
  EXPECT_EQ(e.message_id, 7u);
  EXPECT_EQ(e.carrier, "upstream-a");
  EXPECT_EQ(e.upstream_id, "0A1B");
  const auto& f = std::get<message_finished>(steps[2]);
  EXPECT_EQ(f.message_id, 7u);
  EXPECT_EQ(f.state, message_state::delivered);
  EXPECT_EQ(f.done_at, at(5));
  auto expected = full_receipt();
  expected.receipt_id = 1234;  // the id given, not the one the record carried
  ASSERT_TRUE(f.receipt.has_value());
  EXPECT_EQ(*f.receipt, expected);
  const auto& g = std::get<message_finished>(steps[3]);
  EXPECT_EQ(g.error_code, 0x1001u);
  EXPECT_FALSE(g.receipt.has_value());
  EXPECT_EQ(std::get<receipt_acknowledged>(steps[4]).receipt_id, 1234u);
}

TEST(journal_test, an_mo_reads_back_with_the_id_it_was_given) {
  journal::encoder e;
  e.mo_received(full_mo(), 99);
  bool ok = false;
  const auto steps = decode_all(e.bytes(), ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(steps.size(), 1u);
  auto expected = full_mo();
  expected.receipt_id = 99;
  EXPECT_EQ(std::get<mo_received>(steps[0]).mo, expected);
  int seen = 0;
  ASSERT_TRUE(journal::scan(e.bytes(), [&](const journal::entry& en) {
    EXPECT_EQ(en.what, journal::entry::kind::mo_received);
    EXPECT_EQ(en.receipt_id, 99u);
    ++seen;
  }));
  EXPECT_EQ(seen, 1);
}

TEST(journal_test, a_receipt_written_before_mo_existed_reads_as_a_receipt) {
  journal::encoder e;
  e.finished({7, message_state::delivered, at(5), 0, full_receipt()}, 1234);
  // The same entry without its last three fields (esm_class 4, data_coding 0, webhook_url
  // empty: one octet each), as a journal row from before they were added.
  const auto shorten = [](std::vector<std::uint8_t>& batch, std::uint32_t by) {
    batch.resize(batch.size() - by);
    std::uint32_t length = 0;  // after the version and the tag, four octets little-endian
    for (int i = 0; i < 4; ++i) length |= std::uint32_t{batch[2 + i]} << (8 * i);
    length -= by;
    for (int i = 0; i < 4; ++i) batch[2 + i] = static_cast<std::uint8_t>(length >> (8 * i));
  };
  std::vector<std::uint8_t> old(e.bytes().begin(), e.bytes().end());
  shorten(old, 3);
  bool ok = false;
  const auto steps = decode_all(old, ok);
  ASSERT_TRUE(ok);
  auto expected = full_receipt();
  expected.receipt_id = 1234;
  EXPECT_EQ(*std::get<message_finished>(steps.at(0)).receipt, expected);
  EXPECT_FALSE(expected.is_mo());
  // Only those trailing fields may be missing: one more octet short is refused.
  shorten(old, 1);
  decode_all(old, ok);
  EXPECT_FALSE(ok);
}

TEST(journal_test, a_batch_from_the_encoder_before_mo_reads_back) {
  const auto old = smppd::test_support::from_hex(smppd::test_support::pre_mo_finished_hex);
  bool ok = false;
  const auto steps = decode_all(old, ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(steps.size(), 1u);
  const auto& f = std::get<message_finished>(steps[0]);
  EXPECT_EQ(f.message_id, 7u);
  EXPECT_EQ(f.state, message_state::delivered);
  EXPECT_EQ(f.done_at, at(1'700'000'002'000));
  ASSERT_TRUE(f.receipt.has_value());
  EXPECT_EQ(*f.receipt, smppd::test_support::pre_mo_receipt());
  EXPECT_EQ(f.receipt->esm_class, 0x04);
  EXPECT_EQ(f.receipt->data_coding, 0);
  // Written again today it gains exactly the new fields (esm_class 4, data_coding 0, an
  // empty webhook_url).
  journal::encoder e;
  e.finished(f, f.receipt->receipt_id);
  auto grown = old;
  grown[2] += 3;
  grown.insert(grown.end(), {0x04, 0x00, 0x00});
  EXPECT_EQ(smppd::test_support::to_hex(e.bytes()), smppd::test_support::to_hex(grown));
}

TEST(journal_test, a_message_written_before_the_rest_api_reads_back_without_its_webhook) {
  journal::encoder e;
  message_record m;
  m.id = 42;
  m.destination_addr = "4511";
  e.accepted(m);
  // Without batch_id 0, callback_url and userref (one octet each): a row from before them.
  std::vector<std::uint8_t> old(e.bytes().begin(), e.bytes().end());
  old.resize(old.size() - 3);
  old[2] = static_cast<std::uint8_t>(old[2] - 3);
  bool ok = false;
  const auto steps = decode_all(old, ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(std::get<smppd::core::message_accepted>(steps.at(0)).message, m);
  old.resize(old.size() - 1);  // upstream_id missing too: refused
  old[2] = static_cast<std::uint8_t>(old[2] - 1);
  decode_all(old, ok);
  EXPECT_FALSE(ok);
}

TEST(journal_test, an_empty_message_and_a_batch_without_steps_read_back) {
  journal::encoder e;
  EXPECT_EQ(e.steps(), 0u);
  bool ok = false;
  EXPECT_TRUE(decode_all(e.bytes(), ok).empty());
  EXPECT_TRUE(ok);
  e.accepted(message_record{});
  const auto steps = decode_all(e.bytes(), ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(std::get<message_accepted>(steps[0]).message, message_record{});
  e.clear();
  EXPECT_EQ(e.steps(), 0u);
  EXPECT_EQ(e.bytes().size(), 1u);  // the version octet
}

// A batch cut anywhere inside its last step is refused, never half read.
TEST(journal_test, a_truncated_batch_is_refused_at_every_length) {
  const auto bytes = sample_batch();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    bool ok = true;
    std::size_t calls = 0;
    ok = journal::decode({bytes.data(), n}, [&](message_step&&) { ++calls; });
    // Cuts between entries decode as a shorter batch; any other cut fails.
    if (ok) {
      EXPECT_LT(calls, 5u) << n;
    }
    if (n == 0) {
      EXPECT_FALSE(ok);
    }
  }
  bool ok = false;
  EXPECT_EQ(decode_all(bytes, ok).size(), 5u);
  EXPECT_TRUE(ok);
}

TEST(journal_test, another_version_an_unknown_step_or_a_bad_flag_is_refused) {
  auto bytes = sample_batch();
  bool ok = true;
  auto v2 = bytes;
  v2[0] = 2;
  decode_all(v2, ok);
  EXPECT_FALSE(ok);

  const std::vector<std::uint8_t> unknown_tag = {journal::format_version, 9, 0};
  decode_all(unknown_tag, ok);
  EXPECT_FALSE(ok);

  journal::encoder e;
  e.finished({1, message_state::delivered, at(1), 0, std::nullopt}, 0);
  std::vector<std::uint8_t> bad(e.bytes().begin(), e.bytes().end());
  bad.back() = 2;  // the receipt's presence octet
  decode_all(bad, ok);
  EXPECT_FALSE(ok);

  const std::vector<std::uint8_t> long_varint = {
      journal::format_version, 4, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  decode_all(long_varint, ok);
  EXPECT_FALSE(ok);

  const std::vector<std::uint8_t> string_past_end = {journal::format_version, 2, 7, 50, 'a'};
  decode_all(string_past_end, ok);
  EXPECT_FALSE(ok);
}

// What the store writes: the batch as an LZ4 row (format 2), read back as the same bytes.
TEST(journal_test, a_compressed_row_expands_to_its_batch_and_a_plain_row_is_read_as_is) {
  journal::encoder e;
  for (std::uint64_t i = 0; i < 100; ++i) {  // a group commit: similar messages and receipts
    auto m = full_message();
    m.id = 1000 + i;
    e.accepted(m);
    e.finished({m.id, message_state::delivered, at(5 + i), 0, full_receipt()}, 2000 + i);
    e.receipt_removed(1900 + i);
  }
  const std::vector<std::uint8_t> batch(e.bytes().begin(), e.bytes().end());
  std::vector<std::uint8_t> row;
  journal::compress(batch, row);
  EXPECT_EQ(row[0], journal::compressed_format_version);
  EXPECT_LT(row.size(), batch.size() / 4);
  std::vector<std::uint8_t> scratch;
  const auto expanded = journal::expand(row, scratch);
  ASSERT_TRUE(expanded);
  EXPECT_TRUE(std::equal(expanded->begin(), expanded->end(), batch.begin(), batch.end()));
  bool ok = false;
  EXPECT_EQ(decode_all(*expanded, ok).size(), 300u);
  EXPECT_TRUE(ok);

  // Rows written before compression are the batch itself: read in place, not copied.
  const auto plain = journal::expand(batch, scratch);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->data(), batch.data());
  EXPECT_EQ(plain->size(), batch.size());
}

TEST(journal_test, a_cut_or_corrupt_compressed_row_is_refused) {
  std::vector<std::uint8_t> row;
  journal::compress(sample_batch(), row);
  std::vector<std::uint8_t> scratch;
  for (std::size_t n = 1; n < row.size(); ++n) {
    EXPECT_FALSE(journal::expand({row.data(), n}, scratch)) << n;
  }
  // A stated length LZ4 cannot reach from this many octets: refused before any allocation.
  const std::vector<std::uint8_t> huge = {
      journal::compressed_format_version, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00};
  EXPECT_FALSE(journal::expand(huge, scratch));
  EXPECT_LT(scratch.capacity(), 1u << 20);
  // A length one off from what the block expands to.
  auto longer = row;
  longer[1] = static_cast<std::uint8_t>((longer[1] & 0x7F) == 0x7F ? longer[1] - 1 : longer[1] + 1);
  EXPECT_FALSE(journal::expand(longer, scratch));
}

}  // namespace
