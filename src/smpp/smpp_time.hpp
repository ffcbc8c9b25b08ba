#pragma once
// SMPP time values (SMPP 3.4 section 7.1.1): "YYMMDDhhmmsstnnp", absolute when p is '+' or
// '-' (nn quarter-hours ahead of / behind UTC), relative to now when p is 'R'.

#include <optional>
#include <string_view>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace smppd::smpp {

// The instant a time string names, with `now` for relative ones; an empty string is
// "not given" (nullopt). A malformed string gives std::errc::invalid_argument; the caller
// answers with ESME_RINVSCHED or ESME_RINVEXPIRY.
result<std::optional<wall_time>> resolve_smpp_time(std::string_view text, wall_time now);

}  // namespace smppd::smpp
