#include "smpp/command_status.hpp"

#include <array>
#include <cstdio>

namespace smppd::smpp {
namespace {

struct status_entry {
  command_status status;
  std::string_view name;
  std::string_view text;
};

constexpr std::array<status_entry, 49> statuses{{
    {command_status::esme_rok, "ESME_ROK", "no error"},
    {command_status::esme_rinvmsglen, "ESME_RINVMSGLEN", "message length is invalid"},
    {command_status::esme_rinvcmdlen, "ESME_RINVCMDLEN", "command length is invalid"},
    {command_status::esme_rinvcmdid, "ESME_RINVCMDID", "invalid command id"},
    {command_status::esme_rinvbndsts, "ESME_RINVBNDSTS", "incorrect bind status for the command"},
    {command_status::esme_ralybnd, "ESME_RALYBND", "already bound"},
    {command_status::esme_rinvprtflg, "ESME_RINVPRTFLG", "invalid priority flag"},
    {command_status::esme_rinvregdlvflg, "ESME_RINVREGDLVFLG", "invalid registered delivery flag"},
    {command_status::esme_rsyserr, "ESME_RSYSERR", "system error"},
    {command_status::esme_rinvsrcadr, "ESME_RINVSRCADR", "invalid source address"},
    {command_status::esme_rinvdstadr, "ESME_RINVDSTADR", "invalid destination address"},
    {command_status::esme_rinvmsgid, "ESME_RINVMSGID", "message id is invalid"},
    {command_status::esme_rbindfail, "ESME_RBINDFAIL", "bind failed"},
    {command_status::esme_rinvpaswd, "ESME_RINVPASWD", "invalid password"},
    {command_status::esme_rinvsysid, "ESME_RINVSYSID", "invalid system id"},
    {command_status::esme_rcancelfail, "ESME_RCANCELFAIL", "cancel_sm failed"},
    {command_status::esme_rreplacefail, "ESME_RREPLACEFAIL", "replace_sm failed"},
    {command_status::esme_rmsgqful, "ESME_RMSGQFUL", "message queue full"},
    {command_status::esme_rinvsertyp, "ESME_RINVSERTYP", "invalid service type"},
    {command_status::esme_rinvnumdests, "ESME_RINVNUMDESTS", "invalid number of destinations"},
    {command_status::esme_rinvdlname, "ESME_RINVDLNAME", "invalid distribution list name"},
    {command_status::esme_rinvdestflag, "ESME_RINVDESTFLAG", "invalid destination flag"},
    {command_status::esme_rinvsubrep, "ESME_RINVSUBREP", "invalid submit with replace request"},
    {command_status::esme_rinvesmclass, "ESME_RINVESMCLASS", "invalid esm_class field data"},
    {command_status::esme_rcntsubdl, "ESME_RCNTSUBDL", "cannot submit to distribution list"},
    {command_status::esme_rsubmitfail, "ESME_RSUBMITFAIL", "submit_sm or submit_multi failed"},
    {command_status::esme_rinvsrcton, "ESME_RINVSRCTON", "invalid source address TON"},
    {command_status::esme_rinvsrcnpi, "ESME_RINVSRCNPI", "invalid source address NPI"},
    {command_status::esme_rinvdstton, "ESME_RINVDSTTON", "invalid destination address TON"},
    {command_status::esme_rinvdstnpi, "ESME_RINVDSTNPI", "invalid destination address NPI"},
    {command_status::esme_rinvsystyp, "ESME_RINVSYSTYP", "invalid system_type field"},
    {command_status::esme_rinvrepflag, "ESME_RINVREPFLAG", "invalid replace_if_present flag"},
    {command_status::esme_rinvnummsgs, "ESME_RINVNUMMSGS", "invalid number of messages"},
    {command_status::esme_rthrottled, "ESME_RTHROTTLED", "throttling error"},
    {command_status::esme_rinvsched, "ESME_RINVSCHED", "invalid scheduled delivery time"},
    {command_status::esme_rinvexpiry, "ESME_RINVEXPIRY", "invalid message validity period"},
    {command_status::esme_rinvdftmsgid, "ESME_RINVDFTMSGID", "predefined message not found"},
    {command_status::esme_rx_t_appn, "ESME_RX_T_APPN", "ESME receiver temporary app error"},
    {command_status::esme_rx_p_appn, "ESME_RX_P_APPN", "ESME receiver permanent app error"},
    {command_status::esme_rx_r_appn, "ESME_RX_R_APPN", "ESME receiver reject message error"},
    {command_status::esme_rqueryfail, "ESME_RQUERYFAIL", "query_sm failed"},
    {command_status::esme_rinvdcs, "ESME_RINVDCS", "invalid data coding scheme"},
    {command_status::esme_rinvoptparstream, "ESME_RINVOPTPARSTREAM",
     "error in the optional part of the PDU body"},
    {command_status::esme_roptparnotallwd, "ESME_ROPTPARNOTALLWD",
     "optional parameter not allowed"},
    {command_status::esme_rinvparlen, "ESME_RINVPARLEN", "invalid parameter length"},
    {command_status::esme_rmissingoptparam, "ESME_RMISSINGOPTPARAM",
     "expected optional parameter missing"},
    {command_status::esme_rinvoptparamval, "ESME_RINVOPTPARAMVAL",
     "invalid optional parameter value"},
    {command_status::esme_rdeliveryfailure, "ESME_RDELIVERYFAILURE", "delivery failure"},
    {command_status::esme_runknownerr, "ESME_RUNKNOWNERR", "unknown error"},
}};

const status_entry* find(command_status status) noexcept {
  for (const auto& entry : statuses) {
    if (entry.status == status) return &entry;
  }
  return nullptr;
}

std::string hex(command_status status) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", static_cast<unsigned>(status));
  return text;
}

class smpp_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smpp"; }
  std::string message(int value) const override {
    return smpp::message(static_cast<command_status>(static_cast<std::uint32_t>(value)));
  }
};

}  // namespace

std::string_view name(command_status status) noexcept {
  const status_entry* entry = find(status);
  return entry != nullptr ? entry->name : std::string_view{};
}

std::string to_string(command_status status) {
  const status_entry* entry = find(status);
  return entry != nullptr ? std::string(entry->name) : hex(status);
}

std::string message(command_status status) {
  const status_entry* entry = find(status);
  if (entry == nullptr) return "unknown command_status " + hex(status);
  return std::string(entry->text) + " (" + std::string(entry->name) + ")";
}

const std::error_category& smpp_category() noexcept {
  static const smpp_error_category category;
  return category;
}

}  // namespace smppd::smpp
