//! The GraphQL face of [`AppError`]: `extensions.code`, and `field` and `reason` where the input
//! is at fault. The source of an internal error is logged here and never sent.

use async_graphql::{ErrorExtensions as _, ServerError, Value};

use crate::{
    domain::text::Lang,
    error::{AppError, ErrorCode, Reason},
};

mod words;
use words::{code_sentence, reason_sentence};

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

/// Puts the messages of coded errors into `lang` for a client that asked for Kazakh or Russian
/// (`Accept-Language`), keeping the English original, which may say more, as
/// `extensions.detail`. Errors without a code (a document that does not parse or validate) are
/// for the developer writing the query and stay as they are.
pub fn localize(errors: &mut [ServerError], lang: Lang) {
    let named = |ext: &async_graphql::ErrorExtensionValues, key: &str| match ext.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    for error in errors {
        let Some(ext) = error.extensions.as_mut() else {
            continue;
        };
        let Some(code) = named(ext, "code").and_then(|code| code.parse::<ErrorCode>().ok()) else {
            continue;
        };
        let reason = named(ext, "reason")
            .and_then(|reason| reason.parse::<Reason>().ok())
            .and_then(|reason| reason_sentence(reason, lang));
        let field = named(ext, "field");
        let Some(sentence) = reason
            .map(str::to_owned)
            .or_else(|| code_sentence(code, lang, field.as_deref()))
        else {
            continue;
        };
        let english = std::mem::replace(&mut error.message, sentence);
        ext.set("detail", english);
    }
}
