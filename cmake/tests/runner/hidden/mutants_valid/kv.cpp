// the reference
