#include "text/errc.hpp"

#include <string>

namespace smppd::text {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smppd.text"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::octet_out_of_range:
        return "octet outside the 7-bit alphabet";
      case errc::dangling_escape:
        return "GSM-7 escape at the end of the payload";
      case errc::unknown_extension:
        return "GSM-7 escape before a non-extension character";
      case errc::odd_length:
        return "UCS-2 payload of odd length";
      case errc::lone_surrogate:
        return "UTF-16 lone surrogate";
      case errc::unsupported_data_coding:
        return "unsupported data_coding";
      case errc::not_text:
        return "binary data_coding has no text form";
      case errc::unencodable_character:
        return "character not in the target alphabet";
      case errc::invalid_utf8:
        return "invalid UTF-8";
      case errc::invalid_fill_bits:
        return "septet fill bits outside 0..6";
      case errc::septet_count_out_of_range:
        return "septet count exceeds the packed data";
      case errc::too_many_parts:
        return "text needs more than 255 parts";
      case errc::udh_length_out_of_range:
        return "UDH length past the payload";
      case errc::udh_element_truncated:
        return "UDH information element truncated";
      case errc::invalid_concat_element:
        return "invalid concatenation information element";
    }
    return "unknown text error";
  }
};

}  // namespace

const std::error_category& text_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace smppd::text
