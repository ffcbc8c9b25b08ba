// Per-message cost of the receipt pipeline's pure cores, with simulator delay 0:
// scheduler (add, due, add_in_flight, completed), simulator, receipt_for, dispatcher
// (enqueue, assign over 4 sessions with window 64, acked) and make_deliver_sm.
// The target is 150 000 messages per second end to end, i.e. under ~6.7 us per message
// for everything, I/O and the store included; these cores should take a small part of it.

#include <benchmark/benchmark.h>

#include "carrier/scheduler.hpp"
#include "carrier/simulator.hpp"
#include "dlr/deliver.hpp"
#include "dlr/dispatcher.hpp"

namespace {

using namespace smppd;

const wall_time t0 = wall_time{} + std::chrono::hours(24 * 365 * 55);

core::message_record sample(std::uint64_t id) {
  core::message_record m;
  m.id = id;
  m.system_id = "bench";
  m.source_addr_ton = 5;
  m.source_addr = "Bench";
  m.dest_addr_ton = 1;
  m.destination_addr = "4512345678";
  m.payload.assign(40, 'x');
  m.priority = static_cast<std::uint8_t>(id % 4);
  m.registered_delivery = 1;
  m.submitted_at = t0;
  return m;
}

config::simulator_config sim_config() {
  config::simulator_config c;
  c.default_delay_ms = 0;
  c.rules.push_back({"4599", "UNDELIV", 0x107E, 0, false});
  return c;
}

void scheduler_only(benchmark::State& state) {
  carrier::scheduler s;
  const carrier::simulator sim(sim_config());
  std::uint64_t id = 0;
  for (auto _ : state) {
    for (int k = 0; k < 64; ++k) s.add(sample(++id));
    for (auto& m : s.due(t0, 64)) {
      const auto v = sim.decide(m);
      s.add_in_flight(std::move(m), v, t0);
    }
    benchmark::DoNotOptimize(s.completed(t0));
  }
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(scheduler_only);

void dispatcher_only(benchmark::State& state) {
  dlr::dispatcher d;
  for (dlr::session_id s = 1; s <= 4; ++s) d.add_session(s, "bench", 64);
  core::receipt_record r;
  r.system_id = "bench";
  r.text = std::string(110, 'r');
  std::uint64_t id = 0;
  for (auto _ : state) {
    for (int k = 0; k < 256; ++k) {
      r.receipt_id = ++id;
      d.enqueue(r);
    }
    for (const auto& a : d.assign(t0)) {
      benchmark::DoNotOptimize(d.acked(a.session, a.receipt->receipt_id, true, t0));
    }
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(dispatcher_only);

void whole_pipeline(benchmark::State& state) {
  carrier::scheduler s;
  const carrier::simulator sim(sim_config());
  dlr::dispatcher d;
  for (dlr::session_id sid = 1; sid <= 4; ++sid) d.add_session(sid, "bench", 64);
  std::uint64_t id = 0;
  std::uint64_t receipt_id = 0;
  for (auto _ : state) {
    for (int k = 0; k < 256; ++k) s.add(sample(++id));
    for (auto& m : s.due(t0, 256)) {
      const auto v = sim.decide(m);
      s.add_in_flight(std::move(m), v, t0);
    }
    for (const auto& o : s.completed(t0)) {
      if (auto r = dlr::receipt_for(*o.message, o.status, o.error, o.done_at)) {
        r->receipt_id = ++receipt_id;
        d.enqueue(std::move(*r));
      }
    }
    for (const auto& a : d.assign(t0)) {
      benchmark::DoNotOptimize(dlr::make_deliver_sm(*a.receipt));
      d.acked(a.session, a.receipt->receipt_id, true, t0);
    }
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(whole_pipeline);

}  // namespace
