#include "core/message_store.hpp"

#include <string>

namespace smppd::core {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smppd.store"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::full:
        return "the message store is full";
      case errc::io:
        return "the message store had an I/O error";
      case errc::read_only:
        return "the message store is not writable";
      case errc::busy:
        return "the message store is locked by another process";
      case errc::corrupt:
        return "the message store is corrupt";
      case errc::duplicate:
        return "a message with this id is stored already";
      case errc::unavailable:
        return "the message store is unavailable";
    }
    return "unknown message store error";
  }
};

}  // namespace

const std::error_category& store_category() noexcept {
  static const category instance;
  return instance;
}

bool is_final(message_state s) noexcept { return s >= message_state::delivered; }

void message_store::append(message_record message, done_callback done) {
  std::vector<message_step> steps;
  steps.emplace_back(message_accepted{std::move(message)});
  write(std::move(steps),
        [done = std::move(done)](std::span<const step_result> r, std::span<message_step>) {
          if (done) done(r.front().ec);
        });
}

void message_store::record_outcome(std::uint64_t message_id, message_state state, wall_time done_at,
                                   std::uint32_t error_code, std::optional<receipt_record> receipt,
                                   outcome_callback done) {
  std::vector<message_step> steps;
  steps.emplace_back(message_finished{message_id, state, done_at, error_code, std::move(receipt)});
  write(std::move(steps),
        [done = std::move(done)](std::span<const step_result> r, std::span<message_step>) {
          if (done) done(r.front().ec, r.front().receipt_id);
        });
}

void message_store::remove_receipt(std::uint64_t receipt_id, done_callback done) {
  std::vector<message_step> steps;
  steps.emplace_back(receipt_acknowledged{receipt_id});
  write(std::move(steps),
        [done = std::move(done)](std::span<const step_result> r, std::span<message_step>) {
          if (done) done(r.front().ec);
        });
}

}  // namespace smppd::core
