// The message store's group commit under load (issue 4): 4 producer threads, each keeping
// up to 64 appends outstanding like a session window. "life" adds what every message with
// a receipt costs the store: record_outcome with a receipt, then remove_receipt (the ack),
// each enqueued from the previous step's completion as the dispatcher would.
//
// The database goes to $SMPPD_BENCH_DIR (default: the current directory), which must be on
// a real disk for synchronous=FULL to mean anything (tmpfs ignores fsync).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <semaphore>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_message_store.hpp"

namespace {

using smppd::core::message_record;
using smppd::core::message_state;
using smppd::core::receipt_record;
using smppd::store::sqlite::message_store_options;
using smppd::store::sqlite::sqlite_message_store;

constexpr int producers = 4;
constexpr int window = 64;

std::filesystem::path bench_dir() {
  const char* dir = std::getenv("SMPPD_BENCH_DIR");
  auto path =
      std::filesystem::path(dir ? dir : ".") / ("smppd-store-bench-" + std::to_string(::getpid()));
  return path;
}

message_record make_message(std::uint64_t id) {
  message_record m;
  m.id = id;
  m.system_id = "bench";
  m.source_addr_ton = 5;
  m.source_addr = "Bench";
  m.dest_addr_ton = 1;
  m.dest_addr_npi = 1;
  m.destination_addr = "4512345678";
  m.payload.assign(20, 'x');  // a typical short text
  m.registered_delivery = 1;
  m.submitted_at = std::chrono::system_clock::now();
  return m;
}

receipt_record make_receipt(std::uint64_t id) {
  receipt_record r;
  r.system_id = "bench";
  r.message_id = id;
  r.text = "id:" + std::to_string(id) +
           " sub:001 dlvrd:001 submit date:2401011200 done date:2401011200 stat:DELIVRD "
           "err:000 text:";
  r.message_state = 2;
  r.source_addr_ton = 1;
  r.source_addr_npi = 1;
  r.source_addr = "4512345678";
  r.dest_addr_ton = 5;
  r.destination_addr = "Bench";
  r.created_at = std::chrono::system_clock::now();
  return r;
}

// args: 0 synchronous (1 FULL, 0 NORMAL), 1 life (0 append only, 1 + outcome + remove),
// 2 messages per iteration
void bm_store(benchmark::State& state) {
  const bool full = state.range(0) != 0;
  const bool life = state.range(1) != 0;
  const char* n_env = std::getenv("SMPPD_BENCH_N");  // e.g. a short run under callgrind
  const auto count =
      n_env ? std::strtoull(n_env, nullptr, 10) : static_cast<std::uint64_t>(state.range(2));
  const auto dir = bench_dir();
  std::uint64_t next_id = 1;
  std::uint64_t processed = 0;
  for (auto _ : state) {
    std::filesystem::remove_all(dir);
    message_store_options o;
    o.synchronous_full = full;
    sqlite_message_store store(dir / "bench.db", o);
    std::atomic<std::uint64_t> finished{0};
    std::atomic<int> errors{0};
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    const auto per_producer = count / producers;
    // Outlive every completion (a release may still be returning when the producer wakes).
    std::vector<std::unique_ptr<std::counting_semaphore<window>>> windows;
    for (int p = 0; p < producers; ++p) {
      windows.push_back(std::make_unique<std::counting_semaphore<window>>(window));
    }
    for (int p = 0; p < producers; ++p) {
      const auto first = next_id + static_cast<std::uint64_t>(p) * per_producer;
      threads.emplace_back([&, first, p] {
        auto& slots = *windows[static_cast<std::size_t>(p)];
        for (std::uint64_t id = first; id < first + per_producer; ++id) {
          slots.acquire();
          store.append(make_message(id), [&, id](std::error_code ec) {
            if (ec) ++errors;
            slots.release();  // the submit_sm_resp goes out: the window slot is free
            if (!life) {
              ++finished;
              return;
            }
            store.record_outcome(id, message_state::delivered, std::chrono::system_clock::now(), 0,
                                 make_receipt(id),
                                 [&](std::error_code ec2, std::uint64_t receipt_id) {
                                   if (ec2) ++errors;
                                   store.remove_receipt(receipt_id, [&](std::error_code ec3) {
                                     if (ec3) ++errors;
                                     ++finished;
                                   });
                                 });
          });
        }
      });
    }
    for (auto& t : threads) t.join();
    const auto total = per_producer * producers;
    while (finished.load() < total) std::this_thread::sleep_for(std::chrono::microseconds(200));
    store.flush();
    const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    state.SetIterationTime(elapsed.count());
    if (errors.load() != 0) state.SkipWithError("store errors");
    next_id += total;
    processed += total;
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(static_cast<std::int64_t>(processed));
  state.SetLabel(std::string(full ? "FULL" : "NORMAL") +
                 (life ? " append+outcome+receipt+remove" : " append"));
}

BENCHMARK(bm_store)
    ->ArgNames({"full", "life", "n"})
    ->Args({0, 0, 400000})
    ->Args({1, 0, 400000})
    ->Args({0, 1, 400000})
    ->Args({1, 1, 400000})
    ->Iterations(1)
    ->Repetitions(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
