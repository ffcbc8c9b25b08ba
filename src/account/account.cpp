#include "account/account.hpp"

namespace smppd::account {
namespace {
bool printable_ascii(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}
}  // namespace

std::string check_system_id(std::string_view system_id) {
  if (system_id.empty()) return "system_id must not be empty";
  if (system_id.size() > max_system_id_length) return "system_id is longer than 15 characters";
  if (!printable_ascii(system_id)) return "system_id must be printable ASCII without spaces";
  return {};
}

std::string check_password(std::string_view password) {
  if (password.empty()) return "password must not be empty";
  if (password.size() > max_password_length) {
    return "password is longer than 8 characters (the SMPP 3.4 bind limit)";
  }
  if (!printable_ascii(password)) return "password must be printable ASCII without spaces";
  return {};
}

std::string check_webhook_url(std::string_view url) {
  if (url.empty()) return {};
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (url.starts_with(scheme) && url.size() > scheme.size()) {
      if (!printable_ascii(url)) return "URL must be printable ASCII without spaces";
      return {};
    }
  }
  return "URL must start with http:// or https://";
}

}  // namespace smppd::account
