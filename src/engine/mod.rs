//! What envctl needs from a container runtime.

pub mod docker;
pub mod readiness;
