//! Kopir's database tables as sea-orm entities. Business rules live in the `kopir` crate's
//! `domain` modules; this crate only describes the rows.

pub mod capability;
pub mod deal;
pub mod deal_financing;
pub mod deal_history;
pub mod deal_party;
pub mod event;
pub mod field_of_science;
pub mod indicator;
pub mod indicator_target;
pub mod indicator_value;
pub mod infrastructure_disbursement;
pub mod infrastructure_financing;
pub mod infrastructure_history;
pub mod infrastructure_milestone;
pub mod infrastructure_project;
pub mod invitation;
pub mod meeting;
pub mod meeting_report;
pub mod meeting_seat;
pub mod membership;
pub mod need;
pub mod need_share;
pub mod organization;
pub mod portfolio_item;
pub mod portfolio_participant;
pub mod refresh_token;
pub mod region;
pub mod region_statistic;
pub mod science_city;
pub mod session;
pub mod session_registration;
pub mod trl_level;
pub mod user_account;
