#include "webhook/signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace smppd::webhook {

std::string base64url(std::string_view bytes) {
  // EVP_EncodeBlock writes standard base64 plus a terminating NUL.
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::string sign_hs256(std::string_view header_json, std::string_view payload_json,
                       std::string_view secret) {
  std::string token = base64url(header_json) + '.' + base64url(payload_json);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // HMAC() takes a null key pointer as "no key" only when the length is 0; an empty
  // string_view may carry a null data(), so point it at something.
  static const unsigned char empty_key = 0;
  const void* key = secret.empty() ? &empty_key : static_cast<const void*>(secret.data());
  if (HMAC(EVP_sha256(), key, static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac,
           &size) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  token += '.';
  token += base64url(std::string_view(reinterpret_cast<const char*>(mac), size));
  return token;
}

std::string sign_hs256(const nlohmann::json& claims, std::string_view secret) {
  // Invalid UTF-8 in a claim is replaced rather than thrown on: a signature must always be
  // produced for a body we are about to send.
  const std::string payload = claims.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return sign_hs256(R"({"alg":"HS256","typ":"JWT"})", payload, secret);
}

}  // namespace smppd::webhook
