#pragma once
// The built-in carrier of the contract's [simulator] section: each message's fate from its
// destination address. Longest prefix wins, else the defaults. Pure: no time, no I/O.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "core/message_store.hpp"
#include "dlr/receipt.hpp"

namespace smppd::carrier {

// What the carrier will report for a message, `delay` after it was handed over.
struct verdict {
  dlr::receipt_status status = dlr::receipt_status::delivrd;
  std::uint32_t error = 0;  // gateway error code (0x107E prints err:126)
  std::chrono::milliseconds delay{0};
  bool enroute_first = false;  // an ENROUTE report at hand-over, before the verdict

  friend bool operator==(const verdict&, const verdict&) = default;
};

class simulator {
 public:
  // Throws config::config_error for a status that is not a receipt status (config::load
  // already rejects those, so this only fires for a hand-built config).
  explicit simulator(const config::simulator_config& config);

  verdict decide(const core::message_record& message) const {
    return decide(message.destination_addr);
  }
  verdict decide(std::string_view destination_addr) const;

  // How many concatenated parts the carrier receives for this message: text::count_parts of
  // its payload, or the stored `parts` when the payload does not segment (it was validated
  // on submit, so that does not happen in practice). At least 1.
  static std::size_t parts(const core::message_record& message) noexcept;

 private:
  verdict default_;
  std::unordered_map<std::string, verdict> by_prefix_;
  std::vector<std::size_t> prefix_lengths_;  // distinct, longest first
};

}  // namespace smppd::carrier
