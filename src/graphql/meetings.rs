//! 1:1 brokerage meetings at a session: requests, answers, bookings.

mod mutation;
pub mod types;

pub use mutation::MeetingMutation;
