// test_records.cpp — lesson 09, exercise "records": your regression test for
// the bug in REPORT.md, written before the fix.
//
// The grader builds this file twice, with versions of records.cpp it keeps
// apart from yours: with the helper as shipped (your test must FAIL there:
// it reproduces the report) and with the helper fixed (it must PASS there: it
// asserts only what the report says should happen). Then it runs your fixed
// records.cpp against its own tests, and yours.
#include <string>
#include <vector>

#include "records.hpp"
#include "twist_catch.hpp"

// TODO: one TEST_CASE that feeds a RecordSplitter what the reporter's server
// received, cut into chunks the way the report says, and CHECKs the records
// the reporter expected.
