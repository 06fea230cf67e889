//! The GraphQL face of [`AppError`]: `extensions.code`, and `field` and `reason` where the input
//! is at fault. The source of an internal error is logged here and never sent.

use async_graphql::ErrorExtensions as _;

use crate::error::AppError;

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.log();
        let (code, field, reason) = (err.code(), err.field(), err.reason());
        let retry_after = match err {
            AppError::Busy {
                retry_after_secs, ..
            } => Some(retry_after_secs),
            _ => None,
        };
        async_graphql::Error::new(err.to_string()).extend_with(|_, ext| {
            ext.set("code", code.as_str());
            if let Some(field) = field {
                ext.set("field", field);
            }
            if let Some(reason) = reason {
                ext.set("reason", reason.as_str());
            }
            if let Some(seconds) = retry_after {
                ext.set("retryAfter", seconds);
            }
        })
    }
}
