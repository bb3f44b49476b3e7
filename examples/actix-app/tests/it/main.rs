//! The Actix demo's integration tests, built as one test binary: the demo contract's end-to-end
//! suite and two instances behind one URL sharing one Redis, both against the demo binary.

mod e2e;
mod instances;
