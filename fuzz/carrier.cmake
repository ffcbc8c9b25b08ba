# The carrier side's decoder: upstream receipts and MO told apart, receipt texts in any field
# order, ids in any base. corpus/upstream_report/: receipt texts (first octet 'T') and
# deliver_sm frames (first octet 0) as carriers send them.
smppd_fuzz_target(upstream_report SOURCES ${CMAKE_CURRENT_LIST_DIR}/upstream_report.cpp
                  LIBS smppd_carrier)
