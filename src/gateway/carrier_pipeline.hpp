#pragma once
// Messages on their way through upstream carriers (contract, "Carriers"), on the engine's
// thread:
//
//   add ──route──▶ lane (route, position) ──first carrier with a bound session──▶ link
//     submit_sm_resp ok ──▶ upstream ids kept (store: message_enroute) ──▶ awaiting receipt
//     temporary failure ──▶ back-off, then the lane again     (until validity: EXPIRED)
//     permanent failure ──▶ the route's next carrier, else REJECTD
//   upstream receipt ──matched by carrier and id──▶ outcome (engine: message_finished) ──▶
//     deliver_sm_resp upstream once durable
//   upstream MO ──mo_route──▶ engine: the account's receipt queue ──▶ deliver_sm_resp
//
// A lane is a route's carriers from one position on; its messages wait by priority, FIFO
// within one. Lanes, back-offs and the match tables are memory only: what the store holds
// (accepted, or enroute with the upstream ids) is enough to rebuild them at start-up.

#include <spdlog/logger.h>

#include <array>
#include <asio/any_io_executor.hpp>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "carrier/routes.hpp"
#include "carrier/scheduler.hpp"
#include "carrier/upstream_report.hpp"
#include "config/config.hpp"
#include "core/message_store.hpp"
#include "upstream/carrier_link.hpp"

namespace smppd::gateway {

struct pipeline_hooks {
  // A final or intermediate report for a message; its after_durable answers upstream.
  std::function<void(carrier::outcome)> record;
  // Routed to the built-in simulator.
  std::function<void(core::message_record)> to_simulator;
  // Upstream ids (and part states) to keep; after_durable runs once they are on disk.
  std::function<void(core::message_enroute, std::function<void()> after_durable)> write_enroute;
  // An MO for an account's queue; the reply is sent once it is durable (or refused).
  std::function<void(core::receipt_record mo, upstream::pending_reply reply)> accept_mo;
  // Something happened off a turn (a response, a receipt): run a turn soon.
  std::function<void()> wake;
  // A page of the store's waiting messages (message_store::waiting_messages), to take
  // back what was let go of while too many waited.
  std::function<std::vector<core::message_record>(std::optional<core::waiting_cursor>, std::size_t)>
      read_waiting;
};

// Per carrier, for the counters line (and /metrics later).
struct carrier_counts {
  std::string name;
  std::size_t bound_sessions = 0;
  std::size_t waiting = 0;    // routed here, not yet submitted (lanes and back-offs)
  std::size_t in_flight = 0;  // submitted, no final receipt yet
};

struct pipeline_settings {
  std::chrono::seconds default_validity = std::chrono::hours(48);
  std::chrono::seconds first_retry{1};  // doubles per attempt
  std::chrono::seconds max_retry{60};
  // A receipt that matches nothing waits this long for its submit_sm_resp.
  std::chrono::seconds hold_unmatched{30};
  // Waiting messages kept in memory; beyond this they are left in the store (only their
  // ids are kept) and read back page by page as the carriers take the ones in memory.
  std::size_t max_waiting_in_memory = 50000;
  std::size_t refill_page = 5000;
};

class carrier_pipeline {
 public:
  carrier_pipeline(asio::any_io_executor executor,
                   const std::vector<config::carrier_config>& carriers,
                   const std::vector<config::route_config>& routes,
                   const std::vector<config::mo_route_config>& mo_routes,
                   pipeline_settings settings, pipeline_hooks hooks,
                   std::shared_ptr<spdlog::logger> log, const wall_clock& clock);
  carrier_pipeline(const carrier_pipeline&) = delete;
  carrier_pipeline& operator=(const carrier_pipeline&) = delete;

  void start();
  void stop();

  // Whether messages are routed at all (else they all go to the simulator).
  bool routes_messages() const noexcept { return routing_; }
  // Any thread, at submit time: why the message cannot be taken (no route: RINVDSTADR; its
  // first carrier's queue full: RMSGQFUL), or nullopt.
  std::optional<smpp::command_status> admit(const core::message_record& message) const;

  // A message due for delivery, routed now.
  void add(core::message_record message);
  // At start-up, a message the store has with its upstream ids: it waits for its receipts.
  // false when its carrier is no longer configured (route it again with add()).
  bool resume(const core::message_record& message);
  // Runs back-offs and expiries that are due, and hands lanes' messages to the links.
  void pump();
  std::optional<wall_time> next_wake() const;

  std::vector<carrier_counts> counts() const;
  // Waiting messages held in memory, and those left in the store (ids only) meanwhile.
  std::size_t waiting_in_memory() const noexcept { return waiting_in_memory_; }
  std::size_t waiting_in_store() const noexcept { return let_go_.size(); }

