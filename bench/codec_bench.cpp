// Codec throughput. Target: frame + decode of a typical submit_sm in <= 200 ns on one core.

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "smpp/codec.hpp"

namespace {

using namespace smppd::smpp;

pdu typical_submit_sm() {
  submit_sm b;
  b.source_addr_ton = 5;
  b.source_addr = "Smppd";
  b.dest_addr_ton = 1;
  b.dest_addr_npi = 1;
  b.destination_addr = "4512345678";
  b.registered_delivery = 1;
  (void)b.short_message.assign(std::string(160, 'x'));
  (void)b.tlvs.set_u16(tlv_tag::user_message_reference, 42);
  return make_pdu(b, 1);
}

pdu receipt_deliver_sm() {
  deliver_sm b;
  b.source_addr_ton = 1;
  b.source_addr_npi = 1;
  b.source_addr = "4512345678";
  b.dest_addr_ton = 5;
  b.destination_addr = "Smppd";
  b.esm_class = 0x04;
  (void)b.short_message.assign(std::string_view(
      "id:1234567890123456789 sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 "
      "stat:DELIVRD err:000 text:"));
  (void)b.tlvs.set_string(tlv_tag::receipted_message_id, "1234567890123456789");
  (void)b.tlvs.set_u8(tlv_tag::message_state, 2);
  return make_pdu(b, 1);
}

void decode_benchmark(benchmark::State& state, const pdu& value) {
  const std::vector<std::uint8_t> bytes = encode(value);
  for (auto _ : state) {
    const frame_result frame = next_frame(bytes, 65536);
    decode_result r = decode(std::span<const std::uint8_t>(bytes).first(frame.size));
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}

void encode_benchmark(benchmark::State& state, const pdu& value) {
  std::vector<std::uint8_t> out;
  out.reserve(1024);
  for (auto _ : state) {
    out.clear();
    encode(value, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(out.size()));
}

void BM_decode_submit_sm(benchmark::State& state) { decode_benchmark(state, typical_submit_sm()); }
void BM_encode_submit_sm(benchmark::State& state) { encode_benchmark(state, typical_submit_sm()); }
void BM_decode_deliver_sm(benchmark::State& state) {
  decode_benchmark(state, receipt_deliver_sm());
}
void BM_encode_deliver_sm(benchmark::State& state) {
  encode_benchmark(state, receipt_deliver_sm());
}

// Framing alone over a buffer of 1000 back-to-back PDUs (submit_sm, enquire_link, resp).
void BM_frame_stream(benchmark::State& state) {
  std::vector<std::uint8_t> stream;
  submit_sm_resp resp;
  resp.message_id = "1234567890123456789";
  for (int i = 0; i < 1000; ++i) {
    switch (i % 3) {
      case 0:
        encode(typical_submit_sm(), stream);
        break;
      case 1:
        encode(make_pdu(enquire_link{}, static_cast<std::uint32_t>(i)), stream);
        break;
      default:
        encode(make_pdu(resp, static_cast<std::uint32_t>(i)), stream);
        break;
    }
  }
  std::int64_t frames = 0;
  for (auto _ : state) {
    std::span<const std::uint8_t> rest = stream;
    for (;;) {
      const frame_result r = next_frame(rest, 65536);
      if (r.kind != frame_kind::frame) break;
      rest = rest.subspan(r.size);
      ++frames;
    }
    benchmark::DoNotOptimize(rest.data());
  }
  state.SetItemsProcessed(frames);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
}

BENCHMARK(BM_decode_submit_sm);
BENCHMARK(BM_encode_submit_sm);
BENCHMARK(BM_decode_deliver_sm);
BENCHMARK(BM_encode_deliver_sm);
BENCHMARK(BM_frame_stream);

}  // namespace
