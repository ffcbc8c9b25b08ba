#include "text/data_coding.hpp"

#include "text/errc.hpp"

namespace smppd::text {

result<coding_info> lookup(std::uint8_t data_coding) noexcept {
  const auto make = [data_coding](alphabet a, bool flash) {
    switch (a) {
      case alphabet::gsm7:
        return coding_info{data_coding, a, flash, unit::septet, 1, 7, true};
      case alphabet::ucs2:
        return coding_info{data_coding, a, flash, unit::ucs2_code_unit, 2, 16, true};
      case alphabet::binary:
        return coding_info{data_coding, a, flash, unit::octet, 1, 8, false};
      default:
        // ASCII, Latin-1 and ISO-8859-5 are counted as 8-bit octets: an SMSC that
        // transcodes them to GSM-7 can only fit more, never less.
        return coding_info{data_coding, a, flash, unit::octet, 1, 8, true};
    }
  };
  switch (data_coding) {
    case dcs::gsm7:
      return make(alphabet::gsm7, false);
    case dcs::ascii:
      return make(alphabet::ascii, false);
    case dcs::binary:
    case dcs::binary_4:
      return make(alphabet::binary, false);
    case dcs::latin1:
      return make(alphabet::latin1, false);
    case dcs::iso8859_5:
      return make(alphabet::iso8859_5, false);
    case dcs::ucs2:
      return make(alphabet::ucs2, false);
    case dcs::ucs2_flash:
      return make(alphabet::ucs2, true);
    case dcs::gsm7_flash:
      return make(alphabet::gsm7, true);
    default:
      return errc::unsupported_data_coding;
  }
}

bool is_supported(std::uint8_t data_coding) noexcept { return lookup(data_coding).has_value(); }

std::size_t units_per_message(const coding_info& info, std::size_t udh_octets) noexcept {
  if (udh_octets >= max_user_data_octets) return 0;
  const std::size_t bits = (max_user_data_octets - udh_octets) * 8;
  return bits / info.air_bits_per_unit;
}

}  // namespace smppd::text
