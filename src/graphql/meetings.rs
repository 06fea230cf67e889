//! 1:1 brokerage meetings at a session: requests, answers, bookings and the scheduler.

mod mutation;
pub mod types;

pub use mutation::MeetingMutation;
