#pragma once
// The X-Gwapi-Signature header of a status webhook (contract, "Status webhooks"): a compact
// JWT (RFC 7519) signed with HS256 (RFC 7515) under the account's webhook secret, so the
// receiver can check that the POST came from us and was not altered.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace smppd::webhook {

// Base64url without padding (RFC 7515 section 2), the encoding of each part of a JWT.
std::string base64url(std::string_view bytes);

// header.payload.signature for exactly these header and payload bytes: the JWS signing
// input is the encoded bytes, so the test vectors of RFC 7515 (with their line breaks)
// can only be reproduced from the raw strings.
std::string sign_hs256(std::string_view header_json, std::string_view payload_json,
                       std::string_view secret);

// A JWT with the header {"alg":"HS256","typ":"JWT"} whose payload is `claims`.
std::string sign_hs256(const nlohmann::json& claims, std::string_view secret);

}  // namespace smppd::webhook
