// course_pch.cpp — the one source of the course_pch target, whose only job is
// to own the precompiled twist headers that every exercise program reuses
// (cmake/Course.cmake). It compiles to nothing.
