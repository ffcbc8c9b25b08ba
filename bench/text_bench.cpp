// Validation runs on every submit_sm, so it must cost next to nothing next to the PDU
// decode: these measure it in bytes per second on an SMS-sized and a 64 KiB payload.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "text/codec.hpp"
#include "text/data_coding.hpp"
#include "text/segmentation.hpp"

namespace {

using namespace smppd::text;

// Printable GSM-7 with an escape pair every 64 septets: realistic, and it makes memchr stop.
std::vector<std::uint8_t> gsm7_payload(std::size_t n) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; out.size() < n; ++i) {
    if (i % 64 == 63 && out.size() + 2 <= n) {
      out.insert(out.end(), {0x1B, 0x65});
    } else {
      out.push_back(static_cast<std::uint8_t>(0x20 + i % 0x5B));
    }
  }
  return out;
}

// Cyrillic with a surrogate pair (an emoji) every 64 code units.
std::vector<std::uint8_t> ucs2_payload(std::size_t n) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; out.size() < n; ++i) {
    if (i % 64 == 63 && out.size() + 4 <= n) {
      out.insert(out.end(), {0xD8, 0x3D, 0xDE, 0x00});
    } else {
      out.push_back(0x04);
      out.push_back(static_cast<std::uint8_t>(0x10 + i % 0x40));
    }
  }
  out.resize(n & ~std::size_t{1});
  return out;
}

std::vector<std::uint8_t> ascii_payload(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(0x20 + i % 0x5F);
  return out;
}

void run_validate(benchmark::State& state, std::uint8_t dc,
                  const std::vector<std::uint8_t>& payload) {
  for (auto _ : state) {
    auto s = validate(dc, payload);
    benchmark::DoNotOptimize(s);
    if (!s) state.SkipWithError("payload did not validate");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(payload.size()));
}

void BM_validate_gsm7(benchmark::State& state) {
  run_validate(state, dcs::gsm7, gsm7_payload(static_cast<std::size_t>(state.range(0))));
}
void BM_validate_ucs2(benchmark::State& state) {
  run_validate(state, dcs::ucs2, ucs2_payload(static_cast<std::size_t>(state.range(0))));
}
void BM_validate_ascii(benchmark::State& state) {
  run_validate(state, dcs::ascii, ascii_payload(static_cast<std::size_t>(state.range(0))));
}
BENCHMARK(BM_validate_gsm7)->Arg(140)->Arg(64 * 1024);
BENCHMARK(BM_validate_ucs2)->Arg(140)->Arg(64 * 1024);
BENCHMARK(BM_validate_ascii)->Arg(140)->Arg(64 * 1024);

// 500 characters of client text, as `smppd send` and the REST API will hand it over.
std::string text_500(bool with_cyrillic) {
  std::string out;
  for (int i = 0; i < 500; ++i) {
    if (with_cyrillic && i % 50 == 0) {
      out += "ж";
    } else if (i % 100 == 99) {
      out += "€";
    } else {
      out.push_back(static_cast<char>('a' + i % 26));
    }
  }
  return out;
}

void BM_encode_auto_500_gsm7(benchmark::State& state) {
  const std::string text = text_500(false);
  for (auto _ : state) benchmark::DoNotOptimize(encode_auto(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}
void BM_encode_auto_500_ucs2(benchmark::State& state) {
  const std::string text = text_500(true);
  for (auto _ : state) benchmark::DoNotOptimize(encode_auto(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_encode_auto_500_gsm7);
BENCHMARK(BM_encode_auto_500_ucs2);

void run_split(benchmark::State& state, bool with_cyrillic) {
  const auto encoded = encode_auto(text_500(with_cyrillic));
  for (auto _ : state) {
    auto parts = split(encoded->data_coding, encoded->payload, {.reference = 7});
    benchmark::DoNotOptimize(parts);
  }
  state.counters["parts"] =
      static_cast<double>(*count_parts(encoded->data_coding, encoded->payload));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(encoded->payload.size()));
}
void BM_split_500_gsm7(benchmark::State& state) { run_split(state, false); }
void BM_split_500_ucs2(benchmark::State& state) { run_split(state, true); }
BENCHMARK(BM_split_500_gsm7);
BENCHMARK(BM_split_500_ucs2);

}  // namespace
