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

}  // namespace smppd::core
