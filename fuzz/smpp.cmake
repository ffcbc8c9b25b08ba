# SMPP codec fuzz targets. corpus/pdu_decode/ holds the golden PDUs of tests/smpp (regenerate:
# SMPPD_WRITE_CORPUS=fuzz/corpus/pdu_decode build/tests/smpp/smpp_test); corpus/framer/ holds
# streams made from them (all concatenated, cut short, a fatal header after one PDU).
smppd_fuzz_target(pdu_decode SOURCES ${CMAKE_CURRENT_LIST_DIR}/pdu_decode.cpp LIBS smppd_smpp)
smppd_fuzz_target(framer SOURCES ${CMAKE_CURRENT_LIST_DIR}/framer.cpp LIBS smppd_smpp)
