#include "smpp/submit_request.hpp"

namespace smppd::smpp {

std::string submit_request::user_message_reference_text() const {
  if (user_message_reference.size() == 2) {
    return std::to_string((user_message_reference[0] << 8) | user_message_reference[1]);
  }
  std::string text(user_message_reference.begin(), user_message_reference.end());
  if (!text.empty() && text.back() == '\0') text.pop_back();
  return text;
}

}  // namespace smppd::smpp
