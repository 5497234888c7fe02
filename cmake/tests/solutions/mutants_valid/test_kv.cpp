// the tests
