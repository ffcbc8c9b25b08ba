#pragma once
// A message store that keeps everything in memory and forgets it at exit. Not for traffic:
// it measures the rest of the path with the disk taken out (`smppd serve --memory-store`,
// docs/benchmarks.md) and stands in for a store in tests that do not test durability.
// Same shape as the SQLite store: one thread takes what is queued as a batch, applies it
// and runs the completions.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/message_store.hpp"

namespace smppd::store::memory {

class memory_message_store final : public core::message_store {
 public:
  explicit memory_message_store(std::uint64_t max_pending_per_account = 25000);
  memory_message_store(const memory_message_store&) = delete;
  memory_message_store& operator=(const memory_message_store&) = delete;
  ~memory_message_store() override;

  void write(std::vector<core::message_step> steps, write_done done) override;
  std::vector<core::message_record> unfinished_messages() override;
  std::vector<core::receipt_record> pending_receipts(std::chrono::hours retention) override;
  std::vector<core::message_record> waiting_messages(std::optional<core::waiting_cursor> after,
                                                     std::size_t limit) override;
  std::uint64_t max_message_id() override;
  std::uint64_t dropped_receipts() const override;
  void flush() override;

 private:
  struct request {
    std::vector<core::message_step> steps;
    write_done done;
  };
  void run();
  std::uint64_t keep_receipt(core::receipt_record& r);  // state_mutex_ held
  core::step_result apply(core::message_step& step);    // state_mutex_ held

  const std::uint64_t max_pending_per_account_;

  mutable std::mutex state_mutex_;
  std::unordered_map<std::uint64_t, core::message_record> messages_;  // not final
  std::map<std::uint64_t, core::receipt_record> receipts_;            // by id: oldest first
  std::unordered_map<std::string, std::uint64_t> pending_;            // receipts per account
  std::uint64_t max_message_id_ = 0;
  std::uint64_t last_receipt_id_ = 0;
  std::uint64_t dropped_ = 0;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_, done_cv_;
  std::vector<request> queue_;
  std::uint64_t enqueued_ = 0, completed_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace smppd::store::memory