 private:
  struct part {
    std::string upstream_id;
    std::optional<dlr::receipt_status> final;
    std::uint32_t error = 0;
  };
  enum class phase : std::uint8_t { waiting, submitted, awaiting };
  // What a message awaiting its receipts keeps instead of its record: the fields of its
  // receipt (dlr::receipt_for). A carrier may take hours to report; this is a third of the
  // record's size and needs no allocation of its own for usual addresses.
  struct receipt_fields {
    std::string system_id;
    std::string source_addr;
    std::string destination_addr;
    std::vector<std::uint8_t> user_message_reference;
    wall_time submitted_at{};
    std::uint8_t registered_delivery = 0;
    std::uint8_t source_addr_ton = 0;
    std::uint8_t source_addr_npi = 0;
    std::uint8_t dest_addr_ton = 0;
    std::uint8_t dest_addr_npi = 0;
    // and what dlr::webhook_for reads
    std::uint64_t batch_id = 0;
    std::string callback_url;
    std::string userref;
  };
  struct tracked {
    std::uint64_t id = 0;
    std::shared_ptr<const core::message_record> message;  // null while awaiting receipts
    receipt_fields awaiting;                              // filled while awaiting receipts
    std::size_t route = 0;                                // index in routes_
    std::size_t position = 0;                             // in the route's carrier list
    int carrier = -1;  // links_ index while submitted or awaiting
    std::uint32_t generation = 0;
    std::uint32_t attempts = 0;
    std::size_t unanswered = 0;
    phase state = phase::waiting;
    bool in_lane = false;  // waiting in a lane (else backing off, or with a carrier)
    std::vector<part> parts;
  };
  struct submit_ref {
    std::uint64_t message_id;
    std::uint32_t generation;
    std::uint16_t part;
  };
  struct lane {
    std::array<std::deque<std::uint64_t>, 4> by_priority;
    std::size_t size = 0;
  };
  struct timed {
    wall_time at;
    std::uint64_t message_id;
    std::uint32_t generation;
    friend bool operator>(const timed& a, const timed& b) noexcept { return a.at > b.at; }
  };
  // A receipt matching nothing yet: held until every submit_sm sent before it came has
  // been answered (its own may be among them), at most hold_unmatched.
  struct held_receipt {
    std::vector<std::string> candidates;
    carrier::upstream_receipt receipt;
    upstream::pending_reply reply;
    wall_time until;
    std::uint64_t last_tag;  // the newest submit_sm sent when it came
  };
  struct carrier_state {
    std::shared_ptr<upstream::carrier_link> link;  // null for the simulator
    std::unordered_map<std::string, std::pair<std::uint64_t, std::uint16_t>> by_upstream_id;
    std::vector<held_receipt> held;
    std::set<std::uint64_t> unanswered_tags;  // submit_sm sent, no response yet
    std::uint32_t max_queue = 0;
  };

  int carrier_index(const std::string& name) const;
  void enqueue(tracked& t);
  bool feed(std::pair<std::size_t, std::size_t> key, lane& l);
  void submit(tracked& t, int carrier);
  void on_result(int carrier, const upstream::submit_result& r);
  void apply_result(int carrier, const upstream::submit_result& r);
  void on_inbound(int carrier, const smpp::pdu& pdu, upstream::pending_reply reply);
  void on_receipt(int carrier, carrier::upstream_receipt r, upstream::pending_reply reply);
  void apply_receipt(tracked& t, std::uint16_t part, const carrier::upstream_receipt& r,
                     upstream::pending_reply reply);
  void retry_later(tracked& t);
  void fail_over(tracked& t, smpp::command_status status);
  void finish(tracked& t, dlr::receipt_status status, std::uint32_t error,
              upstream::pending_reply reply);
  void forget_upstream_ids(tracked& t);
  void write_enroute(tracked& t, std::function<void()> after_durable);
  void count_waiting(const tracked& t, int delta);
  static void await_receipts(tracked& t, const core::message_record& m);
  static std::shared_ptr<const core::message_record> record_of(const tracked& t);
  void release_held(carrier_state& c, wall_time now);
  bool track(std::shared_ptr<const core::message_record> message);
  void refill();

  const wall_clock& clock_;
  pipeline_settings settings_;
  pipeline_hooks hooks_;
  std::shared_ptr<spdlog::logger> log_;
  carrier::route_table route_table_;
  const bool routing_;
  carrier::mo_route_table mo_routes_;
  std::vector<std::vector<int>> routes_;  // carrier indexes per route; -1 = the simulator
  std::vector<carrier_state> carriers_;
  std::vector<std::string> names_;
  // Messages waiting per carrier (their lane's first choice), read by admit() on any thread.
  // Per carrier, read by admit() on any thread: waiting (its lanes' first choice or backing
  // off) and in flight (submitted, no final receipt yet).
  std::unique_ptr<std::atomic<std::size_t>[]> waiting_;
  std::unique_ptr<std::atomic<std::size_t>[]> in_flight_;

  std::unordered_map<std::uint64_t, tracked> messages_;
  std::map<std::pair<std::size_t, std::size_t>, lane> lanes_;
  std::unordered_map<std::uint64_t, submit_ref> submits_;
  std::uint64_t next_tag_ = 1;
  std::uint16_t next_reference_ = 0;
  std::vector<timed> retries_;   // min-heap
  std::vector<timed> expiries_;  // min-heap

  // Memory stays flat while a carrier is down: past max_waiting_in_memory, due messages
  // are let go of (they are in the store) and only their ids kept; refill() reads them
  // back in the store's order (priority, then age) when the lanes run low.
  std::size_t waiting_in_memory_ = 0;
  std::unordered_set<std::uint64_t> let_go_;
  std::optional<core::waiting_cursor> refill_cursor_;
};

}  // namespace smppd::gateway
