#pragma once
// A journal batch as the encoder wrote it before MO existed (format 1, receipts ending at
// created_at): bytes pinned from that encoder, never re-encoded, so a change that stops old
// rows from loading fails. Used by journal_test, message_store_test and the fuzz corpus.

#include <string_view>

#include "core/records.hpp"

namespace smppd::test_support {

// One message_finished (message 7, delivered, no error) with a receipt given id 5.
inline constexpr std::string_view pre_mo_finished_hex =
    "01"                                     // format version
    "03 41000000"                            // finished, 65 octets
    "07 02 d0df95ffbc31 00 01"               // message 7, delivered, done_at, error 0, receipt
    "05 04 61636d65 07"                      // receipt_id 5, "acme", message_id 7
    "11 69643a3720737461743a44454c49565244"  // "id:7 stat:DELIVRD"
    "02 00 01 01 0a 34353132333435363738"    // state 2, no error, 1/1 "4512345678"
    "05 00 04 41636d65 01 2a d0df95ffbc31";  // 5/0 "Acme", reference 2a, created_at

// The receipt in it, as it reads today: esm_class and data_coding take a receipt's values.
inline core::receipt_record pre_mo_receipt() {
  core::receipt_record r;
  r.receipt_id = 5;
  r.system_id = "acme";
  r.message_id = 7;
  r.text = "id:7 stat:DELIVRD";
  r.message_state = 2;
  r.source_addr_ton = 1;
  r.source_addr_npi = 1;
  r.source_addr = "4512345678";
  r.dest_addr_ton = 5;
  r.destination_addr = "Acme";
  r.user_message_reference = {0x2A};
  r.created_at = wall_time(std::chrono::milliseconds(1'700'000'002'000));
  return r;
}

}  // namespace smppd::test_support
