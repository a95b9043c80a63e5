//! Cross-crate and end-to-end test suites; the tests live under `tests/tests/`.
