# The REST API's request reader: any bytes as a JSON body and as a form/query string.
# corpus/rest_request/ holds request shapes from tests/rest.
smppd_fuzz_target(rest_request SOURCES ${CMAKE_CURRENT_LIST_DIR}/rest_request.cpp LIBS smppd_rest)
