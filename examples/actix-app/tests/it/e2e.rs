//! The demo contract's end-to-end suite against the Actix demo binary.

demo_support::demo_e2e_suite!(env!("CARGO_BIN_EXE_example-actix"));
