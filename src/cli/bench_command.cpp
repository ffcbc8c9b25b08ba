// smppd bench: the load generator. N sessions, each keeping its window full of submit_sm
// (encoded once, re-sent with new sequence numbers), latency per response, receipts matched
// to message ids; a progress line and a readable summary on stderr, the JSON summary on
// stdout (one line).
#include <unistd.h>

#include <algorithm>
#include <asio.hpp>
#include <atomic>
#include <bit>
#include <charconv>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "cli/client_target.hpp"
#include "cli/command.hpp"
#include "client/session.hpp"
#include "dlr/receipt.hpp"
#include "smpp/command_status.hpp"
#include "text/data_coding.hpp"

namespace smppd::cli {

namespace {

using namespace std::chrono;

struct bench_options {
  client_target_options target;
  unsigned sessions = 4;
  unsigned window = 64;
  std::uint64_t count = 100'000;
  double duration_s = 0;  // > 0: run for this long instead of `count`
  double rate = 0;        // submit_sm/s over all sessions; 0: as fast as possible
  std::string bind = "trx";
  unsigned data_coding = 0;
  unsigned length = 20;  // characters
  unsigned registered_delivery = 0;
  double receipt_timeout_s = 30;
  double response_timeout_s = 10;
  unsigned threads = 1;
  std::string from = "smppd";
  std::string to = "4512345678";
  bool json = false;
  bool quiet = false;
  bool receipts = false;  // --receipts: registered_delivery 1 unless given otherwise
};

// Log-linear histogram of microseconds: exact below 128, then 64 sub-buckets per power of
// two (under 1.6% error). Fixed size, no allocation while recording.
class latency_histogram {
 public:
  static constexpr std::size_t buckets = 128 + 64 * 40;
  void record(std::uint64_t us) noexcept {
    ++counts_[index(us)];
    ++total_;
  }
  void merge(const latency_histogram& o) noexcept {
    for (std::size_t i = 0; i < buckets; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
  }
  std::uint64_t total() const noexcept { return total_; }
  std::uint64_t percentile(double p) const noexcept {
    if (total_ == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(p / 100.0 * static_cast<double>(total_ - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return value(i);
    }
    return value(buckets - 1);
  }

 private:
  static std::size_t index(std::uint64_t v) noexcept {
    if (v < 128) return static_cast<std::size_t>(v);
    const unsigned e = static_cast<unsigned>(std::bit_width(v)) - 7;  // v >> e in [64, 128)
    const std::size_t i = 128 + (e - 1) * 64 + static_cast<std::size_t>((v >> e) - 64);
    return std::min(i, buckets - 1);
  }
  static std::uint64_t value(std::size_t i) noexcept {
    if (i < 128) return i;
    const std::size_t e = (i - 128) / 64 + 1;
    const std::uint64_t mantissa = 64 + (i - 128) % 64;
    return (mantissa << e) + ((std::uint64_t{1} << e) >> 1);  // the bucket's middle
  }
  std::array<std::uint64_t, buckets> counts_{};
  std::uint64_t total_ = 0;
};

// Totals read by the progress line and the receipt wait, across threads.
struct shared_totals {
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> responses{0};
  std::atomic<std::uint64_t> ok{0};
  std::atomic<std::uint64_t> final_receipts{0};
  std::atomic<unsigned> sessions_bound{0};
  std::atomic<unsigned> sessions_failed{0};
  std::atomic<unsigned> sessions_done_submitting{0};
  std::atomic<bool> stop{false};
};

// What one thread saw; merged at the end, so the hot path shares nothing but relaxed counters.
struct thread_tally {
  latency_histogram latency;
  std::uint64_t sent = 0;
  std::uint64_t ok = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t closed = 0;
  std::map<std::string, std::uint64_t> rejected;
  std::vector<std::uint64_t> ok_ids;       // numeric message ids (receipts expected)
  std::vector<std::string> ok_ids_text;    // the rest
  std::vector<std::uint64_t> receipt_ids;  // final receipts
  std::vector<std::string> receipt_ids_text;
  std::uint64_t intermediate_receipts = 0;
  std::uint64_t unparsable_delivers = 0;
  steady_time first_submit = steady_time::max();
  steady_time last_response = steady_time::min();
  steady_time last_receipt = steady_time::min();
  std::vector<std::string> errors;
};

std::optional<std::uint64_t> numeric_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc{} || end != id.data() + id.size()) return std::nullopt;
  // "007" and "7" are different ids: keep only canonical decimal forms numeric.
  if (id.size() > 1 && id.front() == '0') return std::nullopt;
  return v;
}

std::vector<std::uint8_t> encode_template(const bench_options& o, std::string& problem) {
  smpp::submit_sm sm;
  sm.source_addr_ton = 5;
  sm.source_addr_npi = 0;
  if (std::all_of(o.from.begin(), o.from.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    sm.source_addr_ton = 1;
    sm.source_addr_npi = 1;
  }
  sm.dest_addr_ton = 1;
  sm.dest_addr_npi = 1;
  if (!sm.source_addr.assign(o.from) || !sm.destination_addr.assign(o.to)) {
    problem = "--from or --to too long";
    return {};
  }
  sm.registered_delivery = static_cast<std::uint8_t>(o.registered_delivery);
  sm.data_coding = static_cast<std::uint8_t>(o.data_coding);
  const auto info = text::lookup(sm.data_coding);
  if (!info) {
    problem = "unsupported --data-coding " + std::to_string(o.data_coding);
    return {};
  }
  std::vector<std::uint8_t> payload;
  for (unsigned i = 0; i < o.length; ++i) {
    const auto c = static_cast<std::uint8_t>('a' + i % 26);
    if (info->payload_octets_per_unit == 2) payload.push_back(0);
    payload.push_back(c);
  }
  if (payload.size() <= smpp::short_message_string::capacity) {
    sm.short_message.assign(payload);
  } else if (payload.size() > 65535 || !sm.tlvs.set(smpp::tlv_tag::message_payload, payload)) {
    problem = "--length too large";
    return {};
  }
  return smpp::encode(smpp::make_pdu(std::move(sm), 1));
}

struct run_plan {
  bench_options options;
  std::vector<client::endpoint> targets;
  std::vector<std::uint8_t> pdu;
  steady_time receipt_deadline_base{};
  bool expect_receipts = false;  // registered_delivery & 3 == 1: one final receipt per message
};

std::optional<std::string_view> receipt_id(const smpp::pdu& p, bool& final_state) {
  const auto* d = p.get_if<smpp::deliver_sm>();
  if (d == nullptr) return std::nullopt;
  final_state = true;
  if (auto state = d->tlvs.get_u8(smpp::tlv_tag::message_state)) final_state = *state != 1;
  if (auto id = d->tlvs.get_string(smpp::tlv_tag::receipted_message_id)) {
    if (auto r = dlr::parse(d->short_message.view());
        r && !d->tlvs.get_u8(smpp::tlv_tag::message_state)) {
      final_state = dlr::is_final(r->stat);
    }
    return id;
  }
  return std::nullopt;
}

asio::awaitable<void> drive(std::shared_ptr<client::session> s, std::uint64_t quota,
                            std::shared_ptr<const run_plan> plan,
                            std::shared_ptr<shared_totals> totals, thread_tally* tally,
                            double session_rate) {
  const auto ec = co_await s->open();
  if (ec) {
    tally->errors.push_back("bind to " + client::to_string(s->options().server) + ": " +
                            (ec.category() == smpp::smpp_category()
                                 ? smpp::to_string(static_cast<smpp::command_status>(ec.value()))
                                 : ec.message()));
    ++totals->sessions_failed;
    ++totals->sessions_done_submitting;
    co_return;
  }
  ++totals->sessions_bound;
  const auto& o = plan->options;
  const auto start = steady_clock::now();
  tally->first_submit = std::min(tally->first_submit, start);
  const auto end =
      o.duration_s > 0
          ? start + duration_cast<steady_clock::duration>(duration<double>(o.duration_s))
          : steady_time::max();
  const std::span<const std::uint8_t> pdu(plan->pdu);
  std::uint64_t sent = 0;
  asio::steady_timer pace(co_await asio::this_coro::executor);
  while (!totals->stop.load(std::memory_order_relaxed)) {
    if (o.duration_s <= 0 && sent >= quota) break;
    const auto t = steady_clock::now();
    if (t >= end) break;
    std::uint64_t allowed = std::numeric_limits<std::uint64_t>::max();
    if (session_rate > 0) {
      const auto due =
          static_cast<std::uint64_t>(duration<double>(t - start).count() * session_rate) + 1;
      allowed = due > sent ? due - sent : 0;
      if (allowed == 0) {
        // At least a millisecond between wake-ups: a timer per message (57 µs at 70 000/s
        // over 4 sessions) took three times the load tool's CPU at full speed from the
        // cores it shares with the server under test. What is due is sent at once.
        pace.expires_after(std::max<steady_clock::duration>(
            duration_cast<steady_clock::duration>(duration<double>(1.0 / session_rate)), 1ms));
        std::error_code ignored;
        co_await pace.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        continue;
      }
    }
    std::uint64_t batch = 0;
    while (batch < allowed && (o.duration_s > 0 || sent < quota) && s->try_submit_encoded(pdu, 0)) {
      ++sent;
      ++batch;
    }
    tally->sent += batch;
    totals->sent.fetch_add(batch, std::memory_order_relaxed);
    if (!s->bound()) break;
    if (co_await s->wait_for_slot()) break;
  }
  co_await s->wait_drained(steady_clock::now() + duration_cast<steady_clock::duration>(
                                                     duration<double>(o.response_timeout_s + 1)));
  ++totals->sessions_done_submitting;
  // Receipts may come on any session of the account: stay bound until all are in.
  asio::steady_timer poll(co_await asio::this_coro::executor);
  const auto receipt_deadline = steady_clock::now() + duration_cast<steady_clock::duration>(
                                                          duration<double>(o.receipt_timeout_s));
  while (s->bound() && o.registered_delivery != 0 && steady_clock::now() < receipt_deadline &&
         !totals->stop.load()) {
    const bool all_done =
        totals->sessions_done_submitting.load() == static_cast<unsigned>(o.sessions);
    if (all_done && plan->expect_receipts && totals->final_receipts.load() >= totals->ok.load()) {
      break;
    }
    poll.expires_after(10ms);
    std::error_code ignored;
    co_await poll.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  // Wait for the others before unbinding: their receipts may come here.
  while (s->bound() &&
         totals->sessions_done_submitting.load() < static_cast<unsigned>(o.sessions)) {
    poll.expires_after(10ms);
    std::error_code ignored;
    co_await poll.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (s->bound()) co_await s->unbind();
}

void setup_handlers(client::session& s, thread_tally* tally, std::shared_ptr<shared_totals> totals,
                    bool track_ids) {
  s.on_response([tally, totals, track_ids](const client::response_event& e) {
    totals->responses.fetch_add(1, std::memory_order_relaxed);
    if (e.error) {
      if (e.error == client::errc::timeout) {
        ++tally->timeouts;
      } else {
        ++tally->closed;
      }
      return;
    }
    tally->last_response = e.received_at;
    tally->latency.record(
        static_cast<std::uint64_t>(duration_cast<microseconds>(e.received_at - e.sent_at).count()));
    if (e.command_status == smpp::command_status::esme_rok) {
      ++tally->ok;
      totals->ok.fetch_add(1, std::memory_order_relaxed);
      if (track_ids) {
        if (auto n = numeric_id(e.message_id)) {
          tally->ok_ids.push_back(*n);
        } else {
          tally->ok_ids_text.emplace_back(e.message_id);
        }
      }
    } else {
      ++tally->rejected[smpp::to_string(e.command_status)];
    }
  });
  s.on_deliver([tally, totals](const smpp::pdu& p) -> std::optional<smpp::command_status> {
    bool final_state = true;
    std::optional<std::string> id;
    if (auto tlv = receipt_id(p, final_state)) {
      id = std::string(*tlv);
    } else if (const auto* d = p.get_if<smpp::deliver_sm>()) {
      if (auto r = dlr::parse(d->short_message.view())) {
        id = r->id;
        final_state = dlr::is_final(r->stat);
      }
    }
    if (!id) {
      ++tally->unparsable_delivers;
      return smpp::command_status::esme_rok;
    }
    if (!final_state) {
      ++tally->intermediate_receipts;
      return smpp::command_status::esme_rok;
    }
    tally->last_receipt = steady_clock::now();
    if (auto n = numeric_id(*id)) {
      tally->receipt_ids.push_back(*n);
    } else {
      tally->receipt_ids_text.push_back(std::move(*id));
    }
    totals->final_receipts.fetch_add(1, std::memory_order_relaxed);
    return smpp::command_status::esme_rok;
  });
}

std::optional<client::bind_type> parse_bind(const std::string& bind) {
  if (bind == "trx") return client::bind_type::transceiver;
  if (bind == "tx") return client::bind_type::transmitter;
  if (bind == "rx") return client::bind_type::receiver;
  return std::nullopt;
}

// The options checked and turned into what every session shares; nullptr and `problem`
// when they do not make a run.
std::shared_ptr<run_plan> make_plan(const command_context& context, const bench_options& o,
                                    bool config_named, std::string& problem) {
  auto plan = std::make_shared<run_plan>();
  plan->options = o;
  plan->targets = resolve_targets(context, o.target, config_named);
  plan->pdu = encode_template(o, problem);
  if (plan->pdu.empty()) return nullptr;
  plan->expect_receipts = (o.registered_delivery & 3) == 1;
  return plan;
}

// One io_context and one tally per I/O thread.
struct workers {
  std::vector<std::unique_ptr<asio::io_context>> ios;
  std::vector<std::unique_ptr<thread_tally>> tallies;
};

workers make_workers(const bench_options& o, bool track_ids) {
  workers w;
  const unsigned threads = std::min(o.threads, o.sessions);
  for (unsigned i = 0; i < threads; ++i) {
    w.ios.push_back(std::make_unique<asio::io_context>(1));
    w.tallies.push_back(std::make_unique<thread_tally>());
    if (track_ids && o.duration_s <= 0) w.tallies.back()->ok_ids.reserve(o.count / threads + 16);
  }
  return w;
}

// Creates the sessions, spread over the targets and the threads; each connects, binds and
// sends once its thread runs.
void start_sessions(const std::shared_ptr<const run_plan>& plan, client::bind_type bind, workers& w,
                    const std::shared_ptr<shared_totals>& totals, bool track_ids) {
  const auto& o = plan->options;
  const auto threads = static_cast<unsigned>(w.ios.size());
  auto base = make_session_options(o.target);
  base.bind = bind;
  base.window = o.window;
  base.response_timeout = duration_cast<milliseconds>(duration<double>(o.response_timeout_s));
  const double session_rate = o.rate > 0 ? o.rate / o.sessions : 0;
  for (unsigned i = 0; i < o.sessions; ++i) {
    auto options = base;
    options.server = plan->targets[i % plan->targets.size()];
    auto& io = *w.ios[i % threads];
    auto* tally = w.tallies[i % threads].get();
    auto s = client::session::create(io.get_executor(), options);
    setup_handlers(*s, tally, totals, track_ids);
    const std::uint64_t quota = o.count / o.sessions + (i < o.count % o.sessions ? 1 : 0);
    asio::co_spawn(io, drive(s, quota, plan, totals, tally, session_rate), asio::detached);
  }
}

// A progress line on stderr each second until `finished` (rewritten in place on a tty).
std::thread start_progress(const bench_options& o, const shared_totals& totals,
                           const std::atomic<bool>& finished, steady_time started, bool tty) {
  return std::thread([&o, &totals, &finished, started, tty] {
    std::uint64_t last_responses = 0;
    auto last = steady_clock::now();
    while (!finished.load()) {
      for (int i = 0; i < 10 && !finished.load(); ++i) std::this_thread::sleep_for(100ms);
      if (finished.load() || o.quiet) continue;
      const auto t = steady_clock::now();
      const auto r = totals.responses.load();
      const double rate =
          static_cast<double>(r - last_responses) / duration<double>(t - last).count();
      last_responses = r;
      last = t;
      std::fprintf(
          stderr, "%s[%5.1fs] sessions %u/%u sent %llu ok %llu  %.0f/s  receipts %llu%s",
          tty ? "\r" : "", duration<double>(t - started).count(), totals.sessions_bound.load(),
          o.sessions, static_cast<unsigned long long>(totals.sent.load()),
          static_cast<unsigned long long>(totals.ok.load()), rate,
          static_cast<unsigned long long>(totals.final_receipts.load()), tty ? "   " : "\n");
      std::fflush(stderr);
    }
  });
}

// Runs every io_context (the first on this thread) until all sessions have unbound.
void run_io(workers& w) {
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < w.ios.size(); ++i) pool.emplace_back([&w, i] { w.ios[i]->run(); });
  w.ios[0]->run();
  for (auto& t : pool) t.join();
}

thread_tally merge_tallies(const std::vector<std::unique_ptr<thread_tally>>& tallies) {
  thread_tally all;
  for (const auto& t : tallies) {
    all.latency.merge(t->latency);
    all.sent += t->sent;
    all.ok += t->ok;
    all.timeouts += t->timeouts;
    all.closed += t->closed;
    for (const auto& [k, v] : t->rejected) all.rejected[k] += v;
    all.intermediate_receipts += t->intermediate_receipts;
    all.unparsable_delivers += t->unparsable_delivers;
    all.first_submit = std::min(all.first_submit, t->first_submit);
    all.last_response = std::max(all.last_response, t->last_response);
    all.last_receipt = std::max(all.last_receipt, t->last_receipt);
    for (const auto& e : t->errors) all.errors.push_back(e);
  }
  return all;
}

struct receipt_counts {
  std::uint64_t receipts = 0;
  std::uint64_t missing = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t unknown = 0;
};

// Receipts to ids: each submitted id should see exactly one final receipt.
receipt_counts match_receipts(const std::vector<std::unique_ptr<thread_tally>>& tallies,
                              std::uint64_t ok, bool expect_receipts) {
  receipt_counts c;
  std::unordered_map<std::uint64_t, std::uint32_t> seen;
  std::unordered_map<std::string, std::uint32_t> seen_text;
  seen.reserve(ok * 2 + 16);
  for (const auto& t : tallies) {
    for (auto id : t->ok_ids) seen.emplace(id, 0);
    for (const auto& id : t->ok_ids_text) seen_text.emplace(id, 0);
  }
  auto count = [&c](auto& map, const auto& id) {
    ++c.receipts;
    auto it = map.find(id);
    if (it == map.end()) {
      ++c.unknown;
    } else if (++it->second > 1) {
      ++c.duplicates;
    }
  };
  for (const auto& t : tallies) {
    for (auto id : t->receipt_ids) count(seen, id);
    for (const auto& id : t->receipt_ids_text) count(seen_text, id);
  }
  if (expect_receipts) {
    for (const auto& [id, n] : seen) c.missing += n == 0;
    for (const auto& [id, n] : seen_text) c.missing += n == 0;
  }
  return c;
}

// The rates of a finished run, from the first submit_sm to the last response or receipt.
struct run_summary {
  std::uint64_t rejected = 0;
  double submit_s = 0;
  double submit_per_s = 0;
  double receipts_per_s = 0;
  double elapsed_s = 0;
};

run_summary summarize(const thread_tally& all, const receipt_counts& receipts, steady_time started,
                      steady_time ended) {
  run_summary s;
  for (const auto& [k, v] : all.rejected) s.rejected += v;
  const bool any = all.first_submit != steady_time::max();
  s.submit_s = any && all.last_response > all.first_submit
                   ? duration<double>(all.last_response - all.first_submit).count()
                   : 0;
  const double receipt_s = any && all.last_receipt > all.first_submit
                               ? duration<double>(all.last_receipt - all.first_submit).count()
                               : 0;
  s.submit_per_s = s.submit_s > 0 ? static_cast<double>(all.ok + s.rejected) / s.submit_s : 0;
  s.receipts_per_s = receipt_s > 0 ? static_cast<double>(receipts.receipts) / receipt_s : 0;
  s.elapsed_s = duration<double>(ended - started).count();
  return s;
}

void print_json(const bench_options& o, const thread_tally& all, const receipt_counts& receipts,
                const run_summary& s) {
  nlohmann::json j = {
      {"sessions", o.sessions},
      {"window", o.window},
      {"sent", all.sent},
      {"ok", all.ok},
      {"rejected", all.rejected},
      {"timeouts", all.timeouts},
      {"submit_per_s", std::round(s.submit_per_s)},
      {"latency_p50_us", all.latency.percentile(50)},
      {"latency_p99_us", all.latency.percentile(99)},
      {"latency_p999_us", all.latency.percentile(99.9)},
      {"receipts", receipts.receipts},
      {"receipts_per_s", std::round(s.receipts_per_s)},
      {"intermediate_receipts", all.intermediate_receipts},
      {"missing", receipts.missing},
      {"duplicates", receipts.duplicates},
      {"unknown", receipts.unknown},
      {"elapsed_s", std::round(s.elapsed_s * 1000) / 1000},
      {"errors", all.errors},
  };
  if (j["rejected"].is_null()) j["rejected"] = nlohmann::json::object();
  std::printf("%s\n", j.dump().c_str());
}

void print_text(const bench_options& o, unsigned sessions_bound, const thread_tally& all,
                const receipt_counts& receipts, const run_summary& s, bool track_ids) {
  std::fprintf(stderr, "sessions %u (bound %u), window %u\n", o.sessions, sessions_bound, o.window);
  std::fprintf(stderr, "sent %llu, ok %llu, rejected %llu, timeouts %llu\n",
               static_cast<unsigned long long>(all.sent), static_cast<unsigned long long>(all.ok),
               static_cast<unsigned long long>(s.rejected),
               static_cast<unsigned long long>(all.timeouts));
  for (const auto& [k, v] : all.rejected)
    std::fprintf(stderr, "  %s: %llu\n", k.c_str(), static_cast<unsigned long long>(v));
  std::fprintf(
      stderr, "submit_sm/s %.0f over %.3f s; latency p50 %llu us, p99 %llu us, p99.9 %llu us\n",
      s.submit_per_s, s.submit_s, static_cast<unsigned long long>(all.latency.percentile(50)),
      static_cast<unsigned long long>(all.latency.percentile(99)),
      static_cast<unsigned long long>(all.latency.percentile(99.9)));
  if (track_ids) {
    std::fprintf(stderr, "receipts %llu (%.0f/s), missing %llu, duplicates %llu, unknown %llu\n",
                 static_cast<unsigned long long>(receipts.receipts), s.receipts_per_s,
                 static_cast<unsigned long long>(receipts.missing),
                 static_cast<unsigned long long>(receipts.duplicates),
                 static_cast<unsigned long long>(receipts.unknown));
  }
  std::fprintf(stderr, "elapsed %.3f s\n", s.elapsed_s);
  for (const auto& e : all.errors) std::fprintf(stderr, "error: %s\n", e.c_str());
}

int run(const command_context& context, const bench_options& o, bool config_named) {
  if (o.sessions == 0 || o.window == 0 || o.threads == 0) {
    return fail(exit_bad_usage, "--sessions, --window and --threads must be at least 1");
  }
  if (o.count == 0 && o.duration_s <= 0) return fail(exit_bad_usage, "give --count or --duration");
  const auto bind = parse_bind(o.bind);
  if (!bind) return fail(exit_bad_usage, "--bind must be tx, rx or trx");
  std::string problem;
  const std::shared_ptr<const run_plan> plan = make_plan(context, o, config_named, problem);
  if (!plan) return fail(exit_bad_usage, problem);
  const bool track_ids = o.registered_delivery != 0;

  auto totals = std::make_shared<shared_totals>();
  workers w = make_workers(o, track_ids);
  start_sessions(plan, *bind, w, totals, track_ids);

  const auto started = steady_clock::now();
  std::atomic<bool> finished{false};
  const bool tty = isatty(STDERR_FILENO) != 0;
  std::thread progress = start_progress(o, *totals, finished, started, tty);
  run_io(w);
  finished = true;
  progress.join();
  if (tty && !o.quiet) std::fprintf(stderr, "\n");
  const auto ended = steady_clock::now();

  const thread_tally all = merge_tallies(w.tallies);
  const receipt_counts receipts =
      track_ids ? match_receipts(w.tallies, all.ok, plan->expect_receipts) : receipt_counts{};
  const run_summary summary = summarize(all, receipts, started, ended);
  // The JSON summary is the output (stdout, one line); the readable one goes beside the
  // progress line on stderr unless --json asks for the JSON alone.
  if (!o.json) print_text(o, totals->sessions_bound.load(), all, receipts, summary, track_ids);
  print_json(o, all, receipts, summary);
  if (totals->sessions_bound.load() == 0) return exit_failed;
  return exit_ok;
}

}  // namespace

void register_bench_command(CLI::App& app, command_context& context, command_runner& runner) {
  auto* cmd = app.add_subcommand(
      "bench", "load generator: sessions x window of submit_sm, receipts matched");
  add_config_option(*cmd, context);
  auto o = std::make_shared<bench_options>();
  cmd->add_option("--sessions", o->sessions, "SMPP sessions")->capture_default_str();
  cmd->add_option("--window", o->window, "submit_sm in flight per session")->capture_default_str();
  cmd->add_option("--count", o->count, "messages in total")->capture_default_str();
  cmd->add_option("--duration", o->duration_s, "seconds to run instead of --count");
  cmd->add_option("--rate", o->rate, "submit_sm/s over all sessions (0: no limit)")
      ->capture_default_str();
  cmd->add_option("--bind", o->bind, "tx, rx or trx")->capture_default_str();
  cmd->add_option("--data-coding", o->data_coding, "data_coding of the messages")
      ->capture_default_str();
  cmd->add_option("--length", o->length, "characters per message")->capture_default_str();
  cmd->add_option("--registered-delivery", o->registered_delivery,
                  "registered_delivery (1: a receipt each)")
      ->capture_default_str();
  cmd->add_flag("--receipts", o->receipts,
                "ask a receipt for each message and match them (--registered-delivery 1)");
  cmd->add_option("--receipt-timeout", o->receipt_timeout_s,
                  "seconds to wait for receipts after the last response")
      ->capture_default_str();
  cmd->add_option("--response-timeout", o->response_timeout_s,
                  "seconds before a submit_sm counts as timed out")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "I/O threads (sessions are spread over them)")
      ->capture_default_str();
  cmd->add_option("--from", o->from, "source address")->capture_default_str();
  cmd->add_option("--to", o->to, "destination address")->capture_default_str();
  cmd->add_flag("--json", o->json,
                "only the one-line JSON summary (stdout), no readable summary on stderr");
  cmd->add_flag("--quiet", o->quiet, "no progress line");
  add_client_target_options(*cmd, o->target);
  cmd->callback([&context, &runner, o, cmd] {
    if (o->receipts && cmd->get_option("--registered-delivery")->count() == 0) {
      o->registered_delivery = 1;
    }
    const bool named = cmd->get_option("--config")->count() > 0;
    runner = [&context, o, named] { return run(context, *o, named); };
  });
}

}  // namespace smppd::cli
