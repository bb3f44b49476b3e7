//! Two instances of the Actix demo behind one URL, sharing one Redis.

demo_support::demo_instances_suite!(env!("CARGO_BIN_EXE_example-actix"));
